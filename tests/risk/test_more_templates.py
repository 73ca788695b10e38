"""The national-agency and platform templates: valid, complete, and rendered."""

from __future__ import annotations

import pytest
import yaml

from vigie import disarm
from vigie.risk.check import validate
from vigie.risk.compute import compute
from vigie.risk.report_html import render
from vigie.risk.templates import template_text


@pytest.mark.parametrize("name", ["agency-en", "platform-en"])
def test_view_templates_check_clean_and_render(name: str) -> None:
    study, rep = validate(yaml.safe_load(template_text(name)))
    assert study is not None, rep.errors
    assert rep.warnings == []
    res = compute(study)
    assert all(res.coverage.values())  # every feared event reached
    assert {o.id for o in study.operational_scenarios} == {
        r.operational_scenario for r in study.risks
    }
    # not a campaign: other stakeholder categories, unrated and critical stakeholders
    cats = {s.category for s in study.stakeholders}
    assert cats - {"client", "partner", "supplier"}
    assert any(not s.rated for s in study.stakeholders)
    assert any(s.critical for s in study.stakeholders)
    assert {m.category for m in study.measures} == {
        "governance", "protection", "defence", "resilience"
    }  # fmt: skip
    for t in {a.technique for o in study.operational_scenarios for a in o.actions}:
        assert t is None or not t.startswith("T0") or disarm.is_technique(t), t
    html = render(study, res)
    assert study.study.title in html and "None" not in html


def test_agency_template_and_junction() -> None:
    study, _ = validate(yaml.safe_load(template_text("agency-en")))
    res = compute(study)
    # OS3: A1 (2 x 2 -> V2) AND A2 (1 x 3 -> V1) are both needed before A3: V1
    assert res.operational["OS3"].likelihood.value == "V1"
    assert res.risks["R1"].level.value == "high"  # OS1 min(4, 3, 3) -> V3, G4
