"""Co-media: the same image (or a near-identical copy) posted by two accounts within a window.

Why: operations re-post the same meme, screenshot or fake "leak" from many accounts, often
re-encoded or resized so that byte hashes differ. The canonical ``media`` column holds one
hash per attached item; when it is a perceptual hash (pHash/dHash: 16 hex digits; PDQ: 64),
copies stay a few bits apart. Hashes within ``max_hamming`` bits (``max_hamming_pdq`` for
PDQ) are found without comparing every pair (multi-index hashing, ``nearhash.py``) and
joined into one object; any other value (an opaque or anonymised id, a URL) is compared
exactly. The co-action engine then applies the window, the chance control and the rarity
weighting: a viral meme shared by thousands over a day is not a tie; the same dozen rare
pictures posted by the same accounts within a minute, again and again, is.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from vigie.detect.coaction import Signal, run_coaction
from vigie.detect.coobject import empty_rows
from vigie.detect.engine import Engine, fetch
from vigie.detect.exploded import rows
from vigie.detect.nearhash import cluster_hashes

KIND = "co_media"
COLUMN = "media"


def detect(engine: Engine, cfg: dict[str, Any], general: dict[str, Any]) -> Signal:
    """Kept account pairs that post the same or near-identical media within the window."""
    con = engine.con
    if COLUMN not in engine.columns:
        empty_rows(engine, f"{KIND}_rows")
    else:  # trimmed values, shared with co-rare (lockstep reads them as co_media_rows)
        media = rows(engine, COLUMN, bool(cfg["include_reposts"]))
        con.execute(
            f"CREATE OR REPLACE VIEW {KIND}_rows AS SELECT aid, obj, t, post_id FROM {media}"
        )
    values = fetch(con, f"SELECT DISTINCT obj FROM {KIND}_rows ORDER BY obj").column("obj")
    vals = [str(v) for v in values.to_pylist()]
    names, n_hashes = cluster_hashes(vals, int(cfg["max_hamming"]), int(cfg["max_hamming_pdq"]))
    mapping = pa.table({"obj": pa.array(vals, pa.string()), "cid": pa.array(names, pa.string())})
    con.register(f"{KIND}_map_arrow", mapping)
    con.execute(f"CREATE OR REPLACE TEMP TABLE {KIND}_map AS SELECT * FROM {KIND}_map_arrow")
    con.unregister(f"{KIND}_map_arrow")
    con.execute(
        f"""CREATE OR REPLACE VIEW raw_{KIND} AS
        SELECT x.aid, m.cid AS obj, x.t, x.post_id
        FROM {KIND}_rows x JOIN {KIND}_map m USING (obj)"""
    )
    sig = run_coaction(engine, KIND, f"raw_{KIND}", cfg, general)
    n_objects = len(set(names))
    sig.stats.update(
        {
            "column_present": COLUMN in engine.columns,
            "distinct_media": len(vals),
            "perceptual_hashes": n_hashes,
            "media_objects": n_objects,
            "near_duplicate_media": len(vals) - n_objects,
        }
    )
    return sig
