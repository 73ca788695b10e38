"""vigie generate: the statistical properties that make the exercise a fair test.

Each test checks a property a detector evaluation relies on, on data whose answer is known:
organic life contains the hard negatives (heavy-tailed cascades, slogans, day/night rhythm,
genuine activists), campaigns leave the traces they are labelled with, and ``stealth`` makes
those traces fainter.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from datetime import UTC
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from vigie.exercise.generate import generate
from vigie.exercise.lexicon_fr import QUOTES, SLOGANS
from vigie.exercise.scenarios import SCENARIOS, campaign_size
from vigie.ingest.urls import canonical_url
from vigie.schema import Dataset

N = 20_000
SEED = 11


def _load(folder: Path) -> dict:
    ds = Dataset(folder)
    posts = ds.posts()
    truth = pq.read_table(folder / "truth.parquet")
    tposts = pq.read_table(folder / "truth_posts.parquet")
    role = dict(zip(truth["account_id"].to_pylist(), truth["role"].to_pylist(), strict=True))
    camp = dict(zip(truth["account_id"].to_pylist(), truth["campaign_id"].to_pylist(), strict=True))
    return {
        "posts": posts,
        "accounts": ds.accounts(),
        "truth": truth,
        "post_campaign": tposts["campaign_id"].to_pylist(),
        "role": role,
        "camp": camp,
        "campaigns": json.loads((folder / "campaigns.json").read_text())["campaigns"],
        "manifest": ds.manifest(),
    }


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[float, dict]:
    """The tiny scenario at default, zero and full stealth (same seed)."""
    base = tmp_path_factory.mktemp("props")
    out = {}
    for stealth in (None, 0.0, 1.0):
        folder = base / f"s{stealth}"
        generate("tiny", N, SEED, folder, stealth=stealth, progress=False)
        out[stealth] = _load(folder)
    return out


@pytest.fixture(scope="module")
def d(runs: dict) -> dict:
    return runs[None]


def _ms(col: pa.ChunkedArray) -> np.ndarray:
    return pc.cast(col, pa.int64()).to_numpy() // 1000


def _by_id(posts: pa.Table) -> dict[str, int]:
    return {p: i for i, p in enumerate(posts["post_id"].to_pylist())}


def _reaction_delays(d: dict, column: str, accounts: set[str] | None) -> np.ndarray:
    """Seconds between each reaction (``column`` set) and its target, for ``accounts``."""
    posts = d["posts"]
    idx = _by_id(posts)
    ms = _ms(posts["created_at"])
    delays = []
    for i, (a, ref) in enumerate(
        zip(posts["account_id"].to_pylist(), posts[column].to_pylist(), strict=True)
    ):
        if ref is not None and (accounts is None or a in accounts):
            delays.append((ms[i] - ms[idx[ref]]) / 1000)
    return np.array(delays)


def _members(d: dict, ctype: str) -> set[str]:
    t = d["truth"]
    return {
        a
        for a, c in zip(t["account_id"].to_pylist(), t["campaign_type"].to_pylist(), strict=True)
        if c == ctype
    }


# --- table-level invariants ----------------------------------------------------------------


def test_sorted_unique_and_within_period(d: dict) -> None:
    posts = d["posts"]
    ms = _ms(posts["created_at"])
    ids = posts["post_id"].to_pylist()
    assert len(set(ids)) == len(ids)
    keys = list(zip(ms.tolist(), ids, strict=True))
    assert keys == sorted(keys)
    sc = SCENARIOS["tiny"]
    assert ms.min() * 1000 >= sc.start_us and ms.max() * 1000 < sc.end_us
    assert set(posts["platform"].to_pylist()) == {"x"}


def test_references_point_back_in_time_and_reposts_read_like_x(d: dict) -> None:
    posts = d["posts"]
    idx = _by_id(posts)
    ms = _ms(posts["created_at"])
    handle = dict(
        zip(
            d["accounts"]["account_id"].to_pylist(),
            d["accounts"]["handle"].to_pylist(),
            strict=True,
        )
    )
    text, author = posts["text"].to_pylist(), posts["account_id"].to_pylist()
    n_rep = 0
    for col in ("repost_of", "reply_to", "quote_of"):
        for i, ref in enumerate(posts[col].to_pylist()):
            if ref is None:
                continue
            j = idx[ref]
            assert ms[j] <= ms[i]
            if col == "repost_of":
                n_rep += 1
                assert text[i] == f"RT @{handle[author[j]]}: {text[j]}"
            if col == "reply_to":
                assert text[i].startswith(f"@{handle[author[j]]} ")
    assert n_rep > 0.2 * posts.num_rows


def test_urls_canonical_and_hashtags_normalised(d: dict) -> None:
    posts = d["posts"]
    urls = [u for row in posts["urls"].to_pylist() for u in row]
    assert urls and all(re.fullmatch(r"[a-z0-9.-]+\.[a-z]+(/[^\s?#]*)?", u) for u in urls)
    # fixed points of the house canonicaliser, and written in full in the text
    assert all(canonical_url(u) == u for u in set(urls[:3000]))
    for text, row in zip(posts["text"].to_pylist()[:3000], posts["urls"].to_pylist(), strict=False):
        assert all(f"https://{u}" in text for u in row)
    for text, tags in zip(posts["text"].to_pylist(), posts["hashtags"].to_pylist(), strict=True):
        for tag in tags:
            assert tag == tag.lower() and not tag.startswith("#")
            assert f"#{tag}" in text.lower()
        assert len(tags) == len(set(tags))


def test_every_post_author_in_accounts_with_truth(d: dict) -> None:
    authors = set(d["posts"]["account_id"].to_pylist())
    assert authors <= set(d["role"])
    roles = Counter(d["role"].values())
    assert {"organic", "activist", "bot", "seed", "sockpuppet", "amplifier", "sleeper"} <= set(
        roles
    )
    assert all(d["camp"][a] is None for a, r in d["role"].items() if r in ("organic", "activist"))


# --- organic hard negatives ----------------------------------------------------------------


def test_activity_and_audiences_heavy_tailed(d: dict) -> None:
    counts = np.array(list(Counter(d["posts"]["account_id"].to_pylist()).values()))
    assert counts.max() > 20 * np.median(counts)
    followers = d["accounts"]["followers"].to_numpy()
    assert followers.max() > 100 * np.median(followers)
    # the top 1 % of posts by repost count gather a large share of all reposts
    rc = np.array(sorted(Counter(r for r in d["posts"]["repost_of"].to_pylist() if r).values()))
    top = rc[-max(1, len(rc) // 100) :].sum()
    assert top > 0.15 * rc.sum()


def test_breaking_news_cascades_are_big_fast_and_organic(d: dict) -> None:
    """Hundreds of independent users share the same URL or repost the same post within
    minutes: synchrony without coordination."""
    posts = d["posts"]
    ms = _ms(posts["created_at"])
    first_seen: dict[str, int] = {}
    fast: dict[str, set[str]] = defaultdict(set)
    for i, (a, urls) in enumerate(
        zip(posts["account_id"].to_pylist(), posts["urls"].to_pylist(), strict=True)
    ):
        for u in urls:
            first_seen.setdefault(u, ms[i])
            if ms[i] - first_seen[u] <= 15 * 60 * 1000:
                fast[u].add(a)
    sizes = sorted((len(s) for s in fast.values()), reverse=True)
    assert sizes[0] >= 30
    biggest = max(fast, key=lambda u: len(fast[u]))
    # nearly all independent organic users (a few campaign accounts may repost it too)
    assert np.mean([d["camp"][a] is None for a in fast[biggest]]) > 0.9
    cascades = d["manifest"]["organic"]
    assert cascades["cascades"] >= 3
    top = cascades["largest_cascades"]
    assert top[0] >= 3 * top[-1] or top[0] >= 100  # heavy tail: the largest dwarfs the rest


def test_slogans_and_quotes_repeated_verbatim_by_many(d: dict) -> None:
    by_text: dict[str, set[str]] = defaultdict(set)
    for a, text, rep in zip(
        d["posts"]["account_id"].to_pylist(),
        d["posts"]["text"].to_pylist(),
        d["posts"]["repost_of"].to_pylist(),
        strict=True,
    ):
        if rep is None:
            by_text[text].add(a)
    repeated = {t: s for t, s in by_text.items() if len(s) >= 10}
    assert any(t in SLOGANS for t in repeated)
    assert any(t in QUOTES for t in repeated)
    assert all(d["camp"][a] is None for t in repeated for a in repeated[t] if t in SLOGANS)


def test_day_night_rhythm(d: dict) -> None:
    sc = SCENARIOS["tiny"]
    organic = np.array([d["camp"][a] is None for a in d["posts"]["account_id"].to_pylist()])
    hours = ((_ms(d["posts"]["created_at"]) // 1000 / 3600 + sc.utc_offset_h) % 24).astype(int)
    h = np.bincount(hours[organic], minlength=24)
    assert h[[3, 4, 5]].sum() * 4 < h[[19, 20, 21]].sum()


def test_genuine_activists_coordinate_slowly_on_few_objects(d: dict) -> None:
    activists = {a for a, r in d["role"].items() if r == "activist"}
    assert len(activists) >= 15
    posts = d["posts"]
    per_url: dict[str, set[str]] = defaultdict(set)
    for a, urls in zip(posts["account_id"].to_pylist(), posts["urls"].to_pylist(), strict=True):
        for u in urls:
            if a in activists and "/p/" in u:
                per_url[u].add(a)
    assert per_url and max(len(s) for s in per_url.values()) >= 10
    delays = _reaction_delays(d, "repost_of", activists)
    assert np.median(delays) > 10 * 60  # hours, not seconds


def _shingles(text: str) -> set[str]:
    words = re.findall(r"\w+", text.lower())
    return {" ".join(words[i : i + 3]) for i in range(max(0, len(words) - 2))}


def _best_jaccard(texts: list[str], cap: int = 300) -> np.ndarray:
    """For each text, the highest word-3-shingle Jaccard with another text of the list."""
    sh = [_shingles(t) for t in texts]
    index: dict[str, list[int]] = defaultdict(list)
    for i, s in enumerate(sh):
        for g in s:
            index[g].append(i)
    best = np.zeros(len(texts))
    shared: Counter = Counter()
    for ids in index.values():
        if 1 < len(ids) <= cap:
            for x in range(len(ids)):
                for y in range(x + 1, len(ids)):
                    shared[(ids[x], ids[y])] += 1
    for (i, j), k in shared.items():
        jac = k / len(sh[i] | sh[j])
        best[i] = max(best[i], jac)
        best[j] = max(best[j], jac)
    return best


def test_organic_posts_are_not_accidental_near_duplicates(d: dict) -> None:
    posts = d["posts"]
    texts = [
        t
        for a, t, rep, c in zip(
            posts["account_id"].to_pylist(),
            posts["text"].to_pylist(),
            posts["repost_of"].to_pylist(),
            d["post_campaign"],
            strict=True,
        )
        if rep is None
        and c is None
        and d["camp"][a] is None
        and t not in SLOGANS
        and not any(q in t for q in QUOTES)
    ]
    best = _best_jaccard(texts[:4000], cap=150)
    assert (best >= 0.5).mean() < 0.005


def test_copypasta_is_near_duplicate_across_sockpuppets(d: dict) -> None:
    cid = next(c["id"] for c in d["campaigns"] if c["type"] == "copypasta")
    texts = [
        t
        for t, c in zip(d["posts"]["text"].to_pylist(), d["post_campaign"], strict=True)
        if c == cid
    ]
    best = _best_jaccard(texts)
    assert np.median(best) >= 0.5


# --- campaigns -----------------------------------------------------------------------------


def test_bots_repost_within_seconds_organic_within_minutes_to_hours(d: dict) -> None:
    bots = {a for a, r in d["role"].items() if r == "bot"}
    organic = {a for a, r in d["role"].items() if r == "organic"}
    bot_delay = np.median(_reaction_delays(d, "repost_of", bots))
    org_delay = np.median(_reaction_delays(d, "repost_of", organic))
    assert bot_delay < 60 < 5 * 60 < org_delay


def test_campaigns_repeat_coactions_over_many_objects(d: dict) -> None:
    """Each member joins many of the campaign's actions (the trace detectors look for)."""
    for c in d["campaigns"]:
        assert (
            c["n_posts"] >= 0.5 * c["n_accounts"] * c["n_actions"] * c["stealth"]["participation"]
        )
        assert (
            len(c["objects"].get("urls", []))
            + len(c["objects"].get("hashtags", []))
            + len(c["objects"].get("messages", []))
            + len(c["objects"].get("seed_posts", []))
            >= 1
        )


