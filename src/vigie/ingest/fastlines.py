"""Batches of raw JSON lines for DuckDB, with the lines it must not judge set aside.

Why: decoding a line into Python objects (10 µs for a 1 KB tweet) and walking it (20-30 µs)
made the one-record-a-line readers 10-30x slower than DuckDB merely parsing the file. Here a
file is cut into batches of lines with numpy (newline positions, no Python object per line),
handed to DuckDB as an Arrow string column, and each reader maps the lines in SQL.

Lines DuckDB could read differently from Python's ``json`` — bytes that are not UTF-8, lines
over ``FAST_MAX_BYTES`` or over the record limit — are not given to SQL: they come back as
``slow`` lines (number, bytes, full size) for the reader's Python path, which refuses or maps
them exactly as before. Each reader's SQL also sends back to Python any line whose JSON is not
plainly valid for ``json`` (trailing commas, duplicate keys, deep nesting, lone surrogates...)
or whose fields have unexpected types, so every guard rail and refusal stays the Python one.

Batches follow the record count of the Python readers (``BATCH_ROWS`` non-blank lines), so
per-batch work (de-duplicating accounts, inferring column types) sees the same rows as before.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa

from vigie.errors import InputError
from vigie.ingest import jsonlines
from vigie.ingest.model import BATCH_ROWS

READ_BYTES = 8 << 20
FAST_MAX_BYTES = 1 << 20
"""Lines longer than this go to the Python path (a 1 MB post is rare; DuckDB's JSON functions
are tuned for small documents)."""
HEAD_BYTES = 1024
WHITESPACE = np.zeros(256, dtype=bool)
WHITESPACE[[9, 10, 11, 12, 13, 32]] = True  # what ``bytes.strip()`` removes


@dataclass
class LineBatch:
    """One batch: DuckDB-ready lines and the lines left to Python, with the record count."""

    lines: pa.Table  # lineno (int64), line (large_string); no blank lines
    slow: list[tuple[int, bytes, int]] = field(default_factory=list)  # (lineno, bytes, size)
    records: int = 0


def line_batches(
    path: Path,
    limit: int | None = None,
    batch_rows: int = BATCH_ROWS,
    fast_max: int = FAST_MAX_BYTES,
    max_bytes: int | None = None,
) -> Iterator[LineBatch]:
    """Cut ``path`` into batches of ``batch_rows`` non-blank lines.

    ``limit``: lines longer than this many bytes are not kept whole (only their head, as
    ``jsonlines.read_lines`` does, so that the Python path refuses them as "record too large"
    with bounded memory); ``None`` keeps any line whole. ``fast_max``: longer lines go to the
    Python path. ``max_bytes``: a batch also ends once its lines hold this many bytes.
    """
    try:
        fh = open(path, "rb")  # noqa: SIM115
    except OSError as exc:
        raise InputError(f"cannot read file: {exc}", file=str(path)) from exc
    with fh:
        try:
            yield from _batches(fh, limit, batch_rows, fast_max, max_bytes)
        except OSError as exc:
            raise InputError(f"cannot read file: {exc}", file=str(path)) from exc


def _batches(
    fh: object, limit: int | None, batch_rows: int, fast_max: int, max_bytes: int | None
) -> Iterator[LineBatch]:
    buf = b""
    lineno = 0  # number of the last line consumed
    eof = False
    pending = _Pending(fast_max, max_bytes)
    while True:
        if not eof:
            chunk = fh.read(READ_BYTES)  # type: ignore[attr-defined]
            if not chunk:
                eof = True
            else:
                buf = buf + chunk if buf else chunk
        data = np.frombuffer(buf, dtype=np.uint8)
        nl = np.flatnonzero(data == 10)
        if not eof and len(nl) == 0:
            if limit is not None and len(buf) > limit:
                # one line longer than the record limit: keep its head, count the rest
                head, size, tail = _skip_long(fh, buf, limit)
                lineno += 1
                if lineno == 1 and head.startswith(b"\xef\xbb\xbf"):
                    head, size = head[3:], size - 3
                pending.add_slow(lineno, head, size)
                buf = tail
                if pending.records >= batch_rows:
                    yield pending.flush()
            continue
        ends = nl + 1  # each line keeps its newline (JSON allows trailing whitespace)
        if eof and (len(ends) == 0 or ends[-1] < len(buf)):
            ends = np.append(ends, len(buf))
        if len(ends) == 0:
            break
        starts = np.concatenate(([0], ends[:-1]))
        cut = int(ends[-1])
        block = buf[:cut]
        buf = buf[cut:]
        first = lineno + 1
        lineno += len(ends)
        yield from pending.add_block(block, data[:cut], starts, ends, first, limit, batch_rows)
        if eof and not buf:
            break
    if pending.records or pending.has_lines():
        yield pending.flush()


def _skip_long(fh: object, buf: bytes, limit: int) -> tuple[bytes, int, bytes]:
    """Consume a line over ``limit`` bytes: its head, its full size, what follows it."""
    head, size = buf[:HEAD_BYTES], len(buf)
    while True:
        chunk = fh.read(READ_BYTES)  # type: ignore[attr-defined]
        if not chunk:
            return head, size, b""
        i = chunk.find(b"\n")
        if i >= 0:
            return head, size + i + 1, chunk[i + 1 :]
        size += len(chunk)


class _Pending:
    """Lines gathered for the next batch."""

    def __init__(self, fast_max: int = FAST_MAX_BYTES, max_bytes: int | None = None) -> None:
        self.fast_max = fast_max
        self.max_bytes = max_bytes
        self.bytes = 0
        self.parts: list[pa.Table] = []
        self.slow: list[tuple[int, bytes, int]] = []
        self.records = 0

    def has_lines(self) -> bool:
        return bool(self.parts) or bool(self.slow)

    def add_slow(self, lineno: int, raw: bytes, size: int) -> None:
        self.slow.append((lineno, raw, size))
        self.records += 1

    def flush(self) -> LineBatch:
        if self.parts:
            lines = pa.concat_tables(self.parts)
        else:
            lines = pa.table(
                {"lineno": pa.array([], pa.int64()), "line": pa.array([], pa.large_string())}
            )
        out = LineBatch(lines, self.slow, self.records)
        self.__init__(self.fast_max, self.max_bytes)
        return out

    def add_block(
        self,
        block: bytes,
        data: np.ndarray,
        starts: np.ndarray,
        ends: np.ndarray,
        first: int,
        limit: int | None,
        batch_rows: int,
    ) -> Iterator[LineBatch]:
        """Add whole lines ``block[starts[i]:ends[i]]`` numbered from ``first``."""
        if first == 1 and block.startswith(b"\xef\xbb\xbf"):
            starts = starts.copy()
            starts[0] = 3  # a UTF-8 byte-order mark before the first line
        nonblank = _nonblank(block, data, starts, ends)
        sizes = ends - starts
        big = sizes > (self.fast_max if limit is None else min(self.fast_max, limit))
        big |= _python_only(data, starts, ends)
        idx = np.flatnonzero(nonblank)
        pos = 0
        while pos < len(idx):
            take = idx[pos : pos + batch_rows - self.records]
            if self.max_bytes is not None:
                # a byte budget too (twarc2 pages: 20,000 lines would be 2.6 GB)
                room = self.max_bytes - self.bytes
                fits = int(np.searchsorted(np.cumsum(sizes[take]), room, side="right"))
                if fits == 0 and self.records:
                    yield self.flush()
                    continue
                take = take[: max(fits, 1)]
            pos += len(take)
            self._add(block, starts, ends, first, take, big, limit)
            self.bytes += int(sizes[take].sum())
            if self.records >= batch_rows or (
                self.max_bytes is not None and self.bytes >= self.max_bytes
            ):
                yield self.flush()

    def _add(
        self,
        block: bytes,
        starts: np.ndarray,
        ends: np.ndarray,
        first: int,
        take: np.ndarray,
        big: np.ndarray,
        limit: int | None,
    ) -> None:
        self.records += len(take)
        slow_idx = take[big[take]]
        fast_idx = take[~big[take]]
        for i in slow_idx:
            raw = block[starts[i] : ends[i]]
            size = len(raw)
            if limit is not None and size - raw.endswith(b"\n") > limit:
                raw = raw[:HEAD_BYTES]
            self.slow.append((first + int(i), raw, size))
        if len(fast_idx) == 0:
            return
        if len(fast_idx) == 1 or bool(np.all(np.diff(fast_idx) == 1)):
            # consecutive lines: a view of the block, no copy
            base = int(starts[fast_idx[0]])
            offsets = np.append(starts[fast_idx], ends[fast_idx[-1]]).astype(np.int64) - base
            values = pa.py_buffer(block)[base : int(ends[fast_idx[-1]])]
        else:
            lengths = ends[fast_idx] - starts[fast_idx]
            offsets = np.zeros(len(fast_idx) + 1, dtype=np.int64)
            np.cumsum(lengths, out=offsets[1:])
            values = pa.py_buffer(
                b"".join(block[s:e] for s, e in zip(starts[fast_idx], ends[fast_idx], strict=True))
            )
        binary = pa.LargeBinaryArray.from_buffers(
            pa.large_binary(), len(fast_idx), [None, pa.py_buffer(offsets), values]
        )
        numbers = (fast_idx + first).astype(np.int64)
        try:
            text = binary.cast(pa.large_string())
        except pa.ArrowInvalid:  # some line is not UTF-8: those go to Python
            ok = np.array([_utf8(b) for b in binary.to_pylist()], dtype=bool)
            for j in np.flatnonzero(~ok):
                raw = binary[int(j)].as_py()
                self.slow.append((int(numbers[j]), raw, len(raw)))
            text = binary.filter(pa.array(ok)).cast(pa.large_string())
            numbers = numbers[ok]
        self.parts.append(pa.table({"lineno": pa.array(numbers), "line": text}))


def _utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _nonblank(block: bytes, data: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Which lines hold anything but whitespace (``line.strip() != b""``)."""
    out = np.zeros(len(starts), dtype=bool)
    has = ends > starts
    out[has] = ~WHITESPACE[data[starts[has]]]
    for i in np.flatnonzero(has & ~out):  # lines starting with whitespace: rare
        out[i] = bool(block[starts[i] : ends[i]].strip())
    return out


