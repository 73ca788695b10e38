"""Line-by-line JSON decoding shared by the platform readers, bounded by record, not by file.

Why: a collector's output is often one JSON value per line (twarc2 writes one API page of 100
tweets per line, 120-150 KB each; Bluesky and Jetstream scripts one post/event per line) but
sometimes one document (a saved API page). Either way:
- a line of any length is read (no sniff window decides what a record is);
- memory is bounded per record: a line or document over ``MAX_RECORD_BYTES`` is skipped
  without being held in memory and refused as "record too large";
- a broken, non-UTF-8 or too deeply nested line is refused with its line number and the rest
  of the file is read, never a traceback.

Lines are decoded with orjson (2-3x faster than ``json``); what orjson refuses is decoded again
with ``json``, which accepts lone surrogates and integers over 64 bits and words the refusal.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import orjson

from vigie.errors import InputError
from vigie.ingest.model import Rejected, excerpt
from vigie.json_guard import too_long

MAX_RECORD_BYTES = int(os.environ.get("VIGIE_MAX_RECORD_BYTES", 64 << 20))
"""Largest JSON line or document decoded (64 MiB: ~400 twarc2 pages). Above it the record is
refused: decoding it would cost ~10x its size in Python objects."""

SKIP_CHUNK = 1 << 20


def read_lines(fh: IO[bytes], max_bytes: int) -> Iterator[tuple[int, bytes, int]]:
    """Yield ``(line number, bytes, full size)`` of each line of a binary file.

    A line longer than ``max_bytes`` is consumed in 1 MiB chunks and yielded truncated (its
    first ``max_bytes`` bytes are never kept: only a short head), so ``size > len(bytes)``
    tells the caller it was too large.
    """
    lineno = 0
    while True:
        line = fh.readline(max_bytes + 1)
        if not line:
            return
        lineno += 1
        if len(line) > max_bytes and not line.endswith(b"\n"):
            head = line[:1024]
            size = len(line)
            del line
            while True:
                chunk = fh.readline(SKIP_CHUNK)
                size += len(chunk)
                if not chunk or chunk.endswith(b"\n"):
                    break
            yield lineno, head, size
        else:
            yield lineno, line, len(line)


def too_large(path: Path | str, record: int | str, raw: bytes, size: int) -> Rejected | None:
    """The refusal of a line that ``read_lines`` (or ``fastlines``) kept only the head of
    (``size`` is its full size, over ``len(raw)``), else ``None``."""
    if size <= len(raw):
        return None
    return Rejected(
        str(path),
        record,
        "record too large",
        None,
        f"{size:,} bytes > {MAX_RECORD_BYTES:,} (VIGIE_MAX_RECORD_BYTES)",
        excerpt(raw[:300]),
    )


def decode(path: Path, record: int | str, raw: bytes, size: int | None = None) -> Any | Rejected:
    """Decode one JSON value, or say why it is refused (a ``Rejected``, never an exception)."""
    big = too_large(path, record, raw, len(raw) if size is None else size)
    if big is not None:
        return big
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        pass  # orjson is strict (lone surrogates, integers over 64 bits, depth): ask json
    try:
        return json.loads(raw)
    except json.JSONDecodeError as exc:
        text = raw.decode("utf-8", errors="replace")
        return Rejected(
            str(path),
            record,
            "malformed JSON",
            None,
            str(exc),
            excerpt(text[max(0, exc.pos - 100) :].rstrip("\n")),
        )
    except UnicodeDecodeError as exc:
        return Rejected(str(path), record, "not UTF-8 text", None, str(exc), excerpt(raw[:300]))
    except ValueError as exc:  # an integer too long for Python (json_guard)
        detail = too_long(exc) or str(exc)
        return Rejected(str(path), record, "malformed JSON", None, detail, excerpt(raw[:300]))
    except RecursionError:
        return Rejected(
            str(path),
            record,
            "JSON nested too deeply",
            None,
            "nesting deeper than the decoder's limit (~1,000 levels)",
            excerpt(raw[:300]),
        )


def _first_line(fh: IO[bytes]) -> bytes:
    """The first non-blank line's head (BOM removed); the file position is restored."""
    pos = fh.tell()
    try:
        while True:
            line = fh.readline(1 << 16)
            if not line:
                return b""
            line = line.removeprefix(b"\xef\xbb\xbf")
            if line.strip():
                return line
    finally:
        fh.seek(pos)


def json_values(path: Path, max_bytes: int | None = None) -> Iterator[tuple[int, Any | Rejected]]:
    """Yield ``(line number, decoded value or Rejected)`` for a JSONL file or one JSON document.

    One document spread over several lines (its first line is a lone ``{`` or ``[``, or does not
    parse while the whole file does) is decoded whole when it fits in ``max_bytes``.
    """
    limit = MAX_RECORD_BYTES if max_bytes is None else max_bytes
    try:
        with open(path, "rb") as fh:
            first = _first_line(fh)
            stripped = first.strip()
            if stripped[:1] in (b"{", b"[") and _is_document(fh, stripped):
                size = os.fstat(fh.fileno()).st_size
                if size > limit:
                    yield 1, decode(path, 1, fh.read(1024), size)
                    return
                text = fh.read().removeprefix(b"\xef\xbb\xbf")
                value = decode(path, 1, text)
                if not isinstance(value, Rejected) or stripped in (b"{", b"["):
                    yield 1, value
                    return
                fh.seek(0)  # not one document: a JSONL file whose first line is broken
            for lineno, raw, size in read_lines(fh, limit):
                if lineno == 1 and raw.startswith(b"\xef\xbb\xbf"):
                    # the byte-order mark is no part of the record (nor of its size: a BOM
                    # once made the first record "too large" by its 3 bytes)
                    raw, size = raw[3:], size - 3
                if not raw.strip():
                    continue
                yield lineno, decode(path, lineno, raw, size)
    except OSError as exc:
        raise InputError(f"cannot read file: {exc}", file=str(path)) from exc


def is_line_file(path: Path) -> bool:
    """Whether ``json_values`` reads ``path`` line by line (not as one JSON document)."""
    try:
        with open(path, "rb") as fh:
            stripped = _first_line(fh).strip()
            return not (stripped[:1] in (b"{", b"[") and _is_document(fh, stripped))
    except OSError as exc:
        raise InputError(f"cannot read file: {exc}", file=str(path)) from exc


def _is_document(fh: IO[bytes], first: bytes) -> bool:
    """Whether the file looks like one JSON document spread over lines (not JSONL)."""
    if first in (b"{", b"["):
        return True
    if len(first) >= 60_000:  # a long first line (a twarc2 page): JSONL, read line by line
        return False
    try:
        json.loads(first)
    except (ValueError, RecursionError):  # ValueError: also an integer too long for Python
        return True
    return False
