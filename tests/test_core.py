"""The foundation's shared pieces: atomic writes, schema conformance, DISARM catalogue, CLI."""

from __future__ import annotations

import pyarrow as pa
import pytest
from typer.testing import CliRunner

from vigie import disarm
from vigie.atomic import atomic_dir, atomic_file
from vigie.cli import app
from vigie.errors import InputError, VigieError
from vigie.schema import POSTS_SCHEMA, Dataset, conform


def test_atomic_file_keeps_old_content_on_failure(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("old")
    with pytest.raises(RuntimeError), atomic_file(target) as fh:
        fh.write("half")
        raise RuntimeError("boom")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_atomic_dir_replaces_whole_folder(tmp_path):
    target = tmp_path / "ds"
    target.mkdir()
    (target / "a").write_text("1")
    with pytest.raises(KeyboardInterrupt), atomic_dir(target) as tmp:
        (tmp / "b").write_text("2")
        raise KeyboardInterrupt
    assert sorted(p.name for p in target.iterdir()) == ["a"]
    with atomic_dir(target) as tmp:
        (tmp / "b").write_text("2")
    assert sorted(p.name for p in target.iterdir()) == ["b"]
    assert [p.name for p in tmp_path.iterdir()] == ["ds"]


def test_conform_adds_null_columns_and_orders():
    t = pa.table(
        {
            "account_id": ["a"],
            "post_id": ["1"],
            "platform": ["x"],
            "created_at": pa.array([0], pa.timestamp("us", tz="UTC")),
        }
    )
    out = conform(t, POSTS_SCHEMA)
    assert out.schema == POSTS_SCHEMA
    assert out.column("text").null_count == 1


def test_input_error_names_file_record_field():
    err = InputError("not a date", file="a.csv", record=12, field="created_at")
    assert str(err) == "a.csv, record 12, field 'created_at': not a date"


def test_dataset_check_is_clear(tmp_path):
    with pytest.raises(VigieError, match="no such Dataset"):
        Dataset(tmp_path / "nope").check()
    (tmp_path / "d").mkdir()
    with pytest.raises(VigieError, match="manifest.json is missing"):
        Dataset(tmp_path / "d").check()


def test_disarm_catalogue_has_french_labels_and_tactics():
    techs = disarm.techniques()
    assert len(techs) == 391
    t = disarm.technique("T0049.003")
    assert t.parent == "T0049"
    assert "TA17" in t.tactics
    assert disarm.technique("T0049").label("fr") == "Inonder l'espace informationnel"
    assert len(disarm.tactics()) == 16
    with pytest.raises(VigieError, match="unknown DISARM"):
        disarm.technique("T9999")


def test_disarm_matches_shared_source(shared_data):
    import csv

    with open(shared_data / "disarm" / "red_framework_ids.csv", encoding="utf-8") as fh:
        ids = {c for row in csv.reader(fh) for c in row if c.startswith("T") and c[1] != "A"}
    assert ids <= set(disarm.techniques())


def test_cli_version_and_help():
    runner = CliRunner()
    res = runner.invoke(app, ["--version"])
    assert res.exit_code == 0 and "vigie" in res.output
    res = runner.invoke(app, ["--help"])
    assert res.exit_code == 0
    for cmd in ("demo", "ingest", "generate", "detect", "score", "report", "risk", "share"):
        assert cmd in res.output


def test_every_command_help_is_prose_the_terminal_wraps():
    """Each command's help (its summary in its group's list, the text of its --help) holds
    its paragraphs of prose on one line each, which the terminal wraps: no docstring line
    break (ragged lines cut mid-sentence at the source's width), no rST literal."""
    import typer

    def walk(cmd: object, path: str) -> list[tuple[str, str]]:
        out = []
        if hasattr(cmd, "commands"):  # a group (Typer 0.29 carries its own click)
            for name, sub in cmd.commands.items():
                out.append((f"{path} {name}", sub.help or ""))
                out += walk(sub, f"{path} {name}")
        return out

    listed = walk(typer.main.get_command(app), "vigie")
    assert len(listed) > 30  # the commands and every group's subcommands
    for name, text in listed:
        assert text and "``" not in text, (name, text)
        for para in text.split("\n\n"):
            assert "\n" not in para or para.lstrip()[:2] in ("- ", "* "), (name, para)


def test_write_findings_manifest_counts_and_techniques(tmp_path):
    from vigie.schema import Findings, write_findings

    groups = [
        {"group_id": "g1", "score": 0.9, "n_members": 2, "techniques": ["T0049.003"]},
        {"group_id": "g2", "score": 0.5, "n_members": 2, "techniques": ["T0049.003", "T0084.001"]},
    ]
    members = [
        {"group_id": "g1", "account_id": "a"},
        {"group_id": "g1", "account_id": "b"},
        {"group_id": "g2", "account_id": "b"},
        {"group_id": "g2", "account_id": "c"},
    ]
    f = write_findings(
        tmp_path / "f",
        groups=groups,
        members=members,
        edges=[],
        evidence=[],
        extra_files={"graph.gexf": "<gexf/>"},
    )
    m = Findings(tmp_path / "f").check().manifest()
    assert m["counts"] == {"groups": 2, "members": 4, "edges": 0, "evidence": 0}
    assert m["techniques"]["T0049.003"] == {"groups": ["g1", "g2"], "accounts": 3, "max_score": 0.9}
    assert m["techniques"]["T0084.001"]["accounts"] == 2
    assert f.groups().num_rows == 2 and (tmp_path / "f" / "graph.gexf").exists()


def test_atomic_outputs_follow_umask(tmp_path):
    import os
    import stat

    old = os.umask(0o022)
    try:
        with atomic_file(tmp_path / "f.txt") as fh:
            fh.write("x")
        with atomic_dir(tmp_path / "d") as tmp:
            (tmp / "a").write_text("1")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "f.txt").stat().st_mode) == 0o644
    assert stat.S_IMODE((tmp_path / "d").stat().st_mode) == 0o755


def test_atomic_targets_that_cannot_be_written_are_named(tmp_path):
    from vigie.errors import VigieError

    (tmp_path / "folder").mkdir()
    (tmp_path / "file").write_text("keep")
    with pytest.raises(VigieError, match=r"folder: is a folder"), atomic_file(tmp_path / "folder"):
        pass
    with pytest.raises(VigieError, match=r"file: is a file"), atomic_dir(tmp_path / "file"):
        pass
    parent_is_file = tmp_path / "file" / "x.json"
    with pytest.raises(VigieError, match=r"cannot write there"), atomic_file(parent_is_file):
        pass
    assert (tmp_path / "file").read_text() == "keep"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file", "folder"]  # no temp left


def test_cli_file_system_errors_are_one_line(tmp_path, capsys):
    from vigie.cli import main

    (tmp_path / "d").mkdir()
    with pytest.raises(SystemExit) as exc:
        main(["risk", "check", str(tmp_path / "d")])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    # spaces aside: a long path is wrapped at the console's width, anywhere in it
    assert "Traceback" not in err and str(tmp_path / "d") in "".join(err.split())


def test_sorted_unique_is_np_unique():
    import numpy as np

    from vigie.arrays import sorted_unique

    rng = np.random.default_rng(3)
    for a in (rng.integers(0, 50, 1000), rng.integers(-(2**62), 2**62, 500), np.zeros(0, int)):
        assert np.array_equal(sorted_unique(a), np.unique(a))
    assert np.array_equal(sorted_unique(np.array([[3, 1], [1, 2]])), [1, 2, 3])
