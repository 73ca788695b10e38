"""Compressed sources (gzip, bzip2, xz, zstandard, a zip of one file), unpacked before reading.

Why: collections travel compressed. twarc2 users gzip their JSON Lines, Pushshift's Reddit
dumps are zstandard with a 2 GiB window (``--long=31``), the X/Twitter IO archives and many
exports come zipped. vigie has some twenty readers, several of which hand the file straight to
DuckDB or sniff its first bytes; teaching each to decompress would multiply the ways to get it
wrong. So a compressed source is streamed once, in 1 MiB chunks (memory stays bounded
whatever its size), into a plain file in a private temporary folder, read from there like any
other source, and deleted afterwards. The cost is disk: the unpacked size, for the length of
the ingest (the folder is made beside the Dataset, on the disk the user chose for data, not in
a RAM-backed ``/tmp``).

The compression is told by its magic bytes, never by the name (a ``.gz`` that is not gzip is
read as what it is). Every message and every refusal in ``rejected.jsonl`` names the source
as the user gave it; record numbers count in the unpacked content (``zcat FILE | sed -n Np``).
A damaged or truncated stream is refused as a whole, with the number of bytes it gave: its
last record would be cut at an unknown place, and rows must never be dropped silently.
"""

from __future__ import annotations

import bz2
import contextlib
import errno
import gzip
import lzma
import shutil
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from vigie.errors import InputError
from vigie.ingest.whatsapp import IOS_CHAT, is_chat_file_name

CHUNK = 1 << 20
MAGIC = (
    (b"\x1f\x8b", "gzip"),
    (b"BZh", "bzip2"),
    (b"\xfd7zXZ\x00", "xz"),
    (b"\x28\xb5\x2f\xfd", "zstd"),
    (b"PK\x03\x04", "zip"),
)
SUFFIXES = (".gz", ".gzip", ".tgz", ".bz2", ".xz", ".zst", ".zstd", ".zip")
ZSTD_WINDOW = 1 << 31
"""Pushshift's dumps are compressed with ``zstd --long=31``: a decoder must accept a 2 GiB
window (the library's default refuses anything over 128 MiB)."""


def compression_of(path: Path) -> str | None:
    """``gzip``, ``bzip2``, ``xz``, ``zstd`` or ``zip`` from the file's first bytes, else None."""
    try:
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError:
        return None  # the caller's own checks say what is wrong with the file
    kind = next((kind for magic, kind in MAGIC if head.startswith(magic)), None)
    if kind == "zip":
        from vigie.ingest.xlsx import is_xlsx

        if is_xlsx(path):  # a workbook is a zip too, read by ``xlsx.py``, not unpacked
            return None
    return kind


def plain_name(path: Path, member: str | None = None) -> str:
    """The name the unpacked file gets: the zip member's, or the source's without its
    compression suffix (``tweets.jsonl.gz`` -> ``tweets.jsonl``), so that format detection
    by name still works."""
    if member is not None:
        if Path(member).name == IOS_CHAT:  # WhatsApp's iOS export: the group is the zip's name
            base = plain_name(path)
            return base if base.lower().endswith(".txt") else base + ".txt"
        return Path(member).name
    name = path.name
    for suffix in SUFFIXES:
        if name.lower().endswith(suffix) and len(name) > len(suffix):
            name = name[: -len(suffix)]
            return name + ".tar" if suffix == ".tgz" else name
    return name


def _zip_member(name: Path, zf: zipfile.ZipFile) -> zipfile.ZipInfo:
    files = [
        i
        for i in zf.infolist()
        if not i.is_dir()
        and not i.filename.startswith("__MACOSX/")
        and not Path(i.filename).name.startswith(".")
    ]
    chats = [i for i in files if is_chat_file_name(Path(i.filename).name)]
    if len(files) > 1 and len(chats) == 1:  # a WhatsApp export with media: its chat's text
        files = chats
    if len(files) != 1:
        names = ", ".join(i.filename for i in files[:5]) + (" ..." if len(files) > 5 else "")
        raise InputError(
            f"a zip archive of {len(files)} files ({names or 'none'}): vigie reads a zip "
            "holding one file; unzip it and ingest the files you want "
            "(vigie ingest FILE1 FILE2 ... --into DATASET)",
            file=str(name),
        )
    if files[0].flag_bits & 0x1:
        raise InputError("an encrypted zip archive: unzip it first", file=str(name))
    return files[0]


