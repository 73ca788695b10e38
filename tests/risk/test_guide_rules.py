"""The EBIOS RM guide's grids and rules as defaults, and the format elements the method allows.

Each test builds a small study with a known answer (worked out by hand in the comments) and
checks the computed value, or that the checker names the error by its path.
"""

from __future__ import annotations

from typing import Any

from vigie.risk import scales
from vigie.risk.check import technique_problem, validate
from vigie.risk.compute import compute

from .helpers import study_data


def _ok(data: dict[str, Any]):
    study, rep = validate(data)
    assert study is not None, rep.errors
    return study, compute(study)


def _errors(data: dict[str, Any]) -> list[str]:
    study, rep = validate(data)
    assert study is None, "expected errors"
    return rep.errors


def _advanced(actions: list[dict[str, Any]]) -> dict[str, Any]:
    data = study_data()
    os_ = data["operational_scenarios"][0]
    os_["method"] = "advanced"
    os_["actions"] = [
        {"phase": "enter", "description": "d", "technique": "T0049", **a} for a in actions
    ]
    return data


# --- workshop 2: relevance ------------------------------------------------------------------


def test_a_333_pair_is_relevant_not_moderately_relevant() -> None:
    data = study_data()
    data["risk_pairs"][0].update(motivation=3, resources=3, activity=3)
    _, res = _ok(data)
    p = res.pairs["RP1"].relevance.value
    assert p == "P3"
    assert scales.label(scales.RELEVANCE, p, "fr") == "Pertinent"
    # the top of the guide's grid is "très pertinent"; activity does not move the level
    for act in (1, 4):
        data["risk_pairs"][0].update(motivation=4, resources=4, activity=act)
        assert _ok(data)[1].pairs["RP1"].relevance.value == "P4"
    data["risk_pairs"][0].update(motivation=1, resources=1, activity=4)
    assert _ok(data)[1].pairs["RP1"].relevance.value == "P1"


def test_a_study_may_give_its_own_relevance_grid_and_the_checker_validates_it() -> None:
    grid = [[1, 1, 1, 1], [1, 1, 1, 1], [2, 2, 2, 2], [2, 2, 2, 2]]
    data = study_data(settings={"relevance": {"grid": grid}})
    data["risk_pairs"][0].update(motivation=3, resources=4)
    assert _ok(data)[1].pairs["RP1"].relevance.value == "P2"
    bad = study_data(settings={"relevance": {"grid": [[1, 2, 3]]}})
    assert any(e.startswith("settings.relevance.grid: must be 4 rows") for e in _errors(bad))
    bad = study_data(settings={"relevance": {"rule": "sum", "grid": grid}})
    assert "settings.relevance.grid: is only used with rule 'grid'" in _errors(bad)


# --- workshop 4: the advanced grid, V0, AND junctions -------------------------------------------


def test_guide_grid_cells_that_changed_and_v0() -> None:
    # significant success (2) at low difficulty (1) is V3 in the guide's grid (vigie said V2)
    _, res = _ok(_advanced([{"id": "A", "success": 2, "difficulty": 1}]))
    assert res.operational["OS1"].likelihood.value == "V3"
    # very low success (0) at high difficulty (3) is the guide's 0: V0, implausible
    _, res = _ok(_advanced([{"id": "A", "success": 0, "difficulty": 3}]))
    assert res.operational["OS1"].likelihood.value == "V0"
    r = res.risks["R1"]
    assert r.likelihood == "V0" and r.level.value == "low"
    assert scales.label(scales.LIKELIHOOD, "V0", "fr") == "Invraisemblable"


def test_v0_may_be_written_where_a_likelihood_is_written() -> None:
    data = study_data()
    os_ = data["operational_scenarios"][0]
    os_.update(method="express", likelihood="V0")
    data["risks"][0]["residual"] = {"likelihood": "V0", "justification": "measure M1"}
    _, res = _ok(data)
    assert res.operational["OS1"].likelihood.value == "V0"
    assert res.risks["R1"].residual_level.value == "low"


def test_advanced_table_may_hold_zeros_and_is_checked() -> None:
    table = [[0] * 5 for _ in range(5)]
    data = study_data(settings={"advanced": {"table": table}})
    data["operational_scenarios"][0]["method"] = "advanced"
    for a in data["operational_scenarios"][0]["actions"]:
        a["difficulty"] = 0
    assert _ok(data)[1].operational["OS1"].likelihood.value == "V0"
    table[2][2] = 5
    data["settings"] = {"advanced": {"table": table}}
    assert any(e.startswith("settings.advanced.table: must be 5 rows") for e in _errors(data))


def test_and_junction_takes_the_hardest_branch() -> None:
    acts = [
        {"id": "A", "after": [], "success": 4, "difficulty": 0},  # 4
        {"id": "B", "after": [], "success": 1, "difficulty": 3},  # 1
        {"id": "C", "after": ["A", "B"], "success": 4, "difficulty": 0},  # 4
    ]
    _, res = _ok(_advanced(acts))
    assert res.operational["OS1"].likelihood.value == "V4"  # OR: the easy branch A suffices
    acts[2]["join"] = "and"
    _, res = _ok(_advanced(acts))
    op = res.operational["OS1"]
    assert op.likelihood.value == "V1"  # AND: B is needed too
    assert op.easiest_mode == ["A", "B", "C"]


def test_and_junction_needs_two_predecessors() -> None:
    acts = [
        {"id": "A", "success": 4, "difficulty": 0},
        {"id": "B", "after": ["A"], "join": "and", "success": 4, "difficulty": 0},
    ]
    errs = _errors(_advanced(acts))
    assert (
        "operational_scenarios[0].actions[1].join: 'and' needs at least two actions under 'after'"
        in errs
    )


