"""The canonical tables and the folder handles every stage shares.

Why one module: ingest writes, detect reads, share exports, risk consumes; if each of them
spelled the columns its own way the pipeline would drift. These Arrow schemas are the
contract (see ARCHITECTURE.md). Unknown values are null, never 0 or "".

Folders:
- a **Dataset** holds ``posts.parquet``, ``accounts.parquet``, ``manifest.json`` and, when
  some input was refused, ``rejected.jsonl``;
- a **Findings** folder holds ``groups.parquet``, ``members.parquet``, ``edges.parquet``,
  ``evidence.parquet``, ``summary.json`` and ``manifest.json`` (plus ``graph.gexf`` and CSVs).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from vigie import __version__
from vigie.atomic import atomic_file
from vigie.errors import VigieError
from vigie.json_guard import UNREADABLE, why

SCHEMA_VERSION = "1.0"

TS = pa.timestamp("us", tz="UTC")

EARLIEST_CREATION = "1990-01-01"
"""Account creation dates before this day (UTC) are not read: no platform a Dataset holds
existed then, and tools write the Unix epoch (1970-01-01) or year 1 (0001-01-01) where the
date is missing. Read as dates, such placeholders made one large creation "burst" of every
account lacking a date (supporting ties, naming DISARM's "create inauthentic accounts") and
"N members created within 3 days" on any group of them."""


def known_creation(value: datetime | None) -> datetime | None:
    """An account's creation time as shown to an analyst: ``None`` for a placeholder before
    ``EARLIEST_CREATION`` (an epoch shown as "created 1970-01-01" reads as a very old, so
    trustworthy, account where the source knew nothing)."""
    if value is None:
        return None
    earliest = datetime.fromisoformat(EARLIEST_CREATION).replace(tzinfo=UTC)
    when = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    return value if when >= earliest else None


STR_LIST = pa.list_(pa.string())

POSTS_SCHEMA = pa.schema(
    [
        pa.field("post_id", pa.string(), nullable=False),
        pa.field("platform", pa.string(), nullable=False),
        pa.field("account_id", pa.string(), nullable=False),
        pa.field("created_at", TS, nullable=False),
        pa.field("text", pa.string()),
        pa.field("lang", pa.string()),
        pa.field("urls", STR_LIST),
        pa.field("hashtags", STR_LIST),
        pa.field("mentions", STR_LIST),
        pa.field("media", STR_LIST),
        pa.field("repost_of", pa.string()),
        pa.field("reply_to", pa.string()),
        pa.field("quote_of", pa.string()),
        pa.field("client", pa.string()),  # posting app: X `source`, Mastodon `application`
    ]
)
"""One row per post. ``urls`` are canonicalised; ``hashtags`` lower-case without ``#``."""

NOT_OBJECT_COLUMNS = frozenset(
    {"post_id", "account_id", "platform", "created_at", "lang", "client"}
)
"""Posts columns that say who, when or how, not what was shared: no co-action is read from
them (detection's diagnosis lists the *other* columns with data)."""

OPTIONAL_POSTS_COLUMNS = ("client",)
"""Posts columns added after schema 1.0: a Dataset written before them still opens (they
read as null), so an analyst's old Datasets need no re-ingest."""

ACCOUNTS_SCHEMA = pa.schema(
    [
        pa.field("account_id", pa.string(), nullable=False),
        pa.field("platform", pa.string(), nullable=False),
        pa.field("handle", pa.string()),
        pa.field("display_name", pa.string()),
        pa.field("created_at", TS),
        pa.field("followers", pa.int64()),
        pa.field("following", pa.int64()),
        pa.field("posts_count", pa.int64()),
        pa.field("description", pa.string()),
    ]
)
"""One row per account, keyed on (platform, account_id)."""

TRUTH_ACCOUNTS_SCHEMA = pa.schema(
    [
        pa.field("account_id", pa.string(), nullable=False),
        pa.field("platform", pa.string(), nullable=False),
        pa.field("campaign_id", pa.string()),  # null = organic
        pa.field("campaign_type", pa.string()),  # bot_amplification, copypasta, ...
        pa.field("role", pa.string()),  # organic, activist, seed, amplifier, sockpuppet, ...
    ]
)
TRUTH_POSTS_SCHEMA = pa.schema(
    [
        pa.field("post_id", pa.string(), nullable=False),
        pa.field("platform", pa.string(), nullable=False),
        pa.field("campaign_id", pa.string()),
    ]
)
"""Ground truth written by the generator in ``truth.parquet`` (accounts) and
``truth_posts.parquet`` (posts)."""

# --- Findings -------------------------------------------------------------------------------

GROUPS_SCHEMA = pa.schema(
    [
        pa.field("group_id", pa.string(), nullable=False),
        pa.field("score", pa.float64(), nullable=False),  # 0..1, higher = stronger evidence
        pa.field("n_members", pa.int64(), nullable=False),
        pa.field("n_posts", pa.int64()),
        pa.field("signals", STR_LIST),  # detector kinds that tie the group
        pa.field("first_seen", TS),
        pa.field("last_seen", TS),
        pa.field("techniques", STR_LIST),  # DISARM ids the behaviour matches, e.g. T0049.003
        pa.field("top_objects", STR_LIST),  # the most shared URLs / targets / texts
        pa.field("summary", pa.string()),  # one human sentence
        pa.field("likely_authentic", pa.bool_()),  # open coordination (outlet+feeds, ...)
        pa.field("authenticity_reasons", STR_LIST),
        pa.field("inauthenticity_score", pa.float64()),  # 0..1, ranks groups
        pa.field("inauthenticity_indicators", STR_LIST),  # fired, and "...: unknown (...)"
    ]
)
MEMBERS_SCHEMA = pa.schema(
    [
        pa.field("group_id", pa.string(), nullable=False),
        pa.field("account_id", pa.string(), nullable=False),
        pa.field("platform", pa.string()),
        pa.field("strength", pa.float64()),  # weighted degree inside the group
        pa.field("n_posts", pa.int64()),
        pa.field("handle", pa.string()),  # from accounts.parquet when the Dataset has it
        pa.field("account_created_at", TS),
        pa.field("followers", pa.int64()),
    ]
)
EDGES_SCHEMA = pa.schema(
    [
        pa.field("source", pa.string(), nullable=False),
        pa.field("target", pa.string(), nullable=False),
        pa.field("kind", pa.string(), nullable=False),  # co_link, co_repost, copypasta, ...
        pa.field("weight", pa.float64(), nullable=False),
        pa.field("observed", pa.int64()),  # co-actions seen
        pa.field("expected", pa.float64()),  # co-actions expected under the null model
        pa.field("p_value", pa.float64()),
        pa.field("group_id", pa.string()),  # null when the edge ties no retained group
        # each end's platform: a tie across platforms shows as such, and an id that names
        # accounts of two platforms (each platform numbers its own) is told apart
        pa.field("source_platform", pa.string()),
        pa.field("target_platform", pa.string()),
    ]
)
EVIDENCE_SCHEMA = pa.schema(
    [
        pa.field("group_id", pa.string(), nullable=False),
        pa.field("kind", pa.string(), nullable=False),
        pa.field("object", pa.string()),  # URL, target post id, text fingerprint, hashtag
        pa.field("post_id", pa.string(), nullable=False),
        pa.field("account_id", pa.string(), nullable=False),
        pa.field("created_at", TS),
        pa.field("text", pa.string()),
        pa.field("platform", pa.string()),  # the post's and its account's
    ]
)

PAIRS_SCHEMA = pa.schema(
    [
        pa.field("rank", pa.int64(), nullable=False),  # 1 = strongest (smallest p-value)
        pa.field("account_id_a", pa.string(), nullable=False),
        pa.field("account_id_b", pa.string(), nullable=False),
        pa.field("kinds", STR_LIST),  # every signal that kept the pair
        pa.field("kind", pa.string()),  # the signal whose test is reported below
        pa.field("window_s", pa.float64()),  # the time scale that test was run at
        pa.field("observed", pa.int64()),  # co-actions seen (that signal)
        pa.field("expected", pa.float64()),  # co-actions expected by chance (that signal)
        pa.field("p_value", pa.float64()),  # uncorrected; it passed the family's correction
        pa.field("n_coactions", pa.int64()),  # co-actions over all signals, once per post
        pa.field("weight", pa.float64()),
        pa.field("first_seen", TS),
        pa.field("last_seen", TS),
        pa.field("post_ids", STR_LIST),  # evidence: the earliest posts of both accounts
        pa.field("objects", STR_LIST),  # the objects they co-acted on most
        pa.field("group_id_a", pa.string()),  # null when the account is in no group
        pa.field("group_id_b", pa.string()),
        pa.field("handle_a", pa.string()),
        pa.field("handle_b", pa.string()),
        pa.field("platform_a", pa.string()),
        pa.field("platform_b", pa.string()),
    ]
)
"""Every tie that passed chance control but lies inside no single group (``pairs.parquet``):
evidence is never hidden because a tie did not make a group."""


def name_pair_accounts(rows: list[dict[str, Any]]) -> None:
    """Set ``name_a`` and ``name_b`` on each ``pairs.parquet`` row shown together: the
    account's ``platform:id`` when the rows' accounts are of several platforms (a tie across
    platforms, or one id on two platforms, reads as such), its id alone otherwise. The one
    rule the report and the workbench's ties tables follow."""
    several = len({r.get(f"platform_{s}") for r in rows for s in "ab"} - {None}) > 1
    for r in rows:
        for s in "ab":
            plat, acc = r.get(f"platform_{s}"), r.get(f"account_id_{s}")
            r[f"name_{s}"] = f"{plat}:{acc}" if several and plat else acc


class AccountKeys:
    """How a group's pictures name its accounts: ``platform:id`` when its members are of
    several platforms (one id may then be two members, drawn as two nodes), the id alone
    otherwise, as ``name_pair_accounts`` names a table's ties. The report's network and the
    workbench's draw their nodes and edges with it; each keyed nodes by id, so the two
    members of one id on two platforms were one node holding both's ties."""

    def __init__(self, members: list[dict[str, Any]]) -> None:
        self.several = len({m.get("platform") for m in members} - {None}) > 1
        self._by_id: dict[str, list[str]] = {}
        for m in members:
            self._by_id.setdefault(m["account_id"], []).append(self.member(m))

    def of(self, platform: str | None, account_id: str) -> str:
        """The name of ``account_id`` on ``platform``."""
        return f"{platform}:{account_id}" if self.several and platform else account_id

    def member(self, m: dict[str, Any]) -> str:
        """The name of a ``members.parquet`` row."""
        return self.of(m.get("platform"), m["account_id"])

    def edge(self, e: dict[str, Any], side: str) -> str:
        """The name of an ``edges.parquet`` row's ``source`` or ``target``: by the row's own
        platform, else (Findings written before the edges carried one) by the member of
        that id when the group holds one."""
        account = e[side]
        platform = e.get(f"{side}_platform")
        if platform is not None:
            return self.of(platform, account)
        names = self._by_id.get(account, [])
        return names[0] if len(names) == 1 else account


GROUP_OBJECTS_SCHEMA = pa.schema(
    [
        pa.field("group_id", pa.string()),
        pa.field("kind", pa.string()),  # the detector: co_link, co_hashtag, copypasta …
        pa.field("object", pa.string()),  # the URL, hashtag, post id or text shared
        pa.field("n_members", pa.int64()),  # members of the group who acted on it
        pa.field("group_posts", pa.int64()),  # their posts on it
        pa.field("reach_posts", pa.int64()),  # every post on it in the Dataset
        pa.field("reach_accounts", pa.int64()),  # every account that acted on it
        pa.field("first_seen", TS),
        pa.field("last_seen", TS),
    ]
)
"""Every object two or more members of a group acted on, with its reach in the whole Dataset
(``group_objects.parquet``, and its CSV for spreadsheets): what the workbench's group page
shows as the group's objects."""

FINDINGS_READ: dict[str, set[str]] = {
    "groups": set(),
    "members": {"n_posts"},
    "edges": set(),
    "evidence": {"object", "created_at", "text"},
    "pairs": set(),
}
"""Columns a Findings table may hold null but not lack: the commands read them (the report,
the exports) with no fallback. The others may be missing from a hand-made table."""

FINDINGS_TABLES = {
    "groups": GROUPS_SCHEMA,
    "members": MEMBERS_SCHEMA,
    "edges": EDGES_SCHEMA,
    "evidence": EVIDENCE_SCHEMA,
    "pairs": PAIRS_SCHEMA,
}


def empty_table(schema: pa.Schema) -> pa.Table:
    """An empty table of ``schema`` (handy to write a valid but empty output).

    Built from empty arrays, not ``schema.empty_table()``: pyarrow's own imports pandas
    (0.5 s), the largest part of ``vigie detect``'s start-up on an empty Dataset."""
    return pa.Table.from_batches(
        [pa.RecordBatch.from_arrays([pa.nulls(0, f.type) for f in schema], schema=schema)]
    )


def conform(table: pa.Table, schema: pa.Schema) -> pa.Table:
    """Reorder, add missing (null) columns and cast ``table`` to ``schema``."""
    if table.schema.equals(schema):  # nothing to do (and casting would load pyarrow.compute)
        return table
    cols = []
    for field in schema:
        if field.name in table.column_names:
            cols.append(table.column(field.name).cast(field.type))
        else:
            cols.append(pa.nulls(table.num_rows, type=field.type))
    return pa.Table.from_arrays(cols, schema=schema)


def read_json(path: Path) -> dict[str, Any]:
    """Read a JSON file, turning a missing or corrupt file into a clear error."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise VigieError(f"{path}: not found") from exc
    except UNREADABLE as exc:  # JSONDecodeError, an integer too long for Python, too deep
        raise VigieError(f"{path}: not valid JSON ({why(exc)})") from None


def recover_folder(path: Path, what: str) -> None:
    """Put back a folder that a crash between the two renames of its swap left aside."""
    from vigie.atomic import recover

    recover(path, what)


def check_parquet(path: Path, schema: pa.Schema, optional: tuple[str, ...] = ()) -> pq.FileMetaData:
    """One clear line if ``path`` is not a readable Parquet file with ``schema``'s columns;
    its footer (``check_no_nulls`` reads its statistics, without opening the file again).

    Why read the footer up front: a truncated or foreign file otherwise fails deep inside
    DuckDB or Arrow with a message that names neither the file nor the fix.
    """
    try:
        with pq.ParquetFile(path) as pf:  # what pq.read_schema reads, and the footer
            got, meta = pf.schema_arrow, pf.metadata
    except (OSError, pa.ArrowException) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise VigieError(
            f"{path}: cannot be read (Could not open it as Parquet: {first}); truncated or "
            "not a Parquet file? re-create it with the command that wrote it"
        ) from exc
    missing = [f.name for f in schema if f.name not in got.names and f.name not in optional]
    if missing:
        raise VigieError(
            f"{path}: lacks a column of a vigie table ({', '.join(missing)}): a foreign "
            "Parquet file? re-create it with the command that wrote it"
        )
    for want in schema:
        if want.name not in got.names:
            continue
        have = got.field(want.name).type
        if _type_family(have) != _type_family(want.type) and not pa.types.is_null(have):
            raise VigieError(
                f"{path}: column '{want.name}' holds {have}, not {want.type} as a vigie table "
                "does: edited by another tool? re-create it with the command that wrote it"
            )
    return meta


def check_no_nulls(path: Path, schema: pa.Schema, meta: pq.FileMetaData) -> None:
    """One clear line when a column ``schema`` declares never null holds nulls (or is of the
    null type), from the Parquet footer's statistics (``meta``, as ``check_parquet`` returns
    it: no data read, and the file not opened again).

    Why: a hand-edited or foreign Findings table with a null account id or evidence kind
    passed the column checks and failed deep in the report, the exports or the scoring
    with a traceback (found by a fuzz of the Findings tables)."""
    arrow = meta.schema.to_arrow_schema()
    # a column chunk by its path: leaf names alone repeat (every list's leaf is "element")
    chunk = {meta.schema.column(i).path: i for i in range(meta.num_columns)}
    for f in schema:
        if f.nullable or f.name not in chunk:
            continue
        if meta.num_rows and pa.types.is_null(arrow.field(f.name).type):
            nulls = meta.num_rows
        else:
            nulls = 0
            for rg in range(meta.num_row_groups):
                stats = meta.row_group(rg).column(chunk[f.name]).statistics
                if stats is not None and stats.has_null_count:
                    nulls += stats.null_count
        if nulls:
            raise VigieError(
                f"{path}: column '{f.name}' holds {nulls:,} null value(s), where a vigie table "
                "holds none: edited by another tool? re-create it with the command that wrote it"
            )


def _type_family(t: pa.DataType) -> str:
    """The kind of value a column holds, ignoring width, unit, zone and encoding.

    Why: a column of the right name but the wrong kind (ids as integers, times as text)
    passed the name check and failed later inside DuckDB or Arrow with a message naming
    neither the file nor the column; widths, time units and dictionary encoding are cast
    without loss, so they are not refused.
    """
    if pa.types.is_dictionary(t):
        return _type_family(t.value_type)
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        return "text"
    if pa.types.is_integer(t) or pa.types.is_floating(t) or pa.types.is_decimal(t):
        return "number"
    if pa.types.is_timestamp(t) or pa.types.is_date(t):
        return "time"
    if pa.types.is_boolean(t):
        return "bool"
    if pa.types.is_list(t) or pa.types.is_large_list(t):
        return "list of " + (
            "null" if pa.types.is_null(t.value_type) else _type_family(t.value_type)
        )
    return str(t)


def write_json(path: Path, data: dict[str, Any]) -> None:
    """Write JSON atomically, keys sorted so that outputs are byte-reproducible.

    A value UTF-8 cannot store (a source file whose name is Latin-1 bytes reaches Python as
    lone surrogates) is written with ASCII escapes, which read back as the same string; it
    crashed the write, after the whole ingest."""
    text = json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False, default=str)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = json.dumps(data, indent=2, sort_keys=True, ensure_ascii=True, default=str)
    with atomic_file(path) as fh:
        fh.write(text + "\n")


@dataclass(frozen=True)
class Dataset:
    """Handle on a Dataset folder (posts, accounts, manifest, rejected records)."""

    path: Path

    KIND = "dataset"

    def __post_init__(self) -> None:
        object.__setattr__(self, "path", Path(self.path))

    @property
    def posts_path(self) -> Path:
        return self.path / "posts.parquet"

    @property
    def accounts_path(self) -> Path:
        return self.path / "accounts.parquet"

    @property
    def manifest_path(self) -> Path:
        return self.path / "manifest.json"

    @property
    def rejected_path(self) -> Path:
        return self.path / "rejected.jsonl"

    def exists(self) -> bool:
        return self.manifest_path.exists() and self.posts_path.exists()

    def check(self) -> Dataset:
        """Raise a clear error unless this is a readable Dataset folder."""
        if not self.path.exists():
            recover_folder(self.path, "Dataset")
        if not self.path.is_dir():
            raise VigieError(f"{self.path}: no such Dataset folder")
        if not self.manifest_path.exists():
            raise VigieError(f"{self.path}: not a vigie Dataset (manifest.json is missing)")
        # the manifest must be a JSON object, and not another folder's (Findings passed where
        # a Dataset is expected); a hand-made one without ``kind`` is accepted
        manifest = read_json(self.manifest_path)
        kind = manifest.get("kind", self.KIND) if isinstance(manifest, dict) else None
        if kind == "findings":  # a run's folder given where its Dataset was meant
            came = manifest.get("dataset")
            came = f"; this run's was {came}" if isinstance(came, str) and came else ""
            raise VigieError(
                f"{self.path}: this is a Findings folder, not a Dataset (a Dataset is what "
                f"`vigie ingest` or `vigie generate` writes{came})"
            )
        if not self.posts_path.exists():
            raise VigieError(f"{self.path}: not a vigie Dataset (posts.parquet is missing)")
        if kind != self.KIND:
            what = f"kind is {kind!r}" if isinstance(manifest, dict) else "not a JSON object"
            raise VigieError(
                f"{self.path}: not a vigie Dataset (its manifest.json: {what}); "
                "a Dataset is what `vigie ingest` or `vigie generate` writes"
            )
        check_parquet(self.posts_path, POSTS_SCHEMA, OPTIONAL_POSTS_COLUMNS)
        if self.accounts_path.exists():
            check_parquet(self.accounts_path, ACCOUNTS_SCHEMA)
        return self

    def manifest(self) -> dict[str, Any]:
        return read_json(self.manifest_path)

    def posts(self, columns: list[str] | None = None) -> pa.Table:
        have = pq.read_schema(self.posts_path).names
        absent = [
            c for c in OPTIONAL_POSTS_COLUMNS if c not in have and (columns is None or c in columns)
        ]
        if not absent:
            return pq.read_table(self.posts_path, columns=columns)
        # a Dataset written before an optional column existed: it reads as null
        table = pq.read_table(self.posts_path, columns=[c for c in columns or have if c in have])
        for name in absent:
            fld = POSTS_SCHEMA.field(name)
            table = table.append_column(fld, pa.nulls(table.num_rows, fld.type))
        return table.select(columns) if columns is not None else table

    def accounts(self) -> pa.Table:
        if not self.accounts_path.exists():
            return empty_table(ACCOUNTS_SCHEMA)
        return pq.read_table(self.accounts_path)


@dataclass(frozen=True)
class Findings:
    """Handle on a Findings folder written by ``vigie detect``.

    ``manifest.json`` (written by ``write_findings``) carries::

        {"kind": "findings", "schema_version": "1.0", "vigie_version": ...,
         "dataset": "<path>", "config": {...},            # what was run, on what
         "counts": {"groups": n, "members": n, "edges": n, "evidence": n},
         "signals": {"co_link": {"window_s": 60, "pairs": n, "kept": n}, ...},
         "skipped": {"<reason>": n},                       # nothing dropped silently
         "techniques": {"T0049.003": {"groups": ["g0001", ...], "accounts": n,
                                       "max_score": 0.97}, ...}}

    ``techniques`` (observed DISARM ids -> the groups enacting them) is the interface that
    ``vigie risk evidence`` and the sharing exports read.
    """

    path: Path

    KIND = "findings"

    def __post_init__(self) -> None:
        object.__setattr__(self, "path", Path(self.path))

    @property
    def manifest_path(self) -> Path:
        return self.path / "manifest.json"

    def table_path(self, name: str) -> Path:
        if name not in FINDINGS_TABLES:
            raise KeyError(name)
        return self.path / f"{name}.parquet"

    def check(self) -> Findings:
        """Raise a clear error unless this is a Findings folder.

        Why the manifest's ``kind`` is read: a Dataset folder has a ``manifest.json`` too,
        and taking one for Findings would export or score an empty set of groups without a
        word. A manifest without ``kind`` (written by hand) is accepted only beside a
        ``groups.parquet``.
        """
        if not self.path.exists():
            recover_folder(self.path, "Findings folder")
        if not self.path.is_dir():
            raise VigieError(f"{self.path}: no such Findings folder")
        if not self.manifest_path.exists():
            raise VigieError(f"{self.path}: not a vigie Findings folder (manifest.json missing)")
        manifest = read_json(self.manifest_path)
        kind = manifest.get("kind") if isinstance(manifest, dict) else None
        if kind == self.KIND:
            _check_manifest_types(self.manifest_path, manifest)
            # readable, and keyed like ours (hand-made Findings may carry fewer columns)
            for name, schema in FINDINGS_TABLES.items():
                if self.table_path(name).exists():
                    needed = {f.name for f in schema if not f.nullable} | FINDINGS_READ[name]
                    optional = tuple(n for n in schema.names if n not in needed)
                    meta = check_parquet(self.table_path(name), schema, optional)
                    check_no_nulls(self.table_path(name), schema, meta)
            return self
        if kind == Dataset.KIND:
            raise VigieError(
                f"{self.path}: this is a Dataset, not a Findings folder (run vigie detect first)"
            )
        if kind is None and isinstance(manifest, dict) and self.table_path("groups").exists():
            return self
        what = f"kind {kind!r}" if kind is not None else "no 'kind'"
        raise VigieError(
            f"{self.path}: not a vigie Findings folder ({self.manifest_path.name} has {what}, "
            f"expected {self.KIND!r})"
        )

    def manifest(self) -> dict[str, Any]:
        return read_json(self.manifest_path)

    def table(self, name: str) -> pa.Table:
        p = self.table_path(name)
        if not p.exists():
            return empty_table(FINDINGS_TABLES[name])
        return pq.read_table(p)

    def groups(self) -> pa.Table:
        return self.table("groups")

    def members(self) -> pa.Table:
        return self.table("members")

    def edges(self) -> pa.Table:
        return self.table("edges")

    def evidence(self) -> pa.Table:
        return self.table("evidence")

    def pairs(self) -> pa.Table:
        """Ties kept by chance control outside any single group (empty for older runs)."""
        return self.table("pairs")


FINDINGS_MANIFEST_TYPES: dict[str, type] = {
    "schema_version": str,
    "vigie_version": str,
    "dataset": str,
    "counts": dict,
    "signals": dict,
    "skipped": dict,
    "config": dict,
    "techniques": dict,
    "diagnosis": dict,
    "graph": dict,
}
"""The Findings manifest's keys that commands read, and what each must hold."""


