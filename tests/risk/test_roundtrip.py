"""Updating a hand-edited YAML study keeps its comments and layout; only changed fields move."""

from __future__ import annotations

import copy
import datetime as dt
import difflib
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from vigie.risk import roundtrip
from vigie.risk.roundtrip import RoundTripError, update_yaml
from vigie.risk.tables import write_study

TEXT = """\
# Header comment
study:
  version: "1.0"  # bump on every accepted change
  title: 'Test'
operational_scenarios:
  - id: OS1
    actions: [A1, A2]
  - id: OS2
    actions:
      - id: A1

# --- Workshop 5: treatment
measures: []
notes:
  - date: 2026-01-01
    text: first
# end of file
"""


def _update(text: str, change: Any) -> str:
    old = yaml.safe_load(text)
    new = copy.deepcopy(old)
    change(new)
    out = update_yaml(text, old, new)
    assert yaml.safe_load(out) == new
    return out


def _diff(a: str, b: str) -> list[str]:
    return [
        line
        for line in difflib.unified_diff(a.splitlines(), b.splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


def test_no_change_gives_the_same_text() -> None:
    assert _update(TEXT, lambda d: None) == TEXT


def test_changed_scalar_keeps_its_quotes_and_comment() -> None:
    out = _update(TEXT, lambda d: d["study"].update(version="1.1"))
    assert _diff(TEXT, out) == [
        '-  version: "1.0"  # bump on every accepted change',
        '+  version: "1.1"  # bump on every accepted change',
    ]


def test_new_block_goes_before_the_next_section_header() -> None:
    def change(d: dict) -> None:
        d["operational_scenarios"][1]["forced"] = {
            "likelihood": {"value": "V4", "date": dt.date(2026, 11, 20)}
        }
        d["notes"].append({"date": dt.date(2026, 11, 20), "text": "second"})

    out = _update(TEXT, change)
    lines = out.splitlines()
    assert lines.index("    forced:") < lines.index("# --- Workshop 5: treatment")
    assert lines[-3:] == ["  - date: 2026-11-20", "    text: second", "# end of file"]
    assert all(line.startswith("+") for line in _diff(TEXT, out))  # nothing else moved
    assert "&id" not in out


def test_pyyaml_layout_is_kept(tmp_path: Path) -> None:
    data = {"study": {"version": "1.0"}, "notes": [{"text": "a", "tags": ["x", "y"]}]}
    text = yaml.safe_dump(data, sort_keys=False)  # sequences not indented under their key
    out = _update(text, lambda d: d["notes"].append({"text": "b"}))
    assert out == text + "- text: b\n"


def test_empty_key_filled_below_its_comment() -> None:
    text = "study:\n  version: '1.0'\nnotes:  # accepted changes\n# end\n"
    out = _update(text, lambda d: d.update(notes=[{"text": "x"}]))
    assert out == "study:\n  version: '1.0'\nnotes:  # accepted changes\n- text: x\n# end\n"


def test_write_study_falls_back_to_a_plain_dump_with_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = yaml.safe_load(TEXT)
    new = copy.deepcopy(old)
    new["study"]["version"] = "1.1"

    def fail(*args: object) -> str:
        raise RoundTripError("cannot")

    monkeypatch.setattr(roundtrip, "update_yaml", fail)
    out = tmp_path / "s.yaml"
    warning = write_study(new, out, original=(TEXT, old))
    assert warning and "without the original's comments" in warning
    assert yaml.safe_load(out.read_text(encoding="utf-8")) == new


def test_write_study_json_ignores_the_yaml_original(tmp_path: Path) -> None:
    old = yaml.safe_load(TEXT)
    out = tmp_path / "s.json"
    assert write_study(old, out, original=(TEXT, old)) is None
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["notes"] == [{"date": "2026-01-01", "text": "first"}]
