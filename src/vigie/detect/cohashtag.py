"""Co-hashtag: the same hashtag used by two accounts within a window, weighted by rarity.

Why: hashtag flooding pushes a tag into trends by many accounts posting it together. Common
tags (#election) are used by everyone all the time: their rarity weight is near zero and the
chance control expects many chance co-uses; a rare tag used again and again by the same
accounts within seconds is what stands out. Hashtags are compared lower-case without ``#``.
"""

from __future__ import annotations

from typing import Any

from vigie.detect.coaction import Signal, run_coaction
from vigie.detect.engine import Engine

KIND = "co_hashtag"


def detect(engine: Engine, cfg: dict[str, Any], general: dict[str, Any]) -> Signal:
    """Kept account pairs that use the same hashtags within ``cfg['window_s']``."""
    repost = "" if cfg["include_reposts"] else "AND repost_of IS NULL"
    engine.con.execute(
        f"""CREATE OR REPLACE VIEW raw_{KIND} AS
        SELECT aid, lower(ltrim(obj, '#')) AS obj, t, post_id FROM (
            SELECT aid, unnest(hashtags) AS obj, t, post_id FROM p
            WHERE hashtags IS NOT NULL AND len(hashtags) > 0 {repost})
        WHERE obj IS NOT NULL AND ltrim(obj, '#') <> ''"""
    )
    return run_coaction(engine, KIND, f"raw_{KIND}", cfg, general)
