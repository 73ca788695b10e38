"""``vigie risk diff``: ids added and removed, computed values that moved, named by path."""

from __future__ import annotations

import json

import yaml

from vigie.risk.check import validate
from vigie.risk.diff import diff

from .helpers import run_cli, study_data


def _study(data):
    s, rep = validate(data)
    assert s is not None, rep.errors
    return s


def test_diff_names_what_moved() -> None:
    a = study_data()
    b = study_data()
    b["stakeholders"][0]["trust"] = 4  # SH1: 4*3/(2*4) = 1.5, danger -> control
    b["operational_scenarios"][0]["actions"][2]["success"] = 1  # best mode now A2 (2): V2
    b["measures"][0]["progress"] = 80
    b["measures"].append({"id": "M2", "name": "Backup", "category": "resilience", "owner": "IT"})
    lines = [c.line() for c in diff(_study(a), _study(b))]
    assert "+ measures[M2]" in lines
    assert "~ stakeholders[SH1].threat: 3.0 -> 1.5" in lines
    assert "~ stakeholders[SH1].zone: danger -> control" in lines
    assert "~ operational_scenarios[OS1].likelihood: V3 -> V2" in lines
    assert "~ risks[R1].level: high -> moderate" in lines  # G4: V3 high, V2 moderate
    assert "~ measures[M1].progress: 50 -> 80" in lines
    assert diff(_study(a), _study(a)) == []


def test_cli_diff(tmp_path, capsys) -> None:
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    a.write_text(yaml.safe_dump(study_data()), encoding="utf-8")
    data = study_data()
    del data["risks"][0]
    b.write_text(yaml.safe_dump(data), encoding="utf-8")
    assert run_cli(["risk", "diff", str(a), str(b), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert {"kind": "removed", "path": "risks[R1]", "old": None, "new": None} in out
    assert run_cli(["risk", "diff", str(a), str(tmp_path / "missing.yaml")]) == 2
