"""Co-mention: two accounts tagging (@-mentioning) the same accounts within a window, again
and again.

Why: some operations do not share a link, a text or a hashtag, only *whom they tag*.
Operation Overload (CheckFirst and Reset.Tech, 2024) had networks of fresh accounts post,
each in its own words, messages tagging dozens of newsrooms and fact-checkers at once to
bait them into "verifying" fabricated content; harassment campaigns tag the same journalist
or candidate from many accounts in waves. Magelinski, Ng and Carley's synchronized action
framework (MAISoN 2021, CMU's ``coordination-analysis``) counts a mention as an action beside
URLs and hashtags. Here the object is the mentioned handle (lower-case, without ``@``: handles
are case-insensitive on X, Mastodon and Bluesky), and the co-action engine (``coaction.py``)
does the rest: its window, its chance control (a candidate tagged by thousands raises every
tagger's expectation), its rarity weight, one co-action per pair of posts however many
handles the two posts share.

What is left out by default, and why:
- **replies** (``include_replies = false``) on the platforms that put the handles of the
  people a reply answers at its head by themselves (X, Mastodon, YouTube, Instagram, TikTok,
  VK...: all but ``OWN_REPLY_TAGS``), so a reply's mentions say whom it answers, which
  co-reply already weighs (the same post) and which an ordinary thread repeats for every
  participant. ``include_replies = true`` counts them (CooRTweet's co-reply to the same
  *user* rather than the same post). On Bluesky, Reddit, Telegram and WhatsApp a reply's
  tags are its author's own and always count;
- **reposts** (``include_reposts = false``): a repost carries its original's mentions;
- **the week scale**: two friends tagging the same small accounts over a week is a clique,
  not a campaign; mention floods come in waves of minutes, so the slow scale is the hour.
"""

from __future__ import annotations

from typing import Any

from vigie.detect.coaction import Signal, run_coaction
from vigie.detect.coamplify import account_handles
from vigie.detect.coobject import column_type, empty_rows
from vigie.detect.engine import Engine, target_key

KIND = "co_mention"
COLUMN = "mentions"
OWN_REPLY_TAGS = ("bluesky", "reddit", "telegram", "whatsapp")
"""Platforms whose replies carry no handle the platform wrote itself: a reply there tags whom
its author chose (a Bluesky facet, a Reddit ``u/``, a Telegram ``@``), so its mentions count
even when ``include_replies`` is off. X, Mastodon and its forks, YouTube, Instagram, TikTok,
Threads, VK and Facebook put the answered person's handle or name at the head of a reply."""


def detect(engine: Engine, cfg: dict[str, Any], general: dict[str, Any]) -> Signal:
    """Kept account pairs that tag the same accounts within ``cfg['window_s']``."""
    if COLUMN not in engine.columns:
        empty_rows(engine, f"raw_{KIND}")
    else:
        _mention_rows(engine, cfg)
    return run_coaction(engine, KIND, f"raw_{KIND}", cfg, general)


def _mention_rows(engine: Engine, cfg: dict[str, Any]) -> None:
    """``raw_co_mention(aid, obj, t, post_id)``: one row per handle a counted post tags."""
    select = mention_select(engine, bool(cfg["include_reposts"]), bool(cfg["include_replies"]))
    engine.con.execute(f"CREATE OR REPLACE TABLE raw_{KIND} AS {select}")


def mention_select(
    engine: Engine,
    include_reposts: bool,
    include_replies: bool,
    heads: bool = False,
    min_handles: int = 0,
) -> str:
    """A SELECT of ``(aid, obj, t, post_id)``: one row per handle a counted post tags, the
    handle lower-case without ``@`` (the module's rules for reposts and replies). With
    ``heads``, the replies whose head the platform writes are read too, with one more
    column, ``parent``: the post they answer (null for every other row), so that the head
    can be told from what the author typed (``tagged_together``). With ``min_handles``, only
    the posts listing at least that many handles (a list column; a mapped column has one
    handle a post, which no such bound needs)."""
    posts = engine.dataset.posts_path.as_posix().replace("'", "''")
    # a list of handles (the canonical schema), or one handle a post (a mapped column)
    listed = column_type(engine, COLUMN).endswith("[]")
    value = "unnest(r.mentions)" if listed else "r.mentions"
    skip = [f"AND len(r.mentions) >= {int(min_handles)}"] if listed and min_handles > 1 else []
    if not include_reposts:
        skip.append(engine.originals_only())
    parent = ""
    if not include_replies and "reply_to" in engine.columns:
        own = ", ".join(f"'{x}'" for x in OWN_REPLY_TAGS)
        platform = "lower(r.platform)" if "platform" in engine.columns else "NULL"
        written = f"r.reply_to IS NOT NULL AND NOT coalesce({platform} IN ({own}), false)"
        if heads:
            target = target_key(engine.posts_by_platform, "r.reply_to")
            parent = f", CASE WHEN {written} THEN {target} END AS parent"
        else:
            skip.append(f"AND NOT ({written})")
    elif heads:
        parent = ", CAST(NULL AS VARCHAR) AS parent"
    # the handles as one row each, read from Parquet beside the base tables (as co-media's
    # images are): the in-memory ``p`` stays as small as before for runs without mentions
    # the handle is cleaned outside the unnest (Spark allows no generator inside a function)
    more = ", parent" if heads else ""
    return f"""SELECT aid, lower(ltrim(trim(h), '@')) AS obj, t, post_id{more}
        FROM (
            SELECT a.aid, {value}::VARCHAR AS h,
                   epoch_us(r.created_at::TIMESTAMPTZ) / 1e6 AS t,
                   {engine.post_key("r.")} AS post_id{parent}
            FROM read_parquet('{posts}') r JOIN acc a {engine.acc_join()}
            WHERE r.created_at IS NOT NULL AND r.post_id IS NOT NULL
              AND r.mentions IS NOT NULL {" ".join(skip)})
        WHERE h IS NOT NULL AND ltrim(trim(h), '@') <> ''"""


