"""Hostile detector settings through ``vigie detect --config``: count the runs that end in a
traceback, hang or run out of memory instead of running or refusing with a message.

Why outside the suite: each run is a child process on a generated exercise (~1.5 s); a seed
of 150 runs takes ~4 minutes. The suite tests one hostile value per type of setting
(``tests/detect/test_config.py``); this draws one or two settings at random from every
section of ``vigie.detect.config.DEFAULTS`` and gives each a value of its type that is
legal but extreme: whole numbers 0 to 2**62, shares and seconds from 1e-300 to 1e300, empty
or huge lists of windows, empty or 500-character text. Each child runs under a memory cap
(``--memory-gb``, ``RLIMIT_AS``) and a time limit; a run killed by either is counted apart.
Seeded: a failing configuration is printed whole and replays with the same ``--seed``.

    .venv/bin/python benchmarks/detect_config_fuzz.py --seed 2 --runs 150
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

INTS = [0, 1, 2, 3, 2**31, 2**40, 2**62, 10**6]
FLOATS = [0.0, 1e-300, 1e-9, 0.5, 1.0, 1e12, 1e300]
LISTS: list[list[Any]] = [[], [1e-300], [1e300], [1, 2**62], [0.5] * 50]
TEXTS = ["", "auto", "x" * 500, "1KB", "0", "nan"]


def hostile(default: Any, rng: random.Random) -> Any:
    """A value of ``default``'s type, legal for TOML, chosen to be extreme."""
    if isinstance(default, bool):
        return rng.choice([True, False])
    if isinstance(default, int):
        return rng.choice(INTS)
    if isinstance(default, float):
        return rng.choice(FLOATS + INTS)
    if isinstance(default, list):
        return rng.choice(LISTS)
    return rng.choice(TEXTS)


def toml_value(v: Any) -> str:
    """``v`` written as TOML (strings through JSON's escaping, which TOML shares)."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return json.dumps(v)
    if isinstance(v, list):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    return repr(v)


def config_text(rng: random.Random, settings: list[tuple[str, str, Any]]) -> str:
    """One or two settings, each with a hostile value, as a TOML document."""
    sections: dict[str, list[str]] = {}
    for section, key, default in rng.sample(settings, rng.choice([1, 1, 2])):
        sections.setdefault(section, []).append(f"{key} = {toml_value(hostile(default, rng))}")
    return "".join(f"[{s}]\n" + "\n".join(lines) + "\n" for s, lines in sections.items())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=2)
    ap.add_argument("--runs", type=int, default=150)
    ap.add_argument("--posts", type=int, default=12_000, help="posts of the exercise")
    ap.add_argument("--timeout", type=float, default=120, help="seconds a run may take")
    ap.add_argument("--memory-gb", type=float, default=6, help="address space a run may take")
    args = ap.parse_args()

    from vigie.detect.config import DEFAULTS
    from vigie.exercise.generate import generate

    vigie = Path(sys.executable).parent / "vigie"
    cap = int(args.memory_gb * (1 << 30))
    settings = [(s, k, v) for s, d in DEFAULTS.items() for k, v in d.items()]
    rng = random.Random(args.seed)
    outcomes: Counter[str] = Counter()

    def limit() -> None:  # in the child, before it runs vigie
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    with tempfile.TemporaryDirectory(prefix="vigie-cfgfuzz-") as work:
        dataset = Path(work) / "ds"
        generate("fr-presidential", args.posts, 5, dataset, progress=False)
        for _ in range(args.runs):
            text = config_text(rng, settings)
            one_line = text.strip().replace("\n", " | ")
            with tempfile.TemporaryDirectory(dir=work) as tmp:
                cfg = Path(tmp) / "config.toml"
                cfg.write_text(text, encoding="utf-8")
                cmd = [
                    str(vigie),
                    "detect",
                    str(dataset),
                    "--out",
                    f"{tmp}/f",
                    "--config",
                    str(cfg),
                ]
                try:
                    p = subprocess.run(  # noqa: S603 - our own CLI, our own arguments
                        cmd, capture_output=True, text=True, timeout=args.timeout, preexec_fn=limit
                    )
                except subprocess.TimeoutExpired:
                    outcomes["timeout"] += 1
                    print(f"TIMEOUT ({args.timeout:g} s): {one_line}", flush=True)
                    continue
            said = (p.stderr.strip() or p.stdout.strip()).splitlines() or ["(nothing)"]
            if p.returncode == 0:
                outcomes["ran"] += 1
            elif "Traceback" in p.stderr or "Traceback" in p.stdout:
                kind = "out of memory" if "MemoryError" in p.stderr else "traceback"
                outcomes[kind] += 1
                print(f"{kind.upper()}: {one_line}\n    {said[-1][:300]}", flush=True)
            else:
                outcomes["refused"] += 1
    print(
        f"{args.runs:,} runs of vigie detect with hostile settings (seed {args.seed}): "
        f"{outcomes['ran']} ran, {outcomes['refused']} refused with a message, "
        f"{outcomes['traceback']} tracebacks, {outcomes['out of memory']} out of memory, "
        f"{outcomes['timeout']} over {args.timeout:g} s"
    )
    sys.exit(1 if outcomes["traceback"] + outcomes["out of memory"] + outcomes["timeout"] else 0)


if __name__ == "__main__":
    main()
