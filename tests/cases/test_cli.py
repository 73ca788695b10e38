"""The commands: init, detect into a workspace, runs, triage, diff, search (JSON outputs)."""

from __future__ import annotations

import json

import pytest

from vigie.cli import main

from .helpers import accs, make_findings


def _run(argv, capsys):
    capsys.readouterr()
    try:
        main(argv)
        code = 0
    except SystemExit as exc:
        code = exc.code
    out = capsys.readouterr()
    return code, out.out, " ".join(out.err.split())


def test_a_week_from_the_command_line(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("VIGIE_WORKSPACE", raising=False)
    monkeypatch.setenv("VIGIE_USER", "ana")
    ws = tmp_path / "ws"
    code, out, err = _run(["init", str(ws)], capsys)
    assert code == 0 and (ws / "workspace.json").exists(), err
    said = " ".join(out.split())  # a new workspace says what to type next
    assert f"vigie detect {ws}/datasets/NAME --out {ws}/runs/NAME" in said, said
    monkeypatch.chdir(ws / "runs")  # found from a subfolder, like git
    f1 = make_findings(tmp_path / "mon", {"g0001": accs("a", 8), "g0002": accs("b", 6)})
    code, out, err = _run(["runs", "add", str(f1)], capsys)
    assert code == 0 and "2 born" in " ".join(out.split()), out + err
    code, out, err = _run(["runs", "groups", "--json"], capsys)
    groups = json.loads(out)
    gid = {g["local_id"]: g["id"] for g in groups}
    code, out, err = _run(
        [
            "triage",
            "g0002",
            "--status",
            "dismissed",
            "--reason",
            "fandom",
            "--note",
            "fan club",
            "--json",
        ],
        capsys,
    )
    assert code == 0, err
    d = json.loads(out)
    assert d["target"] == gid["g0002"] and d["author"] == "ana" and d["status"] == "dismissed"
    code, out, err = _run(["triage", "--pair", "a001", "b001", "--status", "needs-review"], capsys)
    assert code == 0, err
    # Tuesday: ranks swapped, b grew by one
    f2 = make_findings(tmp_path / "tue", {"g0001": accs("b", 7), "g0002": accs("a", 8)})
    _run(["runs", "add", str(f2)], capsys)
    code, out, err = _run(["runs", "groups", "--json"], capsys)
    tue = {g["local_id"]: g for g in json.loads(out)}
    assert tue["g0001"]["id"] == gid["g0002"] and tue["g0001"]["status"] == "dismissed"
    code, out, err = _run(["diff", "--json"], capsys)
    diff = json.loads(out)
    assert [(c["id"], c["change"], c["members_in"]) for c in diff["changes"]] == [
        (gid["g0002"], "grown", ["x:b006"])
    ]
    code, out, err = _run(["diff"], capsys)
    assert "grown" in out and gid["g0002"] in out
    code, out, err = _run(["triage", gid["g0002"], "--json"], capsys)
    shown = json.loads(out)
    assert [h["status"] for h in shown["history"]] == ["dismissed"]
    assert [e["event"] for e in shown["lineage"]] == ["born", "continued"]
    code, out, err = _run(["search", "b006", "--json"], capsys)
    assert {h["group_id"] for h in json.loads(out)} == {gid["g0002"]}
    code, out, err = _run(["runs", "--json"], capsys)
    assert [r["seq"] for r in json.loads(out)] == [1, 2]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["triage", "g0001", "--status", "dismissed"], "--reason is required"),
        (["triage", "g0001", "--status", "ok", "--reason", "spam"], "--status: 'ok'"),
        (["triage", "g0009", "--status", "dismissed", "--reason", "spam"], "no group 'g0009'"),
        (["triage", "g0001", "--account", "a"], "name one thing"),
        (["diff", "1"], "give two runs"),
        (["diff", "1", "7"], "no run '7'"),
        (["search", " "], "give something to look for"),
    ],
)
def test_user_mistakes_are_one_line_and_exit_2(tmp_path, capsys, monkeypatch, argv, message):
    monkeypatch.setenv("VIGIE_WORKSPACE", str(tmp_path / "ws"))
    _run(["init", str(tmp_path / "ws")], capsys)
    _run(["runs", "add", str(make_findings(tmp_path / "f", {"g0001": accs("a", 5)}))], capsys)
    code, out, err = _run(argv, capsys)
    assert code == 2 and "Traceback" not in err
    assert err.startswith("error: ") and message in err, err


