"""The decision log: every decision, filtered and paged by the case store, with where each
can be seen, and its CSV (the decisions page of the workbench reads these)."""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime, timedelta

import pytest

from vigie.cases import decision_log
from vigie.cases.decision_log import DecisionFilter
from vigie.errors import VigieError

from .helpers import accs, make_findings


@pytest.fixture
def decided(ws, tmp_path, monkeypatch):
    """One run, two groups, and five decisions, one a day from 2026-03-01: a group, two
    accounts (one typed as platform:id), a pair inside groups and one outside."""
    run = ws.register_run(make_findings(tmp_path / "f1", {"g1": accs("a", 5), "g2": accs("b", 5)}))
    days = iter(datetime(2026, 3, 1, 12, tzinfo=UTC) + timedelta(days=i) for i in range(10))
    monkeypatch.setattr("vigie.cases.workspace.utcnow", lambda: next(days))
    ws.decide("g1", "confirmed", reason="coordinated-inauthentic", note="Same URLs", author="ana")
    ws.decide("a001", "dismissed", reason="fandom", kind="account", author="bo")
    ws.decide("x:b002", "needs-review", kind="account", author="bo", note="100% bot?")
    ws.decide(("a001", "b003"), "needs-review", kind="pair", author="ana")
    ws.decide(("zz1", "zz2"), "dismissed", reason="coincidence", kind="pair", author="cy")
    return ws, run


def _seqs(ws, flt=None, **kw) -> list[int]:
    return [e.decision.seq for e in ws.decision_log(flt, **kw).entries]


def test_every_kind_newest_first_with_where_to_see_it(decided) -> None:
    ws, run = decided
    log = ws.decision_log()
    assert log.total == 5 and log.older is None and log.newer is None
    got = [
        (e.decision.target_kind, e.decision.target, e.run_seq, e.groups, e.anchor)
        for e in log.entries
    ]
    g1, g2 = ws.resolve_group("g1"), ws.resolve_group("g2")
    assert got == [
        ("pair", "zz1 zz2", 1, [], None),  # in no group: the run's strong ties
        ("pair", "a001 b003", 1, sorted([g1, g2]), "ties"),
        ("account", "x:b002", 1, [g2], "member-b002"),
        ("account", "a001", 1, [g1], "member-a001"),
        ("group", g1, 1, [g1], None),
    ]
    assert all(e.decision.run_id == run.id for e in log.entries)


def test_a_pair_inside_one_group_points_at_its_member_row(decided) -> None:
    """Two members of one group are no strong tie outside groups: the group page's ties
    section does not list them, so the log points at the first account's member row."""
    ws, _ = decided
    ws.decide(("a003", "a002"), "needs-review", kind="pair", author="ana")
    (e,) = ws.decision_log(DecisionFilter(kind="pair", text="a002")).entries
    assert e.groups == [ws.resolve_group("g1")] and e.anchor == "member-a002"


@pytest.mark.parametrize(
    ("flt", "expected"),
    [
        (DecisionFilter(kind="account"), [3, 2]),
        (DecisionFilter(kind="pair", status="dismissed"), [5]),
        (DecisionFilter(status="needs-review"), [4, 3]),
        (DecisionFilter(author="bo"), [3, 2]),
        (DecisionFilter(text="same url"), [1]),  # the note, any case
        (DecisionFilter(text="FANDOM"), [2]),  # the reason
        (DecisionFilter(text="b00"), [4, 3]),  # the target
        (DecisionFilter(text="100%"), [3]),  # a LIKE wildcard is a plain character
        (DecisionFilter(text="1%"), []),
        (DecisionFilter(since=date(2026, 3, 2), until=date(2026, 3, 3)), [3, 2]),
        (DecisionFilter(until=date(2026, 3, 1)), [1]),  # the whole last day
        (DecisionFilter(since=date(2026, 3, 5)), [5]),
        (DecisionFilter(kind="group", author="bo"), []),
    ],
)
def test_each_filter_narrows(decided, flt, expected) -> None:
    ws, _ = decided
    log = ws.decision_log(flt)
    assert [e.decision.seq for e in log.entries] == expected
    assert log.total == len(expected)


