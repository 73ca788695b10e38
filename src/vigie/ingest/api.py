"""``ingest()``: the Python entry point used by ``vigie ingest`` and by the demo.

Why a function separate from the CLI: the demo, the tests and notebooks ingest without a
terminal; the CLI only adds flags and the on-screen summary.
"""

from __future__ import annotations

import gc
import os
import shutil
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from vigie.atomic import atomic_dir, folder_lock, recover
from vigie.duckmem import check_memory_limit
from vigie.errors import InputError, VigieError, record_label
from vigie.ingest import (
    arrow_paths,
    bluesky,
    compressed,
    json_array,
    tabular,
    telegram,
    telegram_html,
    transcode,
    whatsapp,
    x_v2,
    xlsx,
)
from vigie.ingest.detect_format import (
    ACCOUNT_FORMATS,
    FORMATS,
    detect,
    folder_refusal,
    untold,
)
from vigie.ingest.epoch import check_date_format
from vigie.ingest.model import Batch, Rejected
from vigie.ingest.sources import READERS
from vigie.ingest.writer import Staging, merge
from vigie.progress import make_progress
from vigie.schema import (
    ACCOUNTS_SCHEMA,
    POSTS_SCHEMA,
    Dataset,
    base_manifest,
    read_json,
    write_json,
)

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
    warnings: list[str] = field(default_factory=list)
    notes: dict[str, int] = field(default_factory=dict)  # counted repairs (capped extraction)
    examples: dict[str, Rejected] = field(default_factory=dict)  # first refusal per reason

    def manifest_entry(self) -> dict[str, Any]:
        entry = {
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
        if self.warnings:
            entry["warnings"] = list(self.warnings)
        if self.notes:
            entry["notes"] = dict(sorted(self.notes.items()))
        return entry


@dataclass
class IngestReport:
    """The outcome of one ``ingest()`` call (this run's sources and the Dataset's totals)."""

    dataset: Path
    sources: list[SourceReport]
    posts: int
    accounts: int
    rejected_total: int
    conflicts: dict[str, int] = field(default_factory=dict)
    refused_before: int = 0
    """Records refused here that ``rejected.jsonl`` held already (the same lines ingested
    again): kept there once, not counted twice in ``rejected_total``."""

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
    spec: tabular.Spec | None = None
    columns: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    plain: Path | None = None  # the unpacked file read in place of a compressed ``path``


@dataclass
class ReadOptions:
    """How to read generic tables: dates (``--date-format``, ``--dayfirst``) and CSV dialect."""

    date_format: str | None = None
    dayfirst: bool = False
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None  # an Excel workbook's sheet to read (``xlsx.py``)

    def __post_init__(self) -> None:
        check_date_format(self.date_format)

    def given(self) -> list[str]:
        return [
            flag
            for flag, v in (
                ("--date-format", self.date_format),
                ("--dayfirst", self.dayfirst),
                ("--encoding", self.encoding),
                ("--delimiter", self.delimiter),
            )
            if v
        ]


MAPPABLE = ("telethon",)
"""Detected formats that a ``--map`` reads as generic JSON instead (see ``_plan``)."""


def _plan(
    path: Path,
    fmt: str,
    mapping: dict[str, str],
    platform: str | None,
    opts: ReadOptions | None = None,
) -> _Plan:
    """Check a source before any work: it exists, its format is known, its columns map."""
    opts = opts or ReadOptions()
    if not path.exists():
        raise InputError("no such file", file=str(path))
    if path.is_dir():
        raise InputError(folder_refusal(path), file=str(path))
    if not os.access(path, os.R_OK):
        raise InputError("not a readable file", file=str(path))
    _refuse_utf16_json(path)
    if fmt == "accounts":
        f = detect(path)
        if f not in TABULAR:
            raise InputError(
                f"--format accounts reads csv, jsonl or parquet tables, this looks like {f}",
                file=str(path),
            )
        cols = tabular.columns_of(path, f, opts.encoding, opts.delimiter)
        spec = tabular.resolve_accounts_spec(path, cols, mapping, platform)
        spec.encoding, spec.delimiter = opts.encoding, opts.delimiter
        total = _parquet_rows(path) if f == "parquet" else None
        return _Plan(path, "accounts", lambda: tabular.read_accounts(path, f, spec), total)
    f = detect(path) if fmt == "auto" else fmt
    if fmt == "auto" and f in MAPPABLE and mapping:
        # messages saved by a collection tool, which analysts mapped with dotted --map
        # paths before vigie read the shape itself: the mapping given is the one used
        f = "jsonl"
    if f in TABULAR:
        cols = tabular.columns_of(path, f, opts.encoding, opts.delimiter)
        # --map account_id=user.id: a path into nested objects (JSON) or struct columns
        wanted = [c for srcs in mapping.values() for c in tabular.mapped_columns(srcs)]
        nested: list[str] = []
        if f == "jsonl":
            nested = tabular.json_paths_found(path, wanted, cols)
        elif f == "parquet":
            nested = arrow_paths.paths_found(pq.read_schema(path), wanted)
        hint = ""
        if platform is None and "platform" not in mapping and "platform" not in cols:
            hint = tabular.platform_prefix_hint(
                path, f, cols, mapping, opts.encoding, opts.delimiter
            )
        spec = tabular.resolve_spec(path, cols + nested, mapping, platform, hint)
        spec.nested = frozenset(nested)
        spec.date_format, spec.dayfirst = opts.date_format, opts.dayfirst
        warnings = []
        if f == "csv":
            d = tabular.csv_dialect(path, opts.encoding, opts.delimiter)
            spec.encoding, spec.delimiter = d.encoding, d.delimiter
            if d.note:
                warnings.append(d.note)
        else:
            warnings += _unused_dialect(f, opts)
        sample = tabular.sample_rows(path, f, spec)
        hints = tabular.unmapped_hints(cols, spec, sample)
        warnings += hints.values()
        rest = [c for c in tabular.ignored_columns(cols, spec) if c not in hints]
        if rest:
            warnings.append(tabular.ignored_note(rest))
        reader = {
            "csv": tabular.read_csv,
            "jsonl": tabular.read_jsonl,
            "parquet": tabular.read_parquet,
        }[f]
        total = _parquet_rows(path) if f == "parquet" else None
        return _Plan(path, f, lambda: reader(path, spec), total, spec, cols, warnings)
    if mapping:
        raise VigieError(
            f"{path}: --map applies to csv, jsonl and parquet sources, not to {f} (read "
            f"as {f} without --map, or pass --format jsonl to map its fields yourself)"
        )
    if f == "whatsapp" and not (opts.encoding or opts.delimiter):
        # the one platform export whose dates may need --date-format: day or month first
        order = whatsapp.day_order(opts.date_format, opts.dayfirst)
        return _Plan(path, f, lambda: whatsapp.read(path, order), None)
    if opts.given():
        why = []
        if opts.date_format or opts.dayfirst:
            why.append("its reader knows the platform's own date format")
        if opts.encoding or opts.delimiter:
            why.append(
                "its reader reads the platform's own file: UTF-8, a CSV's lines that are "
                "not read as Windows-1252 (Excel's save); convert another encoding to UTF-8 "
                f"first (iconv -f {opts.encoding or '<encoding>'} -t UTF-8)"
            )
        raise VigieError(
            f"{path}: {', '.join(opts.given())} apply to csv, jsonl and parquet sources, "
            f"not to {f} ({'; '.join(why)})"
        )
    if f in READERS:
        return _Plan(path, f, lambda: READERS[f](path, platform), None)
    reader = {"x": x_v2.read, "telegram": telegram.read, "bluesky": bluesky.read}[f]
    return _Plan(path, f, lambda: reader(path), None)


def _unused_dialect(fmt: str, opts: ReadOptions) -> list[str]:
    """Warnings for CSV dialect flags given for a JSON Lines or Parquet source, which
    would otherwise be ignored without a word (several sources of mixed kinds share the
    flags, so this is no error)."""
    out = []
    if opts.delimiter:
        out.append(f"--delimiter is for CSV sources: not used for this {fmt} file")
    if opts.encoding and fmt == "parquet":
        out.append("--encoding is for CSV and JSON sources: Parquet text is always UTF-8")
    return out


def _parquet_rows(path: Path) -> int:
    try:
        return pq.ParquetFile(path).metadata.num_rows
    except (OSError, ValueError) as exc:  # ArrowInvalid is a ValueError
        raise InputError(
            f"not a readable Parquet file (truncated or corrupted? {exc})", file=str(path)
        ) from exc


def _share_failure(rep: SourceReport, max_share: float) -> str | None:
    """The one-line error when too many of a source's records were refused, else None.

    Why fail: a file whose every row is refused (a day-first date column, the wrong
    ``--map``) used to exit 0 with an empty Dataset; the user must hear it, with the reasons.
    """
    if rep.records == 0 or rep.rejected == 0:
        return None
    share = rep.rejected / rep.records
    if not (share > max_share or (max_share >= 1.0 and rep.rejected >= rep.records)):
        return None
    top = []
    for reason, n in list(rep.rejected_reasons.items())[:3]:
        ex = rep.examples.get(reason)
        where = ""
        if ex is not None:
            where = f"; e.g. {record_label(ex.record)}"
            where += f", field '{ex.field}'" if ex.field else ""
            if ex.detail:
                where += f": {ex.detail}"
        top.append(f"{reason} ({n:,}{where})")
    limit = (
        "every record was refused"
        if max_share >= 1.0
        else f"more than --max-reject-share {max_share:g}"
    )
    return (
        f"{rep.path}: {rep.rejected:,} of {rep.records:,} records refused ({share:.0%}): "
        f"{limit}, so nothing was written. Top reasons: {' | '.join(top)}"
    )


OWN_FILES = {"posts.parquet", "accounts.parquet", "manifest.json", "rejected.jsonl"}


def _not_its_own(src: Path, into: Path) -> None:
    """Refuse a source that is one of the target Dataset's own files.

    Why: ``vigie ingest ds/posts.parquet --into ds`` read every post as a duplicate of itself
    and reported them merged, a run that did nothing but look like an ingest (and
    ``rejected.jsonl`` read as a source was refused line by line)."""
    try:
        own = src.name in OWN_FILES and src.resolve().parent == into.resolve()
    except OSError:
        return
    if own:
        raise VigieError(
            f"{src}: this is {into}'s own {src.name}, not a source: nothing to ingest (ingest "
            "the files it was made from, or another Dataset's posts)"
        )


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
    *,
    max_reject_share: float = 1.0,
    date_format: str | None = None,
    dayfirst: bool = False,
    encoding: str | None = None,
    delimiter: str | None = None,
    sheet: str | None = None,
    unpacked_limit: int | None = None,
) -> IngestReport:
    """Ingest ``sources`` into the Dataset folder ``into`` (created, or appended to).

    Posts are de-duplicated on (platform, post_id) and accounts on (platform, account_id).
    Refused records go to ``into/rejected.jsonl`` with their reason. Raises ``VigieError`` /
    ``InputError`` for a problem the user must fix (unreadable file, missing column, a source
    with more than ``max_reject_share`` of its records refused — by default, all of them); in
    that case, as on any interruption, the previous Dataset is left untouched. Writers of one
    Dataset take turns (a lock file beside it), so concurrent ingests lose nothing.
    ``unpacked_limit``: the bytes a compressed source may unpack to, its members and layers
    together (a server's guard against decompression bombs; none on the command line).
    """
    if isinstance(sources, str | Path):
        sources = [sources]
    if not sources:
        raise VigieError("nothing to ingest: give at least one source file")
    _check_format(fmt)
    into = Path(into)
    if not 0.0 <= max_reject_share <= 1.0:
        raise VigieError(f"--max-reject-share {max_reject_share}: expected a share from 0 to 1")
    check_memory_limit(memory_limit, "--memory-limit")
    maps = tabular.parse_mapping(mapping, accounts=fmt == "accounts")
    plat = tabular.canonical_platform(platform) if platform else None
    opts = ReadOptions(date_format, dayfirst, encoding, delimiter, sheet)
    given = [Path(s) for s in sources]
    for src in given:
        _not_its_own(src, into)
    with _readable(given, fmt, opts, into.parent, unpacked_limit) as sources_read:
        plans = _plans(sources_read, maps, plat, fmt)
        for p in plans:  # a Telegram HTML chat read without some of its pages
            p.warnings += telegram_html.pages_left_out(p.path, p.fmt, [q.path for q in plans])
        with folder_lock(into, "Dataset"):
            recover(into, "Dataset")
            return _ingest_locked(plans, into, memory_limit, max_reject_share)


