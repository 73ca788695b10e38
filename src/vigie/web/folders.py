"""The workspace folder as the web pages see it: Datasets, runs of Findings, studies, exports.

Why a small module of its own: the pages must not know paths; every page asks this module
for "the runs" or "this Dataset", so that the layout lives in one place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from vigie.errors import VigieError
from vigie.schema import Dataset, Findings, read_json

NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$")


def safe_name(name: str, what: str) -> str:
    """A folder name typed by a person: letters, digits, '.', '_' and '-' only (no '..')."""
    if not NAME_RE.match(name) or ".." in name:
        raise VigieError(f"{what} {name!r}: use letters, digits, '.', '_' or '-' (max 80)")
    return name


@dataclass(frozen=True)
class DatasetInfo:
    name: str
    path: Path
    posts: int
    accounts: int
    sources: int


@dataclass(frozen=True)
class RunInfo:
    run_id: str
    path: Path
    dataset: str
    groups: int
    members: int
    created: str


class Folders:
    """Datasets under ``datasets/``, runs under ``runs/``, studies under ``risk/``."""

    def __init__(self, root: Path) -> None:
        self.root = root
        for sub in ("datasets", "runs", "risk", "exports", "uploads"):
            (root / sub).mkdir(parents=True, exist_ok=True)

    # --- datasets
    def dataset_path(self, name: str) -> Path:
        return self.root / "datasets" / safe_name(name, "dataset")

    def datasets(self) -> list[DatasetInfo]:
        out = []
        for p in sorted((self.root / "datasets").iterdir()):
            d = Dataset(p)
            if not d.exists():
                continue
            m = _manifest(d.manifest_path)
            counts = m.get("counts", {})
            out.append(
                DatasetInfo(
                    p.name,
                    p,
                    int(counts.get("posts", 0) or 0),
                    int(counts.get("accounts", 0) or 0),
                    len(m.get("sources", []) or []),
                )
            )
        return out

    # --- runs
    def new_run_id(self) -> str:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        run_id, n = stamp, 1
        while (self.root / "runs" / run_id).exists():
            n += 1
            run_id = f"{stamp}-{n}"
        return run_id

    def run_path(self, run_id: str) -> Path:
        return self.root / "runs" / safe_name(run_id, "run")

    def run(self, run_id: str) -> Findings:
        path = self.run_path(run_id)
        if not path.is_dir():
            raise VigieError(f"no run {run_id!r} in this workspace")
        return Findings(path).check()

    def runs(self) -> list[RunInfo]:
        out = []
        for p in sorted((self.root / "runs").iterdir(), reverse=True):
            mpath = p / "manifest.json"
            if not mpath.exists():
                continue
            m = _manifest(mpath)
            if m.get("kind") != Findings.KIND:
                continue
            counts = m.get("counts", {})
            out.append(
                RunInfo(
                    p.name,
                    p,
                    Path(str(m.get("dataset", ""))).name,
                    int(counts.get("groups", 0) or 0),
                    int(counts.get("members", 0) or 0),
                    datetime.fromtimestamp(mpath.stat().st_mtime, UTC).strftime("%Y-%m-%d %H:%M"),
                )
            )
        return out

    # --- studies
    def studies(self) -> list[Path]:
        return sorted(p for p in (self.root / "risk").glob("*.yaml") if p.is_file())

    def study_path(self, name: str) -> Path:
        path = self.root / "risk" / safe_name(name, "study")
        if path.suffix != ".yaml" or not path.is_file():
            raise VigieError(f"no study {name!r} in this workspace")
        return path


def _manifest(path: Path) -> dict[str, Any]:
    try:
        data = read_json(path)
    except (VigieError, OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}
