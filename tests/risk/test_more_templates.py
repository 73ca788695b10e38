"""The national-agency and platform templates: valid, complete, and rendered."""

from __future__ import annotations

import pytest
import yaml
from markupsafe import escape

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
    assert str(escape(study.study.title)) in html and "None" not in html


def test_agency_template_and_junction() -> None:
    study, _ = validate(yaml.safe_load(template_text("agency-en")))
    res = compute(study)
    # OS3: A1 (2 x 2 -> V2) AND A2 (1 x 3 -> V1) are both needed before A3: V1
    assert res.operational["OS3"].likelihood.value == "V1"
    assert res.risks["R1"].level.value == "high"  # OS1 min(4, 3, 3) -> V3, G4


@pytest.mark.parametrize("name", ["agency-fr", "platform-fr"])
def test_french_view_templates_check_clean_and_render(name: str) -> None:
    test_view_templates_check_clean_and_render(name)


@pytest.mark.parametrize("view", ["agency", "platform"])
def test_french_and_english_view_templates_are_the_same_study(view: str) -> None:
    """Same ids, ratings, links and computed values; every text translated."""
    fr_data = yaml.safe_load(template_text(f"{view}-fr"))
    en_data = yaml.safe_load(template_text(f"{view}-en"))
    fr, _ = validate(fr_data)
    en, _ = validate(en_data)
    assert fr.study.lang == "fr" and en.study.lang == "en"

    def skeleton(x: object) -> object:
        """The study without its words: ids, codes, numbers, links."""
        if isinstance(x, dict):
            return {
                k: skeleton(v)
                for k, v in x.items()
                if k
                not in (
                    "name",
                    "description",
                    "title",
                    "objective",
                    "justification",
                    "impacts",
                    "scope",
                    "organisation",
                    "sponsor",
                    "authors",
                    "owner",
                    "owners",
                    "kind",
                    "monitoring",
                    "by",
                    "committee",
                )
            }
        if isinstance(x, list):
            return [skeleton(v) for v in x]
        return x  # fmt: skip

    fr_skel, en_skel = skeleton(fr_data), skeleton(en_data)
    fr_skel["study"].pop("lang"), en_skel["study"].pop("lang")
    fr_skel["study"].pop("id"), en_skel["study"].pop("id")
    assert fr_skel == en_skel
    fr_res, en_res = compute(fr), compute(en)
    assert {k: v.likelihood.value for k, v in fr_res.operational.items()} == {
        k: v.likelihood.value for k, v in en_res.operational.items()
    }
    assert {k: (v.level.value, v.residual_level.value) for k, v in fr_res.risks.items()} == {
        k: (v.level.value, v.residual_level.value) for k, v in en_res.risks.items()
    }
    words = [(a.name, b.name) for a, b in zip(fr.feared_events, en.feared_events, strict=True)]
    words += [(a.name, b.name) for a, b in zip(fr.measures, en.measures, strict=True)]
    assert all(a != b for a, b in words)  # really translated


@pytest.mark.parametrize("name", ["agency-fr", "platform-fr"])
def test_french_view_report_has_no_english_ui_words(name: str) -> None:
    import re
    from html import unescape

    from .test_figures import ENGLISH_UI

    study, _ = validate(yaml.safe_load(template_text(name)))
    html = render(study, compute(study))
    text = unescape(re.sub(r"<[^>]+>", "\n", html.split("<body>")[1]))
    text = text.replace("EBIOS Risk Manager", "EBIOS RM")
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    found = sorted(
        {w for w in ENGLISH_UI for ln in lines if re.search(rf"(?<!\w){re.escape(w)}(?!\w)", ln)}
    )
    assert found == [], found
