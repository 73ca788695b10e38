"""Damaged copies of the files vigie reads beside its sources: count the tracebacks.

Why outside the suite: ``ingest_fuzz.py`` damages what ``vigie ingest`` reads and
``detect_config_fuzz.py`` the detection settings; the other files an analyst feeds vigie had
hand-picked bad cases only (``tests/risk/test_cli_errors.py``, ``tests/share``): a partner's
STIX bundle or MISP event (``vigie share import``: a partner may be careless, or hostile), an
EBIOS RM study (``vigie risk check``, ``compute``, ``report``, ``export``, ``diff``,
``evidence``), its workbook and a CISO Assistant export (``risk import-xlsx``,
``import-ciso``), a partners registry (``share partners``, ``import``, ``export``), the files
of a Dataset (``detect``, and ``ingest`` appending to it), of a Findings folder (``report``,
``score``, ``share export``, ``risk evidence``) and of a workspace (its case store and
description: ``runs``, ``decisions``, ``search``, ``triage``). Each run makes one valid copy
of each (a small ``vigie demo``, every risk template, its workbooks), then damages them: half
the time one of the ingest fuzzer's fourteen byte damages, else a YAML bomb, deep nesting, a
5,000-digit number, repeated keys, a value of another type or a cut; inside a workbook (a
zip of XML) one part is damaged so; inside a folder, one of its files. Every command runs
in-process through ``vigie.cli.main``, as the terminal runs it: an exit (0, 1 or 2, with its
message) is fine, any other exception is a traceback a user would see, and a run over
``--max-seconds`` counts as a hang. Seeded: a traceback replays with the same ``--seed``.

    .venv/bin/python benchmarks/file_fuzz.py --seed 1              # ~470 runs, ~1 min
    .venv/bin/python benchmarks/file_fuzz.py --seed 2 --per-file 40 --only bundle
"""

from __future__ import annotations

import argparse
import contextlib
import io
import random
import shutil
import sys
import tempfile
import time
import traceback
import zipfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "tests"))

BOMB = b'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + b"".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{','.join(['*' + chr(97 + i)] * 9)}]\n".encode()
    for i in range(8)
)


def structured(data: bytes, rng: random.Random) -> bytes:
    """A damage aimed at YAML and JSON readers (bombs, depth, numbers, repeated keys)."""
    kind = rng.randrange(6)
    if kind == 0:
        return BOMB
    if kind == 1:
        return b"[" * 5000 + b"]" * 5000
    if kind == 2:  # a number Python's int() refuses (over 4,300 digits)
        i = data.find(b": ", rng.randrange(len(data)))
        return data if i < 0 else data[: i + 2] + b"9" * 5000 + data[i + 2 :]
    if kind == 3:  # the first lines twice: every top-level key repeated
        head = data.split(b"\n", 8)
        return b"\n".join(head[:8] + head[:8] + head[8:])
    if kind == 4:  # a value swapped for a date, a list, a mapping or a boolean
        i = data.find(b": ", rng.randrange(len(data)))
        end = data.find(b"\n", i + 1)
        if i < 0 or end < 0:
            return data[::-1]
        new = rng.choice([b"2026-13-45", b"[1, 2]", b"{a: 1}", b"true", b"~", b"-.inf", b"''"])
        return data[: i + 2] + new + data[end:]
    return data[: rng.randrange(len(data))]  # cut anywhere


def damage(data: bytes, rng: random.Random) -> bytes:
    """One damage: half the time a byte-level one (``ingest_fuzz.damaged``), else ``structured``."""
    from ingest_fuzz import damaged

    from ingest.test_archive_fuzz import _damaged

    if rng.random() < 0.5:
        return damaged(data, rng, _damaged)
    return structured(data, rng) if data else b"{"


def damage_zip(data: bytes, rng: random.Random) -> bytes:
    """An ``.xlsx``: one XML member damaged (or, one time in five, the zip's bytes)."""
    if rng.random() < 0.2:
        raw = bytearray(data)
        if rng.random() < 0.5:
            return bytes(raw[: rng.randrange(len(raw))])
        raw[rng.randrange(len(raw))] ^= 0xFF
        return bytes(raw)
    src = zipfile.ZipFile(io.BytesIO(data))
    names = src.namelist()
    victim = rng.choice(names)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in names:
            body = src.read(name)
            dst.writestr(name, damage(body, rng) if name == victim else body)
    return out.getvalue()


