"""Co-rare (sleepers over the whole collection), look-alike brand tokens and the periphery
attached to a group's core: known answers.

A handful of quiet accounts touch the same rare links and hashtags days apart over four
weeks, among hundreds of ordinary accounts sharing a long tail of links: co-rare must tie
the sleepers and no ordinary account, the windowed detectors alone must miss them, and on
the same posts with accounts shuffled within each day co-rare must keep no pair.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq

from vigie.detect.config import DEFAULTS
from vigie.detect.lookalike import brand_token, family_objects
from vigie.detect.network import find_groups
from vigie.detect.nullshuffle import shuffle_accounts
from vigie.detect.pipeline import run_detection

from .scenario import DAY, Builder

WINDOWED = ("co_link", "co_repost", "co_reply", "co_hashtag", "copypasta", "co_media", "co_domain")


def _sleepers(seed: int, repeat: int = 1) -> tuple[Builder, set[str], list[str]]:
    b = Builder(seed=seed)
    organic = b.organic(n_accounts=600, n_posts=6000, days=28.0)
    for _ in range(8000):  # the long tail every collection has: links few others share
        a = organic[int(b.rng.integers(len(organic)))]
        url = f"https://blog.example/{int(b.rng.zipf(1.2)) % 20000}"
        b.post(a, b.rng.uniform(0, 28 * DAY), text=b.random_text(), urls=[url])
    sleepers = [b.account(f"sleeper{i}", created=-(800 + 200 * i) * DAY) for i in range(8)]
    for k in range(24):  # each rare object: 4 of the 8 sleepers, each 1.5-5 days after the last
        obj = {"urls": [f"https://obscure-site.example/dossier-{k}"]}
        if k % 3 == 2:
            obj = {"hashtags": [f"niche{k}tag"]}
        t = b.rng.uniform(0, 10 * DAY)
        for a in b.rng.choice(sleepers, size=4, replace=False):
            for r in range(repeat):  # ``repeat`` posts of it, three hours apart
                b.post(str(a), t + r * 3 * 3600, text=b.random_text(), **obj)
            t += b.rng.uniform(1.5, 5.0) * DAY
    for a in sleepers:  # and otherwise ordinary: a few posts of their own
        for _ in range(6):
            b.post(a, b.rng.uniform(0, 28 * DAY), text=b.random_text())
    return b, set(sleepers), organic


def _tied(f) -> set[str]:
    m = set(f.members().column("account_id").to_pylist())
    p = f.pairs().to_pylist()
    return m | {r["account_id_a"] for r in p} | {r["account_id_b"] for r in p}


def test_co_rare_finds_sleepers_days_apart(tmp_path) -> None:
    b, sleepers, organic = _sleepers(5)
    ds = b.write(tmp_path / "ds")
    f = run_detection(ds, tmp_path / "f", progress=False)
    found = _tied(f)
    assert len(found & sleepers) >= 7  # each pair shares ~6 objects: nearly all are tied
    assert not found & set(organic)
    edges = pq.read_table(tmp_path / "f" / "edges.parquet").to_pylist()
    rare = [e for e in edges if e["kind"] == "co_rare"]
    assert rare and all({e["source"], e["target"]} <= sleepers for e in rare)
    st = f.manifest()["signals"]["co_rare"]
    assert st["window"] == "whole collection" and st["window_s"] > 20 * DAY
    # the windowed detectors alone (up to a week) find far fewer of them
    off = run_detection(ds, tmp_path / "f0", config={"co_rare": {"enabled": False}}, progress=False)
    assert len(_tied(off) & sleepers) < len(found & sleepers)


def test_co_rare_keeps_no_pair_on_shuffled_accounts(tmp_path) -> None:
    b, _, _ = _sleepers(6)
    ds = b.write(tmp_path / "ds")
    posts = pq.read_table(ds / "posts.parquet")
    pq.write_table(shuffle_accounts(posts, seed=1), ds / "posts.parquet")
    only = {k: {"enabled": False} for k in WINDOWED}
    f = run_detection(ds, tmp_path / "f", config=only, progress=False)
    st = f.manifest()["signals"]["co_rare"]
    assert st["pairs"] > 100  # plenty of pairs shared a rare object once by chance
    assert st["kept"] == 0


def test_brand_token_families() -> None:
    assert brand_token("lemonde-info.com", 5) == "lemonde"
    assert brand_token("news-welt24.de", 5) == "welt24"
    assert brand_token("politik-magazin.de", 5) is None  # two parts of one length: no brand
    assert brand_token("spiegel.de", 5) is None  # no hyphen
    doms = [
        "lemonde.fr",
        "lemonde-info.com",
        "lemonde-actu.net",
        "le-monde.fr",
        "monde.fr",
        "politik.de",
        "magazine.de",
        "politik-magazine.de",
        "washingtonpost.com",
        "washington-post.com",
        "washington.edu",
    ]
    accounts = [400, 3, 2, 2, 150, 90, 80, 5, 500, 3, 120]
    objs = dict(zip(doms, family_objects(doms, accounts, min_label=5), strict=True))
    assert objs["lemonde.fr"] == "lemonde.fr"  # the outlet stays its own object
    for d in ("lemonde-info.com", "lemonde-actu.net", "le-monde.fr"):
        assert objs[d] == "lookalike:lemonde.fr"
    assert objs["monde.fr"] == "monde.fr"  # a split name does not pull in another outlet
    # the longest part alone names the brand: magazine (8) beats politik (7), one link only
    assert objs["politik-magazine.de"] == "lookalike:magazine.de"
    assert objs["politik.de"] == "politik.de"
    assert objs["washington-post.com"] == "lookalike:washingtonpost.com"
    assert objs["washington.edu"] == "washington.edu"


def _edges(pairs: list[tuple[int, int]], weight: float = 1.0) -> pa.Table:
    n = len(pairs)
    return pa.table(
        {
            "u": pa.array([a for a, _ in pairs], pa.int32()),
            "v": pa.array([b for _, b in pairs], pa.int32()),
            "weight": pa.array([weight] * n, pa.float64()),
            "observed": pa.array([4] * n, pa.int64()),
            "expected": pa.array([0.1] * n, pa.float64()),
            "p_value": pa.array([1e-9] * n, pa.float64()),
            "kind": pa.array(["co_link"] * n, pa.string()),
        }
    )


def test_periphery_attaches_to_a_core_but_a_star_forms_no_group() -> None:
    core = [(a, b) for a in range(5) for b in range(a + 1, 5)]  # accounts 0-4: a clique
    hanging = [(5, 0), (6, 1), (7, 6)]  # 5 and 6 tied to the core once, 7 to 6 only
    star = [(100, 100 + k) for k in range(1, 7)]  # a hub and six fans: no 2-core
    cfg = {**DEFAULTS["graph"]}
    stats: dict = {}
    groups = find_groups(_edges(core + hanging + star), cfg, seed=0, stats=stats)
    assert [sorted(g.members.tolist()) for g in groups] == [[0, 1, 2, 3, 4, 5, 6, 7]]
    assert stats["attached"] == 3 and stats["nodes_in_core"] == 5
    off = find_groups(_edges(core + hanging + star), {**cfg, "attach_periphery": False}, seed=0)
    assert [sorted(g.members.tolist()) for g in off] == [[0, 1, 2, 3, 4]]


def test_co_rare_evidence_counts_every_post_of_a_rare_object(tmp_path) -> None:
    """A sleeper that posts a rare link twice posted it twice: the evidence's figures on
    co-rare's objects (an object's reach, the group's posts of it) count posts, as for
    every other detector, not co-rare's episodes (over the whole collection an account's
    posts of one object are one episode). Co-rare's rows are ``co_rare_rows``, not
    ``raw_co_rare``: the evidence reads the rows table the signal names."""
    b, sleepers, organic = _sleepers(5, repeat=2)
    ds = b.write(tmp_path / "ds")
    only = {k: {"enabled": False} for k in WINDOWED}
    f = run_detection(ds, tmp_path / "f", config=only, progress=False)
    objs = pq.read_table(tmp_path / "f" / "group_objects.parquet").to_pylist()
    rare = [o for o in objs if o["kind"] == "co_rare"]
    assert len(rare) >= 20  # nearly every one of the 24 is shared by two or more members
    assert all("dossier-" in o["object"] or "niche" in o["object"] for o in rare)
    for o in rare:  # two posts of each object by each account that posted it
        assert o["reach_posts"] == 2 * o["reach_accounts"]
        assert o["group_posts"] == 2 * o["n_members"]
    members = {m["account_id"]: m for m in f.members().to_pylist()}
    assert set(members) <= set(sleepers) and len(members) >= 5
    assert not set(members) & set(organic)
    for m in members.values():  # each sleeper's posts of its rare objects, two of each
        assert m["n_posts"] % 2 == 0 and m["n_posts"] >= 4
