"""What every reader yields: canonical batches plus the records it had to refuse.

Why a common shape: the writer (append, de-duplicate, atomic swap) must not care which
platform a batch came from, and a refused record must always carry enough context (file,
record number, field, reason, raw excerpt) for an analyst to find and fix it.
"""

from __future__ import annotations

import contextlib
import json
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

import pyarrow as pa

from vigie.schema import ACCOUNTS_SCHEMA, POSTS_SCHEMA

BATCH_ROWS = 20_000
"""Rows per batch: large enough to amortise Arrow overheads, small enough to bound memory."""

EXCERPT_CHARS = 300

MIN_TS_US = int(datetime(1990, 1, 1, tzinfo=UTC).timestamp() * 1_000_000)
MAX_TS_US = int(datetime(2100, 1, 1, tzinfo=UTC).timestamp() * 1_000_000)
"""Plausible post times. Outside them a value is almost surely in the wrong unit (e.g.
milliseconds read as seconds), so the record is refused rather than stored wrong."""


@dataclass(frozen=True)
class Rejected:
    """One refused input record, as written to ``rejected.jsonl``.

    ``reason`` is a short, stable label (``"invalid created_at"``) so that refusals can be
    counted by kind; ``detail`` holds the specifics (the offending value, the parser message).
    """

    file: str
    record: int | str
    reason: str
    field: str | None = None
    detail: str | None = None
    excerpt: str | None = None

    def to_json(self) -> str:
        """One line of ``rejected.jsonl``, readable as UTF-8.

        A refused record may quote a lone surrogate (JSON's ``"\\ud800"``), which UTF-8
        cannot store; such a line is written with ASCII escapes instead, so the refusal is
        kept rather than crashing the write.
        """
        doc = {
            "file": self.file,
            "record": self.record,
            "field": self.field,
            "reason": self.reason,
            "detail": self.detail,
            "excerpt": self.excerpt,
        }
        line = json.dumps(doc, ensure_ascii=False, sort_keys=True)
        try:
            line.encode("utf-8")
        except UnicodeEncodeError:
            return json.dumps(doc, ensure_ascii=True, sort_keys=True)
        return line


VALUE_NOTES = (
    "wrong-typed value dropped: ",
    "text with invalid Unicode",
    "time estimated: ",
    "link not kept: ",
    "post given its own id: ",
    "text read as Windows-1252: ",
)
"""Prefixes of the manifest's ``skipped`` entries that count values repaired inside accepted
records (a count left empty, a lone surrogate replaced), qualified (a time the collector
estimated) or left out of them (a forward whose original the export does not name), or a
record kept as a post of its own id (a second repost by one post of a CooRTweet table), or
the lines of a platform's CSV export read as Windows-1252 (Excel's save), not records left
out: an audit that checks every record's fate (accepted, refused or skipped)
leaves them out of the sum, and the ingest summary lists them apart."""


def excerpt(raw: Any) -> str:
    """A short, printable excerpt of a raw record for ``rejected.jsonl``."""
    if isinstance(raw, bytes):
        raw = raw.decode("utf-8", errors="replace")
    if not isinstance(raw, str):
        try:
            raw = json.dumps(raw, ensure_ascii=False, default=str)
        except (TypeError, ValueError, RecursionError):
            raw = f"<{type(raw).__name__} that cannot be shown>"
    return raw if len(raw) <= EXCERPT_CHARS else raw[:EXCERPT_CHARS] + "…"


@dataclass
class Batch:
    """A slice of one source: canonical posts and accounts, refused and skipped records.

    ``records`` counts the input records this batch consumed (a twarc2 page line holds many
    tweets, a long-format table repeats a post on several rows), so that the per-source
    figures in the manifest add up: records = accepted rows + rejected + skipped.
    """

    posts: pa.Table
    accounts: pa.Table
    rejected: list[Rejected] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)
    records: int = 0
    cursors: dict[str, int] = field(default_factory=dict)
    """Resume points of a stream read so far (e.g. ``{"jetstream": last time_us}``)."""


@dataclass(frozen=True)
class Note:
    """A note on what a source's kept records hold (a ``VALUE_NOTES`` entry, ``n`` times),
    handed to ``records.read_value`` among the records, as a ``Rejected`` is, by a reader
    that learns it only while reading (the lines of a CSV that were not UTF-8)."""

    reason: str
    n: int


