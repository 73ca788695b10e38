"""Retweets known by their text alone (``RT @x: ...``): TAGS archives, NodeXL and many CSV
exports of tweets carry no retweet id.

Why it matters: co-repost reads ``repost_of`` and copypasta skips ``RT @`` texts (someone
else's words), so such a Dataset's retweets took part in nothing, and a bot network
amplifying a seed account was invisible there. The mixed scenario is rewritten as such an
archive: every repost's target id dropped, its text ``RT @<author>: <the post's text>``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from vigie.detect.config import merge_config
from vigie.detect.pipeline import run_detection
from vigie.errors import VigieError

from .conftest import Mixed
from .scenario import as_text_archive, write_dataset


def _flagged(findings: Path) -> set[str]:
    return set(pq.read_table(findings / "members.parquet").column("account_id").to_pylist())


def _co_repost_kept(findings: Path) -> int:
    edges = pq.read_table(findings / "edges.parquet", columns=["kind"]).column("kind")
    return sum(1 for k in edges.to_pylist() if k == "co_repost")


def _diagnosis(findings: Path) -> dict:
    return json.loads((findings / "manifest.json").read_text(encoding="utf-8"))["diagnosis"]


def test_retweets_known_by_their_text_are_reposts(mixed: Mixed, tmp_path: Path) -> None:
    ds = as_text_archive(mixed.dataset, tmp_path / "tags")
    run_detection(ds, tmp_path / "auto", progress=False)
    bots = mixed.truth["bots"]  # and their seed: its posts are matched by its handle
    flagged = _flagged(tmp_path / "auto")
    assert bots <= flagged
    assert _co_repost_kept(tmp_path / "auto") > 0
    # the viral cascades (300 ordinary accounts retweeting within minutes) stay out
    assert not flagged & set(mixed.organic)
    diag = _diagnosis(tmp_path / "auto")
    n_reposts = pq.read_table(mixed.dataset / "posts.parquet", columns=["repost_of"])
    assert diag["reposts_by_text"] == n_reposts.column("repost_of").drop_null().length() > 0
    # every retweeted post is in the archive: each repost matched to its post, as an id
    assert diag["reposts_by_text_matched"] == diag["reposts_by_text"]
    assert any("read as reposts from their text alone" in line for line in diag["lines"])
    # off: the same archive's retweets are no reposts, as before
    off = {"general": {"text_reposts": False}}
    run_detection(ds, tmp_path / "off", config=off, progress=False)
    assert _co_repost_kept(tmp_path / "off") == 0
    assert not bots & _flagged(tmp_path / "off")
    assert _diagnosis(tmp_path / "off")["reposts_by_text"] == 0


def test_auto_leaves_datasets_with_repost_ids_alone(mixed: Mixed) -> None:
    """A Dataset whose reader identified reposts reads no text as one (``auto``)."""
    diag = json.loads(mixed.findings.manifest_path.read_text(encoding="utf-8"))["diagnosis"]
    assert diag["reposts_by_text"] == 0
    assert not any("from their text alone" in line for line in diag["lines"])


@pytest.mark.parametrize("bad", ["yes", 1, 0.5, ["auto"]])
def test_text_reposts_setting_is_checked(bad: object) -> None:
    with pytest.raises(VigieError, match='general.text_reposts\' must be "auto", true or'):
        merge_config({"general": {"text_reposts": bad}})


def _marked(root: Path, rows: list[tuple[str, str, int, str]]) -> tuple[Any, dict[str, Any]]:
    """``rows`` (post id, account, seconds, text) written as a Dataset at ``root`` (the
    account ``jd`` is the handle ``JaneDoe``); what ``textreposts.mark`` returns on it, and
    each post's ``repost_of`` after it."""
    import datetime as dt

    from vigie.detect import textreposts
    from vigie.detect.config import DEFAULTS
    from vigie.detect.engine import open_engine
    from vigie.schema import Dataset

    t0 = dt.datetime(2027, 3, 1, tzinfo=dt.UTC)
    posts = [
        {
            "platform": "x",
            "post_id": pid,
            "account_id": acc,
            "created_at": t0 + dt.timedelta(seconds=t),
            "text": text,
        }
        for pid, acc, t, text in rows
    ]
    accounts = [{"platform": "x", "account_id": "jd", "handle": "JaneDoe"}]
    engine = open_engine(Dataset(write_dataset(root, posts, accounts)), dict(DEFAULTS["general"]))
    try:
        counts = textreposts.mark(engine, "auto")
        return counts, dict(engine.sql("SELECT post_id, repost_of FROM p").fetchall())
    finally:
        engine.close()