@dataclass
class _Source:
    """A source as given, the plain file to read for it, and how to read that file."""

    given: Path
    plain: Path
    fmt: str
    opts: ReadOptions
    notes: list[str]
    refused: list[Rejected] = field(default_factory=list)  # met while making the copy
    archive: Path | None = None  # the zip of several files it is a member of


@contextmanager
def _readable(
    given: list[Path],
    fmt: str,
    opts: ReadOptions,
    beside: Path | None = None,
    limit: int | None = None,
) -> Iterator[list[_Source]]:
    """The sources as plain UTF-8 files, each made at most once, in temporary folders made
    in ``beside`` and deleted on exit: compressed ones unpacked (``compressed.py``),
    workbooks written as the CSV of their sheet (``xlsx.py``), JSON in another encoding
    re-encoded (``transcode.py``), a generic table saved as one JSON array written as JSON
    Lines (``json_array.py``; the elements it refused are kept for the report). A copy is
    read without the flags already applied in making it: ``--encoding`` (the copy is
    UTF-8), ``--delimiter`` and ``--format xlsx`` (a workbook's CSV is vigie's own)."""
    with compressed.readable(given, beside=beside, limit=limit) as opened:
        # a zip of several files is several sources, each named ARCHIVE.zip/MEMBER
        shown = [o.shown for o in opened]
        unpacked = [o.plain for o in opened]
        with (
            xlsx.csv_copies(unpacked, shown, fmt, beside, opts.sheet) as (sheets, notes),
            transcode.utf8_copies(sheets, shown, fmt, opts.encoding, beside) as utf8,
            json_array.jsonl_copies(utf8, shown, fmt, beside) as (plain, refused),
        ):
            yield _sources(opened, sheets, plain, notes, refused, fmt, opts)


