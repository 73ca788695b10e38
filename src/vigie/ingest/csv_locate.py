"""Where the CSV rows Arrow refuses are, and whether one opens a quote that never closes.

Why: Arrow's ``invalid_row_handler`` hands over a refused row's text but no number when
values may hold line breaks (``newlines_in_values``), so such refusals said "record ?":
the user had a file of a million rows and no line to open. And a quote opened in a middle
column and never closed swallows every row after it into one row with too few columns,
refused as "malformed CSV row" without a word about the rows it took along.

The rows come in file order, so each is searched for forward from the previous one, at
the start of a line, in the file's bytes (memory-mapped: nothing is read twice and memory
stays bounded whatever the file's size). A row that cannot be found (an encoding that does
not round-trip) keeps the old "?", never a wrong number.
"""

from __future__ import annotations

import mmap
from pathlib import Path

_UTF8 = ("utf-8", "utf-8-sig", "utf8")


def _search_codec(encoding: str, head: bytes) -> str:
    """The codec that writes a row's text as its bytes in the file (no byte-order mark)."""
    enc = encoding.lower().replace("_", "-")
    if enc in _UTF8:
        return "utf-8"
    if enc in ("utf-16", "utf16"):
        return "utf-16-be" if head.startswith(b"\xfe\xff") else "utf-16-le"
    if enc in ("utf-32", "utf32"):
        return "utf-32-be" if head.startswith(b"\x00\x00\xfe\xff") else "utf-32-le"
    return encoding


class RowLocator:
    """Line numbers (1-based, the header's line is 1) of refused rows, in file order."""

    def __init__(self, path: Path, encoding: str) -> None:
        self._path, self._encoding = path, encoding
        self._mm: mmap.mmap | None = None
        self._failed = False
        self._misses = 0
        self._codec = "utf-8"
        self._newline = b"\n"
        self._pos = 0  # where the last row found starts: its line is ``self._line``
        self._line = 1
        self._end = 0  # where the last row found ends: the next search starts there

    def _map(self) -> mmap.mmap | None:
        if self._mm is None and not self._failed:
            try:
                with open(self._path, "rb") as fh:
                    self._mm = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
            except (OSError, ValueError):  # an empty file, a pipe: no numbers, no harm
                self._failed = True
                return None
            self._codec = _search_codec(self._encoding, self._mm[:4])
            self._newline = "\n".encode(self._codec)
        return self._mm

    def line_of(self, text: str) -> int | None:
        """The line where the row ``text`` starts, or None when it cannot be found."""
        mm = self._map()
        if mm is None or self._failed or not text:
            return None
        try:
            needle = text.encode(self._codec)
        except (UnicodeError, LookupError):
            return None
        nl, at = self._newline, self._end
        while True:
            at = mm.find(needle, at)
            if at < 0:
                # each miss reads the rest of the file: after a few, stop searching (a file
                # of many refused rows that cannot be found must not cost its size each)
                self._misses += 1
                self._failed = self._misses >= _MAX_MISSES
                return None
            if at == 0 or mm[at - len(nl) : at] == nl or mm[at - 1 : at] == b"\r":
                break
            at += 1
        self._line += _count(mm, nl, self._pos, at)
        self._pos, self._end = at, at + len(needle)
        return self._line

    def runs_to_end(self) -> bool:
        """Whether the row last found ends the file (only line breaks after it)."""
        mm = self._map()
        if mm is None or len(mm) - self._end > 16:  # a line break or two, in any codec
            return False
        tail = mm[self._end :].decode(self._codec, errors="replace")
        return tail.strip("\r\n") == ""

    def close(self) -> None:
        """Release the mapping (the readers call it when the file is done)."""
        if self._mm is not None:
            self._mm.close()
            self._mm = None


def _count(mm: mmap.mmap, nl: bytes, lo: int, hi: int) -> int:
    """Line breaks in ``mm[lo:hi]``, counted a slice at a time: rows refused far apart are
    never copied whole. Slices are a multiple of the break's width (two bytes in UTF-16),
    so no break is cut in two."""
    step, n = _SLICE - _SLICE % len(nl), 0
    for at in range(lo, hi, step):
        n += mm[at : min(at + step, hi)].count(nl)
    return n


_SLICE = 16 << 20
_MAX_MISSES = 3


def open_quote_column(text: str, delimiter: str) -> int | None:
    """The index of the column whose quote is still open at the end of ``text``, else None.

    A quote opens a field only as its first character, and ``""`` inside a quoted field is
    a quote character (RFC 4180), as Arrow and Python's ``csv`` read them."""
    col, quoted, start, opened = 0, False, True, 0
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if quoted:
            if c == '"':
                if i + 1 < n and text[i + 1] == '"':
                    i += 1
                else:
                    quoted = False
        elif c == '"' and start:
            quoted, opened = True, col
        elif c == delimiter:
            col += 1
            start = True
            i += 1
            continue
        elif c in "\r\n":
            col, start = 0, True  # a new record (outside quotes)
            i += 1
            continue
        start = False
        i += 1
    return opened if quoted else None