class Reader(Protocol):
    """A source reader: a generator of batches over one file."""

    def __call__(self, path: Any, **options: Any) -> Iterator[Batch]: ...


class RowBuffer:
    """Accumulates canonical row dicts and turns them into Arrow batches.

    Used by the platform readers (X, Telegram, Bluesky), whose payloads are nested JSON and
    are normalised record by record in Python before being packed into columns.
    """

    def __init__(self) -> None:
        self.posts: list[dict[str, Any]] = []
        self.accounts: list[dict[str, Any]] = []
        self.rejected: list[Rejected] = []
        self.skipped: dict[str, int] = {}
        self.records = 0

    def skip(self, reason: str, n: int = 1) -> None:
        self.skipped[reason] = self.skipped.get(reason, 0) + n

    def refuse(self, rejected: Rejected) -> None:
        """Count one record read and refused (every refusal is a record: the totals add up)."""
        self.records += 1
        self.rejected.append(rejected)

    def __len__(self) -> int:
        return len(self.posts) + len(self.rejected)

    def flush(self) -> Batch:
        try:
            posts = pa.Table.from_pylist(self.posts, schema=POSTS_SCHEMA)
            accounts = pa.Table.from_pylist(self.accounts, schema=ACCOUNTS_SCHEMA)
        except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, OverflowError):
            # a payload value of the wrong type reached a column (e.g. a number where the
            # platform documents a string): coerce or drop that value, count it, keep the row
            for rows, schema in ((self.posts, POSTS_SCHEMA), (self.accounts, ACCOUNTS_SCHEMA)):
                for row in rows:
                    for name in _coerce(row, schema):
                        self.skip(VALUE_NOTES[0] + name)
            return self.flush()
        except UnicodeEncodeError:
            # JSON may escape lone surrogates ("\ud800"), which UTF-8 cannot store: replace
            # them (U+FFFD) in this batch and count it, rather than fail the whole file
            n = 0
            for rows in (self.posts, self.accounts):
                for row in rows:
                    n += _scrub(row)
            self.skip(VALUE_NOTES[1] + " (lone surrogates replaced)", n)
            posts = pa.Table.from_pylist(self.posts, schema=POSTS_SCHEMA)
            accounts = pa.Table.from_pylist(self.accounts, schema=ACCOUNTS_SCHEMA)
        batch = Batch(
            posts=posts,
            accounts=accounts,
            rejected=self.rejected,
            skipped=self.skipped,
            records=self.records,
        )
        self.__init__()
        return batch


SURROGATE_RE = re.compile("[\ud800-\udfff]")


def _coerce(row: dict[str, Any], schema: pa.Schema) -> list[str]:
    """Make ``row`` fit ``schema``; the names of the fields whose value had to be dropped."""
    dropped = []
    for f in schema:
        v = row.get(f.name)
        if v is None:
            continue
        if pa.types.is_string(f.type):
            if isinstance(v, bool) or not isinstance(v, str | int | float):
                row[f.name] = None
                dropped.append(f.name)
            elif not isinstance(v, str):
                row[f.name] = str(v)
        elif pa.types.is_list(f.type):
            if not isinstance(v, list):
                row[f.name] = []
                dropped.append(f.name)
            elif not all(isinstance(x, str) for x in v):
                row[f.name] = [x for x in v if isinstance(x, str)]
                dropped.append(f.name)
        elif pa.types.is_integer(f.type):
            if isinstance(v, bool) or not isinstance(v, int) or not -(2**63) <= v < 2**63:
                row[f.name] = None
                dropped.append(f.name)
        elif pa.types.is_timestamp(f.type) and not isinstance(v, datetime):
            row[f.name] = None
            dropped.append(f.name)
    return dropped


def _fix(value: str) -> str:
    return SURROGATE_RE.sub("\ufffd", value)


def _scrub(row: dict[str, Any]) -> int:
    """Replace lone surrogates in a row's strings; 1 when the row had any."""
    bad = 0
    for k, v in row.items():
        if isinstance(v, str):
            try:
                v.encode("utf-8")
            except UnicodeEncodeError:
                row[k] = _fix(v)
                bad = 1
        elif isinstance(v, list):
            fixed = []
            for x in v:
                try:
                    x.encode("utf-8") if isinstance(x, str) else None
                    fixed.append(x)
                except UnicodeEncodeError:
                    fixed.append(_fix(x))
                    bad = 1
            row[k] = fixed
    return bad


