"""Atomic outputs: a reader never sees a half-written file or folder.

Why: an interrupted ingest or detect (Ctrl-C, full disk, crash) must leave the previous output
intact. We write into a hidden temporary sibling on the same file system, then rename, which
POSIX makes atomic for files; folders are swapped with two renames.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

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


@contextlib.contextmanager
def atomic_dir(path: str | Path) -> Iterator[Path]:
    """Yield an empty temporary folder; on success it replaces ``path`` whole.

    The old folder, if any, is moved aside and removed only after the new one is in place,
    so at every instant ``path`` is either the complete old output or the complete new one
    (save for the instant between the two renames).
    """
    path = Path(path)
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
