"""Regular-expression classes written from a set of code points.

Why one helper: the detectors' SQL (RE2, and Java on Spark) and the ingest's Python ``re``
both need classes of exactly a set of characters (the look-alikes to fold, Unicode's marks),
each in its own escape syntax; runs of consecutive code points are written as ranges so the
class stays short (the 489 characters the fold deletes are 22 ranges).
"""

from __future__ import annotations

from collections.abc import Iterable


def runs(code_points: Iterable[int]) -> list[tuple[int, int]]:
    """The distinct ``code_points`` as sorted runs ``(first, last)`` of consecutive values."""
    out: list[tuple[int, int]] = []
    for cp in sorted(set(code_points)):
        if out and cp == out[-1][1] + 1:
            out[-1] = (out[-1][0], cp)
        else:
            out.append((cp, cp))
    return out


def re2_class(chars: Iterable[str]) -> str:
    """A class of exactly ``chars`` for RE2 and Java (``[\\x{...}-\\x{...}]``)."""
    return "[" + "".join(_range(a, b, "\\x{%04X}") for a, b in runs(map(ord, chars))) + "]"


def python_class_body(code_points: Iterable[int]) -> str:
    """The body (no brackets) of a Python ``re`` class of exactly ``code_points`` (BMP:
    ``\\uXXXX``), to be joined with other members such as ``\\w``."""
    return "".join(_range(a, b, "\\u%04X") for a, b in runs(code_points))


def _range(a: int, b: int, fmt: str) -> str:
    return fmt % a if a == b else f"{fmt % a}-{fmt % b}"
