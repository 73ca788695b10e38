"""A Findings folder as it may be shown to one partner: the policy's redactions, applied once.

Why a separate step: the STIX and the MISP exports must leak exactly the same things to the
same partner. Both read this *view* rather than the raw Findings, so a redaction decided by
``vigie.share.policy`` is applied in one place and cannot be forgotten by one exporter.

What goes in a view (per group): score, size, signals, time span, DISARM techniques, the
accounts (with handles when a Dataset is at hand and the form allows), the URLs the group
shared, a sample of evidence posts, and analyst notes. What each form keeps:

- ``full``: everything;
- ``redacted``: private analyst notes dropped;
- ``hashed``: account ids and URLs replaced by SHA-256 hashes (``policy.hash_account``,
  ``policy.hash_value``),
  handles/display names, the group's free-text summary and top objects, evidence posts and
  private notes dropped.

Analyst notes come from an optional ``notes.json`` in the Findings folder, a list of
``{"text": …, "group_id": "g0001" (optional), "private": true (default), "author": …}``;
``private: false`` marks a note the analyst wrote for partners.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from vigie.atomic import atomic_file, check_overwrite
from vigie.errors import InputError, VigieError
from vigie.schema import Dataset, Findings, read_json, recorded_dataset
from vigie.share.partners import Partner
from vigie.share.policy import (
    HANDLE_REMOVED,
    Decision,
    Form,
    Redaction,
    decide,
    hash_account,
    hash_value,
    scrub_text,
)
from vigie.share.tlp import TLP

DEFAULT_FINDINGS_TLP = TLP.AMBER
"""The marking of a Findings folder whose manifest sets none: it names accounts, so it is
not for the community at large until an analyst says so."""

EVIDENCE_SAMPLE = 10
"""Evidence posts quoted per group (the full evidence stays in the Findings folder)."""


@dataclass(frozen=True)
class SharedAccount:
    """An account as the partner may see it (``user_id`` is a hash in the hashed form)."""

    platform: str
    user_id: str
    handle: str | None = None
    display_name: str | None = None
    hashed: bool = False


@dataclass(frozen=True)
class SharedURL:
    """A URL the group shared: its value, or only its SHA-256 in the hashed form."""

    value: str | None
    sha256: str | None = None


@dataclass(frozen=True)
class SharedPost:
    post_id: str
    account: str
    created_at: datetime | None
    kind: str
    text: str | None
    handle: str | None = None


@dataclass(frozen=True)
class Note:
    text: str
    group_id: str | None = None
    private: bool = True
    author: str | None = None


@dataclass
class SharedGroup:
    group_id: str
    score: float
    n_members: int
    n_posts: int | None
    signals: list[str]
    first_seen: datetime | None
    last_seen: datetime | None
    techniques: list[str]
    summary: str | None
    top_objects: list[str]
    accounts: list[SharedAccount] = field(default_factory=list)
    urls: list[SharedURL] = field(default_factory=list)
    evidence: list[SharedPost] = field(default_factory=list)
    n_evidence: int = 0


@dataclass
class ShareView:
    """Everything an exporter may put in front of the partner, already redacted."""

    key: str  # stable fingerprint of the Findings folder (for deterministic STIX ids)
    tlp: TLP
    form: Form
    decision: Decision | None
    groups: list[SharedGroup]
    notes: list[Note]
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def hashed(self) -> bool:
        return self.form is Form.HASHED


def describe_group(g: SharedGroup) -> str:
    """What a group did, in words a partner can share: evidence only, no attribution."""
    signals = ", ".join(g.signals) or "no recorded signal"
    parts = [
        f"{g.n_members} accounts acting in coordination ({signals}); "
        f"coordination score {g.score:.2f}.",
        "This describes observed behaviour only: no attribution is claimed.",
    ]
    if g.summary:
        parts.insert(0, g.summary)
    return " ".join(parts)


def red_recipients_line(view: ShareView) -> str | None:
    """For a TLP:RED view, the sentence naming the individuals the policy let it reach
    (``None`` otherwise). STIX and MISP both carry it, so a RED export always says who may
    read it, whatever its format."""
    d = view.decision
    if view.tlp is TLP.RED and d is not None and d.recipients:
        return "TLP:RED, for the eyes of: " + ", ".join(d.recipients) + " only."
    return None


def findings_tlp(findings: Findings) -> TLP | None:
    """The marking an analyst set in the Findings manifest (key ``tlp``), if any."""
    raw = findings.manifest().get("tlp")
    if raw is None:
        return None
    try:
        return TLP.parse(str(raw))
    except VigieError as exc:
        raise InputError(str(exc), file=str(findings.manifest_path), field="tlp") from None


def choose_tlp(findings: Findings, tlp: TLP | str | None) -> TLP:
    """The export's marking: ``tlp`` if given, else the manifest's, else AMBER. Marking below
    the manifest's own level is refused (a downgrade must be made in the Findings)."""
    own = findings_tlp(findings)
    if tlp is None:
        return own if own is not None else DEFAULT_FINDINGS_TLP
    chosen = TLP.parse(tlp)
    if own is not None and chosen < own:
        raise VigieError(
            f"{findings.path}: marked {own.label}; exporting it as {chosen.label} would "
            "downgrade it (change 'tlp' in its manifest.json if that is intended)"
        )
    return chosen


