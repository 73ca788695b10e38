"""Co-amplify with known answers: no pair on null data, the bound on audiences kept within
the pair draws asked (and said), and the bound's arithmetic."""

from __future__ import annotations

import re

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from vigie.detect.coamplify import audience_bound
from vigie.detect.nullshuffle import shuffle_accounts
from vigie.detect.pipeline import run_detection

from .scenario import DAY, Builder, as_text_archive
from .test_slow_kinds import ONLY_AMPLIFY, _members, _ring_and_fans


def test_audience_bound_keeps_the_draws_within_the_budget() -> None:
    aud = np.array([2.0, 3.0, 5.0, 60.0, 300.0])  # authors of each audience size
    n = np.array([10.0, 5.0, 2.0, 70.0, 3.0])
    assert audience_bound(aud, n, 250, 10**9) == 250  # nothing to lower
    assert audience_bound(aud, n, 4, 10**9) == 4  # never above what was asked
    # 10 + 15 + 20 draws fit in 100, the 70 authors of 60 accounts (123,900 draws) do not:
    # every bound below 60 draws the same pairs, so the highest of them is used
    assert audience_bound(aud, n, 250, 100) == 59
    assert audience_bound(aud, n, 250, 0) == 2
    assert audience_bound(np.zeros(0), np.zeros(0), 250, 100) == 250  # no author at all


@pytest.mark.parametrize("seed", [201, 202, 203])
def test_null_data_keep_no_amplifying_pair(seed, tmp_path) -> None:
    """Organic reposting with the accounts shuffled within each day: no pair shares more
    small authors than chance allows."""
    b = Builder(seed=seed)
    b.organic(n_accounts=400, n_posts=6000)
    ds = b.write(tmp_path / "ds")
    posts = pq.read_table(ds / "posts.parquet")
    pq.write_table(shuffle_accounts(posts, seed), ds / "posts.parquet")
    f = run_detection(ds, tmp_path / "f", ONLY_AMPLIFY, progress=False)
    st = f.manifest()["signals"]["co_amplify"]
    assert st["family"] > 1000  # pairs shared authors: something was tested
    assert st["kept"] == 0 and f.groups().num_rows == 0


def test_the_bound_is_lowered_to_the_draws_asked_and_said(tmp_path) -> None:
    """With room for few pair draws the bound on an author's audience is lowered (the
    ring's members, each reposted by a few of the others, stay under it; the small
    account's thirty fans do not), and the manifest says both bounds."""
    b, ring, fans = _ring_and_fans(44, join=0.5, pushes=40)
    for k in range(8):  # a second small account, reposted by a hundred people
        pid = b.post("popular", 0.5 * DAY + k * 0.5 * DAY, text=b.random_text())
        for i in range(100):
            b.post(f"reader{i:03d}", 0.5 * DAY + k * 0.5 * DAY + 60 * (i + 1), repost_of=pid)
    ds = b.write(tmp_path / "ds")
    cfg = dict(ONLY_AMPLIFY, co_amplify={"max_pair_draws": 20_000})
    f = run_detection(ds, tmp_path / "f", cfg, progress=False)
    st = f.manifest()["signals"]["co_amplify"]
    assert st["rare_max_accounts_asked"] == 250
    assert 2 <= st["rare_max_accounts"] < 100, st["rare_max_accounts"]
    assert st["objects_over_cap"] >= 1  # "popular" left out
    found = _members(f)
    assert found <= ring and len(found) >= 0.8 * len(ring)
    assert not found & (fans | {"smallacct", "popular"})


def test_an_author_without_a_handle_is_named_by_its_id(tmp_path) -> None:
    """A Dataset without accounts.parquet (a table of posts alone): the authors amplified
    are named by their account ids."""
    b, ring, _ = _ring_and_fans(45, join=0.5, pushes=40)
    ds = b.write(tmp_path / "ds")
    (ds / "accounts.parquet").unlink(missing_ok=True)
    f = run_detection(ds, tmp_path / "f", ONLY_AMPLIFY, progress=False)
    ev = [r["object"] for r in f.evidence().to_pylist() if r["kind"] == "co_amplify"]
    assert ev and {o.removeprefix("author:") for o in ev} <= ring, sorted(set(ev))[:5]


def _ring_found_fans_not(ds, out, ring: set[str], fans: set[str]):
    """Co-amplify alone on ``ds``: at least 90 % of the ring found, nobody else; no fan or
    the small account tied; the evidence names the ring's members as authors."""
    f = run_detection(ds, out, ONLY_AMPLIFY, progress=False)
    found = _members(f)
    assert found <= ring and len(found) >= 0.9 * len(ring), sorted(found)
    pairs = f.pairs().to_pylist()
    paired = {r["account_id_a"] for r in pairs} | {r["account_id_b"] for r in pairs}
    assert not (found | paired) & (fans | {"smallacct"})
    ev = {r["object"] for r in f.evidence().to_pylist() if r["kind"] == "co_amplify"}
    assert ev and all(re.fullmatch(r"author:@(ring\d\d) \(\1\)", o) for o in ev), sorted(ev)[:3]
    return f


@pytest.mark.parametrize("originals", [True, False])
def test_a_ring_known_by_its_retweets_texts(tmp_path, originals: bool) -> None:
    """An archive that keeps no retweet ids (TAGS, NodeXL, the IRA tweets published by
    FiveThirtyEight): each retweet is ``RT @author: text``. With the pushes in the archive
    the retweets are matched to them; without (the archive holds the retweets alone) each
    names its author by the handle in its text, resolved to the account of that handle:
    the ring is found either way, and the fans of one small account are not."""
    b, ring, fans = _ring_and_fans(46, join=0.25, pushes=80)
    src = b.write(tmp_path / "ds")
    ds = as_text_archive(src, tmp_path / "archive")
    if not originals:
        posts = pq.read_table(ds / "posts.parquet")
        rows = [
            r
            for r in posts.to_pylist()
            if r["account_id"] not in ring | {"smallacct"} or r["text"].startswith("RT @")
        ]
        pq.write_table(pa.Table.from_pylist(rows, schema=posts.schema), ds / "posts.parquet")
    f = _ring_found_fans_not(ds, tmp_path / "f", ring, fans)
    assert f.manifest()["diagnosis"]["reposts_by_text"] > 0


def test_a_ring_whose_pushes_the_archive_lacks_is_found_by_its_retweets_texts(tmp_path) -> None:
    """Twitter's Information Operations archives give each retweet its ``retweet_tweetid``
    and its ``RT @author:`` text, seldom the tweet itself: the ring's retweets name their
    authors by their texts, resolved to the accounts of those handles (the objects their
    matched retweets would have), so the ring is found and the fans are not."""
    b, ring, fans = _ring_and_fans(46, join=0.25, pushes=80)
    ds = as_text_archive(b.write(tmp_path / "ds"), tmp_path / "archive", keep_ids=True)
    posts = pq.read_table(ds / "posts.parquet")
    rows = [r for r in posts.to_pylist() if r["repost_of"] or r["account_id"] not in ring]
    rows = [r for r in rows if r["repost_of"] or r["account_id"] != "smallacct"]
    assert all(r["text"].startswith("RT @") for r in rows if r["repost_of"])
    pq.write_table(pa.Table.from_pylist(rows, schema=posts.schema), ds / "posts.parquet")
    f = _ring_found_fans_not(ds, tmp_path / "f", ring, fans)
    # the reposts kept their ids: no post was read as a repost by its text alone
    assert f.manifest()["diagnosis"]["reposts_by_text"] == 0
