"""The report's figures: operational graphs (four phases, AND/OR, easiest mode), strategic
graphs (direct paths, no truncated label), radars with names; the French report in French."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from html import unescape

import yaml

from vigie.risk import scales, svg
from vigie.risk.check import validate
from vigie.risk.compute import compute
from vigie.risk.report_html import WORDS, render
from vigie.risk.templates import template_text

from .helpers import study_data

NS = "{http://www.w3.org/2000/svg}"


def _study(data: dict):
    study, rep = validate(data)
    assert study is not None, rep.errors
    return study


def _texts(svg_text: str) -> list[str]:
    root = ET.fromstring(svg_text.replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1))
    return ["".join(t.itertext()) for t in root.iter(f"{NS}text")]


def test_operational_graph_has_phases_ratings_junction_and_easiest_mode() -> None:
    study = _study(study_data())
    res = compute(study)
    # known answer: A1 (4) → A2 (2) → A4 and A1 → A3 (3) → A4: the easiest mode avoids A2
    assert res.operational["OS1"].easiest_mode == ["A1", "A3", "A4"]
    fig = svg.operational_graph(study, res, "OS1", "fr")
    texts = _texts(fig)
    for ph in scales.PHASES:
        assert scales.PHASE[ph]["fr"] in texts
    assert texts.count("OU") == 1  # A4 joins A2 and A3: one OR junction
    assert "ET" not in texts
    groups = re.findall(r'<g class="(easy|node)">.*?<text[^>]*>(A\d)', fig)
    assert sorted(a for k, a in groups if k == "easy") == ["A1", "A3", "A4"]
    assert [a for k, a in groups if k == "node"] == ["A2"]
    assert "Succès 2" in texts and "Succès 4" in texts  # ratings on nodes


def test_operational_graph_shows_and_junctions_and_advanced_ratings() -> None:
    study = _study(yaml.safe_load(template_text("agency-en")))
    res = compute(study)
    with_and = [o for o in study.operational_scenarios if any(a.join == "and" for a in o.actions)]
    assert with_and
    fig = svg.operational_graph(study, res, with_and[0].id, "en")
    assert "AND" in _texts(fig)
    data = study_data()
    data["operational_scenarios"][0]["method"] = "advanced"
    for a in data["operational_scenarios"][0]["actions"]:
        a["difficulty"] = 1
    s2 = _study(data)
    texts = _texts(svg.operational_graph(s2, compute(s2), "OS1", "en"))
    # success 4 / difficulty 1 is V4 on the guide's grid; success 2 / difficulty 1 is V3
    assert "Success 4 · Difficulty 1 · V4" in texts and "Success 2 · Difficulty 1 · V3" in texts


def test_express_scenario_without_actions_draws_no_graph() -> None:
    data = study_data()
    data["operational_scenarios"][0] = {
        "id": "OS1", "name": "Bots", "strategic_scenario": "SS1", "method": "express",
        "likelihood": "V2",
    }  # fmt: skip
    study = _study(data)
    assert svg.operational_graph(study, compute(study), "OS1", "en") == ""
    assert 'class="opgraph"' not in render(study, compute(study))


def test_strategic_graph_draws_direct_paths_and_keeps_whole_labels() -> None:
    data = study_data()
    long_name = "Very large social platform hosting the campaign's official accounts and ads"
    data["stakeholders"][0]["name"] = long_name
    data["strategic_scenarios"][0]["paths"].append({"id": "P2", "stakeholders": []})
    study = _study(data)
    fig = svg.scenario_graph(study, compute(study), "SS1", "en")
    texts = _texts(fig)
    assert "P2 · direct" in texts
    assert "…" not in fig
    assert " ".join(t for t in texts if t and t in long_name) == long_name
    # dashed arrows from the source straight to each feared event
    assert fig.count('stroke-dasharray="6 3"') == len(study.strategic_scenarios[0].feared_events)


def test_radar_names_rated_stakeholders() -> None:
    study = _study(study_data())
    fig = svg.radar(study, compute(study), "en")
    texts = _texts(fig)
    for sh in study.stakeholders:
        assert f"{sh.id} — {sh.name}" in texts


ENGLISH_UI = sorted(
    {v for v in WORDS["en"].values() if v not in WORDS["fr"].values() and len(v) > 3}
    | {
        lab["en"]
        for table in (scales.PHASE, scales.ZONE, scales.STRATEGY, scales.MEASURE_CATEGORY,
                      scales.MEASURE_STATUS, scales.ACCEPTANCE, scales.RELEVANCE)
        for lab in table.values()
        if lab["en"] != lab["fr"]
    }
    | {"easiest operating mode", "Success", "Difficulty", "AND", "Not rated"}
)  # fmt: skip


def test_french_report_has_no_english_ui_words() -> None:
    study = _study(yaml.safe_load(template_text("election-fr")))
    html = render(study, compute(study))
    text = unescape(re.sub(r"<[^>]+>", "\n", html.split("<body>")[1]))
    text = text.replace("EBIOS Risk Manager", "EBIOS RM")  # the method's name, in French too
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    assert len(ENGLISH_UI) > 50
    found = sorted(
        {w for w in ENGLISH_UI for ln in lines if re.search(rf"(?<!\w){re.escape(w)}(?!\w)", ln)}
    )
    assert found == [], found
