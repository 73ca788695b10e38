"""Stable group identity: ids follow memberships, never ranks; lineage says what happened."""

from __future__ import annotations

from vigie.cases.identity import jaccard, match, new_group_id

from .helpers import accs, make_findings


def test_ids_follow_members_not_rank(ws, tmp_path):
    a, b, c = accs("a", 10), accs("b", 8), accs("c", 6)
    r1 = ws.register_run(make_findings(tmp_path / "f1", {"g0001": a, "g0002": b, "g0003": c}))
    ids1 = ws.local_ids(r1)
    # next run: ranks reversed, one member of a replaced (J = 9/11 >= 0.5)
    a2 = a[:-1] + ["a999"]
    r2 = ws.register_run(make_findings(tmp_path / "f2", {"g0001": c, "g0002": b, "g0003": a2}))
    ids2 = ws.local_ids(r2)
    assert ids2["g0001"] == ids1["g0003"]
    assert ids2["g0002"] == ids1["g0002"]
    assert ids2["g0003"] == ids1["g0001"]
    assert all(i.startswith("G-") and len(i) == 8 for i in ids2.values())
    events = {(e.event, e.parent, e.child) for e in ws.lineage_of_run(r2)}
    assert events == {("continued", g, g) for g in ids1.values()}


def test_birth_death_split_merge(ws, tmp_path):
    a, b, c, d = accs("a", 10), accs("b", 10), accs("c", 4), accs("d", 6)
    r1 = ws.register_run(make_findings(tmp_path / "f1", {"g1": a, "g2": b, "g3": c, "g4": d}))
    id1 = ws.local_ids(r1)
    e = accs("e", 5)
    # a splits in two halves; b absorbs c (J(b, b+c) = 10/14 >= 0.5); d disappears; e is born
    r2 = ws.register_run(
        make_findings(tmp_path / "f2", {"h1": a[:5], "h2": a[5:], "h3": b + c, "h4": e})
    )
    id2 = ws.local_ids(r2)
    assert id2["h3"] == id1["g2"]  # b keeps its id after absorbing c
    # each half has J = 0.5 with a: exactly one keeps a's id, the other is a split-off
    halves = {id2["h1"], id2["h2"]}
    assert id1["g1"] in halves
    other = (halves - {id1["g1"]}).pop()
    events = {(ev.event, ev.parent, ev.child) for ev in ws.lineage_of_run(r2)}
    assert ("split", id1["g1"], other) in events
    assert ("merged", id1["g3"], id1["g2"]) in events
    assert ("gone", id1["g4"], None) in events
    assert ("born", None, id2["h4"]) in events
    assert ("continued", id1["g2"], id1["g2"]) in events
    lineage_a = ws.lineage(id1["g1"])
    assert sorted(x.event for x in lineage_a) == ["born", "continued", "split"]


def test_same_findings_twice_is_one_run(ws, tmp_path):
    f = make_findings(tmp_path / "f1", {"g1": accs("a", 5)})
    r1 = ws.register_run(f)
    r2 = ws.register_run(f)
    assert r1.id == r2.id and len(ws.list_runs()) == 1


def test_a_group_that_returns_keeps_its_id(ws, tmp_path):
    a, b = accs("a", 6), accs("b", 6)
    r1 = ws.register_run(make_findings(tmp_path / "f1", {"g1": a, "g2": b}))
    ws.register_run(make_findings(tmp_path / "f2", {"g1": b}))
    r3 = ws.register_run(make_findings(tmp_path / "f3", {"g1": a, "g2": b}))
    assert ws.local_ids(r3) == ws.local_ids(r1)
    assert ("returned", ws.local_ids(r1)["g1"]) in {
        (e.event, e.child) for e in ws.lineage_of_run(r3)
    }


def test_one_to_one_and_hash_ids():
    known = {"G-AAAAAA": frozenset("abcd"), "G-BBBBBB": frozenset("abce")}
    res = match(known, {"n1": frozenset("abcd"), "n2": frozenset("abce")})
    assert res.ids == {"n1": "G-AAAAAA", "n2": "G-BBBBBB"}
    # below the threshold (J = 1/3): a new id, derived from members only
    res = match({"G-AAAAAA": frozenset("abcdef")}, {"n": frozenset("ab")})
    assert res.ids["n"] == new_group_id({"a", "b"})
    assert jaccard("ab", "abcdef") < 0.5
    # a taken id is never reused
    gid = new_group_id({"a", "b"})
    assert new_group_id({"a", "b"}, {gid}) != gid
