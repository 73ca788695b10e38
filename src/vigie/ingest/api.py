"""``ingest()``: the Python entry point used by ``vigie ingest`` and by the demo.

Why a function separate from the CLI: the demo, the tests and notebooks ingest without a
terminal; the CLI only adds flags and the on-screen summary.
"""

from __future__ import annotations

import os
import shutil
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from vigie.atomic import atomic_dir
from vigie.errors import InputError, VigieError
from vigie.ingest import bluesky, tabular, telegram, x_v2
from vigie.ingest.detect_format import FORMATS, detect
from vigie.ingest.model import Batch
from vigie.ingest.sources import READERS
from vigie.ingest.writer import Staging, merge
from vigie.progress import make_progress
from vigie.schema import Dataset, base_manifest, read_json, write_json

TABULAR = ("csv", "jsonl", "parquet")


@dataclass
class SourceReport:
    """What became of one source file."""

    path: str
    format: str
    records: int = 0
    accepted: int = 0
    rejected: int = 0
    duplicates: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    rejected_reasons: dict[str, int] = field(default_factory=dict)
    ingested_at: str = ""
    cursors: dict[str, int] = field(default_factory=dict)

    def manifest_entry(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "format": self.format,
            "records": self.records,
            "accepted": self.accepted,
            "rejected": self.rejected,
            "duplicates": self.duplicates,
            "skipped": dict(sorted(self.skipped.items())),
            "ingested_at": self.ingested_at,
            **({"cursors": dict(self.cursors)} if self.cursors else {}),
        }


@dataclass
class IngestReport:
    """The outcome of one ``ingest()`` call (this run's sources and the Dataset's totals)."""

    dataset: Path
    sources: list[SourceReport]
    posts: int
    accounts: int
    rejected_total: int

    @property
    def accepted(self) -> int:
        return sum(s.accepted for s in self.sources)

    @property
    def rejected(self) -> int:
        return sum(s.rejected for s in self.sources)

    @property
    def duplicates(self) -> int:
        return sum(s.duplicates for s in self.sources)

    @property
    def rejected_reasons(self) -> dict[str, int]:
        c: Counter[str] = Counter()
        for s in self.sources:
            c.update(s.rejected_reasons)
        return dict(c.most_common())

    @property
    def skipped(self) -> dict[str, int]:
        c: Counter[str] = Counter()
        for s in self.sources:
            c.update(s.skipped)
        return dict(c.most_common())


@dataclass
class _Plan:
    path: Path
    fmt: str
    read: Callable[[], Iterator[Batch]]
    total: int | None


def _plan(path: Path, fmt: str, mapping: dict[str, str], platform: str | None) -> _Plan:
    """Check a source before any work: it exists, its format is known, its columns map."""
    if not path.exists():
        raise InputError("no such file", file=str(path))
    if not os.access(path, os.R_OK) or path.is_dir():
        raise InputError("not a readable file", file=str(path))
    if fmt == "accounts":
        f = detect(path)
        if f not in TABULAR:
            raise InputError(
                f"--format accounts reads csv, jsonl or parquet tables, this looks like {f}",
                file=str(path),
            )
        spec = tabular.resolve_accounts_spec(path, tabular.columns_of(path, f), mapping, platform)
        total = pq.ParquetFile(path).metadata.num_rows if f == "parquet" else None
        return _Plan(path, "accounts", lambda: tabular.read_accounts(path, f, spec), total)
    f = detect(path) if fmt == "auto" else fmt
    if f in TABULAR:
        spec = tabular.resolve_spec(path, tabular.columns_of(path, f), mapping, platform)
        reader = {
            "csv": tabular.read_csv,
            "jsonl": tabular.read_jsonl,
            "parquet": tabular.read_parquet,
        }[f]
        total = pq.ParquetFile(path).metadata.num_rows if f == "parquet" else None
        return _Plan(path, f, lambda: reader(path, spec), total)
    if mapping:
        raise VigieError(f"{path}: --map applies to csv, jsonl and parquet sources, not to {f}")
    if f in READERS:
        return _Plan(path, f, lambda: READERS[f](path, platform), None)
    reader = {"x": x_v2.read, "telegram": telegram.read, "bluesky": bluesky.read}[f]
    return _Plan(path, f, lambda: reader(path), None)


OWN_FILES = {"posts.parquet", "accounts.parquet", "manifest.json", "rejected.jsonl"}


def _carry_other_files(old: Path, new: Path) -> None:
    """Keep what else lives in the Dataset folder (e.g. an exercise's ``truth.parquet``).

    The folder is swapped whole, so files that ingest does not own are hard-linked (copied
    when links are not possible) into the new folder rather than lost.
    """
    for entry in old.iterdir():
        if entry.name in OWN_FILES or entry.name.startswith("."):
            continue
        target = new / entry.name
        if entry.is_dir():
            shutil.copytree(entry, target, copy_function=_link_or_copy)
        else:
            _link_or_copy(entry, target)


