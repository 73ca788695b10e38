"""Stream the elements of one big top-level JSON array, element by element.

Why: tweepy users and many scrapers save a collection as ``json.dump(list_of_tweets)``, one
array of hundreds of MB. Decoding it whole costs ~10x its size in memory, so the line reader
refuses documents over ``MAX_RECORD_BYTES``; here each element is decoded on its own from a
sliding window (the C decoder's ``raw_decode``), so memory is bounded by the largest element,
not by the file. An element larger than the limit, or broken JSON, is refused with its element
number and the reading stops there (a broken array cannot be resynchronised safely): what was
read before is kept and the refusal says where it stopped.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from vigie.errors import InputError
from vigie.ingest.jsonlines import MAX_RECORD_BYTES, json_values
from vigie.ingest.model import Rejected, excerpt

CHUNK = 1 << 20
WS = " \t\r\n"


def starts_with_array(path: Path) -> bool:
    """Whether the file's first non-blank character (after a BOM) is ``[``."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(4096).removeprefix(b"\xef\xbb\xbf").lstrip()
    except OSError as exc:
        raise InputError(f"cannot read file: {exc}", file=str(path)) from exc
    return head[:1] == b"["


def values(path: Path, limit: int | None = None) -> Iterator[tuple[int, Any]]:
    """``json_values`` for any file, but a top-level array is streamed element by element
    (record = element number, from 1)."""
    if starts_with_array(path):
        yield from elements(path, MAX_RECORD_BYTES if limit is None else limit)
    else:
        yield from json_values(path)


def elements(path: Path, limit: int) -> Iterator[tuple[int, Any]]:
    """``(element number, value or Rejected)`` of the array that ``path`` holds."""
    dec = json.JSONDecoder()
    utf8 = codecs.getincrementaldecoder("utf-8-sig")()
    try:
        with open(path, "rb") as fh:

            def more() -> str:
                try:
                    return utf8.decode(fh.read(CHUNK), final=False)
                except UnicodeDecodeError as exc:
                    raise InputError(f"not UTF-8 text ({exc})", file=str(path)) from exc

            buf, pos, eof, k = more(), 0, False, 0
            pos = _skip(buf, pos)
            if buf[pos : pos + 1] != "[":
                yield 1, Rejected(str(path), 1, "malformed JSON", None, "not an array")
                return
            pos += 1
            while True:
                pos = _skip(buf, pos, ",")
                while pos >= len(buf) and not eof:
                    chunk = more()
                    eof = chunk == ""
                    buf, pos = buf[pos:] + chunk, 0
                    pos = _skip(buf, pos, ",")
                if pos >= len(buf):
                    k += 1
                    detail = "the array is not closed (file cut short?)"
                    yield k, Rejected(str(path), k, "malformed JSON", None, detail)
                    return
                if buf[pos] == "]":
                    return
                k += 1
                while True:
                    try:
                        obj, end = dec.raw_decode(buf, pos)
                        complete = isinstance(obj, dict | list) or end < len(buf) or eof
                    except json.JSONDecodeError as exc:
                        obj, end, complete = exc, pos, False
                    except RecursionError:
                        yield k, Rejected(str(path), k, "JSON nested too deeply", None, None)
                        return
                    if complete:
                        break
                    if eof:
                        yield (
                            k,
                            Rejected(
                                str(path), k, "malformed JSON", None, str(obj), excerpt(buf[pos:])
                            ),
                        )
                        return
                    if len(buf) - pos > limit:
                        detail = f"element larger than {limit:,} bytes"
                        yield k, Rejected(str(path), k, "record too large", None, detail)
                        return
                    chunk = more()
                    eof = chunk == ""
                    buf, pos = buf[pos:] + chunk, 0
                if end - pos > limit:  # decoded from what was read, but over the limit
                    detail = f"element of {end - pos:,} characters, over {limit:,}"
                    yield k, Rejected(str(path), k, "record too large", None, detail)
                else:
                    yield k, obj
                pos = end
    except OSError as exc:
        raise InputError(f"cannot read file: {exc}", file=str(path)) from exc


def _skip(buf: str, pos: int, extra: str = "") -> int:
    chars = WS + extra
    n = len(buf)
    while pos < n and buf[pos] in chars:
        pos += 1
    return pos