class Run:
    """Runs ``vigie`` commands in-process and counts how each ended."""

    def __init__(self, max_seconds: float) -> None:
        self.max_seconds = max_seconds
        self.ends: Counter[str] = Counter()
        self.bad: list[str] = []

    def __call__(self, argv: list[str], label: str) -> None:
        from vigie.cli import main

        t = time.perf_counter()
        sink = io.StringIO()
        end = "exit 0"
        try:
            with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
                main(argv)
        except SystemExit as exc:
            end = f"exit {exc.code}"
        except BaseException:  # noqa: BLE001 - a traceback a user would see
            end = "traceback"
            self.bad.append(label)
            print(f"TRACEBACK {label}: vigie {' '.join(argv)}", flush=True)
            traceback.print_exc(limit=-8)
        took = time.perf_counter() - t
        if took > self.max_seconds:
            self.bad.append(label)
            print(f"SLOW {label}: {took:.0f} s: vigie {' '.join(argv)}", flush=True)
        self.ends[end] += 1


def setup(work: Path, run: Run) -> dict[str, Path]:
    """The valid files every damage starts from."""
    from vigie.risk.templates import TEMPLATES

    demo = work / "demo"
    run(["demo", "--out", str(demo), "--posts", "9000", "--seed", "3"], "setup demo")
    files = {
        "findings": demo / "findings",
        "truth": demo / "scenario" / "truth.parquet",
        "workspace": demo,
        "dataset": demo / "dataset",
    }
    run(
        [
            "share", "export", str(demo / "findings"), "--stix", str(work / "bundle.json"),
            "--misp", str(work / "misp.json"), "--include-unreviewed", "-w", str(demo),
            "--tlp", "GREEN",
        ],
        "setup export",
    )  # fmt: skip
    files["bundle"], files["misp"] = work / "bundle.json", work / "misp.json"
    for name in TEMPLATES:
        out = work / f"study-{name}.yaml"
        run(["risk", "new", name, "-o", str(out)], f"setup {name}")
        files[f"study-{name}"] = out
    study = files["study-election-fr"]
    run(["risk", "export", str(study), "--xlsx", str(work / "study.xlsx")], "setup xlsx")
    run(["risk", "export", str(study), "--ciso", str(work / "ciso.xlsx")], "setup ciso")
    files["xlsx"], files["ciso"] = work / "study.xlsx", work / "ciso.xlsx"
    from vigie.share.partners import example_partners_path

    files["partners"] = work / "partners.yaml"
    shutil.copy(example_partners_path(), files["partners"])
    missing = [k for k, p in files.items() if not p.exists()]
    if missing or run.bad:
        sys.exit(f"setup failed: {missing or run.bad}")
    return files