def read_notes(findings: Findings) -> list[Note]:
    """Analyst notes from ``notes.json`` (absent: none), validated record by record."""
    path = findings.path / "notes.json"
    if not path.exists():
        return []
    data: Any = read_json(path)
    if not isinstance(data, list):
        raise InputError("expected a list of notes", file=str(path))
    notes = []
    for i, rec in enumerate(data):
        if not isinstance(rec, dict):
            raise InputError("expected an object", file=str(path), record=i)
        text = rec.get("text")
        if not isinstance(text, str) or not text.strip():
            raise InputError("missing or empty", file=str(path), record=i, field="text")
        private = rec.get("private", True)
        if not isinstance(private, bool):
            raise InputError(
                f"{private!r} is not true/false", file=str(path), record=i, field="private"
            )
        gid = rec.get("group_id")
        author = rec.get("author")
        notes.append(
            Note(text.strip(), str(gid) if gid else None, private, str(author) if author else None)
        )
    return notes


def _fingerprint(findings: Findings) -> str:
    return hashlib.sha256(findings.manifest_path.read_bytes()).hexdigest()[:32]


def _dataset_accounts(findings: Findings) -> Path | None:
    """The accounts table of the Dataset the Findings came from, when at hand (a relative
    ``dataset`` path is tried from the working folder, then beside the Findings folder)."""
    ds = recorded_dataset(
        findings.path, findings.manifest().get("dataset"), holding="accounts.parquet"
    )
    return Dataset(ds).accounts_path if ds is not None else None


def _handles(findings: Findings) -> dict[tuple[str, str], tuple[str | None, str | None]]:
    """Handles and display names of the group members only (a semi-join in DuckDB, so a
    10M-account Dataset is never loaded whole)."""
    accounts = _dataset_accounts(findings)
    members = findings.table_path("members")
    if accounts is None or not members.exists():
        return {}
    import duckdb

    rows = (
        duckdb.connect()
        .execute(
            "SELECT a.platform, a.account_id, a.handle, a.display_name "
            "FROM read_parquet(?) a SEMI JOIN read_parquet(?) m "
            "ON a.account_id = m.account_id AND a.platform IS NOT DISTINCT FROM m.platform",
            [str(accounts), str(members)],
        )
        .fetchall()
    )
    return {(p, a): (h, d) for p, a, h, d in rows}


