"""Mutated copies of every real-shaped fixture through the real CLI: no traceback, ever.

Why: hand-written malformed cases only cover the mistakes we thought of. Cutting a file at a
random byte, flipping bytes, inserting stray brackets, NUL bytes, lone-surrogate escapes,
deep nesting or Latin-1 text, then ingesting it with the detected format or a forced wrong
one, found a crash the hand-written cases missed (a refused record quoting a lone surrogate
could not be written to ``rejected.jsonl``). The mutations are seeded, so a failure names a
reproducible case. Every run must end in exit 0, or 1-2 with a message, never an exception, and
an ingest that wrote a Dataset must account for every record it read.
"""

from __future__ import annotations

import functools
import random
from pathlib import Path

import pytest

from ingest.helpers import FIX, manifest, run_cli
from vigie.ingest.detect_format import FORMATS
from vigie.ingest.model import VALUE_NOTES

FIXTURES = sorted(
    p
    for p in FIX.rglob("*")
    if p.is_file() and p.suffix in (".jsonl", ".json", ".csv", ".ndjson", ".txt")
)
FORCED = [f for f in FORMATS if f not in ("auto", "parquet")]
MUTATIONS = (
    "cut",
    "flip",
    "brackets",
    "nul",
    "surrogate",
    "deep",
    "latin1",
    "dup-line",
    "big-int",
)


def _mutate(data: bytes, kind: str, rng: random.Random) -> bytes:
    i = rng.randrange(max(len(data), 1))
    if kind == "cut":
        return data[:i]
    if kind == "flip":
        return data[:i] + bytes([rng.randrange(256)]) + data[i + 1 :]
    if kind == "brackets":
        return data[:i] + bytes(rng.choice(b'{}[]",:\n\\') for _ in range(4)) + data[i:]
    if kind == "nul":
        return data[:i] + b"\x00" + data[i:]
    if kind == "surrogate":
        return data[:i] + b"\\ud800" + data[i:]
    if kind == "deep":
        return data[:i] + b"[" * 5000 + data[i:]
    if kind == "latin1":
        return data.decode("utf-8", "replace").encode("latin-1", "replace")
    if kind == "dup-line":
        lines = data.split(b"\n")
        j = rng.randrange(len(lines))
        return b"\n".join([*lines[: j + 1], lines[j], *lines[j + 1 :]])
    return data.replace(b"1", b"99999999999999999999999999", 3)  # big-int


def _cases() -> list[tuple[Path, str, str, int]]:
    rng = random.Random(20261202)
    cases = []
    for path in FIXTURES:
        kinds = rng.sample(MUTATIONS, 4)
        for kind in kinds[:3]:  # read as what it is...
            cases.append((path, kind, "auto", rng.randrange(1 << 30)))
        # ...and forced to some other format
        cases.append((path, kinds[3], rng.choice(FORCED), rng.randrange(1 << 30)))
    return cases


def _ingest(src: Path, ds: Path, fmt: str) -> tuple[int, str]:
    return run_cli(["ingest", str(src), "--into", str(ds), "--format", fmt])


def _fates(ds: Path) -> list[tuple[int, int]]:
    """Per source: (records read, records given a fate: accepted, refused or skipped)."""
    return [
        (
            s["records"],
            s["accepted"]
            + s["rejected"]
            + sum(n for k, n in s["skipped"].items() if not k.startswith(VALUE_NOTES)),
        )
        for s in manifest(ds)["sources"]
    ]


@functools.cache
def _one_post_per_record(path: Path, fmt: str, tmp: Path) -> bool:
    """Whether the intact fixture, read as ``fmt``, maps each record to exactly one fate.

    Some formats hold several posts in a record (a twarc2 page, a v1.1 retweet with its
    original, a comment thread): there, accepted posts outnumber records and only "at least
    one fate per record" can be checked.
    """
    ds = tmp / f"intact-{path.name}-{fmt}"
    code, _ = _ingest(path, ds, fmt)
    return code == 0 and all(r == f for r, f in _fates(ds))


@pytest.mark.parametrize(
    ("path", "kind", "fmt", "seed"),
    _cases(),
    ids=lambda v: v.name if isinstance(v, Path) else str(v),
)
def test_mutated_fixture_never_crashes(
    tmp_path: Path,
    tmp_path_factory: pytest.TempPathFactory,
    path: Path,
    kind: str,
    fmt: str,
    seed: int,
) -> None:
    src_dir = tmp_path / "src"
    src_dir.mkdir()
    src = src_dir / path.name
    src.write_bytes(_mutate(path.read_bytes(), kind, random.Random(seed)))
    ds = tmp_path / "ds"
    code, said = _ingest(src, ds, fmt)
    assert code in (0, 1, 2), said
    assert "Traceback" not in said, said
    if code in (1, 2):
        assert said.strip(), "a refusal must say why"
        return
    exact = _one_post_per_record(path, fmt, tmp_path_factory.getbasetemp())
    for records, fates in _fates(ds):  # nothing silent: every record has a fate
        assert fates == records if exact else fates >= records, (records, fates, said)