def _open(
    path: Path, kind: str, stack: list[Any], name: Path
) -> tuple[IO[bytes], IO[bytes], str | None]:
    """A binary stream of the unpacked content, the raw file under it (its position is the
    progress) and the zip member's name if any."""
    raw = path.open("rb")
    stack.append(raw)
    if kind == "gzip":
        return gzip.GzipFile(fileobj=raw, mode="rb"), raw, None
    if kind == "bzip2":
        return bz2.BZ2File(raw, "rb"), raw, None
    if kind == "xz":
        return lzma.LZMAFile(raw, "rb"), raw, None
    if kind == "zstd":
        try:
            import zstandard
        except ImportError as exc:  # a dependency of vigie; only a broken install lacks it
            raise InputError(
                "zstandard-compressed, and the 'zstandard' library is missing: "
                "pip install 'zstandard>=0.22'",
                file=str(name),
            ) from exc
        return _ZstdFrames(raw, zstandard.ZstdDecompressor(max_window_size=ZSTD_WINDOW)), raw, None
    zf = zipfile.ZipFile(raw)
    stack.append(zf)
    member = _zip_member(name, zf)
    return zf.open(member), raw, member.filename


class _ZstdFrames:
    """Frame after frame of a zstandard file (``pzstd`` and appended dumps hold several).

    Why not the library's ``stream_reader``: at the end of a truncated file it returns what it
    has as if the stream were complete, so a cut download would be read as a shorter file. Here
    input ending inside a frame raises ``EOFError``, as gzip, bzip2 and xz do."""

    def __init__(self, raw: IO[bytes], dctx: Any) -> None:
        self._raw, self._dctx = raw, dctx
        self._obj = dctx.decompressobj()
        self._fed = False  # bytes of the current frame were given to the decoder

    def read(self, size: int) -> bytes:
        while True:
            data = self._raw.read(size)
            if not data:
                if self._fed and not self._obj.eof:
                    raise EOFError("the file ended inside a zstandard frame")
                return b""
            out = []
            while data:
                self._fed = True
                out.append(self._obj.decompress(data))
                data = b""
                if self._obj.eof:  # the frame ended: what follows starts the next one
                    data = self._obj.unused_data
                    self._obj, self._fed = self._dctx.decompressobj(), False
            chunk = b"".join(out)
            if chunk:
                return chunk

    def close(self) -> None:
        """Nothing of its own to close: the raw file is closed by its opener."""


def _errors() -> tuple[type[BaseException], ...]:
    errs: list[type[BaseException]] = [
        EOFError,
        zlib.error,
        lzma.LZMAError,
        zipfile.BadZipFile,
        gzip.BadGzipFile,
        OSError,
        ValueError,
    ]
    try:
        import zstandard

        errs.append(zstandard.ZstdError)
    except ImportError:
        pass
    return tuple(errs)


