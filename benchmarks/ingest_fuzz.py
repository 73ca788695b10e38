"""Damaged copies of every ingest fixture through ``vigie.ingest.ingest``: count the exceptions
that are not a ``VigieError`` (a traceback a user would see), per file.

Why outside the suite: a seed over every fixture is ~1,000 ingests (~5 minutes on two cores);
the suite runs the damages on the archive readers (``tests/ingest/test_archive_fuzz.py``),
this runs them, and five more, on every reader's fixture. The damages: the suite's nine (a
cut, a flipped byte, a stray quote, a lost first line, shuffled and doubled lines, a
byte-order mark with semicolons, NUL bytes, CRLF, 3,000 open brackets), then a number of
5,000 digits, a value swapped for ``NaN``, a lone surrogate escape, ``null``, ``[]``, ``{}``,
``-1e400`` or an escaped NUL, the file in UTF-16, a line repeated 50 times, and double quotes
made single. Seeded: a traceback replays with the same ``--seed``.

With ``--zipped``, each damaged copy travels in a zip of several files (beside a whole
fixture, and its folder's files when it has a folder of its own: Telegram's photos, HTML
pages), so the zip's members are read as sources of their own (``compressed.zip_members``);
one zip in five is itself damaged (cut, or a byte flipped).

With ``--options RUNS``, the files are left whole and ``vigie ingest``'s options are damaged
instead: random ``--map`` specs (known and unknown fields, empty, dotted, ``prefix:``, 5,000
characters, NUL), ``--platform``, ``--date-format``, ``--encoding`` (byte-to-byte codecs such
as ``base64`` or ``zlib`` too), ``--delimiter``, ``--sheet``, ``--max-reject-share`` (``nan``,
``inf``), ``--memory-limit``, ``--format``, ``--dayfirst`` and ``--dry-run``, through the CLI,
on five fixtures (a CSV, JSON Lines, X pages, a listening export, CrowdTangle) or, with
``--all-files``, on every reader's fixture.

    .venv/bin/python benchmarks/ingest_fuzz.py --seed 7 --per-file 12
    .venv/bin/python benchmarks/ingest_fuzz.py --seed 8 --per-file 4 --zipped
    .venv/bin/python benchmarks/ingest_fuzz.py --seed 1 --options 600
    .venv/bin/python benchmarks/ingest_fuzz.py --seed 3 --options 800 --all-files
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import traceback
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIX = ROOT / "tests" / "fixtures" / "ingest"
SWAPS = [b"NaN", b'"\\ud800"', b"null", b"[]", b"{}", b"-1e400", b'"\\u0000"']
OPTION_FILES = [
    "generic_posts.csv",
    "generic_posts.jsonl",
    "x_v2_pages.jsonl",
    "listening/brandwatch_mentions.csv",
    "datasets/crowdtangle_facebook.csv",
]
EXTRA_FIELDS = ["nope", "TEXT", ""]  # beside the known fields (``tabular.KNOWN_FIELDS``)
COLUMNS = [
    "text",
    "id",
    "body",
    "a.b",
    "a.b.c",
    "entities.tag",
    "prefix:",
    "prefix:platform",
    "url",
    "urls",
    "created_at",
    "[0]",
    "a..b",
    ".",
    '"',
    "'",
    "ééé",
    "",
    "x" * 5000,
    "\x00",
]
OPTIONS = {
    "--platform": ["", " ", "x" * 2000, "ü", "\x00", "x", "facebook", "../x"],
    "--date-format": ["%", "%Q", "%d/%m/%Y", "epoch-ms", "epoch-xx", "", "%s", "%Y" * 500],
    "--encoding": ["utf-8", "latin-1", "nonexistent", "utf-16", "rot13", "", "base64", "zlib"],
    "--delimiter": [",", ";", "tab", "", "ab", "\n", '"', "\x00", "é", " ", "\r"],
    "--sheet": ["", "nope", "0", "Sheet1"],
    "--max-reject-share": ["-1", "0", "0.5", "2", "nan", "inf", "1e400", "abc"],
    "--memory-limit": ["1GB", "abc", "0", "-1GB", "1PB", "100KB", "", "1GB'; DROP", "nan"],
    "--format": ["auto", "csv", "jsonl", "parquet", "x", "telegram", "nope", "accounts", ""],
}


def damaged(data: bytes, rng: random.Random, suite: Callable[..., bytes]) -> bytes:
    """One random damage of ``data`` (see the module doc); ``suite``: the suite's nine."""
    if not data:
        return b"{"
    kind = rng.randrange(14)
    if kind < 9:
        return suite(data, rng, kind)
    i = rng.randrange(len(data))
    colon = data.find(b":", i)
    if kind in (9, 10) and colon < 0:
        return data[:i]
    if kind == 9:  # Python's int() refuses over 4,300 digits
        return data[: colon + 1] + b"9" * 5000 + data[colon + 1 :]
    if kind == 10:  # the value after a colon swapped
        end = colon + 1
        while end < len(data) and data[end : end + 1] not in (b",", b"}", b"]", b"\n"):
            end += 1
        return data[: colon + 1] + rng.choice(SWAPS) + data[end:]
    if kind == 11:
        try:
            return data.decode("utf-8").encode("utf-16")
        except UnicodeDecodeError:
            return data[::-1]
    if kind == 12:
        lines = data.split(b"\n")
        return b"\n".join(lines + [rng.choice(lines)] * 50)
    return data.replace(b'"', b"'", rng.randrange(1, 20))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--per-file", type=int, default=12, help="damaged copies of each fixture")
    ap.add_argument("--options", type=int, default=0, help="damage the options instead, RUNS times")
    ap.add_argument(
        "--all-files", action="store_true", help="with --options: on every fixture, not five"
    )
    ap.add_argument("--zipped", action="store_true", help="each damaged copy in a zip of several")
    args = ap.parse_args()
    if args.options:
        files = _fixtures() if args.all_files else [FIX / f for f in OPTION_FILES]
        sys.exit(1 if _options(args.seed, args.options, files) else 0)

    sys.path.insert(0, str(ROOT / "tests"))
    from ingest.test_archive_fuzz import _damaged  # the suite's nine damages
    from vigie.errors import VigieError
    from vigie.ingest import ingest

    files = _fixtures()
    rng = random.Random(args.seed)
    mutants = tracebacks = read = 0
    for f in files:
        rel = f.relative_to(FIX)
        data = f.read_bytes()
        bad = 0
        for j in range(args.per_file):
            with tempfile.TemporaryDirectory(prefix="vigie-fuzz-") as tmp:
                src = Path(tmp) / "in" / rel
                src.parent.mkdir(parents=True)
                for sibling in f.parent.iterdir():  # Telegram's photos, HTML pages beside it
                    if sibling.is_file() and sibling != f:
                        shutil.copy(sibling, src.parent / sibling.name)
                src.write_bytes(damaged(data, rng, _damaged))
                if args.zipped:
                    src = _zipped(src, Path(tmp) / "in", f.parent != FIX, rng)
                mutants += 1
                try:
                    ingest([src], Path(tmp) / "ds")
                    read += 1
                except VigieError:
                    pass
                except Exception:  # a traceback a user would see
                    bad += 1
                    print(f"TRACEBACK {rel} copy {j} (seed {args.seed})", flush=True)
                    traceback.print_exc(limit=4)
        tracebacks += bad
        print(f"{str(rel):70} {args.per_file:4} copies {bad:3} tracebacks", flush=True)
    print(
        f"\n{mutants:,} damaged files of {len(files)} fixtures, {tracebacks} tracebacks "
        f"({read:,} ingested, the others refused with a message)"
    )
    sys.exit(1 if tracebacks else 0)


