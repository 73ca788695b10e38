"""JSON that Python or ijson cannot take safely: refused with a reason, never a crash.

Two hazards, both found by feeding vigie hostile files:

- **Integers too long for Python.** Since 3.11, Python refuses to turn a string of more than
  ``sys.get_int_max_str_digits()`` digits (4,300 by default) into an int, a guard against
  conversions whose time grows with the square of the length. ``json`` then raises a plain
  ``ValueError`` (no ``JSONDecodeError``: handlers that catch only that one let it through
  as a traceback), and ijson's C backend (3.6) does not check the failed conversion and
  stops the process with a segmentation fault. The limit stays: lifting it would turn a
  10 MB number into minutes of work. No platform writes such a number.
- **Deep nesting under ijson.** ijson names every event by its path from the root, so a
  document nested d levels deep holds paths of total length ~d²: 30,000 levels took 2.2 GB,
  100,000 were killed for memory. No export nests more than a few dozen levels.

So:

- ``too_long(exc)`` tells Python's refusal of a long integer apart and words it;
- ``decode_past(buf, pos)`` finds where a JSON value holding one ends, so a reader of many
  values refuses that one and reads on;
- ``guarded(fh)`` wraps a binary file given to ijson: ``Unreadable`` (an ijson
  ``JSONError``, which ijson's callers already handle) is raised before the parser meets
  such an integer or a level deeper than ``MAX_DEPTH``, after it has read what comes before.
"""

from __future__ import annotations

import json
import re
import sys
from typing import IO

import ijson
import numpy as np

MAX_DEPTH = 512
"""Levels of arrays and objects a document read by ijson may nest (Telegram exports: ~6)."""

_DIGITS_TO_ZERO = bytes.maketrans(b"123456789", b"000000000")
_CLASSES = bytes(
    {ord("["): 1, ord("{"): 1, ord("]"): 2, ord("}"): 2, ord('"'): 3, ord("\\"): 4}.get(i, 0)
    for i in range(256)
)


def limit() -> int:
    """The most digits Python converts to an int (0: no limit)."""
    return int(sys.get_int_max_str_digits())


def too_long(exc: BaseException) -> str | None:
    """The refusal's detail when ``exc`` is Python's refusal of a long integer, else None."""
    if type(exc) is not ValueError:
        return None
    m = re.search(r"Exceeds the limit \((\d+) digits\).*?value has (\d+) digits", str(exc))
    if m is None:
        return None
    return f"a number of {int(m[2]):,} digits, more than the {int(m[1]):,} Python converts"


UNREADABLE = (ValueError, RecursionError)
"""What stdlib ``json.loads`` raises for text it cannot read: ``JSONDecodeError``,
``UnicodeDecodeError`` and a too long integer are ``ValueError``; a document nested a thousand
levels deep is a ``RecursionError``, which a handler of ``ValueError`` let through as a
traceback (``vigie share import`` of a hostile bundle)."""


def why(exc: BaseException) -> str:
    """The words for an ``UNREADABLE`` error, fit for "not valid JSON (…)"."""
    if isinstance(exc, RecursionError):
        return "nested too deeply to read"
    return too_long(exc) or str(exc)


def decode_past(buf: str, pos: int) -> int:
    """Where the JSON value at ``buf[pos:]`` ends, its over-long integers read as strings
    (``raw_decode`` raised Python's refusal of them); raises ``ValueError`` if it is broken
    for another reason too."""
    cap = limit()
    dec = json.JSONDecoder(parse_int=lambda s: s if cap and len(s.lstrip("-")) > cap else int(s))
    return int(dec.raw_decode(buf, pos)[1])


def _int_run(cap: int) -> re.Pattern[bytes]:
    # a run of digits that is an integer's: not a fraction's or an exponent's (their
    # numbers are floats, which convert at any length), not the tail of a longer run
    return re.compile(rb"(?<![0-9.eE+])(?<![eE]-)[0-9]{%d}" % (cap + 1))


class Unreadable(ijson.JSONError):  # type: ignore[misc]
    """What ``GuardedReader`` refuses, at a byte offset of the file."""

    def __init__(self, what: str, offset: int) -> None:
        super().__init__(f"byte {offset + 1:,}: {what} a damaged or hostile file?")
        self.offset = offset


