"""Numbers of a unit since 1970 as canonical post times (``--date-format epoch-ms`` and kin).

Why an option and no guess: vigie reads a bare number as POSIX seconds. JavaScript and Java
exports write milliseconds, some collectors microseconds or nanoseconds; a number 1,000 times
too large is as likely a count mapped to the wrong column, so the analyst names the unit
(the refusal of such a number says which option reads it, ``model.epoch_unit_hint``).
Parquet timestamp columns carry their unit and are read the same way (``unit_times``).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from vigie.errors import VigieError
from vigie.ingest.model import MAX_TS_US, MIN_TS_US, UNIT_NAMES
from vigie.schema import TS

EPOCH_FORMATS = {"epoch": "s", "epoch-s": "s", "epoch-ms": "ms", "epoch-us": "us", "epoch-ns": "ns"}
"""``--date-format`` values that read created_at as a number of this unit since 1970."""

_TO_US = {"s": (1_000_000, 1), "ms": (1_000, 1), "us": (1, 1), "ns": (1, 1_000)}
"""A unit's values to microseconds: (multiply by, then floor-divide by)."""

_INT = r"^[+-]?\d{1,18}$"  # fits an int64 whatever the digits
_NUMBER = r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$"


def check_date_format(value: str | None) -> None:
    """Refuse a ``--date-format`` that can match no time, before any file is read.

    Why: a value with no ``%`` directive (a typo of ``epoch-ms``, or ``dd/mm/yyyy`` written
    as a person would) is a literal that no created_at equals: every row would be refused
    one by one, with the real mistake in the option."""
    if value is None or value in EPOCH_FORMATS or "%" in value:
        return
    raise VigieError(
        f"--date-format {value!r}: expected a strptime pattern such as '%d/%m/%Y %H:%M', "
        f"or a number since 1970: {', '.join(EPOCH_FORMATS)} (epoch = seconds)"
    )


def unit_times(ints: pa.Array, unit: str) -> tuple[pa.Array, list[str | None]]:
    """Integers of ``unit`` since 1970 as canonical times, and per row None or why not.

    Why not Arrow's cast: it is all or nothing. A nanosecond that is no whole microsecond
    (pandas writes them) failed a whole batch ("would lose data"), as did one time past year
    2262 or 9999. Here nanoseconds are truncated to the microsecond, and a time outside
    1990-2100 refuses its row alone."""
    null = pc.is_null(ints).to_numpy(zero_copy_only=False)
    v = pc.fill_null(ints, 0).to_numpy(zero_copy_only=False).astype(np.int64)
    mul, div = _TO_US[unit]
    # in range before converting (no overflow): MIN and MAX in the column's unit, rounded up
    fits = (v >= -(-MIN_TS_US * div // mul)) & (v < -(-MAX_TS_US * div // mul))
    us = np.floor_divide(np.where(fits, v, 0) * mul, div)
    ok = ~null & (us >= MIN_TS_US) & (us < MAX_TS_US)
    out = pa.array(np.where(ok, us, 0), pa.int64(), mask=~ok).cast(TS)
    reasons: list[str | None] = [None] * len(ints)
    for i in np.flatnonzero(~ok):
        reasons[i] = "missing" if null[i] else f"out of range 1990-2100: {v[i]} {unit} since 1970"
    return out, reasons


def epoch_times(arr: pa.Array, fmt: str) -> tuple[pa.Array, list[str | None]]:
    """A column of numbers (ints, floats, or their text) of ``fmt``'s unit since 1970.

    Integers are converted exactly (a nanosecond count is past a float's 53 bits); a
    fraction (``1714557600.25`` seconds) is rounded to the microsecond. A row that is no
    number, or no time in 1990-2100, is refused alone with its value."""
    unit = EPOCH_FORMATS[fmt]
    t = arr.type
    numeric: pa.Array | None = None  # text columns: which rows hold a number
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        s = pc.utf8_trim_whitespace(arr.cast(pa.string()))
        is_int = pc.fill_null(pc.match_substring_regex(s, _INT), False)
        is_num = pc.and_(
            pc.invert(is_int), pc.fill_null(pc.match_substring_regex(s, _NUMBER), False)
        )
        ints = pc.if_else(is_int, s, pa.scalar(None, pa.string())).cast(pa.int64())
        floats = pc.if_else(is_num, s, pa.scalar(None, pa.string())).cast(pa.float64())
        numeric = pc.or_(is_int, is_num)
    elif pa.types.is_integer(t):
        # an unsigned past 2**63 wraps negative: out of range like the value it was
        ints, floats = arr.cast(pa.int64(), safe=False), pa.nulls(len(arr), pa.float64())
    elif pa.types.is_floating(t) or pa.types.is_decimal(t):
        ints, floats = pa.nulls(len(arr), pa.int64()), arr.cast(pa.float64(), safe=False)
    else:
        raise VigieError(
            f"--date-format {fmt}: created_at is a {t} column, not numbers "
            "(a timestamp column carries its own unit: drop the option)"
        )
    from_ints, _ = unit_times(ints, unit)
    mul, div = _TO_US[unit]
    f = floats.to_numpy(zero_copy_only=False)
    with np.errstate(invalid="ignore", over="ignore"):
        us = np.round(f * (mul / div))  # microseconds in one of the unit
    ok = np.isfinite(us) & (us >= MIN_TS_US) & (us < MAX_TS_US)
    from_floats = pa.array(np.where(ok, us, 0).astype(np.int64), pa.int64(), mask=~ok).cast(TS)
    out = pc.coalesce(from_ints, from_floats)
    reasons: list[str | None] = [None] * len(arr)
    bad = pc.is_null(out).to_numpy(zero_copy_only=False)
    if bad.any():
        raw = arr.to_pylist()
        for i in np.flatnonzero(bad):
            v = raw[i]
            if v is None or (isinstance(v, str) and not v.strip()):
                reasons[i] = "missing"
            elif numeric is not None and not numeric[i].as_py():
                reasons[i] = (
                    f"not a number of {UNIT_NAMES[unit]} since 1970 (--date-format {fmt}): {v!r}"
                )
            else:
                reasons[i] = f"out of range 1990-2100: {v} {UNIT_NAMES[unit]} since 1970"
    return out, reasons
