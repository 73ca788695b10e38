"""Mentions read from a text keep the dots of Instagram, Threads and TikTok user names.

Why it matters: these platforms' user names hold dots (``@civic.anna``), X's do not. Read by
X's rule, ``@civic.anna`` and ``@civic.bot`` were one mention, ``civic``: co-mention evidence
joined strangers, and the mention named nobody the analyst could look up.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ingest.helpers import posts_by_id
from vigie.ingest import ingest
from vigie.ingest.records import text_post
from vigie.ingest.urls import dotted_mentions_in_text

TEXT = "Merci @Civic.Anna et @civic.bot, écrivez à vote@mairie.fr ou @jean_m. @x"


@pytest.mark.parametrize("platform", ["instagram", "threads", "tiktok"])
def test_dotted_platforms_keep_the_dots(platform: str) -> None:
    post = text_post(platform, "p1", "a1", "2024-05-01T10:00:00Z", TEXT)
    assert post["mentions"] == ["civic.anna", "civic.bot", "jean_m", "x"]


def test_youtube_handles_keep_dots_and_dashes() -> None:
    """YouTube's handles hold dots and dashes too, and are 3 to 30 characters long
    (``@x`` names nobody)."""
    post = text_post("youtube", "p1", "a1", "2024-05-01T10:00:00Z", TEXT + " @le-media.fr")
    assert post["mentions"] == ["civic.anna", "civic.bot", "jean_m", "le-media.fr"]


@pytest.mark.parametrize("platform", ["x", "facebook"])
def test_other_platforms_keep_their_rule(platform: str) -> None:
    post = text_post(platform, "p1", "a1", "2024-05-01T10:00:00Z", TEXT)
    assert "civic.anna" not in post["mentions"]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("@anna.", ["anna"]),  # a sentence's closing dot
        ("mail me: anna@example.org", []),  # an e-mail address
        ("@" + "a" * 31, []),  # longer than any user name
        ("@a..b @A..B", ["a..b"]),  # distinct, lower-case
        ("", []),
        (None, []),
    ],
)
def test_rule_edges(text: str | None, names: list[str]) -> None:
    assert dotted_mentions_in_text(text) == names


def test_zeeschuimer_instagram_caption(tmp_path: Path) -> None:
    item = {
        "item_id": "C0abcDEFghi",
        "timestamp_collected": 1700000500000,
        "source_platform": "instagram.com",
        "source_platform_url": "https://www.instagram.com/",
        "data": {
            "code": "C0abcDEFghi",
            "taken_at": 1700467200,
            "caption": {"text": TEXT},
            "user": {"pk": "5500001", "username": "someone"},
        },
    }
    src = tmp_path / "zee.ndjson"
    src.write_text(json.dumps(item) + "\n", encoding="utf-8")
    ingest([src], tmp_path / "ds")
    post = posts_by_id(tmp_path / "ds")["C0abcDEFghi"]
    assert post["mentions"] == ["civic.anna", "civic.bot", "jean_m", "x"]
