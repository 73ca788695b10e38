"""Atomic outputs: a reader never sees a half-written file or folder.

Why: an interrupted ingest or detect (Ctrl-C, full disk, crash) must leave the previous output
intact. We write into a hidden temporary sibling on the same file system, then rename, which
POSIX makes atomic for files; folders are swapped with two renames.

Folders are never lost: between the two renames of a swap the previous folder sits in a
hidden ``.NAME.*.old`` sibling; a crash there leaves no folder at ``path``, and the next
writer *or reader* of ``path`` (``recover``) puts the old folder back instead of starting an
empty one. Writers of one folder are serialised by an advisory lock (``fcntl.flock`` on a
hidden ``.NAME.lock`` sibling, released by the kernel if the process dies), so two concurrent
ingests cannot both read the old Dataset and the last one win.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import re
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from vigie.errors import VigieError


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _publish_mode(path: str | Path, directory: bool = False) -> None:
    """mkstemp/mkdtemp create owner-only (0600/0700) entries; give the output the permissions
    a plain ``open``/``mkdir`` would have had under the user's umask."""
    os.chmod(path, (0o777 if directory else 0o666) & ~_umask())


def _temp_beside(path: Path, directory: bool = False) -> str:
    """A hidden temporary sibling of ``path``; a target that cannot be written is a
    ``VigieError`` naming it (not the temporary file, which the user never asked for)."""
    if path.is_dir() and not directory:
        raise VigieError(f"{path}: is a folder; give the name of the file to write")
    if path.exists() and not path.is_dir() and directory:
        raise VigieError(f"{path}: is a file; give the name of the folder to write")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if directory:
            return tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise VigieError(f"{path}: cannot write there ({exc.strerror or exc})") from exc
    os.close(fd)
    return tmp


@contextlib.contextmanager
def atomic_file(path: str | Path, mode: str = "w", encoding: str | None = "utf-8") -> Iterator:
    """Open a temporary file next to ``path``; on success rename it onto ``path``."""
    path = Path(path)
    tmp = _temp_beside(path)
    try:
        kwargs = {} if "b" in mode else {"encoding": encoding}
        with open(tmp, mode, **kwargs) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        _publish_mode(tmp)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