def _sources(
    opened: list[compressed.Readable],
    sheets: list[Path],
    plain: list[Path],
    notes: list[list[str]],
    refused: list[list[Rejected]],
    fmt: str,
    opts: ReadOptions,
) -> list[_Source]:
    """One ``_Source`` per plain file made by ``_readable``'s copies, with how to read it."""
    out = []
    for src, sheet, p, said, bad in zip(opened, sheets, plain, notes, refused, strict=True):
        f, o, said = fmt, replace(opts, sheet=None), [*src.notes, *said]
        if sheet != src.plain:  # a workbook's sheet
            f = "auto" if fmt == "xlsx" else fmt
            o = replace(o, encoding=None, delimiter=None)
        else:
            if p != sheet:  # a UTF-8 copy, JSON Lines of an array
                o = replace(o, encoding=None)
            if opts.sheet:
                said = [*said, "--sheet is for Excel workbooks: not used for this file"]
        out.append(_Source(src.shown, p, f, o, said, bad, src.archive))
    return out


def _plans(sources: list[_Source], maps: dict[str, Any], plat: str | None, fmt: str) -> list[_Plan]:
    """``_planned`` of each source, but for a zip's members that may be documents.

    Why: a zipped collection often carries a ``README`` or ``notes.txt`` beside its data;
    refusing the whole zip for it sent the analyst off to unzip it. A member whose name may
    be a document's (``compressed.document_like``) and whose format cannot be told is named
    in the report of the zip's first member read, and not read; a zip left with no member
    read is refused with the first such member's error, and ``--format`` (which tells every
    member's format) reads them all as before."""
    plans: list[_Plan] = []
    unread: dict[Path, list[InputError]] = {}
    for src in sources:
        try:
            plans.append(_planned(src, maps, plat))
        except InputError as exc:
            if not (
                fmt == "auto"
                and src.archive is not None
                and compressed.document_like(src.given.name)
                and untold(exc)
            ):
                raise
            unread.setdefault(src.archive, []).append(exc)
    for archive, errors in unread.items():
        inside = f"{archive}/"
        first = next((p for p in plans if str(p.path).startswith(inside)), None)
        if first is None:
            raise errors[0]
        names = [str(e.file)[len(inside) :] for e in errors]
        shown = ", ".join(names[:5]) + (" ..." if len(names) > 5 else "")
        first.warnings.append(
            f"{archive.name}: {len(names):,} member(s) not read, their format could not be "
            f"told from their name or content ({shown}): documents? To read one, unzip it "
            "and give it with --format"
        )
    return plans


