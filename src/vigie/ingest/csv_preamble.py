"""Lines above a CSV's header: a report's preamble, found and skipped.

Why: social-listening and dashboard exports often open with a few lines about the report
(its name, the query, the date range, a blank line) before the header row. Read as it
stood, such a file had a header of one or two names ("Report:", "") and every row was
refused, or the delimiter was sniffed from a line that had none. The header is taken to be
the first row that looks like one: at least three names, none empty, none a number or a
date, no two alike, followed by rows of the same width. It is skipped to only when every
line above it holds at most two values (a label and its value): a plain CSV, whose first
line is already such a header, is read as before, and a data row is not taken for a header.
"""

from __future__ import annotations

import csv
import io
import re

MAX_PREAMBLE = 30
HEADER_NAMES = 3
"""A header names at least this many columns; a row of fewer values above it is a preamble's
(a label and its value). The workbook reader (``xlsx.py``) tells its header by the same."""
"""Rows looked at above the header: a preamble longer than this is no preamble."""
_FOLLOWING = 20  # rows after a candidate header checked for its width


def _rows(text: str, delimiter: str) -> list[list[str]]:
    """The first rows of ``text`` (whole lines: the caller cuts a line the sniff window cut)."""
    lines = text.splitlines(keepends=True)[: MAX_PREAMBLE + _FOLLOWING + 1]
    try:
        return list(csv.reader(io.StringIO("".join(lines)), delimiter=delimiter))
    except csv.Error:
        return []


_VALUE = re.compile(r"[\d\s.,:;/+\-TZ]+")
"""A number, a date or a time: what data rows hold and header names do not."""


def _looks_like_header(row: list[str]) -> bool:
    names = [c.strip() for c in row]
    if len(names) < HEADER_NAMES or not all(names) or len(set(names)) != len(names):
        return False
    return not any(_VALUE.fullmatch(n) for n in names)


def header_row(text: str, delimiter: str) -> int:
    """How many rows stand above the header in ``text`` (the file's first bytes), 0 when
    the first row is the header or no better one is found."""
    rows = _rows(text, delimiter)
    for i, row in enumerate(rows[: MAX_PREAMBLE + 1]):
        if sum(1 for c in row if c.strip()) >= HEADER_NAMES:
            if i == 0 or not _looks_like_header(row):
                return 0  # a wide row that is no header: no preamble to skip
            after = rows[i + 1 : i + 1 + _FOLLOWING]
            same = sum(len(r) == len(row) for r in after)
            return i if after and same * 2 > len(after) else 0
    return 0


def sniff(text: str, delimiters: tuple[str, ...]) -> tuple[str, int] | None:
    """``(delimiter, rows above the header)`` for a file whose first line holds no
    delimiter-separated header, when one of ``delimiters`` gives a header further down
    (the widest wins); None otherwise."""
    best: tuple[int, str, int] | None = None
    for d in delimiters:
        above = header_row(text, d)
        if above == 0:
            continue
        width = len(_rows(text, d)[above])
        if best is None or width > best[0]:
            best = (width, d, above)
    return None if best is None else (best[1], best[2])
