"""Co-link: the same canonical URL shared by two accounts within a time window.

Why: coordinated link sharing (pushing an inauthentic news site, a leak archive) is the
best-documented coordinated behaviour (CooRnet, CooRTweet). URLs are already canonicalised
at ingest, so ``?utm_source=`` variants of one page meet on the same object. Reposts are left
out by default: a repost carries the original's link, and the repost itself is co-repost's
evidence, so counting it here would count one act twice.
"""

from __future__ import annotations

from typing import Any

from vigie.detect.coaction import Signal, run_coaction
from vigie.detect.engine import Engine
from vigie.detect.exploded import rows

KIND = "co_link"


def detect(engine: Engine, cfg: dict[str, Any], general: dict[str, Any]) -> Signal:
    """Kept account pairs that share the same URLs within ``cfg['window_s']``."""
    urls = rows(engine, "urls", bool(cfg["include_reposts"]))
    engine.con.execute(
        f"""CREATE OR REPLACE VIEW raw_{KIND} AS
        SELECT aid, obj, t, post_id FROM {urls} WHERE obj <> ''"""
    )
    return run_coaction(engine, KIND, f"raw_{KIND}", cfg, general)