def commands(kind: str, f: Path, files: dict[str, Path], out: Path) -> list[list[str]]:
    """The commands that read a damaged file of this kind."""
    store = ["--store", str(out / "store.sqlite"), "--partners", str(files["partners"])]
    if kind in ("bundle", "misp"):
        return [["share", "import", str(f), "--from", "observatoire", *store]]
    if kind == "study":
        return [
            ["risk", "check", str(f)],
            ["risk", "compute", str(f), "--json"],
            ["risk", "report", str(f), "--html", str(out / "r.html")],
            ["risk", "export", str(f), "--xlsx", str(out / "s.xlsx")],
            ["risk", "diff", str(files["study-election-fr"]), str(f)],
            ["risk", "evidence", str(f), str(files["findings"])],
        ]
    if kind == "xlsx":
        return [["risk", "import-xlsx", str(f), "-o", str(out / "s.yaml"), "--force"]]
    if kind == "ciso":
        return [["risk", "import-ciso", str(f), "-o", str(out / "s.yaml"), "--force"]]
    if kind == "partners":
        return [
            ["share", "partners", "--partners", str(f)],
            ["share", "import", str(files["bundle"]), "--from", "observatoire",
             "--store", str(out / "store.sqlite"), "--partners", str(f)],
            ["share", "export", str(files["findings"]), "--stix", str(out / "b.json"),
             "--partner", "observatoire", "--partners", str(f), "--include-unreviewed"],
        ]  # fmt: skip
    if kind == "workspace":
        return [
            ["runs", "-w", str(f)],
            ["decisions", "-w", str(f)],
            ["search", "macron", "-w", str(f)],
            ["triage", "g0001", "-w", str(f), "--status", "confirmed", "--note", "fuzz"],
        ]
    if kind == "dataset":
        return [
            ["detect", str(f), "--out", str(out / "F")],
            ["ingest", str(ROOT / "tests/fixtures/ingest/x_v2_pages.jsonl"), "--into", str(f)],
        ]
    if kind == "findings":
        return [
            ["report", str(f), "--html", str(out / "r.html")],
            ["score", str(f), "--truth", str(files["truth"])],
            ["share", "export", str(f), "--stix", str(out / "b.json"), "--include-unreviewed"],
            ["risk", "evidence", str(files["study-election-fr"]), str(f)],
        ]
    raise ValueError(kind)


def mutants(
    files: dict[str, Path], rng: random.Random, per_file: int, only: str | None
) -> list[tuple[str, str, Callable[[Path], Path]]]:
    """(kind, label, make) for each damaged copy: ``make(folder)`` writes it, returns its path."""
    out: list[tuple[str, str, Callable[[Path], Path]]] = []
    for key, path in files.items():
        if key == "truth":
            continue
        kind = "study" if key.startswith("study-") else key
        if only and kind != only:
            continue
        for j in range(per_file):
            seed = rng.randrange(1 << 30)
            out.append((kind, f"{key} copy {j}", _maker(kind, path, seed)))
    return out


def _maker(kind: str, path: Path, seed: int) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        rng = random.Random(seed)
        if kind in ("findings", "workspace", "dataset"):  # one file of the folder damaged
            dst = folder / kind
            shutil.copytree(path, dst)
            victim = rng.choice(sorted(p for p in dst.iterdir() if p.is_file()))
            victim.write_bytes(damage(victim.read_bytes(), rng))
            return dst
        dst = folder / path.name
        data = path.read_bytes()
        dst.write_bytes(damage_zip(data, rng) if path.suffix == ".xlsx" else damage(data, rng))
        return dst

    return make


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--per-file", type=int, default=8, help="damaged copies of each file")
    ap.add_argument(
        "--only",
        choices=[
            "bundle",
            "misp",
            "study",
            "xlsx",
            "ciso",
            "partners",
            "findings",
            "workspace",
            "dataset",
        ],  # fmt: skip
        help="damage one kind of file only",
    )
    ap.add_argument("--max-seconds", type=float, default=60.0, help="a longer run is a hang")
    args = ap.parse_args()
    run = Run(args.max_seconds)
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="vigie-file-fuzz-") as tmp:
        work = Path(tmp)
        files = setup(work / "valid", run)
        run.ends.clear()
        per_kind: Counter[str] = Counter()
        bad_kind: Counter[str] = Counter()
        for kind, label, make in mutants(files, rng, args.per_file, args.only):
            with tempfile.TemporaryDirectory(dir=work) as one:
                f = make(Path(one))
                for argv in commands(kind, f, files, Path(one)):
                    before = len(run.bad)
                    run(argv, f"{label} (seed {args.seed})")
                    per_kind[kind] += 1
                    bad_kind[kind] += len(run.bad) - before
    print()
    for kind in sorted(per_kind):
        print(f"{kind:10} {per_kind[kind]:5} runs {bad_kind[kind]:4} tracebacks or hangs")
    ends = ", ".join(f"{k}: {v:,}" for k, v in sorted(run.ends.items()))
    print(f"\n{sum(per_kind.values()):,} runs ({ends}); {len(run.bad)} tracebacks or hangs")
    sys.exit(1 if run.bad else 0)


if __name__ == "__main__":
    main()