# --- format elements the method allows ---------------------------------------------------------


def test_actions_without_technique_or_with_attack_ics_and_mobile_ids() -> None:
    data = study_data()
    acts = data["operational_scenarios"][0]["actions"]
    del acts[0]["technique"]
    acts[1]["technique"] = "T0855"  # ATT&CK for ICS: Unauthorized Command Message
    acts[2]["technique"] = "T1474.001"  # ATT&CK Mobile: supply chain compromise
    _ok(data)
    assert technique_problem("T0855") is None
    assert technique_problem("T0999") is not None  # neither DISARM nor ICS
    acts[3]["technique"] = "X1"
    errs = _errors(data)
    assert any(e.startswith("operational_scenarios[0].actions[3].technique: 'X1'") for e in errs)


def test_express_scenario_without_actions() -> None:
    data = study_data()
    data["operational_scenarios"][0].update(method="express", likelihood="V3", actions=[])
    _, res = _ok(data)
    assert res.operational["OS1"].likelihood.value == "V3"
    data["operational_scenarios"][0]["method"] = "standard"
    assert (
        "operational_scenarios[0].actions: the standard method needs at least one action "
        "(only an express scenario may have none)"
    ) in _errors(data)


def test_unrated_critical_stakeholders_of_any_category() -> None:
    data = study_data()
    data["stakeholders"].append(
        {"id": "SH3", "name": "Electoral commission", "category": "regulator", "critical": True}
    )
    study, res = _ok(data)
    assert study.stakeholders[2].critical is True
    assert res.stakeholders["SH3"].threat.value is None
    assert res.stakeholders["SH3"].zone == "unrated"
    from vigie.risk import svg

    assert "SH3" not in svg.radar(study, res, "en")  # no place on the threat map
    assert "Regulator" in svg.radar(study, res, "en")  # but its category has a sector
    data["stakeholders"][2].update(dependency=2, trust=3)  # half rated
    errs = _errors(data)
    assert any(e.startswith("stakeholders[2].penetration: rate all four") for e in errs)


def test_g5_and_a_studys_own_scales_and_grid() -> None:
    data = study_data()
    data["feared_events"][1]["severity"] = "G5"
    errs = _errors(data)
    assert any(e.startswith("feared_events[1].severity: 'G5' is not a level") for e in errs)
    sev = {f"G{i}": {"fr": f"Niveau {i}", "en": f"Level {i}"} for i in range(1, 6)}
    grid = {
        "V1": ["low", "low", "low", "moderate", "moderate"],
        "V2": ["low", "low", "moderate", "moderate", "high"],
        "V3": ["moderate", "moderate", "high", "high", "high"],
        "V4": ["moderate", "high", "high", "high", "high"],
    }
    data["settings"] = {"scales": {"severity": sev}, "risk_grid": grid}
    _, res = _ok(data)
    r = res.risks["R1"]  # SS1 reaches FE2 (G5); OS1 standard: best mode min(4, 3, 3) -> V3
    assert (r.severity, r.likelihood, r.level.value) == ("G5", "V3", "high")
    assert r.residual_level.value == "moderate"  # V1 x G5 in the study's grid
    assert res.severities == ("G1", "G2", "G3", "G4", "G5")
    grid["V2"] = ["low", "low"]
    del grid["V4"]
    errs = _errors(data)
    assert "settings.risk_grid: row V4 is missing" in errs
    assert any(e.startswith("settings.risk_grid.V2: needs 5 levels") for e in errs)
    data["settings"] = {"scales": {"severity": {"G1": sev["G1"], "G3": sev["G3"]}}}
    errs = _errors(data)
    assert any(e.startswith("settings.scales.severity: levels must follow") for e in errs)


def test_measures_status_owners_months_and_attack_paths() -> None:
    data = study_data()
    m = data["measures"][0]
    del m["owner"]
    m.update(
        owners=["Digital", "Legal"],
        status="in_progress",
        deadline_months=6,
        attack_paths=[{"scenario": "SS1", "path": "P1"}],
    )
    study, _ = _ok(data)
    assert study.measures[0].all_owners == ["Digital", "Legal"]
    assert study.measures[0].deadline_months == 6
    m["owners"] = []
    m["deadline"] = "2026-05-01"
    m["attack_paths"] = [{"scenario": "SS1", "path": "P9"}, {"scenario": "SS9", "path": "P1"}]
    m["status"] = "someday"
    errs = _errors(data)
    assert "measures[0].owner: is required (or list several under owners)" in errs
    assert any(e.startswith("measures[0].deadline_months: give a deadline") for e in errs)
    assert "measures[0].attack_paths[0].path: unknown attack path 'P9' of SS1" in errs
    assert "measures[0].attack_paths[1].scenario: unknown strategic scenario 'SS9'" in errs
    assert any(e.startswith("measures[0].status: 'someday' is not one of") for e in errs)


def test_feared_event_without_business_value_and_the_residual_risk_sheet() -> None:
    data = study_data()
    data["feared_events"][0]["business_values"] = []
    data["risks"][0]["residual"] = {
        "likelihood": "V1",
        "justification": "monitoring",
        "description": "a smear still reaches some voters",
        "vulnerabilities": ["platform reporting is slow"],
        "monitoring": "weekly review of reports",
        "acceptance": {"by": "Campaign director", "date": "2026-03-01"},
    }
    study, _ = _ok(data)
    sheet = study.risks[0].residual
    assert sheet is not None and sheet.acceptance is not None
    assert sheet.acceptance.decision == "accepted"
    data["risks"][0]["residual"]["acceptance"] = {"decision": "maybe"}
    errs = _errors(data)
    assert "risks[0].residual.acceptance.by: is required" in errs
    assert any(e.startswith("risks[0].residual.acceptance.decision: 'maybe'") for e in errs)
