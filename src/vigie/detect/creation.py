"""Account-creation bursts: a supporting signal, never a group on its own.

Why supporting only: thousands of genuine accounts are created on debate night, so being
created in the same hour proves nothing by itself. But sleeper networks are registered in a
batch, left dormant, then activated together; when accounts already tied by a behavioural
signal were also created in the same unusual burst, that strengthens the case and names
DISARM T0150.001 (create inauthentic accounts).

An account was created in a burst when the window (``window_s``, a day by default) centred
on its creation holds at least ``min_accounts`` creations and far more than the windows
around it: P(Poisson(local mean) >= count) below the Bonferroni-corrected alpha. Linked
pairs of burst accounts created less than a window apart get a supporting edge.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa

from vigie.detect.chance import poisson_sf, significant
from vigie.detect.coaction import Signal
from vigie.detect.engine import Engine, fetch

KIND = "creation_burst"


@dataclass
class Bursts:
    """Every account with a creation time, sorted by it (``aid``, ``t``), and which of them
    were created in a burst (``burst``), with each one's window count (``near``), local
    expectation (``lam``) and p-value (``p``)."""

    aid: np.ndarray
    t: np.ndarray
    burst: np.ndarray
    near: np.ndarray
    lam: np.ndarray
    p: np.ndarray


def empty_edges() -> pa.Table:
    """No kept pair, in the columns every signal's edges have (this one's and the cohorts')."""
    return pa.table(
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


def window_of(cfg: dict[str, Any]) -> float:
    """The creation window in seconds (``auto``: a day)."""
    window = cfg["window_s"]
    return 86400.0 if window == "auto" else max(float(window), 1.0)


def bursts(engine: Engine, cfg: dict[str, Any], general: dict[str, Any]) -> Bursts:
    """The accounts created in a burst (module doc), by ``cfg`` (``creation_burst``'s
    settings); empty where the Dataset has no creation times."""
    window = window_of(cfg)
    none = np.zeros(0, dtype=np.int64)
    if not engine.has_accounts:
        return Bursts(none, none.astype(np.float64), none.astype(bool), none, none, none)
    created = fetch(engine.con, "SELECT aid, created FROM acc_created ORDER BY created, aid")
    aid = created.column("aid").to_numpy().astype(np.int64)
    t = created.column("created").to_numpy().astype(np.float64)
    if aid.size == 0:
        return Bursts(aid, t, np.zeros(0, dtype=bool), none, none, none)
    # creations within half a window on each side of each account's own creation, and the
    # local baseline from the ``baseline_bins`` windows around (the window itself left out)
    half, span = window / 2, window * (int(cfg["baseline_bins"]) + 0.5)
    near = np.searchsorted(t, t + half, "right") - np.searchsorted(t, t - half, "left")
    around = np.searchsorted(t, t + span, "right") - np.searchsorted(t, t - span, "left") - near
    lam = np.maximum(around / (2 * int(cfg["baseline_bins"])), 1.0 / (2 * cfg["baseline_bins"]))
    p = poisson_sf(near.astype(np.float64), lam)
    n_bins = int((t[-1] - t[0]) // window) + 1
    burst = (near >= cfg["min_accounts"]) & significant(p, general["alpha"], n_bins, "bonferroni")
    return Bursts(aid, t, burst, near, lam, p)


def detect(
    engine: Engine,
    cfg: dict[str, Any],
    general: dict[str, Any],
    linked: pa.Table,
    found: Bursts | None = None,
) -> Signal:
    """Edges between pairs of ``linked`` (u, v) created in the same burst (``found``: the
    bursts when already computed, as the creation cohorts compute them)."""
    empty = empty_edges()
    window = window_of(cfg)
    if not engine.has_accounts:
        return Signal(KIND, empty, {"window_s": window, "accounts_with_creation_time": 0})
    b = found if found is not None else bursts(engine, cfg, general)
    aid, t, burst, near, lam, p = b.aid, b.t, b.burst, b.near, b.lam, b.p
    stats: dict[str, Any] = {"window_s": window, "accounts_with_creation_time": int(aid.size)}
    if aid.size == 0:
        return Signal(KIND, empty, stats)
    n_bins = int((t[-1] - t[0]) // window) + 1
    stats.update({"bins": n_bins, "burst_accounts": int(burst.sum())})
    if not burst.any() or linked.num_rows == 0:
        stats["pairs"] = stats["kept"] = 0
        return Signal(KIND, empty, stats)
    pos = np.full(int(aid.max()) + 1, -1, dtype=np.int64)
    pos[aid] = np.arange(aid.size)
    u = linked.column("u").to_numpy().astype(np.int64)
    v = linked.column("v").to_numpy().astype(np.int64)
    pu = np.where(u < pos.size, pos[np.minimum(u, pos.size - 1)], -1)
    pv = np.where(v < pos.size, pos[np.minimum(v, pos.size - 1)], -1)
    ok = (pu >= 0) & (pv >= 0)
    ok[ok] &= burst[pu[ok]] & burst[pv[ok]] & (np.abs(t[pu[ok]] - t[pv[ok]]) <= window)
    pu, pv = pu[ok], pv[ok]
    worse = np.where(p[pu] >= p[pv], pu, pv)  # report the weaker of the two bursts
    edges = pa.table(
        {
            "u": pa.array(u[ok], pa.int32()),
            "v": pa.array(v[ok], pa.int32()),
            "weight": pa.array(np.full(pu.size, float(cfg["weight"]))),
            "observed": pa.array(near[worse], pa.int64()),
            "expected": pa.array(lam[worse], pa.float64()),
            "p_value": pa.array(p[worse], pa.float64()),
            "n_objects": pa.array(np.ones(pu.size, np.int64)),
        }
    )
    stats["pairs"] = stats["kept"] = edges.num_rows
    return Signal(KIND, edges, stats)
