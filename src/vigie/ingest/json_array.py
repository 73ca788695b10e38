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
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

from vigie.errors import InputError
from vigie.ingest.copies import copies
from vigie.ingest.jsonlines import MAX_RECORD_BYTES, json_values
from vigie.ingest.model import Rejected, excerpt
from vigie.json_guard import decode_past, guarded, too_long

CHUNK = 1 << 20
WS = " \t\r\n"


def _first_byte(path: Path) -> bytes:
    """The file's first non-blank byte (after a BOM), or ``b""``."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(4096).removeprefix(b"\xef\xbb\xbf").lstrip()
    except OSError as exc:
        raise InputError(f"cannot read file: {exc}", file=str(path)) from exc
    return head[:1]


def starts_with_array(path: Path) -> bool:
    """Whether the file's first non-blank character (after a BOM) is ``[``."""
    return _first_byte(path) == b"["


def starts_with_json(path: Path) -> bool:
    """Whether the file's first non-blank character (after a BOM) opens a JSON object or
    array (a file that may be CSV or JSON lines is told so)."""
    return _first_byte(path) in (b"{", b"[")


def values(
    path: Path, limit: int | None = None, keys: tuple[str, ...] = ()
) -> Iterator[tuple[int, Any]]:
    """``json_values`` for any file, but a top-level array is streamed element by element
    (record = element number, from 1), and so are the items under the first of ``keys``
    (dotted paths, e.g. ``data.videos``) that holds any, in one document over the record
    limit: pages merged into one document were refused whole as "record too large"."""
    if starts_with_array(path):
        yield from elements(path, MAX_RECORD_BYTES if limit is None else limit)
        return
    found = json_values(path)
    first = next(found, None)
    if first is None:
        return
    second = next(found, None)
    too_large = isinstance(first[1], Rejected) and first[1].reason == "record too large"
    if keys and too_large and second is None:  # one document, not a JSON Lines file
        yield from _items_under(path, keys, first)
        return
    yield first
    if second is not None:
        yield second
        yield from found


def _items_under(
    path: Path, keys: tuple[str, ...], refused: tuple[int, Any]
) -> Iterator[tuple[int, Any]]:
    """The items of the list under the first of ``keys`` holding any (``items_at``);
    ``refused`` when none does."""
    for key in keys:
        got = False
        for k, item in items_at(path, key):
            got = True
            yield k, item
        if got:
            return
    yield refused


def items_at(path: Path, key: str) -> Iterator[tuple[int, Any]]:
    """``(k, item)`` for the items of the list under ``key`` (a dotted path) of the document
    ``path``, streamed by ijson (memory bounded by an item; ``json_guard`` in front). A
    document broken part-way ends with one ``Rejected`` for the rest: the records before
    the break are kept."""
    import ijson

    k = 0
    try:
        with open(path, "rb") as fh:
            for item in ijson.items(guarded(fh), f"{key}.item", use_float=True):
                k += 1
                yield k, item
    except (ijson.JSONError, UnicodeDecodeError, RecursionError) as exc:
        detail = f"the document breaks after record {k} of {key!r} ({exc})"
        yield k + 1, Rejected(str(path), k + 1, "malformed JSON", None, detail)


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
                    rest = _skip(buf, pos + 1)
                    while rest >= len(buf) and not eof:  # what follows, if anything
                        chunk = more()
                        eof = chunk == ""
                        buf, rest = buf[rest:] + chunk, 0
                        rest = _skip(buf, rest)
                    if rest < len(buf):  # said, not silently dropped
                        detail = "text after the array's end (a second document?)"
                        yield (
                            k + 1,
                            Rejected(
                                str(path),
                                k + 1,
                                "malformed JSON",
                                None,
                                detail,
                                excerpt(buf[rest:]),
                            ),
                        )
                    return
                k += 1
                while True:
                    try:
                        obj, end = dec.raw_decode(buf, pos)
                        complete = isinstance(obj, dict | list) or end < len(buf) or eof
                    except json.JSONDecodeError as exc:
                        obj, end, complete = exc, pos, False
                    except ValueError as exc:  # an integer too long for Python
                        detail = too_long(exc)
                        if detail is None:
                            raise
                        try:  # refused, and read past for the next element
                            end = decode_past(buf, pos)
                            obj = Rejected(str(path), k, "malformed JSON", None, detail)
                            complete = buf[pos] in "[{" or end < len(buf) or eof
                        except json.JSONDecodeError as more_exc:  # not all read yet
                            obj, end, complete = more_exc, pos, False
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


def to_jsonl(path: Path, folder: Path, shown: Path) -> tuple[Path, list[Rejected]]:
    """Write the array ``path`` holds as JSON Lines in ``folder``: element k on line k.

    Why: a generic table saved as one JSON array (``json.dump(records)``, a scraper's
    dataset export, pretty-printed or not) then goes through the JSON Lines path, mappings
    and nested paths included, with record numbers that are element numbers. Elements are
    written with ASCII escapes (a lone surrogate stays an escape, for the reader to refuse).
    A refused element (too large; the array broken or cut short, where reading stops) leaves
    an empty line, which the reader skips, and is returned with the source's name ``shown``."""
    try:
        return _write_lines(
            elements(path, MAX_RECORD_BYTES), folder / (path.stem + ".jsonl"), shown
        )
    except InputError as exc:
        raise InputError(exc.reason, file=str(shown), record=exc.record) from None


