"""Observed DISARM techniques -> likelihood proposals, accepted only explicitly."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import yaml

from vigie.risk import evidence as ev
from vigie.risk.check import load_study, validate
from vigie.risk.compute import compute
from vigie.schema import write_findings

from .helpers import run_cli, study_data


def _findings(path: Path, groups: list[dict]) -> Path:
    members = [
        {"group_id": g["group_id"], "account_id": f"{g['group_id']}-{i}"}
        for g in groups
        for i in range(g["n_members"])
    ]
    write_findings(path, groups=groups, members=members, edges=[], evidence=[])
    return path


def _g(gid: str, score: float, techniques: list[str], n: int = 3) -> dict:
    return {"group_id": gid, "score": score, "n_members": n, "techniques": techniques}


def _study():
    s, rep = validate(study_data())
    assert s is not None, rep.errors
    return s


def test_sub_technique_supports_its_parent_not_the_reverse() -> None:
    assert ev.supports("T0049", "T0049.003")
    assert ev.supports("T0049.003", "T0049.003")
    assert not ev.supports("T0049.003", "T0049")
    assert not ev.supports("T0049", "T0049003")
    assert not ev.supports("T004", "T0049")


def test_observed_techniques_from_manifest(tmp_path: Path) -> None:
    f = _findings(tmp_path / "F", [_g("g1", 0.9, ["T0049.003"]), _g("g2", 0.7, ["T0049.003"])])
    obs = ev.observed_techniques(f)
    assert obs["T0049.003"].groups == ("g1", "g2")
    assert obs["T0049.003"].accounts == 6
    assert obs["T0049.003"].max_score == 0.9


def test_observed_techniques_rebuilt_from_groups_parquet(tmp_path: Path) -> None:
    f = _findings(tmp_path / "F", [_g("g1", 0.8, ["T0119"])])
    manifest = json.loads((f / "manifest.json").read_text())
    del manifest["techniques"]
    (f / "manifest.json").write_text(json.dumps(manifest))
    assert ev.observed_techniques(f)["T0119"].groups == ("g1",)


def test_proposal_raises_likelihood_when_the_weak_mode_is_observed(tmp_path: Path) -> None:
    # OS1: A1(4) -> A2(2) -> A4(3) ; A1 -> A3(3) -> A4 ; likelihood V3.
    # T0049.003 observed supports A4 (references T0049): A4 and all its ancestors are certain.
    s = _study()
    obs = ev.observed_techniques(_findings(tmp_path / "F", [_g("g1", 0.95, ["T0049.003"])]))
    [p] = ev.propose(s, compute(s), obs)
    assert (p.scenario, p.current, p.proposed, p.changed) == ("OS1", "V3", "V4", True)
    assert [m.action for m in p.matches] == ["A4"]
    assert "g1" in p.justification("F") and "T0049.003" in p.justification("F")


def test_no_change_when_evidence_does_not_raise(tmp_path: Path) -> None:
    s = _study()
    # A2 observed (T0092): A1, A2 certain, but A4 (3) still caps every mode at V3.
    obs = ev.observed_techniques(_findings(tmp_path / "F", [_g("g1", 0.95, ["T0092"])]))
    [p] = ev.propose(s, compute(s), obs)
    assert (p.current, p.proposed, p.changed) == ("V3", "V3", False)
    with pytest.raises(Exception, match="no likelihood change"):
        ev.accept(study_data(), [p], source="F", today=dt.date(2026, 11, 20))


def test_min_score_filters_weak_groups(tmp_path: Path) -> None:
    s = _study()
    obs = ev.observed_techniques(_findings(tmp_path / "F", [_g("g1", 0.3, ["T0049.003"])]))
    assert ev.propose(s, compute(s), obs) == []
    assert len(ev.propose(s, compute(s), obs, min_score=0.2)) == 1


def test_express_scenarios_move_one_level_or_to_v4(tmp_path: Path) -> None:
    data = study_data()
    os_ = data["operational_scenarios"][0]
    os_["method"] = "express"
    os_["likelihood"] = "V1"
    s, _ = validate(data)
    res = compute(s)
    one = ev.observed_techniques(_findings(tmp_path / "A", [_g("g1", 0.9, ["T0098.002"])]))
    assert ev.propose(s, res, one)[0].proposed == "V2"  # A1, A3 done; A4 not: +1
    full = ev.observed_techniques(_findings(tmp_path / "B", [_g("g1", 0.9, ["T0049.002"])]))
    assert ev.propose(s, res, full)[0].proposed == "V4"  # A4 done => a whole mode done


def test_accept_records_a_flagged_justified_change(tmp_path: Path) -> None:
    s = _study()
    obs = ev.observed_techniques(_findings(tmp_path / "F", [_g("g7", 0.95, ["T0049.003"])]))
    props = ev.propose(s, compute(s), obs)
    raw = study_data()
    new = ev.accept(raw, props, source="F", today=dt.date(2026, 11, 20), author="CISO")
    assert raw["study"]["version"] == "1.0"  # input untouched
    assert new["study"]["version"] == "1.1"
    f = new["operational_scenarios"][0]["forced"]["likelihood"]
    assert f["value"] == "V4" and f["source"] == "evidence:F" and "g7" in f["justification"]
    assert new["notes"][-1]["date"] == dt.date(2026, 11, 20)
    assert "OS1 V3->V4" in new["notes"][-1]["text"]
    s2, rep = validate(new)
    assert rep.errors == []
    res = compute(s2)
    assert res.operational["OS1"].likelihood.value == "V4"
    assert [f.path for f in res.forced] == ["operational_scenarios[OS1].likelihood"]
    assert res.risks["R1"].level.value == "high"


def test_cli_evidence_proposes_then_accepts(tmp_path: Path, capsys) -> None:
    study = tmp_path / "study.yaml"
    study.write_text(yaml.safe_dump(study_data(), sort_keys=False), encoding="utf-8")
    f = _findings(tmp_path / "F", [_g("g1", 0.95, ["T0049.003"])])
    assert run_cli(["risk", "evidence", str(study), str(f)]) == 0
    out = capsys.readouterr().out
    assert "OS1" in out and "V4" in out and "--accept" in out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["F", "study.yaml"]  # nothing written
    assert (
        run_cli(["risk", "evidence", str(study), str(f), "--accept", "--date", "2026-11-20"]) == 0
    )
    updated = tmp_path / "study-v1.1.yaml"
    s, _ = load_study(updated)
    assert s.operational_scenarios[0].forced["likelihood"].value == "V4"
    assert s.notes[-1].date == dt.date(2026, 11, 20)
    assert "&id" not in updated.read_text(encoding="utf-8")


def test_cli_accept_without_change_writes_nothing(tmp_path: Path, capsys) -> None:
    study = tmp_path / "study.json"
    study.write_text(json.dumps(study_data()), encoding="utf-8")
    f = _findings(tmp_path / "F", [_g("g1", 0.95, ["T0092"])])
    assert run_cli(["risk", "evidence", str(study), str(f), "--accept"]) == 0
    assert "nothing to accept" in capsys.readouterr().out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["F", "study.json"]
    f2 = _findings(tmp_path / "F2", [_g("g1", 0.95, ["T0049.003"])])
    out = tmp_path / "new.json"
    args = ["risk", "evidence", str(study), str(f2), "--accept", "--only", "OS1", "-o", str(out)]
    assert run_cli(args) == 0
    assert json.loads(out.read_text())["study"]["version"] == "1.1"
    assert run_cli(["risk", "evidence", str(study), str(f2), "--accept", "--only", "OS9"]) == 2


def test_cli_accept_keeps_the_templates_comments_and_layout(tmp_path: Path) -> None:
    study = tmp_path / "etude.yaml"
    assert run_cli(["risk", "new", "-t", "election-fr", "-o", str(study)]) == 0
    before = study.read_text(encoding="utf-8")
    # OS1 (standard, V3): A4 T0085.003, A5 T0049.003 and A6 T0119 observed -> V4.
    f = _findings(tmp_path / "F", [_g("g1", 0.95, ["T0085.003", "T0049.003", "T0119"])])
    args = ["risk", "evidence", str(study), str(f), "--accept", "--date", "2026-11-20"]
    assert run_cli([*args, "--author", "RSSI"]) == 0
    after = (tmp_path / "etude-v1.1.yaml").read_text(encoding="utf-8")

    def comments(text: str) -> list[str]:
        return [line for line in text.splitlines() if line.lstrip().startswith("#")]

    assert len(comments(before)) == 20 and comments(after) == comments(before)
    removed = [line for line in before.splitlines() if line not in after.splitlines()]
    assert removed == ['  version: "1.0"']  # every other line is kept as written
    assert '  version: "1.1"' in after.splitlines()
    s, _ = load_study(tmp_path / "etude-v1.1.yaml")
    forced = s.operational_scenarios[0].forced["likelihood"]
    assert (forced.value, forced.source, forced.date) == (
        "V4",
        f"evidence:{f}",
        dt.date(2026, 11, 20),
    )
    assert s.notes[-1].text.endswith("OS1 V3->V4.") and s.notes[-1].author == "RSSI"
    assert compute(s).operational["OS1"].likelihood.value == "V4"


@pytest.mark.parametrize(
    ("name", "version", "expected"),
    [
        ("study.yaml", "1.1", "study-v1.1.yaml"),
        ("study-v1.1.yaml", "1.2", "study-v1.2.yaml"),  # renumbered, not study-v1.1-v1.2
        ("my-vote-study.json", "2.4", "my-vote-study-v2.4.json"),  # other dashes kept
        ("plan-v2.yaml", "1.1", "plan-v2-v1.1.yaml"),  # not a version x.y: kept
    ],
)
def test_versioned_name(name: str, version: str, expected: str) -> None:
    assert ev.versioned_name(Path("/d") / name, version) == Path("/d") / expected


def test_accept_file_is_the_one_way_to_record_evidence(tmp_path: Path) -> None:
    """The library step the CLI and the web workbench share: new version beside the study,
    checked before writing, the original untouched; a second acceptance renumbers."""
    study = tmp_path / "study.yaml"
    study.write_text("# kept\n" + yaml.safe_dump(study_data(), sort_keys=False), "utf-8")
    s = _study()
    observed = ev.observed_techniques(_findings(tmp_path / "F", [_g("g1", 0.95, ["T0049.003"])]))
    proposals = ev.propose(s, compute(s), observed)
    day = dt.date(2026, 11, 20)
    w = ev.accept_file(study, proposals, source="run r1", today=day, author="ana")
    assert (w.path.name, w.version, w.warning) == ("study-v1.1.yaml", "1.1", None)
    assert w.path.read_text(encoding="utf-8").startswith("# kept\n")
    assert "forced" not in study.read_text(encoding="utf-8")
    s2, _ = load_study(w.path)
    assert s2.operational_scenarios[0].forced["likelihood"].author == "ana"
    w2 = ev.accept_file(w.path, proposals, source="run r2", today=day)
    assert (w2.path.name, w2.version) == ("study-v1.2.yaml", "1.2")
    bad = study_data()
    bad["study"]["version"] = "1.9"
    bad["stakeholders"][0]["trust"] = 9  # edited by hand since the proposals were made
    study.write_text(yaml.safe_dump(bad), "utf-8")
    with pytest.raises(ev.VigieError, match=r"updated study(.|\n)*stakeholders\[0\]\.trust"):
        ev.accept_file(study, proposals, source="run r3", today=day)
    assert not (tmp_path / "study-v1.10.yaml").exists()