class GuardedReader:
    """A binary file for ijson that raises ``Unreadable`` before the parser meets an integer
    longer than ``limit()`` digits or a level deeper than ``MAX_DEPTH``.

    Each chunk costs a byte translation, a substring search and a few NumPy passes (quotes,
    the backslashes before them, brackets outside strings): a few ms a MB. The exact digit
    pattern runs only where a long run of digits is. Runs, strings and escapes split
    between two reads are carried across them. A digit string inside a JSON string is taken
    for a number: a string of thousands of digits alone is as damaged as the number."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.offset = 0  # bytes read before the current chunk
        self.prev = b""  # the last two bytes read before the current chunk
        self.run = 0  # digits at the end of what was read
        self.run_start = 0  # where they start in the file
        self.counting = False  # whether those digits are an integer's
        self.depth = 0  # arrays and objects open at the end of what was read
        self.in_string = False  # whether what was read ends inside a string
        self.backslashes = 0  # backslashes at the end of what was read
        self.pending: Unreadable | None = None  # raised at the next read

    def read(self, size: int = -1) -> bytes:
        if self.pending is not None:
            raise self.pending
        chunk = self.raw.read(size)
        if not chunk:
            return chunk
        found = self._refusal(chunk)
        if found is not None:
            # what comes before is parsed first (the records before it are kept), and the
            # next read raises
            self.pending = found
            cut = max(0, found.offset - self.offset)
            if cut == 0:
                raise found
            chunk = chunk[:cut]
        self.offset += len(chunk)
        self.prev = (self.prev + chunk)[-2:]
        return chunk

    def _refusal(self, chunk: bytes) -> Unreadable | None:
        """The first thing in ``chunk`` to refuse (state moves past ``chunk`` otherwise)."""
        long_int = self._long_int(chunk)
        deep = self._too_deep(chunk)
        found = [x for x in (long_int, deep) if x is not None]
        return min(found, key=lambda x: x.offset) if found else None

    def _long_int(self, chunk: bytes) -> Unreadable | None:
        cap = limit()
        if not cap:
            return None
        what = f"a number of more than {cap:,} digits, more than Python converts;"
        z = chunk.translate(_DIGITS_TO_ZERO)
        lead = len(z) - len(z.lstrip(b"0"))
        if lead == len(z):  # digits all along: a run goes on, or starts here
            if not self.run:
                self.counting = not self._exempt(chunk, 0)
                self.run_start = self.offset
            self.run += lead
            return Unreadable(what, self.run_start) if self.counting and self.run > cap else None
        if self.run and self.counting and self.run + lead > cap:
            return Unreadable(what, self.run_start)
        if b"0" * (cap + 1) in z:
            # with the previous bytes in front, the look-behinds see what precedes a run
            # that starts this chunk; one that goes on from the last chunk cannot match
            for m in _int_run(cap).finditer(self.prev + chunk):
                if m.start() >= len(self.prev):
                    return Unreadable(what, self.offset + m.start() - len(self.prev))
        tail = len(z) - len(z.rstrip(b"0"))
        self.run, self.run_start = tail, self.offset + len(chunk) - tail
        self.counting = bool(tail) and not self._exempt(chunk, len(chunk) - tail)
        return None

    def _exempt(self, chunk: bytes, start: int) -> bool:
        """Whether the digits from ``chunk[start]`` are a fraction's or an exponent's."""
        before = (self.prev + chunk)[: len(self.prev) + start][-2:]
        last = before[-1:]
        return last in (b".", b"e", b"E", b"+") or (last == b"-" and before[:1] in (b"e", b"E"))

    def _too_deep(self, chunk: bytes) -> Unreadable | None:
        # only the bytes that matter, by class: 1 opens, 2 closes, 3 a quote, 4 a backslash
        cls = np.frombuffer(chunk.translate(_CLASSES), dtype=np.uint8)
        at = np.flatnonzero(cls)
        kind = cls[at]
        k = np.arange(at.size)
        # the backslashes right before each byte, counted in runs of adjacent backslashes
        # (the run at the chunk's start goes on from the last chunk's)
        backslash = kind == 4
        joined = np.r_[False, backslash[:-1] & (at[1:] == at[:-1] + 1)] & backslash
        run_start = np.maximum.accumulate(np.where(joined, -1, k))
        run_len = k - run_start + 1 + np.where(at[run_start] == 0, self.backslashes, 0)
        prev_bs = np.r_[False, backslash[:-1] & (at[1:] == at[:-1] + 1)]
        if at.size and at[0] == 0 and self.backslashes:
            prev_bs[0] = True
        before = np.where(prev_bs, np.r_[self.backslashes, run_len[:-1]], 0)
        edge = (kind == 3) & (before % 2 == 0)  # a quote no odd backslash run escapes
        start_in = int(self.in_string)
        inside = (np.cumsum(edge) - edge + start_in) % 2 == 1  # within a string, edges aside
        step = np.where(inside, 0, np.where(kind == 1, 1, np.where(kind == 2, -1, 0)))
        depths = self.depth + np.cumsum(step)
        over = np.flatnonzero(depths > MAX_DEPTH)
        if over.size:
            what = f"arrays or objects nested more than {MAX_DEPTH:,} levels deep;"
            return Unreadable(what, self.offset + int(at[over[0]]))
        if depths.size:
            self.depth = int(depths[-1])
        self.in_string = bool((start_in + int(edge.sum())) % 2)
        trailing = len(chunk) - len(chunk.rstrip(b"\\"))
        self.backslashes = self.backslashes + trailing if trailing == len(chunk) else trailing
        return None


def guarded(raw: IO[bytes]) -> GuardedReader:
    """``raw`` wrapped for ijson (see ``GuardedReader``)."""
    return GuardedReader(raw)
