"""Errors a user can cause and fix.

Why a dedicated type: the CLI turns a ``VigieError`` into one clear red line and exit code 2
instead of a traceback, so every user mistake (bad file, missing column, invalid study) must be
raised as one, with the file, the record and the field it concerns.
"""

from __future__ import annotations


class VigieError(Exception):
    """A problem the user can fix; shown without a traceback."""


class InputError(VigieError):
    """Bad input, located as precisely as we can: file, record (line or row) and field."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        record: int | str | None = None,
        field: str | None = None,
    ) -> None:
        self.file = file
        self.record = record
        self.field = field
        self.reason = message
        where = []
        if file is not None:
            where.append(str(file))
        if record is not None:
            where.append(f"record {record}")
        if field is not None:
            where.append(f"field '{field}'")
        prefix = ", ".join(where)
        super().__init__(f"{prefix}: {message}" if prefix else message)
