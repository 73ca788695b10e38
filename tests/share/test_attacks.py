"""Attacks on the sharing surface (issue 14): each test mounts one attack and checks it fails.

Fast by design (in-process ASGI client, cheap argon2 parameters, injected clocks), so the
whole module runs in CI. Each test names the weakness it attacks.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import yaml

from vigie.risk.templates import template_text

# --- exports: spreadsheet formula injection ---------------------------------------------------


def test_xlsx_formula_injection_is_written_as_text(tmp_path: Path) -> None:
    from tests.risk.helpers import run_cli

    data = yaml.safe_load(template_text("election-en"))
    evil = ['=HYPERLINK("http://evil.example/x","click")', "+1+1", "-2+3", "@SUM(A1)", "\t=1"]
    for i, text in enumerate(evil):
        data["missions"][i % len(data["missions"])]["name"] = text
    data["missions"][0]["name"] = evil[0]
    data["feared_events"][0]["name"] = evil[1]
    data["risk_sources"][0]["name"] = evil[3]
    study = tmp_path / "s.yaml"
    study.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "s.xlsx"
    assert run_cli(["risk", "export", str(study), "--xlsx", str(out)]) == 0
    with zipfile.ZipFile(out) as z:
        sheets = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/")]
    assert sheets and not any("<f>" in s for s in sheets)  # no formula cell anywhere
    assert any("HYPERLINK" in s for s in sheets)  # the text itself is kept
