"""JSON sources in another encoding than UTF-8, re-encoded as UTF-8 before reading.

Why: JSON Lines are split on the byte ``\\n`` and handed to DuckDB and ``json``, which read
UTF-8 only; ``--encoding`` used to be read by the CSV reader alone, so a Latin-1 or UTF-16
export failed with "'utf-8' codec can't decode" even when the user said what it was. Teaching
every JSON reader another codec would multiply the ways to get it wrong (the same reasoning
as ``compressed.py``): the file is streamed once, in 1 MiB chunks through an incremental
decoder (memory bounded whatever its size), into a UTF-8 copy in a private temporary folder
beside the Dataset, read from there and deleted afterwards. Line numbers stay those of the
source: only the bytes of each character change, never the line breaks.

A byte the named encoding cannot read is no guess to make: the whole source is refused,
naming its line, with the likely right encoding to try.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from vigie.errors import InputError, VigieError
from vigie.ingest.copies import copies

CHUNK = 1 << 20
_UTF8 = {"utf-8", "utf-8-sig"}
_NOT_JSON = {"csv", "parquet"}


def codec_name(encoding: str) -> str:
    """Python's name for the text encoding ``encoding`` (``latin1`` -> ``iso8859-1``); one
    line if it is unknown or no text encoding (``rot13``, ``hex``, ``zlib``: Python's
    codecs of bytes to bytes or text to text, whose decoders fail deep in a read)."""
    try:
        info = codecs.lookup(encoding)
        "".encode(encoding)  # a LookupError for the codecs that are no text encoding
    except LookupError:
        raise VigieError(f"--encoding {encoding!r}: unknown encoding") from None
    return info.name


def is_json_text(path: Path, encoding: str) -> bool:
    """Whether ``path``, read as ``encoding``, starts like JSON (an object or an array).

    Why sniff rather than trust the name: a ``.txt`` of JSON Lines is common, and a CSV
    given with ``--encoding`` must keep going to the CSV reader, which decodes it itself.
    Raises ``InputError`` (``no_bom``) when ``encoding`` cannot start reading the file."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(4096)
    except OSError:
        return False  # the plan's own checks say what is wrong with the file
    try:
        text = codecs.getincrementaldecoder(encoding)(errors="replace").decode(head)
    except UnicodeError as exc:  # "utf-16"/"utf-32" without a byte-order mark
        raise no_bom(encoding, exc, path) from None
    return text.lstrip("\ufeff \t\r\n")[:1] in ("{", "[")


def no_bom(encoding: str, exc: UnicodeError, shown: Path) -> InputError:
    """The one-line refusal of a file that ``encoding`` cannot even start reading: Python's
    ``utf-16`` and ``utf-32`` need a byte-order mark (``errors="replace"`` does not cover it:
    it was a traceback), the byte order has to be named then."""
    return InputError(
        f"cannot be read as {encoding} ({exc}): name the byte order (--encoding "
        f"{codec_name(encoding)}-le or -be) or the file's own encoding (utf-8, latin-1...)",
        file=str(shown),
    )


def needs_copy(path: Path, fmt: str, encoding: str | None) -> bool:
    """Whether a source is JSON in an encoding other than UTF-8 (``--encoding``)."""
    if not encoding or fmt in _NOT_JSON or not path.is_file():
        return False
    if codec_name(encoding) in _UTF8:
        return False
    return is_json_text(path, encoding)


def to_utf8(path: Path, encoding: str, folder: Path, shown: Path) -> Path:
    """Stream ``path`` (in ``encoding``) into a UTF-8 file of the same name in ``folder``.

    Raises ``InputError`` naming ``shown`` and the line for a byte ``encoding`` cannot
    read, and for a full disk; the caller deletes ``folder`` either way."""
    out_path = folder / path.name
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    lines = 1  # the line the next decoded character is on
    first = True
    with open(path, "rb") as src, open(out_path, "w", encoding="utf-8", newline="") as out:
        while True:
            chunk = src.read(CHUNK)
            try:
                text = decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as exc:
                before = codecs.getincrementaldecoder(encoding)(errors="replace")
                lines += before.decode(chunk[: max(exc.start, 0)]).count("\n")
                raise InputError(
                    f"line {lines} is not {encoding} text ({exc.reason}: byte "
                    f"0x{chunk[exc.start]:02x}); the file is in another encoding: try "
                    "--encoding latin-1, cp1252 or utf-8",
                    file=str(shown),
                ) from None
            except UnicodeError as exc:  # utf-16/utf-32 without a byte-order mark
                raise no_bom(encoding, exc, shown) from None
            if text:
                try:
                    out.write(text.removeprefix("\ufeff") if first else text)
                except OSError as exc:
                    raise InputError(
                        f"cannot write its UTF-8 copy in {folder} ({exc.strerror}): free "
                        "space there, or convert it yourself (iconv -f "
                        f"{encoding} -t UTF-8)",
                        file=str(shown),
                    ) from None
                lines += text.count("\n")
                first = False
            if not chunk:
                return out_path


@contextmanager
def utf8_copies(
    paths: list[Path],
    given: list[Path],
    fmt: str,
    encoding: str | None,
    beside: Path | None = None,
) -> Iterator[list[Path]]:
    """The sources, JSON ones in another encoding replaced by UTF-8 copies (``to_utf8``)
    in a temporary folder made in ``beside``, deleted on exit whatever happens."""
    todo = [needs_copy(p, fmt, encoding) for p in paths]

    def make(i: int, p: Path, folder: Path) -> tuple[Path, None]:
        assert encoding is not None  # needs_copy is false without one
        return to_utf8(p, encoding, folder, given[i]), None

    with copies(paths, todo, make, lambda: None, beside, ".vigie-utf8-") as (out, _):
        yield out
