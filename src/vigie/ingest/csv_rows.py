"""Rows of a platform's CSV export, as ``(line number, dict)`` pairs for ``records.read_items``.

Why not the generic table reader (``tabular``): a platform export has fixed column names whose
meaning we know (a time zone suffix, a list written as ``[a, b]``, a post URL standing for an
id), so its reader maps it without ``--map``; it only needs the rows, read the same careful way
(UTF-8 with or without BOM, a record may be as long as ``MAX_RECORD_BYTES``, one clear error
for a file that is not CSV text).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

from vigie.errors import InputError
from vigie.ingest.jsonlines import MAX_RECORD_BYTES
from vigie.ingest.model import VALUE_NOTES, Batch, Note
from vigie.ingest.records import BadField, Mapped, Missing, read_items


def header_of(path: Path) -> list[str]:
    """The column names of a CSV file (``[]`` when it has no readable header)."""
    try:
        with open(path, encoding="utf-8-sig", errors="replace", newline="") as fh:
            return next(csv.reader(fh), [])
    except (OSError, csv.Error):
        return []


def names(header: list[str]) -> set[str]:
    """A header's column names, blanks and a byte-order mark stripped."""
    return {h.strip().lstrip("\ufeff").strip() for h in header}


def has_columns(header: list[str], needed: tuple[str, ...], any_of: tuple[str, ...]) -> bool:
    """Whether a header holds every one of ``needed`` and one of ``any_of`` (a tool's own
    column, which tells its export from a generic table with the common names)."""
    have = names(header)
    return set(needed) <= have and any(c in have for c in any_of)


def header_delimiter(path: Path, test: Callable[[list[str]], bool]) -> str | None:
    """The delimiter, comma or tab, under which ``path``'s first row passes ``test`` (tools
    that write CSV or TSV with the same header); None when neither does."""
    csv.field_size_limit(MAX_RECORD_BYTES)
    for delim in (",", "\t"):
        try:
            with open(path, encoding="utf-8-sig", errors="replace", newline="") as fh:
                if test(next(csv.reader(fh, delimiter=delim), [])):
                    return delim
        except (OSError, csv.Error):
            return None
    return None


def need_columns(path: Path, header: list[str], needed: tuple[str, ...], what: str) -> None:
    """One clear error, before any row, when a file forced to a format lacks its columns."""
    have = {h.strip().lower() for h in header}
    missing = [c for c in needed if c.lower() not in have]
    if missing:
        raise InputError(
            f"not {what}: no column {', '.join(missing)} (columns are: "
            f"{', '.join(header[:12])}{', ...' if len(header) > 12 else ''}); "
            "read it as a generic table with --format csv and --map",
            file=str(path),
        )


def read_table(
    path: Path,
    accepts: Callable[[list[str]], bool],
    needed: tuple[str, ...],
    what_file: str,
    one: Callable[[Any], Mapped],
    what: str,
    *,
    strip: bool = False,
) -> Iterator[Batch]:
    """Batches of a tool's CSV export mapped row by row with ``one``: the reading every
    one-row-one-record table reader shares. A header the format does not ``accepts`` is
    refused before any row when it lacks the ``needed`` columns (``need_columns``, naming
    ``what_file``); each row is then one ``what`` record (``rows``; ``strip``: its cells'
    edge blanks dropped)."""
    header = header_of(path)
    if not accepts(header):
        need_columns(path, header, needed, what_file)
    return read_items(path, lambda v: [v], one, what, values=rows(path, strip=strip))


def rows(
    path: Path,
    lower: bool = False,
    *,
    encoding: str = "utf-8-sig",
    delimiter: str = ",",
    above: int = 0,
    strip: bool = False,
) -> Iterator[tuple[int, Any]]:
    """``(record number, row)`` of each data row; the record number is the row's first line.

    A row with more fields than the header keeps the extra ones under ``None`` (dropped here,
    so a stray delimiter cannot invent a column); one with fewer has ``None`` values, which the
    readers treat as missing. Extra fields are not silent: the row's reader sees ``_extra``.
    ``lower``: column names stripped and lower-cased once, for readers that match them so.
    ``encoding``, ``delimiter`` and ``above`` (rows before the header: a report's preamble)
    are a sniffed dialect's (``tabular.csv_dialect``), for exports that are no plain UTF-8
    comma-separated file (a listening tool's UTF-16 tab-separated report); record numbers
    still count the file's lines from its first, preamble included. ``strip``: column names
    stripped of blanks and a byte-order mark, case kept.
    """
    csv.field_size_limit(MAX_RECORD_BYTES)
    recoded = [0]  # lines read as Windows-1252 (``_lines``)
    try:
        with open(path, "rb") as raw:
            fh = _lines(raw, recoded) if encoding == "utf-8-sig" else _decoded(raw, encoding)
            before = 0  # lines of the rows above the header
            if above:
                preamble = csv.reader(fh, delimiter=delimiter)
                for _ in range(above):
                    next(preamble, None)
                before = preamble.line_num
            reader = csv.DictReader(fh, delimiter=delimiter)
            if lower and reader.fieldnames:
                reader.fieldnames = [f.strip().lower() for f in reader.fieldnames]
            elif strip and reader.fieldnames:
                reader.fieldnames = [f.strip().lstrip("\ufeff").strip() for f in reader.fieldnames]
            line = before + 1
            for row in reader:
                start, line = line + 1, before + reader.line_num
                extra = row.pop(None, None)  # type: ignore[call-overload]
                if extra:
                    row["_extra"] = extra
                yield start, row
            if recoded[0]:
                yield line, Note(WINDOWS_1252, recoded[0])
    except UnicodeDecodeError as exc:
        said = "UTF-8" if encoding.startswith("utf-8") else encoding
        raise InputError(
            f"not {said} text ({exc}); export the CSV as UTF-8", file=str(path)
        ) from exc
    except csv.Error as exc:
        raise InputError(f"unreadable CSV: {exc}", file=str(path)) from exc