def _planned(src: _Source, maps: dict[str, Any], plat: str | None) -> _Plan:
    """``_plan_as_given`` of one readable source, with the notes its copy left."""
    plan = _plan_as_given(src.given, src.plain, src.fmt, maps, plat, src.opts)
    plan.warnings = src.notes + plan.warnings
    if src.refused:
        read, refused = plan.read, src.refused

        def read_then_refused() -> Iterator[Batch]:
            yield from read()
            empty = POSTS_SCHEMA.empty_table(), ACCOUNTS_SCHEMA.empty_table()
            yield Batch(*empty, list(refused), {}, len(refused))

        plan.read = read_then_refused
    return plan


@contextmanager
def _named(plain: Path, given: Path) -> Iterator[None]:
    """Errors raised while reading the unpacked ``plain`` name the source ``given``."""
    try:
        yield
    except InputError as exc:
        if exc.file != str(plain):
            raise
        raise InputError(exc.reason, file=str(given), record=exc.record, field=exc.field) from None
    except VigieError as exc:
        if str(plain) not in str(exc):
            raise
        raise VigieError(str(exc).replace(str(plain), str(given))) from None


_UTF16_JSON_HEADS = (b"\xff\xfe{\x00", b"\xff\xfe[\x00", b"\xfe\xff\x00{", b"\xfe\xff\x00[")