def ts_from_iso(value: str) -> datetime:
    """Parse an ISO 8601 time; a naive value is taken as UTC."""
    dt = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC)


UNIT_NAMES = {"s": "seconds", "ms": "milliseconds", "us": "microseconds", "ns": "nanoseconds"}
"""A time unit's abbreviation (``--date-format epoch-ms``, Arrow's units) -> its name."""

_FINER = ((1_000, "ms"), (1_000_000, "us"), (1_000_000_000, "ns"))


def epoch_unit_hint(seconds: float, table: bool = False) -> str:
    """What to do with a POSIX time that is out of range in seconds but in range in a finer
    unit ("" otherwise): a JavaScript or Java export writes milliseconds.

    Why a hint and no guess: a number 1,000 times too large is as likely a count mapped to
    the wrong column as milliseconds; the analyst knows which, and says so with
    ``--date-format epoch-ms`` (``table``: a generic table, where that option is read) or
    converts the column (a platform's file, whose times have a documented unit)."""
    if not math.isfinite(seconds):
        return ""
    for per, abbr in _FINER:
        unit = UNIT_NAMES[abbr]
        if MIN_TS_US <= seconds / per * 1_000_000 < MAX_TS_US:
            if table:
                return (
                    f"; looks like {unit} since 1970: pass --date-format "
                    f"epoch-{abbr} (vigie reads POSIX seconds otherwise)"
                )
            return (
                f"; looks like {unit} since 1970: divide the column by {per:,} "
                "(vigie reads POSIX seconds)"
            )
    return ""


def ts_from_value(value: Any, table: bool = False) -> datetime:
    """A post time from ISO 8601 text or POSIX seconds (int, float or numeric text).

    Raises ``ValueError`` with a reason fit for ``rejected.jsonl`` (``table``: the value is
    a generic table's, where ``--date-format`` is read, so the reason may name it).
    """
    if value is None or value == "":
        raise ValueError("missing")
    if isinstance(value, bool):
        raise ValueError(f"not a time: {value!r}")
    if isinstance(value, int | float):
        us = _seconds_to_us(value)
    elif isinstance(value, str):
        v = value.strip()
        if v[4:5] == "-" and v[:4].isdigit():
            # "YYYY-...": never a float (a '-' after four digits), so ISO straight away (the
            # failed float() cost as much as the ISO parse); same value, same errors
            try:
                dt = ts_from_iso(v)
            except ValueError:
                raise ValueError(f"not an ISO 8601 time or POSIX seconds: {value!r}") from None
            if not MIN_DT <= dt < MAX_DT:
                raise ValueError(f"out of range 1990-2100 (expected POSIX seconds): {value!r}")
            return dt
        try:
            us = _seconds_to_us(float(v))
        except ValueError:
            try:
                dt = ts_from_iso(v)
            except ValueError:
                raise ValueError(f"not an ISO 8601 time or POSIX seconds: {value!r}") from None
            us = _dt_to_us(dt)
    elif isinstance(value, datetime):
        us = _dt_to_us(value if value.tzinfo else value.replace(tzinfo=UTC))
    else:
        raise ValueError(f"not a time: {type(value).__name__}")
    if not MIN_TS_US <= us < MAX_TS_US:
        hint = ""
        if isinstance(value, int | float | str):  # a bool was refused above
            with contextlib.suppress(ValueError, OverflowError):
                hint = epoch_unit_hint(float(value), table)
        raise ValueError(f"out of range 1990-2100 (expected POSIX seconds): {value!r}{hint}")
    return EPOCH + timedelta(microseconds=us)


def _seconds_to_us(value: float) -> int:
    """POSIX seconds as integer microseconds; -1 (out of range) for what no time can be.

    Why: ``1e308`` seconds, ``10**400`` or ``inf`` overflow ``float``/``int`` conversion
    (``OverflowError``, a traceback that stopped the whole ingest), and NaN has no integer at
    all; each is one record's bad value, refused by the range check like any other.
    """
    try:
        seconds = float(value)
    except OverflowError:  # an integer past float's range
        return -1
    if not math.isfinite(seconds):
        return -1
    return int(round(seconds * 1_000_000)) if abs(seconds) < 1e15 else -1


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MIN_DT = EPOCH + timedelta(microseconds=MIN_TS_US)
MAX_DT = EPOCH + timedelta(microseconds=MAX_TS_US)


def _dt_to_us(dt: datetime) -> int:
    delta = dt - EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