def test_sleepers_created_in_a_burst_then_silent_until_activation(d: dict) -> None:
    sleepers = _members(d, "sleeper_burst")
    acc = d["accounts"]
    created = {
        a: c.timestamp()
        for a, c in zip(acc["account_id"].to_pylist(), acc["created_at"].to_pylist(), strict=True)
    }
    spread = max(created[a] for a in sleepers) - min(created[a] for a in sleepers)
    assert spread <= 48 * 3600
    organic_spread = np.ptp([created[a] for a, r in d["role"].items() if r == "organic"])
    assert organic_spread > 365 * 24 * 3600
    camp = next(c for c in d["campaigns"] if c["type"] == "sleeper_burst")
    from datetime import datetime

    start = datetime.fromisoformat(camp["window"]["start"]).astimezone(UTC).timestamp()
    first = min(
        t.timestamp()
        for a, t in zip(
            d["posts"]["account_id"].to_pylist(), d["posts"]["created_at"].to_pylist(), strict=True
        )
        if a in sleepers
    )
    assert first >= start


def test_stealth_blurs_the_trace(runs: dict) -> None:
    lo, hi = runs[0.0], runs[1.0]
    bots_lo = {a for a, r in lo["role"].items() if r == "bot"}
    bots_hi = {a for a, r in hi["role"].items() if r == "bot"}
    assert np.median(_reaction_delays(hi, "repost_of", bots_hi)) > 3 * np.median(
        _reaction_delays(lo, "repost_of", bots_lo)
    )
    for c_lo, c_hi in zip(lo["campaigns"], hi["campaigns"], strict=True):
        assert c_hi["stealth"]["participation"] < c_lo["stealth"]["participation"]
        assert c_hi["stealth"]["paraphrase_rate"] > c_lo["stealth"]["paraphrase_rate"]
        share_lo = c_lo["n_ordinary_posts"] / (c_lo["n_posts"] + c_lo["n_ordinary_posts"])
        share_hi = c_hi["n_ordinary_posts"] / (c_hi["n_posts"] + c_hi["n_ordinary_posts"])
        assert share_hi > share_lo + 0.3


