"""Text a language model writes about itself, or when it refuses: the slip that gives away
accounts run by a chatbot.

Why: an operation that has a language model write its posts publishes, now and then, the
model's own words instead of the post: "As an AI language model, I cannot...", "I'm sorry,
but I cannot fulfill this request". Yang and Menczer found the fox8 botnet of 1,140 X
accounts by searching for that very phrase ("Anatomy of an AI-powered malicious social
botnet", 2023); OpenAI's threat reports ("AI and covert influence operations", May 2024:
Bad Grammar, Doppelganger) and Meta's adversarial threat reports quote the same slips in
state-run operations' posts, in English and in the operations' other languages. A person
rarely writes it, and then as a quote or a joke: one member's slip says little, several
members of one coordinated group slipping says a model writes for them.

The phrases are the model's self-description ("as an AI language model", "en tant que
modèle de langage", "als KI-Sprachmodell", "как языковая модель", "作为一个人工智能语言模型")
and its refusals of a request or a policy ("cannot fulfill this request", "OpenAI's content
policy", "my knowledge cutoff"), written so that an ordinary sentence about AI ("as an AI
researcher", "the AI language model debate", "sorry, I can't help you") does not match
(``tests/detect/test_machine_text.py`` holds both lists). One pattern, matched
case-insensitively by DuckDB's RE2 over the members' texts only.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from vigie.detect.textreposts import TEXT_REPOST_HANDLE
from vigie.errors import VigieError

_APOS = "(?:'|\u2019)"
_PHRASES = (
    # English: the model describing itself
    r"\bas an? (?:ai|artificial intelligence)(?: language)? model\b",
    r"\bas an? (?:large )?language model\b",
    r"\bas an ai (?:assistant|chatbot)\b",
    rf"\bi(?:{_APOS}m| am) (?:an ai|a (?:large )?language model)(?: language model| assistant|"
    r" model|,|\.)",
    r"\bas an ai developed by\b",
    # English: its refusals and its makers' rules
    rf"\b(?:cannot|can{_APOS}?t|can not|am unable to|won{_APOS}t be able to) "
    r"(?:fulfill|fulfil|comply with|assist with|help with|complete) (?:this|that|your) request\b",
    rf"\bopenai{_APOS}?s? (?:content|usage|use) polic",
    r"\bmy knowledge cut-?off\b",
    r"\bas of my last (?:knowledge )?(?:update|training)\b",
    # French, German, Spanish, Portuguese, Italian
    rf"\ben tant qu(?:e |{_APOS})(?:ia|intelligence artificielle|modèle de (?:langage|langue)|"
    r"assistant (?:ia|virtuel))\b",
    r"\bals (?:ki-)?sprachmodell\b",
    r"\bals (?:eine )?(?:ki|künstliche intelligenz)(?:,| kann| bin| habe| darf)",
    r"\bcomo (?:un |una )?(?:modelo de lenguaje|inteligencia artificial,|ia,)",
    r"\bcomo (?:um )?modelo de linguagem\b",
    r"\bcome (?:un )?modello (?:di )?linguaggio\b",
    # Russian and Chinese (RE2's \b is ASCII only: no boundary asked for)
    "\u043a\u0430\u043a (?:\u044f\u0437\u044b\u043a\u043e\u0432\u0430\u044f \u043c\u043e\u0434"
    "\u0435\u043b\u044c|\u0438\u0438-\u043c\u043e\u0434\u0435\u043b\u044c|\u0438\u0441\u043a"
    "\u0443\u0441\u0441\u0442\u0432\u0435\u043d\u043d\u044b\u0439 \u0438\u043d\u0442\u0435"
    "\u043b\u043b\u0435\u043a\u0442,)",
    "\u4f5c\u4e3a(?:\u4e00\u4e2a)?(?:\u4eba\u5de5\u667a\u80fd|AI|ai)(?:\u8bed\u8a00)?\u6a21\u578b",
)
PATTERN = "(?i)(?:" + "|".join(_PHRASES) + ")"
"""All phrases as one RE2 pattern (Python's ``re`` reads it alike: the tests use both)."""


def own_text_sql(text: str, repost_of: str | None) -> str:
    """SQL: the post whose text is the expression ``text`` is in its author's own words.
    ``repost_of``: its repost column, or None when the posts have none; a repost, or a text
    "RT @x: ...", carries another account's words (the fox8 accounts of the blind scenario
    retweet each other's slips). One rule for the sign on groups (which also asks whether a
    member wrote at all) and the report's list."""
    own = f"{repost_of} IS NULL AND " if repost_of else ""
    return f"({own}NOT regexp_matches({text}, {_literal(TEXT_REPOST_HANDLE)}))"


def own_slip_sql(text: str, repost_of: str | None) -> str:
    """SQL: the post holds a slip in its own words (``own_text_sql`` and ``PATTERN``)."""
    return f"({own_text_sql(text, repost_of)} AND regexp_matches({text}, {_literal(PATTERN)}))"


def with_groups(
    rows: list[dict[str, Any]], members: Any, rename: dict[str, str] | None = None
) -> None:
    """Set each slipped account's ``group_id`` (``""`` for none) from a Findings' members
    table (``group_id``, ``account_id``, ``platform`` if any), by account and platform, else
    by account alone; ``rename``: local group ids to the ids shown (a workspace's)."""
    plats = (
        members.column("platform").to_pylist()
        if "platform" in members.column_names
        else [None] * members.num_rows
    )
    group_of: dict[tuple[str, str | None], str] = {}
    for g, a, p in zip(
        members.column("group_id").to_pylist(),
        members.column("account_id").to_pylist(),
        plats,
        strict=True,
    ):
        gid = (rename or {}).get(g, g)
        group_of.setdefault((a, p), gid)
        group_of.setdefault((a, None), gid)
    for r in rows:
        acc = r["account_id"]
        r["group_id"] = group_of.get((acc, r["platform"])) or group_of.get((acc, None)) or ""


def _literal(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


Slips = tuple[list[dict[str, Any]], int, int, int | None]
"""What ``slipped_accounts`` returns: the listed accounts, the accounts and posts that
slipped, and the posts read when none did."""


def slipped_accounts(posts: Path, limit: int) -> Slips:
    """The accounts of the posts file ``posts`` that posted a slip, most slips first (then by
    platform and id), at most ``limit``; how many accounts and posts slipped in all; and,
    when none did, how many posts were read: those with a text in their author's own words
    (``own_text_sql``; None when some slipped, as it is not counted then).

    Why the whole collection, not only the groups' members: the slip is how fox8 was found
    (a search, then the network), so an account outside every group that slipped is a lead
    for the analyst to read, and one inside a group says what wrote the group's posts. Each
    row: ``account_id``, ``platform``, ``posts`` (its slips), ``first`` (the first one's
    time), ``post_id`` and ``text`` of that first one.

    Why the count: "no post holds a slip" is a finding only where there were texts to read;
    a Dataset of ids alone (the real German sample: links and tags, no texts) or of reposts
    alone would read as clean. It costs a second read of the texts, paid only when none
    slipped."""
    import duckdb

    path = _literal(posts.as_posix())
    from vigie.progress import with_query_progress

    con = duckdb.connect(":memory:")
    con.execute("SET enable_progress_bar = false")  # DuckDB's own would print over the CLI's
    try:
        return with_query_progress(
            con,
            "reading the posts for a language model's own words",
            lambda: _slipped(con, path, limit),
        )
    except duckdb.Error as exc:  # a truncated or foreign file: one line, naming it
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise VigieError(f"{posts}: cannot read its posts' texts ({first})") from exc
    finally:
        con.close()


def _slipped(con: Any, path: str, limit: int) -> Slips:
    """``slipped_accounts`` on an open connection, ``path`` quoted for SQL."""
    cols = {r[0] for r in con.execute(f"DESCRIBE SELECT * FROM read_parquet({path})").fetchall()}
    if "text" not in cols:
        return [], 0, 0, 0
    plat = "platform::VARCHAR" if "platform" in cols else "CAST(NULL AS VARCHAR)"
    reposts = "repost_of" if "repost_of" in cols else None
    slip = own_slip_sql("text::VARCHAR", reposts)
    con.execute(
        f"""CREATE TEMP TABLE s AS
        SELECT account_id::VARCHAR AS account_id, {plat} AS platform,
               post_id::VARCHAR AS post_id, created_at, text::VARCHAR AS text
        FROM read_parquet({path})
        WHERE account_id IS NOT NULL AND {slip}"""
    )
    n_accounts, n_posts = con.execute(
        "SELECT count(DISTINCT (account_id, platform)), count(*) FROM s"
    ).fetchall()[0]
    rows = con.execute(
        """SELECT account_id, platform, count(*) AS posts,
                  min(created_at) AS first,
                  arg_min(post_id, (created_at, post_id)) AS post_id,
                  arg_min(text, (created_at, post_id)) AS text
        FROM s GROUP BY account_id, platform
        ORDER BY posts DESC, platform NULLS LAST, account_id LIMIT ?""",
        [max(int(limit), 0)],
    ).fetchall()
    names = ("account_id", "platform", "posts", "first", "post_id", "text")
    read = None
    if not n_posts:  # what was searched: the posts with a text of their author's own
        own = own_text_sql("text::VARCHAR", reposts)
        read = con.execute(
            f"""SELECT count(*) FROM read_parquet({path})
            WHERE account_id IS NOT NULL AND text::VARCHAR <> '' AND {own}"""
        ).fetchone()[0]
    listed = [dict(zip(names, r, strict=True)) for r in rows]
    return listed, int(n_accounts), int(n_posts), None if read is None else int(read)