def test_text_reposts_are_matched_to_their_post(tmp_path: Path) -> None:
    """Each text repost is matched to its post by the author's handle (case aside) and the
    text (white space aside): whole, or its beginning where the retweet was cut (X's ``…``,
    another tool's ``...``); the latest such post before the repost; a post the archive
    lacks leaves the text as the target."""
    long = "Le bureau de vote 12 ferme à 18h et non 20h, partagez avant dimanche " * 3
    rows = [
        ("old", "jd", 0, "Meeting ce soir"),  # an earlier post with the same text
        ("new", "jd", 100, "Meeting ce soir"),
        ("later", "jd", 900, "Meeting ce soir"),  # after the reposts: not theirs
        ("lng", "jd", 200, long.strip()),
        ("wait", "jd", 210, "Attendez\u2026"),  # a short post ending with an ellipsis
        ("r1", "o1", 300, "RT @JaneDoe: Meeting ce soir"),
        ("r2", "o2", 310, "RT @janedoe: " + long[:100] + "\u2026"),  # cut by the API
        ("r3", "o3", 320, "RT @janedoe: Not in the archive"),
        ("r4", "o4", 330, "RT @nobody: Meeting ce soir"),
        ("r5", "o5", 340, "RT @JaneDoe: Attendez\u2026"),  # whole, not cut
        ("two", "jd", 400, "Ligne un\n\nLigne deux #vote"),
        ("r6", "o6", 410, "RT @JaneDoe: " + long[:90] + "..."),  # cut by another tool
        ("r7", "o7", 420, "RT @JaneDoe: Ligne un Ligne deux #vote"),  # line breaks as spaces
        ("r8", "o8", 430, "RT @JaneDoe: Le bureau de vote 12 ferme à 18h et non 20h, part…"),
    ]
    counts, got = _marked(tmp_path / "ds", rows)
    assert counts == (8, 6)
    assert got["r1"] == "new"
    assert got["r2"] == "lng"
    assert got["r3"] == "RT @janedoe: Not in the archive"
    assert got["r4"] == "RT @nobody: Meeting ce soir"
    assert got["r5"] == "wait"
    assert got["r6"] == "lng" and got["r7"] == "two"
    assert got["r8"] == "lng"
    assert got["old"] is None and got["lng"] is None


def test_a_text_repost_of_two_posts_of_one_second_names_the_same_one_whatever_the_order(
    tmp_path: Path,
) -> None:
    """Two posts of one author with one text in the same second (a bot posting twice, or
    one post collected twice under two ids, at a clock of whole seconds) both precede the
    repost equally: the repost names the larger post id, however the Dataset's rows are
    ordered (it was whichever row the engine met first, so two runs of one Dataset could
    disagree)."""
    originals = [(f"p{i:02d}", "jd", 0, "Meeting ce soir") for i in range(12)]
    reposts = [(f"r{i}", f"o{i}", 30 + i, "RT @JaneDoe: Meeting ce soir") for i in range(3)]
    named = set()
    for k, order in enumerate((originals, originals[::-1], originals[5:] + originals[:5])):
        _, got = _marked(tmp_path / f"ds{k}", order + reposts)
        named |= {got[f"r{i}"] for i in range(3)}
    assert named == {"p11"}