def test_campaign_scale_overrides_sizes(tmp_path: Path) -> None:
    generate("tiny", N, 3, tmp_path / "x2", campaign_scale=2.0, progress=False)
    camps = json.loads((tmp_path / "x2" / "campaigns.json").read_text())["campaigns"]
    sc = SCENARIOS["tiny"]
    for preset, c in zip(sc.campaigns, camps, strict=True):
        assert c["n_accounts"] == campaign_size(preset, sc, N, 2.0) >= 2 * preset.n_accounts - 1


def test_english_preset_writes_english(tmp_path: Path) -> None:
    generate("en-presidential", 30_000, 5, tmp_path / "en", progress=False)
    posts = Dataset(tmp_path / "en").posts()
    assert set(posts["lang"].to_pylist()) == {"en"}
    words = Counter(
        w for t in posts["text"].to_pylist()[:3000] for w in re.findall(r"\w+", t.lower())
    )
    assert words["the"] > 500 and words["le"] == 0
    m = json.loads((tmp_path / "en" / "manifest.json").read_text())
    assert m["period"]["end"].startswith("2028-11")


def test_naive_co_repost_counting_flags_organic_users(d: dict, tmp_path: Path) -> None:
    """Hard negatives exist: counting co-reposts within a minute, without weighing how
    popular the reposted post is, ties organic pairs together several times over."""
    import duckdb

    posts = d["posts"].select(["account_id", "repost_of", "created_at"])
    con = duckdb.connect()
    con.register("p", posts)
    rows = con.sql(
        """
        with r as (select account_id a, repost_of o, epoch_ms(created_at) ms
                   from p where repost_of is not null)
        select r1.a, r2.a, count(distinct r1.o) n
        from r r1 join r r2 on r1.o = r2.o and r1.a < r2.a and abs(r1.ms - r2.ms) <= 60000
        group by 1, 2 having count(distinct r1.o) >= 2
        """
    ).fetchall()
    organic_pairs = [n for a, b, n in rows if d["camp"][a] is None and d["camp"][b] is None]
    campaign_pairs = [
        n for a, b, n in rows if d["camp"][a] is not None and d["camp"][a] == d["camp"][b]
    ]
    assert len(organic_pairs) >= 20  # a naive "2 co-reposts" rule flags organic users
    assert np.median(campaign_pairs) > 2 * np.median(organic_pairs)  # but campaigns repeat more


def test_too_few_posts_for_the_campaigns_is_a_clear_error(tmp_path: Path) -> None:
    from vigie.errors import VigieError

    with pytest.raises(VigieError, match="use at least"):
        generate("fr-presidential", 2_000, 1, tmp_path / "small", progress=False)
    assert not (tmp_path / "small").exists()


def test_copypasta_reply_spam_lands_under_the_same_posts(d: dict) -> None:
    """Sockpuppets reply to the same candidate post within minutes (co-replies)."""
    by_target: dict[str, set[str]] = defaultdict(set)
    for a, ref, c in zip(
        d["posts"]["account_id"].to_pylist(),
        d["posts"]["reply_to"].to_pylist(),
        d["post_campaign"],
        strict=True,
    ):
        if ref is not None and c is not None:
            by_target[ref].add(a)
    cp = next(c for c in d["campaigns"] if c["type"] == "copypasta")
    targets = cp["objects"]["reply_targets"]
    assert len(targets) >= 3
    assert all(len(by_target[t]) >= 3 for t in targets)
    sockpuppets = _members(d, "copypasta")
    assert all(by_target[t] <= sockpuppets for t in targets)
