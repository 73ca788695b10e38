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
from vigie.detect.exploded import rows

KIND = "co_hashtag"


def detect(engine: Engine, cfg: dict[str, Any], general: dict[str, Any]) -> Signal:
    """Kept account pairs that use the same hashtags within ``cfg['window_s']``."""
    tags = rows(engine, "hashtags", bool(cfg["include_reposts"]))  # lower-case, no '#'
    engine.con.execute(
        f"CREATE OR REPLACE VIEW raw_{KIND} AS SELECT aid, obj, t, post_id FROM {tags}"
    )
    return run_coaction(engine, KIND, f"raw_{KIND}", cfg, general)
