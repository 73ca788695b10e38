"""Reposts a Dataset knows by their text alone: ``RT @author: ...`` and no reposted post id.

Why: X's API wrote a retweet's text as ``RT @author: <the post's text>``, and the archives
that keep no retweet id (TAGS sheets, NodeXL, many CSV exports of tweets) keep only that.
Such a Dataset's retweets had ``repost_of`` empty: co-repost saw none of them, copypasta
skips ``RT @`` texts (someone else's words), and co-link, co-hashtag and the like counted
the links and tags a retweet carries as the account's own posts, so the fans retweeting a
popular post within minutes co-shared its link. Here each such post's ``repost_of`` is, in
the engine's ``p`` (never in the Dataset), its text: every account retweeting one post
wrote the same one, so co-repost compares them, and every other detector treats them as
the reposts they are (those reading the Parquet beside ``p`` through
``Engine.originals_only``). Only the reposted post itself is unknown: the ring test and the
author's own part in co-repost, which need it, leave them out.

``general.text_reposts``: ``"auto"`` (the default) when no post of the Dataset names the
post it reposts (a reader that identifies reposts identifies them all: X JSON, the IO
archive); ``true`` always (a TAGS archive appended to X JSON); ``false`` never.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from vigie.detect.engine import Engine

TEXT_REPOST = r"^\s*RT @\w"
"""A retweet written as text (``RT @handle: ...``, leading spaces allowed)."""


def mark(engine: Engine, mode: object) -> int:
    """Give the text reposts of ``engine``'s ``p`` their text as ``repost_of`` (module doc);
    how many posts were so read."""
    if mode is False or "text" not in engine.columns:
        return 0
    if mode == "auto" and engine.scalar(
        "SELECT count(*) FROM (SELECT 1 FROM p WHERE repost_of <> '' LIMIT 1)"
    ):
        return 0
    is_text_repost = (
        f"(repost_of IS NULL OR repost_of = '') AND regexp_matches(text, '{TEXT_REPOST}')"
    )
    n = int(engine.scalar(f"SELECT count(*) FROM pr WHERE {is_text_repost}") or 0)
    if n:
        engine.con.execute(
            f"""CREATE OR REPLACE TABLE p AS
            SELECT post_id, aid, t, urls, hashtags,
                   CASE WHEN {is_text_repost} THEN trim(text) ELSE repost_of END AS repost_of,
                   reply_to, quote_of
            FROM pr"""
        )
    return n
