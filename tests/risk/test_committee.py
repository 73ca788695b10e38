"""The committee layer: one-page summary (top risks, decisions, residual-risk sign-off,
costed roadmap, changes since the previous version) and the PDF printed by Chromium."""

from __future__ import annotations

import copy
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from vigie.risk.check import validate
from vigie.risk.compute import compute
from vigie.risk.diff import diff
from vigie.risk.pdf import find_chromium
from vigie.risk.report_html import WORDS, render, roadmap, top_risks
from vigie.risk.templates import template_text

from .helpers import run_cli, study_data


def _study(data: dict):
    study, rep = validate(data)
    assert study is not None, rep.errors
    return study


def _exec(html: str) -> str:
    return html.split('<section class="exec"')[1].split("</section>")[0]


def test_top_risks_are_ordered_by_level_then_severity() -> None:
    study = _study(yaml.safe_load(template_text("election-en")))
    res = compute(study)
    top = top_risks(study, res)
    rank = {"low": 0, "moderate": 1, "high": 2}
    levels = [rank[res.risks[r].level.value] for r in top]
    assert levels == sorted(levels, reverse=True)
    # no risk left out ranks above the last one shown
    rest = [r for r in res.risks if r not in top]
    assert all(rank[res.risks[r].level.value] <= levels[-1] for r in rest)
    html = _exec(render(study, res))
    assert all(f"<b>{r}</b>" in html for r in top)


def test_summary_asks_for_the_pending_acceptance_and_has_signature_lines() -> None:
    study = _study(yaml.safe_load(template_text("guide-example")))
    res = compute(study)
    page = _exec(render(study, res))
    pending = [
        rk.id
        for rk in study.risks
        if rk.residual and rk.residual.acceptance and rk.residual.acceptance.decision == "pending"
    ]
    assert pending == ["R1"]
    assert "Directeur général" in page
    assert WORDS["fr"]["decide_accept"].split(" {r}")[0] in page
    assert page.count('class="sig"') == len(study.risks)  # one signature line per risk
    # the risks with no decision recorded are asked in one line per residual level
    undecided = [rk.id for rk in study.risks if not (rk.residual and rk.residual.acceptance)]
    assert undecided
    asked = re.findall(r"sans décision consignée : ([^<]+)</li>", page)
    assert sorted(r for line in asked for r in line.split(", ")) == sorted(undecided)


def test_accepted_risk_is_not_asked_again() -> None:
    data = study_data()
    data["risks"][0]["residual"]["acceptance"] = {
        "by": "Campaign director",
        "date": "2026-11-30",
        "decision": "accepted",
    }
    data["measures"][0]["progress"] = 100
    study = _study(data)
    page = _exec(render(study, compute(study)))
    assert "Campaign director" in page and "2026-11-30" in page and "Accepted" in page
    assert WORDS["en"]["no_decision"] in page


def test_roadmap_sorts_by_deadline_and_totals_euro_costs() -> None:
    data = study_data()
    m = data["measures"][0]
    data["measures"] = [
        {**m, "id": "M1", "cost": "3 000 €", "deadline_months": 6},
        {**m, "id": "M2", "cost": "12 k€", "deadline": "2027-03-01"},
        {**m, "id": "M3", "cost": "0,5 ETP", "deadline": "2027-01-15"},
        {**m, "id": "M4"},  # neither cost nor deadline: not on the roadmap
    ]
    data["risks"][0]["measures"] = ["M1", "M2", "M3", "M4"]
    rows, total, other = roadmap(_study(data))
    assert [r.id for r in rows] == ["M3", "M2", "M1"]
    assert total == 15000 and other == 1
    page = _exec(render(_study(data), compute(_study(data))))
    assert "15 000 €" in page and WORDS["en"]["unpriced"].format(n=1) in page


