"""Compressed sources (gzip, bzip2, xz, zstandard, zip archives), unpacked before reading.

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
from dataclasses import dataclass
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


MAX_MEMBERS = 1_000
"""Data files read from one zip (each is a source of its own): more is refused, unzip it."""
NOT_DATA = frozenset(
    {
        *(".jpg", ".jpeg", ".png", ".gif", ".webp", ".heic", ".bmp", ".tif", ".tiff", ".svg"),
        *(".ico", ".tgs", ".mp4", ".mov", ".webm", ".avi", ".mkv", ".m4v", ".3gp", ".mp3"),
        *(".ogg", ".opus", ".oga", ".m4a", ".wav", ".aac", ".amr", ".pdf", ".doc", ".docx"),
        *(".odt", ".ppt", ".pptx", ".md", ".rst", ".css", ".js", ".vcf"),
    }
)
"""Suffixes of a zip's members that hold no records, left out and counted: media (a Telegram
Desktop or WhatsApp export's photos, voice notes, stickers), documents (a README, a codebook),
a Telegram HTML export's styles and scripts."""


DOCUMENT_LIKE = frozenset(
    {"", ".txt", ".text", ".log", ".rtf", ".htm", ".html", ".xml", ".yml", ".yaml", ".ini"}
)
"""Suffixes of a zip's members that may be a document as well as data (a ``README``, a
``LICENSE``, ``notes.txt``, an ``index.html``; but a WhatsApp chat is a ``.txt`` and a
Telegram export's pages ``.html``): such a member whose format cannot be told is named in
the report and not read, where a ``.json`` or ``.csv`` one stops the ingest."""


def document_like(member: str) -> bool:
    """Whether a zip member's name may be a document's (``DOCUMENT_LIKE``)."""
    return Path(member).suffix.lower() in DOCUMENT_LIKE


