"""Generic CSV, JSONL and Parquet readers, driven by a column mapping.

Why one module for three formats: once a file is read into Arrow columns, validating and
canonicalising it is the same job. The mapping says which source column feeds which canonical
field (``--map text=body``); a canonical field whose name is already a column needs no
mapping, so a Parquet file that follows ``POSTS_SCHEMA`` ingests with no mapping at all.

Conventions (documented in ``vigie ingest --help``):
- ``created_at``: an Arrow timestamp, ISO 8601 text, or POSIX **seconds** (int, float or text);
- list fields (``urls``, ``hashtags``, ``mentions``, ``media``): a list column, a JSON array in
  text, or a scalar (one value per row). A scalar column makes the table *long format*: rows
  repeating a post are merged into one post whose lists are the union (see ``writer``);
- ``platform``: a column, the ``--platform`` value, or ``prefix:COLUMN`` — the platform is the
  part of COLUMN before the first ``_`` (``fb_123`` → facebook, ``tw_9`` → x);
- account fields: ``handle``, ``display_name``, ``account_created_at``, ``followers``,
  ``following``, ``posts_count``, ``description``.
Missing lists stay null when the source lacks the field entirely; ``urls``, ``hashtags`` and
``mentions`` are then extracted from ``text`` when there is one.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from vigie.errors import InputError, VigieError
from vigie.ingest import arrow_paths, csv_preamble, guess_map, jsonlines, sqlbatch
from vigie.ingest.csv_locate import RowLocator, open_quote_column
from vigie.ingest.epoch import EPOCH_FORMATS, epoch_times, unit_times
from vigie.ingest.model import (
    BATCH_ROWS,
    MAX_TS_US,
    MIN_TS_US,
    Batch,
    Rejected,
    epoch_unit_hint,
    excerpt,
    ts_from_value,
)
from vigie.ingest.records import client_name
from vigie.ingest.transcode import codec_name
from vigie.ingest.urls import (
    SIGNS,
    canonical_url,
    items_in_texts,
    raw_urls_in_text,
    tag_lower,
)
from vigie.json_guard import too_long
from vigie.schema import ACCOUNTS_SCHEMA, POSTS_SCHEMA, STR_LIST, TS

POST_FIELDS = [f.name for f in POSTS_SCHEMA]
LIST_FIELDS = ("urls", "hashtags", "mentions", "media")
ACCOUNT_FIELDS = {
    "handle": "handle",
    "display_name": "display_name",
    "account_created_at": "created_at",
    "followers": "followers",
    "following": "following",
    "posts_count": "posts_count",
    "description": "description",
}
REQUIRED = ("post_id", "account_id", "created_at")
KNOWN_FIELDS = set(POST_FIELDS) | set(ACCOUNT_FIELDS)

PLATFORM_PREFIXES = {
    "fb": "facebook",
    "facebook": "facebook",
    "tw": "x",
    "twitter": "x",
    "x": "x",
    "tg": "telegram",
    "telegram": "telegram",
    "bsky": "bluesky",
    "bluesky": "bluesky",
    "ig": "instagram",
    "instagram": "instagram",
    "yt": "youtube",
    "youtube": "youtube",
    "tt": "tiktok",
    "tiktok": "tiktok",
}


MAX_EXTRACT_CHARS = 100_000
"""URLs, hashtags and mentions are extracted from the first this many characters of a text.

