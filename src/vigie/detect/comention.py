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
from vigie.detect.coobject import column_type, empty_rows
from vigie.detect.engine import Engine

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
    posts = engine.dataset.posts_path.as_posix().replace("'", "''")
    # a list of handles (the canonical schema), or one handle a post (a mapped column)
    value = "unnest(r.mentions)" if column_type(engine, COLUMN).endswith("[]") else "r.mentions"
    skip = []
    if not cfg["include_reposts"]:
        skip.append(engine.originals_only())
    if not cfg["include_replies"] and "reply_to" in engine.columns:
        own = ", ".join(f"'{x}'" for x in OWN_REPLY_TAGS)
        platform = "lower(r.platform)" if "platform" in engine.columns else "NULL"
        skip.append(f"AND (r.reply_to IS NULL OR coalesce({platform} IN ({own}), false))")
    # the handles as one row each, read from Parquet beside the base tables (as co-media's
    # images are): the in-memory ``p`` stays as small as before for runs without mentions
    # the handle is cleaned outside the unnest (Spark allows no generator inside a function)
    engine.con.execute(
        f"""CREATE OR REPLACE TABLE raw_{KIND} AS
        SELECT aid, lower(ltrim(trim(h), '@')) AS obj, t, post_id FROM (
            SELECT a.aid, {value}::VARCHAR AS h,
                   epoch_us(r.created_at::TIMESTAMPTZ) / 1e6 AS t,
                   {engine.post_key("r.")} AS post_id
            FROM read_parquet('{posts}') r JOIN acc a {engine.acc_join()}
            WHERE r.created_at IS NOT NULL AND r.post_id IS NOT NULL
              AND r.mentions IS NOT NULL {" ".join(skip)})
        WHERE h IS NOT NULL AND ltrim(trim(h), '@') <> ''"""
    )
