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

import pyarrow.parquet as pq
import pytest

from vigie.detect.config import merge_config
from vigie.detect.pipeline import run_detection
from vigie.errors import VigieError

from .conftest import Mixed
from .scenario import as_text_archive


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
    bots = mixed.truth["bots"] - {"bot_seed"}  # the seed's own posts are not reposts
    flagged = _flagged(tmp_path / "auto")
    assert bots <= flagged
    assert _co_repost_kept(tmp_path / "auto") > 0
    # the viral cascades (300 ordinary accounts retweeting within minutes) stay out
    assert not flagged & set(mixed.organic)
    diag = _diagnosis(tmp_path / "auto")
    n_reposts = pq.read_table(mixed.dataset / "posts.parquet", columns=["repost_of"])
    assert diag["reposts_by_text"] == n_reposts.column("repost_of").drop_null().length() > 0
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
