"""Synchronised activity: accounts whose posting times coincide far beyond chance.

Why: scheduled bot accounts post in the same seconds whatever the content, which content
detectors miss when every post is different. The object is a time bin ``window_s`` wide;
two accounts posting in the same bin co-act. Busy bins (everyone posts at 20:00 on
debate night) are discounted by the same chance control as viral URLs, and accounts with
fewer than ``min_posts`` posts are not compared (too few to tell).
"""

from __future__ import annotations

from typing import Any

from vigie.detect.coaction import Signal, run_coaction
from vigie.detect.engine import Engine

KIND = "sync_activity"


def detect(engine: Engine, cfg: dict[str, Any], general: dict[str, Any]) -> Signal:
    """Kept account pairs that post in the same time bins repeatedly."""
    window = cfg["window_s"]
    width = 2.0 if window == "auto" else max(float(window), 1e-3)
    engine.con.execute(
        f"""CREATE OR REPLACE VIEW raw_{KIND} AS
        WITH busy AS (SELECT aid FROM p GROUP BY aid HAVING count(*) >= {int(cfg["min_posts"])})
        SELECT aid, 'bin:' || floor(t / {width})::BIGINT::VARCHAR AS obj, t, post_id
        FROM p SEMI JOIN busy USING (aid)"""
    )
    return run_coaction(engine, KIND, f"raw_{KIND}", dict(cfg, window_s=width), general)
