"""Times in the fixed shapes platforms write, read without ``strptime``.

Why: ``datetime.strptime`` costs ~10 µs a call (it compiles and caches a regex, then builds
the value in Python); a reader that parses one or two times per record spent 25-40 % of its
ingest there (Apify's tweets, the Threads API, FiveThirtyEight's IRA tweets). Each function
here reads only the exact shape one source writes, with ASCII digits, and returns None for
anything else, so that the caller goes on to ``strptime`` as before: the result (value or
refusal) is the same for every string (``tests/ingest/test_fixed_times.py`` compares them on
random and damaged times). Values are cached where a source repeats them (an author's
creation date with each of their tweets; times to the minute); datetimes are immutable, so
sharing one is safe."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache

_WEEKDAYS = frozenset(("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"))
_MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTHS = {m: i for i, m in enumerate(_MONTH_NAMES, 1)}


def _digits(s: str) -> bool:
    return s.isascii() and s.isdigit()


@lru_cache(maxsize=8192)
def x_v1(s: str) -> datetime | None:
    """X's v1.1 ``Wed Oct 10 20:19:24 +0000 2018`` (``%a %b %d %H:%M:%S %z %Y``) in UTC.

    X writes every v1.1 time in this one shape, always ``+0000``, and Apify, twarc's CSV and
    the v1.1 archives copy it. Another offset, a one-digit day, other letter case or stray
    spaces: None (``strptime`` reads them)."""
    if len(s) != 30 or s[3] != " " or s[7] != " " or s[10] != " " or s[19:26] != " +0000 ":
        return None
    if s[:3] not in _WEEKDAYS or s[13] != ":" or s[16] != ":":
        return None
    month = _MONTHS.get(s[4:7])
    if month is None or not _digits(s[8:10] + s[11:13] + s[14:16] + s[17:19] + s[26:]):
        return None
    try:
        return datetime(
            int(s[26:]),
            month,
            int(s[8:10]),
            int(s[11:13]),
            int(s[14:16]),
            int(s[17:19]),
            tzinfo=UTC,
        )
    except ValueError:  # 31 Feb, hour 24: strptime says why
        return None


def meta_api(s: str) -> datetime | None:
    """Meta's API ``2024-06-01T00:00:00+0000`` (``%Y-%m-%dT%H:%M:%S%z``) in UTC, read by C.

    ``fromisoformat`` and that ``strptime`` pattern read this shape alike; outside it they
    differ (fractions, other separators), so only it is read here."""
    if not (
        len(s) == 24
        and s[19:] == "+0000"
        and s[4] == "-"
        and s[7] == "-"
        and s[10] == "T"
        and s[13] == ":"
        and s[16] == ":"
        and _digits(s[:4] + s[5:7] + s[8:10] + s[11:13] + s[14:16] + s[17:19])
    ):
        return None
    try:
        return datetime.fromisoformat(s)
    except ValueError:  # month 13, hour 25
        return None


@lru_cache(maxsize=65536)
def us_minute(s: str) -> datetime | None:
    """A spreadsheet's US ``10/1/2017 19:58`` (``%m/%d/%Y %H:%M``, the time in UTC).

    Month, day, hour and minute of one or two digits, a four-digit year, one space: what
    ``strptime`` reads with that pattern but for runs of spaces and leading zeros beyond two
    digits (None: ``strptime`` decides). Cached: a collection to the minute repeats it."""
    day, sep, clock = s.partition(" ")
    parts = day.split("/")
    hm = clock.split(":")
    if not sep or len(parts) != 3 or len(hm) != 2:
        return None
    (m, d, y), (h, mi) = parts, hm
    if len(y) != 4 or not all(1 <= len(p) <= 2 for p in (m, d, h, mi)):
        return None
    if not _digits(m + d + y + h + mi):
        return None
    try:
        return datetime(int(y), int(m), int(d), int(h), int(mi), tzinfo=UTC)
    except ValueError:
        return None
