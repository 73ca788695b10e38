"""What folding look-alike letters costs copypasta, by the kind of text a collection holds.

Why: the fold (``vigie.detect.confusables``) runs on every non-ASCII text that holds one of
its characters, and real collections hold many: posts in Russian, Ukrainian, Greek or
Armenian (every text), emoji drawn with a variation selector (``❤️``, ``⚠️``) or joined by a
zero-width joiner. DuckDB's ``translate`` builds its map for every text, so the map's size is
paid per text. This prints, per million texts of each kind, the fold as vigie runs it (in
layers), the whole map in one ``translate`` (how it ran before), and ``lower()`` alone (the
floor every text pays anyway), with the ratios::

    .venv/bin/python benchmarks/fold.py              # 100,000 texts of each kind
    .venv/bin/python benchmarks/fold.py --texts 20000

Figures are printed, never asserted; both ways fold every text to the same string (checked).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from vigie.detect.confusables import FOLD_FROM, FOLD_TO, GATE, fold_sql  # noqa: E402

KINDS = {
    "French, no emoji": "le débat de ce soir était vraiment intéressant, à suivre demain {i}",
    "French with ❤️": "le débat ❤️ de ce soir était vraiment intéressant, à suivre demain {i}",
    "Russian": "дебаты сегодня вечером были очень интересными, продолжение завтра {i}",
    "Greek": "η συζήτηση απόψε ήταν πολύ ενδιαφέρουσα, συνέχεια αύριο {i}",
    "styled letters (an evasion)": "𝐯𝐨𝐭𝐞 for him, the 𝐞𝐥𝐞𝐜𝐭𝐢𝐨𝐧 is rigged {i}",
}


def one_map(s: str) -> str:
    """The fold as one ``translate`` of the whole map (vigie before the layers)."""
    return (
        f"CASE WHEN strlen({s}) <> length({s}) AND regexp_matches({s}, '{GATE}') "
        f"THEN translate({s}, '{FOLD_FROM}', '{FOLD_TO}') ELSE {s} END"
    )


def _seconds(con: duckdb.DuckDBPyConnection, expr: str) -> float:
    t = time.perf_counter()
    con.execute(f"SELECT sum(strlen({expr})) FROM t").fetchall()
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--texts", type=int, default=100_000, help="texts of each kind")
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    con = duckdb.connect()
    con.execute(f"SET threads = {args.threads}")
    per_m = 1e6 / args.texts
    print(f"{args.texts:,} texts of each kind, {args.threads} threads; seconds per million texts")
    head = ("texts", "lower()", "layers", "one map", "layers/floor", "one map/layers")
    print(f"{head[0]:<30}{head[1]:>9}{head[2]:>9}{head[3]:>9}{head[4]:>14}{head[5]:>16}")
    for name, template in KINDS.items():
        con.execute("DROP TABLE IF EXISTS t")
        con.execute(
            "CREATE TABLE t AS SELECT lower(replace(?, '{i}', i::VARCHAR)) AS s FROM range(?) r(i)",
            [template, args.texts],
        )
        differ = con.execute(f"SELECT count(*) FROM t WHERE {fold_sql('s')} <> {one_map('s')}")
        assert differ.fetchone()[0] == 0, name  # the layers fold as the one map does
        floor = _seconds(con, "lower(s)") * per_m
        layers = _seconds(con, fold_sql("s")) * per_m
        whole = _seconds(con, one_map("s")) * per_m
        print(
            f"{name:<30}{floor:>9.2f}{layers:>9.2f}{whole:>9.2f}"
            f"{layers / max(floor, 1e-9):>13.1f}x{whole / max(layers, 1e-9):>15.1f}x"
        )


if __name__ == "__main__":
    main()