def _zip_files(zf: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    """The zip's files: no folders, no macOS resource forks (``__MACOSX/``), no hidden files
    (also ``..``: a member's plain name is the last part of its path)."""
    return [
        i
        for i in zf.infolist()
        if not i.is_dir()
        and not i.filename.startswith("__MACOSX/")
        and not Path(i.filename).name.startswith(".")
    ]


def _one_chat(files: list[zipfile.ZipInfo]) -> list[zipfile.ZipInfo]:
    """A WhatsApp export with media: its chat's text only (the media are attachments)."""
    chats = [i for i in files if is_chat_file_name(Path(i.filename).name)]
    return chats if len(files) > 1 and len(chats) == 1 else files


def _zip_member(name: Path, zf: zipfile.ZipFile, member: str | None = None) -> zipfile.ZipInfo:
    if member is not None:
        info = zf.getinfo(member)
    else:
        files = _one_chat(_zip_files(zf))
        if not files:
            raise InputError("a zip archive holding no file", file=str(name))
        if len(files) != 1:
            names = ", ".join(i.filename for i in files[:5]) + (" ..." if len(files) > 5 else "")
            raise InputError(
                f"a zip archive of {len(files)} files ({names or 'none'}) inside another "
                "archive: unzip it and give the files you want (vigie ingest reads every data "
                "file of a zip it is given itself)",
                file=str(name),
            )
        info = files[0]
    if info.flag_bits & 0x1:
        raise InputError("an encrypted zip archive: unzip it first", file=str(name))
    return info


@dataclass
class ZipMembers:
    """What ``zip_members`` found in a zip of several files."""

    read: list[str]
    """Member names to read, each as a source of its own, in name order."""
    left_out: list[str]
    """Members that hold no records by their suffix (``NOT_DATA``)."""


def zip_members(path: Path, shown: Path | None = None) -> ZipMembers | None:
    """The data files of the zip ``path`` when it holds several, else ``None`` (one file, or
    a WhatsApp export's one chat among its media: ``unpack`` reads it as before).

    Why every data file: a collection arrives zipped as it was made, a tool's output folder of
    daily JSON Lines, an IO archive's tweets beside its users, a Telegram export's pages
    beside their photos; asking the analyst to unzip it first was one more step with nothing
    learnt. Each member is then named ``ARCHIVE.zip/MEMBER`` in every message and refusal."""
    name = shown or path
    try:
        with zipfile.ZipFile(path) as zf:
            files = _one_chat(_zip_files(zf))
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise InputError(f"not a readable zip archive ({exc})", file=str(name)) from None
    if len(files) <= 1:
        return None
    read = sorted(i.filename for i in files if Path(i.filename).suffix.lower() not in NOT_DATA)
    left = sorted(i.filename for i in files if Path(i.filename).suffix.lower() in NOT_DATA)
    if not read:
        names = ", ".join(left[:5]) + (" ..." if len(left) > 5 else "")
        raise InputError(
            f"a zip archive of {len(files):,} files, none of them data ({names}): "
            "media, documents, styles",
            file=str(name),
        )
    if len(read) > MAX_MEMBERS:
        raise InputError(
            f"a zip archive of {len(read):,} data files, more than {MAX_MEMBERS:,} read from "
            "one zip: unzip it and give the files (or folders' files) you want",
            file=str(name),
        )
    return ZipMembers(read, left)


def declared_size(path: Path) -> int:
    """Bytes the zip's files say they unpack to (a server's check before keeping an upload:
    Python's reader stops a member at its declared size)."""
    with zipfile.ZipFile(path) as zf:
        return sum(i.file_size for i in _zip_files(zf))


def safe_parts(member: str) -> list[str]:
    """A member's path as folder names that stay inside the folder it is unpacked into:
    no root, no drive, no ``..`` (a crafted zip names ``../../.bashrc``)."""
    parts = [
        p
        for p in member.replace("\\", "/").split("/")
        if p not in ("", ".", "..") and not p.endswith(":")
    ]
    return parts or ["member"]


def member_path(path: Path, member: str) -> Path:
    """How a zip's member is named to the user: ``ARCHIVE.zip/MEMBER``."""
    return Path(f"{path}/{member.lstrip('/')}")


def _open(
    path: Path, kind: str, stack: list[Any], name: Path, member: str | None = None
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
    info = _zip_member(name, zf, member)
    return zf.open(info), raw, info.filename


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
    member: str | None = None,
    keep_path: bool = False,
) -> Path:
    """Stream ``path`` (compressed as ``kind``) into a plain file in ``folder``; its path.

    Raises ``InputError`` naming ``path`` for a damaged, truncated or unsupported archive and
    for a full disk (with the bytes unpacked so far), never leaving a partial file behind
    (the caller deletes ``folder``). Messages name ``shown`` (the source as given) if set.
    ``limit``: the most bytes it may unpack to (a server's guard against decompression bombs).
    ``member``: the zip's member to unpack (``zip_members``), else its only file;
    ``keep_path``: written at its path inside the zip (``safe_parts``), not by its name only.
    """
    name = shown or path
    stack: list[Any] = []
    done = 0
    try:
        try:
            stream, raw, member = _open(path, kind, stack, name, member)
        # a damaged zip may name a compression method no reader knows (NotImplementedError)
        except (zipfile.BadZipFile, OSError, NotImplementedError, EOFError, ValueError) as exc:
            raise InputError(f"not a readable {kind} archive ({exc})", file=str(name)) from None
        stack.append(stream)
        out_path = folder / plain_name(path, member)
        if keep_path and member is not None:  # beside the archive's other files
            out_path = folder.joinpath(*safe_parts(member))
            try:
                out_path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:  # "a" and "a/b" both files
                raise InputError(
                    f"cannot be unpacked beside the zip's other files ({exc.strerror}): "
                    "unzip it yourself",
                    file=str(name),
                ) from None
            if out_path.exists():
                raise InputError(
                    "another member of the zip unpacks to the same path: unzip it yourself",
                    file=str(name),
                )
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
    member: str | None = None,
    keep_path: bool = False,
) -> Path:
    """``unpack``, then once more if what came out is itself compressed (a ``.zip`` holding a
    ``.csv.gz``, as exports are often mailed), and no further: three layers is refused.

    One function for the command line and the web import, so that both accept the same files.
    The middle layer is deleted as soon as it is read; ``limit`` bounds each layer.
    """
    name = shown or path
    plain = unpack(path, kind, folder, advance, shown, limit, member, keep_path)
    inner = compression_of(plain)
    if inner is None:
        return plain
    # a folder of its own: the zip's other members may be unpacked beside (``keep_path``)
    deeper = Path(tempfile.mkdtemp(prefix=".inner-", dir=folder))
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


