"""Co-repost and co-reply: the same target post reposted (or replied to) within a window.

Why: bot amplification is many accounts reposting the same posts seconds apart, over and
over; reply brigades swarm the same targets. The target's id is the object. A single viral
post reposted by thousands is discounted by the chance control (see ``coaction.py``): what
is kept is a pair that repeatedly acts on the same targets faster than chance allows.
"""

from __future__ import annotations

from typing import Any

from vigie.detect.coaction import Signal, run_coaction
from vigie.detect.engine import Engine

_COLUMN = {"co_repost": "repost_of", "co_reply": "reply_to"}


def detect(engine: Engine, kind: str, cfg: dict[str, Any], general: dict[str, Any]) -> Signal:
    """Kept pairs for ``kind`` (``co_repost`` or ``co_reply``)."""
    col = _COLUMN[kind]
    engine.con.execute(
        f"""CREATE OR REPLACE VIEW raw_{kind} AS
        SELECT aid, {col} AS obj, t, post_id FROM p WHERE {col} IS NOT NULL AND {col} <> ''"""
    )
    return run_coaction(engine, kind, f"raw_{kind}", cfg, general)