def _refuse_utf16_json(path: Path) -> None:
    """Fail in one line on JSON saved as UTF-16 (a byte-order mark, then ``{`` or ``[``).

    Why: JSON Lines are split on the byte ``\\n`` and each line decoded alone, so a UTF-16
    file came out as a few half-decoded lines: some records refused as "not UTF-8 text",
    one odd line counted as an extra record, and now and then one record accepted, as if
    the file were merely damaged. (A UTF-16 CSV is read as such; this is for JSON only.)
    """
    with open(path, "rb") as fh:
        head = fh.read(4)
    if head in _UTF16_JSON_HEADS:
        raise InputError(
            "JSON saved as UTF-16 text (it starts with a UTF-16 byte-order mark): pass "
            "--encoding utf-16, or convert it first (iconv -f UTF-16 -t UTF-8 "
            f"{path.name} > {path.stem}.utf8{path.suffix}) and ingest that file",
            file=str(path),
        )


def _plan_as_given(given: Path, plain: Path, fmt: str, *args: Any) -> _Plan:
    """``_plan`` of the file to read (``plain``: the source, or its unpacked copy), shown
    and reported under the source's own name (``compressed.py``)."""
    if plain == given:
        return _plan(given, fmt, *args)
    with _named(plain, given):
        plan = _plan(plain, fmt, *args)
    read, shown = plan.read, str(plain)

    def read_as_given() -> Iterator[Batch]:
        with _named(plain, given):
            for batch in read():
                if batch.rejected:
                    batch.rejected = [
                        replace(r, file=str(given)) if r.file == shown else r
                        for r in batch.rejected
                    ]
                yield batch

    plan.path, plan.plain, plan.read = given, plain, read_as_given
    plan.warnings = [w.replace(shown, str(given)) for w in plan.warnings]
    return plan


def _old_manifest(into: Path) -> dict[str, Any]:
    """The manifest of the Dataset at ``into`` ({} when there is none yet); checks its tables."""
    old = Dataset(into)
    if not into.exists():
        return {}
    if old.exists():
        old_manifest = read_json(old.manifest_path)
        if not isinstance(old_manifest, dict) or old_manifest.get("kind") != Dataset.KIND:
            kind = old_manifest.get("kind") if isinstance(old_manifest, dict) else None
            raise VigieError(f"{into}: not a vigie Dataset (manifest kind is {kind!r})")
        old.check()  # a truncated or foreign posts/accounts file: one line, before any work
        return old_manifest
    if not into.is_dir() or any(into.iterdir()):
        raise VigieError(
            f"{into}: exists and is not a vigie Dataset{_what_it_is(into)}; choose another folder"
        )
    return {}


_FORMAT_WORDS = {
    "twitter": ["x", "twarc-csv"],
    "tweets": ["x", "twarc-csv"],
    "json": ["jsonl", "x"],
    "ndjson": ["jsonl"],
    "excel": ["xlsx"],
    "xls": ["xlsx"],
    "tsv": ["csv"],
    "reddit": ["pushshift"],
    "facebook": ["crowdtangle", "mcl", "apify"],
    "instagram": ["instaloader", "zeeschuimer", "crowdtangle"],
    "bsky": ["bluesky", "jetstream"],
}
"""What people call a format that vigie names otherwise (X was Twitter; a JSON file of
posts is read line by line), for the refusal's suggestion."""


