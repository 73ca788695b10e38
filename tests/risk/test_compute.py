"""Every computation, on values whose answers are worked out by hand."""

from __future__ import annotations

import pytest

from vigie.risk import scales
from vigie.risk.check import validate
from vigie.risk.compute import (
    action_index,
    compute,
    likelihood_advanced,
    likelihood_standard,
    operating_modes,
    relevance_level,
    relevance_score,
    risk_level,
    threat_level,
    zone,
)
from vigie.risk.model import Action

from .helpers import study_data

ZONES = {"danger": 2.5, "control": 0.9, "watch": 0.2}


def _study(data):
    s, rep = validate(data)
    assert s is not None, rep.errors
    return s


def test_threat_level_is_exposure_over_reliability() -> None:
    assert threat_level(4, 3, 2, 2) == 3.0
    assert threat_level(1, 1, 4, 4) == 1 / 16
    assert threat_level(4, 4, 1, 1) == 16


@pytest.mark.parametrize(
    ("threat", "expected"),
    [(16, "danger"), (2.5, "danger"), (2.49, "control"), (0.9, "control"),
     (0.89, "watch"), (0.2, "watch"), (0.19, "outside"), (1 / 16, "outside")],
)  # fmt: skip
def test_zones_default_thresholds_inclusive(threat: float, expected: str) -> None:
    assert zone(threat, ZONES) == expected


def test_zones_follow_the_study_thresholds() -> None:
    data = study_data(settings={"threat_zones": {"danger": 4, "control": 2, "watch": 1}})
    res = compute(_study(data))
    assert res.stakeholders["SH1"].threat.value == 3.0
    assert res.stakeholders["SH1"].zone == "control"  # 3 < 4 here, danger by default
    res_default = compute(_study(study_data()))
    assert res_default.stakeholders["SH1"].zone == "danger"


def test_relevance_sum_and_product_rules() -> None:
    assert relevance_score(4, 3, 2, "sum") == 9
    assert relevance_score(4, 3, 2, "product") == 24
    assert relevance_level(6, (6, 9)) == "P1"
    assert relevance_level(7, (6, 9)) == "P2"
    assert relevance_level(9, (6, 9)) == "P2"
    assert relevance_level(10, (6, 9)) == "P3"
    # in a study the default is now the guide's motivation x resources grid: (4, 3) -> P4
    # (it was P2 under vigie's earlier default sum rule, which the guide's grid proves wrong)
    assert compute(_study(study_data())).pairs["RP1"].relevance.value == "P4"
    # sum (6, 9) -> 9 is P2; product (8, 27) -> 24 is P2; custom -> P3
    data = study_data(settings={"relevance": {"rule": "sum"}})
    assert compute(_study(data)).pairs["RP1"].relevance.value == "P2"
    data = study_data(settings={"relevance": {"rule": "product"}})
    assert compute(_study(data)).pairs["RP1"].score == 24
    data = study_data(settings={"relevance": {"rule": "sum", "thresholds": [5, 8]}})
    assert compute(_study(data)).pairs["RP1"].relevance.value == "P3"


def _actions(specs) -> list[Action]:
    return [Action(phase="know", description="x", technique="T0049", **s) for s in specs]


def test_operating_modes_default_chain_and_branches() -> None:
    chain = _actions([{"id": "A"}, {"id": "B"}, {"id": "C"}])
    assert operating_modes(chain) == [["A", "B", "C"]]
    branched = _actions(
        [{"id": "A"}, {"id": "B"}, {"id": "C", "after": ["A"]}, {"id": "D", "after": ["B", "C"]}]
    )
    assert operating_modes(branched) == [["A", "B", "D"], ["A", "C", "D"]]
    two_starts = _actions([{"id": "A"}, {"id": "B", "after": []}, {"id": "C", "after": ["A", "B"]}])
    assert sorted(operating_modes(two_starts)) == [["A", "C"], ["B", "C"]]


def test_standard_min_along_a_mode_max_over_modes() -> None:
    acts = _actions(
        [
            {"id": "A", "success": 4},
            {"id": "B", "success": 1},  # weak link of mode A-B-D
            {"id": "C", "after": ["A"], "success": 3},
            {"id": "D", "after": ["B", "C"], "success": 4},
        ]
    )
    v, mode = likelihood_standard(acts)
    assert (v, mode) == ("V3", ["A", "C", "D"])
    # the study's own mapping is used
    v, _ = likelihood_standard(acts, {0: "V1", 1: "V1", 2: "V1", 3: "V2", 4: "V4"})
    assert v == "V2"


