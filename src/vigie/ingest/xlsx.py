"""Excel workbooks (.xlsx) ingested as the CSV of their sheet.

Why: the analysts vigie serves receive spreadsheets more often than CSV files: social-listening
tools, dashboards and colleagues export .xlsx. An .xlsx is a zip, so it used to be refused as
"a zip archive of 8 files". Teaching every table reader a workbook would duplicate the CSV
path's mapping, dialect and refusal rules; instead the sheet is streamed once (openpyxl's
read-only mode, through ``vigie.workbook``'s checks against zip bombs and XML entities) into a
CSV file in a private temporary folder beside the Dataset, read from there by the CSV path
(so a CrowdTangle or Meta Content Library sheet is still told apart from a generic table, and
a report's preamble above the header is still skipped), and deleted afterwards. Messages name
the workbook.

Values are written as the sheet shows them to a reader: dates as ISO 8601 (naive: read as
UTC, as ``--date-format`` says of naive times), whole numbers without ``.0``. A number of
more than 15 significant digits cannot be exact in a spreadsheet (Excel keeps doubles): an id
column holding such numbers (an X post id typed as a number) is said in a warning, since those
ids are not the platform's any more.
"""

from __future__ import annotations

import csv
import datetime as dt
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from vigie.errors import InputError, VigieError
from vigie.ingest.copies import copies
from vigie.ingest.csv_preamble import HEADER_NAMES

MAX_UNPACKED = 4 << 30
"""Bytes a workbook of posts may unpack to: Excel's 1,048,576 rows of post-sized texts."""
_EXACT = 2**53  # integers past this are not all representable as doubles


def is_xlsx(path: Path) -> bool:
    """Whether ``path`` is an Office Open XML workbook (a zip holding ``xl/workbook.xml``)."""
    try:
        with open(path, "rb") as fh:
            if fh.read(4) != b"PK\x03\x04":
                return False
        with zipfile.ZipFile(path) as z:
            return "xl/workbook.xml" in z.namelist()
    except (OSError, zipfile.BadZipFile):
        return False