def test_a_filter_from_a_form_is_checked_field_by_field() -> None:
    flt = DecisionFilter.parse({"kind": "pair", "status": "", "q": "  x ", "since": "2026-03-02"})
    assert flt == DecisionFilter(kind="pair", text="x", since=date(2026, 3, 2))
    assert DecisionFilter.parse(flt.as_query()) == flt
    # a status as ``vigie triage --status`` takes it, a kind in any case
    for spelt in ("Needs review", "NEEDS_REVIEW", " needs-review "):
        assert DecisionFilter.parse({"status": spelt}).status == "needs-review"
    assert DecisionFilter.parse({"kind": "Account"}).kind == "account"
    for bad, said in (
        ({"kind": "planet"}, "kind: 'planet'"),
        ({"status": "gone"}, "status: 'gone'"),
        ({"until": "03/02/2026"}, "until: '03/02/2026' is not a day"),
    ):
        with pytest.raises(VigieError, match=said):
            DecisionFilter.parse(bad)


def test_paging_is_stable_while_others_decide(decided) -> None:
    ws, _ = decided
    first = ws.decision_log(limit=2)
    assert [e.decision.seq for e in first.entries] == [5, 4] and first.newer is None
    ws.decide("b001", "needs-review", kind="account", author="dee")  # seq 6, meanwhile
    second = ws.decision_log(before=first.older, limit=2)
    assert [e.decision.seq for e in second.entries] == [3, 2]  # not shifted by the new one
    assert second.total == 6 and second.newer == 3 and second.older == 2
    third = ws.decision_log(before=second.older, limit=2)
    assert [e.decision.seq for e in third.entries] == [1] and third.older is None
    back = ws.decision_log(after=third.newer, limit=2)
    assert [e.decision.seq for e in back.entries] == [3, 2]
    previous = ws.decision_log(after=back.newer, limit=2)
    assert [e.decision.seq for e in previous.entries] == [5, 4]  # the pages first seen
    top = ws.decision_log(after=previous.newer, limit=2)
    assert [e.decision.seq for e in top.entries] == [6] and top.newer is None
    assert top.older == 6
    # filtered pages page through the filtered decisions only
    accounts = DecisionFilter(kind="account")
    p1 = ws.decision_log(accounts, limit=2)
    assert [e.decision.seq for e in p1.entries] == [6, 3]
    assert _seqs(ws, accounts, before=p1.older, limit=2) == [2]
    # a cursor past the end: nothing, and the way back
    past = ws.decision_log(before=1, limit=2)
    assert past.entries == [] and past.older is None and past.newer == 0


def test_csv_is_the_filtered_log_with_formulas_kept_as_text(decided, tmp_path) -> None:
    ws, _ = decided
    ws.decide("g2", "needs-review", note='=HYPERLINK("https://evil.example","x")', author="ana")
    ws.decide("a002", "needs-review", kind="account", author="@admin", note="+33 6 12, ok")
    for flt in (DecisionFilter(), DecisionFilter(status="needs-review", since=date(2026, 3, 3))):
        path = tmp_path / "d.csv"
        n = ws.write_decisions_csv(path, flt)
        with path.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh))
        assert rows[0] == decision_log.CSV_COLUMNS
        listed = [e.decision for e in ws.decision_log(flt, limit=1000).entries]
        assert n == len(rows) - 1 == len(listed)
        for row, d in zip(rows[1:], listed, strict=True):
            want = ["" if v is None else str(v) for v in decision_log.csv_values(d)]
            assert [c[1:] if c[:2] in ("'=", "'+", "'-", "'@") else c for c in row] == want
            assert not any(c.startswith(("=", "+", "-", "@")) for c in row), row
    ws.write_decisions_csv(path)
    with path.open(encoding="utf-8", newline="") as fh:
        cells = {c for row in csv.reader(fh) for c in row}
    assert {'\'=HYPERLINK("https://evil.example","x")', "'@admin", "'+33 6 12, ok"} <= cells
    assert not list(tmp_path.glob(".d.csv.*"))  # written atomically: no leftover


def test_csv_reads_a_long_log_in_chunks(decided, tmp_path, monkeypatch) -> None:
    ws, _ = decided
    monkeypatch.setattr(decision_log, "CSV_CHUNK", 2)
    seen = [d.seq for d in decision_log.iter_decisions(ws, DecisionFilter(), chunk=2)]
    assert seen == [5, 4, 3, 2, 1]
