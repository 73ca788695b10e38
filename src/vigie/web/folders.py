"""The workspace as the web pages see it: Datasets, studies and uploads beside the case store.

Why a small module of its own: the pages must not know paths; every page asks this module
(or the case store's ``Workspace``) for "the Datasets" or "this study", so that the layout
lives in one place (``vigie.cases.workspace`` documents the folder).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vigie.errors import NotFound, VigieError, shortened
from vigie.names import safe_name
from vigie.schema import Dataset, Findings, read_json


@dataclass(frozen=True)
class DatasetInfo:
    name: str
    path: Path
    posts: int
    accounts: int
    sources: int


class Folders:
    """``datasets/`` and ``runs/`` (the case store's), ``risk/`` studies, ``uploads/``."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.root: Path = ws.root
        for sub in ("datasets", "runs", "risk", "exports", "uploads"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)
        # the workspace as a refusal may spell it, the longer first (a prefix of the other)
        self._spelt = sorted({f"{self.root}/", f"{self.root.resolve()}/"}, key=len, reverse=True)

    def shown(self, message: str) -> str:
        """``message`` as a page may show it: the files it names inside the workspace given
        relative to it (``risk/broken.yaml``), so that a refusal or a failed job does not tell
        every signed-in person where the server keeps the workspace."""
        for root in self._spelt:
            message = message.replace(root, "")
        return message

    def dataset_path(self, name: str) -> Path:
        """``datasets/NAME``, or a Dataset folder at the top of the workspace (the demo's)."""
        safe_name(name, "Dataset")
        top = self.root / name
        if not (self.root / "datasets" / name).exists() and Dataset(top).exists():
            return top
        return self.root / "datasets" / name

    def datasets(self) -> list[DatasetInfo]:
        out = []
        tops = [p for p in sorted(self.root.iterdir()) if p.is_dir() and Dataset(p).exists()]
        for p in [*sorted((self.root / "datasets").iterdir()), *tops]:
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

    def findings(self, run: Any) -> Findings:
        """The Findings folder of a registered run (clear error if it was deleted)."""
        path = Path(run.path)
        if not path.is_dir():
            raise VigieError(
                f"run {run.id}: its Findings folder {path} is gone (the case store still "
                "holds its groups, decisions and diffs)"
            )
        return Findings(path).check()

    def studies(self) -> list[Path]:
        return sorted(p for p in (self.root / "risk").glob("*.yaml") if p.is_file())

    def study_path(self, name: str) -> Path:
        path = self.root / "risk" / safe_name(name, "study")
        if path.suffix != ".yaml" or not path.is_file():
            raise NotFound(f"no study {shortened(name, 80)!r} in this workspace", name)
        return path


def _manifest(path: Path) -> dict[str, Any]:
    try:
        data = read_json(path)
    except (VigieError, OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}