def test_no_workspace_is_a_clear_error(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("VIGIE_WORKSPACE", raising=False)
    monkeypatch.chdir(tmp_path)
    code, out, err = _run(["runs"], capsys)
    assert code == 2 and "no workspace here" in err
    for argv in (["report"], ["share", "export", "--stix", "x.json"]):
        code, out, err = _run(argv, capsys)
        assert code == 2 and "give FINDINGS, a Findings folder written by vigie detect" in err
    code, out, err = _run(["detect", str(tmp_path)], capsys)
    assert code == 2 and "give --out FOLDER" in err


def test_a_decision_on_an_unknown_account_is_kept_with_a_note(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("VIGIE_WORKSPACE", raising=False)
    ws = tmp_path / "ws"
    assert _run(["init", str(ws)], capsys)[0] == 0
    monkeypatch.chdir(ws)
    f1 = make_findings(tmp_path / "mon", {"g0001": accs("a", 6)})
    assert _run(["runs", "add", str(f1)], capsys)[0] == 0
    code, out, _ = _run(["triage", "--pair", "a001", "a01", "--status", "confirmed"], capsys)
    said = " ".join(out.split())
    assert code == 0 and "confirmed pair a001 a01" in said
    assert "a01 is a member of no group" in said and "a001 is a member" not in said
    code, out, _ = _run(["triage", "--pair", "a001", "a01", "--json"], capsys)
    assert code == 0 and json.loads(out)[-1]["status"] == "confirmed"


def test_a_decision_says_which_run_a_local_id_was_read_in(tmp_path, capsys, monkeypatch):
    """``vigie triage g0002 --run 1`` said "(g0002 in the last run)", and a stable id typed
    in lower case was echoed as if it were a local one ("G-1887C0 (G-1887c0 in the last
    run)")."""
    monkeypatch.delenv("VIGIE_WORKSPACE", raising=False)
    ws = tmp_path / "ws"
    assert _run(["init", str(ws)], capsys)[0] == 0
    monkeypatch.chdir(ws)
    f1 = make_findings(tmp_path / "mon", {"g0001": accs("a", 6), "g0002": accs("b", 5)})
    f2 = make_findings(tmp_path / "tue", {"g0001": accs("b", 5), "g0002": accs("a", 6)})
    for f in (f1, f2):
        assert _run(["runs", "add", str(f)], capsys)[0] == 0
    code, out, err = _run(["triage", "g0002", "--run", "1", "--status", "confirmed"], capsys)
    said = " ".join(out.split())
    assert code == 0 and "(g0002 in run 1)" in said and "last run" not in said, said + err
    gid = said.split()[2]
    code, out, _ = _run(["triage", "g0001", "--status", "needs-review"], capsys)
    assert code == 0 and f"{gid} (g0001 in the last run)" in " ".join(out.split())
    code, out, _ = _run(["triage", gid.lower(), "--status", "confirmed"], capsys)
    said = " ".join(out.split())
    assert code == 0 and said.startswith(f"confirmed group {gid} (by "), said


def test_a_run_named_as_vigie_runs_names_it_is_a_findings_folder(tmp_path, capsys, monkeypatch):
    """In a workspace, ``vigie report last`` and ``vigie share export 1`` said "last: no such
    Findings folder": runs are named ``last``, ``2``, ``#2``, ``-1`` everywhere else. A
    folder of that name, where there is one, still comes first."""
    monkeypatch.delenv("VIGIE_WORKSPACE", raising=False)
    ws = tmp_path / "ws"
    assert _run(["init", str(ws)], capsys)[0] == 0
    monkeypatch.chdir(ws)
    f1 = make_findings(ws / "runs" / "mon", {"g0001": accs("a", 6)})
    f2 = make_findings(ws / "runs" / "tue", {"g0001": accs("a", 6), "g0002": accs("b", 4)})
    for f in (f1, f2):
        assert _run(["runs", "add", str(f)], capsys)[0] == 0
    code, out, err = _run(["report", "last"], capsys)
    assert code == 0 and (ws / "runs" / "tue.html").exists(), out + err
    code, out, err = _run(["report", "#1", "--html", "one.html"], capsys)
    assert code == 0 and "1 group(s)" in out, out + err
    code, out, err = _run(
        ["share", "export", "previous", "--stix", "b.json", "--include-unreviewed"], capsys
    )
    assert code == 0, out + err
    bundle = json.loads((ws / "b.json").read_text())
    assert sum(o["type"] == "user-account" for o in bundle["objects"]) == 6  # run 1's members
    code, out, err = _run(["share", "check", "last", "-p", "observatoire"], capsys)
    assert code in (0, 1) and f"{ws / 'runs' / 'tue'}: Findings folder marked" in out, out + err
    code, out, err = _run(["report", "9"], capsys)
    assert code == 2 and "9: no such Findings folder" in err
    (ws / "runs" / "tue.html").unlink()  # no FINDINGS: the last run, said
    code, out, err = _run(["report"], capsys)
    said = " ".join(out.split())
    assert code == 0 and "findings: run #2" in said and (ws / "runs" / "tue.html").exists()
    # a folder named like a run is the folder
    make_findings(ws / "2", {"g0001": accs("c", 3), "g0002": accs("d", 3), "g0003": accs("e", 3)})
    code, out, err = _run(["report", "2", "--html", "two.html"], capsys)
    assert code == 0 and "3 group(s)" in out, out + err


def test_the_runs_tables_keep_what_people_type_and_read(tmp_path, capsys, monkeypatch):
    """``vigie runs groups`` listed groups by stable id (G-…), not by the run's rank, and cut
    the signals and the first run ("co_lin…", "202612…"); ``vigie runs`` cut the run id
    people type ("20261206T060…") and the folder."""
    monkeypatch.delenv("VIGIE_WORKSPACE", raising=False)
    monkeypatch.setattr("vigie.progress.console.width", 80)
    ws = tmp_path / "ws"
    assert _run(["init", str(ws)], capsys)[0] == 0
    monkeypatch.chdir(ws)
    groups = {f"g{i:04d}": accs(chr(ord("a") + i), 4) for i in range(1, 12)}
    f1 = make_findings(ws / "runs" / "20261206T060050Z", groups)
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pq.read_table(f1 / "groups.parquet")  # every score 1.00, as in real runs
    at = table.schema.get_field_index("score")
    table = table.set_column(at, "score", pa.array([1.0] * table.num_rows))
    pq.write_table(table, f1 / "groups.parquet")
    assert _run(["runs", "add", str(f1)], capsys)[0] == 0
    code, out, _ = _run(["runs", "groups"], capsys)
    locals_ = [w for w in out.split() if w.startswith("g0")]
    assert code == 0 and locals_ == sorted(groups), locals_
    assert "co_lin…" not in out and "#1" in out
    code, out, _ = _run(["runs"], capsys)
    assert code == 0 and "20261206T060050Z" in out and "…" not in out, out
    assert "runs/202612" in out and str(ws) not in out
    f2 = make_findings(ws / "runs" / "big", {"g0001": accs("z", 25)})
    assert _run(["runs", "add", str(f2)], capsys)[0] == 0
    code, out, _ = _run(["triage", "g0001"], capsys)  # a long member list says what it cut
    assert code == 0 and "… and 5 more (--json lists all)" in " ".join(out.split()), out


def test_detect_in_a_workspace_defaults_to_its_only_dataset(tmp_path, capsys, monkeypatch):
    """``vigie detect`` with no DATASET stopped at "Missing argument 'dataset'" in a
    workspace holding one Dataset; it now detects in it (and says so), and with none or
    several says what to type."""
    from vigie.exercise.generate import generate

    monkeypatch.delenv("VIGIE_WORKSPACE", raising=False)
    ws = tmp_path / "ws"
    assert _run(["init", str(ws)], capsys)[0] == 0
    monkeypatch.chdir(ws)
    code, _, err = _run(["detect"], capsys)
    assert code == 2 and "no Dataset yet: vigie ingest EXPORT --into" in err, err
    generate("tiny", 3_000, 1, tmp_path / "ex", progress=False)
    posts = str(tmp_path / "ex" / "posts.parquet")
    assert _run(["ingest", posts, "--into", "datasets/monday"], capsys)[0] == 0
    code, out, err = _run(["detect"], capsys)
    said = " ".join(out.split())
    assert code == 0 and "datasets/monday (the workspace's only one)" in said, said + err
    assert "registered run #1" in said
    assert _run(["ingest", posts, "--into", "datasets/tuesday"], capsys)[0] == 0
    code, _, err = _run(["detect"], capsys)
    assert code == 2 and "the workspace has 2 Datasets (monday, tuesday): give one" in err
    monkeypatch.chdir(tmp_path)
    code, _, err = _run(["detect"], capsys)
    assert code == 2 and "give DATASET, the Dataset folder to detect in" in err
