"""Co-object: co-action on any column of posts.parquet an analyst names.

Why: platforms and collections carry objects vigie has no detector for (a sticker id, a
petition id, a music track, a Telegram forward source, a custom column kept by ingest's
``--map``). Coordination on them looks the same as on links: the same rare object acted on
by the same accounts within a window, again and again. This module turns one named column
(a list of strings or a single value per post) into co-actions for the shared engine
(``coaction.py``), with the same chance control and rarity weighting as every other kind.

It also gives the co-media and co-domain detectors their input: ``column_rows`` reads any
column straight from Parquet, beside the base tables, so the engine's in-memory table stays
as small as before for the columns no detector needs.
"""

from __future__ import annotations

from typing import Any

from vigie.detect.coaction import Signal, run_coaction
from vigie.detect.engine import Engine
from vigie.errors import VigieError

KIND = "co_object"


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def column_type(engine: Engine, column: str) -> str:
    """DuckDB type of ``column`` in posts.parquet (a clear error when it is missing)."""
    posts = engine.dataset.posts_path.as_posix()
    rows = engine.con.execute(f"DESCRIBE SELECT * FROM read_parquet('{posts}')").fetchall()
    types = {r[0]: str(r[1]) for r in rows}
    if column not in types:
        known = ", ".join(sorted(types))
        raise VigieError(
            f"{engine.dataset.posts_path}: column '{column}' named in the detection config "
            f"is not in the posts (columns: {known})"
        )
    return types[column]


def empty_rows(engine: Engine, view: str) -> None:
    """Create ``view(aid, obj, t, post_id)`` with no row: the input of a detector whose
    column the Dataset lacks (the engine then finds nothing, and says so in its figures)."""
    engine.con.execute(
        f"""CREATE OR REPLACE VIEW {view} AS SELECT NULL::INTEGER AS aid, NULL::VARCHAR AS obj,
        NULL::DOUBLE AS t, NULL::VARCHAR AS post_id WHERE false"""
    )


def column_rows(
    engine: Engine, column: str, view: str, include_reposts: bool, expr: str = "obj"
) -> None:
    """Create ``view(aid, obj, t, post_id)``: one row per post and value of ``column``.

    A list column gives one row per element; a scalar column one row per post. Null and
    empty values are left out (they are no object). ``expr`` rewrites each value (SQL over
    ``obj``), e.g. ``lower(obj)``. Reposts are left out unless ``include_reposts``: a
    repost carries its original's objects, and co-repost already counts that act.
    """
    ctype = column_type(engine, column)
    posts = engine.dataset.posts_path.as_posix()
    col = f"r.{_quote(column)}"
    value = f"unnest({col})::VARCHAR" if ctype.endswith("[]") else f"{col}::VARCHAR"
    repost = "" if include_reposts else engine.originals_only()
    engine.con.execute(
        f"""CREATE OR REPLACE VIEW {view} AS
        SELECT aid, {expr} AS obj, t, post_id FROM (
            SELECT a.aid, {value} AS obj,
                   epoch_us(r.created_at::TIMESTAMPTZ) / 1e6 AS t,
                   {engine.post_key("r.")} AS post_id
            FROM read_parquet('{posts}') r JOIN acc a {engine.acc_join()}
            WHERE r.created_at IS NOT NULL AND r.post_id IS NOT NULL
              AND {col} IS NOT NULL {repost})
        WHERE obj IS NOT NULL AND trim(obj) <> ''"""
    )


def detect(engine: Engine, cfg: dict[str, Any], general: dict[str, Any]) -> Signal:
    """Kept account pairs acting on the same values of ``cfg['column']`` within the window."""
    column = str(cfg["column"]).strip()
    if not column:
        raise VigieError(
            "detection config: [co_object] is enabled but names no column "
            "(set co_object.column to a column of posts.parquet)"
        )
    expr = "lower(trim(obj))" if cfg["lowercase"] else "obj"
    column_rows(engine, column, f"raw_{KIND}", bool(cfg["include_reposts"]), expr)
    sig = run_coaction(engine, KIND, f"raw_{KIND}", cfg, general)
    sig.stats["column"] = column
    return sig