def test_advanced_uses_success_times_difficulty_table() -> None:
    # cells of the guide's grid (scales.DEFAULT_ADVANCED_TABLE)
    assert action_index(4, 0) == 4
    assert action_index(3, 2) == 3
    assert action_index(3, 4) == 1
    assert action_index(0, 0) == 1
    assert action_index(0, 4) == 0  # V0, "invraisemblable"
    acts = _actions(
        [
            {"id": "A", "success": 4, "difficulty": 0},  # 4
            {"id": "B", "success": 3, "difficulty": 3},  # 2
            {"id": "C", "after": ["A"], "success": 2, "difficulty": 1},  # 3 (was 2: see scales)
            {"id": "D", "after": ["B", "C"], "success": 4, "difficulty": 1},  # 4
        ]
    )
    # easiest mode A-C-D: min(4, 3, 4) = 3. vigie's earlier table gave C a 2, hence V2.
    assert likelihood_advanced(acts)[0] == "V3"
    table = [[4] * 5 for _ in range(5)]
    assert likelihood_advanced(acts, table)[0] == "V4"


def test_express_method_takes_the_analysts_value() -> None:
    data = study_data()
    os_ = data["operational_scenarios"][0]
    os_["method"] = "express"
    os_["likelihood"] = "V2"
    assert compute(_study(data)).operational["OS1"].likelihood.value == "V2"


def test_risk_grid_matches_the_brief() -> None:
    expected = {
        "V1": "low low low moderate",
        "V2": "low low moderate moderate",
        "V3": "moderate moderate high high",
        "V4": "moderate high high high",
    }
    for v, row in expected.items():
        assert [risk_level(g, v) for g in scales.SEVERITIES] == row.split()


def test_study_chain_severity_likelihood_level_and_residual() -> None:
    res = compute(_study(study_data()))
    assert res.strategic["SS1"].severity.value == "G4"  # max of FE1 G2, FE2 G4
    # OS1 standard: A1(4)->A2(2)->A4(3) = 2 ; A1(4)->A3(3)->A4(3) = 3 -> V3
    assert res.operational["OS1"].likelihood.value == "V3"
    r = res.risks["R1"]
    assert (r.severity, r.likelihood, r.level.value) == ("G4", "V3", "high")
    assert (r.residual_severity, r.residual_likelihood, r.residual_level.value) == (
        "G4",
        "V1",
        "moderate",
    )
    # residual ecosystem: trust 2 -> 4 halves the threat 3.0 -> 1.5 (control)
    sh = res.stakeholders["SH1"]
    assert (sh.threat.value, sh.zone, sh.residual_threat.value, sh.residual_zone) == (
        3.0,
        "danger",
        1.5,
        "control",
    )
    # no residual given: residual = initial
    assert res.stakeholders["SH2"].residual_threat.value == res.stakeholders["SH2"].threat.value
    data = study_data()
    del data["risks"][0]["residual"]
    r = compute(_study(data)).risks["R1"]
    assert r.residual_level.value == r.level.value == "high"
    assert res.coverage == {"FE1": ["SS1"], "FE2": ["SS1"]}


def test_forced_values_win_keep_the_computed_value_and_are_listed() -> None:
    data = study_data()
    data["operational_scenarios"][0]["forced"] = {
        "likelihood": {"value": "V4", "justification": "campaign observed"}
    }
    data["stakeholders"][1]["forced"] = {"threat": {"value": 3, "justification": "insider"}}
    data["risk_pairs"][0]["forced"] = {"relevance": {"value": "P3", "justification": "intel"}}
    data["strategic_scenarios"][0]["forced"] = {
        "severity": {"value": "G3", "justification": "legal advice"}
    }
    data["risks"][0]["forced"] = {"residual_level": {"value": "low", "justification": "board"}}
    res = compute(_study(data))
    lik = res.operational["OS1"].likelihood
    assert (lik.computed, lik.value, lik.is_forced) == ("V3", "V4", True)
    assert res.stakeholders["SH2"].zone == "danger"  # zone follows the forced threat
    assert res.pairs["RP1"].relevance.value == "P3"
    # the risk uses the forced severity and likelihood: G3 x V4 = high
    assert res.risks["R1"].severity == "G3"
    assert res.risks["R1"].level.value == "high"
    assert res.risks["R1"].residual_level.value == "low"
    paths = {f.path for f in res.forced}
    assert paths == {
        "operational_scenarios[OS1].likelihood",
        "stakeholders[SH2].threat",
        "risk_pairs[RP1].relevance",
        "strategic_scenarios[SS1].severity",
        "risks[R1].residual_level",
    }
    assert all(f.justification for f in res.forced)


def test_cli_compute_json(tmp_path, capsys) -> None:
    import json

    import yaml

    from .helpers import run_cli

    study = tmp_path / "s.yaml"
    study.write_text(yaml.safe_dump(study_data()), encoding="utf-8")
    assert run_cli(["risk", "compute", str(study), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["risks"]["R1"]["level"] == {"computed": "high", "forced": False, "value": "high"}
    assert out["stakeholders"]["SH1"]["threat"]["value"] == 3.0
    assert run_cli(["risk", "compute", str(study)]) == 0
    assert "R1" in capsys.readouterr().out
