"""Account-creation bursts: a supporting signal, never a group on its own.

Why supporting only: thousands of genuine accounts are created on debate night, so being
created in the same hour proves nothing by itself. But sleeper networks are registered in a
batch, left dormant, then activated together; when accounts already tied by a behavioural
signal were also created in the same unusual burst, that strengthens the case and names
DISARM T0150.001 (create inauthentic accounts).

A burst is a creation bin (``window_s`` wide) holding at least ``min_accounts`` creations
and far more than the average bin: P(Poisson(mean) >= count) below the corrected alpha.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa

from vigie.detect.chance import poisson_sf, significant
from vigie.detect.coaction import Signal
from vigie.detect.engine import Engine, fetch

KIND = "creation_burst"


def detect(
    engine: Engine,
    cfg: dict[str, Any],
    general: dict[str, Any],
    linked: pa.Table,
) -> Signal:
    """Edges between pairs of ``linked`` (u, v) created in the same burst."""
    empty = pa.table(
        {
            "u": pa.array([], pa.int32()),
            "v": pa.array([], pa.int32()),
            "weight": pa.array([], pa.float64()),
            "observed": pa.array([], pa.int64()),
            "expected": pa.array([], pa.float64()),
            "p_value": pa.array([], pa.float64()),
            "n_objects": pa.array([], pa.int64()),
        }
    )
    window = cfg["window_s"]
    window = 3600.0 if window == "auto" else max(float(window), 1.0)
    if not engine.has_accounts:
        return Signal(KIND, empty, {"window_s": window, "accounts_with_creation_time": 0})
    con = engine.con
    bins = fetch(
        con,
        f"""SELECT floor(created / {window})::BIGINT AS b, count(*) AS c
        FROM acc_created GROUP BY b ORDER BY b""",
    )
    n_known = int(engine.scalar("SELECT count(*) FROM acc_created"))
    stats: dict[str, Any] = {"window_s": window, "accounts_with_creation_time": n_known}
    if bins.num_rows == 0:
        return Signal(KIND, empty, stats)
    b = bins.column("b").to_numpy()
    c = bins.column("c").to_numpy().astype(np.float64)
    span = float(b.max() - b.min() + 1)
    lam = c.sum() / span
    p = poisson_sf(c, np.full(c.size, lam))
    burst = (c >= cfg["min_accounts"]) & significant(p, general["alpha"], int(span), "bonferroni")
    stats.update({"bins": int(span), "mean_per_bin": round(lam, 6), "bursts": int(burst.sum())})
    if not burst.any() or linked.num_rows == 0:
        stats["pairs"] = stats["kept"] = 0
        return Signal(KIND, empty, stats)
    con.register(
        "cb_bursts",
        pa.table({"b": b[burst], "c": c[burst].astype(np.int64), "p": p[burst]}),
    )
    con.register("cb_linked", linked.select(["u", "v"]))
    edges = fetch(
        con,
        f"""WITH ab AS (
            SELECT a.aid, floor(a.created / {window})::BIGINT AS b FROM acc_created a)
        SELECT l.u, l.v, {float(cfg["weight"])}::DOUBLE AS weight, k.c::BIGINT AS observed,
               {lam}::DOUBLE AS expected, k.p AS p_value, 1::BIGINT AS n_objects
        FROM (SELECT DISTINCT u, v FROM cb_linked) l
        JOIN ab x ON x.aid = l.u JOIN ab y ON y.aid = l.v AND y.b = x.b
        JOIN cb_bursts k ON k.b = x.b
        ORDER BY l.u, l.v""",
    )
    con.unregister("cb_bursts")
    con.unregister("cb_linked")
    stats["burst_accounts"] = int(c[burst].sum())
    stats["pairs"] = stats["kept"] = edges.num_rows
    return Signal(KIND, edges.cast(empty.schema), stats)