def _python_only(data: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Lines that must not reach DuckDB's JSON functions at all.

    A line not starting with ``{``; more ``{``/``[`` than ``MAX_BRACKETS`` (``json``'s depth
    limit is ~1,000 levels, yyjson has none). The finer test — a trailing comma or a
    ``nan``/``inf`` that yyjson reads and ``json`` does not — is ``sqljson.valid``'s
    ``LENIENT_RE``, run by DuckDB on each line (a numpy pass over every separator of the
    block cost more than the SQL mapping of the lines).
    """
    n = len(starts)
    out = np.ones(n, dtype=bool)
    if len(data) == 0:
        return out
    has = ends > starts
    out[has] = data[starts[has]] != 123  # "{"
    long = np.flatnonzero(ends - starts > MAX_BRACKETS)  # only those can hold that many
    if len(long) == 0:
        return out
    lo, hi = int(starts[long[0]]), int(ends[long[-1]])
    part = data[lo:hi]
    brackets = np.flatnonzero((part == 123) | (part == 91)) + lo
    counts = np.searchsorted(brackets, ends[long]) - np.searchsorted(brackets, starts[long])
    out[long[counts > MAX_BRACKETS]] = True
    return out


MAX_BRACKETS = 400


def all_slow(batch: LineBatch) -> LineBatch:
    """The same batch with every line for the Python path."""
    nums = batch.lines.column("lineno").to_pylist()
    texts = batch.lines.column("line").to_pylist()
    slow = batch.slow + [(n, t.encode("utf-8"), 0) for n, t in zip(nums, texts, strict=True)]
    return LineBatch(batch.lines.slice(0, 0), sorted(slow), batch.records)


def record_limit() -> int:
    """The record size limit in force (read at call time: tests lower it)."""
    return jsonlines.MAX_RECORD_BYTES


def env_disabled() -> bool:
    """``VIGIE_INGEST_FAST=0`` turns the SQL paths off (every line through Python)."""
    return os.environ.get("VIGIE_INGEST_FAST", "1") == "0"
