"""The study workbook read back: export -> import gives the same study (every field), edits
made in the spreadsheet come back, headers follow the study's language, bad cells are named."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from openpyxl import Workbook, load_workbook

from vigie.errors import VigieError
from vigie.risk.check import StudyError, validate
from vigie.risk.compute import compute
from vigie.risk.export_xlsx import write_xlsx
from vigie.risk.import_xlsx import read_xlsx
from vigie.risk.model import Study
from vigie.risk.templates import TEMPLATES, template_text
from vigie.risk.xlsx_labels import HEADER_FR, SHEET_FR

from .helpers import run_cli, study_data


def _check(data: dict) -> Study:
    s, rep = validate(data)
    assert s is not None, rep.errors
    return s


def _back(s: Study, path: Path) -> Study:
    write_xlsx(s, compute(s), path)
    return _check(read_xlsx(path))


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_every_template_comes_back_identical(name: str, tmp_path: Path) -> None:
    s = _check(yaml.safe_load(template_text(name)))
    assert _back(s, tmp_path / "s.xlsx").model_dump() == s.model_dump()


def test_forced_values_notes_settings_and_residual_sheets_come_back(tmp_path: Path) -> None:
    d = study_data()
    d["study"]["authors"] = ["Dupont, Jean", "RSSI"]  # a comma inside a name
    d["settings"] = {"relevance": {"rule": "sum", "thresholds": [5, 8]},
                     "threat_zones": {"danger": 3.0}}  # fmt: skip
    d["stakeholders"][0]["forced"] = {
        "threat": {"value": 3.2, "justification": "leak", "author": "ana",
                   "date": "2026-11-02", "source": "analyst"}
    }  # fmt: skip
    d["risk_pairs"][0]["forced"] = {"relevance": {"value": "P1", "justification": "x"}}
    d["operational_scenarios"][0]["actions"][0]["after"] = []
    d["risks"][0]["residual"] = {
        "likelihood": "V1", "justification": "after M1", "vulnerabilities": ["a", "b"],
        "monitoring": "weekly", "acceptance": {"by": "DG", "date": "2026-12-01",
                                               "decision": "pending", "comment": "=1+1"},
    }  # fmt: skip
    d["notes"] = [{"date": "2026-10-01", "text": "kick-off", "author": "RSSI"}]
    d["measures"][0].update(owners=["DSI", "DRH"], status="in_progress", deadline_months=6)
    s = _check(d)
    back = _back(s, tmp_path / "s.xlsx")
    assert back.model_dump() == s.model_dump()
    assert back.risks[0].residual.acceptance.comment == "=1+1"  # text, never a formula
    assert compute(back).forced == compute(s).forced


def test_french_workbook_has_french_names_and_reads_back(tmp_path: Path) -> None:
    s = _check(yaml.safe_load(template_text("election-fr")))
    path = tmp_path / "etude.xlsx"
    write_xlsx(s, compute(s), path)
    wb = load_workbook(path)
    assert set(SHEET_FR.values()) - {"Notes", "Missions"} <= set(wb.sheetnames)
    english = {en for en, fr in HEADER_FR.items() if en != fr}
    for ws in wb.worksheets:
        heads = {c.value for c in ws[1]} - {None}
        assert not heads & english, (ws.title, heads & english)
    assert wb["Couples SR-OV"]["D1"].value == "motivation"
    assert wb["Écosystème"]["D1"].value == "dépendance"
    en = tmp_path / "en.xlsx"
    write_xlsx(s.model_copy(update={"study": s.study.model_copy(update={"lang": "en"})}),
               compute(s), en)  # fmt: skip
    assert "Ecosystem" in load_workbook(en).sheetnames


def test_an_edit_in_the_spreadsheet_comes_back(tmp_path: Path) -> None:
    s = _check(yaml.safe_load(template_text("election-fr")))
    path = tmp_path / "etude.xlsx"
    write_xlsx(s, compute(s), path)
    wb = load_workbook(path)
    pairs = wb["Couples SR-OV"]
    assert pairs["A2"].value == "RP1"
    pairs["D2"] = 1  # motivation of RP1: 4 -> 1
    pairs["E2"] = 1  # resources -> 1
    acts = wb["Actions élémentaires"]
    assert acts["E1"].value == "phase"
    acts["E2"] = "Exploiter"  # a label, in French
    wb.save(path)
    back = _check(read_xlsx(path))
    rp1 = back.risk_pairs[0]
    assert (rp1.motivation, rp1.resources) == (1, 1)
    assert compute(back).pairs["RP1"].relevance.value == "P1"  # guide's grid, (1, 1)
    assert back.operational_scenarios[0].actions[0].phase == "exploit"


def test_bad_cells_are_named_by_sheet_row_and_column(tmp_path: Path) -> None:
    s = _check(study_data())
    path = tmp_path / "s.xlsx"
    write_xlsx(s, compute(s), path)
    wb = load_workbook(path)
    wb["Risk sources"]["D2"] = "a lot"
    wb["Operational actions"]["E3"] = "Nowhere"
    wb["Measures"]["F2"] = "tomorrow"
    wb.save(path)
    with pytest.raises(StudyError) as e:
        read_xlsx(path)
    text = str(e.value)
    assert "sheet 'Risk sources' row 2, motivation: 'a lot' is not a number" in text
    assert "sheet 'Operational actions' row 3, phase: 'Nowhere' is not one of its labels" in text
    assert "sheet 'Measures' row 2, deadline: 'tomorrow' is not a date YYYY-MM-DD" in text
    wb = load_workbook(path)
    wb["Risk sources"]["D2"] = 7
    wb["Operational actions"]["E3"] = "Enter"
    wb["Measures"]["F2"] = None
    wb.save(path)
    with pytest.raises(StudyError, match=r"as read\)(.|\n)*risk_pairs\[0\]\.motivation"):
        read_xlsx(path)  # read, then checked as any study


def test_not_a_study_workbook(tmp_path: Path) -> None:
    bad = tmp_path / "x.xlsx"
    bad.write_bytes(b"PK\x03\x04 truncated")
    with pytest.raises(VigieError, match="not an Excel workbook"):
        read_xlsx(bad)
    other = tmp_path / "other.xlsx"
    Workbook().save(other)
    with pytest.raises(VigieError, match="no sheet 'Study'"):
        read_xlsx(other)


def test_cli_import_xlsx(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    study = tmp_path / "s.yaml"
    assert run_cli(["risk", "new", "-t", "platform-en", "-o", str(study)]) == 0
    book = tmp_path / "s.xlsx"
    assert run_cli(["risk", "export", str(study), "--xlsx", str(book)]) == 0
    out = tmp_path / "back.yaml"
    assert run_cli(["risk", "import-xlsx", str(book), "-o", str(out)]) == 0
    assert run_cli(["risk", "diff", str(study), str(out)]) == 0
    assert "0 change(s)" in capsys.readouterr().out
    assert run_cli(["risk", "import-xlsx", str(book), "-o", str(out)]) == 2
    assert run_cli(["risk", "import-xlsx", str(study), "-o", str(tmp_path / "n.yaml")]) == 2
    assert "not an Excel workbook" in capsys.readouterr().err