def _check_format(fmt: str) -> None:
    """Refuse an unknown ``--format``, with the nearest names first (``csvv``: did you mean
    ``csv``?), then the whole list: fifty names are hard to read for one typo."""
    if fmt in FORMATS:
        return
    from vigie.suggest import did_you_mean

    hint = did_you_mean(fmt, FORMATS, aliases=_FORMAT_WORDS, n=3)
    hint += " " if hint else ""
    raise VigieError(f"--format {fmt!r}: {hint}expected one of {', '.join(FORMATS)}")


def _what_it_is(folder: Path) -> str:
    """What a folder that is no Dataset is, when vigie made it: the two folders an analyst
    mistakes for one (a run's Findings, the workspace itself) say where to ingest instead."""
    from vigie.atomic import manifest_kind

    if not folder.is_dir():
        return ""
    if (folder / "workspace.json").exists():
        return f" (it is a workspace: ingest into {folder / 'datasets' / 'NAME'})"
    kind = manifest_kind(folder)
    if kind == "findings":
        return " (it is a Findings folder, written by vigie detect: ingest into a Dataset folder)"
    return f" (it is a vigie {kind} folder)" if kind else ""


@contextmanager
def _few_collections() -> Iterator[None]:
    """Run the cyclic garbage collector rarely while records are read.

    Why: the platform readers build a dict per record (and lists, strings, datetimes), so the
    collector's default threshold (700 allocations) ran a young collection every few records
    and full ones over every object alive, ~10-20 % of a Mastodon or Jetstream ingest's CPU.
    Records hold no reference cycles; those freed by reference counting are unaffected, and
    the objects alive before the ingest (modules, caches) are set aside (``gc.freeze``).
    """
    old = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(max(old[0], 50_000), old[1], old[2])
    try:
        yield
    finally:
        gc.set_threshold(*old)
        gc.unfreeze()


def _ingest_locked(
    plans: list[_Plan], into: Path, memory_limit: str, max_reject_share: float
) -> IngestReport:
    old = Dataset(into)
    old_manifest = _old_manifest(into)

    reports = [SourceReport(str(p.path), p.fmt, warnings=list(p.warnings)) for p in plans]
    with atomic_dir(into, "Dataset", kind=Dataset.KIND) as tmp:
        if old_manifest:
            _carry_other_files(into, tmp)
        staging = Staging(tmp, old.rejected_path if old_manifest else None)
        try:
            with make_progress() as progress, _few_collections():
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
                            if plan.fmt in ACCOUNT_FORMATS
                            else batch.posts.num_rows
                        )
                        rep.rejected += len(batch.rejected)
                        reasons.update(r.reason for r in batch.rejected)
                        for r in batch.rejected:
                            rep.examples.setdefault(r.reason, r)
                        skipped.update(batch.skipped)
                        for k, v in batch.cursors.items():
                            rep.cursors[k] = max(v, rep.cursors.get(k, v))
                        progress.advance(task, batch.records)
                    if rep.records == 0:
                        # a header-only CSV, an empty JSONL or a page of no tweets: nothing
                        # to merge, which is legal but rarely what was meant
                        rep.warnings.append(
                            "no records in it (an empty file, or a header row only): "
                            "nothing was read from it"
                        )
                    rep.rejected_reasons = dict(reasons.most_common())
                    rep.skipped = dict(skipped.most_common())
                    rep.ingested_at = datetime.now(UTC).isoformat(timespec="seconds")
                    if plan.spec is not None:
                        rep.notes = dict(plan.spec.notes)
                    failure = _share_failure(rep, max_reject_share)
                    if failure:
                        raise VigieError(failure)
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
            if rep.format in ACCOUNT_FORMATS:
                rep.duplicates = result.account_duplicates.get(i, 0)
            else:
                rep.duplicates = result.duplicates.get(i, 0)

        old_counts = old_manifest.get("counts", {})
        rejected_total = (
            int(old_counts.get("rejected", 0))
            + sum(r.rejected for r in reports)
            - staging.repeated  # refused before, same line: kept once (Staging)
        )
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
        conflicts: Counter[str] = Counter(old_manifest.get("merge_conflicts", {}))
        conflicts.update(result.conflicts)
        if conflicts:
            manifest["merge_conflicts"] = dict(sorted(conflicts.items()))
        write_json(tmp / "manifest.json", manifest)
    return IngestReport(
        dataset=into,
        sources=reports,
        posts=result.posts,
        accounts=result.accounts,
        rejected_total=rejected_total,
        conflicts=dict(result.conflicts),
        refused_before=staging.repeated,
    )


