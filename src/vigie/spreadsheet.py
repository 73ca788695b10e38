"""Text a spreadsheet must read as text, never as a formula (OWASP "CSV injection").

Why one place: every export a person opens in Excel or LibreOffice (the risk workbook, the
decisions CSV) carries text others typed — an account's name, an analyst's note. A cell
starting with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return before one) is run as
a formula when the file is opened: ``=HYPERLINK("https://evil", "click")`` in a note would
become a live link in a colleague's sheet.
"""

from __future__ import annotations

from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""Leading characters that make a spreadsheet read a cell as a formula (OWASP CSV injection)."""


def csv_cell(value: Any) -> str:
    """``value`` as a CSV cell: empty for None, and a text that starts like a formula behind
    a leading ``'`` (what spreadsheets show as "this is text"; the rest is kept verbatim)."""
    if value is None:
        return ""
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text
