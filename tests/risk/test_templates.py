"""The election templates: valid, complete, bilingual, and every DISARM id real."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from vigie import disarm
from vigie.errors import VigieError
from vigie.risk.check import ATTACK_ID, validate
from vigie.risk.compute import compute
from vigie.risk.templates import TEMPLATES, template_text, write_template

from .helpers import run_cli

ELECTION = sorted(t for t in TEMPLATES if t.startswith("election"))


def _load(name: str):
    data = yaml.safe_load(template_text(name))
    study, rep = validate(data)
    assert study is not None, rep.errors
    return data, study, rep


@pytest.mark.parametrize("name", ELECTION)
def test_template_checks_clean(name: str) -> None:
    _, study, rep = _load(name)
    assert rep.errors == [] and rep.warnings == []
    assert study.study.lang == name.rsplit("-", 1)[1]


@pytest.mark.parametrize("name", ELECTION)
def test_template_techniques_exist(name: str) -> None:
    _, study, _ = _load(name)
    ids = [a.technique for o in study.operational_scenarios for a in o.actions]
    disarm_ids = [t for t in ids if t.startswith("T0")]
    assert disarm_ids, "the template must reference DISARM techniques"
    for t in ids:
        assert disarm.is_technique(t) or ATTACK_ID.match(t), t


@pytest.mark.parametrize("name", ELECTION)
def test_template_is_a_complete_election_study(name: str) -> None:
    _, study, _ = _load(name)
    assert len(study.strategic_scenarios) >= 3
    methods = {o.method for o in study.operational_scenarios}
    assert methods == {"express", "standard", "advanced"}
    assert {s.category for s in study.stakeholders} == {"client", "partner", "supplier"}
    assert len(study.business_values) >= 4 and len(study.measures) >= 4
    assert {m.category for m in study.measures} == {
        "governance", "protection", "defence", "resilience"
    }  # fmt: skip
    assert {b.status for b in study.baseline} == {
        "applied", "applied_with_restrictions", "not_applied"
    }  # fmt: skip
    res = compute(study)
    assert all(res.coverage.values()), "every feared event is reached by a scenario"
    assert {o.id for o in study.operational_scenarios} == {
        r.operational_scenario for r in study.risks
    }


def test_french_and_english_templates_are_the_same_study() -> None:
    fr_data, fr, _ = _load("election-fr")
    en_data, en, _ = _load("election-en")

    fr_res, en_res = compute(fr), compute(en)
    assert {k: v.likelihood.value for k, v in fr_res.operational.items()} == {
        k: v.likelihood.value for k, v in en_res.operational.items()
    }
    assert {k: (v.level.value, v.residual_level.value) for k, v in fr_res.risks.items()} == {
        k: (v.level.value, v.residual_level.value) for k, v in en_res.risks.items()
    }
    assert [s.id for s in fr.stakeholders] == [s.id for s in en.stakeholders]
    assert [(s.dependency, s.penetration, s.maturity, s.trust) for s in fr.stakeholders] == [
        (s.dependency, s.penetration, s.maturity, s.trust) for s in en.stakeholders
    ]
    assert fr_data.keys() == en_data.keys()
    assert fr.business_values[0].name != en.business_values[0].name  # really translated


def test_cli_new_writes_and_refuses_to_overwrite(tmp_path: Path, capsys) -> None:
    out = tmp_path / "study.yaml"
    main_ok = ["risk", "new", "--template", "election-fr", "--out", str(out)]
    assert run_cli(main_ok) == 0
    assert out.read_text(encoding="utf-8") == template_text("election-fr")
    assert run_cli(main_ok) == 2
    assert "already exists" in capsys.readouterr().err
    as_json = tmp_path / "study.json"
    assert run_cli(["risk", "new", "--template", "election-en", "--out", str(as_json)]) == 0
    assert run_cli(["risk", "check", str(as_json)]) == 0
    assert "OK" in capsys.readouterr().out
    with pytest.raises(VigieError, match="unknown template"):
        write_template("election-de", tmp_path / "x.yaml")


@pytest.mark.parametrize("name", ELECTION)
def test_campaign_template_covers_the_threats_campaigns_meet(name: str) -> None:
    """DDoS on the site and donations, typosquatted clones, doxxing of volunteers, SIM swap
    and foreign financing each have a scenario, a risk and at least one measure."""
    _, study, _ = _load(name)
    techniques = {a.technique for o in study.operational_scenarios for a in o.actions}
    assert {"T1499.002", "T1583.001", "T0048.004", "T1451"} <= techniques
    risked = {r.operational_scenario: r for r in study.risks}
    by_pair = {ss.pair: ss for ss in study.strategic_scenarios}
    for pair in ("RP7", "RP8", "RP9", "RP10"):  # financing, DDoS, clones, doxxing
        ss = by_pair[pair]
        ops = [o.id for o in study.operational_scenarios if o.strategic_scenario == ss.id]
        assert ops and all(risked[o].measures for o in ops), pair
    res = compute(study)
    assert res.risks["R9"].severity == "G4"  # foreign financing reaches the G4 feared event
