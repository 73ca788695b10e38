"""Reposts a Dataset knows by their text alone: ``RT @author: ...`` and no reposted post id.

Why: X's API wrote a retweet's text as ``RT @author: <the post's text>``, and the archives
that keep no retweet id (TAGS sheets, NodeXL, many CSV exports of tweets) keep only that.
Such a Dataset's retweets had ``repost_of`` empty: co-repost saw none of them, copypasta
skips ``RT @`` texts (someone else's words), and co-link, co-hashtag and the like counted
the links and tags a retweet carries as the account's own posts, so the fans retweeting a
popular post within minutes co-shared its link. Here each such post gets a ``repost_of``
in the engine's ``p`` (never in the Dataset): the post it names when the Dataset holds it
(``mark``: the author's handle and the text), as an id would have given it, so that the
ring test and the author's own part in co-repost see it too; else its text, the same for
every account that retweeted one post, which co-repost compares. Every other detector then
treats them as the reposts they are (those reading the Parquet beside ``p`` through
``Engine.originals_only``).

``general.text_reposts``: ``"auto"`` (the default) when no post of the Dataset names the
post it reposts (a reader that identifies reposts identifies them all: X JSON, the IO
archive); ``true`` always (a TAGS archive appended to X JSON); ``false`` never.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from vigie.detect.engine import Engine

TEXT_REPOST = r"^\s*RT @\w"
"""A retweet written as text (``RT @handle: ...``, leading spaces allowed)."""
TEXT_REPOST_HANDLE = r"^\s*RT @(\w+)"
"""The handle a text repost names (its first group)."""
_PREFIX = r"^\s*RT @\w+:?\s*"
_KEY_CHARS = 40
"""Texts are paired on their author and first 40 characters (then checked whole), a final
cut mark aside on both sides: a key that keeps the join small whatever the author's number
of posts, and the same for a post and its whole retweet even when the post ends with ``…``."""
_CUT = r"\s*(\x{2026}|\.\.\.)$"
"""How a cut text ends: X's API cut a retweet's text to 140 characters and ended it with
``…``; other tools (exports, scrapers, spreadsheets) cut at other lengths with ``...``."""


def _spaced(expr: str) -> str:
    """``expr`` trimmed with its runs of white space made one space: an export that writes a
    post's line breaks as spaces still gives the text of its retweets."""
    return rf"regexp_replace(trim({expr}), '\s+', ' ', 'g')"


def _stem(expr: str) -> str:
    """``expr`` without a final cut mark (``_CUT``)."""
    return f"regexp_replace({expr}, '{_CUT}', '')"


def mark(engine: Engine, mode: object) -> tuple[int, int]:
    """Give the text reposts of ``engine``'s ``p`` a ``repost_of`` (module doc); how many
    posts were so read, and how many of them were matched to the post they repost.

    The post a text repost names is looked for among the Dataset's own posts: one by the
    account of that handle (its ``handle`` in accounts.parquet, or its id, case aside)
    whose text is the repost's text after ``RT @handle:`` (white space aside), or begins with
    it where the retweet was cut (``…`` or ``...``), posted before it (a minute of slack);
    the latest such post (of two in the same second, the larger id: the same pick whatever
    the order of the Dataset's rows). Found, it is the ``repost_of``, as an id would have
    given it, and the ring test and the author's part in co-repost see it; not found (the
    archive holds the retweet, not the tweet), the text itself is the target."""
    if mode is False or "text" not in engine.columns:
        return 0, 0
    if mode == "auto" and engine.scalar(
        "SELECT count(*) FROM (SELECT 1 FROM p WHERE repost_of <> '' LIMIT 1)"
    ):
        return 0, 0
    is_text_repost = (
        f"(repost_of IS NULL OR repost_of = '') AND regexp_matches(text, '{TEXT_REPOST}')"
    )
    con = engine.con
    con.execute(
        f"""CREATE OR REPLACE TABLE rt_x AS
        SELECT post_id, aid, t, lower(regexp_extract(text, '{TEXT_REPOST_HANDLE}', 1)) AS h,
               {_spaced(f"regexp_replace(text, '{_PREFIX}', '')")} AS body
        FROM pr WHERE {is_text_repost}"""
    )
    n = int(engine.scalar("SELECT count(*) FROM rt_x") or 0)
    if not n:
        con.execute("DROP TABLE rt_x")
        return 0, 0
    _resolve(engine)
    matched = int(engine.scalar("SELECT count(*) FROM rt_m") or 0)
    con.execute(
        """CREATE OR REPLACE TABLE p AS
        SELECT r.post_id, r.aid, r.t, r.urls, r.hashtags,
               CASE WHEN x.post_id IS NULL THEN r.repost_of
                    ELSE coalesce(m.original, 'RT @' || x.h || ': ' || x.body) END
                   AS repost_of,
               r.reply_to, r.quote_of
        FROM pr r LEFT JOIN rt_x x ON r.post_id = x.post_id AND r.aid = x.aid
        LEFT JOIN rt_m m ON r.post_id = m.post_id AND r.aid = m.aid"""
    )
    for name in ("rt_x", "rt_h", "rt_o", "rt_m"):
        con.execute(f"DROP TABLE IF EXISTS {name}")
    return n, matched