WINDOWS_1252 = VALUE_NOTES[5] + (
    "lines of a CSV not UTF-8 (Excel's 'CSV (Comma delimited)' save); if accents look "
    "wrong, convert the file to UTF-8 (iconv -f <its encoding> -t UTF-8)"
)


def _lines(raw: BinaryIO, recoded: list[int]) -> Iterator[str]:
    """The lines of a CSV export, UTF-8 (a byte-order mark dropped), and a line that is not
    UTF-8 read as Windows-1252, counted in ``recoded[0]``.

    Why: Excel saves "CSV (Comma delimited)" in the system's code page, Windows-1252 in
    western Europe and the Americas (``…`` is its byte 0x85): a NodeXL network and a cut
    of the IRA tweets re-saved so were refused whole as "not UTF-8 text". Line by line,
    a file mixing both (rows pasted from another export) keeps its UTF-8 lines exact.
    The five bytes Windows-1252 leaves undefined read as U+FFFD."""
    first = True
    for b in raw:
        try:
            text = b.decode("utf-8")
        except UnicodeDecodeError:
            text = b.decode("cp1252", errors="replace")
            recoded[0] += 1
        if first:
            text, first = text.removeprefix("\ufeff"), False
        if "\r" in text.rstrip("\r\n"):  # lines ended by a lone CR (Excel's "CSV (Macintosh)")
            yield from _LONE_CR.split(text)
        else:
            yield text


_LONE_CR = re.compile(r"(?<=\r)(?!\n)")
"""After a carriage return that no line feed follows: where a line of a file written with
CR line ends ends (a binary read splits on LF only, and the csv module refused the rest)."""


def _decoded(raw: BinaryIO, encoding: str) -> Iterator[str]:
    """The lines of ``raw`` in the ``encoding`` a sniffed dialect named (UTF-16...)."""
    yield from io.TextIOWrapper(raw, encoding=encoding, newline="")


QUOTED_RE = re.compile(r"""'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)\"""")


def whole(row: Any) -> dict[str, Any]:
    """``row`` if it is one whole record; refused (counted by ``read_items``) otherwise.

    Why here: every export reader must refuse a row with more cells than the header (a
    stray delimiter shifts every later column: the values would land in the wrong fields)."""
    if not isinstance(row, dict):
        raise ValueError("a row is not a record")
    if row.get("_extra"):
        raise BadField("row", f"{len(row['_extra'])} more field(s) than the header")
    return row


def cell(row: dict[str, Any], *names: str) -> str | None:
    """The first of ``names`` with a non-blank value in ``row``, stripped (exports rename a
    column across versions or platforms, e.g. CrowdTangle's ``Facebook Id``/``User Name``)."""
    for n in names:
        v = row.get(n)
        if v is not None and str(v).strip():
            return str(v).strip()
    return None


def need_cell(row: dict[str, Any], *names: str, field: str | None = None) -> str:
    """``cell(row, *names)``, or ``Missing`` naming ``field`` (the first name by default):
    the refusal names the column an analyst would look for."""
    v = cell(row, *names)
    if v is None:
        raise Missing(field or names[0])
    return v


def list_cell(value: Any) -> list[str]:
    """Items of a list written in a cell: ``[a, b]``, ``['a', 'b']``, ``["a"]``, ``a,b`` or ``a``.

    Why by hand: archives write Python-style lists, sometimes unquoted, and ``ast.literal_eval``
    would fail on the unquoted form and accept far more than a list of strings.
    """
    if value is None:
        return []
    s = str(value).strip().removeprefix("[").removesuffix("]").strip()  # even if cut short
    if not s:
        return []
    if s[0] in "'\"":
        return [a or b for a, b in QUOTED_RE.findall(s) if (a or b).strip()]
    return [p.strip() for p in s.split(",") if p.strip()]