@contextlib.contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path next to ``path`` for a writer that needs a file name (Parquet)."""
    path = Path(path)
    tmp = _temp_beside(path)
    try:
        yield Path(tmp)
        _publish_mode(tmp)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


LOCK_TIMEOUT_ENV = "VIGIE_LOCK_TIMEOUT"
"""Seconds a writer waits for another one to finish with the same folder (default 600)."""

_held: dict[str, int] = {}  # lock path -> re-entry depth in this process (flock is per fd)
_held_guard = threading.Lock()


def lock_path(path: str | Path) -> Path:
    """The lock file of folder ``path``: a hidden sibling (the folder itself is swapped)."""
    path = Path(path).absolute()
    return path.parent / f".{path.name}.lock"


@contextlib.contextmanager
def folder_lock(path: str | Path, what: str = "folder") -> Iterator[None]:
    """Hold the writer lock of ``path``; re-entrant within one process.

    Another process holding it: say so once and wait (up to ``VIGIE_LOCK_TIMEOUT`` seconds,
    default 600), then fail with "busy" rather than write over its work.
    """
    lp = lock_path(path)
    key = str(lp)
    with _held_guard:
        if _held.get(key):
            _held[key] += 1
            reentered = True
        else:
            reentered = False
    if reentered:
        try:
            yield
        finally:
            with _held_guard:
                _held[key] -= 1
        return
    fd = _acquire(lp, path, what)
    with _held_guard:
        _held[key] = 1
    try:
        yield
    finally:
        with _held_guard:
            _held.pop(key, None)
        # unlink while still holding the lock, then release: a waiter that locked the
        # unlinked file sees its inode is gone and retries on a fresh one (see _acquire)
        with contextlib.suppress(OSError):
            os.unlink(lp)
        os.close(fd)


def _open_lock(lp: Path, path: Path | str) -> int:
    try:
        lp.parent.mkdir(parents=True, exist_ok=True)
        return os.open(lp, os.O_RDWR | os.O_CREAT, 0o666 & ~_umask())
    except OSError as exc:
        raise VigieError(
            f"{path}: cannot write there ({exc.strerror or exc}, creating its lock file {lp.name})"
        ) from exc


def _acquire(lp: Path, path: Path | str, what: str) -> int:
    """Lock ``lp`` and return its descriptor; wait (with one message) while another holds it.

    The lock file is removed on release, so a lock won on a file that has since been
    unlinked (or replaced) is worthless: we check the inode and retry on the current file.
    """
    timeout = float(os.environ.get(LOCK_TIMEOUT_ENV, "600") or 600)
    deadline = None
    while True:
        fd = _open_lock(lp, path)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            if deadline is None:
                deadline = time.monotonic() + timeout
                print(
                    f"{what} busy: another vigie process is writing {path}; waiting "
                    f"(up to {timeout:g} s, set {LOCK_TIMEOUT_ENV} to change)",
                    file=sys.stderr,
                )
            elif time.monotonic() >= deadline:
                raise VigieError(
                    f"{path}: {what} busy: another vigie process is still writing it "
                    f"after {timeout:g} s; try again when it has finished"
                ) from None
            time.sleep(0.05)
            continue
        try:
            same = os.fstat(fd).st_ino == os.stat(lp).st_ino
        except FileNotFoundError:
            same = False
        if same:
            return fd
        os.close(fd)


def leftovers(path: str | Path) -> tuple[list[Path], list[Path]]:
    """The ``.old`` and ``.tmp`` siblings that interrupted swaps of ``path`` left behind."""
    path = Path(path)
    if not path.parent.is_dir():
        return [], []
    # exactly mkdtemp's names (8 random characters), so that the leftovers of a sibling
    # folder such as ``data.v2`` are never taken for those of ``data``
    pattern = re.compile(rf"\.{re.escape(path.name)}\.[a-z0-9_]{{8}}\.(old|tmp)")
    olds, tmps = [], []
    for p in path.parent.iterdir():
        m = pattern.fullmatch(p.name)
        if m and p.is_dir():
            (olds if m.group(1) == "old" else tmps).append(p)
    return sorted(olds), sorted(tmps)


def recover(path: str | Path, what: str = "folder") -> str | None:
    """Undo what an interrupted swap of ``path`` left; return a note of what was done.

    - no ``path`` but one ``.old`` sibling: the crash came between the two renames; the old
      folder is complete (it was renamed whole), so it is put back;
    - ``path`` present and ``.old`` siblings: the swap finished and only the clean-up was
      cut short; they are removed, as are temporary ``.tmp`` folders (writers hold the lock,
      so none of them belongs to a live process);
    - no ``path`` and several ``.old`` siblings: we cannot tell which is the right one, so we
      refuse with a message naming them rather than guess.
    """
    path = Path(path)
    olds, tmps = leftovers(path)
    if not olds and not tmps:
        return None
    with folder_lock(path, what):
        olds, tmps = leftovers(path)
        note = None
        if not path.exists() and olds:
            if len(olds) > 1:
                raise VigieError(
                    f"{path}: missing, and {len(olds)} copies were left by interrupted writes "
                    f"({', '.join(p.name for p in olds)}); rename the right one to "
                    f"{path.name} by hand"
                )
            os.replace(olds[0], path)
            note = (
                f"{path}: recovered the previous {what} from {olds[0].name} "
                "(an earlier write was interrupted between its two renames)"
            )
            print(f"note: {note}", file=sys.stderr)
            olds = []
        if path.exists():
            for p in olds + tmps:
                shutil.rmtree(p, ignore_errors=True)
        return note


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file's bytes, read 1 MiB at a time (a partner's bundle or a watched
    export may be large): the digest the audit log and ``watch``'s state record."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def read_manifest(path: Path) -> dict[str, Any]:
    """The vigie manifest in folder ``path``; empty when there is none, or it is unreadable
    or no JSON object (its callers then say what the folder is not)."""
    try:
        with open(path / "manifest.json", encoding="utf-8") as fh:
            manifest = json.load(fh)
    except (OSError, ValueError, RecursionError):
        return {}
    return manifest if isinstance(manifest, dict) else {}


def manifest_kind(path: Path) -> str | None:
    """The ``kind`` of the vigie manifest in folder ``path`` (None: none, or unreadable)."""
    kind = read_manifest(path).get("kind")
    return kind if isinstance(kind, str) else None


def check_replaceable(path: Path, what: str, kind: str, marker: str | None = None) -> None:
    """Refuse to swap away a folder that is not an earlier output of the same kind.

    Why: a swap replaces the folder whole. ``vigie detect DATASET --out DATASET`` (or
    ``--out ~/Documents``) used to delete the Dataset (or the user's own files) and put
    Findings in their place, with exit code 0. A folder may be replaced only when it is
    empty or its manifest says it is a ``kind`` output (and holds ``marker``, a file that
    tells an exercise from an ingested Dataset of the same kind).
    """
    if not path.is_dir():
        return
    entries = sorted(p.name for p in path.iterdir())
    if not entries:
        return
    found = manifest_kind(path)
    if found == kind and (marker is None or (path / marker).exists()):
        return
    names = {"dataset": "Dataset", "findings": "Findings folder"}
    if found == kind:
        held = f"it is a vigie {names.get(found, found)} without {marker}"
    elif found is not None:
        held = f"it is a vigie {names.get(found, found)}"
    else:
        more = f" and {len(entries) - 3} more" if len(entries) > 3 else ""
        held = "it holds " + ", ".join(entries[:3]) + more
    raise VigieError(
        f"{path}: exists and is not a {what} ({held}); vigie writes its output as a whole "
        "folder and would replace what is there: choose a new folder name, or remove this "
        "one yourself"
    )


def check_overwrite(path: Path, what: str, suffixes: tuple[str, ...]) -> None:
    """Refuse to write ``what`` over an existing file that is plainly something else.

    Why: ``vigie report F --html posts.csv`` (a slip of the tab key) used to replace the
    user's source data with a report. A file whose name ends in one of ``suffixes`` (an
    earlier report, an earlier export) is replaced as before; another existing file is not.
    """
    if path.is_file() and path.suffix.lower() not in suffixes:
        raise VigieError(
            f"{path}: exists and is not {what} (its name does not end in "
            f"{' or '.join(suffixes)}); vigie will not write over it: give a name ending in "
            f"{suffixes[0]}, or remove that file yourself"
        )


@contextlib.contextmanager
def atomic_dir(
    path: str | Path,
    what: str = "folder",
    *,
    kind: str | None = None,
    marker: str | None = None,
) -> Iterator[Path]:
    """Yield an empty temporary folder; on success it replaces ``path`` whole.

    The old folder, if any, is moved aside and removed only after the new one is in place,
    so at every instant ``path`` is either the complete old output or the complete new one;
    a crash between the two renames is undone by ``recover`` on the next run. The writer
    lock of ``path`` is held throughout, so concurrent writers take turns. With ``kind``,
    an existing folder is replaced only if it is an earlier output of that kind
    (``check_replaceable``; callers with long work before the write check it up front too).
    """
    path = Path(path)
    with folder_lock(path, what):
        recover(path, what)
        if kind is not None:
            check_replaceable(path, what, kind, marker)
        tmp = Path(_temp_beside(path, directory=True))
        try:
            yield tmp
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        _publish_mode(tmp, directory=True)
        old = None
        if path.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".old", dir=path.parent))
            old.rmdir()
            os.replace(path, old)
        os.replace(tmp, path)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