def _evidence_digest(
    findings: Findings, sample: int
) -> tuple[dict[str, list[dict[str, Any]]], dict[str, int], dict[str, set[str]]]:
    """Per group: the first ``sample`` evidence rows (by time, then post id), the number of
    evidence rows, and the distinct URLs — computed in DuckDB, not by loading the table."""
    path = findings.table_path("evidence")
    if not path.exists():
        return {}, {}, {}
    import duckdb

    con = duckdb.connect()
    src = f"read_parquet('{str(path).replace(chr(39), chr(39) * 2)}')"
    cols = ["group_id", "kind", "object", "post_id", "account_id", "created_at", "text"]
    # each row's own platform where detection wrote it (one id may be on two platforms)
    have = {r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {src}").fetchall()}
    picked = [*cols, "platform" if "platform" in have else "NULL::VARCHAR AS platform"]
    cols.append("platform")
    rows = con.execute(
        f"SELECT {', '.join(picked)} FROM (SELECT *, row_number() OVER (PARTITION BY group_id "
        f"ORDER BY created_at NULLS LAST, post_id) AS rn FROM {src}) WHERE rn <= ? "
        "ORDER BY group_id, rn",
        [sample],
    ).fetchall()
    samples: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        samples.setdefault(r[0], []).append(dict(zip(cols, r, strict=True)))
    totals = dict(con.execute(f"SELECT group_id, count(*) FROM {src} GROUP BY 1").fetchall())
    urls: dict[str, set[str]] = {}
    # co-link objects are canonical URLs, stored without their scheme (the house form)
    for gid, obj in con.execute(
        f"SELECT DISTINCT group_id, object FROM {src} WHERE object IS NOT NULL AND "
        "(kind = 'co_link' OR object LIKE 'http://%' OR object LIKE 'https://%')"
    ).fetchall():
        urls.setdefault(gid, set()).add(full_url(obj))
    return samples, totals, urls


def _is_url(value: str | None) -> bool:
    return bool(value) and str(value).startswith(("http://", "https://"))


def full_url(value: str) -> str:
    """A URL with a scheme, as STIX ``url`` objects and MISP ``url`` attributes require.

    Ingest stores URLs canonically without their scheme (``example.org/a``, so that the http
    and https copies of a link are one object); for sharing they are written ``https://…``,
    the scheme nearly every link on today's platforms has. A URL that kept its scheme is
    left as it is.
    """
    return value if "://" in value[:12] else f"https://{value}"


_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*")
_LONE_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_PCHAR = "-._~!$&'()*+,;=:@%"  # RFC 3986 unreserved, sub-delims, ':', '@', and escapes


def as_uri(url: str) -> str:
    """``url`` as an RFC 3986 URI, which a STIX ``url`` object's value must be.

    Why: links are read out of posts as people wrote them, so a shared link may hold
    characters a URI may not (a host in another script, ``{``, ``[``, a space-like
    character, a second ``#``, a ``%`` that escapes nothing), and one such link made the
    validator refuse the whole bundle. Each part gets the characters its grammar allows and
    the rest is %-escaped as UTF-8 (the mapping of RFC 3987 from an IRI to a URI; a host
    escaped so is a valid ``reg-name``); a URI already valid is returned unchanged, so the
    links of every usual post keep their value, and their hashes."""
    scheme, sep, rest = url.partition("://")
    if not sep or not _SCHEME.fullmatch(scheme):
        scheme, rest = "https", url
    rest = _LONE_PERCENT.sub("%25", rest)
    cut = next((i for i, c in enumerate(rest) if c in "/?#"), len(rest))
    authority, tail = rest[:cut], rest[cut:]
    userinfo, at, hostport = authority.rpartition("@")
    host, colon, port = hostport.rpartition(":")
    if not colon or not port.isascii() or not port.isdigit():
        host, colon, port = hostport, "", ""
    head, hash_, fragment = tail.partition("#")
    return (
        f"{scheme}://"
        + (quote(userinfo, safe=_PCHAR.replace("@", "")) + at if at else "")
        + quote(host, safe=_PCHAR.replace("@", "").replace(":", ""))
        + colon
        + port
        + quote(head, safe=_PCHAR + "/?")
        + (hash_ + quote(fragment, safe=_PCHAR + "/?") if hash_ else "")
    )


def prepare(
    findings: Findings | str | Path,
    *,
    tlp: TLP | str | None = None,
    partner: Partner | None = None,
    recipient: str | None = None,
    salt: bytes | str | None = None,
    internal: bool | None = None,
) -> ShareView:
    """Build the view of ``findings`` that ``partner`` may receive.

    ``partner=None`` means an internal export (our own archive), in full form; pass
    ``internal=False`` to treat ``None`` as an unregistered recipient instead. A denied
    decision raises ``VigieError`` with the policy's reasons.
    """
    f = findings if isinstance(findings, Findings) else Findings(Path(findings))
    f.check()
    level = choose_tlp(f, tlp)
    if internal is None:
        internal = partner is None
    decision: Decision | None = None
    if internal:
        form = Form.FULL
    else:
        decision = decide(partner, level, recipient=recipient)
        if not decision.allowed:
            raise VigieError(f"{decision.summary()} — " + "; ".join(decision.reasons))
        form = decision.form
    steps = set(decision.redactions) if decision else set()
    hashed = Redaction.HASH_INDICATORS.value in steps
    drop_handles = Redaction.DROP_PRIVATE_HANDLES.value in steps
    drop_posts = Redaction.DROP_POST_TEXTS.value in steps
    drop_private = Redaction.DROP_PRIVATE_NOTES.value in steps

    handles = {} if drop_handles else _handles(f)
    members_by_group: dict[str, list[dict[str, Any]]] = {}
    for m in f.members().to_pylist():
        members_by_group.setdefault(m["group_id"], []).append(m)
    samples, totals, evidence_urls = _evidence_digest(f, EVIDENCE_SAMPLE)
    platform_of = {
        (m["group_id"], m["account_id"]): m["platform"]
        for ms in members_by_group.values()
        for m in ms
    }

    def account_ref(platform: str, account_id: str) -> str:
        return hash_account(platform, account_id, salt) if hashed else account_id

    groups: list[SharedGroup] = []
    counts = {"groups": 0, "accounts": 0, "urls": 0, "evidence_quoted": 0, "evidence_total": 0}
    for g in f.groups().to_pylist():
        gid = g["group_id"]
        sg = SharedGroup(
            group_id=gid,
            score=float(g["score"]),
            n_members=int(g["n_members"]),
            n_posts=g["n_posts"],
            signals=list(g["signals"] or []),
            first_seen=g["first_seen"],
            last_seen=g["last_seen"],
            techniques=list(g["techniques"] or []),
            summary=None if hashed else g["summary"],
            top_objects=[] if hashed else list(g["top_objects"] or []),
        )
        for m in sorted(members_by_group.get(gid, []), key=lambda m: m["account_id"]):
            platform = m["platform"] or "unknown"
            handle, display = handles.get((m["platform"], m["account_id"]), (None, None))
            sg.accounts.append(
                SharedAccount(
                    platform=platform,
                    user_id=account_ref(platform, m["account_id"]),
                    handle=handle,
                    display_name=display,
                    hashed=hashed,
                )
            )
        urls = sorted(
            {
                as_uri(u)
                for u in evidence_urls.get(gid, set())
                | {o for o in (g["top_objects"] or []) if _is_url(o)}
            }
        )
        sg.urls = [
            SharedURL(None, hash_value(u, salt)) if hashed else SharedURL(u, None) for u in urls
        ]
        sg.n_evidence = int(totals.get(gid, 0))
        if not drop_posts:
            for e in samples.get(gid, []):
                platform = e["platform"] or platform_of.get((gid, e["account_id"])) or "unknown"
                handle = handles.get((platform, e["account_id"]), (None, None))[0]
                sg.evidence.append(
                    SharedPost(
                        post_id=e["post_id"],
                        account=account_ref(platform, e["account_id"]),
                        created_at=e["created_at"],
                        kind=e["kind"],
                        text=e["text"],
                        handle=handle,
                    )
                )
        groups.append(sg)
        counts["groups"] += 1
        counts["accounts"] += len(sg.accounts)
        counts["urls"] += len(sg.urls)
        counts["evidence_quoted"] += len(sg.evidence)
        counts["evidence_total"] += sg.n_evidence

    notes = read_notes(f)
    known = {g.group_id for g in groups}
    for i, n in enumerate(notes):
        if n.group_id is not None and n.group_id not in known:
            raise InputError(
                f"group {n.group_id!r} is not in the Findings",
                file=str(f.path / "notes.json"),
                record=i,
                field="group_id",
            )
    kept = [n for n in notes if not (drop_private and n.private)]
    if hashed:
        # the notes are the free text the hashed form keeps: they get the same treatment as
        # the structured fields (ids hashed the same way, handles removed, URLs hashed)
        known: dict[str, str] = {}
        for handle, display in _handles(f).values():
            for name in (handle, display):
                if name:
                    known[name] = HANDLE_REMOVED
                    known["@" + name] = HANDLE_REMOVED
        for (_gid, account_id), platform in platform_of.items():
            known[account_id] = f"sha256 {hash_account(platform or 'unknown', account_id, salt)}"
        for urls_of in evidence_urls.values():
            for u in urls_of:
                known[u] = f"sha256 {hash_value(u, salt)}"
        scrubbed = [
            Note(scrub_text(n.text, known, salt), n.group_id, n.private, n.author) for n in kept
        ]
        counts["notes_scrubbed"] = sum(
            a.text != b.text for a, b in zip(kept, scrubbed, strict=True)
        )
        kept = scrubbed
    counts["notes"] = len(kept)
    counts["notes_withheld"] = len(notes) - len(kept)
    return ShareView(
        key=_fingerprint(f),
        tlp=level,
        form=form,
        decision=decision,
        groups=groups,
        notes=kept,
        counts=counts,
    )


def start_export(
    findings: Findings | str | Path,
    *,
    tlp: TLP | str | None,
    partner: Partner | None,
    recipient: str | None,
    salt: bytes | str | None,
    now: datetime | None,
    step: Callable[[str], None] | None,
) -> tuple[ShareView, datetime, Callable[[str], None]]:
    """What every file export (STIX, MISP) begins with: the view ``partner`` may receive,
    the time the export is made (``now``, else this second, UTC) and the progress callback."""
    say = step or (lambda _msg: None)
    say("reading and redacting the Findings")
    view = prepare(findings, tlp=tlp, partner=partner, recipient=recipient, salt=salt)
    return view, now or datetime.now(UTC).replace(microsecond=0), say


def write_export(text: str, path: str | Path) -> Path:
    """Write an export's text atomically (a reader never sees half a file)."""
    p = Path(path)
    check_overwrite(p, "a JSON export", (".json",))
    with atomic_file(p) as fh:
        fh.write(text)
    return p
