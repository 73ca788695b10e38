"""Co-repost and co-reply: the same target post reposted (or replied to) within a window.

Why: bot amplification is many accounts reposting the same posts seconds apart, over and
over; reply brigades swarm the same targets. Quotes count as reposts by default, and the
author of a reposted post takes part in its co-reposts at the time it posted it (so the seed
accounts a bot network amplifies are found with the bots). The target's id is the object.
A single viral post reposted by thousands is discounted by the chance control (see
``coaction.py``): what is kept is a pair that repeatedly acts on the same targets faster
than chance allows.
"""

from __future__ import annotations

from typing import Any

from vigie.detect.coaction import Signal, run_coaction
from vigie.detect.engine import Engine

_COLUMN = {"co_repost": "repost_of", "co_reply": "reply_to"}


def detect(engine: Engine, kind: str, cfg: dict[str, Any], general: dict[str, Any]) -> Signal:
    """Kept pairs for ``kind`` (``co_repost`` or ``co_reply``)."""
    col = _COLUMN[kind]
    target = col
    if kind == "co_repost" and cfg["include_quotes"]:
        target = "coalesce(repost_of, quote_of)"
    authors = ""
    if kind == "co_repost" and cfg["include_authors"]:
        # the author "acts" on its own post when publishing it: a seed account whose posts
        # bots repost within seconds, again and again, is tied to them like a co-reposter
        authors = f"""UNION ALL
            SELECT p.aid, p.post_id AS obj, p.t, p.post_id FROM p
            SEMI JOIN (SELECT DISTINCT {target} AS obj FROM p WHERE {target} IS NOT NULL) r
            ON p.post_id = r.obj"""
    engine.con.execute(
        f"""CREATE OR REPLACE VIEW raw_{kind} AS
        SELECT aid, {target} AS obj, t, post_id FROM p
        WHERE {target} IS NOT NULL AND {target} <> ''
        {authors}"""
    )
    return run_coaction(engine, kind, f"raw_{kind}", cfg, general)
