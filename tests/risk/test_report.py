"""The HTML report: parsed, offline (nothing external), figures present, forced values
flagged; rendered by headless Chromium when it is installed."""

from __future__ import annotations

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from vigie import disarm
from vigie.risk.check import validate
from vigie.risk.compute import compute
from vigie.risk.report_html import render, write_report
from vigie.risk.templates import template_text

from .helpers import run_cli


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.refs: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        for k, v in attrs:
            if k in ("src", "href", "xlink:href", "action", "data") and v is not None:
                self.refs.append(v)
            if k == "id" and v:
                self.ids.add(v)


def _template_study(name: str, forced: bool = False):
    data = yaml.safe_load(template_text(name))
    if forced:
        data["operational_scenarios"][1]["forced"] = {
            "likelihood": {"value": "V4", "justification": "deepfake already circulating"}
        }
    study, rep = validate(data)
    assert study is not None, rep.errors
    return study


@pytest.mark.parametrize("name", ["election-fr", "election-en"])
def test_report_is_self_contained_and_complete(name: str) -> None:
    study = _template_study(name)
    res = compute(study)
    html = render(study, res)
    p = _Collector()
    p.feed(html)
    p.close()
    assert "script" not in p.tags and "link" not in p.tags and "img" not in p.tags
    assert all(r.startswith("#") or r.startswith("url(#") for r in p.refs), p.refs
    assert not re.search(r"(https?:)?//[\w.-]+/[^\s\"<]*\.(js|css|png|woff2?)", html)
    assert "@import" not in html
    assert html.count('class="matrix"') == 2  # initial and residual
    assert html.count('class="radar"') == 2
    assert html.count('class="graph"') == len(study.strategic_scenarios) >= 3
    # every inline SVG is well-formed XML
    for svg in re.findall(r"<svg.*?</svg>", html, flags=re.S):
        ET.fromstring(svg)
    assert study.study.marking in html
    for m in study.measures:
        assert m.name.replace("'", "&#39;") in html
    for rk in res.risks:
        assert f">{rk}<" in html or f"{rk} " in html
    assert "⚑ " not in html.split('id="forced"')[1].split("</h2>")[1][:200]  # none forced


def test_report_uses_the_studys_language_for_disarm_labels() -> None:
    fr = render(_template_study("election-fr"), compute(_template_study("election-fr")))
    en = render(_template_study("election-en"), compute(_template_study("election-en")))
    t = disarm.technique("T0049.003")
    assert f"T0049.003 — {t.label('fr')}" in fr and t.label("fr") != t.label("en")
    assert f"T0049.003 — {t.label('en')}" in en
    assert "T1566.002 (ATT&amp;CK)" in en
    assert disarm.ATTRIBUTION.split(" (")[0] in fr


def test_forced_values_are_flagged_in_the_report() -> None:
    study = _template_study("election-en", forced=True)
    res = compute(study)
    html = render(study, res)
    forced_section = html.split('id="forced"')[1]
    assert "operational_scenarios[OS2].likelihood" in forced_section
    assert "deepfake already circulating" in forced_section
    assert html.count("V4 ⚑") >= 2  # in the scenario heading and in the forced table
    # the risk fed by the forced likelihood is flagged on both risk maps
    assert res.risks["R2"].flagged and not res.risks["R1"].flagged
    assert html.count("R2⚑") == 2


def test_cli_report(tmp_path: Path) -> None:
    study = tmp_path / "s.yaml"
    study.write_text(template_text("election-fr"), encoding="utf-8")
    out = tmp_path / "r.html"
    assert run_cli(["risk", "report", str(study), "--html", str(out)]) == 0
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        path = shutil.which(name)
        if path:
            return path
    return None


def test_report_renders_in_headless_chromium(tmp_path: Path) -> None:
    browser = _chromium()
    if browser is None:
        pytest.skip("no headless Chromium installed (apt-get install -y chromium)")
    image = pytest.importorskip("PIL.Image", reason="Pillow is needed to inspect the screenshot")
    study = _template_study("election-fr", forced=True)
    html = write_report(study, compute(study), tmp_path / "report.html")
    png = tmp_path / "shot.png"
    subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
         f"--screenshot={png}", "--window-size=1280,1600", html.resolve().as_uri()],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    with image.open(png) as im:
        assert im.size == (1280, 1600)
        colours = {c for _, c in im.convert("RGB").getcolors(maxcolors=1 << 20) or []}
    # the TLP banner (black), and the risk grid's red and green cells are drawn
    assert (0, 0, 0) in colours
    assert (0xE0, 0x60, 0x5A) in colours and (0x7F, 0xBF, 0x7F) in colours