def recorded_dataset(
    findings: Path, recorded: object, *roots: Path, holding: str = "posts.parquet"
) -> Path | None:
    """The Dataset folder a Findings manifest names (``recorded``), or None when none holds
    ``holding`` (the file the caller reads) any more.

    Why these places: ``vigie detect`` writes the Dataset as it was typed, relative to the
    folder it ran in. That is the working folder when the same person reads the run next,
    else the folder beside the Findings (``detect ds --out f``), else the one above it: a
    workspace's run is ``runs/<id>/`` and its Dataset ``datasets/NAME`` from the workspace's
    root, where the default detect runs. ``roots``: other folders a reader knows (the
    workbench's workspace). The report's timelines, the shared accounts, the reviewed copy
    and score's truth each looked in one or two of these, so a run read from anywhere but
    the workspace's root lost its Dataset."""
    if not isinstance(recorded, str) or not recorded:
        return None
    findings = Path(findings)
    bases = (Path(), *roots, findings.parent, findings.parent.parent)
    for base in bases:
        if (base / recorded / holding).is_file():
            return base / recorded
    return None


def _check_manifest_types(path: Path, manifest: dict[str, Any]) -> None:
    """One clear line when a key the commands read holds the wrong kind of JSON value.

    Why: a hand-edited manifest with ``"counts": 5`` or ``"signals": "x"`` failed deep in
    the report or the exports with an ``AttributeError`` traceback; the key is named here.
    """
    for key, want in FINDINGS_MANIFEST_TYPES.items():
        value = manifest.get(key)
        if value is not None and not isinstance(value, want):
            if key == "techniques":  # worded as vigie risk evidence, which reads it most
                raise VigieError(
                    f"{path}: techniques must be an object mapping DISARM ids to their groups"
                )
            what = "an object" if want is dict else "a string"
            raise VigieError(
                f"{path}: key '{key}' must be {what}, not {json.dumps(value)[:60]}: edited by "
                "hand? re-create the Findings with vigie detect"
            )


