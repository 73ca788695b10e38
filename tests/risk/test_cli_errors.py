"""Bad input to ``vigie risk …`` is one clear error line and exit code 2, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml

from vigie.cli import main
from vigie.progress import err_console
from vigie.schema import write_findings

from .helpers import study_data


@pytest.fixture
def files(tmp_path: Path) -> Path:
    """A valid study and Findings folder, and a broken variant of each next to them."""
    (tmp_path / "study.yaml").write_text(yaml.safe_dump(study_data()), encoding="utf-8")
    (tmp_path / "malformed.yaml").write_text("study:\n  id: [unclosed\n", encoding="utf-8")
    (tmp_path / "tab.yaml").write_text("study:\n\tid: x\n", encoding="utf-8")
    (tmp_path / "empty.yaml").write_text("", encoding="utf-8")
    bad = study_data()
    bad["study"]["date"] = "DATE"
    text = yaml.safe_dump(bad, sort_keys=False).replace("date: DATE", "date: 2026-13-45")
    assert text.splitlines()[6] == "  date: 2026-13-45"  # line 7
    (tmp_path / "baddate.yaml").write_text(text, encoding="utf-8")
    (tmp_path / "folder.yaml").mkdir()
    (tmp_path / "no-manifest").mkdir()
    groups = [{"group_id": "g1", "score": 0.9, "n_members": 1, "techniques": ["T0049.003"]}]
    members = [{"group_id": "g1", "account_id": "a1"}]
    for name in ("F", "bad-index", "index-list", "bad-parquet", "no-column"):
        write_findings(tmp_path / name, groups=groups, members=members, edges=[], evidence=[])
    _edit_manifest(tmp_path / "bad-index", {"T0049.003": {"groups": ["g1"], "accounts": "many"}})
    _edit_manifest(tmp_path / "index-list", ["T0049.003"])
    (tmp_path / "bad-parquet" / "groups.parquet").write_bytes(b"garbage")
    _edit_manifest(tmp_path / "no-column", None)
    pq.write_table(pa.table({"group_id": ["g1"]}), tmp_path / "no-column" / "groups.parquet")
    return tmp_path


def _edit_manifest(folder: Path, techniques: object) -> None:
    m = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    if techniques is None:
        del m["techniques"]
    else:
        m["techniques"] = techniques
    (folder / "manifest.json").write_text(json.dumps(m), encoding="utf-8")


CASES = [
    (["new", "-t", "nope", "-o", "x.yaml"], "unknown template 'nope'; choose one of: election-fr"),
    # the names people use for a template, and a typo, name the template meant
    (["new", "campagne"], "unknown template 'campagne' (did you mean election-fr?)"),
    (["new", "Agence"], "(did you mean agency-fr?)"),
    (["new", "election"], "(did you mean election-fr or election-en?)"),
    (["new", "platfrm"], "(did you mean platform-fr or platform-en?)"),
    (["new"], "give a template: vigie risk new election-fr (one of election-fr"),
    (["new", "election-fr", "-t", "agency-fr"], "two templates given"),
    (["check", "missing.yaml"], "missing.yaml: no such study file"),
    (["check", "malformed.yaml"], "malformed.yaml: line 3: not valid YAML (expected ',' or ']'"),
    (["check", "tab.yaml"], "line 2: not valid YAML (found character '\\t' that cannot start"),
    (["check", "empty.yaml"], "empty.yaml: is empty (start from a template"),
    (["check", "baddate.yaml"], "line 7: '2026-13-45' is not a valid value (month must be"),
    (["check", "folder.yaml"], "folder.yaml: is a folder, not a study file"),
    (["compute", "malformed.yaml"], "malformed.yaml: line 3: not valid YAML"),
    (["report", "malformed.yaml", "--html", "r.html"], "malformed.yaml: line 3: not valid YAML"),
    (["export", "missing.yaml", "--xlsx", "r.xlsx"], "missing.yaml: no such study file"),
    (["evidence", "study.yaml", "nowhere"], "nowhere: no such Findings folder"),
    (["evidence", "study.yaml", "no-manifest"], "not a vigie Findings folder (manifest.json"),
    (["evidence", "study.yaml", "study.yaml"], "study.yaml: is a file; give the Findings folder"),
    (["evidence", "study.yaml", "bad-index"], "techniques.T0049.003.accounts must be a number"),
    (["evidence", "study.yaml", "index-list"], "techniques must be an object mapping DISARM ids"),
    (["evidence", "study.yaml", "bad-parquet"], "groups.parquet: cannot be read (Could not open"),
    (
        ["evidence", "study.yaml", "no-column"],
        "groups.parquet: lacks a column of a vigie table (score, n_members)",
    ),
    (["evidence", "study.yaml", "F", "--accept", "--date", "2026-13-01"], "--date: '2026-13-01'"),
    (["evidence", "malformed.yaml", "F"], "malformed.yaml: line 3: not valid YAML"),
]


@pytest.mark.parametrize(("args", "expected"), CASES, ids=[" ".join(a) for a, _ in CASES])
def test_bad_input_is_one_clear_line_and_exit_2(
    files: Path, args: list[str], expected: str, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(files)
    monkeypatch.setattr(err_console, "width", 1000)  # one message, one line
    capsys.readouterr()
    with pytest.raises(SystemExit) as exc:
        main(["risk", *args])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    [line] = err.strip().splitlines()
    assert line.startswith("error: ") and expected in line, line


def test_report_and_export_without_a_file_write_beside_the_study(files: Path) -> None:
    """``vigie risk report study.yaml`` (and ``export``) with no file named write
    ``study.html`` (``study.xlsx``) beside the study, as a user expects, instead of refusing."""
    for cmd, out in (("report", "study.html"), ("export", "study.xlsx")):
        with pytest.raises(SystemExit) as done:
            main(["risk", cmd, str(files / "study.yaml")])
        assert done.value.code in (0, None)
        assert (files / out).stat().st_size > 0
    assert "<html" in (files / "study.html").read_text(encoding="utf-8").lower()
    # a workbook already there may be the one the user edits: not replaced unless named
    before = (files / "study.xlsx").read_bytes()
    with pytest.raises(SystemExit) as done:
        main(["risk", "export", str(files / "study.yaml")])
    assert done.value.code == 2 and (files / "study.xlsx").read_bytes() == before


def test_new_takes_the_template_as_an_argument(tmp_path: Path) -> None:
    """``vigie risk new guide-example`` (as the other commands take their object) stopped at
    "Missing option '--template'"; the option still works."""
    for argv, name in (
        (["new", "guide-example", "-o", str(tmp_path / "a.yaml")], "a.yaml"),
        (["new", "-t", "agency-en", "-o", str(tmp_path / "b.yaml")], "b.yaml"),
    ):
        with pytest.raises(SystemExit) as done:
            main(["risk", *argv])
        assert done.value.code in (0, None)
        assert yaml.safe_load((tmp_path / name).read_text(encoding="utf-8"))["study"]["id"]
