"""Reading a workbook someone sent: bounded, and every way it can be broken is one line.

Why: ``risk import-xlsx``, ``risk import-ciso`` and ``ingest`` of an .xlsx read files that
come from outside (a committee's edited spreadsheet, another tool's export). An .xlsx is a
zip of XML files: a small file can unpack to gigabytes (zip bomb), its XML can try entity
expansion ("billion laughs") or be truncated. The zip's declared sizes are checked before
anything is unpacked, XML entity declarations are refused, and a parse failure becomes a
``VigieError`` naming the file.
"""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from vigie.errors import VigieError

MAX_UNPACKED = 200 * 1024 * 1024
"""Bytes a workbook may unpack to (a study of thousands of rows is a few megabytes)."""

MAX_RATIO = 200
"""Largest compression ratio of one member: XML compresses ~10x, a bomb ~1000x."""


def _damaged(path: Path, exc: BaseException) -> VigieError:
    """Bytes damaged inside a compressed part (a broken download or copy): one line."""
    return VigieError(
        f"{path}: a damaged Excel workbook: one of its compressed parts cannot be unpacked; "
        f"save or download it again ({exc})"
    )


def _not_xml(path: Path, exc: BaseException) -> VigieError:
    """A part of the workbook that is not well-formed XML (edited by hand, or by a tool that
    broke it): one line."""
    return VigieError(
        f"{path}: a damaged Excel workbook: one of its parts is not readable XML; open and "
        f"save it again in a spreadsheet program ({' '.join(str(exc).split())})"
    )


def _check_zip(path: Path, max_unpacked: int | None = None) -> None:
    limit = MAX_UNPACKED if max_unpacked is None else max_unpacked
    try:
        with zipfile.ZipFile(path) as z:
            total = 0
            for info in z.infolist():
                total += info.file_size
                if info.file_size > 1_000_000 and info.file_size > MAX_RATIO * max(
                    info.compress_size, 1
                ):
                    raise VigieError(
                        f"{path}: member {info.filename} unpacks {info.file_size} bytes from "
                        f"{info.compress_size} (a zip bomb?): not read"
                    )
                if info.filename.endswith((".xml", ".rels")):
                    with z.open(info) as member:
                        head = member.read(4096)
                    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                        raise VigieError(
                            f"{path}: member {info.filename} declares XML entities (DOCTYPE): "
                            "not read"
                        )
            if total > limit:
                raise VigieError(f"{path}: unpacks to {total} bytes, more than {limit}: not read")
    except zipfile.BadZipFile as exc:
        raise VigieError(f"{path}: not an Excel workbook (.xlsx) ({exc})") from None
    except (zlib.error, EOFError, NotImplementedError) as exc:
        # bytes damaged inside a part (a broken download); a flipped flag bit reads as a
        # compression zipfile does not implement
        raise _damaged(path, exc) from None


def _xml_errors() -> tuple[type[BaseException], ...]:
    """What a part that is not XML raises: ElementTree's ``ParseError``, and lxml's errors
    where lxml is installed (the share extra brings it), which openpyxl then parses with
    (``lxml.etree.XMLSyntaxError`` is no ``ParseError``: it was a traceback)."""
    from xml.etree.ElementTree import ParseError

    try:
        from lxml.etree import LxmlError
    except ImportError:  # openpyxl parses with ElementTree alone
        return (ParseError,)
    return (ParseError, LxmlError)


@contextmanager
def open_workbook(path: Path, max_unpacked: int | None = None) -> Iterator[Any]:
    """The workbook (read-only, values only), after the checks above; ``max_unpacked``
    replaces ``MAX_UNPACKED`` (a sheet of posts is bigger than a risk study)."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    xml_errors = _xml_errors()

    if not path.is_file():
        raise VigieError(f"{path}: no such file")
    _check_zip(path, max_unpacked)
    with path.open("rb") as fh:  # a file object: openpyxl then ignores the extension
        try:
            wb = load_workbook(fh, read_only=True, data_only=True)
        except xml_errors as exc:
            raise _not_xml(path, exc) from None
        except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
            raise VigieError(f"{path}: not an Excel workbook (.xlsx) ({exc})") from None
        except (zlib.error, EOFError, NotImplementedError) as exc:
            raise _damaged(path, exc) from None
        try:
            yield wb
        except xml_errors as exc:
            raise _not_xml(path, exc) from None
        except (zipfile.BadZipFile, KeyError, EOFError) as exc:
            raise VigieError(f"{path}: a sheet cannot be read ({exc})") from None
        except (zlib.error, NotImplementedError) as exc:
            raise _damaged(path, exc) from None
        finally:
            wb.close()