def _text(v: Any) -> str:
    """A cell's value as CSV text (see the module's docstring)."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, dt.datetime | dt.date | dt.time):
        return v.isoformat()
    if isinstance(v, float) and v.is_integer() and abs(v) < _EXACT:
        return str(int(v))
    return str(v)


def _last(cells: list[str]) -> int:
    """The width of a row: one past its last cell holding anything."""
    return max((i + 1 for i, c in enumerate(cells) if c), default=0)


def _names(cells: list[str]) -> int:
    """How many cells of a row hold more than blanks."""
    return sum(1 for c in cells if c.strip())


HEAD_ROWS = 40
"""Rows of a sheet looked at for its header (a report's preamble sits above it)."""


def _layout(names: list[str]) -> str | None:
    """The format a header row names (a TAGS archive, a Meta Content Library export, a
    listening tool's...), as ``--format auto`` tells it of a CSV file; None for a plain table."""
    from vigie.ingest.detect_format import MCL_COLUMNS
    from vigie.ingest.listening import LAYOUTS
    from vigie.ingest.sniff_more import header_shape

    if sum(c in names for c in MCL_COLUMNS) >= 2:
        return "mcl"
    listening = next((lay.fmt for lay in LAYOUTS.values() if lay.matches(names)), None)
    return header_shape(names) or listening


def _sheet_head(ws: Any, rows: int = HEAD_ROWS) -> tuple[list[str], str | None]:
    """A sheet's header among its first ``rows`` rows and the format it names: the first
    row naming a format (a NodeXL sheet has a row of column groups above its header), else
    the first of ``HEADER_NAMES`` values or more, else the first holding anything ([] when
    none does), with None."""
    first: list[str] | None = None
    wide: list[str] | None = None
    for row in ws.iter_rows(values_only=True, max_row=rows):
        cells = [_text(v) for v in row]
        names = [c.strip() for c in cells[: _last(cells)]]
        if _names(cells) >= HEADER_NAMES:
            fmt = _layout(names)
            if fmt is not None:
                return names, fmt
            wide = wide or names
        if _names(cells) and first is None:
            first = names
    return wide or first or [], None


def _known_sheet(wb: Any) -> tuple[Any, str] | None:
    """The first sheet whose header names a format vigie reads, with that format, when the
    workbook has several sheets: a TAGS workbook opens on its "Readme/Settings" sheet and
    keeps its tweets in "Archive", other exports put a summary or a chart first. None when
    no sheet names one (the first sheet with data is then read)."""
    if len(wb.sheetnames) < 2:
        return None
    for ws in wb.worksheets:
        _, fmt = _sheet_head(ws)
        if fmt is not None:
            return ws, fmt
    return None


def header_of(path: Path, rows: int = HEAD_ROWS) -> list[str]:
    """The header ``to_csv`` would take, from the first ``rows`` rows of the sheet it would
    read: what a mapping form lists, without converting the whole workbook."""
    from vigie.workbook import open_workbook

    with open_workbook(path, MAX_UNPACKED) as wb:
        known = _known_sheet(wb)
        for ws in [known[0]] if known else wb.worksheets:
            header, _ = _sheet_head(ws, rows)
            if header:
                return header
    return []


class _Inexact:
    """Columns holding numbers a double cannot keep exact: counted, one example each."""

    def __init__(self) -> None:
        self.found: dict[int, tuple[int, Any]] = {}

    def see(self, row: tuple[Any, ...]) -> None:
        for i, v in enumerate(row):
            if isinstance(v, int | float) and not isinstance(v, bool) and abs(v) >= _EXACT:
                n, ex = self.found.get(i, (0, v))
                self.found[i] = (n + 1, ex)

    def notes(self, header: list[str]) -> list[str]:
        out = []
        for i, (n, ex) in sorted(self.found.items()):
            name = header[i] if i < len(header) and header[i] else f"#{i + 1}"
            out.append(
                f"column {name!r}: {n:,} number(s) of more than 15 digits (e.g. {ex!r}) were "
                "stored by the spreadsheet as approximations, so their last digits are lost: "
                "if these are ids, export them as text (or ingest the platform's own file)"
            )
        return out


def to_csv(
    path: Path, folder: Path, shown: Path, sheet: str | None = None
) -> tuple[Path, list[str]]:
    """Write the sheet ``sheet`` (by default the first holding data) of the workbook
    ``path`` as a CSV in ``folder``.

    Returns the CSV's path and the notes to say (which sheet, inexact numbers). Raises
    ``InputError`` naming ``shown`` for a workbook that cannot be read, holds no data, or
    has no sheet named ``sheet``."""
    from vigie.workbook import open_workbook

    out_path = folder / (path.stem + ".csv")
    notes: list[str] = []
    try:
        with open_workbook(path, MAX_UNPACKED) as wb:
            names = list(wb.sheetnames)
            if sheet is not None and sheet not in names:
                raise InputError(
                    f"--sheet {sheet!r}: no such sheet; its sheets are: "
                    f"{', '.join(repr(n) for n in names)}",
                    file=str(shown),
                )
            known = _known_sheet(wb) if sheet is None else None
            chosen = [wb[sheet]] if sheet is not None else [known[0]] if known else wb.worksheets
            for ws in chosen:
                inexact = _Inexact()
                header = _write_sheet(ws, out_path, inexact)
                if header is not None:
                    break
            else:
                where = (
                    f"sheet {sheet!r}"
                    if sheet is not None
                    else f"any of its {len(names)} sheet(s) ({', '.join(names)})"
                )
                raise InputError(f"no data in {where}", file=str(shown))
    except InputError:
        raise
    except VigieError as exc:  # the workbook's own checks name the file read, maybe a copy
        reason = str(exc).removeprefix(f"{path}: ")
        raise InputError(reason, file=str(shown)) from None
    if len(names) > 1 and sheet is None:
        others = [n for n in names if n != ws.title]
        why = f" (its columns are a {known[1]} export's)" if known else ""
        notes.append(
            f"read sheet {ws.title!r}{why}; the workbook's other sheet(s) were not read: "
            f"{', '.join(repr(n) for n in others)} (--sheet NAME reads another)"
        )
    return out_path, notes + inexact.notes(header)


def _write_sheet(ws: Any, out_path: Path, inexact: _Inexact) -> list[str] | None:
    """Stream the sheet ``ws`` into ``out_path``; its header, or None when it is empty.

    The header is the first row of three values or more (rows above it, a report's
    preamble of a label and a value per row, are written as they are, for the CSV path to
    skip); every row after it is written as wide as the header (blank cells at the end of a
    row may be missing from the sheet's XML, and a short row would be a refused one), and
    wider only when it holds values past the header (the CSV path then refuses that row as
    too wide, counted and named, rather than losing the value). Empty rows are written as
    empty lines, which the reader skips, so lines follow the sheet's rows."""
    from vigie.progress import make_progress

    header: list[str] | None = None
    width, fixed = 0, False
    total = ws.max_row if isinstance(ws.max_row, int) and ws.max_row > 1 else None
    with (
        open(out_path, "w", encoding="utf-8", newline="") as fh,
        make_progress(transient=True) as prog,
    ):
        # ~10 s per 100,000 rows in openpyxl: a sheet of a million rows takes minutes
        task = prog.add_task(f"reading sheet {ws.title!r} of {out_path.stem}", total=total)
        writer = csv.writer(fh, lineterminator="\n")
        for n, row in enumerate(ws.iter_rows(values_only=True)):
            if n % 4096 == 0:
                prog.update(task, completed=n)
            cells = [_text(v) for v in row]
            last = _last(cells)
            if last == 0:
                fh.write("\n")
                continue
            if fixed:
                inexact.see(row)
                cells += [""] * (width - len(cells))
                writer.writerow(cells[: max(width, last)])
                continue
            width = max(width, last)
            cells += [""] * (width - len(cells))
            if header is None or _names(cells) >= HEADER_NAMES:
                header = cells[:width]
                fixed = _names(header) >= HEADER_NAMES
            writer.writerow(cells[:width])
    return header


@contextmanager
def csv_copies(
    paths: list[Path],
    given: list[Path],
    fmt: str,
    beside: Path | None = None,
    sheet: str | None = None,
) -> Iterator[tuple[list[Path], list[list[str]]]]:
    """The sources, workbooks replaced by the CSV of their sheet (``to_csv``) in a temporary
    folder made in ``beside``, deleted on exit whatever happens; and each source's notes.

    ``--format xlsx`` on a file that is no workbook is one line naming it."""
    todo = [is_xlsx(p) for p in paths]
    if fmt == "xlsx":
        for g, do in zip(given, todo, strict=True):
            if not do:
                raise InputError("--format xlsx: not an Excel workbook (.xlsx)", file=str(g))

    def make(i: int, p: Path, folder: Path) -> tuple[Path, list[str]]:
        return to_csv(p, folder, given[i], sheet)

    with copies(paths, todo, make, list, beside, ".vigie-xlsx-") as made:
        yield made
