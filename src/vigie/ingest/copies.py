"""Temporary copies of sources, made beside the Dataset and deleted whatever happens.

Why one helper: a source that no reader takes as it is (a workbook, JSON in another
encoding, one JSON array) is rewritten into a plain file that one does, read under the
source's own name, then deleted. Each of those steps made its folder, a sub-folder per
source (two sources may share a name), and cleaned up on the way out in its own copy of the
same dozen lines; they now share these.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


@contextmanager
def copies(
    paths: list[Path],
    todo: list[bool],
    make: Callable[[int, Path, Path], tuple[Path, T]],
    default: Callable[[], T],
    beside: Path | None,
    prefix: str,
) -> Iterator[tuple[list[Path], list[T]]]:
    """``paths`` with each one marked in ``todo`` replaced by ``make(i, path, folder)``'s
    copy (made in its own folder under a temporary one in ``beside``, named ``prefix``...);
    and what ``make`` returned beside each copy (``default()`` for the others)."""
    if not any(todo):
        yield paths, [default() for _ in paths]
        return
    if beside is not None:
        beside.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=prefix, dir=beside))
    try:
        out: list[Path] = []
        extra: list[T] = []
        for i, (p, do) in enumerate(zip(paths, todo, strict=True)):
            if not do:
                out.append(p)
                extra.append(default())
                continue
            folder = tmp / str(i)
            folder.mkdir()
            copy, more = make(i, p, folder)
            out.append(copy)
            extra.append(more)
        yield out, extra
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