def base_manifest(kind: str, **extra: Any) -> dict[str, Any]:
    """The fields every manifest starts with (no wall-clock time: outputs stay reproducible;
    callers that want one add it explicitly)."""
    m: dict[str, Any] = {
        "kind": kind,
        "schema_version": SCHEMA_VERSION,
        "vigie_version": __version__,
    }
    m.update(extra)
    return m


def write_table(table: pa.Table, path: Path, schema: pa.Schema | None = None) -> None:
    """Write a Parquet file (zstd), conformed to ``schema`` when given. Caller ensures
    atomicity (usually by writing inside an ``atomic_dir``)."""
    if schema is not None:
        table = conform(table, schema)
    pq.write_table(table, path, compression="zstd")


def _rows_to_table(rows: pa.Table | list[dict[str, Any]], schema: pa.Schema) -> pa.Table:
    if isinstance(rows, pa.Table):
        return conform(rows, schema)
    return conform(pa.Table.from_pylist(rows, schema=schema), schema)


def techniques_index(groups: pa.Table, members: pa.Table) -> dict[str, dict[str, Any]]:
    """For each DISARM id observed in ``groups.techniques``: the groups enacting it, how many
    distinct accounts they hold and the highest group score. This is the interface that
    ``vigie risk evidence`` and the sharing exports read from ``manifest.json``."""
    members_by_group: dict[str, set[str]] = {}
    for g, a in zip(
        members.column("group_id").to_pylist(),
        members.column("account_id").to_pylist(),
        strict=True,
    ):
        members_by_group.setdefault(g, set()).add(a)
    index: dict[str, dict[str, Any]] = {}
    for g, score, techs in zip(
        groups.column("group_id").to_pylist(),
        groups.column("score").to_pylist(),
        groups.column("techniques").to_pylist(),
        strict=True,
    ):
        for t in techs or []:
            entry = index.setdefault(t, {"groups": [], "accounts": set(), "max_score": 0.0})
            entry["groups"].append(g)
            entry["accounts"] |= members_by_group.get(g, set())
            entry["max_score"] = max(entry["max_score"], float(score))
    return {
        t: {
            "groups": sorted(e["groups"]),
            "accounts": len(e["accounts"]),
            "max_score": round(e["max_score"], 6),
        }
        for t, e in sorted(index.items())
    }


