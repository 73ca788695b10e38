"""Where copypasta's time goes: the detector alone, CPU and wall per part.

Why alone: in ``vigie detect`` copypasta's NumPy part (MinHash, LSH) runs in a thread beside
the other detectors, so its cost hides in theirs in the per-step timings. Run on its own
here, each part is timed: the normalisation statements (what the other detectors wait for),
the word-hash fetch, ``minhash``, ``lsh_clusters``, the co-action engine (``run_coaction``,
shared by every detector) and the statement naming the text objects::

    .venv/bin/python benchmarks/copypasta.py /tmp/bench/fr-presidential-1000000
    .venv/bin/python benchmarks/copypasta.py --posts 200000   # a generated exercise

Figures are printed, never asserted. On a shared machine CPU time is the steadier figure.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from vigie.detect import copypasta  # noqa: E402
from vigie.detect.config import load_config  # noqa: E402
from vigie.detect.engine import open_engine  # noqa: E402
from vigie.schema import Dataset  # noqa: E402

_TIMES: dict[str, list[float]] = {}


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _note(name: str, cpu: float, wall: float) -> None:
    got = _TIMES.setdefault(name, [0.0, 0.0])
    got[0] += _cpu() - cpu
    got[1] += time.perf_counter() - wall


def _timed(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    def run(*args: Any, **kwargs: Any) -> Any:
        cpu, wall = _cpu(), time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            _note(name, cpu, wall)

    return run


class _Con:
    """The engine's connection, timing copypasta's own statements by their table."""

    def __init__(self, con: Any) -> None:
        self._con = con

    def execute(self, query: str, *args: Any) -> Any:
        words = query.split()
        # copypasta's tables start with cp_; its obj_copypasta reads cp_map (the engine's
        # own first draft of that table is counted in run_coaction)
        name = next((w for w in words if w.startswith(("cp_", "obj_copypasta"))), "")
        if name == "obj_copypasta" and "cp_map" not in query:
            name = ""
        cpu, wall = _cpu(), time.perf_counter()
        try:
            return self._con.execute(query, *args)
        finally:
            if name and words[0].upper() == "CREATE":
                _note(f"sql {name}", cpu, wall)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._con, name)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dataset", nargs="?", help="a Dataset folder (else one is generated)")
    ap.add_argument("--posts", type=int, default=200_000, help="posts to generate")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="vigie-bench-cp-") as tmp:
        path = args.dataset
        if path is None:
            from vigie.exercise.generate import generate

            path = str(Path(tmp) / "ex")
            generate("fr-presidential", args.posts, 4242, path, stealth=0.3)
        cfg = load_config(None)
        engine = open_engine(Dataset(Path(path)).check(), cfg["general"])
        engine.con = _Con(engine.con)
        for name in ("minhash", "lsh_clusters", "fetch", "run_coaction"):
            setattr(copypasta, name, _timed(name, getattr(copypasta, name)))
        cpu, wall = _cpu(), time.perf_counter()
        sig = copypasta.detect(engine, cfg["copypasta"], cfg["general"])
        cpu, wall = _cpu() - cpu, time.perf_counter() - wall
        engine.close()
    st = sig.stats
    print(f"copypasta on {path}: {st['texts']} texts, {st['unique_texts']} distinct")
    print(f"{'part':<24}{'CPU s':>8}{'wall s':>8}")
    for name, (c, w) in sorted(_TIMES.items(), key=lambda x: -x[1][0]):
        print(f"{name:<24}{c:8.2f}{w:8.2f}")
    print(f"{'total':<24}{cpu:8.2f}{wall:8.2f}")


if __name__ == "__main__":
    main()