def test_changes_since_previous_version_come_from_risk_diff(tmp_path: Path) -> None:
    old = study_data()
    new = copy.deepcopy(old)
    new["study"]["version"] = "1.1"
    new["measures"][0]["progress"] = 90
    new["stakeholders"][0]["trust"] = 4
    a, b = _study(old), _study(new)
    lines = [c.line() for c in diff(a, b)]
    assert "~ measures[M1].progress: 50 -> 90" in lines
    page = _exec(render(b, compute(b), previous=a))
    assert WORDS["en"]["changes_n"].format(n=len(lines), v="1.0") in page
    for line in lines:
        assert line.replace(">", "&gt;") in page
    assert WORDS["en"]["changes"] not in _exec(render(b, compute(b)))  # no previous: no block
    # and through the CLI
    pa, pb = tmp_path / "a.yaml", tmp_path / "b.yaml"
    pa.write_text(yaml.safe_dump(old), encoding="utf-8")
    pb.write_text(yaml.safe_dump(new), encoding="utf-8")
    out = tmp_path / "r.html"
    assert run_cli(["risk", "report", str(pb), "--html", str(out), "--previous", str(pa)]) == 0
    assert "measures[M1].progress: 50 -&gt; 90" in out.read_text(encoding="utf-8")


def test_report_without_an_output_writes_html_beside_the_study(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """No --html or --pdf: the report is s.html beside s.yaml (it used to be refused)."""
    study = tmp_path / "s.yaml"
    study.write_text(template_text("election-en"), encoding="utf-8")
    assert run_cli(["risk", "report", str(study)]) == 0
    assert f"wrote {tmp_path / 's.html'}" in capsys.readouterr().out
    assert "<html" in (tmp_path / "s.html").read_text(encoding="utf-8").lower()


def test_pdf_without_chromium_is_one_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("VIGIE_CHROMIUM", str(tmp_path / "no-such-browser"))
    study = tmp_path / "s.yaml"
    study.write_text(template_text("election-en"), encoding="utf-8")
    assert run_cli(["risk", "report", str(study), "--pdf", str(tmp_path / "r.pdf")]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    assert "apt-get install chromium" in err and "Traceback" not in err
    assert not (tmp_path / "r.pdf").exists()


def _page_count(data: bytes) -> int:
    try:
        import io

        import pypdf
    except ImportError:
        return len(re.findall(rb"/Type\s*/Page(?!s)", data))
    return len(pypdf.PdfReader(io.BytesIO(data)).pages)


@pytest.fixture(scope="module")
def pdf_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if find_chromium() is None:
        pytest.skip("no headless Chromium installed (apt-get install chromium)")
    tmp = tmp_path_factory.mktemp("pdf")
    study = tmp / "s.yaml"
    study.write_text(template_text("election-fr"), encoding="utf-8")
    out = tmp / "report.pdf"
    assert run_cli(["risk", "report", str(study), "--pdf", str(out)]) == 0
    return out


def test_pdf_is_rendered(pdf_file: Path) -> None:
    data = pdf_file.read_bytes()
    assert data.startswith(b"%PDF-")
    assert _page_count(data) >= 2  # the summary page, then the workshops


def test_summary_fits_on_one_page(pdf_file: Path, tmp_path: Path) -> None:
    from vigie.risk.pdf import html_to_pdf

    study = _study(yaml.safe_load(template_text("election-fr")))
    old = copy.deepcopy(study)
    old.measures[0].progress = 0  # a previous version, so the changes block is there too
    html = render(study, compute(study), previous=old)
    assert "measures[M1].progress" in html
    only = tmp_path / "summary.html"
    only.write_text(html.split("</section>")[0] + "</section></main></body></html>", "utf-8")
    data = html_to_pdf(only, tmp_path / "summary.pdf").read_bytes()
    assert _page_count(data) == 1


def test_pdf_first_page_is_the_summary(pdf_file: Path) -> None:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) not installed: PDF text not checked")
    first = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", "-layout", str(pdf_file), "-"],
        capture_output=True, check=True, timeout=60, text=True,
    ).stdout  # fmt: skip
    w = WORDS["fr"]
    for title in (w["exec"], w["top"], w["decisions"], w["signoff"], w["roadmap"]):
        assert title in first, title
