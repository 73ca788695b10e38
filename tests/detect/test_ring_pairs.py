"""The ring test's pair counting in NumPy against the definition, pair by pair."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from vigie.detect.corepost import _ring_tested


def _brute(rows: list[tuple], window: float, min_obs: int) -> dict:
    """Every row pair on one post within the window, from the smaller account's side."""
    pairs: dict = {}
    for x in rows:
        for y in rows:
            if x[1] != y[1] or not x[0] < y[0] or abs(x[2] - y[2]) > window:
                continue
            p = pairs.setdefault((x[0], y[0]), {"au": {}, "oid": set(), "t": []})
            p["au"][x[3]] = x[4]
            p["oid"].add(x[1])
            p["t"] += [x[2], y[2]]
    k: dict = {}
    for aid, _au in {(r[0], r[3]) for r in rows}:
        k[aid] = k.get(aid, 0) + 1
    return {
        uv: (len(p["au"]), len(p["oid"]), sum(p["au"].values()), min(p["t"]), max(p["t"]))
        + (k[uv[0]], k[uv[1]])
        for uv, p in sorted(pairs.items())
        if len(p["au"]) >= min_obs
    }


def test_ring_pairs_match_the_definition() -> None:
    rng = np.random.default_rng(5)
    window, min_obs = 3600.0, 2
    rows = []
    for oid in range(60):  # posts of a few authors, reposted by a few accounts each
        au = int(rng.integers(0, 8))
        reposters = rng.choice(30, size=int(rng.integers(2, 9)), replace=False)
        for aid in reposters:
            t = float(rng.integers(0, 4) * 1800 + rng.integers(0, 3600))
            rows.append((int(aid), oid, t, au, 10_000_000 * (au + 1)))
    rows.sort(key=lambda r: (r[1], r[2]))
    table = pa.table(
        {
            "aid": pa.array([r[0] for r in rows], pa.int32()),
            "oid": pa.array([r[1] for r in rows], pa.uint64()),
            "t": pa.array([r[2] for r in rows], pa.float64()),
            "au": pa.array([r[3] for r in rows], pa.int32()),
            "w_fx": pa.array([r[4] for r in rows], pa.int64()),
        }
    )
    k_of: dict = {}
    for aid, _au in {(r[0], r[3]) for r in rows}:
        k_of[aid] = k_of.get(aid, 0) + 1
    k = pa.table({"aid": list(k_of), "k": list(k_of.values())})
    got = _ring_tested(table, k, window, min_obs).to_pylist()
    want = _brute(rows, window, min_obs)
    assert len(want) > 20  # the draw has pairs sharing several authors
    assert [(g["u"], g["v"]) for g in got] == list(want)
    for g in got:
        obs, n_obj, w_fx, t0, t1, ku, kv = want[(g["u"], g["v"])]
        assert (g["observed"], g["n_objects"], g["ku"], g["kv"]) == (obs, n_obj, ku, kv)
        assert (g["first_t"], g["last_t"]) == (t0, t1)
        assert g["weight"] == w_fx / 1e9