@dataclass
class Readable:
    """A source as plain data: the name it is shown by (the file given, or
    ``ARCHIVE.zip/MEMBER``), the plain file to read, and notes for its report."""

    shown: Path
    plain: Path
    notes: list[str]
    archive: Path | None = None
    """The zip of several files it is a member of (``zip_members``), else None."""


@contextmanager
def readable(
    paths: list[Path], beside: Path | None = None, limit: int | None = None
) -> Iterator[list[Readable]]:
    """The sources as plain files: compressed ones unpacked into a temporary folder (made in
    ``beside``, else the system's), which is deleted on exit, whatever happens; a zip of
    several files gives one source per data file (``zip_members``), so the list may be
    longer than ``paths``. A progress bar follows the compressed bytes read (unpacking a dump
    of many GB takes minutes).

    ``limit``: the bytes one source may unpack to, all its members and layers together (the
    web's ``max_unpacked_bytes``): a zip of several ``.gz`` members was unpacked with no
    bound, where a single file was held to it (a 1.2 MB zip wrote 313 MB past a 5 MB
    limit)."""
    kinds = [compression_of(p) if p.is_file() else None for p in paths]
    if not any(kinds):
        yield [Readable(p, p, []) for p in paths]
        return
    from vigie.progress import make_progress

    if beside is not None:
        beside.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".vigie-unpack-", dir=beside))
    try:
        out: list[Readable] = []
        with make_progress(transient=True) as prog:
            for i, (p, kind) in enumerate(zip(paths, kinds, strict=True)):
                if kind is None:
                    out.append(Readable(p, p, []))
                    continue
                task = prog.add_task(f"unpacking {p.name} ({kind})", total=p.stat().st_size)

                def advance(n: int, t: Any = task) -> None:
                    prog.update(t, completed=n)

                folder = tmp / str(i)  # one folder per source: two may share a name
                folder.mkdir()
                several = zip_members(p) if kind == "zip" else None
                if several is None:
                    plain = unpack_nested(p, kind, folder, advance, limit=limit)
                    out.append(Readable(p, plain, []))
                    continue
                left = _Budget(limit)
                # every member at its path in one folder: a Telegram export's result.json
                # finds its photos beside it, as in the folder the zip was made of
                for m in several.left_out:
                    shown = member_path(p, m)
                    kept = unpack(
                        p, kind, folder, advance, shown, left.now, member=m, keep_path=True
                    )
                    left.spend(kept)
                for m in several.read:  # a .csv.gz zipped is unpacked once more
                    shown = member_path(p, m)
                    plain = unpack_nested(
                        p, kind, folder, advance, shown, left.now, member=m, keep_path=True
                    )
                    left.spend(plain)
                    out.append(Readable(shown, plain, [], archive=p))
                out[-len(several.read)].notes.append(_zip_note(p, several))
        yield out
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


class _Budget:
    """What is left of one source's unpacking ``limit`` (None: no limit) as its members are
    written: each member is unpacked under what the others left."""

    def __init__(self, limit: int | None) -> None:
        self.now = limit

    def spend(self, written: Path) -> None:
        if self.now is not None:
            self.now = max(self.now - written.stat().st_size, 0)


def _zip_note(path: Path, found: ZipMembers) -> str:
    """What the report says of a zip of several files: what was read, what was left out."""
    said = f"{path.name}: {len(found.read):,} data file(s) read, each a source of its own"
    if found.left_out:
        names = ", ".join(found.left_out[:3]) + (" ..." if len(found.left_out) > 3 else "")
        said += (
            f"; {len(found.left_out):,} member(s) not read as sources, media, documents or "
            f"styles ({names}), unpacked beside them for the readers that look for them"
        )
    return said
