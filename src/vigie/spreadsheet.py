"""Text a spreadsheet must read as text, never as a formula (OWASP "CSV injection").

Why one place: every export a person opens in Excel or LibreOffice (the risk workbook, the
decisions CSV, the Findings' CSVs) carries text others typed — an account's name, an
analyst's note, a post's hashtag or link. A cell starting with ``=``, ``+``, ``-`` or ``@``
(or a tab or carriage return before one) is run as a formula when the file is opened:
``=HYPERLINK("https://evil", "click")`` in a note would become a live link in a colleague's
sheet. A plain number (``-1001234567``, a Telegram channel's id) is never a formula and is
kept as it is, so that ids still match between files and tools.
"""

from __future__ import annotations

import re
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""Leading characters that make a spreadsheet read a cell as a formula (OWASP CSV injection)."""

_STARTS_LIKE_FORMULA = r"^[=+\-@\t\r]"
_PLAIN_NUMBER = r"^[+-]?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?$"
_PLAIN_NUMBER_RE = re.compile(_PLAIN_NUMBER)


def csv_cell(value: Any) -> str:
    """``value`` as a CSV cell: empty for None, and a text that starts like a formula behind
    a leading ``'`` (what spreadsheets show as "this is text"; the rest is kept verbatim)."""
    if value is None:
        return ""
    text = str(value)
    if text.startswith(FORMULA_START) and not _PLAIN_NUMBER_RE.match(text):
        return "'" + text
    return text


def guard_table(table: Any) -> Any:
    """``table`` (Arrow) with ``csv_cell``'s rule applied to every text column, vectorised:
    a Findings CSV (a post's hashtag, a copied text, an account's handle) can hold millions
    of cells, and almost none needs the guard, so a column none of whose cells starts like
    a formula is returned untouched."""
    import pyarrow as pa
    import pyarrow.compute as pc

    cols = []
    for col in table.columns:
        if pa.types.is_string(col.type) or pa.types.is_large_string(col.type):
            risky = pc.match_substring_regex(col, _STARTS_LIKE_FORMULA)
            if pc.any(risky).as_py():
                risky = pc.and_kleene(
                    risky, pc.invert(pc.match_substring_regex(col, _PLAIN_NUMBER))
                )
                quoted = pc.binary_join_element_wise("'", col, "")
                col = pc.if_else(pc.fill_null(risky, False), quoted, col)
        cols.append(col)
    return pa.Table.from_arrays(cols, names=table.column_names)