def _zipped(src: Path, folder: Path, with_siblings: bool, rng: random.Random) -> Path:
    """``src`` in a zip beside a whole fixture (and its siblings when its folder is its own),
    at their paths; one zip in five damaged itself."""
    import zipfile

    out = folder.parent / "export.zip"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(src, "export/" + src.relative_to(folder).as_posix())
        zf.write(FIX / "x_v2_pages.jsonl", "export/other/x_v2_pages.jsonl")
        if with_siblings:
            for sibling in src.parent.rglob("*"):
                if sibling.is_file() and sibling != src:
                    zf.write(sibling, "export/" + sibling.relative_to(folder).as_posix())
    if rng.random() < 0.2:
        data = bytearray(out.read_bytes())
        if rng.random() < 0.5:
            data = data[: rng.randrange(len(data))]
        else:
            data[rng.randrange(len(data))] ^= 0xFF
        out.write_bytes(bytes(data))
    return out


def _fixtures() -> list[Path]:
    """Every reader's fixture (the scripts that make them and the pictures left out)."""
    return sorted(
        p
        for p in FIX.rglob("*")
        if p.is_file() and not p.name.startswith("make_") and p.suffix not in (".jpg", ".pdf")
    )


def _options(seed: int, runs: int, files: list[Path]) -> int:
    """``vigie ingest`` with random, often hostile options on whole fixtures (module doc);
    the number of runs that ended in an exception other than ``VigieError`` or a usage error."""
    from typer.testing import CliRunner

    from vigie.cli import app
    from vigie.errors import VigieError
    from vigie.ingest.tabular import KNOWN_FIELDS

    fields = [*sorted(KNOWN_FIELDS), *EXTRA_FIELDS]
    rng = random.Random(seed)
    runner = CliRunner()
    outcomes: Counter[str] = Counter()
    for _ in range(runs):
        args = ["ingest", str(rng.choice(files))]
        for _ in range(rng.randrange(3)):
            args += ["--map", f"{rng.choice(fields)}={rng.choice(COLUMNS)}"]
        for option, values in OPTIONS.items():
            if rng.random() < 0.08:
                args += [option, rng.choice(values)]
        if rng.random() < 0.2:
            args.append("--dayfirst")
        with tempfile.TemporaryDirectory(prefix="vigie-fuzz-") as tmp:
            args += ["--dry-run"] if rng.random() < 0.3 else ["--into", str(Path(tmp) / "ds")]
            exc = runner.invoke(app, args).exception
        if exc is None or isinstance(exc, VigieError | SystemExit):
            outcomes["read" if exc is None else "refused"] += 1
            continue
        outcomes["traceback"] += 1
        print(f"TRACEBACK {[a[:60] for a in args]} (seed {seed})", flush=True)
        traceback.print_exception(type(exc), exc, exc.__traceback__, limit=-4)
    print(
        f"{runs:,} runs of vigie ingest with damaged options: {outcomes['read']} read, "
        f"{outcomes['refused']} refused with a message, {outcomes['traceback']} tracebacks"
    )
    return outcomes["traceback"]


if __name__ == "__main__":
    main()
