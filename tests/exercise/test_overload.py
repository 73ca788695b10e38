"""The ``mention_bombing`` kind (Operation Overload) and the ``overload-fr`` preset.

Each test checks what the CheckFirst / Reset.Tech report and its follow-ups describe: original
posts (not replies or reposts) that tag several newsrooms, fact-checkers and journalists at
once, in waves minutes apart, each in its own words and with its own media or link, by mostly
fresh accounts; and that the tagged handles are handles ordinary users tag too. Several seeds,
low and high stealth; no figure that holds for one seed only.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
from collections import Counter
from datetime import datetime
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest

from vigie.disarm import technique
from vigie.exercise import lexicon_en, lexicon_fr
from vigie.exercise.generate import generate
from vigie.exercise.kinds import LITERATURE_TECHNIQUES, STEALTH_LEVELS
from vigie.exercise.literature import DELAY_BOUNDS_S, max_mentions
from vigie.exercise.scenarios import SCENARIOS, list_scenarios
from vigie.schema import Dataset

N = 40_000
SEEDS = (11, 12, 13)
KIND = "mention_bombing"


def _load(folder: Path) -> dict:
    ds = Dataset(folder)
    rows = ds.posts().to_pylist()
    camp = pq.read_table(folder / "truth_posts.parquet").column("campaign_id").to_pylist()
    truth = pq.read_table(folder / "truth.parquet").to_pylist()
    campaigns = json.loads((folder / "campaigns.json").read_text())
    c = next(c for c in campaigns["campaigns"] if c["type"] == KIND)
    return {
        "rows": rows,
        "post_campaign": camp,
        "truth": {r["account_id"]: r for r in truth},
        "accounts": {r["account_id"]: r for r in ds.accounts().to_pylist()},
        "campaigns": campaigns,
        "camp": c,
        "posts": [r for r, k in zip(rows, camp, strict=True) if k == c["id"]],
    }


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, int], dict]:
    base = tmp_path_factory.mktemp("overload")
    out = {}
    for name in ("low", "high"):
        for seed in SEEDS:
            folder = base / f"{name}-{seed}"
            stealth = STEALTH_LEVELS[name]
            generate("overload-fr", N, seed, folder, stealth=stealth, progress=False)
            out[name, seed] = _load(folder)
    return out


def _times(posts: list[dict]) -> np.ndarray:
    return np.sort(np.array([p["created_at"].timestamp() for p in posts]))


def test_preset_is_listed_and_names_the_kind() -> None:
    sc = SCENARIOS["overload-fr"]
    assert "overload-fr" in list_scenarios()
    kinds = [c.type for c in sc.campaigns]
    assert KIND in kinds and 3 <= len(kinds) <= 4
    lit = SCENARIOS["literature-fr"]
    assert (sc.lang, sc.start, sc.end, sc.organic_extras) == (
        lit.lang,
        lit.start,
        lit.end,
        lit.organic_extras,
    )
    assert "Overload" in sc.summary() and KIND in sc.summary()


def test_techniques_exist_in_disarm() -> None:
    assert LITERATURE_TECHNIQUES[KIND] == ("T0039", "T0049")
    assert technique("T0039").name == "Bait Influencer"
    assert technique("T0049").name == "Flood Information Space"


def test_campaigns_json_and_truth_name_the_kind(runs: dict) -> None:
    for d in runs.values():
        c = d["camp"]
        assert c["techniques"] == ["T0039", "T0049"]
        assert c["roles"] == {"tagger": c["n_accounts"]}
        assert c["n_posts"] == len(d["posts"])
        members = {a for a, t in d["truth"].items() if t["campaign_id"] == c["id"]}
        assert len(members) == c["n_accounts"]
        assert all(d["truth"][a]["campaign_type"] == KIND for a in members)
        assert all(d["truth"][a]["role"] == "tagger" for a in members)
        # every member posts for the campaign, and only members do
        assert {p["account_id"] for p in d["posts"]} == members


def test_posts_are_originals_tagging_two_to_n_targets(runs: dict) -> None:
    for (name, _), d in runs.items():
        targets = set(d["camp"]["objects"]["targets"])
        assert 10 <= len(targets) <= 60  # a few dozen newsrooms, fact-checkers, journalists
        top = max_mentions(STEALTH_LEVELS[name])
        for p in d["posts"]:
            assert p["reply_to"] is None and p["repost_of"] is None and p["quote_of"] is None
            m = p["mentions"]
            assert 2 <= len(m) <= top
            assert len(set(m)) == len(m)
            assert set(m) <= targets
            for h in m:  # the text tags each handle
                assert re.search(rf"@{re.escape(h)}(?![A-Za-z0-9_])", p["text"])
            assert not p["hashtags"]


def test_targets_are_real_accounts_of_the_press(runs: dict) -> None:
    media = {h for _, h in lexicon_fr.MEDIA}
    checkers = {h for _, h in lexicon_fr.FACT_CHECKERS}
    for d in runs.values():
        targets = set(d["camp"]["objects"]["targets"])
        by_handle = Counter(a["handle"] for a in d["accounts"].values())
        for h in targets:
            assert by_handle[h] == 1  # the handle of exactly one account
        owners = {a for a, r in d["accounts"].items() if r["handle"] in targets}
        assert all(d["truth"][a]["campaign_id"] is None for a in owners)  # organic accounts
        # outlets, fact-checking desks and journalists all among them
        assert targets & media and targets & checkers and targets - media - checkers


def test_targets_are_tagged_by_ordinary_users_too(runs: dict) -> None:
    for d in runs.values():
        targets = set(d["camp"]["objects"]["targets"])
        organic_tags: Counter = Counter()
        multi = 0
        for p, c in zip(d["rows"], d["post_campaign"], strict=True):
            if c is not None or d["truth"][p["account_id"]]["campaign_id"] is not None:
                continue
            hit = set(p["mentions"]) & targets
            organic_tags.update(hit)
            if len(hit) >= 2 and p["reply_to"] is None and p["repost_of"] is None:
                multi += 1
        assert set(organic_tags) == targets  # every target tagged organically
        # more organic than campaign tags in all, and organic posts tagging several at once
        camp_tags = sum(len(p["mentions"]) for p in d["posts"])
        assert sum(organic_tags.values()) > camp_tags
        assert multi >= 0.2 * len(d["posts"])


def test_texts_media_and_links_are_the_posts_own(runs: dict) -> None:
    for d in runs.values():
        posts = d["posts"]
        texts = [p["text"] for p in posts]
        assert len(set(texts)) == len(texts)

        def words(t: str) -> set[str]:
            return set(re.sub(r"@\w+|\S+\.\S+/\S+", " ", t.lower()).split())

        ws = [words(t) for t in texts]
        sims = [len(a & b) / len(a | b) for a, b in itertools.combinations(ws, 2)]
        assert max(sims) < 0.7  # no near-duplicates for copypasta to find
        media = [m for p in posts for m in p["media"]]
        urls = [u for p in posts for u in p["urls"]]
        assert media and urls
        assert len(set(media)) == len(media) and len(set(urls)) == len(urls)
        # the request is in French or in English
        fr = set(lexicon_fr.VERIFY_REQUESTS)
        en = set(lexicon_en.VERIFY_REQUESTS)
        langs = Counter(
            "fr" if any(r in t for r in fr) else "en" if any(r in t for r in en) else "?"
            for t in texts
        )
        assert langs["?"] == 0 and langs["fr"] > 0 and langs["en"] > 0


def test_posts_come_in_bursts(runs: dict) -> None:
    for (name, _), d in runs.items():
        t = _times(d["posts"])
        near = np.array([((t > x - 600) & (t < x + 600)).sum() - 1 for x in t])
        if name == "low":
            assert np.median(near) >= 5  # many posts within minutes of each other
        assert np.median(np.diff(t)) < 600  # half the posts follow another within minutes
        first, last = t[0], t[-1]
        assert last - first > 7 * 86400  # waves over weeks, not one burst


def _waves(d: dict) -> tuple[np.ndarray, list[int]]:
    """The waves of campaigns.json (s since the epoch) and each post's wave: the latest one
    at or before it."""
    w = np.array([datetime.fromisoformat(x).timestamp() for x in d["camp"]["objects"]["waves"]])
    t = np.array([p["created_at"].timestamp() for p in d["posts"]])
    return w, (np.searchsorted(w, t, side="right") - 1).tolist()


def test_posts_follow_their_wave_within_the_bounds(runs: dict) -> None:
    hi = DELAY_BOUNDS_S[KIND][1]
    for d in runs.values():
        w, of = _waves(d)
        # a wave nobody joined is no wave: at most n_actions of them
        assert (
            np.all(np.diff(w) >= 0)
            and 0.8 * d["camp"]["n_actions"] <= len(w) <= d["camp"]["n_actions"]
        )
        t = np.array([p["created_at"].timestamp() for p in d["posts"]])
        assert min(of) >= 0
        delay = t - w[of]
        assert delay.min() >= 0 and delay.max() <= hi + 1
        # the median delay is the campaign's jitter_s (log-normal around it)
        med = d["camp"]["stealth"]["jitter_s"]
        assert med / 2 < np.median(delay) < med * 2
        # each member joins about `participation` of the waves
        part = d["camp"]["stealth"]["participation"]
        share = len(d["posts"]) / d["camp"]["n_accounts"] / d["camp"]["n_actions"]
        assert abs(share - part) < 0.1


def test_waves_tag_overlapping_subsets(runs: dict) -> None:
    for d in runs.values():
        _, of = _waves(d)
        sets = [set(p["mentions"]) for p in d["posts"]]

        def jac(a: set, b: set) -> float:
            return len(a & b) / len(a | b)

        pairs = list(itertools.combinations(range(len(sets)), 2))
        same = [jac(sets[i], sets[j]) for i, j in pairs if of[i] == of[j]]
        other = [jac(sets[i], sets[j]) for i, j in pairs if of[i] != of[j]]
        # the posts of a wave share handles more than posts of different waves, and waves
        # share handles with each other (overlapping, not disjoint, target lists)
        assert np.mean(same) > np.mean(other) > 0.02
        by_wave: dict[int, set] = {}
        for i, s in zip(of, sets, strict=True):
            by_wave.setdefault(i, set()).update(s)
        seen = Counter(h for s in by_wave.values() for h in s)
        assert sum(1 for n in seen.values() if n >= 2) >= 0.5 * len(seen)


def test_stealth_widens_delays_lowers_participation_and_handles(runs: dict) -> None:
    for seed in SEEDS:
        lo, hi = runs["low", seed], runs["high", seed]
        gap = {k: np.median(np.diff(_times(d["posts"]))) for k, d in (("low", lo), ("high", hi))}
        assert gap["high"] > gap["low"]
        per = {
            k: len(d["posts"]) / d["camp"]["n_accounts"] / d["camp"]["n_actions"]
            for k, d in (("low", lo), ("high", hi))
        }
        assert per["high"] < per["low"]  # each member joins fewer waves
        tags = {
            k: np.mean([len(p["mentions"]) for p in d["posts"]])
            for k, d in (("low", lo), ("high", hi))
        }
        assert tags["high"] < tags["low"]
        assert lo["camp"]["stealth"]["jitter_s"] < hi["camp"]["stealth"]["jitter_s"]
        assert lo["camp"]["stealth"]["participation"] > hi["camp"]["stealth"]["participation"]
    assert max_mentions(0.0) == 10 and max_mentions(1.0) == 3
    assert all(max_mentions(s) >= max_mentions(s + 0.1) for s in np.linspace(0, 0.9, 10))


def test_accounts_are_mostly_fresh(runs: dict) -> None:
    for (name, _), d in runs.items():
        first: dict[str, float] = {}
        for p in d["posts"]:
            a, t = p["account_id"], p["created_at"].timestamp()
            first[a] = min(first.get(a, t), t)
        ages = np.array(
            [(first[a] - d["accounts"][a]["created_at"].timestamp()) / 86400 for a in first]
        )
        assert ages.min() > 0
        if name == "low":
            assert np.mean(ages < 60) > 0.5  # created days to weeks before they post


def test_same_seed_same_bytes(tmp_path: Path) -> None:
    digests = []
    for k in range(2):
        generate("overload-fr", 25_000, 5, tmp_path / str(k), progress=False)
        digests.append(
            {
                f.name: hashlib.sha256(f.read_bytes()).hexdigest()
                for f in sorted((tmp_path / str(k)).iterdir())
            }
        )
    assert digests[0] == digests[1]


def test_cli_lists_the_preset() -> None:
    from typer.testing import CliRunner

    from vigie.cli import app

    res = CliRunner().invoke(app, ["generate", "--list"], terminal_width=400)
    assert res.exit_code == 0, res.output
    assert "overload-fr" in res.output and "literature-fr" in res.output


def test_press_corps_comes_with_the_kind_only() -> None:
    from vigie.exercise.organic_lit import extras_for

    assert extras_for(SCENARIOS["overload-fr"])[-1] == "press_corps"
    for name in ("literature-fr", "literature-en", "fr-presidential", "tiny"):
        assert "press_corps" not in extras_for(SCENARIOS[name])


def test_concat_lists_keeps_row_order() -> None:
    import pyarrow as pa

    from vigie.exercise.posts import concat_lists

    a = pa.array([["x"], [], ["y", "z"], []], pa.list_(pa.string()))
    b = pa.array([["p", "q"], ["r"], [], []], pa.list_(pa.string()))
    assert concat_lists(a, b).to_pylist() == [["x", "p", "q"], ["r"], ["y", "z"], []]


def test_english_election(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The kind in an English-language election: the press of the English lexicon, requests
    in English or French."""
    import dataclasses

    from vigie.exercise.scenarios import CampaignPreset

    sc = dataclasses.replace(
        SCENARIOS["literature-en"],
        name="overload-en-test",
        campaigns=(CampaignPreset(KIND, 60, 30, 0.05, 1.0, "newsrooms"),),
        organic_extras=(),
    )
    monkeypatch.setitem(SCENARIOS, sc.name, sc)
    generate(sc.name, 25_000, 3, tmp_path / "en", stealth=0.2, progress=False)
    d = _load(tmp_path / "en")
    targets = set(d["camp"]["objects"]["targets"])
    assert targets & {h for _, h in lexicon_en.MEDIA}
    assert targets & {h for _, h in lexicon_en.FACT_CHECKERS}
    for p in d["posts"]:
        assert 2 <= len(p["mentions"]) <= max_mentions(0.2) and set(p["mentions"]) <= targets
    texts = [p["text"] for p in d["posts"]]
    assert any(r in t for t in texts for r in lexicon_en.VERIFY_REQUESTS)
    assert any(r in t for t in texts for r in lexicon_fr.VERIFY_REQUESTS)
    assert "organic_groups" not in d["campaigns"]  # the press corps is no coordinated group
