"""The spreadsheet export: one sheet per table, computed values and forced flags."""

from __future__ import annotations

from pathlib import Path

import yaml
from openpyxl import load_workbook

from vigie.risk.templates import template_text

from .helpers import run_cli


def test_xlsx_export(tmp_path: Path) -> None:
    data = yaml.safe_load(template_text("election-en"))
    data["stakeholders"][0]["forced"] = {"threat": {"value": 3.2, "justification": "leak"}}
    study = tmp_path / "s.yaml"
    study.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "s.xlsx"
    assert run_cli(["risk", "export", str(study), "--xlsx", str(out)]) == 0
    wb = load_workbook(out)
    expected = {"Study", "Feared events", "Risk sources", "Ecosystem", "Strategic scenarios",
                "Operational actions", "Risks", "Measures", "Forced values"}  # fmt: skip
    assert expected <= set(wb.sheetnames)
    risks = list(wb["Risks"].iter_rows(values_only=True))
    assert risks[0][:5] == ("risk", "scenario", "severity", "likelihood", "level")
    assert ("R1", "OS1", "G4", "V3", "high") in [r[:5] for r in risks[1:]]
    eco = {r[0]: r for r in wb["Ecosystem"].iter_rows(min_row=2, values_only=True)}
    assert eco["SH1"][7] == "3.2 (forced; computed 2.0)"
    assert eco["SH1"][8] == "danger"  # the zone follows the forced value
    assert eco["SH3"][7] == 4.5
    forced = list(wb["Forced values"].iter_rows(min_row=2, values_only=True))
    assert forced == [("stakeholders[SH1].threat", 2.0, 3.2, "leak", None, None, None)]
    cov = list(wb["Coverage"].iter_rows(values_only=True))
    assert cov[0][:5] == ("feared event", "severity", "SS1", "SS2", "SS3")
    assert cov[1][:5] == ("FE1", "G3", "x", "x", None)  # FE1 reached by SS1 and SS2
    n_actions = sum(len(o.get("actions", [])) for o in data["operational_scenarios"])
    assert wb["Operational actions"].max_row == n_actions + 1