def _link_or_copy(src: str | Path, dst: str | Path) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def _merge_cursors(old: Any, reports: list[SourceReport]) -> dict[str, int]:
    """The furthest resume point of each stream over the Dataset's whole history."""
    out: dict[str, int] = {k: int(v) for k, v in (old or {}).items() if isinstance(v, int)}
    for r in reports:
        for k, v in r.cursors.items():
            out[k] = max(v, out.get(k, v))
    return dict(sorted(out.items()))


def ingest(
    sources: list[str | Path] | str | Path,
    into: str | Path,
    fmt: str = "auto",
    mapping: dict[str, str] | list[str] | None = None,
    platform: str | None = None,
    memory_limit: str = "1GB",
) -> IngestReport:
    """Ingest ``sources`` into the Dataset folder ``into`` (created, or appended to).

    Posts are de-duplicated on (platform, post_id) and accounts on (platform, account_id).
    Refused records go to ``into/rejected.jsonl`` with their reason. Raises ``VigieError`` /
    ``InputError`` for a problem the user must fix (unreadable file, missing column); in that
    case, as on any interruption, the previous Dataset is left untouched.
    """
    if isinstance(sources, str | Path):
        sources = [sources]
    if not sources:
        raise VigieError("nothing to ingest: give at least one source file")
    if fmt not in FORMATS:
        raise VigieError(f"--format {fmt!r}: expected one of {', '.join(FORMATS)}")
    into = Path(into)
    maps = tabular.parse_mapping(mapping, accounts=fmt == "accounts")
    plat = tabular.canonical_platform(platform) if platform else None
    plans = [_plan(Path(s), fmt, maps, plat) for s in sources]

    old = Dataset(into)
    old_manifest: dict[str, Any] = {}
    if into.exists():
        if old.exists():
            old_manifest = read_json(old.manifest_path)
            if old_manifest.get("kind") != Dataset.KIND:
                raise VigieError(
                    f"{into}: not a vigie Dataset (manifest kind is {old_manifest.get('kind')!r})"
                )
        elif not into.is_dir() or any(into.iterdir()):
            raise VigieError(f"{into}: exists and is not a vigie Dataset; choose another folder")

    reports = [SourceReport(str(p.path), p.fmt) for p in plans]
    with atomic_dir(into) as tmp:
        if old_manifest:
            _carry_other_files(into, tmp)
        staging = Staging(tmp, old.rejected_path if old_manifest else None)
        try:
            with make_progress() as progress:
                for i, (plan, rep) in enumerate(zip(plans, reports, strict=True), start=1):
                    task = progress.add_task(
                        f"reading {plan.path.name} ({plan.fmt})", total=plan.total
                    )
                    reasons: Counter[str] = Counter()
                    skipped: Counter[str] = Counter()
                    for batch in plan.read():
                        staging.add(i, batch)
                        rep.records += batch.records
                        rep.accepted += (
                            batch.accounts.num_rows
                            if plan.fmt == "accounts"
                            else batch.posts.num_rows
                        )
                        rep.rejected += len(batch.rejected)
                        reasons.update(r.reason for r in batch.rejected)
                        skipped.update(batch.skipped)
                        for k, v in batch.cursors.items():
                            rep.cursors[k] = max(v, rep.cursors.get(k, v))
                        progress.advance(task, batch.records)
                    rep.rejected_reasons = dict(reasons.most_common())
                    rep.skipped = dict(skipped.most_common())
                    rep.ingested_at = datetime.now(UTC).isoformat(timespec="seconds")
                staging.close()
                task = progress.add_task("merging and de-duplicating", total=None)
                result = merge(
                    staging,
                    old.posts_path if old_manifest else None,
                    old.accounts_path if old_manifest else None,
                    tmp,
                    memory_limit=memory_limit,
                )
                progress.update(task, total=1, completed=1)
        finally:
            staging.close()
            staging.cleanup()
        for i, rep in enumerate(reports, start=1):
            if rep.format == "accounts":
                rep.duplicates = result.account_duplicates.get(i, 0)
            else:
                rep.duplicates = result.duplicates.get(i, 0)

        old_counts = old_manifest.get("counts", {})
        rejected_total = int(old_counts.get("rejected", 0)) + sum(r.rejected for r in reports)
        skipped_all: Counter[str] = Counter(old_manifest.get("skipped", {}))
        for r in reports:
            skipped_all.update({f"rejected: {k}": v for k, v in r.rejected_reasons.items()})
            skipped_all.update(r.skipped)
        if rejected_total == 0 and staging.rejected_path.exists():
            staging.rejected_path.unlink()
        manifest = base_manifest(
            Dataset.KIND,
            counts={"posts": result.posts, "accounts": result.accounts, "rejected": rejected_total},
            sources=list(old_manifest.get("sources", [])) + [r.manifest_entry() for r in reports],
            skipped=dict(sorted(skipped_all.items())),
            duplicates=int(old_manifest.get("duplicates", 0)) + sum(r.duplicates for r in reports),
        )
        cursors = _merge_cursors(old_manifest.get("cursors"), reports)
        if cursors:
            manifest["cursors"] = cursors
        write_json(tmp / "manifest.json", manifest)
    return IngestReport(
        dataset=into,
        sources=reports,
        posts=result.posts,
        accounts=result.accounts,
        rejected_total=rejected_total,
    )
