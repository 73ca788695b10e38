"""Account-creation bursts: a supporting signal, never a group on its own.

Why supporting only: thousands of genuine accounts are created on debate night, so being
created in the same hour proves nothing by itself. But sleeper networks are registered in a
batch, left dormant, then activated together; when accounts already tied by a behavioural
signal were also created in the same unusual burst, that strengthens the case and names
DISARM T0150.001 (create inauthentic accounts).

A window (``window_s``, a day by default) beginning at an account's creation holds a burst
when it holds at least ``min_accounts`` creations and far more than the windows around it:
P(Poisson(local mean) >= count) below alpha corrected (Bonferroni) over the windows tested,
one per account (or per day, if more). Every account created
inside such a window was created in the burst. This is a scan statistic (Naus 1965;
Kulldorff's scan, 1997): the windows that begin at each creation include the fullest of all
windows, and the cluster they find is assigned whole. Testing instead the window centred on
each account's own creation missed a batch's edges: of the #MacronLeaks amplifiers (two
batches registered over four days each), those of each batch's first and last hours have
half of it in their own window, and a batch whose first accounts come a few hours before the
rest lost them all. Such an account reports the window it lies in that begins last (its
count, expectation and p-value).

The baseline is the mean over ``baseline_bins`` windows on each side, which a burst among
them inflates: two batches a fortnight apart (as #MacronLeaks' were) each raised the other's
expectation, and a batch's own days outside the window raised it too, so the first day and a
half of a batch of 75 failed the test. So the scan runs twice: the accounts of the bursts the
first finds, and the time their windows cover, leave the baseline of the second (the usual
re-estimation of a background with its outliers set aside); an account in a burst of the
first stays in one (with the first's figures where the second does not find it). The
baseline's rate is taken over the time it covers within the creations' range: at
the first and last creations it has one side only, and dividing its count as if both were
there halved the expectation (a false burst at each end of the range: 99 of 100 steady
random draws of forty sign-ups a day had one). Windows are half-open, so creation dates
given to the day (as Information Operations archives give them) count one day per window,
not two. Linked pairs of burst accounts created less than a window apart get a supporting
edge.
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
    n_bins = int((t[-1] - t[0]) // window) + 1
    first, starts = _scan(aid, t, window, cfg, general, n_bins)
    if starts.size == 0:
        return first
    # the bursts found leave the baseline, accounts and time, and the windows are tested
    # again (module doc)
    aside = (~first.burst, _Covered(t[starts], window, _end(t)))
    second = _scan(aid, t, window, cfg, general, n_bins, aside)[0]
    kept = first.burst & ~second.burst  # a burst of the first scan stays one
    if not kept.any():
        return second
    near, lam, p = (
        np.where(kept, x, y)
        for x, y in zip(
            (first.near, first.lam, first.p), (second.near, second.lam, second.p), strict=True
        )
    )
    return Bursts(aid, t, first.burst | second.burst, near, lam, p)


def _end(t: np.ndarray) -> float:
    """Just after the last creation: the end of the half-open range holding them all."""
    return float(np.nextafter(t[-1], np.inf))


class _Covered:
    """The time covered by the union of windows ``[start, start + window)`` (cut at
    ``end``), measured between any two instants."""

    def __init__(self, starts: np.ndarray, window: float, end: float) -> None:
        ends = np.minimum(starts + window, end)
        reach = np.maximum.accumulate(ends)
        new = np.ones(starts.size, dtype=bool)
        new[1:] = starts[1:] > reach[:-1]
        group = np.cumsum(new) - 1
        self.lo = starts[new]
        self.hi = np.zeros(self.lo.size)
        np.maximum.at(self.hi, group, ends)
        self.before = np.concatenate([[0.0], np.cumsum(self.hi - self.lo)])

    def upto(self, x: np.ndarray) -> np.ndarray:
        """Covered time before each ``x``."""
        k = np.searchsorted(self.lo, x, "right") - 1
        kk = np.maximum(k, 0)
        inside = np.clip(x - self.lo[kk], 0.0, self.hi[kk] - self.lo[kk])
        return np.where(k >= 0, self.before[kk] + inside, 0.0)

    def between(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return self.upto(b) - self.upto(a)


def _scan(
    aid: np.ndarray,
    t: np.ndarray,
    window: float,
    cfg: dict[str, Any],
    general: dict[str, Any],
    n_bins: int,
    aside: tuple[np.ndarray, _Covered] | None = None,
) -> tuple[Bursts, np.ndarray]:
    """One scan (module doc): the creations in the window beginning at each account's
    creation against the local baseline, the rate over the ``baseline_bins`` windows on
    each side that lie within the creations' range (the window itself left out, and the
    accounts and time of ``aside``'s bursts when given); each account is then in the
    passing window that begins last at or before its creation, if any. Also returns the
    passing windows' first accounts."""
    bins = int(cfg["baseline_bins"])
    # every interval is half-open, [from, to): creation dates given to the day (as
    # Information Operations archives give them) put a day's creations at one instant, and
    # a window closed at both ends would count two days as one
    first, end = float(t[0]), _end(t)
    lo, hi = np.searchsorted(t, t, "left"), np.searchsorted(t, t + window, "left")
    near = hi - lo
    own_end = np.minimum(t + window, end)
    a0 = np.maximum(t - window * bins, first)
    a1 = np.minimum(t + window * (bins + 1), end)
    lo_a, hi_a = np.searchsorted(t, a0, "left"), np.searchsorted(t, a1, "left")
    # the baseline's time: at the first or last creations it has one side only, and a
    # rate taken as if both were there halved the expectation (a false burst at each end)
    length = (a1 - a0) - (own_end - t)
    if aside is None:
        around = hi_a - lo_a - near
    else:
        quiet, covered = aside
        counted = np.concatenate([[0], np.cumsum(quiet, dtype=np.int64)])
        around = counted[hi_a] - counted[lo_a] - (counted[hi] - counted[lo])
        length = length - (covered.between(a0, a1) - covered.between(t, own_end))
    lam = np.maximum(around * window / np.maximum(length, window), 1.0 / (2 * bins))
    p = poisson_sf(near.astype(np.float64), lam)
    passed = (near >= cfg["min_accounts"]) & significant(p, general["alpha"], n_bins, "bonferroni")
    starts = np.flatnonzero(passed)
    if starts.size == 0:
        return Bursts(aid, t, passed, near, lam, p), starts
    last = np.searchsorted(t[starts], t, "right") - 1
    src = starts[np.maximum(last, 0)]
    burst = (last >= 0) & (t < t[src] + window)
    near, lam, p = (np.where(burst, x[src], x) for x in (near, lam, p))
    return Bursts(aid, t, burst, near, lam, p), starts


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