def _resolve(engine: Engine) -> None:
    """``rt_m(post_id, aid, original)``: the text reposts of ``rt_x`` whose post is in the
    Dataset (see ``mark``)."""
    con = engine.con
    handles = "SELECT aid, lower(CAST(account_id AS VARCHAR)) AS h FROM acc"
    path = engine.dataset.accounts_path
    if has_handles(engine):
        # an account is (platform, id) where some id names two platforms' accounts (``acc``)
        import pyarrow.parquet as pq

        same = ""
        if engine.by_platform and "platform" in pq.read_schema(path).names:
            same = " AND x.platform IS NOT DISTINCT FROM a.platform"
        handles += f"""
            UNION SELECT a.aid, lower(CAST(x.handle AS VARCHAR)) AS h
            FROM read_parquet('{path.as_posix()}') x JOIN acc a
              ON CAST(x.account_id AS VARCHAR) = CAST(a.account_id AS VARCHAR){same}
            WHERE x.handle IS NOT NULL"""
    con.execute(
        f"""CREATE OR REPLACE TABLE rt_h AS
        SELECT aid, h FROM ({handles}) WHERE h IN (SELECT h FROM rt_x)"""
    )
    con.execute(
        f"""CREATE OR REPLACE TABLE rt_o AS
        SELECT post_id, t, h, body, left({_stem("body")}, {_KEY_CHARS}) AS k
        FROM (SELECT o.post_id, o.t, h.h, {_spaced("o.text")} AS body
              FROM pr o JOIN rt_h h ON o.aid = h.aid
              WHERE o.text IS NOT NULL AND NOT regexp_matches(o.text, '{TEXT_REPOST}'))"""
    )
    cut = _stem("x.body")
    con.execute(
        f"""CREATE OR REPLACE TABLE rt_m AS
        SELECT x.post_id, x.aid, arg_max(o.post_id, (o.t, o.post_id)) AS original
        FROM rt_x x JOIN rt_o o ON o.h = x.h AND o.k = left({cut}, {_KEY_CHARS})
        WHERE o.t <= x.t + 60
          AND (o.body = x.body
               OR (regexp_matches(x.body, '{_CUT}') AND starts_with(o.body, {cut})))
        GROUP BY x.post_id, x.aid"""
    )


def has_handles(engine: Engine) -> bool:
    """accounts.parquet is a local file with a ``handle`` column (a Dataset on a Hadoop
    URI, read by Spark alone, is matched on account ids only)."""
    import pyarrow.parquet as pq

    path = engine.dataset.accounts_path
    if not isinstance(path, Path) or not path.exists():
        return False
    return "handle" in pq.read_schema(path).names