def write_findings(
    path: str | Path,
    *,
    groups: pa.Table | list[dict[str, Any]],
    members: pa.Table | list[dict[str, Any]],
    edges: pa.Table | list[dict[str, Any]],
    evidence: pa.Table | list[dict[str, Any]],
    summary: dict[str, Any] | None = None,
    manifest: dict[str, Any] | None = None,
    extra_files: dict[str, bytes | str | Any] | None = None,
    pairs: pa.Table | list[dict[str, Any]] | None = None,
) -> Findings:
    """Write a complete Findings folder atomically and return its handle.

    The manifest gets ``counts`` (rows per table), ``techniques`` (see ``techniques_index``)
    and whatever the caller adds (``dataset``, ``config``, ``signals``, ``skipped`` …).
    ``extra_files`` (e.g. ``graph.gexf``, CSVs) are written inside the same atomic folder;
    a value may also be a callable that writes the file at the path it is given (a large
    export streamed to disk, never held whole in memory).
    """
    from vigie.atomic import atomic_dir

    tables = {
        "groups": _rows_to_table(groups, GROUPS_SCHEMA),
        "members": _rows_to_table(members, MEMBERS_SCHEMA),
        "edges": _rows_to_table(edges, EDGES_SCHEMA),
        "evidence": _rows_to_table(evidence, EVIDENCE_SCHEMA),
    }
    if pairs is not None:  # written by vigie detect; other writers keep their four tables
        tables["pairs"] = _rows_to_table(pairs, PAIRS_SCHEMA)
    m = base_manifest(Findings.KIND)
    m.update(manifest or {})
    m["counts"] = {name: t.num_rows for name, t in tables.items()}
    m["techniques"] = techniques_index(tables["groups"], tables["members"])
    with atomic_dir(path, "Findings folder", kind=Findings.KIND) as tmp:
        for name, t in tables.items():
            pq.write_table(t, tmp / f"{name}.parquet", compression="zstd")
        write_json(tmp / "summary.json", summary or {})
        write_json(tmp / "manifest.json", m)
        for fname, content in (extra_files or {}).items():
            if callable(content):
                content(tmp / fname)
                continue
            mode = "wb" if isinstance(content, bytes) else "w"
            with open(tmp / fname, mode, **({} if mode == "wb" else {"encoding": "utf-8"})) as fh:
                fh.write(content)
    return Findings(Path(path))
