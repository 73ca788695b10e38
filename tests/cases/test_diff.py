"""Run diffs on known changes."""

from __future__ import annotations

import re

import pytest

from vigie.errors import VigieError

from .helpers import accs, make_findings


def test_diff_names_every_kind_of_change(ws, tmp_path):
    a, b, c, d, s = accs("a", 10), accs("b", 10), accs("c", 4), accs("d", 6), accs("s", 10)
    r1 = ws.register_run(
        make_findings(
            tmp_path / "f1",
            {"g1": a, "g2": b, "g3": c, "g4": d, "g5": s},
            objects={"g1": ["https://x.org/1"]},
        )
    )
    id1 = ws.local_ids(r1)
    e = accs("e", 5)
    r2 = ws.register_run(
        make_findings(
            tmp_path / "f2",
            {
                "h1": a + ["a900", "a901"],  # grown, new evidence
                "h2": b + c,  # grown by absorbing c (c merged)
                "h3": s[:5],  # s split in two halves
                "h4": s[5:],
                "h5": e,  # new
                "h6": d[:4],  # shrunk (J = 4/6)
            },
            objects={"h1": ["https://x.org/1", "https://x.org/2"]},
        )
    )
    diff = ws.diff()
    assert diff.run_a.id == r1.id and diff.run_b.id == r2.id
    by = {c.id: c for c in diff.changes}
    ga = by[id1["g1"]]
    assert ga.change == "grown" and ga.members_in == ["x:a900", "x:a901"] and not ga.members_out
    assert ga.new_evidence == ["https://x.org/2"]
    assert by[id1["g2"]].change == "grown" and by[id1["g2"]].related == [id1["g3"]]
    assert by[id1["g3"]].change == "merged" and by[id1["g3"]].related == [id1["g2"]]
    assert by[id1["g4"]].change == "shrunk"
    assert by[id1["g4"]].members_out == ["x:d004", "x:d005"]
    split_off = [c for c in diff.changes if c.change == "split" and c.size_a == 0]
    assert len(split_off) == 1 and split_off[0].related == [id1["g5"]]
    assert by[id1["g5"]].change == "shrunk"  # s kept its id on one half
    new = diff.by_change("new")
    assert len(new) == 1 and new[0].size_b == 5
    counts = diff.counts()
    assert counts["new"] == 1 and counts["merged"] == 1 and counts["gone"] == 0
    assert {c.id for c in diff.alerts()} == {new[0].id, split_off[0].id, id1["g1"], id1["g2"]}
    assert diff.as_dict()["counts"] == counts


def test_diff_gone_and_unchanged(ws, tmp_path):
    a, b = accs("a", 6), accs("b", 6)
    ws.register_run(make_findings(tmp_path / "f1", {"g1": a, "g2": b}))
    ws.register_run(make_findings(tmp_path / "f2", {"g1": a}))
    diff = ws.diff("#1", "last")
    assert [c.change for c in diff.changes] == ["gone"]
    assert diff.unchanged == 1


def test_diff_needs_two_runs(ws, tmp_path):
    with pytest.raises(VigieError, match="no run registered"):
        ws.run()
    ws.register_run(make_findings(tmp_path / "f1", {"g1": accs("a", 6)}))
    with pytest.raises(VigieError, match="two registered runs"):
        ws.diff()


def test_the_printed_diff_names_whole_accounts_on_80_columns(ws, tmp_path, capsys, monkeypatch):
    """Four columns of account ids in an 80-column table were cut to "faceb…" and
    "x:tw_…": the table now counts who came and went, and the groups that changed name
    them below it, whole (a new group's members are all in, a gone one's all out)."""
    from vigie.cases.cli import print_diff

    monkeypatch.setattr("vigie.progress.console.width", 80)
    long_ids = [f"facebook_page_{i:012d}" for i in range(6)]
    ws.register_run(make_findings(tmp_path / "f1", {"g1": long_ids[:4], "g2": accs("b", 3)}))
    ws.register_run(make_findings(tmp_path / "f2", {"h1": long_ids}))
    capsys.readouterr()
    print_diff(ws.diff(), show_members=5)
    out = capsys.readouterr().out
    assert not re.search(r"x:f[\w]*…", out), out  # no account id cut short
    grown = [line for line in out.splitlines() if "(grown) in:" in line]
    assert grown and "x:facebook_page_000000000004, x:facebook_page_000000000005" in grown[0]
    assert "−3" in out and "(gone)" not in out  # the gone group: counted, not listed
