"""End to end on the mixed scenario: each campaign comes out as one group, with the right
signal and DISARM technique; no organic account is flagged despite the hard negatives."""

from __future__ import annotations

from collections import defaultdict

from vigie.disarm.behaviours import SIGNAL_TECHNIQUES

EXPECTED_SIGNAL = {
    "bots": "co_repost",
    "links": "co_link",
    "tags": "co_hashtag",
    "paste": "copypasta",
}


def _groups(mixed):
    members = defaultdict(set)
    for row in mixed.findings.members().to_pylist():
        members[row["group_id"]].add(row["account_id"])
    return members


def test_each_campaign_is_one_group_with_its_signal(mixed):
    members = _groups(mixed)
    groups = {g["group_id"]: g for g in mixed.findings.groups().to_pylist()}
    for name, accounts in mixed.truth.items():
        found = [gid for gid, m in members.items() if m & accounts]
        assert len(found) == 1, (name, found)
        gid = found[0]
        assert members[gid] == accounts, name
        g = groups[gid]
        assert g["signals"][0] == EXPECTED_SIGNAL[name]
        for tech in SIGNAL_TECHNIQUES[EXPECTED_SIGNAL[name]]:
            assert tech in g["techniques"]
        assert 0 < g["score"] <= 1
        assert g["n_members"] == len(accounts)
        assert g["first_seen"] <= g["last_seen"]


def test_no_organic_account_flagged(mixed):
    """Viral cascades (300 accounts within minutes, six times), a petition shared by 150
    accounts over hours and a slogan repeated over days must not make groups."""
    flagged = set(mixed.findings.members().column("account_id").to_pylist())
    assert not flagged & set(mixed.organic)
    assert len(mixed.findings.groups()) == len(mixed.truth)


def test_chance_control_reports_observed_beside_expected(mixed):
    edges = mixed.findings.edges().to_pylist()
    assert edges
    for e in edges:
        if e["kind"] == "creation_burst":
            continue
        assert e["observed"] >= 2
        assert e["expected"] >= 0
        assert e["observed"] > e["expected"]
        assert 0 <= e["p_value"] < 0.01
    sig = mixed.findings.manifest()["signals"]["co_repost"]
    # viral cascades produce many candidate pairs; chance control keeps only the bots
    assert sig["pairs"] > 10 * sig["kept"]
    assert sig["kept"] == 21 * 20 // 2  # 20 bots and the seed account
    assert sig["observed_kept"] > sig["expected_kept"]


def test_evidence_names_shared_objects_and_posts(mixed):
    ev = mixed.findings.evidence().to_pylist()
    groups = mixed.findings.groups().to_pylist()
    by_group = defaultdict(list)
    for row in ev:
        by_group[row["group_id"]].append(row)
    for g in groups:
        rows = by_group[g["group_id"]]
        assert rows, g["group_id"]
        assert {r["object"] for r in rows} <= set(g["top_objects"]) | {r["object"] for r in rows}
        assert all(r["post_id"] and r["account_id"] for r in rows)
    links = [r for r in ev if r["kind"] == "co_link"]
    assert all(r["object"].startswith("https://fake-news.example/lnk/") for r in links)
    paste = [r for r in ev if r["kind"] == "copypasta"]
    assert paste and all(r["text"] for r in paste)
