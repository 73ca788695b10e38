"""The campaign kinds written from published operations, and the authentic organic groups.

Each test checks a property the literature describes (the delays, participation, edits,
domains, hashes and languages it reports), on the generated data and its answer key, at low
and high stealth, so that a detector scored on these scenarios is scored on what the reports
describe and not on an accident of the generator.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from vigie.detect.machinetext import PATTERN as MACHINE_TEXT
from vigie.errors import VigieError
from vigie.exercise.claims import CLAIMS, LANGS
from vigie.exercise.generate import generate
from vigie.exercise.kinds import AUTHENTIC_ROLES, STEALTH_LEVELS, parse_stealth
from vigie.exercise.literature import DELAY_BOUNDS_S, REAL_OUTLETS, hamming, slip_rate
from vigie.exercise.score import score_findings
from vigie.schema import Dataset, write_findings

N = 40_000
SEED = 23


def _load(folder: Path) -> dict:
    ds = Dataset(folder)
    posts = ds.posts()
    truth = pq.read_table(folder / "truth.parquet")
    camp = pq.read_table(folder / "truth_posts.parquet").column("campaign_id").to_pylist()
    return {
        "folder": folder,
        "posts": posts,
        "rows": posts.to_pylist(),
        "accounts": {r["account_id"]: r for r in ds.accounts().to_pylist()},
        "truth": {r["account_id"]: r for r in truth.to_pylist()},
        "post_campaign": camp,
        "campaigns": json.loads((folder / "campaigns.json").read_text()),
        "claims": pq.read_table(folder / "truth_claims.parquet").to_pylist(),
    }


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    base = tmp_path_factory.mktemp("lit")
    out = {}
    for name in ("low", "high"):
        folder = base / name
        generate("literature-fr", N, SEED, folder, stealth=STEALTH_LEVELS[name], progress=False)
        out[name] = _load(folder)
    return out


def _camp(d: dict, ctype: str) -> dict:
    return next(c for c in d["campaigns"]["campaigns"] if c["type"] == ctype)


def _posts_of(d: dict, ctype: str) -> list[dict]:
    cid = _camp(d, ctype)["id"]
    return [r for r, c in zip(d["rows"], d["post_campaign"], strict=True) if c == cid]


def _by_id(d: dict) -> dict[str, dict]:
    return {r["post_id"]: r for r in d["rows"]}


def _secs(a, b) -> float:
    return (a - b).total_seconds()


def test_same_seed_same_bytes(tmp_path: Path) -> None:
    digests = []
    for k in range(2):
        generate("literature-en", 25_000, 5, tmp_path / str(k), progress=False)
        digests.append(
            {
                f.name: hashlib.sha256(f.read_bytes()).hexdigest()
                for f in sorted((tmp_path / str(k)).iterdir())
            }
        )
    assert digests[0] == digests[1]
    assert "truth_claims.parquet" in digests[0]


def test_stealth_levels_parse() -> None:
    assert parse_stealth("Medium") == 0.5
    assert parse_stealth("0.35") == 0.35
    assert parse_stealth(None) is None
    with pytest.raises(VigieError, match="--stealth"):
        parse_stealth("extreme")


def test_retweet_ring_delays_and_partial_participation(runs: dict) -> None:
    medians, shares = {}, {}
    lo, hi = DELAY_BOUNDS_S["retweet_ring"]
    for name, d in runs.items():
        posts = _posts_of(d, "retweet_ring")
        by_id = _by_id(d)
        pushes = [p for p in posts if p["repost_of"] is None]
        reposts = [p for p in posts if p["repost_of"] is not None]
        delays = np.array(
            [_secs(p["created_at"], by_id[p["repost_of"]]["created_at"]) for p in reposts]
        )
        assert delays.min() >= lo - 1 and delays.max() <= hi + 1
        medians[name] = float(np.median(delays))
        # minutes to hours: never the seconds of a bot swarm
        assert 120 <= medians[name] <= 3 * 3600
        members = {a for a, t in d["truth"].items() if t["campaign_type"] == "retweet_ring"}
        joined = Counter(p["account_id"] for p in reposts)
        share = np.array([joined[m] / len(pushes) for m in members])
        shares[name] = float(share.mean())
        assert 0.25 <= shares[name] <= 0.75  # each member joins ~30-70 % of the pushes
        assert (share < 0.95).all()  # nobody joins everything
    assert medians["high"] > medians["low"]
    assert shares["high"] < shares["low"]


def test_template_copies_are_edited_not_identical(runs: dict) -> None:
    similarity = {}
    for name, d in runs.items():
        posts = _posts_of(d, "template_astroturf")
        assert posts
        texts = [p["text"] for p in posts]
        # each copy is its own: few exact duplicates
        assert len(set(texts)) / len(texts) > 0.8
        # each copy shares most of its words with one template of campaigns.json
        templates = _camp(d, "template_astroturf")["objects"]["messages"]
        tsets = [set(t.lower().split()) for t in templates]
        best, spread = [], defaultdict(list)
        for p in posts:
            w = set(p["text"].lower().split())
            sims = [len(w & s) / len(w | s) for s in tsets]
            j = int(np.argmax(sims))
            best.append(sims[j])
            spread[j].append(p["created_at"].timestamp())
        assert np.median(best) > 0.5
        similarity[name] = float(np.mean(best))
        # copies of one template go out over hours, not within seconds
        spans = [max(v) - min(v) for v in spread.values() if len(v) >= 3]
        assert np.median(spans) > 1800
    assert similarity["high"] < similarity["low"]  # more edits when hiding harder


def test_doppelganger_lookalikes_shorteners_and_near_duplicate_images(runs: dict) -> None:
    real_all = {r for v in REAL_OUTLETS.values() for r in v}
    for name, d in runs.items():
        c = _camp(d, "doppelganger")
        obj = c["objects"]
        domains = obj["domains"]
        assert len(set(domains)) >= 2  # rotation
        for dom in domains:
            assert dom not in real_all  # a look-alike is never the real outlet
            stem = dom.split(".")[0].replace("-", "")
            assert any(stem.startswith(r.split(".")[0]) for r in obj["real_domains"])
        posts = _posts_of(d, "doppelganger")
        urls = [u for p in posts for u in p["urls"]]
        short = [u for u in urls if u.split("/")[0] in ("bit.ly", "tinyurl.com", "cutt.ly",
                                                       "t.ly", "rb.gy", "is.gd")]  # fmt: skip
        assert short and len(set(short)) == len(short)  # one short link per post
        articles = set(obj["urls"])
        for u in short:
            assert obj["redirects"][u] in articles  # every short link resolves to an article
        # screenshots: every image hash is a near-duplicate of one article's hash
        bases = obj["media"]
        dmax = 2 + round(6 * STEALTH_LEVELS[name])
        imgs = [m for p in posts for m in p["media"]]
        assert imgs
        assert all(min(hamming(m, b) for b in bases) <= dmax for m in imgs)
        assert any(m not in bases for m in imgs)  # not only exact copies
        # fresh accounts: created days to weeks before their first post
        first = defaultdict(lambda: None)
        for p in posts:
            a = p["account_id"]
            if first[a] is None or p["created_at"] < first[a]:
                first[a] = p["created_at"]
        ages = [_secs(first[a], d["accounts"][a]["created_at"]) / 86400 for a in first]
        assert max(ages) < 70 and min(ages) > 0


def test_reply_brigade_within_tens_of_minutes(runs: dict) -> None:
    for d in runs.values():
        posts = _posts_of(d, "reply_brigade")
        by_id = _by_id(d)
        assert all(p["reply_to"] is not None for p in posts)
        targets = {by_id[p["reply_to"]]["account_id"] for p in posts}
        assert len(targets) == 1  # the targeted candidate
        (target,) = targets
        assert d["truth"][target]["campaign_id"] is None
        delays = np.array(
            [_secs(p["created_at"], by_id[p["reply_to"]]["created_at"]) for p in posts]
        )
        assert delays.max() <= 90 * 60 + 1
        assert np.median(delays) < 30 * 60


def test_hashtag_hijack_rides_tags_organic_users_use(runs: dict) -> None:
    for d in runs.values():
        cid = _camp(d, "hashtag_hijack")["id"]
        trending = set(_camp(d, "hashtag_hijack")["objects"]["trending"])
        camp_n, org_n = Counter(), Counter()
        for p, c in zip(d["rows"], d["post_campaign"], strict=True):
            for h in p["hashtags"]:
                if h in trending:
                    (camp_n if c == cid else org_n)[h] += 1
        posts = _posts_of(d, "hashtag_hijack")
        assert all(set(p["hashtags"]) & trending for p in posts)
        assert sum(org_n.values()) > sum(camp_n.values())  # the tags are genuinely popular


def test_slow_sleepers_touch_rare_objects_days_apart(runs: dict) -> None:
    for d in runs.values():
        obj = _camp(d, "slow_sleepers")["objects"]
        rare = set(obj["urls"]) | set(obj["hashtags"])
        members = {a for a, t in d["truth"].items() if t["campaign_type"] == "slow_sleepers"}
        touches = defaultdict(list)
        for p in d["rows"]:
            for o in [*p["urls"], *p["hashtags"]]:
                if o in rare:
                    touches[o].append(p)
        gaps = []
        for ps in touches.values():
            assert {p["account_id"] for p in ps} <= members  # only the sleepers touch them
            assert len({p["account_id"] for p in ps}) >= 2
            ts = sorted(p["created_at"].timestamp() for p in ps)
            gaps.extend(np.diff(ts))
        gaps = np.array(gaps)
        assert gaps.min() >= 3600  # never a burst
        assert np.median(gaps) >= 12 * 3600  # days apart, not minutes
        now = max(p["created_at"] for p in d["rows"])
        ages = [_secs(now, d["accounts"][a]["created_at"]) / 86400 / 365 for a in members]
        assert min(ages) >= 1.9  # aged accounts


def test_paraphrases_share_claim_id_but_not_words(runs: dict) -> None:
    for d in runs.values():
        claims = d["claims"]
        cid = _camp(d, "paraphrase_claims")["id"]
        assert {c["campaign_id"] for c in claims} == {cid}
        by_id = _by_id(d)
        assert {c["lang"] for c in claims} == set(LANGS)
        groups = defaultdict(list)
        for c in claims:
            p = by_id[c["post_id"]]
            assert p["lang"] == c["lang"]
            groups[c["claim_id"]].append((c["lang"], p["text"]))
        assert set(groups) <= set(CLAIMS)
        overlaps = []
        for items in groups.values():
            texts = {t for _, t in items}
            if len(items) >= 3:
                assert len(texts) >= 2  # reworded
            fr = [set(t.lower().split()) for lg, t in items if lg == "fr"]
            other = [set(t.lower().split()) for lg, t in items if lg != "fr"]
            overlaps += [len(a & b) / len(a | b) for a in fr for b in other]
        # a translation shares few words with the original (names, hashtags, emojis)
        assert np.median(overlaps) < 0.3


def test_model_written_kinds_slip_now_and_then_and_nobody_else(runs: dict) -> None:
    # the language model's own words, in the post's language, only in the two kinds a model
    # writes (Bad Grammar, Doppelganger's comments), at slip_rate of their posts
    model_written = {_camp(runs["low"], k)["id"] for k in ("reply_brigade", "paraphrase_claims")}
    for name, d in runs.items():
        slipped: Counter[str | None] = Counter()
        n_model = 0
        for r, c in zip(d["rows"], d["post_campaign"], strict=True):
            n_model += c in model_written
            if re.search(MACHINE_TEXT, r["text"] or ""):
                slipped[c] += 1
                assert c in model_written, r["text"]
                if c == _camp(d, "paraphrase_claims")["id"]:
                    head = r["text"].split()[0]
                    assert {"As": "en", "I'm": "en", "En": "fr", "Désolé,": "fr"}.get(
                        head, "de"
                    ) == r["lang"]
        rate = slip_rate(STEALTH_LEVELS[name])
        # binomial: within four standard deviations of the rate
        sd = (n_model * rate * (1 - rate)) ** 0.5
        assert abs(sum(slipped.values()) - n_model * rate) <= 4 * sd + 1, (name, slipped)
        assert sum(slipped.values()) > 0


def test_authentic_groups_are_labelled_and_not_campaigns(runs: dict) -> None:
    d = runs["low"]
    groups = d["campaigns"]["organic_groups"]
    kinds = {g["kind"] for g in groups}
    assert kinds == {"news_feed", "fandom", "follow_train", "party_network"}
    for g in groups:
        assert g["authentic"] is True
        roles = {d["truth"][a]["role"] for a in g["accounts"] if a in d["truth"]}
        assert roles <= AUTHENTIC_ROLES
        assert all(d["truth"][a]["campaign_id"] is None for a in g["accounts"] if a in d["truth"])
    # a newsroom's feeds post the outlet's link within seconds
    feed = next(g for g in groups if g["kind"] == "news_feed")
    outlet, feeds = feed["accounts"][0], set(feed["accounts"][1:])
    first = {}
    for p in d["rows"]:
        if p["account_id"] == outlet and p["urls"]:
            first.setdefault(p["urls"][0], p["created_at"])
    lags = [
        _secs(p["created_at"], first[p["urls"][0]])
        for p in d["rows"]
        if p["account_id"] in feeds and p["urls"] and p["urls"][0] in first
    ]
    assert lags and max(lags) <= 150


def test_score_reports_authentic_and_likely_authentic_fpr(runs: dict, tmp_path: Path) -> None:
    """Groups built from the answer key: a campaign, a news-feed cluster and a fandom; the
    fandom rated likely authentic. The FPR outside rated groups counts the news cluster only."""
    d = runs["low"]
    org = d["campaigns"]["organic_groups"]
    news = next(g for g in org if g["kind"] == "news_feed")["accounts"]
    fans = next(g for g in org if g["kind"] == "fandom")["accounts"]
    ring = [a for a, t in d["truth"].items() if t["campaign_type"] == "retweet_ring"]
    groups = {"g1": ring, "g2": news, "g3": fans}
    out = tmp_path / "findings"
    write_findings(
        out,
        groups=[
            {"group_id": g, "score": 0.5, "n_members": len(m), "signals": ["co_link"]}
            for g, m in groups.items()
        ],
        members=[
            {"group_id": g, "account_id": a, "platform": "x"} for g, m in groups.items() for a in m
        ],
        edges=[],
        evidence=[],
    )
    truth = d["folder"] / "truth.parquet"
    rep = score_findings(out, truth)
    organic = sum(1 for t in d["truth"].values() if t["campaign_id"] is None)
    assert not rep.likely_authentic_known
    assert rep.organic_flagged == len(news) + len(fans)
    assert rep.organic_fpr_not_authentic == rep.organic_fpr
    assert rep.authentic_flagged == len(news) + len(fans)
    gt = pq.read_table(out / "groups.parquet")
    flags = pa.array([g == "g3" for g in gt.column("group_id").to_pylist()])
    if "likely_authentic" in gt.column_names:  # the schema carries it (null: not rated)
        gt = gt.drop_columns(["likely_authentic"])
    pq.write_table(gt.append_column("likely_authentic", flags), out / "groups.parquet")
    rep = score_findings(out, truth)
    assert rep.likely_authentic_known and rep.groups_likely_authentic == 1
    assert rep.organic_flagged_not_authentic == len(news)
    assert rep.organic_fpr_not_authentic == pytest.approx(len(news) / organic)
    assert rep.recall == pytest.approx(len(ring) / sum(
        1 for t in d["truth"].values() if t["campaign_id"] is not None))  # fmt: skip


def test_existing_presets_have_no_literature_files(tmp_path: Path) -> None:
    generate("tiny", 20_000, 1, tmp_path / "t", progress=False)
    assert not (tmp_path / "t" / "truth_claims.parquet").exists()
    camps = json.loads((tmp_path / "t" / "campaigns.json").read_text())
    assert "organic_groups" not in camps
    lang = pq.read_table(tmp_path / "t" / "posts.parquet", columns=["lang"]).column("lang")
    assert pc.all(pc.equal(lang, "fr")).as_py()


def test_cli_stealth_levels_and_help(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    from typer.testing import CliRunner

    from vigie.cli import app, main

    out = tmp_path / "cli"
    args = ["generate", "--scenario", "literature-en", "--posts", "25000", "--seed", "2"]
    res = CliRunner().invoke(app, [*args, "--stealth", "high", "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert Dataset(out).manifest()["stealth"] == STEALTH_LEVELS["high"]
    camps = json.loads((out / "campaigns.json").read_text())["campaigns"]
    assert all(c["stealth"]["stealth"] == 0.8 for c in camps)
    helptext = CliRunner().invoke(app, ["generate", "--help"], terminal_width=200).output
    assert "literature-fr" in helptext and "literature-en" in helptext
    with pytest.raises(SystemExit) as exc:
        main([*args, "--stealth", "sneaky", "--out", str(tmp_path / "no")])
    assert exc.value.code == 2
    assert "--stealth" in capsys.readouterr().err
    assert not (tmp_path / "no").exists()
