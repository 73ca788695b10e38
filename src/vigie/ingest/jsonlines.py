"""Line-by-line JSON decoding shared by the platform readers.

Why: a collector's output is often one JSON value per line (twarc2, Bluesky scripts) but
sometimes one document (a saved API page). Either way a broken line must be refused with its
line number, not abort the whole file.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from vigie.errors import InputError
from vigie.ingest.model import Rejected, excerpt


def json_values(path: Path) -> Iterator[tuple[int, Any | Rejected]]:
    """Yield ``(line number, decoded value or Rejected)`` for a JSONL file or one JSON document."""
    try:
        with open(path, encoding="utf-8-sig") as fh:
            first = fh.read(1)
            while first and first.isspace():
                first = fh.read(1)
            fh.seek(0)
            head = fh.read(1 << 16)
            fh.seek(0)
            single = False
            if first in "{[":
                stripped = head.lstrip("\ufeff").strip()
                # a document spread over several lines: its first line alone is not valid JSON
                line1 = stripped.split("\n", 1)[0]
                try:
                    json.loads(line1)
                except json.JSONDecodeError:
                    single = True
            if single:
                text = fh.read()
                try:
                    yield 1, json.loads(text)
                except json.JSONDecodeError as exc:
                    yield (
                        exc.lineno,
                        Rejected(
                            str(path),
                            exc.lineno,
                            "malformed JSON",
                            None,
                            str(exc),
                            excerpt(text[max(0, exc.pos - 100) :]),
                        ),
                    )
                return
            for lineno, line in enumerate(fh, start=1):
                if not line.strip():
                    continue
                try:
                    yield lineno, json.loads(line)
                except json.JSONDecodeError as exc:
                    yield (
                        lineno,
                        Rejected(
                            str(path),
                            lineno,
                            "malformed JSON",
                            None,
                            str(exc),
                            excerpt(line.rstrip("\n")),
                        ),
                    )
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text: {exc}", file=str(path)) from exc
    except OSError as exc:
        raise InputError(f"cannot read file: {exc}", file=str(path)) from exc
