"""Decisions: validated, append-only, attached to stable ids, and re-review when groups drift."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from vigie.errors import VigieError

from .helpers import accs, make_findings


def test_decision_follows_group_across_runs(ws, tmp_path):
    a, b = accs("a", 10), accs("b", 10)
    r1 = ws.register_run(make_findings(tmp_path / "f1", {"g0001": a, "g0002": b}))
    gid_b = ws.local_ids(r1)["g0002"]
    d = ws.decide("g0002", "dismissed", reason="fandom", note="fan club", author="ana")
    assert d.target == gid_b and d.author == "ana" and d.target_kind == "group"
    # next run: b now ranks first and one member changed (J = 9/11): same id, same decision
    r2 = ws.register_run(make_findings(tmp_path / "f2", {"g0001": b[:-1] + ["b999"], "g0002": a}))
    g = next(x for x in ws.groups(r2) if x.local_id == "g0001")
    assert g.id == gid_b
    assert g.status == "dismissed" and not g.rereview
    assert g.decision.reason == "fandom" and g.decision.note == "fan club"
    other = next(x for x in ws.groups(r2) if x.local_id == "g0002")
    assert other.status == "unreviewed"


def test_history_is_append_only(ws, tmp_path):
    ws.register_run(make_findings(tmp_path / "f1", {"g1": accs("a", 6)}))
    ws.decide("g1", "needs-review", author="ana")
    ws.decide("g1", "confirmed", reason="coordinated-inauthentic", note="same texts", author="bo")
    gid = ws.resolve_group("g1")
    hist = ws.history(gid)
    assert [h.status for h in hist] == ["needs-review", "confirmed"]
    assert [h.author for h in hist] == ["ana", "bo"]
    assert ws.group(gid).status == "confirmed"
    with ws.store.engine.begin() as conn, pytest.raises(Exception, match="append-only"):
        conn.execute(text("UPDATE case_decisions SET status = 'dismissed'"))
    with ws.store.engine.begin() as conn, pytest.raises(Exception, match="append-only"):
        conn.execute(text("DELETE FROM case_decisions"))
    assert len(ws.history(gid)) == 2


def test_changed_group_is_flagged_for_rereview(ws, tmp_path):
    a = accs("a", 10)
    ws.register_run(make_findings(tmp_path / "f1", {"g1": a}))
    gid = ws.resolve_group("g1")
    ws.decide(gid, "confirmed", reason="coordinated-inauthentic", author="ana")
    # grows by 6 accounts: J with the decided membership = 10/16 < 0.7, still >= 0.5 to match
    r2 = ws.register_run(make_findings(tmp_path / "f2", {"g1": a + accs("n", 6)}))
    g = ws.group(gid, r2)
    assert g.id == gid
    assert g.rereview and g.status == "needs-review"
    assert g.decision.status == "confirmed"
    assert g.drift == pytest.approx(10 / 16)
    # deciding again on the new membership clears the flag
    ws.decide(gid, "confirmed", reason="coordinated-inauthentic", author="ana")
    assert ws.group(gid).status == "confirmed" and not ws.group(gid).rereview


def test_accounts_and_pairs(ws, tmp_path, monkeypatch):
    monkeypatch.setenv("VIGIE_USER", "carla")
    d = ws.decide("acc1", "dismissed", reason="newsroom-and-feeds", kind="account")
    assert d.author == "carla" and d.target_kind == "account"
    p = ws.decide(("zed", "acc1"), "confirmed", reason="coordinated-inauthentic")
    assert p.target == "acc1 zed"
    assert ws.history(("acc1", "zed"))[-1].status == "confirmed"
    assert ws.status_of("acc1") == "dismissed"
    assert ws.status_of("nobody") == "unreviewed"


def test_unknown_accounts_are_those_no_run_holds(ws, tmp_path):
    """A decision on an account is kept as typed; the ids no group of any run holds (a
    typo, or an account never flagged) are told apart, by id or platform:id. LIKE's
    wildcards in an id match nothing but themselves."""
    ws.register_run(make_findings(tmp_path / "f1", {"g1": accs("a", 6)}))
    ids = ["a001", "x:a002", "y:a003", "a0", "%", "a00_", "zed"]
    assert ws.unknown_accounts(ids) == ["y:a003", "a0", "%", "a00_", "zed"]


def test_unseen_accounts_also_looks_in_the_runs_strong_ties(ws, tmp_path):
    """The pairs a run lists outside groups are mostly of accounts in no group: the web
    workbench must not refuse a decision on them as on ids seen nowhere."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    f1 = make_findings(tmp_path / "f1", {"g1": accs("a", 6)})
    ws.register_run(f1)
    ties = {"rank": [1], "account_id_a": ["p001"], "account_id_b": ["p002"], "p_value": [1e-6]}
    pq.write_table(pa.table(ties), f1 / "pairs.parquet")
    ids = ["a001", "p001", "x:p002", "q001"]
    assert ws.unseen_accounts(ids) == ["q001"]
    (f1 / "pairs.parquet").unlink()  # the folder's ties gone: only the memberships remain
    assert ws.unseen_accounts(ids) == ["p001", "x:p002", "q001"]


