"""Errors a user can cause and fix.

Why a dedicated type: the CLI turns a ``VigieError`` into one clear red line and exit code 2
instead of a traceback, so every user mistake (bad file, missing column, invalid study) must be
raised as one, with the file, the record and the field it concerns.
"""

from __future__ import annotations


class VigieError(Exception):
    """A problem the user can fix; shown without a traceback."""


class NotFound(VigieError):
    """A group, run or study named by its id that the workspace does not hold.

    Why its own type: the web workbench answers an address that leads nowhere (a bookmark
    to a deleted run, a mistyped group id) with 404 "Not found", and a malformed value with
    400; the command line shows it as any ``VigieError``. ``ref`` is the id as given, so the
    workbench can tell an id of the address from one of a posted form."""

    def __init__(self, message: str, ref: str = "") -> None:
        super().__init__(message)
        self.ref = ref


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
            where.append(record_label(record))
        if field is not None:
            where.append(f"field '{field}'")
        prefix = ", ".join(where)
        super().__init__(f"{prefix}: {message}" if prefix else message)


def shortened(text: str, n: int) -> str:
    """``text`` as a message quotes it: its first ``n`` characters, then ``…`` if it was
    longer. Why: a value pasted by mistake (5,000 characters for a run id) must not fill
    the screen, or a web page, with itself."""
    return text if len(text) <= n else text[:n] + "…"


def record_label(record: int | str) -> str:
    """How a message names a record: ``record 12``, or ``line 12`` where only the line is
    known (a CSV row Arrow could not split, located by its text)."""
    if isinstance(record, str) and record.startswith("line "):
        return record
    return f"record {record}"


# Optional extras: the import name of each optional library -> the extra that installs it.
# Why central: a missing library must be one line naming the ``pip install`` to run, whatever
# command needed it, and the CLI can only say so if it knows which extra ships the module.
EXTRA_OF_MODULE: dict[str, str] = {
    "stix2": "share",
    "stix2validator": "share",
    "pymisp": "share",
    "misp_stix_converter": "share",
    "taxii2client": "share",
    "fastapi": "share",
    "starlette": "share",
    "uvicorn": "share",
    "sqlalchemy": "share",
    "argon2": "share",
    "httpx": "share",
    "openmined": "psi",
    "pyspark": "spark",
    "sqlglot": "spark",
}


class MissingExtraError(VigieError):
    """An optional library is not installed; the message names the ``pip install`` to run."""

    def __init__(self, module: str, extra: str, purpose: str | None = None) -> None:
        self.module = module
        self.extra = extra
        what = f" for {purpose}" if purpose else ""
        super().__init__(
            f"the optional library '{module}' is not installed{what}: "
            f"run  pip install 'vigie[{extra}]'  (or 'vigie[all]')"
        )


def extra_for(module_name: str | None) -> str | None:
    """The extra that ships ``module_name`` (a dotted import name), or None if it is not ours."""
    if not module_name:
        return None
    return EXTRA_OF_MODULE.get(module_name.split(".", 1)[0])


def require_extra(module: str, extra: str | None = None, purpose: str | None = None):  # noqa: ANN201
    """Import ``module`` or raise ``MissingExtraError`` naming the extra to install."""
    import importlib

    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        missing = exc.name or module
        raise MissingExtraError(
            missing.split(".", 1)[0], extra or extra_for(missing) or "all", purpose
        ) from exc