@dataclass
class SourcePreview:
    """What ``--dry-run`` shows for one source: where each canonical field comes from."""

    path: str
    format: str
    fields: dict[str, tuple[str, list[str]]]  # field -> (source, first values)
    unmapped: list[str]
    warnings: list[str]
    dialect: str | None
    records: int
    accepted: int
    rejected_reasons: dict[str, int]
    examples: dict[str, Rejected]
    skipped: dict[str, int] = field(default_factory=dict)
    """Records the first batch would skip, by reason (likes, deletions, ``more`` stubs):
    counted apart from the refused ones, as the ingest's summary counts them."""


def _source_of(canon: str, plan: _Plan) -> str:
    spec = plan.spec
    if spec is None:
        return f"{plan.fmt} reader"
    if canon in spec.columns:
        more = spec.extra_columns.get(canon, [])
        return " + ".join([spec.columns[canon], *more])
    if canon == "platform":
        if spec.platform_prefix_of:
            return f"prefix of {spec.platform_prefix_of}"
        return f"--platform {spec.platform}"
    if canon in spec.extract_from_text:
        return f"extracted from {spec.columns['text']}"
    return "(none: left empty)"


def preview(
    sources: list[str | Path] | str | Path,
    fmt: str = "auto",
    mapping: dict[str, str] | list[str] | None = None,
    platform: str | None = None,
    rows: int = 5,
    **read_options: Any,
) -> list[SourcePreview]:
    """``vigie ingest --dry-run``: map and convert the first batch of each source, write
    nothing, and say what each canonical field gets and which columns are left unmapped."""
    if isinstance(sources, str | Path):
        sources = [sources]
    if not sources:
        raise VigieError("nothing to ingest: give at least one source file")
    _check_format(fmt)
    maps = tabular.parse_mapping(mapping, accounts=fmt == "accounts")
    plat = tabular.canonical_platform(platform) if platform else None
    opts = ReadOptions(**read_options)
    given = [Path(s) for s in sources]
    with _readable(given, fmt, opts) as sources_read:
        return [_preview_one(plan, rows) for plan in _plans(sources_read, maps, plat, fmt)]


def _preview_one(plan: _Plan, rows: int) -> SourcePreview:
    """The dry-run's view of one planned source (see ``preview``)."""
    batch = next(iter(plan.read()), None)
    table = None
    if batch is not None:
        table = batch.accounts if plan.fmt in ACCOUNT_FORMATS else batch.posts
    names = [f.name for f in (table.schema if table is not None else [])]
    raw = (
        tabular.sample_rows(plan.plain or plan.path, plan.fmt, plan.spec, rows)
        if plan.spec is not None and plan.fmt != "accounts"
        else {}
    )
    fields: dict[str, tuple[str, list[str]]] = {}
    for name in names:
        vals = [v for v in table.column(name).to_pylist()[: max(rows * 20, 20)] if v]
        shown = [str(v)[:60] for v in vals[:rows]]
        col = plan.spec.columns.get(name) if plan.spec is not None else None
        if not shown and col in raw:  # all refused: show what the column holds
            shown = [f"raw: {str(v)[:60]}" for v in raw[col][:rows] if v is not None]
        fields[name] = (_source_of(name, plan), shown)
    used = plan.spec.used_columns() if plan.spec is not None else set()
    reasons: Counter[str] = Counter(r.reason for r in (batch.rejected if batch else []))
    examples: dict[str, Rejected] = {}
    for r in batch.rejected if batch else []:
        examples.setdefault(r.reason, r)
    dialect = None
    if plan.spec is not None and plan.fmt == "csv":
        dialect = f"encoding {plan.spec.encoding}, delimiter {plan.spec.delimiter!r}"
    return SourcePreview(
        path=str(plan.path),
        format=plan.fmt,
        fields=fields,
        unmapped=[c for c in plan.columns if c not in used],
        warnings=list(plan.warnings),
        dialect=dialect,
        records=batch.records if batch else 0,
        accepted=table.num_rows if table is not None else 0,
        rejected_reasons=dict(reasons.most_common()),
        examples=examples,
        skipped=dict(Counter(batch.skipped).most_common()) if batch else {},
    )