Why a cap: extraction costs ~3.5 µs per character, so one 1 GB post would take an hour. No
real post is this long; longer texts are kept whole but only their head is scanned, and each
such post is counted in the manifest (``notes``)."""


@dataclass
class Spec:
    """A resolved mapping for one file: canonical field -> source column."""

    columns: dict[str, str]
    platform: str | None = None  # constant platform (``--platform``)
    platform_prefix_of: str | None = None  # source column whose prefix gives the platform
    extract_from_text: list[str] = field(default_factory=list)
    # more source columns of a list field (repeated --map urls=a --map urls=b): concatenated
    extra_columns: dict[str, list[str]] = field(default_factory=dict)
    date_format: str | None = None  # strptime pattern of created_at text (--date-format)
    dayfirst: bool = False  # dd/mm/yyyy dates (--dayfirst)
    encoding: str | None = None  # CSV encoding (sniffed or --encoding)
    delimiter: str | None = None  # CSV delimiter (sniffed or --delimiter)
    notes: Counter = field(default_factory=Counter)  # counted repairs, e.g. capped extraction
    # JSON Lines: mapped names read as paths into nested objects (``peer_id.channel_id``)
    nested: frozenset[str] = frozenset()

    def used_columns(self) -> set[str]:
        """The source columns this mapping reads (fields, extra list columns, platform)."""
        used = set(self.columns.values()) | {c for m in self.extra_columns.values() for c in m}
        if self.platform_prefix_of:
            used.add(self.platform_prefix_of)
        return used


def parse_mapping(
    pairs: list[str] | dict[str, str] | None, accounts: bool = False
) -> dict[str, str]:
    """``["text=body", ...]`` -> ``{"text": "body"}``, refusing unknown canonical fields
    (account fields are checked later, by ``resolve_accounts_spec``, when ``accounts``)."""
    if not pairs:
        return {}
    if isinstance(pairs, dict):
        items = list(pairs.items())
    else:
        items = []
        for p in pairs:
            if "=" not in p:
                raise VigieError(f"--map {p!r}: expected FIELD=COLUMN, e.g. --map text=body")
            k, v = p.split("=", 1)
            items.append((k.strip(), v.strip()))
    out: dict[str, Any] = {}
    for k, v in items:
        if k not in KNOWN_FIELDS and not accounts:
            raise VigieError(
                f"--map {k}={v}: unknown field '{k}' (known: {', '.join(sorted(KNOWN_FIELDS))})"
            )
        if not v:
            raise VigieError(f"--map {k}=: empty column name")
        if k in out:
            # a list field may gather several columns; a scalar field cannot hold two values
            if k in LIST_FIELDS and not accounts:
                prev = out[k] if isinstance(out[k], list) else [out[k]]
                if v not in prev:
                    out[k] = prev + [v]
                continue
            first = out[k] if isinstance(out[k], str) else out[k][0]
            if first != v:
                raise VigieError(
                    f"--map {k}= given twice ({first} and {v}): '{k}' holds one value per post; "
                    f"keep one --map {k}=COLUMN (only the list fields "
                    f"{', '.join(LIST_FIELDS)} gather several columns)"
                )
            continue
        out[k] = v
    return out


def _columns_list(v: str | list[str]) -> list[str]:
    return [v] if isinstance(v, str) else list(v)


def mapped_columns(v: str | list[str]) -> list[str]:
    """The source column names one ``--map`` value reads (``prefix:COL`` reads COL)."""
    return [c.removeprefix("prefix:") for c in _columns_list(v)]


def _guessed(columns: list[str], cols: dict[str, str]) -> str:
    """The ``--map`` options the column names suggest, as a sentence to add to a refusal."""
    guess = guess_map.suggest(columns, cols)
    if not guess:
        return ""
    unguessed = [f for f in REQUIRED if f not in cols and f not in guess]
    rest = f"; no column looks like {', '.join(unguessed)}" if unguessed else ""
    return (
        f". By their names, these columns look like the fields: {guess_map.as_options(guess)}"
        f"{rest}; check the reading with --dry-run before ingesting"
    )


def _refuse_repeated_columns(
    path: Path, columns: list[str], used: dict[str, str], more: list[str] | None = None
) -> None:
    """Fail naming the field when a column it reads is named twice in the header.

    Why: a header with ``text,text`` (two exports pasted side by side, a spreadsheet's
    repeated heading) cannot say which of the two is meant; reading either silently drops
    the other, and Arrow raised a bare ``KeyError`` (a traceback) when asked for the name.
    A repeated column that no field reads is harmless and left alone.
    """
    counts = Counter(columns)
    for canon, src in [*used.items(), *(("", m) for m in more or [])]:
        if counts.get(src, 0) > 1:
            raise InputError(
                f"column '{src}' appears {counts[src]} times in the header, so which one "
                f"{canon or 'a --map'} reads is ambiguous: rename the copies (or map another "
                "column with --map FIELD=COLUMN)",
                file=str(path),
                field=canon or None,
            )


def _first_values(
    path: Path, fmt: str, column: str, encoding: str | None, delimiter: str | None, n: int
) -> list[Any]:
    """Up to ``n`` values of ``column`` from the file's first rows (for a suggestion only:
    any reading problem gives none, the reader proper says it)."""
    import itertools

    try:
        if fmt == "parquet":
            batch = next(pq.ParquetFile(path).iter_batches(batch_size=n, columns=[column]), None)
            return [] if batch is None else batch.column(0).to_pylist()
        if fmt == "csv":
            import csv

            d = csv_dialect(path, encoding, delimiter)
            enc = "utf-8-sig" if d.encoding == "utf-8" else d.encoding
            with open(path, encoding=enc, newline="") as fh:
                reader = csv.reader(fh, delimiter=d.delimiter)
                for _ in range(d.skip - 1):
                    next(reader, None)
                header = [h.strip().lstrip("\ufeff") for h in next(reader, [])]
                at = header.index(column)
                return [row[at] for row in itertools.islice(reader, n) if len(row) > at]
        if fmt == "jsonl":
            out = []
            with open(path, encoding="utf-8", errors="replace") as fh:
                for line in itertools.islice(fh, n):
                    obj = json.loads(line) if line.strip() else None
                    if isinstance(obj, dict):
                        out.append(obj.get(column))
            return out
    except Exception:  # noqa: BLE001 (a suggestion: the reader reports the file's problems)
        return []
    return []


def platform_prefix_hint(
    path: Path,
    fmt: str,
    columns: list[str],
    mapping: dict[str, str],
    encoding: str | None = None,
    delimiter: str | None = None,
) -> str:
    """``--map platform=prefix:COL`` when the account ids say their platform (``fb_1``,
    ``tw_9``: the German 2021 election sample CooRTweet ships): the refusal named three
    ways to give a platform and not the one the file calls for."""
    srcs = _columns_list(mapping["account_id"]) if "account_id" in mapping else ["account_id"]
    col = srcs[0]
    if col not in columns:
        return ""
    values = [str(v) for v in _first_values(path, fmt, col, encoding, delimiter, 500) if v]
    prefixes = [v.split("_", 1)[0].lower() for v in values if "_" in v]
    known = [p for p in prefixes if p in PLATFORM_PREFIXES]
    if not values or len(known) < 0.9 * len(values):
        return ""
    seen = sorted(set(known))
    names = ", ".join(f"{p}_ ({PLATFORM_PREFIXES[p]})" for p in seen)
    return f"; its {col} values start with {names}: --map platform=prefix:{col}"


def resolve_spec(
    path: Path,
    columns: list[str],
    mapping: dict[str, str],
    platform: str | None,
    platform_hint: str = "",
) -> Spec:
    """Check the mapping against the file's columns; a missing required column is fatal.
    ``platform_hint`` ends the refusal of a file that names no platform
    (``platform_prefix_hint``)."""
    cols: dict[str, str] = {}
    extra: dict[str, list[str]] = {}
    prefix_col = None
    for canon, srcs in mapping.items():
        srcs = _columns_list(srcs)
        src = srcs[0]
        for more in srcs[1:]:
            if more not in columns:
                raise InputError(
                    f"column '{more}' (mapped to {canon}) not found; columns are: "
                    f"{', '.join(columns)}",
                    file=str(path),
                    field=canon,
                )
        if len(srcs) > 1:
            extra[canon] = srcs[1:]
        if canon == "platform" and src.startswith("prefix:"):
            prefix_col = src.split(":", 1)[1]
            if prefix_col not in columns:
                raise InputError(
                    f"column '{prefix_col}' (for --map platform=prefix:{prefix_col}) not found; "
                    f"columns are: {', '.join(columns)}",
                    file=str(path),
                    field="platform",
                )
            continue
        if src not in columns:
            raise InputError(
                f"column '{src}' (mapped to {canon}) not found; columns are: {', '.join(columns)}",
                file=str(path),
                field=canon,
            )
        cols[canon] = src
    for canon in KNOWN_FIELDS:
        if canon not in cols and canon in columns and not (canon == "platform" and prefix_col):
            cols[canon] = canon
    for canon in REQUIRED:
        if canon not in cols and guess_map.looks_like_accounts(columns):
            raise InputError(
                f"its columns ({', '.join(columns)}) are a table of accounts (profiles), "
                "not of posts: ingest it with --format accounts, into the Dataset of the posts",
                file=str(path),
            )
        if canon not in cols:
            raise InputError(
                f"required field '{canon}' has no column: add --map {canon}=COLUMN "
                f"(columns are: {', '.join(columns)}){_guessed(columns, cols)}",
                file=str(path),
                field=canon,
            )
    if "platform" not in cols and prefix_col is None and platform is None:
        raise InputError(
            "no platform: pass --platform NAME, --map platform=COLUMN or "
            f"--map platform=prefix:COLUMN{platform_hint}",
            file=str(path),
            field="platform",
        )
    _refuse_repeated_columns(
        path,
        columns,
        cols,
        [m for ms in extra.values() for m in ms] + ([prefix_col] if prefix_col else []),
    )
    extract = []
    if "text" in cols:
        extract = [f for f in ("urls", "hashtags", "mentions") if f not in cols]
    return Spec(
        columns=cols,
        platform=None if ("platform" in cols or prefix_col) else platform,
        platform_prefix_of=prefix_col,
        extract_from_text=extract,
        extra_columns=extra,
    )


# --- column conversions ----------------------------------------------------------------------


def _to_str(arr: pa.Array) -> pa.Array:
    """Identifiers and text as strings; integral floats lose their ``.0`` (ids read as floats)."""
    t = arr.type
    if pa.types.is_string(t):
        return arr
    if pa.types.is_large_string(t) or pa.types.is_dictionary(t):
        return arr.cast(pa.string())
    if pa.types.is_floating(t):
        np_vals = arr.to_numpy(zero_copy_only=False)
        # NaN and infinities are no identifier or text: they become missing values
        nonfinite = ~np.isfinite(np_vals)
        if nonfinite.any():
            arr = pc.if_else(pa.array(nonfinite), pa.scalar(None, t), arr)
            np_vals = np.where(nonfinite, 0.0, np_vals)
        finite = np.isfinite(np.nan_to_num(np_vals, nan=0.0))
        if finite.all() and np.all(np.nan_to_num(np_vals, nan=0.0) % 1 == 0):
            return arr.cast(pa.int64()).cast(pa.string())
    return arr.cast(pa.string())


def _decode_binary(
    table: pa.Table, canon_of: dict[str, str]
) -> tuple[pa.Table, dict[str, list[str | None]]]:
    """Binary columns (``canon_of``: source column -> canonical field) decoded as UTF-8 text,
    and per field the rows whose bytes are no UTF-8, with why.

    Why: Arrow's cast to text is all or nothing, so one post id or text of invalid bytes in a
    binary Parquet column (as a C or Go exporter writes) failed its whole batch of 100,000
    rows. Such a row is refused alone, naming the field and the first bad byte; its excerpt
    shows the value with U+FFFD in place of the bytes."""
    reasons: dict[str, list[str | None]] = {}
    for i, f in enumerate(table.schema):
        canon = canon_of.get(f.name)
        if canon is None or not (pa.types.is_binary(f.type) or pa.types.is_large_binary(f.type)):
            continue
        arr = table.column(i).combine_chunks()
        try:
            decoded = arr.cast(pa.string())
        except pa.ArrowInvalid:
            why: list[str | None] = [None] * len(arr)
            texts: list[str | None] = []
            for row, b in enumerate(arr.to_pylist()):
                try:
                    texts.append(None if b is None else b.decode("utf-8"))
                except UnicodeDecodeError as exc:
                    texts.append(b.decode("utf-8", "replace"))
                    why[row] = f"not UTF-8 text: byte 0x{b[exc.start]:02x} at offset {exc.start}"
            decoded = pa.array(texts, pa.string())
            reasons[canon] = why
        table = table.set_column(i, f.name, decoded)
    return table, reasons


def _blank_to_null(arr: pa.Array) -> pa.Array:
    trimmed = pc.utf8_trim_whitespace(arr)
    return pc.if_else(pc.equal(trimmed, ""), pa.scalar(None, pa.string()), arr)


DAYFIRST_FORMATS = [
    f"%d{sep}%m{sep}%Y{clock}"
    for sep in "/.-"
    for clock in (" %H:%M:%S", " %H:%M", "T%H:%M:%S", "")
]
_SLASHED = re.compile(r"\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{2,4})\b")


def date_hint(value: Any) -> str:
    """What to pass for a dd/mm/yyyy or mm/dd/yyyy value ISO 8601 parsing refused ("" if none).

    Why: a day-first export rejects every row; the reason must name the flag that reads it.
    """
    m = _SLASHED.match(value) if isinstance(value, str) else None
    if not m:
        return ""
    a, b = int(m.group(1)), int(m.group(2))
    if b > 12 >= a:
        return "; looks like mm/dd/yyyy: pass --date-format '%m/%d/%Y %H:%M' (adapt the pattern)"
    return (
        "; looks like dd/mm/yyyy: pass --dayfirst (or --date-format '%d/%m/%Y %H:%M', "
        "'%m/%d/%Y %H:%M' if months come first)"
    )


def _timestamps_pattern(
    arr: pa.Array, date_format: str | None, dayfirst: bool
) -> tuple[pa.Array, list[str | None]]:
    """Times read with an explicit strptime pattern (``--date-format``) or day-first ones."""
    s = pc.utf8_trim_whitespace(arr.cast(pa.string()))
    out = pa.nulls(len(s), TS)
    for fmt in [date_format] if date_format else DAYFIRST_FORMATS:
        try:
            parsed = pc.strptime(s, format=fmt, unit="us", error_is_null=True)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
            raise VigieError(
                f"--date-format {fmt!r}: not a usable strptime pattern ({exc})"
            ) from None
        if parsed.type.tz is None:
            parsed = parsed.cast(pa.timestamp("us", tz="UTC"))
        out = pc.coalesce(out, parsed.cast(TS))
    iso_reasons: list[str | None] | None = None
    if not date_format:  # --dayfirst still reads ISO 8601 and POSIX seconds
        iso, iso_reasons = _timestamps(arr)
        out = pc.coalesce(out, iso)
    ints = out.cast(pa.int64())
    in_range = pc.fill_null(
        pc.and_(pc.greater_equal(ints, MIN_TS_US), pc.less(ints, MAX_TS_US)), False
    )
    out = pc.if_else(in_range, out, pa.scalar(None, TS))
    reasons: list[str | None] = [None] * len(arr)
    raw = s.to_pylist()
    for i in np.flatnonzero(~in_range.to_numpy(zero_copy_only=False)):
        v = raw[i]
        if v is None or v == "":
            reasons[i] = "missing"
        elif date_format:
            reasons[i] = f"does not match --date-format {date_format!r}: {v!r}"
        else:
            reasons[i] = f"not a day-first date (dd/mm/yyyy [HH:MM[:SS]]) nor ISO 8601: {v!r}"
    return out, reasons


def _timestamp_column(arr: pa.Array) -> tuple[pa.Array, list[str | None]]:
    """A timestamp column (any unit, any zone: the instant is kept) as canonical times."""
    return unit_times(arr.cast(pa.int64()), arr.type.unit)


def _timestamps(
    arr: pa.Array, date_format: str | None = None, dayfirst: bool = False
) -> tuple[pa.Array, list[str | None]]:
    """Canonical UTC microsecond times, and per row ``None`` or the reason it is invalid."""
    t = arr.type
    n = len(arr)
    if date_format in EPOCH_FORMATS and not (pa.types.is_timestamp(t) or pa.types.is_date(t)):
        return epoch_times(arr, date_format)
    if (date_format or dayfirst) and (pa.types.is_string(t) or pa.types.is_large_string(t)):
        return _timestamps_pattern(arr, date_format, dayfirst)
    out: pa.Array | None = None
    if pa.types.is_timestamp(t):
        return _timestamp_column(arr)
    if pa.types.is_date(t):
        out = arr.cast(pa.timestamp("us")).cast(TS)
    elif pa.types.is_integer(t) or pa.types.is_floating(t):
        # unsafe: an int64 past 2**53 (a bad value, out of range anyway) is no reason to fail
        f = arr.cast(pa.float64(), safe=False).to_numpy(zero_copy_only=False)
        with np.errstate(invalid="ignore", over="ignore"):
            us = np.round(f * 1_000_000)
        ok = np.isfinite(us) & (us >= MIN_TS_US) & (us < MAX_TS_US)
        mask = ~ok if not ok.all() else None  # a NumPy mask: Arrow takes no Arrow one here
        vals = np.where(ok, us, 0).astype(np.int64)
        out = pa.array(vals, pa.int64(), mask=mask).cast(TS)
        reasons: list[str | None] = [None] * n
        if not ok.all():
            for i in np.flatnonzero(~ok):
                v = f[i]
                reasons[i] = (
                    "missing"
                    if np.isnan(v)
                    else f"out of range 1990-2100 (expected POSIX seconds): {float(v)!r}"
                    + epoch_unit_hint(float(v), table=True)
                )
        return out, reasons
    elif pa.types.is_string(t) or pa.types.is_large_string(t):
        try:
            out = arr.cast(TS)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            out = None
    if out is not None:
        ints = out.cast(pa.int64())
        bad = pc.or_kleene(
            pc.is_null(ints), pc.or_(pc.less(ints, MIN_TS_US), pc.greater_equal(ints, MAX_TS_US))
        )
        bad = pc.fill_null(bad, True)
        if not pc.any(bad).as_py():
            return out, [None] * n
        reasons = [None] * n
        raw = arr.to_pylist()
        for i in np.flatnonzero(bad.to_numpy(zero_copy_only=False)):
            reasons[i] = "missing" if raw[i] is None else f"out of range 1990-2100: {raw[i]!s}"
        return pc.if_else(bad, pa.scalar(None, TS), out), reasons
    # slow path: value by value, to say precisely which rows are bad and why
    values: list[Any] = []
    reasons = []
    for v in arr.to_pylist():
        try:
            values.append(ts_from_value(v, table=True))
            reasons.append(None)
        except ValueError as exc:
            values.append(None)
            reasons.append(str(exc) + date_hint(v))
    return pa.array(values, TS), reasons


def _split_text_list(s: str) -> list[str]:
    s = s.strip()
    if s.startswith("["):
        try:
            v = json.loads(s)
        except (ValueError, RecursionError):  # ValueError: a too long integer too
            raise ValueError(f"not a JSON array: {s[:80]!r}") from None
        if not isinstance(v, list):
            raise ValueError("not a JSON array")
        return [str(x) for x in v if x is not None]
    return s.split()


def _urls_of_texts(texts: list[str | None]) -> pa.Array:
    """``urls_in_text`` of each text (null for a null text), each distinct URL keyed once.

    Why: URLs repeat (a campaign's link in thousands of posts); keying them post by post
    (``canonical_urls``) cost ~3 s per million posts, once per distinct URL with Arrow
    kernels (``sqlbatch.map_list_urls``, as the platform readers key theirs) a fraction.
    The texts come from an Arrow column: valid UTF-8, so no lone surrogate reaches Arrow
    again (the Jetstream reader, whose texts are Python's, checks for them).
    ural reads each distinct text once: retweets, quotes of one post and pasted texts
    repeat a text many times in real collections."""
    seen: dict[str, list[str]] = {}
    for t in texts:
        if t is not None and t not in seen:
            seen[t] = raw_urls_in_text(t)
    lists = pa.array([seen[t] if t is not None else None for t in texts], STR_LIST)
    keyed = sqlbatch.first_seen(sqlbatch.map_list_urls(lists, canonical_url))
    return pa.ListArray.from_arrays(keyed.offsets, keyed.values, mask=lists.is_null())


def _lists(arr: pa.Array) -> tuple[pa.Array, list[str | None]]:
    """A list<string> column from a list column, JSON-array/space-separated text, or scalars."""
    n = len(arr)
    t = arr.type
    reasons: list[str | None] = [None] * n
    if pa.types.is_list(t) or pa.types.is_large_list(t):
        return arr.cast(STR_LIST), reasons
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        out: list[list[str] | None] = []
        for i, v in enumerate(arr.to_pylist()):
            if v is None:
                out.append([])
                continue
            try:
                out.append(_split_text_list(v))
            except ValueError as exc:
                out.append(None)
                reasons[i] = str(exc)
        return pa.array(out, STR_LIST), reasons
    # scalar column (e.g. an integer url_id): one value per row, null -> empty list
    s = _to_str(arr)
    valid = pc.is_valid(s).to_numpy(zero_copy_only=False)
    offsets = np.concatenate([[0], np.cumsum(valid)]).astype(np.int32)
    values = s.filter(pc.is_valid(s))
    return pa.ListArray.from_arrays(pa.array(offsets), values), reasons


def canonical_platform(name: str) -> str:
    """House platform names: ``twitter``/``tw`` -> ``x``, ``fb`` -> ``facebook`` ..."""
    n = name.strip().lower()
    return PLATFORM_PREFIXES.get(n, n)


def _map_values(arr: pa.Array, fn: Any) -> pa.Array:
    """Apply ``fn`` to each distinct non-null string of ``arr``."""
    uniq = pc.unique(arr)
    mapped = pa.array([fn(u) if u is not None else None for u in uniq.to_pylist()], pa.string())
    return mapped.take(pc.index_in(arr, value_set=uniq))


def _clean_tag(v: str) -> str:
    return tag_lower(v.strip().lstrip("#"))


def _clean_mention(v: str) -> str:
    return v.strip().lstrip("@")


def _platforms_from_prefix(arr: pa.Array) -> tuple[pa.Array, list[str | None]]:
    raw = arr.to_pylist()
    out: list[str | None] = []
    reasons: list[str | None] = []
    for v in raw:
        p = None
        if v is not None and "_" in v:
            p = PLATFORM_PREFIXES.get(v.split("_", 1)[0].lower())
        out.append(p)
        reasons.append(None if p else f"no known platform prefix in {v!r}")
    return pa.array(out, pa.string()), reasons


def _ints(arr: pa.Array) -> tuple[pa.Array, list[str | None]]:
    n = len(arr)
    try:
        if pa.types.is_floating(arr.type):
            raise pa.ArrowInvalid("float")
        ints = arr.cast(pa.int64())
        if not pc.any(pc.less(ints, 0)).as_py():
            return ints, [None] * n
        # a negative count: refused below with its reason, as in a column of mixed types
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        pass
    out: list[int | None] = []
    reasons: list[str | None] = []
    for v in arr.to_pylist():
        try:
            if v is None or (isinstance(v, str) and not v.strip()):
                out.append(None)
            else:
                f = float(v)
                if f != int(f) or f < 0 or f >= 2**63:  # over 64 bits: no count, a typo
                    raise ValueError
                out.append(int(f))
            reasons.append(None)
        except (ValueError, TypeError, OverflowError):
            out.append(None)
            reasons.append(f"not a non-negative integer: {v!r}")
    return pa.array(out, pa.int64()), reasons


def _canon_of(spec: Spec) -> dict[str, str]:
    """Each source column a spec reads -> the canonical field it feeds (the first, if more)."""
    out: dict[str, str] = {}
    if spec.platform_prefix_of:
        out[spec.platform_prefix_of] = "platform"
    for canon, col in spec.columns.items():
        out.setdefault(col, canon)
    for canon, more in spec.extra_columns.items():
        for col in more:
            out.setdefault(col, canon)
    return out


def convert(
    table: pa.Table, spec: Spec, file: str, record_numbers: list[int | str]
) -> tuple[pa.Table, pa.Table, list[Rejected]]:
    """Turn a source batch into canonical posts and accounts; refuse rows with bad values."""
    n = table.num_rows
    bad: list[tuple[str, str, str] | None] = [None] * n  # (reason, field, detail)

    def flag(reasons: list[str | None], fld: str, label: str) -> None:
        if reasons.count(None) == len(reasons):  # the usual case, at C speed
            return
        for i, r in enumerate(reasons):
            if r is not None and bad[i] is None:
                bad[i] = (f"{label} {fld}", fld, r)

    cols: dict[str, pa.Array] = {}
    src = spec.columns
    table, undecoded = _decode_binary(table, _canon_of(spec))
    for fld, reasons in undecoded.items():
        flag(reasons, fld, "invalid")
    for fld in ("post_id", "account_id"):
        a = _blank_to_null(_to_str(table.column(src[fld]).combine_chunks()))
        if a.null_count:
            flag(
                ["missing" if isnull else None for isnull in pc.is_null(a).to_pylist()],
                fld,
                "missing",
            )
        cols[fld] = a
    created, reasons = _timestamps(
        table.column(src["created_at"]).combine_chunks(), spec.date_format, spec.dayfirst
    )
    flag(reasons, "created_at", "invalid")
    for i, r in enumerate(reasons):
        if r == "missing" and bad[i] is not None and bad[i][1] == "created_at":
            bad[i] = ("missing created_at", "created_at", "missing")
    cols["created_at"] = created
    if spec.platform_prefix_of:
        plat, reasons = _platforms_from_prefix(
            _to_str(table.column(spec.platform_prefix_of).combine_chunks())
        )
        flag(reasons, "platform", "unknown")
    elif "platform" in src:
        plat = _blank_to_null(_to_str(table.column(src["platform"]).combine_chunks()))
        if plat.null_count:
            flag(
                [("missing" if x else None) for x in pc.is_null(plat).to_pylist()],
                "platform",
                "missing",
            )
        plat = _map_values(pc.utf8_lower(plat), canonical_platform)
    else:
        plat = pa.array([spec.platform] * n, pa.string())
    cols["platform"] = plat
    for fld in ("text", "lang", "repost_of", "reply_to", "quote_of", "client"):
        if fld in src:
            a = _to_str(table.column(src[fld]).combine_chunks())
            cols[fld] = a if fld == "text" else _blank_to_null(a)
    if "client" in cols:
        cols["client"] = _map_values(cols["client"], client_name)
    for fld in LIST_FIELDS:
        if fld not in src:
            continue
        lists, reasons = _lists(table.column(src[fld]).combine_chunks())
        flag(reasons, fld, "invalid")
        for more in spec.extra_columns.get(fld, []):
            # repeated --map for a list field: the row's lists, concatenated in --map order
            more_lists, reasons = _lists(table.column(more).combine_chunks())
            flag(reasons, fld, "invalid")
            lists = pa.array(
                [
                    None if a is None and b is None else (a or []) + (b or [])
                    for a, b in zip(lists.to_pylist(), more_lists.to_pylist(), strict=True)
                ],
                STR_LIST,
            )
        if fld == "urls":
            lists = sqlbatch.map_list_urls(lists, canonical_url)
        elif fld == "hashtags":
            lists = sqlbatch.map_list_values(lists, _clean_tag)
        elif fld == "mentions":
            lists = sqlbatch.map_list_values(lists, _clean_mention)
        cols[fld] = lists
    if spec.extract_from_text:
        texts = cols["text"].to_pylist()
        long = sum(1 for t in texts if t is not None and len(t) > MAX_EXTRACT_CHARS)
        if long:
            spec.notes[
                f"text longer than {MAX_EXTRACT_CHARS:,} characters: urls, hashtags and mentions "
                "read from its head only"
            ] += long
            texts = [t[:MAX_EXTRACT_CHARS] if t is not None else None for t in texts]
        for fld in spec.extract_from_text:
            if fld == "urls":
                cols[fld] = _urls_of_texts(texts)
                continue
            char = {"hashtags": "#", "mentions": "@"}[fld]
            cols[fld] = items_in_texts(texts, char)

    acc: dict[str, pa.Array] = {"account_id": cols["account_id"], "platform": cols["platform"]}
    for canon, target in ACCOUNT_FIELDS.items():
        if canon not in src:
            continue
        raw = table.column(src[canon]).combine_chunks()
        if target in ("followers", "following", "posts_count"):
            vals, reasons = _ints(raw)
            flag(reasons, canon, "invalid")
        elif target == "created_at":
            vals, reasons = _timestamps(raw)
            flag([None if r in (None, "missing") else r for r in reasons], canon, "invalid")
        else:
            vals = _to_str(raw)
        acc[target] = vals

    keep = np.array([b is None for b in bad], dtype=bool)
    rejected: list[Rejected] = []
    if not keep.all():
        for i in np.flatnonzero(~keep):
            reason, fld, detail = bad[i]  # type: ignore[misc]
            row = _row_of(table, int(i))
            rejected.append(
                Rejected(
                    file=file,
                    record=record_numbers[i],
                    reason=reason,
                    field=fld,
                    detail=detail,
                    excerpt=excerpt(row),
                )
            )
    mask = pa.array(keep)
    posts = pa.table({k: v for k, v in cols.items()})
    posts = _conform(posts.filter(mask) if not keep.all() else posts, POSTS_SCHEMA)
    accounts = pa.table(acc)
    accounts = accounts.filter(mask) if not keep.all() else accounts
    accounts = _dedup_accounts(_conform(accounts, ACCOUNTS_SCHEMA))
    return posts, accounts, rejected


def _conform(table: pa.Table, schema: pa.Schema) -> pa.Table:
    arrays = []
    for f in schema:
        if f.name in table.column_names:
            arrays.append(table.column(f.name).cast(f.type))
        else:
            arrays.append(pa.nulls(table.num_rows, f.type))
    return pa.Table.from_arrays(arrays, schema=schema)


def _dedup_accounts(accounts: pa.Table) -> pa.Table:
    """One row per account within a batch (last non-null value of each field)."""
    if accounts.num_rows <= 1:
        return accounts
    others = [c for c in accounts.column_names if c not in ("platform", "account_id")]
    g = accounts.group_by(["platform", "account_id"], use_threads=False).aggregate(
        [(c, "last") for c in others]
    )
    g = g.rename_columns([c[:-5] if c.endswith("_last") else c for c in g.column_names])
    return _conform(g, ACCOUNTS_SCHEMA)


# --- readers ---------------------------------------------------------------------------------


SNIFF_BYTES = 1 << 16
DELIMITERS = (",", ";", "\t", "|")


@dataclass(frozen=True)
class CsvDialect:
    """How a CSV file is written: its encoding (Python codec name) and delimiter."""

    encoding: str
    delimiter: str
    note: str | None = None  # said to the user when we guessed (e.g. the Latin-1 fallback)
    # lines before the data: the header, after Excel's ``sep=;`` line when there is one
    skip: int = 1


def csv_dialect(
    path: Path, encoding: str | None = None, delimiter: str | None = None
) -> CsvDialect:
    """Sniff a CSV's encoding (byte-order mark, UTF-8, else Latin-1) and delimiter.

    Why: spreadsheets in French locales save ``;``-separated files, Excel "Unicode text" is
    UTF-16 with tabs, and older tools write Latin-1; each must read without flags, and any
    guess is said aloud (``--encoding``/``--delimiter`` override it).
    """
    try:
        with open(path, "rb") as fh:
            head = fh.read(SNIFF_BYTES)
    except OSError as exc:
        raise InputError(f"cannot read CSV file: {exc}", file=str(path)) from exc
    note = None
    if encoding:
        codec_name(encoding)  # one line for an unknown encoding
        enc = encoding
    elif head.startswith(b"\xef\xbb\xbf"):
        enc = "utf-8-sig"
    elif head.startswith((b"\xff\xfe", b"\xfe\xff")):
        enc = "utf-16"
    else:
        try:
            head.decode("utf-8")
            enc = "utf-8"
        except UnicodeDecodeError as exc:
            if exc.start >= len(head) - 4 and len(head) == SNIFF_BYTES:
                enc = "utf-8"  # a character cut by the sniff window
            else:
                enc = "latin-1"
                note = (
                    f"not UTF-8 (byte {exc.start}): read as Latin-1; pass --encoding "
                    "(e.g. cp1252) if accents look wrong"
                )
    text = head.decode(enc, errors="replace").lstrip("\ufeff")
    if len(head) == SNIFF_BYTES and "\n" in text:
        text = text[: text.rindex("\n") + 1]  # whole lines only
    first = text.split("\n", 1)[0]
    excel = EXCEL_SEP.fullmatch(first.rstrip("\r"))
    above = 0  # rows above the header (a report's preamble: ``csv_preamble``)
    if delimiter:
        delim = "\t" if delimiter in ("\\t", "tab") else delimiter
        if len(delim) != 1:
            raise VigieError(f"--delimiter {delimiter!r}: expected one character (or 'tab')")
        above = 0 if excel else csv_preamble.header_row(text, delim)
    elif excel:
        delim = excel.group(1)
    else:
        counts = {d: _count_outside_quotes(first, d) for d in DELIMITERS}
        best = max(DELIMITERS, key=lambda d: (counts[d], d == ","))
        delim = best if counts[best] > 0 else ("\t" if path.suffix.lower() == ".tsv" else ",")
        found = csv_preamble.sniff(text, DELIMITERS) if counts[best] <= 1 else None
        if found is not None:
            delim, above = found
    if above:
        said = (
            f"the header is row {above + 1}: the {above} row(s) above it, a report's "
            "preamble, were skipped"
        )
        note = f"{note}; {said}" if note else said
    return CsvDialect(enc, delim, note, skip=2 if excel else 1 + above)


EXCEL_SEP = re.compile(r"sep=(.)")
"""Excel's first line naming the delimiter (``sep=;``), written before the header by tools
that export for Excel in locales where ``,`` is the decimal mark: it is no header, and it
says the delimiter outright."""


def _count_outside_quotes(line: str, ch: str) -> int:
    n, quoted = 0, False
    for c in line:
        if c == '"':
            quoted = not quoted
        elif c == ch and not quoted:
            n += 1
    return n


def _arrow_encoding(enc: str) -> str:
    """Arrow reads UTF-8 natively (skipping a BOM); other codecs go through Python."""
    return "utf8" if enc in ("utf-8", "utf-8-sig", "utf8") else enc


def columns_of(
    path: Path, fmt: str, encoding: str | None = None, delimiter: str | None = None
) -> list[str]:
    """The column names of a tabular file (for mapping checks before any work)."""
    try:
        if fmt == "parquet":
            return pq.read_schema(path).names
        if fmt == "csv":
            import csv

            d = csv_dialect(path, encoding, delimiter)
            enc = "utf-8-sig" if d.encoding == "utf-8" else d.encoding
            with open(path, encoding=enc, newline="") as fh:
                reader = csv.reader(fh, delimiter=d.delimiter)
                for _ in range(d.skip - 1):  # Excel's ``sep=`` line, a report's preamble
                    next(reader, None)
                header = next(reader, None)
            if not header:
                raise InputError("empty CSV file (no header row)", file=str(path))
            return [h.strip().lstrip("\ufeff") for h in header]
        if fmt == "jsonl":
            keys: dict[str, None] = {}
            # bytes, as the readers decode each line: a line that is not UTF-8 is one refused
            # record there, not a reason to refuse the whole file here
            not_utf8: tuple[int, UnicodeDecodeError] | None = None
            unread: tuple[int, str] | None = None  # an object json could not read
            with open(path, "rb") as fh:
                # a line over the record limit is skipped unread (the readers refuse it)
                lines = jsonlines.read_lines(fh, jsonlines.MAX_RECORD_BYTES)
                for k, (lineno, line, size) in enumerate(lines):
                    if k >= 1000:
                        break
                    if size > len(line):
                        continue
                    try:
                        text = line.decode("utf-8")
                    except UnicodeDecodeError as exc:
                        not_utf8 = not_utf8 or (lineno, exc)
                        continue
                    if k == 0:
                        text = text.removeprefix("\ufeff")
                    try:
                        obj = json.loads(text)
                    except (ValueError, RecursionError) as exc:
                        deep = isinstance(exc, RecursionError)
                        why = "nested too deeply" if deep else too_long(exc)
                        if why is not None and unread is None:
                            unread = (lineno, why)
                        continue
                    if isinstance(obj, dict):
                        keys.update(dict.fromkeys(obj))
            if not keys and not_utf8 is not None:  # no line read: the encoding is the problem
                lineno, exc = not_utf8
                raise InputError(
                    f"not UTF-8 text (line {lineno}, byte {exc.start + 1}: "
                    f"0x{exc.object[exc.start]:02x}): pass the file's encoding, e.g. "
                    '--encoding latin-1 or cp1252 (utf-16 for Excel\'s "Unicode text")',
                    file=str(path),
                )
            if not keys:
                why = f" (line {unread[0]}: {unread[1]})" if unread is not None else ""
                raise InputError(
                    "no JSON object in its first lines (from line 1 on, none is a JSON Lines "
                    f"record{why}); check the file and --format",
                    file=str(path),
                )
            return list(keys)
    except InputError:
        raise
    except (OSError, UnicodeError, pa.ArrowInvalid) as exc:
        raise InputError(f"cannot read {fmt} file: {exc}", file=str(path)) from exc
    except csv_error() as exc:
        raise InputError(f"cannot read the CSV header: {exc}", file=str(path)) from exc
    raise ValueError(fmt)


def csv_error() -> type[Exception]:
    import csv

    return csv.Error


def read_parquet(path: Path, spec: Spec) -> Iterator[Batch]:
    try:
        pf = pq.ParquetFile(path)
    except (OSError, pa.ArrowInvalid) as exc:
        raise InputError(f"cannot read Parquet file: {exc}", file=str(path)) from exc
    needed = sorted(
        (
            set(spec.columns.values())
            | ({spec.platform_prefix_of} if spec.platform_prefix_of else set())
            | {c for more in spec.extra_columns.values() for c in more}
        )
        - spec.nested
        | {c.split(".", 1)[0] for c in spec.nested}  # struct columns read through a path
    )
    _refuse_nested_columns(path, arrow_paths.with_paths(pf.schema_arrow, spec.nested), spec)
    row = 0
    for rb in pf.iter_batches(batch_size=BATCH_ROWS, columns=needed):
        t = arrow_paths.add_paths(pa.Table.from_batches([rb]), spec.nested)
        nums = list(range(row + 1, row + 1 + t.num_rows))
        row += t.num_rows
        try:
            posts, accounts, rejected = convert(t, spec, str(path), nums)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError) as exc:
            # a column type no check above foresaw: name the file and the rows, not only
            # Arrow's words
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise InputError(
                f"cannot convert rows {nums[0]}-{nums[-1]} ({first}); check the mapped "
                "columns' types (--dry-run shows them)",
                file=str(path),
            ) from exc
        yield Batch(posts, accounts, rejected, {}, t.num_rows)


def _refuse_nested_columns(path: Path, schema: pa.Schema, spec: Spec) -> None:
    """Fail naming the field when a Parquet column it reads holds records or maps.

    Why: a ``text`` or ``post_id`` mapped to a struct column (a nested export read as is)
    cannot become text; Arrow said "Unsupported cast from struct" without the file or the
    field. List fields may hold lists; no field reads a struct or a map.
    """
    for fld, col in spec.columns.items():
        if col not in schema.names:
            continue
        t = schema.field(col).type
        nested = pa.types.is_struct(t) or pa.types.is_map(t) or pa.types.is_union(t)
        listy = pa.types.is_list(t) or pa.types.is_large_list(t)
        if listy and fld in LIST_FIELDS:
            value = t.value_type
            nested = pa.types.is_nested(value)
        elif listy:
            nested = True
        if nested:
            raise InputError(
                f"column '{col}' holds {t}, which is no {fld} value: map a column of text, "
                "numbers or times (or flatten the nested one first)",
                file=str(path),
                field=fld,
            )


def read_csv(path: Path, spec: Spec) -> Iterator[Batch]:
    d = csv_dialect(path, spec.encoding, spec.delimiter)
    names = columns_of(path, "csv", d.encoding, d.delimiter)
    needed = set(spec.columns.values()) | (
        {spec.platform_prefix_of} if spec.platform_prefix_of else set()
    )
    for more in spec.extra_columns.values():
        needed.update(more)
    invalid: list[Rejected] = []
    seen_invalid = [0, 0]  # invalid rows reported so far; to ignore when re-reading after a retry
    locator = RowLocator(path, d.encoding)
    try:
        yield from _read_csv_rows(path, spec, d, names, needed, invalid, seen_invalid, locator)
    finally:
        locator.close()


def _read_csv_rows(
    path: Path,
    spec: Spec,
    d: CsvDialect,
    names: list[str],
    needed: set[str],
    invalid: list[Rejected],
    seen_invalid: list[int],
    locator: RowLocator,
) -> Iterator[Batch]:
    """``read_csv``'s loop: blocks of rows converted, Arrow's refused rows reported."""

    def bad_row(row: Any) -> str:
        # a row with too many or too few fields: refused and counted, never fatal
        if seen_invalid[1] > 0:  # re-reading rows already delivered (bigger blocks)
            seen_invalid[1] -= 1
            return "skip"
        seen_invalid[0] += 1
        invalid.append(_malformed_row(path, row, names, d.delimiter, locator))
        return "skip"

    row = 0
    block = CSV_BLOCK
    # the last column is read even when no field maps it: a quote opened there and never
    # closed swallows every row after it into that one value, which only it can show
    last = set(names[-1:]) if names.count(names[-1]) == 1 else set()
    for t in _csv_tables(path, d, names, needed | last, bad_row, block):
        if t is None:  # a row longer than the block: re-read with bigger blocks, skip done rows
            block *= 8
            if block > MAX_CSV_BLOCK:
                raise InputError(
                    f"a row longer than {MAX_CSV_BLOCK >> 20} MiB after data row {row}: "
                    "refused to bound memory (split that text or shorten it)",
                    file=str(path),
                )
            seen_invalid[1] = seen_invalid[0]
            yield from _csv_resume(path, spec, d, names, needed, bad_row, block, row, invalid)
            return
        # CSV row k (1-based, header excluded) is reported as "row k"
        nums = list(range(row + 1, row + 1 + t.num_rows))
        row += t.num_rows
        open_quote = _unterminated_last_row(path, t, d.encoding)
        if open_quote is not None:
            col, value = open_quote
            t, nums = t.slice(0, t.num_rows - 1), nums[:-1]
            invalid.append(_open_quote_refusal(path, row, col, value))
        t = t.select([i for i, c in enumerate(t.column_names) if c in needed])
        posts, accounts, rejected = convert(t, spec, str(path), nums)
        refused, invalid[:] = list(invalid), []
        yield Batch(posts, accounts, refused + rejected, {}, t.num_rows + len(refused))
    if invalid:
        yield Batch(
            POSTS_SCHEMA.empty_table(), ACCOUNTS_SCHEMA.empty_table(), invalid, {}, len(invalid)
        )


CSV_BLOCK = 8 << 20
MAX_CSV_BLOCK = 512 << 20
"""Arrow parses CSV in blocks and a row must fit in one: blocks grow (x8) only when a row
needs it, up to this bound, so a 100 MB post is read and a runaway one is a clear error."""


def _csv_resume(
    path: Path,
    spec: Spec,
    d: CsvDialect,
    names: list[str],
    needed: set[str],
    bad_row: Any,
    block: int,
    done: int,
    invalid: list[Rejected],
) -> Iterator[Batch]:
    """Continue ``read_csv`` after ``done`` rows with blocks of ``block`` bytes."""
    row = 0
    while True:
        for t in _csv_tables(path, d, names, needed, bad_row, block):
            if t is None:
                block *= 8
                if block > MAX_CSV_BLOCK:
                    raise InputError(
                        f"a row longer than {MAX_CSV_BLOCK >> 20} MiB after data row "
                        f"{max(row, done)}: refused to bound memory (split that text or "
                        "shorten it)",
                        file=str(path),
                    )
                row = 0
                break
            if row + t.num_rows <= done:
                row += t.num_rows
                continue
            if row < done:
                t = t.slice(done - row)
                row = done
            nums = list(range(row + 1, row + 1 + t.num_rows))
            row += t.num_rows
            posts, accounts, rejected = convert(t, spec, str(path), nums)
            refused, invalid[:] = list(invalid), []
            yield Batch(posts, accounts, refused + rejected, {}, t.num_rows + len(refused))
        else:
            break
    if invalid:
        yield Batch(
            POSTS_SCHEMA.empty_table(), ACCOUNTS_SCHEMA.empty_table(), invalid, {}, len(invalid)
        )


def _malformed_row(
    path: Path, row: Any, names: list[str], delimiter: str, locator: RowLocator
) -> Rejected:
    """The refusal of a row Arrow could not split into the header's columns.

    It names the row's line (``RowLocator``), and says when the row spans several lines:
    a quote opened and never closed took every line after it to the end of the file
    ("unterminated quote", with the column and the lines swallowed); one closed later
    joined the rows in between (said in the detail)."""
    text = row.text or ""
    line = locator.line_of(text)
    num: int | str = f"line {line}" if line is not None else "?"
    spans = len(text.splitlines()) - 1
    if spans > 0 and line is not None:
        col = open_quote_column(text, delimiter)
        if col is not None and locator.runs_to_end():
            name = names[col] if col < len(names) else f"#{col + 1}"
            return Rejected(
                str(path),
                num,
                "unterminated quote",
                name,
                f"column {name!r} opens a quote on line {line} that is never closed: it runs "
                f"to the end of the file, over {spans} more line(s), which were read as part "
                "of this row (fix the quote and ingest again)",
                excerpt(text),
            )
    detail = f"expected {row.expected_columns} columns, got {row.actual_columns}"
    if spans > 0:
        where = f"lines {line}-{line + spans}" if line is not None else f"{spans + 1} lines"
        detail += (
            f"; the row spans {where}: a misplaced quote may have joined several rows "
            "into this one (all refused)"
        )
    return Rejected(str(path), num, "malformed CSV row", None, detail, excerpt(text))


def _unterminated_last_row(path: Path, table: pa.Table, encoding: str) -> tuple[str, str] | None:
    """(column, value) when the table's last row ends the file inside an open quote.

    Why: Arrow, like Python's ``csv``, reads a quote that is never closed as a field running
    to the end of the file; when that is the last column the row is well formed, so the rows
    after it vanished silently into one text. Such a value holds a line break and is,
    byte for byte, the end of the file (a closed quote would follow it).
    """
    if table.num_rows == 0:
        return None
    for name in table.column_names:
        value = table.column(name)[-1].as_py()
        if not isinstance(value, str) or ("\n" not in value and "\r" not in value):
            continue
        try:
            tail = value.encode(encoding)
        except (UnicodeError, LookupError):
            continue
        size = path.stat().st_size
        if len(tail) > size:
            continue
        with open(path, "rb") as fh:
            fh.seek(size - len(tail))
            if fh.read() == tail:
                return name, value
    return None


def _open_quote_refusal(path: Path, row: int, col: str, value: str) -> Rejected:
    """The refusal of a CSV row whose last column opens a quote never closed."""
    return Rejected(
        str(path),
        row,
        "unterminated quote",
        col,
        f"column {col!r} opens a quote that is never closed: it runs to the end of the file, "
        f"over {value.rstrip(chr(13) + chr(10)).count(chr(10))} more line(s) (fix the quote and "
        "ingest again)",
        excerpt(value),
    )


def _csv_tables(
    path: Path,
    d: CsvDialect,
    names: list[str],
    needed: set[str],
    bad_row: Any,
    block: int,
) -> Iterator[pa.Table | None]:
    """Arrow tables of a CSV file; ``None`` when a row does not fit in ``block`` bytes."""

    def straddles(exc: Exception) -> bool:
        return "straddl" in str(exc)

    try:
        reader = pacsv.open_csv(
            path,
            read_options=pacsv.ReadOptions(
                block_size=block,
                encoding=_arrow_encoding(d.encoding),
                column_names=names,
                skip_rows=d.skip,
            ),
            parse_options=pacsv.ParseOptions(
                newlines_in_values=True, delimiter=d.delimiter, invalid_row_handler=bad_row
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={c: pa.string() for c in names},
                include_columns=[c for c in names if c in needed],
                strings_can_be_null=True,
            ),
        )
    except (OSError, pa.ArrowInvalid) as exc:
        if straddles(exc):
            yield None
            return
        raise InputError(f"cannot read CSV file: {exc}", file=str(path)) from exc
    while True:
        try:
            rb = reader.read_next_batch()
        except StopIteration:
            return
        except (pa.ArrowInvalid, UnicodeError) as exc:
            if straddles(exc):
                yield None
                return
            hint = ""
            if "UTF8" in str(exc) or isinstance(exc, UnicodeError):
                hint = " (not UTF-8 past the first bytes? pass --encoding latin-1 or cp1252)"
            raise InputError(f"malformed CSV: {exc}{hint}", file=str(path)) from exc
        yield pa.Table.from_batches([rb])


def _scalar(v: Any) -> Any:
    if isinstance(v, dict | list):
        raise ValueError(f"expected a single value, got a JSON {type(v).__name__}")
    if isinstance(v, float) and not np.isfinite(v):
        raise ValueError(f"not a number: {v!r} (NaN or Infinity in JSON)")
    return v


def _listy(v: Any) -> list[str] | None:
    if v is None:
        return None
    if isinstance(v, list):
        return [
            x if isinstance(x, str) else json.dumps(x) if isinstance(x, dict | list) else str(x)
            for x in v
            if x is not None
        ]
    if isinstance(v, str):
        return _split_text_list(v)
    if isinstance(v, int | float) and not isinstance(v, bool):
        return [str(v)]
    raise ValueError(f"expected a list, got a JSON {type(v).__name__}")


def jsonl_fields(spec: Spec) -> list[tuple[str, str, bool]]:
    """(projection key, source column, is a list field) of each column a JSONL read needs."""
    wanted = dict(spec.columns)
    if spec.platform_prefix_of:
        wanted["_platform_src"] = spec.platform_prefix_of
    for canon, more in spec.extra_columns.items():
        for k, col in enumerate(more):
            wanted[f"_{canon}_{k}"] = col
    return [(canon, col, _base_field(canon) in LIST_FIELDS) for canon, col in wanted.items()]


def read_jsonl(path: Path, spec: Spec) -> Iterator[Batch]:
    """One JSON object per line; a line that is not one is refused, not fatal.

    Lines are mapped in DuckDB SQL (``jsonl_sql``); the lines SQL must not judge go through
    ``project_line``, the Python path (also the whole path with ``VIGIE_INGEST_FAST=0``).
    """
    from vigie.ingest import fastlines, jsonl_sql

    if fastlines.env_disabled():
        yield from read_jsonl_python(path, spec)
    else:
        yield from jsonl_sql.read(path, spec)


def json_path_value(obj: Any, path: str) -> Any:
    """The value at the dotted ``path`` of a JSON record (``peer_id.channel_id``); through a
    list, the values of its items (``entities.hashtags.tag`` -> every tag), so that list
    fields read nested exports (Telethon, scrapers' JSON) without flattening them first.
    None where the path ends early."""
    parts = path.split(".")
    v = obj
    for i, key in enumerate(parts):
        if isinstance(v, list):
            out: list[Any] = []
            for item in v:
                x = json_path_value(item, ".".join(parts[i:]))
                out.extend(x if isinstance(x, list) else [] if x is None else [x])
            return out
        if not isinstance(v, dict):
            return None
        v = v.get(key)
    return v


def json_paths_found(path: Path, wanted: list[str], top: list[str]) -> list[str]:
    """The dotted names of ``wanted`` that are no top-level key (``top``) but a path into
    the nested objects of the file's first 1,000 records (``json_path_value``).

    A name that leads nowhere is left out, for the mapping check to refuse it; a name that
    is a top-level key reads that key, dots and all."""
    todo = [w for w in dict.fromkeys(wanted) if "." in w and w not in top]
    if not todo:
        return []
    found: set[str] = set()
    for obj in first_json_objects(path, 1000, "strict"):
        found.update(w for w in todo if json_path_value(obj, w) not in (None, []))
        if len(found) == len(todo):
            break
    return [w for w in todo if w in found]


def first_json_objects(path: Path, n: int, errors: str) -> Iterator[dict[str, Any]]:
    """The JSON objects on the first ``n`` lines of a JSON Lines file, for sniffing: a line
    over the record limit is passed over unread, one that is no JSON object (or, with
    ``errors="strict"``, no UTF-8) is passed over."""
    with open(path, "rb") as fh:
        lines = jsonlines.read_lines(fh, jsonlines.MAX_RECORD_BYTES)
        for k, (_, raw, size) in enumerate(lines):
            if k >= n:
                return
            if size > len(raw):
                continue
            try:
                obj = json.loads(raw.decode("utf-8", errors=errors))
            except (ValueError, RecursionError):  # ValueError: a too long integer too
                continue
            if isinstance(obj, dict):
                yield obj


def project_line(
    fields: list[tuple[str, str, bool]],
    lineno: int,
    line: bytes,
    file: str,
    rejected: list[Rejected],
    nested: frozenset[str] = frozenset(),
) -> list[Any] | None:
    """The projected values of one JSONL line, or ``None`` when it is refused (appended to
    ``rejected``). Values are only sorted into columns here; Arrow does the typing and
    ``convert`` the validation. Columns in ``nested`` are paths into the record
    (``json_path_value``)."""

    def refuse(reason: str, fld: str | None, detail: str) -> None:
        rejected.append(Rejected(file, lineno, reason, fld, detail, excerpt(line.rstrip(b"\n"))))

    try:
        obj = json.loads(line)
    except (ValueError, RecursionError) as exc:  # ValueError: a too long integer too
        refuse("malformed JSON", None, too_long(exc) or str(exc) or "nested too deeply")
        return None
    if type(obj) is not dict:
        refuse("not a JSON object", None, type(obj).__name__)
        return None
    vals = []
    for canon, col, is_list in fields:
        v = json_path_value(obj, col) if col in nested else obj.get(col)
        t = type(v)
        if v is None or (t is list if is_list else t is str):
            vals.append(v)
            continue
        try:
            vals.append(_listy(v) if is_list else _scalar(v))
        except ValueError as exc:
            fld = _base_field(canon)
            refuse(f"invalid {fld}", fld, str(exc))
            return None
    return vals


def read_jsonl_python(path: Path, spec: Spec) -> Iterator[Batch]:
    """The Python path of ``read_jsonl``: every line decoded by ``json``."""
    fields = jsonl_fields(spec)
    try:
        fh = open(path, "rb")  # noqa: SIM115
    except OSError as exc:
        raise InputError(f"cannot read file: {exc}", file=str(path)) from exc
    file = str(path)
    with fh:
        cols: list[list[Any]] = [[] for _ in fields]
        nums: list[int | str] = []
        rejected: list[Rejected] = []
        records = 0
        for lineno, line, size in jsonlines.read_lines(fh, jsonlines.MAX_RECORD_BYTES):
            if lineno == 1 and line.startswith(b"\xef\xbb\xbf"):
                # a byte-order mark is no part of the record (nor its excerpt)
                line, size = line[3:], size - 3
            if not line.strip():
                continue
            records += 1
            big = jsonlines.too_large(file, lineno, line, size)
            if big is not None:  # only its head was read: memory bounded by the limit
                rejected.append(big)
                vals = None
            else:
                vals = project_line(fields, lineno, line, file, rejected, spec.nested)
            if vals is not None:
                for c, v in zip(cols, vals, strict=True):
                    c.append(v)
                nums.append(lineno)
            if len(nums) + len(rejected) >= BATCH_ROWS:
                buf = {canon: c for (canon, _, _), c in zip(fields, cols, strict=True)}
                yield jsonl_batch(buf, nums, rejected, records, spec, path)
                cols = [[] for _ in fields]
                nums, rejected, records = [], [], 0
        if nums or rejected or records:
            buf = {canon: c for (canon, _, _), c in zip(fields, cols, strict=True)}
            yield jsonl_batch(buf, nums, rejected, records, spec, path)


def _base_field(key: str) -> str:
    """The canonical field of a JSONL projection key (``_urls_0`` -> ``urls``)."""
    if key.startswith("_") and key[1:].rsplit("_", 1)[0] in LIST_FIELDS:
        return key[1:].rsplit("_", 1)[0]
    return key


def _surrogate_rows(buf: dict[str, list[Any]]) -> dict[int, str]:
    """Row index -> field of the values that cannot be encoded as UTF-8."""
    bad: dict[int, str] = {}
    for k, vals in buf.items():
        for i, v in enumerate(vals):
            if i in bad:
                continue
            for x in v if isinstance(v, list) else (v,):
                if isinstance(x, str):
                    try:
                        x.encode("utf-8")
                    except UnicodeEncodeError:
                        bad[i] = _base_field(k)
                        break
    return bad


def _jsonl_arrays(buf: dict[str, list[Any]]) -> dict[str, pa.Array]:  # noqa: D401
    """Arrow columns from the JSONL projection (raises ``UnicodeEncodeError`` on surrogates)."""
    arrays: dict[str, pa.Array] = {}
    for k, vals in buf.items():
        if _base_field(k) in LIST_FIELDS:
            try:
                arrays[k] = pa.array(vals, STR_LIST)
            except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError):  # non-strings: as text
                arrays[k] = pa.array([_listy(v) for v in vals], STR_LIST)
            continue
        try:
            arrays[k] = pa.array(vals)
        except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError):  # 2**70 fits no int64
            arrays[k] = pa.array([None if v is None else str(v) for v in vals], pa.string())
        if pa.types.is_null(arrays[k].type):
            arrays[k] = arrays[k].cast(pa.string())
    return arrays


def jsonl_table(
    buf: dict[str, list[Any]], nums: list[int | str], rejected: list[Rejected], path: Path
) -> tuple[pa.Table, list[int | str], list[Rejected]]:
    """The projected rows as an Arrow table; rows with lone surrogates refused by name."""
    _, arrays, nums, rejected = jsonl_arrays(buf, nums, rejected, path)
    table = pa.table(arrays) if arrays else pa.table({})
    return table, nums, rejected


def jsonl_arrays(
    buf: dict[str, list[Any]], nums: list[int | str], rejected: list[Rejected], path: Path
) -> tuple[dict[str, list[Any]], dict[str, pa.Array], list[int | str], list[Rejected]]:
    """Arrow columns of the projected rows (and the rows kept): rows holding a lone surrogate
    (``"\ud800"`` decodes in Python but is no Unicode text) are refused by name rather than
    failing the whole file."""
    try:
        return buf, _jsonl_arrays(buf), nums, rejected
    except UnicodeEncodeError:
        bad = _surrogate_rows(buf)
        rejected = rejected + [
            Rejected(
                str(path),
                nums[i],
                f"invalid {fld}",
                fld,
                "lone surrogate (an unpaired \\ud800-\\udfff escape): not valid Unicode text",
                None,
            )
            for i, fld in sorted(bad.items())
        ]
        buf = {k: [v for i, v in enumerate(vals) if i not in bad] for k, vals in buf.items()}
        nums = [x for i, x in enumerate(nums) if i not in bad]
        return buf, _jsonl_arrays(buf), nums, rejected


def jsonl_spec(spec: Spec) -> Spec:
    """The spec of a JSONL projection, whose columns carry the canonical names."""
    return Spec(
        columns={k: k for k in spec.columns},
        platform=spec.platform,
        platform_prefix_of="_platform_src" if spec.platform_prefix_of else None,
        extract_from_text=spec.extract_from_text,
        extra_columns={
            canon: [f"_{canon}_{k}" for k in range(len(more))]
            for canon, more in spec.extra_columns.items()
        },
        date_format=spec.date_format,
        dayfirst=spec.dayfirst,
        notes=spec.notes,
    )


def jsonl_batch(
    buf: dict[str, list[Any]],
    nums: list[int | str],
    rejected: list[Rejected],
    records: int,
    spec: Spec,
    path: Path,
) -> Batch:
    table, nums, rejected = jsonl_table(buf, nums, rejected, path)
    posts, accounts, more = convert(table, jsonl_spec(spec), str(path), nums)
    return Batch(posts, accounts, rejected + more, {}, records)


# --- accounts tables -------------------------------------------------------------------------

ACCOUNT_KEYS = {f.name for f in ACCOUNTS_SCHEMA} | {"account_created_at"}


def resolve_accounts_spec(
    path: Path, columns: list[str], mapping: dict[str, str], platform: str | None
) -> Spec:
    """Like ``resolve_spec`` for an accounts table (``--format accounts``): keys are the
    ACCOUNTS_SCHEMA fields; ``created_at`` is the account's creation time."""
    m: dict[str, str] = {}
    for k, v in mapping.items():
        if k not in ACCOUNT_KEYS:
            raise VigieError(
                f"--map {k}={v}: not an account field "
                f"(known: {', '.join(sorted(ACCOUNT_KEYS - {'account_created_at'}))})"
            )
        m["created_at" if k == "account_created_at" else k] = v
    cols: dict[str, str] = {}
    prefix_col = None
    for canon, src in m.items():
        if canon == "platform" and src.startswith("prefix:"):
            prefix_col = src.split(":", 1)[1]
            src = prefix_col
        if src not in columns:
            raise InputError(
                f"column '{src}' (mapped to {canon}) not found; columns are: {', '.join(columns)}",
                file=str(path),
                field=canon,
            )
        if canon != "platform" or not prefix_col:
            cols[canon] = src
    for f in ACCOUNTS_SCHEMA:
        if f.name not in cols and f.name in columns and not (f.name == "platform" and prefix_col):
            cols[f.name] = f.name
    if "account_id" not in cols:
        raise InputError(
            f"required field 'account_id' has no column: add --map account_id=COLUMN "
            f"(columns are: {', '.join(columns)})",
            file=str(path),
            field="account_id",
        )
    if "platform" not in cols and prefix_col is None and platform is None:
        raise InputError(
            "no platform: pass --platform NAME or --map platform=COLUMN",
            file=str(path),
            field="platform",
        )
    _refuse_repeated_columns(path, columns, cols, [prefix_col] if prefix_col else [])
    return Spec(
        columns=cols,
        platform=None if ("platform" in cols or prefix_col) else platform,
        platform_prefix_of=prefix_col,
    )


def convert_accounts(
    table: pa.Table, spec: Spec, file: str, record_numbers: list[int | str]
) -> tuple[pa.Table, list[Rejected]]:
    """Canonical accounts from a source batch; rows with bad values are refused."""
    n = table.num_rows
    bad: list[tuple[str, str, str] | None] = [None] * n
    src = spec.columns

    def flag(reasons: list[str | None], fld: str, label: str) -> None:
        if reasons.count(None) == len(reasons):  # the usual case, at C speed
            return
        for i, r in enumerate(reasons):
            if r is not None and bad[i] is None:
                bad[i] = (f"{label} {fld}", fld, r)

    cols: dict[str, pa.Array] = {}
    table, undecoded = _decode_binary(table, _canon_of(spec))
    for fld, reasons in undecoded.items():
        flag(reasons, fld, "invalid")
    a = _blank_to_null(_to_str(table.column(src["account_id"]).combine_chunks()))
    flag(["missing" if x else None for x in pc.is_null(a).to_pylist()], "account_id", "missing")
    cols["account_id"] = a
    if spec.platform_prefix_of:
        plat, reasons = _platforms_from_prefix(
            _to_str(table.column(spec.platform_prefix_of).combine_chunks())
        )
        flag(reasons, "platform", "unknown")
    elif "platform" in src:
        plat = _blank_to_null(_to_str(table.column(src["platform"]).combine_chunks()))
        flag(
            ["missing" if x else None for x in pc.is_null(plat).to_pylist()], "platform", "missing"
        )
        plat = _map_values(pc.utf8_lower(plat), canonical_platform)
    else:
        plat = pa.array([spec.platform] * n, pa.string())
    cols["platform"] = plat
    for fld in ("handle", "display_name", "description"):
        if fld in src:
            cols[fld] = _to_str(table.column(src[fld]).combine_chunks())
    for fld in ("followers", "following", "posts_count"):
        if fld in src:
            cols[fld], reasons = _ints(table.column(src[fld]).combine_chunks())
            flag(reasons, fld, "invalid")
    if "created_at" in src:
        cols["created_at"], reasons = _timestamps(table.column(src["created_at"]).combine_chunks())
        flag([None if r in (None, "missing") else r for r in reasons], "created_at", "invalid")
    keep = np.array([b is None for b in bad], dtype=bool)
    rejected: list[Rejected] = []
    for i in np.flatnonzero(~keep):
        reason, fld, detail = bad[i]  # type: ignore[misc]
        row = _row_of(table, int(i))
        rejected.append(Rejected(file, record_numbers[i], reason, fld, detail, excerpt(row)))
    t = _conform(pa.table(cols), ACCOUNTS_SCHEMA)
    if not keep.all():
        t = t.filter(pa.array(keep))
    return t, rejected


def read_accounts(path: Path, fmt: str, spec: Spec) -> Iterator[Batch]:
    """Stream an accounts table (Parquet, CSV or JSONL) into account-only batches."""
    empty_posts = POSTS_SCHEMA.empty_table()
    needed = sorted(
        set(spec.columns.values())
        | ({spec.platform_prefix_of} if spec.platform_prefix_of else set())
    )
    row = 0
    open_quote: list[Rejected] = []
    if fmt == "parquet":
        try:
            pf = pq.ParquetFile(path)
            _refuse_nested_columns(path, pf.schema_arrow, spec)
            batches = (
                pa.Table.from_batches([rb])
                for rb in pf.iter_batches(batch_size=BATCH_ROWS, columns=needed)
            )
        except (OSError, pa.ArrowInvalid) as exc:
            raise InputError(f"cannot read Parquet file: {exc}", file=str(path)) from exc
    elif fmt == "csv":
        d = csv_dialect(path, spec.encoding, spec.delimiter)
        names = columns_of(path, "csv", d.encoding, d.delimiter)
        # the last column too: only it shows a quote left open to the end of the file
        last = names[-1:] if names.count(names[-1]) == 1 and names[-1] not in needed else []
        try:
            table = pacsv.read_csv(
                path,
                read_options=pacsv.ReadOptions(
                    encoding=_arrow_encoding(d.encoding), column_names=names, skip_rows=d.skip
                ),
                parse_options=pacsv.ParseOptions(newlines_in_values=True, delimiter=d.delimiter),
                convert_options=pacsv.ConvertOptions(
                    column_types={c: pa.string() for c in [*needed, *last]},
                    include_columns=[*needed, *last],
                ),
            )
        except (OSError, pa.ArrowInvalid) as exc:
            raise InputError(f"cannot read CSV file: {exc}", file=str(path)) from exc
        found = _unterminated_last_row(path, table, d.encoding)
        if found is not None:
            col, value = found
            table = table.slice(0, table.num_rows - 1)
            open_quote.append(_open_quote_refusal(path, table.num_rows + 1, col, value))
        table = table.select(needed)
        batches = (pa.Table.from_batches([b]) for b in table.to_batches(BATCH_ROWS))
    else:
        # accounts JSONL files are small next to posts: read whole, refusing bad lines
        rows: list[dict[str, Any]] = []
        lines: list[int] = []
        refused: list[Rejected] = []
        with open(path, "rb") as fh:
            for lineno, raw, size in jsonlines.read_lines(fh, jsonlines.MAX_RECORD_BYTES):
                if not raw.strip():
                    continue
                big = jsonlines.too_large(path, lineno, raw, size)
                if big is not None:  # only its head was read
                    refused.append(big)
                    continue
                line = raw.decode("utf-8", errors="replace")
                try:
                    obj = json.loads(raw)
                except (ValueError, RecursionError) as exc:  # a too long integer too
                    detail = too_long(exc) or str(exc) or "nested too deeply"
                    refused.append(
                        Rejected(str(path), lineno, "malformed JSON", None, detail, excerpt(line))
                    )
                    continue
                if not isinstance(obj, dict):
                    refused.append(
                        Rejected(str(path), lineno, "not a JSON object", None, None, excerpt(line))
                    )
                    continue
                rows.append({c: obj.get(c) for c in needed})
                lines.append(lineno)
        # column by column, as for posts: a key that is a number on one line and text on
        # another (or 2**70) is read as text, then refused by the field's own check
        buf = {c: [r[c] for r in rows] for c in needed}
        n_records = len(rows) + len(refused)
        _, arrays, nums, refused = jsonl_arrays(buf, list(lines), refused, path)
        t = pa.table(arrays) if nums else pa.table({c: pa.nulls(0) for c in needed})
        accounts, rejected = _convert_accounts_named(t, spec, path, nums)
        yield Batch(empty_posts, accounts, refused + rejected, {}, n_records)
        return
    for t in batches:
        nums_: list[int | str] = list(range(row + 1, row + 1 + t.num_rows))
        row += t.num_rows
        accounts, rejected = _convert_accounts_named(t, spec, path, nums_)
        yield Batch(empty_posts, accounts, rejected, {}, t.num_rows)
    if open_quote:
        yield Batch(empty_posts, ACCOUNTS_SCHEMA.empty_table(), open_quote, {}, len(open_quote))


def _convert_accounts_named(
    t: pa.Table, spec: Spec, path: Path, nums: list[int | str]
) -> tuple[pa.Table, list[Rejected]]:
    """``convert_accounts``, an unforeseen column type failing with the file and rows named
    (Arrow's own message named neither)."""
    try:
        return convert_accounts(t, spec, str(path), nums)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        where = f"rows {nums[0]}-{nums[-1]}" if nums else "its rows"
        raise InputError(
            f"cannot convert {where} ({first}); check the mapped columns' types "
            "(--dry-run shows them)",
            file=str(path),
        ) from exc


# --- guard rails: columns left unmapped that hold what detection needs -------------------------

_NAME_HINTS: list[tuple[str, re.Pattern[str], str]] = [
    ("media", re.compile(r"phash|dhash|ahash|image|photo|picture|media|video|thumb|img"), "media"),
    ("urls", re.compile(r"url|link|href|domain|website"), "URLs or domains"),
    ("hashtags", re.compile(r"hashtag|(^|_)tags?($|_)"), "hashtags"),
    ("mentions", re.compile(r"mention"), "mentions"),
]
_CONTENT_HINTS: list[tuple[str, re.Pattern[str], str]] = [
    ("urls", re.compile(r"(https?://|www\.)\S+", re.I), "URLs"),
    ("hashtags", re.compile(rf"[{SIGNS['#']}]\w+"), "hashtags"),
    ("mentions", re.compile(rf"[{SIGNS['@']}]\w+"), "mentions"),
    ("urls", re.compile(r"[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}", re.I), "domains"),
    ("media", re.compile(r"[0-9a-f]{16,64}", re.I), "media hashes"),
]


def ignored_columns(columns: list[str], spec: Spec) -> list[str]:
    """The source columns no field reads: they are not kept in the Dataset."""
    used = spec.used_columns()
    heads = {c.split(".", 1)[0] for c in spec.nested}  # read through a nested path
    return [c for c in columns if c not in used and c not in KNOWN_FIELDS and c not in heads]


def ignored_note(columns: list[str]) -> str:
    """One line naming the columns left out (never a silent drop), at most ten by name."""
    more = f" and {len(columns) - 10} more" if len(columns) > 10 else ""
    return (
        f"{len(columns)} column(s) mapped to no field, so not kept: "
        f"{', '.join(repr(c) for c in columns[:10])}{more} "
        "(--map FIELD=COLUMN keeps one; --dry-run shows every mapping)"
    )


_FLAG_WORDS = frozenset({"true", "false", "yes", "no"})


def _is_flag(values: list[Any]) -> bool:
    """Whether a column's sampled values are all yes/no (JSON booleans, or the words true,
    false, yes, no in any case) and at least one is set.

    Why: a column named after media or mentions that only says yes or no (Telethon's
    ``media_unread``, ``invert_media``, ``mentioned``) holds no object detection could use;
    hinting ``--map media=media_unread`` sent the user to a mapping every row refuses.
    0 and 1 are not read as yes/no: a numeric id column (``url_id``) may hold only those."""
    seen = [v for v in values if v is not None and not (isinstance(v, str) and not v.strip())]
    return bool(seen) and all(
        isinstance(v, bool) or (isinstance(v, str) and v.strip().lower() in _FLAG_WORDS)
        for v in seen
    )


def unmapped_hints(
    columns: list[str], spec: Spec, sample: dict[str, list[Any]] | None = None
) -> dict[str, str]:
    """Warnings, by column, for unmapped columns that look like URLs, hashtags, mentions,
    domains or media.

    Why: a column named ``url_id`` or ``phash_id`` that nobody maps is dropped, and the
    detectors that need it then report "0 groups" as if there were nothing to find. We say
    which column, what it looks like (by name, else by content) and the exact ``--map``.
    """
    out: dict[str, str] = {}
    for col in ignored_columns(columns, spec):
        hit = None
        low = col.lower()
        if sample is not None and _is_flag(sample.get(col, [])):
            continue  # a yes/no column (``media_unread``, ``mentioned``) holds no object
        for fld, pat, what in _NAME_HINTS:
            if pat.search(low):
                hit = (fld, what, "name")
                break
        if hit is None and sample is not None:
            vals = [v for v in sample.get(col, []) if isinstance(v, str) and v.strip()]
            for fld, pat, what in _CONTENT_HINTS:
                if vals and sum(1 for v in vals if pat.fullmatch(v.strip())) >= 0.8 * len(vals):
                    hit = (fld, what, "content")
                    break
        if hit is None:
            continue
        fld, what, by = hit
        also = " (repeat --map to add it to the mapped column)" if fld in spec.columns else ""
        out[col] = (
            f"column '{col}' looks like {what} (by its {by}) but is not mapped, so it is "
            f"ignored and detection cannot use it: add --map {fld}={col}{also}"
        )
    return out


def _py_values(col: pa.ChunkedArray) -> list[Any]:
    """A column's values as Python's, or as text where Python has no such value (a
    timestamp past year 9999: Arrow's ``as_py`` overflows) so that a sample never fails."""
    try:
        return col.to_pylist()
    except (OverflowError, ValueError, pa.ArrowException):
        try:
            return col.cast(pa.string()).to_pylist()
        except (OverflowError, ValueError, pa.ArrowException):
            return [None] * len(col)


def _row_of(table: pa.Table, i: int) -> dict[str, Any]:
    """Row ``i`` as Python values, column by column (``_py_values``), for an excerpt."""
    one = table.slice(i, 1)
    return {k: _py_values(one.column(k))[0] for k in one.column_names}


def sample_rows(path: Path, fmt: str, spec: Spec, n: int = 200) -> dict[str, list[Any]]:
    """The first ``n`` values of every column (for hints and ``--dry-run``); never fatal."""
    try:
        if fmt == "parquet":
            pf = pq.ParquetFile(path)
            for rb in pf.iter_batches(batch_size=n):
                t = arrow_paths.add_paths(pa.Table.from_batches([rb]), spec.nested)
                return {k: _py_values(t.column(k))[:n] for k in t.column_names}
            return {}
        if fmt == "csv":
            import csv

            d = csv_dialect(path, spec.encoding, spec.delimiter)
            enc = "utf-8-sig" if d.encoding == "utf-8" else d.encoding
            out: dict[str, list[Any]] = {}
            with open(path, encoding=enc, errors="replace", newline="") as fh:
                above = csv.reader(fh, delimiter=d.delimiter)
                for _ in range(d.skip - 1):  # Excel's ``sep=`` line, a report's preamble
                    next(above, None)
                for k, row in enumerate(csv.DictReader(fh, delimiter=d.delimiter)):
                    if k >= n:
                        break
                    for c, v in row.items():
                        if isinstance(c, str):
                            out.setdefault(c.strip().lstrip("\ufeff"), []).append(v)
            return out
        if fmt == "jsonl":
            out = {}
            for obj in first_json_objects(path, n, "replace"):
                for c, v in obj.items():
                    out.setdefault(c, []).append(v)
                for c in spec.nested:
                    out.setdefault(c, []).append(json_path_value(obj, c))
            return out
    except (OSError, pa.ArrowException, UnicodeError, csv_error(), VigieError):
        return {}
    return {}