TAGS_PER_POST = 20
"""Handles of one post paired by ``tagged_together`` (20 make 190 pairs); a post tagging more
is paired on the first 20 in alphabetical order."""


def tagged_together(engine: Engine, min_tags: int) -> str:
    """A SELECT of ``(aid, obj, w)``: one row per pair of handles a post tagging at least
    ``min_tags`` distinct handles of its author's tags together, ``obj`` = ``at:A B`` (the
    two lower-case, in order), ``w`` = ``2 / n`` for a post pairing ``n`` handles.

    Why pairs, and why that weight: a newsroom's handle is tagged by thousands, so no single
    handle is rare, while the same *combination* of a dozen newsrooms is the mark of one
    operation's mass tagging (CheckFirst and Reset.Tech, "Operation Overload", 2024: each
    post tags dozens of media and fact-checkers to bait them into checking a fake). A post
    tagging ``n`` handles makes ``n (n - 1) / 2`` pairs, which are not independent draws:
    weighted ``2 / n`` they weigh ``n - 1`` together, what the post says beyond its first
    handle. Reposts carry their original's tags and are left out. A reply on X, Mastodon...
    (where the platform writes the head) counts the handles its author typed: its mentions
    less those X puts in a reply by itself, the answered post's author and the handles that
    post mentions; a reply to a post the Dataset lacks cannot be told apart and is left
    out."""
    con = engine.con
    need = max(2, int(min_tags))
    # the posts listing fewer handles cannot tag ``need`` (what the author typed is among
    # them): left out while reading (at 10M posts, 3.4 s for none at all)
    rows = mention_select(engine, False, False, heads=True, min_handles=need)
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE tagged_mentions AS
        SELECT DISTINCT aid, obj, post_id, parent FROM ({rows})"""
    )
    # what the platform wrote at the head of a reply: the answered post's own mentions
    # (however many it lists) and its author's handle (where accounts.parquet has handles)
    answered = mention_select(engine, False, False, heads=True)
    heads = [
        f"""SELECT post_id AS parent, obj FROM ({answered})
        WHERE post_id IN (SELECT parent FROM tagged_mentions WHERE parent IS NOT NULL)"""
    ]
    handles = account_handles(engine)
    if handles is not None:
        heads.append(
            f"""SELECT p.post_id AS parent, lower(ltrim(trim(h.handle), '@')) AS obj
            FROM p JOIN ({handles}) h ON h.aid = p.aid
            SEMI JOIN (SELECT DISTINCT parent FROM tagged_mentions) q ON q.parent = p.post_id"""
        )
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE tagged_together_rows AS
        WITH typed AS (
            SELECT aid, obj, post_id FROM tagged_mentions WHERE parent IS NULL
            UNION ALL
            SELECT m.aid, m.obj, m.post_id FROM tagged_mentions m
            SEMI JOIN p ON p.post_id = m.parent
            ANTI JOIN ({" UNION ALL ".join(heads)}) x ON x.parent = m.parent AND x.obj = m.obj
            WHERE m.parent IS NOT NULL)
        SELECT aid, obj, post_id, least(n, {TAGS_PER_POST}) AS n FROM (
            SELECT aid, obj, post_id,
                   row_number() OVER (PARTITION BY aid, post_id ORDER BY obj) AS k,
                   count(*) OVER (PARTITION BY aid, post_id) AS n
            FROM typed)
        WHERE k <= {TAGS_PER_POST} AND n >= {need}"""
    )
    con.execute("DROP TABLE tagged_mentions")
    return """SELECT a.aid, 'at:' || a.obj || ' ' || b.obj AS obj, 2.0 / a.n AS w
        FROM tagged_together_rows a JOIN tagged_together_rows b
          ON a.aid = b.aid AND a.post_id = b.post_id AND a.obj < b.obj"""