def unpack(
    path: Path,
    kind: str,
    folder: Path,
    advance: Callable[[int], None] | None = None,
    shown: Path | None = None,
    limit: int | None = None,
) -> Path:
    """Stream ``path`` (compressed as ``kind``) into a plain file in ``folder``; its path.

    Raises ``InputError`` naming ``path`` for a damaged, truncated or unsupported archive and
    for a full disk (with the bytes unpacked so far), never leaving a partial file behind
    (the caller deletes ``folder``). Messages name ``shown`` (the source as given) if set.
    ``limit``: the most bytes it may unpack to (a server's guard against decompression bombs).
    """
    name = shown or path
    stack: list[Any] = []
    done = 0
    try:
        try:
            stream, raw, member = _open(path, kind, stack, name)
        except (zipfile.BadZipFile, OSError) as exc:
            raise InputError(f"not a readable {kind} archive ({exc})", file=str(name)) from None
        stack.append(stream)
        out_path = folder / plain_name(path, member)
        with out_path.open("wb") as out:
            while True:
                try:
                    chunk = stream.read(CHUNK)
                except _errors() as exc:
                    raise _damaged(name, kind, done, exc) from None
                if not chunk:
                    break
                if done == 0:
                    _refuse_tar(name, chunk)
                try:
                    out.write(chunk)
                except OSError as exc:
                    if exc.errno == errno.ENOSPC:
                        raise InputError(
                            f"no space left on the disk of {folder} after unpacking "
                            f"{done:,} bytes of this {kind} file: free space there, or "
                            "unpack it yourself onto a larger disk",
                            file=str(name),
                        ) from None
                    raise
                done += len(chunk)
                if limit is not None and done > limit:
                    raise InputError(
                        f"unpacks to more than {limit:,} bytes, this server's limit "
                        "(max_unpacked_bytes): unpack it and ingest it from the command line",
                        file=str(name),
                    )
                if advance is not None:
                    advance(raw.tell())
    finally:
        for s in reversed(stack):
            with contextlib.suppress(Exception):  # closing a damaged stream may fail again
                s.close()
    return out_path


def unpack_nested(
    path: Path,
    kind: str,
    folder: Path,
    advance: Callable[[int], None] | None = None,
    shown: Path | None = None,
    limit: int | None = None,
) -> Path:
    """``unpack``, then once more if what came out is itself compressed (a ``.zip`` holding a
    ``.csv.gz``, as exports are often mailed), and no further: three layers is refused.

    One function for the command line and the web import, so that both accept the same files.
    The middle layer is deleted as soon as it is read; ``limit`` bounds each layer.
    """
    name = shown or path
    plain = unpack(path, kind, folder, advance, shown, limit)
    inner = compression_of(plain)
    if inner is None:
        return plain
    deeper = folder / "inner"
    deeper.mkdir()
    out = unpack(plain, inner, deeper, shown=name, limit=limit)
    plain.unlink()
    if compression_of(out) is not None:
        raise InputError("compressed three times over: unpack it yourself", file=str(name))
    return out


def _damaged(path: Path, kind: str, done: int, exc: BaseException) -> InputError:
    what = "truncated" if isinstance(exc, EOFError) or "end" in str(exc).lower() else "damaged"
    return InputError(
        f"the {kind} stream is {what} after {done:,} unpacked bytes ({exc}); nothing was "
        "ingested from it (its last record would be cut): download it again, or unpack what "
        "can be read yourself and ingest that file",
        file=str(path),
    )


def _refuse_tar(path: Path, head: bytes) -> None:
    if len(head) > 262 and head[257:262] == b"ustar":
        raise InputError(
            "a tar archive: extract it first (tar -xf FILE) and ingest the files inside",
            file=str(path),
        )


@contextmanager
def readable(paths: list[Path], beside: Path | None = None) -> Iterator[list[Path]]:
    """The sources as plain files: compressed ones unpacked into a temporary folder (made in
    ``beside``, else the system's), which is deleted on exit, whatever happens. A progress bar
    follows the compressed bytes read (unpacking a dump of many GB takes minutes)."""
    kinds = [compression_of(p) if p.is_file() else None for p in paths]
    if not any(kinds):
        yield paths
        return
    from vigie.progress import make_progress

    if beside is not None:
        beside.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".vigie-unpack-", dir=beside))
    try:
        out = []
        with make_progress(transient=True) as prog:
            for i, (p, kind) in enumerate(zip(paths, kinds, strict=True)):
                if kind is None:
                    out.append(p)
                    continue
                folder = tmp / str(i)  # one folder per source: two sources may share a name
                folder.mkdir()
                task = prog.add_task(f"unpacking {p.name} ({kind})", total=p.stat().st_size)
                out.append(
                    unpack_nested(p, kind, folder, lambda n, t=task: prog.update(t, completed=n))
                )
        yield out
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