def test_decision_histories_of_many_accounts_and_pairs_in_one_call(ws, tmp_path):
    """A group page asks for the decisions on every member at once; an account named
    ``platform:id`` gathers those typed as the bare id too (downstream applies both)."""
    ws.register_run(make_findings(tmp_path / "f1", {"g1": accs("a", 6)}))
    ws.decide("a001", "needs-review", kind="account", author="ana")
    ws.decide("x:a001", "dismissed", reason="newsroom-and-feeds", kind="account", author="rev")
    ws.decide(("a003", "a002"), "confirmed", author="rev")
    got = ws.decision_histories("account", ["x:a001", "a002"])
    assert list(got) == ["x:a001"]
    assert [(d.target, d.status) for d in got["x:a001"]] == [
        ("a001", "needs-review"),
        ("x:a001", "dismissed"),
    ]
    pairs = ws.decision_histories("pair", [("a002", "a003"), "a001 a002"])
    assert list(pairs) == ["a002 a003"] and pairs["a002 a003"][0].author == "rev"
    with pytest.raises(VigieError, match="account or pair"):
        ws.decision_histories("group", ["G-000000"])


@pytest.mark.parametrize(
    ("status", "reason", "note", "message"),
    [
        ("approved", "fandom", None, "--status"),
        ("dismissed", None, None, "--reason is required"),
        ("dismissed", "fans", None, "--reason"),
        ("dismissed", "other", None, "needs a --note"),
        # a word that starts one choice, or is spelt close to one, is named, never taken
        ("confirm", None, None, r"--status: 'confirm' .*\(did you mean confirmed\?\)"),
        ("needs", None, None, r"\(did you mean needs-review\?\)"),
        ("dismissed", "coordinated", None, r"\(did you mean coordinated-inauthentic\?\)"),
        ("dismissed", "fandum", None, r"'fandum' .*\(did you mean fandom\?\)"),
    ],
)
def test_bad_decisions_are_clear_errors(ws, tmp_path, status, reason, note, message):
    ws.register_run(make_findings(tmp_path / "f1", {"g1": accs("a", 6)}))
    with pytest.raises(VigieError, match=message):
        ws.decide("g1", status, reason=reason, note=note)


def test_unknown_group_is_a_clear_error(ws, tmp_path):
    ws.register_run(make_findings(tmp_path / "f1", {"g1": accs("a", 6)}))
    with pytest.raises(VigieError, match="no group G-000000"):
        ws.decide("G-000000", "confirmed", reason="spam")
    with pytest.raises(VigieError, match="no group 'g9'"):
        ws.decide("g9", "confirmed", reason="spam")


def test_spellings_of_statuses_and_reasons_are_normalised(ws, tmp_path):
    ws.register_run(make_findings(tmp_path / "f1", {"g1": accs("a", 6)}))
    d = ws.decide("g1", "Needs_Review", reason="Newsroom and feeds")
    assert (d.status, d.reason) == ("needs-review", "newsroom-and-feeds")
    assert ws.decide("g1", "confirmed").reason is None  # a reason is optional to confirm


def test_a_split_off_or_an_absorbing_group_inherits_the_decisions_to_review(ws, tmp_path):
    a, b, c = accs("a", 10), accs("b", 10), accs("c", 4)
    r1 = ws.register_run(make_findings(tmp_path / "f1", {"g1": a, "g2": b, "g3": c}))
    id1 = ws.local_ids(r1)
    ws.decide("g1", "dismissed", reason="fandom", author="ana")
    ws.decide("g3", "confirmed", reason="coordinated-inauthentic", author="ana")
    # a splits in two halves (one keeps its id); b absorbs c
    r2 = ws.register_run(make_findings(tmp_path / "f2", {"h1": a[:5], "h2": a[5:], "h3": b + c}))
    states = {g.local_id: g for g in ws.groups(r2)}
    kept, off = sorted((states["h1"], states["h2"]), key=lambda g: g.id != id1["g1"])
    assert kept.id == id1["g1"] and kept.decision.status == "dismissed"
    assert kept.status == "needs-review" and kept.drift == 0.5  # half of it left: re-review
    assert off.status == "needs-review" and off.rereview
    assert off.inherited == [
        {"parent": id1["g1"], "event": "split", "status": "dismissed", "reason": "fandom"}
    ]
    absorbing = states["h3"]
    assert absorbing.id == id1["g2"] and absorbing.status == "needs-review"
    assert [(i["parent"], i["event"], i["status"]) for i in absorbing.inherited] == [
        (id1["g3"], "merged", "confirmed")
    ]