def _write_lines(
    values: Iterator[tuple[int, Any]], out_path: Path, shown: Path
) -> tuple[Path, list[Rejected]]:
    """Each value on a line of ``out_path`` (ASCII escapes); a refused one leaves an empty
    line, which the reader skips, and is returned named after ``shown``."""
    refused: list[Rejected] = []
    with open(out_path, "w", encoding="utf-8", newline="\n") as out:
        for _, value in values:
            if isinstance(value, Rejected):
                refused.append(replace(value, file=str(shown)))
                out.write("\n")
            else:
                out.write(json.dumps(value) + "\n")
    return out_path, refused


def wrapped_key(path: Path) -> str | None:
    """The key of the records when ``path`` is one JSON document wrapping them in an object
    (``{"data": [{...}, ...], "paging": {...}}``, a saved API response), else None.

    The key is the first top-level one whose value is an array of objects, read from the
    file's first MiB; a file of several JSON objects, one a line, is JSON Lines, not a
    wrapper (its records may well hold lists of objects)."""
    import io

    import ijson

    try:
        with open(path, "rb") as fh:
            head = fh.read(CHUNK)
    except OSError:
        return None
    body = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    if not body.startswith(b"{"):
        return None
    first, _, rest = body.partition(b"\n")
    try:
        json.loads(first)
        if rest.strip():
            return None  # one complete object a line: JSON Lines
    except (ValueError, RecursionError):
        pass  # pretty-printed, longer than the head, or nested too deeply to tell
    key, prev = None, None
    try:
        for prefix, event, value in ijson.parse(guarded(io.BytesIO(body))):
            if prefix == "" and event == "map_key":
                key = value
            elif event == "start_map" and prev == (key, "start_array"):
                return key  # the first item of the array under a top-level key: an object
            prev = (prefix, event)
    except (ijson.JSONError, UnicodeDecodeError, RecursionError):
        return None
    return None


def wrapped_to_jsonl(
    path: Path, key: str, folder: Path, shown: Path
) -> tuple[Path, list[Rejected]]:
    """Write the records under ``key`` of the document ``path`` as JSON Lines in ``folder``
    (``items_at``: memory bounded by a record). A document broken part-way keeps the
    records before the break and refuses the rest as one record, like ``to_jsonl``. The
    objects of the document's other top-level lists are refused, each by its place
    (``other_lists``): one list of records is read a document, the rest was dropped unsaid."""
    out, refused = _write_lines(items_at(path, key), folder / (path.stem + ".jsonl"), shown)
    for other, n in other_lists(path, key).items():
        why = (
            f"a record of the document's list {other!r}, beside the {key!r} read (one list of "
            f"records is read a document: save {other!r} in a file of its own to ingest it)"
        )
        refused += [
            Rejected(str(shown), f"{other}[{i}]", "another list of the document", other, why)
            for i in range(1, n + 1)
        ]
    return out, refused


def other_lists(path: Path, key: str) -> dict[str, int]:
    """The document's top-level keys other than ``key`` holding a list of objects, with how
    many objects each holds (one streamed pass; nothing when the document breaks)."""
    import ijson

    counts: dict[str, int] = {}
    try:
        with open(path, "rb") as fh:
            for prefix, event, _ in ijson.parse(guarded(fh)):
                if event == "start_map" and prefix.endswith(".item"):
                    top = prefix[: -len(".item")]
                    if top != key and "." not in top:
                        counts[top] = counts.get(top, 0) + 1
    except (ijson.JSONError, UnicodeDecodeError, RecursionError):
        pass  # the read of ``key``'s records says how the document breaks
    return counts


def records_key(path: Path) -> str | None:
    """How ``path`` holds its records when it is no JSON Lines: ``"["`` for one array,
    else the key of a document wrapping them (``wrapped_key``), else None."""
    return "[" if starts_with_array(path) else wrapped_key(path)


def first_records(path: Path, n: int = 200) -> list[dict[str, Any]]:
    """The first ``n`` objects of a JSON array or of a wrapped document's records (what a
    mapping form lists the keys of); [] for anything else."""
    import itertools

    key = records_key(path)
    if key == "[":
        got = itertools.islice(elements(path, MAX_RECORD_BYTES), n)
        return [x for _, x in got if isinstance(x, dict)]
    if key is not None:
        items = [x for _, x in itertools.islice(items_at(path, key), n)]
        if any(isinstance(x, Rejected) for x in items):
            return []  # broken within the first records: nothing to show
        return [x for x in items if isinstance(x, dict)]
    return []


def generic_records_key(path: Path, fmt: str) -> str | None:
    """``records_key`` for a source read as a generic table (``--format jsonl`` or
    ``accounts``, or told so by ``detect``), else None: a platform's array or wrapped page
    keeps its reader."""
    if not path.is_file() or fmt not in ("auto", "jsonl", "accounts"):
        return None
    try:
        key = records_key(path)
        if key is None or fmt != "auto":
            return key
        from vigie.ingest.detect_format import detect

        return key if detect(path) == "jsonl" else None
    except InputError:
        return None  # the plan's own checks say what is wrong with the file


@contextmanager
def jsonl_copies(
    paths: list[Path], given: list[Path], fmt: str, beside: Path | None = None
) -> Iterator[tuple[list[Path], list[list[Rejected]]]]:
    """The sources, generic JSON arrays and wrapped documents replaced by their JSON Lines
    (``to_jsonl``, ``wrapped_to_jsonl``) in a temporary folder made in ``beside`` and deleted
    on exit; and each one's refused elements."""
    keys = [generic_records_key(p, fmt) for p in paths]

    def make(i: int, p: Path, folder: Path) -> tuple[Path, list[Rejected]]:
        key = keys[i]
        if key == "[":
            return to_jsonl(p, folder, given[i])
        assert key is not None  # only sources with a key are copied
        return wrapped_to_jsonl(p, key, folder, given[i])

    todo = [key is not None for key in keys]
    with copies(paths, todo, make, list, beside, ".vigie-array-") as made:
        yield made
