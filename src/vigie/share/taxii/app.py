"""The TAXII 2.1 server: a FastAPI application over the store, the policy and the audit log.

Endpoints (TAXII 2.1, OASIS CS01, section 4–5), all behind HTTP Basic authentication:

- ``GET /taxii2/`` — discovery: the API roots *this partner* may see;
- ``GET /{root}/`` — API root information (versions, ``max_content_length``);
- ``GET /{root}/collections/`` and ``/{root}/collections/{id}/``;
- ``GET /{root}/collections/{id}/objects/`` — envelope of objects, filters ``match[type]``,
  ``match[id]``, ``match[version]`` (``last`` by default, ``first``, ``all`` or timestamps),
  ``match[spec_version]``, ``added_after``, paging with ``limit`` / ``next`` / ``more``, and
  the ``X-TAXII-Date-Added-First``/``-Last`` headers;
- ``POST /{root}/collections/{id}/objects/`` — add an envelope ``{"objects": [...]}``; answers
  a status resource (processed synchronously, so always ``complete``);
- ``GET /{root}/collections/{id}/objects/{object_id}/`` and ``…/versions/``;
- ``GET /{root}/collections/{id}/manifest/``; ``GET /{root}/status/{status_id}/``.

Decisions, in order, for every request: body size (413) → authentication (401, failures
rate-limited per client address) → rate limit per user (429 + ``Retry-After``) → content
negotiation (406/415) → visibility of root/collection (404, existence not revealed) → write
permission (403) → per-object policy (objects the partner may not receive are simply not in
its answers). Every object served or received, every refused object and every refused
authentication is written to the audit log.

Deliberately absent: ``DELETE`` of objects (the store, like the audit trail, only grows).
"""

from __future__ import annotations

import base64
import binascii
import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy import Select, and_, exists, func, or_, select, tuple_
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from vigie import __version__
from vigie.share.audit import AuditEntry, AuditLog
from vigie.share.compare import CompareService
from vigie.share.netaddr import client_addresses, parse_networks
from vigie.share.partners import Registry
from vigie.share.stix_common import (
    as_utc,
    normalise_timestamp,
    object_tlp,
    stix_time,
    taxii_version,
    utcnow,
)
from vigie.share.store import Store
from vigie.share.taxii import access
from vigie.share.taxii.access import Caller
from vigie.share.taxii.auth import Authenticator, parse_basic
from vigie.share.taxii.config import (
    ApiRootConfig,
    CollectionConfig,
    ServerConfig,
    collection_id,
)
from vigie.share.taxii.granular import withhold_granular
from vigie.share.taxii.limits import BodyLimitMiddleware, LockOut, RateLimiter
from vigie.share.taxii.media import (
    STIX_MEDIA_TYPE,
    TAXII_MEDIA_TYPE,
    TaxiiError,
    check_accept,
    check_content_type,
    error_body,
    error_response,
    taxii_response,
)
from vigie.share.taxii.tables import Audience, StatusRecord, StoredIndex, StoredObject
from vigie.share.taxii.validate import load_json_body, validate_objects
from vigie.share.tlp import TLP

MAX_PAGE = 1000
POSTER_ONLY = "poster"
"""``form`` of an object stored for its poster alone: its id collided with an object the
poster may not see, and telling it so would reveal that the hidden object exists."""


@dataclass
class ServerState:
    """Everything the routes need, built once per application."""

    config: ServerConfig
    registry: Registry
    store: Store
    audit: AuditLog
    auth: Authenticator
    limiter: RateLimiter
    fail_limiter: RateLimiter
    roots: dict[str, ApiRootConfig]
    collections: dict[tuple[str, str], CollectionConfig]
    compare: CompareService | None = None
    lockout: LockOut = field(default_factory=LockOut)
    proxies: list[Any] = field(default_factory=list)  # trusted proxy networks
    _noted: dict[str, float] = field(default_factory=dict)  # coalesced audit rows
    _noted_lock: threading.Lock = field(default_factory=threading.Lock)

    def note_once(self, key: str, every_s: float = 10.0) -> bool:
        """Whether a refusal keyed ``key`` should be audited now: at most one row per key
        every ``every_s`` seconds, so a flood cannot fill the audit log."""
        now = time.monotonic()
        with self._noted_lock:
            if len(self._noted) > 50_000:
                self._noted = {k: t for k, t in self._noted.items() if now - t < every_s}
            if now - self._noted.get(key, -1e18) < every_s:
                return False
            self._noted[key] = now
            return True


def build_state(
    config: ServerConfig,
    registry: Registry,
    store: Store | None = None,
    compare: CompareService | None = None,
) -> ServerState:
    """Open the database and gather what the routes need. ``compare`` (optional) serves
    private comparisons on the same application (``/compare/v1/``)."""
    store = store or Store(config.resolved_db_url())

    def is_known(user: str) -> bool:
        return access.resolve_caller(registry, user) is not None

    roots = {r.name: r for r in config.api_roots}
    colls = {(r.name, collection_id(r.name, c)): c for r in config.api_roots for c in r.collections}
    g = config.guard
    return ServerState(
        config=config,
        registry=registry,
        store=store,
        audit=AuditLog(store),
        auth=Authenticator(store, is_known),
        limiter=RateLimiter(config.rate_limit.requests_per_second, config.rate_limit.burst),
        fail_limiter=RateLimiter(g.address_failures_per_second, g.address_failures_burst),
        roots=roots,
        collections=colls,
        compare=compare,
        lockout=LockOut(g.lockout_threshold, g.lockout_base_s, g.lockout_max_s),
        proxies=parse_networks(g.trusted_proxies),
    )


# --- helpers ----------------------------------------------------------------------------------


def _parse_timestamp(value: str, param: str) -> datetime:
    try:
        return as_utc(datetime.fromisoformat(value.replace("Z", "+00:00")))
    except ValueError:
        raise TaxiiError(
            400, "Bad Request", f"{param}: {value!r} is not a timestamp like 2026-01-31T12:00:00Z"
        ) from None


def _version_param(value: str) -> str:
    try:
        return normalise_timestamp(value)
    except ValueError:
        raise TaxiiError(
            400,
            "Bad Request",
            f"match[version]: {value!r} is not last, first, all or a timestamp",
        ) from None


def _encode_next(rowid: int) -> str:
    return base64.urlsafe_b64encode(f"v1:{rowid}".encode()).decode().rstrip("=")


def _decode_next(token: str) -> int:
    try:
        if len(token) > 40:
            raise ValueError(token)
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        tag, _, num = raw.partition(":")
        if tag != "v1" or not num.isdigit():
            raise ValueError(tag)
        value = int(num)
        if value >= 2**63:  # beyond any row id (and beyond SQL integers: was a 500)
            raise ValueError(num)
        return value
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise TaxiiError(
            400, "Bad Request", f"next: {token!r} is not a token this server issued"
        ) from None


def _limit(request: Request, default: int) -> int:
    raw = request.query_params.get("limit")
    if raw is None:
        return min(default, MAX_PAGE)
    try:
        n = int(raw)
    except ValueError:
        raise TaxiiError(400, "Bad Request", f"limit: {raw!r} is not a whole number") from None
    if n < 1:
        raise TaxiiError(400, "Bad Request", f"limit: {n} must be at least 1")
    return min(n, MAX_PAGE)


def _csv(request: Request, name: str) -> list[str] | None:
    raw = request.query_params.get(name)
    if raw is None:
        return None
    return [v.strip() for v in raw.split(",") if v.strip()]


@dataclass
class Page:
    rows: list[StoredObject]
    more: bool


class Routes:
    """Request handlers sharing one ``ServerState``."""

    def __init__(self, state: ServerState) -> None:
        self.s = state

    # -- authentication, rate limit, negotiation -----------------------------------------------

    def identify(self, request: Request) -> Caller:
        """Authenticate the request (no rate limit, no negotiation): the lock-out per
        (account, address) with back-off, a flood brake per address that never stops a pair
        which authenticated recently, then the password check. Used on the headers alone
        before any body is read, and again (cheaply, the check is cached) by each route."""
        s = self.s
        header = request.headers.get("authorization")
        addr, peer = client_addresses(request, s.proxies)
        creds = parse_basic(header)
        name = creds[0] if creds else "-"
        pair = LockOut.pair(name, addr)
        where = {"path": request.url.path, "method": request.method, "client": addr}
        if peer != addr:
            where["peer"] = peer

        def refuse(wait: float, why: str) -> TaxiiError:
            if s.note_once(f"locked:{pair}"):
                s.audit.append(name, "auth.locked", detail={**where, "why": why})
            return TaxiiError(
                429,
                "Too Many Requests",
                why,
                headers={"Retry-After": RateLimiter.retry_after_header(wait)},
            )

        locked = s.lockout.locked(pair)
        if locked is not None:
            raise refuse(locked, "too many failed logins for this account from this address")
        if not s.lockout.is_known(pair):
            flood = s.fail_limiter.peek(f"addr:{addr}")
            if flood is not None:
                raise refuse(flood, "too many failed logins from this address")
        user = s.auth.authenticate(header)
        caller = access.resolve_caller(s.registry, user) if user else None
        if caller is None:
            s.lockout.fail(pair)
            s.fail_limiter.take(f"addr:{addr}")
            s.audit.append(
                name,
                "auth.refused",
                detail={**where, "why": "bad credentials" if creds else "no Basic credentials"},
            )
            raise TaxiiError(
                401,
                "Unauthorized",
                "valid HTTP Basic credentials of a registered partner are required",
                headers={"WWW-Authenticate": 'Basic realm="vigie-taxii", charset="UTF-8"'},
            )
        s.lockout.succeed(pair)
        return caller

    def caller(self, request: Request, *, accept: bool = True) -> Caller:
        s = self.s
        caller = self.identify(request)
        wait = s.limiter.take(f"user:{caller.user}")
        if wait is not None:
            if s.note_once(f"rate:{caller.user}", every_s=max(1.0, wait)):
                s.audit.append(
                    caller.user,
                    "rate.refused",
                    detail={"path": request.url.path, "method": request.method},
                )
            raise TaxiiError(
                429,
                "Too Many Requests",
                f"rate limit of {s.config.rate_limit.requests_per_second:g} requests/s "
                f"(burst {s.config.rate_limit.burst}) exceeded for {caller.user}",
                headers={"Retry-After": RateLimiter.retry_after_header(wait)},
            )
        if accept:
            check_accept(request.headers.get("accept"))
        return caller

    def _probe(self, caller: Caller, what: str, name: str, exists_: bool) -> None:
        """Audit a request for a root or collection the caller may not see (or that does
        not exist: the answer is the same 404, the audit row says which)."""
        if self.s.note_once(f"probe:{caller.user}:{what}:{name}", every_s=1.0):
            self.s.audit.append(
                caller.user,
                "probe.refused",
                collection=name if what == "collection" else None,
                detail={"what": what, "name": name, "exists": exists_},
            )

    def root(self, caller: Caller, name: str) -> ApiRootConfig:
        root = self.s.roots.get(name)
        if root is None or not access.root_visible(caller, root):
            self._probe(caller, "api_root", name, root is not None)
            raise TaxiiError(404, "Not Found", f"no API root {name!r} for {caller.user}")
        return root

    def collection(self, caller: Caller, root_name: str, cid: str) -> CollectionConfig:
        root = self.root(caller, root_name)
        coll = self.s.collections.get((root_name, cid))
        if coll is None or not access.collection_visible(caller, root, coll):
            self._probe(caller, "collection", cid, coll is not None)
            raise TaxiiError(404, "Not Found", f"no collection {cid!r} in {root_name!r}")
        return coll

    def collection_resource(
        self, caller: Caller, root: ApiRootConfig, coll: CollectionConfig
    ) -> dict[str, Any]:
        res: dict[str, Any] = {
            "id": collection_id(root.name, coll),
            "title": coll.title or coll.name,
            "can_read": True,
            "can_write": access.can_write(caller, root, coll),
            "media_types": [STIX_MEDIA_TYPE],
        }
        if coll.description:
            res["description"] = coll.description
        return res

    # -- queries ---------------------------------------------------------------------------------

    def _visible_query(
        self,
        request: Request,
        caller: Caller,
        cid: str,
        coll: CollectionConfig,
        object_id: str | None = None,
        *,
        default_version: str = "last",
    ) -> Select[tuple[StoredObject]]:
        base = self._readable(caller, cid, coll)
        if object_id is not None:
            base.append(StoredObject.stix_id == object_id)
        ids = _csv(request, "match[id]")
        if ids:
            base.append(StoredObject.stix_id.in_(ids))
        types = _csv(request, "match[type]")
        if types:
            base.append(StoredObject.stix_type.in_(types))
        specs = _csv(request, "match[spec_version]")
        if specs:
            base.append(StoredObject.spec_version.in_(specs))
        q = select(StoredObject).where(*base)

        versions = _csv(request, "match[version]") or [default_version]
        if "all" not in versions:
            conds = []
            plain = [_version_param(v) for v in versions if v not in ("first", "last")]
            if plain:
                conds.append(StoredObject.version.in_(plain))
            for which, agg in (("first", func.min), ("last", func.max)):
                if which in versions:
                    picked = (
                        select(StoredObject.stix_id, agg(StoredObject.version))
                        .where(*base)
                        .group_by(StoredObject.stix_id)
                    )
                    conds.append(tuple_(StoredObject.stix_id, StoredObject.version).in_(picked))
            q = q.where(or_(*conds))
        added_after = request.query_params.get("added_after")
        if added_after:
            q = q.where(StoredObject.date_added > _parse_timestamp(added_after, "added_after"))
        token = request.query_params.get("next")
        if token:
            q = q.where(StoredObject.rowid > _decode_next(token))
        return q.order_by(StoredObject.rowid)

    @staticmethod
    def _readable(caller: Caller, cid: str, coll: CollectionConfig) -> list[Any]:
        """SQL conditions for the rows ``caller`` may read in collection ``cid``: markings
        the policy allows, the variant of the caller's form (or the shared one, or an object
        stored for this poster alone), and, for TLP:RED objects addressed to named people,
        only those people."""
        markings = access.readable_markings(caller, coll)
        me = access.audience_key(caller)
        addressed = exists().where(Audience.obj_rowid == StoredObject.rowid)
        to_me = exists().where(Audience.obj_rowid == StoredObject.rowid, Audience.recipient == me)
        return [
            StoredObject.collection_id == cid,
            StoredObject.marking.in_(markings),
            or_(
                StoredObject.form.is_(None),
                StoredObject.form == access.reader_form(caller),
                and_(StoredObject.form == POSTER_ONLY, StoredObject.added_by == caller.user),
            ),
            or_(StoredObject.marking != TLP.RED.key, ~addressed, to_me),
        ]

    def _page(self, q: Select[tuple[StoredObject]], limit: int) -> Page:
        with self.s.store.session() as sess:
            rows = list(sess.scalars(q.limit(limit + 1)))
        return Page(rows[:limit], len(rows) > limit)

    @staticmethod
    def _date_headers(rows: list[StoredObject]) -> dict[str, str]:
        if not rows:
            return {}
        return {
            "X-TAXII-Date-Added-First": stix_time(rows[0].date_added),
            "X-TAXII-Date-Added-Last": stix_time(rows[-1].date_added),
        }

    def _serve_objects(
        self, caller: Caller, cid: str, rows: list[StoredObject], endpoint: str
    ) -> list[dict[str, Any]]:
        out = []
        entries: list[AuditEntry] = []
        for row in rows:
            tlp = TLP.parse(row.marking) if row.marking else TLP.AMBER
            decision = access.decision_for(caller, tlp)
            if not decision.allowed:  # cannot happen (filtered in SQL); never leak on a bug
                continue
            kept = withhold_granular(row.stix(), lambda t: access.decision_for(caller, t).allowed)
            if kept is None:  # a part it may not read is one the object cannot do without
                continue
            obj = kept if row.form is not None else access.apply_form(kept, decision)
            out.append(obj)
            entries.append(
                AuditEntry(
                    caller.user,
                    "object.served",
                    object_id=row.stix_id,
                    collection=cid,
                    marking=tlp.key,
                    detail={
                        "version": row.version,
                        "form": decision.form.value,
                        "variant": row.form or "redacted on the fly",
                        "endpoint": endpoint,
                        "added_by": row.added_by,
                    },
                )
            )
        self.s.audit.append_many(entries)
        return out

    # -- handlers --------------------------------------------------------------------------------

    def discovery(self, request: Request) -> JSONResponse:
        caller = self.caller(request)
        roots = [f"/{r.name}/" for r in self.s.config.api_roots if access.root_visible(caller, r)]
        body: dict[str, Any] = {"title": self.s.config.title, "api_roots": roots}
        if roots:
            body["default"] = roots[0]
        if self.s.config.description:
            body["description"] = self.s.config.description
        if self.s.config.contact:
            body["contact"] = self.s.config.contact
        return taxii_response(body)

    def api_root(self, request: Request, root: str) -> JSONResponse:
        caller = self.caller(request)
        r = self.root(caller, root)
        body: dict[str, Any] = {
            "title": r.title or r.name,
            "versions": [TAXII_MEDIA_TYPE],
            "max_content_length": self.s.config.max_content_length,
        }
        if r.description:
            body["description"] = r.description
        return taxii_response(body)

    def collections(self, request: Request, root: str) -> JSONResponse:
        caller = self.caller(request)
        r = self.root(caller, root)
        colls = [
            self.collection_resource(caller, r, c)
            for c in r.collections
            if access.collection_visible(caller, r, c)
        ]
        return taxii_response({"collections": colls} if colls else {})

    def get_collection(self, request: Request, root: str, cid: str) -> JSONResponse:
        caller = self.caller(request)
        coll = self.collection(caller, root, cid)
        return taxii_response(self.collection_resource(caller, self.s.roots[root], coll))

    def get_objects(self, request: Request, root: str, cid: str) -> JSONResponse:
        caller = self.caller(request)
        coll = self.collection(caller, root, cid)
        page = self._page(
            self._visible_query(request, caller, cid, coll),
            _limit(request, self.s.config.page_size),
        )
        body: dict[str, Any] = {"more": page.more}
        if page.more:
            body["next"] = _encode_next(page.rows[-1].rowid)
        objects = self._serve_objects(caller, cid, page.rows, "objects")
        if objects:
            body["objects"] = objects
        return taxii_response(body, headers=self._date_headers(page.rows))

    def get_object(self, request: Request, root: str, cid: str, object_id: str) -> JSONResponse:
        caller = self.caller(request)
        coll = self.collection(caller, root, cid)
        page = self._page(
            self._visible_query(request, caller, cid, coll, object_id),
            _limit(request, self.s.config.page_size),
        )
        if not page.rows and not request.query_params.get("next"):
            raise TaxiiError(404, "Not Found", f"no object {object_id!r} for {caller.user}")
        body: dict[str, Any] = {"more": page.more}
        if page.more:
            body["next"] = _encode_next(page.rows[-1].rowid)
        objects = self._serve_objects(caller, cid, page.rows, "object")
        if objects:
            body["objects"] = objects
        return taxii_response(body, headers=self._date_headers(page.rows))

    def versions(self, request: Request, root: str, cid: str, object_id: str) -> JSONResponse:
        caller = self.caller(request)
        coll = self.collection(caller, root, cid)
        page = self._page(
            self._visible_query(request, caller, cid, coll, object_id, default_version="all"),
            _limit(request, self.s.config.page_size),
        )
        if not page.rows and not request.query_params.get("next"):
            raise TaxiiError(404, "Not Found", f"no object {object_id!r} for {caller.user}")
        body: dict[str, Any] = {"more": page.more, "versions": [r.version for r in page.rows]}
        if page.more:
            body["next"] = _encode_next(page.rows[-1].rowid)
        if page.rows:
            self.s.audit.append(
                caller.user,
                "versions.served",
                object_id=object_id,
                collection=cid,
                detail={"versions": [r.version for r in page.rows]},
            )
        return taxii_response(body, headers=self._date_headers(page.rows))

    def manifest(self, request: Request, root: str, cid: str) -> JSONResponse:
        caller = self.caller(request)
        coll = self.collection(caller, root, cid)
        page = self._page(
            self._visible_query(request, caller, cid, coll),
            _limit(request, self.s.config.page_size),
        )
        body: dict[str, Any] = {"more": page.more}
        if page.more:
            body["next"] = _encode_next(page.rows[-1].rowid)
        if page.rows:
            body["objects"] = [
                {
                    "id": r.stix_id,
                    "date_added": stix_time(r.date_added),
                    "version": r.version,
                    "media_type": STIX_MEDIA_TYPE,
                }
                for r in page.rows
            ]
            self.s.audit.append(
                caller.user,
                "manifest.served",
                collection=cid,
                detail={"ids": [r.stix_id for r in page.rows]},
            )
        return taxii_response(body, headers=self._date_headers(page.rows))

    async def add_objects(self, request: Request, root: str, cid: str) -> JSONResponse:
        caller = self.caller(request)
        coll = self.collection(caller, root, cid)
        r = self.s.roots[root]
        if not access.can_write(caller, r, coll):
            raise TaxiiError(403, "Forbidden", f"{caller.user} may not add objects to {cid}")
        check_content_type(request.headers.get("content-type"))
        raw = await request.body()
        # parsing, validating and storing thousands of objects takes seconds: done in a worker
        # thread, so that other partners' reads go on meanwhile (was: the event loop stalled)
        status = await run_in_threadpool(self._add_sync, caller, root, cid, coll, raw)
        return taxii_response(status, 202)

    def _add_sync(
        self, caller: Caller, root: str, cid: str, coll: CollectionConfig, raw: bytes
    ) -> dict[str, Any]:
        envelope = load_json_body(raw)
        if not isinstance(envelope, dict) or not isinstance(envelope.get("objects"), list):
            raise TaxiiError(
                400,
                "Bad Request",
                'body must be a TAXII envelope: {"objects": [ ...STIX 2.1 objects... ]}',
            )
        objects = envelope["objects"]
        problems = validate_objects(objects)
        if problems:
            self.s.audit.append(
                caller.user,
                "bundle.refused",
                collection=cid,
                detail={"objects": len(objects), "problems": problems[:50]},
            )
            shown = problems[:20]
            more = f" (and {len(problems) - 20} more)" if len(problems) > 20 else ""
            raise TaxiiError(
                422,
                "Unprocessable Entity",
                f"{len(problems)} problem(s) in the envelope, nothing was added: "
                + "; ".join(shown)
                + more,
                details={"problems": problems},
            )
        return self._store_objects(caller, root, cid, coll, objects)

    def _store_objects(
        self, caller: Caller, root: str, cid: str, coll: CollectionConfig, objects: list[Any]
    ) -> dict[str, Any]:
        status_id = str(uuid.uuid4())
        now = utcnow()
        successes, failures = [], []
        audit_rows = []
        with self.s.store.session() as sess:
            index = StoredIndex(sess, cid, [o["id"] for o in objects])
            ours = self._our_identities(sess)
            foreign = [
                o["id"]
                for o in objects
                if index.owners.get(o["id"]) is not None
                and not access.same_partner(index.owners[o["id"]], caller)
            ]
            readable = self._readable_ids(sess, caller, cid, coll, foreign)
            for obj in objects:
                oid = obj["id"]
                version = taxii_version(obj, stix_time(now))
                tlp = object_tlp(obj) or coll.intake_tlp
                forged = self._impersonates(obj, ours)
                if forged:
                    failures.append({"id": oid, "version": version, "message": forged})
                    audit_rows.append(
                        ("object.refused", oid, tlp, {"version": version, "why": forged})
                    )
                    continue
                if tlp > coll.max_tlp:
                    msg = f"marked {tlp.label}, above this collection's limit {coll.max_tlp.label}"
                    failures.append({"id": oid, "version": version, "message": msg})
                    audit_rows.append(
                        ("object.refused", oid, tlp, {"version": version, "why": msg})
                    )
                    continue
                owner = index.owners.get(oid)
                form: str | None = None
                if owner is not None and not access.same_partner(owner, caller):
                    if obj["type"] == "marking-definition" and object_tlp(obj) is TLP.CLEAR:
                        successes.append({"id": oid, "version": version})  # shared TLP ids
                        continue
                    if oid in readable:
                        msg = "this id belongs to an object another partner added; new "
                        msg += "versions of it may come only from that partner"
                        failures.append({"id": oid, "version": version, "message": msg})
                        audit_rows.append(
                            ("object.refused", oid, tlp, {"version": version, "why": msg})
                        )
                        continue
                    # the id is taken by an object this partner may not see: saying so would
                    # reveal it exists. Keep the partner's object for the partner alone.
                    form = POSTER_ONLY
                    audit_rows.append(
                        (
                            "object.isolated",
                            oid,
                            tlp,
                            {"version": version, "why": "id of an object hidden from the poster"},
                        )
                    )
                duplicate = index.contains(obj, version, form)
                if not duplicate:
                    index.add(obj, version, form, caller.user)
                    sess.add(
                        StoredObject(
                            collection_id=cid,
                            stix_id=oid,
                            stix_type=obj["type"],
                            spec_version=obj.get("spec_version", "2.1"),
                            version=version,
                            date_added=now,
                            added_by=caller.user,
                            marking=tlp.key,
                            form=form,
                            body=StoredIndex.canonical(obj),
                        )
                    )
                successes.append({"id": oid, "version": version})
                audit_rows.append(
                    (
                        "object.received",
                        oid,
                        tlp,
                        {"version": version, "duplicate": duplicate, "status": status_id},
                    )
                )
            status = {
                "id": status_id,
                "status": "complete",
                "request_timestamp": stix_time(now),
                "total_count": len(objects),
                "success_count": len(successes),
                "successes": successes,
                "failure_count": len(failures),
                "failures": failures,
                "pending_count": 0,
                "pendings": [],
            }
            sess.add(
                StatusRecord(
                    id=status_id,
                    partner=caller.user,
                    api_root=root,
                    collection_id=cid,
                    request_timestamp=now,
                    detail=status,
                )
            )
        self.s.audit.append_many(
            [
                AuditEntry(
                    caller.user,
                    action,
                    object_id=oid,
                    collection=cid,
                    marking=tlp.key,
                    detail=detail,
                )
                for action, oid, tlp, detail in audit_rows
            ]
        )
        return status

    def _our_identities(self, sess: Any) -> set[str]:
        """Ids of the identities we publish as (our producer's, and any identity object our
        own publications stored): a partner may not sign objects with them."""
        from vigie.share.stix_export import producer_identity_id

        ours = {producer_identity_id(self.s.registry.producer)}
        q = select(StoredObject.stix_id).where(
            StoredObject.stix_type == "identity", StoredObject.added_by.like("local:%")
        )
        ours.update(sess.scalars(q.distinct()))
        return ours

    def _impersonates(self, obj: dict[str, Any], ours: set[str]) -> str | None:
        """Why ``obj`` would pass for ours, or ``None``."""
        if obj.get("created_by_ref") in ours:
            return "created_by_ref names this server's own identity; partners sign as themselves"
        if obj.get("type") == "identity":
            name = str(obj.get("name", "")).strip().casefold()
            if obj.get("id") in ours or name == self.s.registry.producer.name.casefold():
                return "an identity of this server's producer may not come from a partner"
        return None

    def _readable_ids(
        self, sess: Any, caller: Caller, cid: str, coll: CollectionConfig, ids: list[str]
    ) -> set[str]:
        """Which of ``ids`` the caller may read some version of."""
        out: set[str] = set()
        unique = sorted(set(ids))
        cond = self._readable(caller, cid, coll)
        for k in range(0, len(unique), 500):
            q = select(StoredObject.stix_id).where(
                *cond, StoredObject.stix_id.in_(unique[k : k + 500])
            )
            out.update(sess.scalars(q.distinct()))
        return out

    def compare_info(self, request: Request) -> JSONResponse:
        caller = self.caller(request, accept=False)
        service = self._compare(caller)
        return JSONResponse(service.info())

    async def compare_run(self, request: Request) -> JSONResponse:
        caller = self.caller(request, accept=False)
        service = self._compare(caller)
        raw = await request.body()

        def run() -> dict[str, Any]:
            body = load_json_body(raw)
            return service.answer(caller.user, f"partner:{caller.partner.key}", body)

        # ECDH over thousands of elements is CPU work: keep the event loop free meanwhile
        return JSONResponse(await run_in_threadpool(run))

    def _compare(self, caller: Caller) -> CompareService:
        service = self.s.compare
        if service is None or caller.partner.trust < service.min_trust:
            raise TaxiiError(404, "Not Found", "no private comparison offered to this partner")
        return service

    def status(self, request: Request, root: str, status_id: str) -> JSONResponse:
        caller = self.caller(request)
        self.root(caller, root)
        with self.s.store.session() as sess:
            rec = sess.get(StatusRecord, status_id)
        if rec is None or rec.partner != caller.user or rec.api_root != root:
            raise TaxiiError(404, "Not Found", f"no status {status_id!r} for {caller.user}")
        return taxii_response(rec.detail)


def create_app(state: ServerState, *, taxii: bool = True) -> FastAPI:
    """The FastAPI application for ``state`` (tests build it directly; the CLI via ``serve``).

    ``taxii=False`` gives only the comparison endpoints (``vigie share compare --serve``).
    """
    app = FastAPI(
        title="vigie TAXII 2.1",
        version=__version__,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.state.vigie = state
    routes = Routes(state)

    @app.exception_handler(TaxiiError)
    async def _taxii_error(_request: Request, exc: TaxiiError) -> JSONResponse:
        return error_response(exc)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        title = {404: "Not Found", 405: "Method Not Allowed"}.get(exc.status_code, "Error")
        return error_response(TaxiiError(exc.status_code, title, str(exc.detail)))

    get = app.get
    get("/compare/v1/")(routes.compare_info)
    app.post("/compare/v1/run")(routes.compare_run)
    if taxii:
        _taxii_routes(app, routes)

    def too_large(_scope: Any, size: int) -> dict[str, Any]:
        body = error_body(
            413,
            "Payload Too Large",
            f"request body of {size} bytes exceeds max_content_length "
            f"{state.config.max_content_length}",
        )
        return {
            "status": 413,
            "headers": [(b"content-type", TAXII_MEDIA_TYPE.encode())],
            "body": json.dumps(body).encode(),
        }

    async def authenticate_first(scope: Any) -> Any:
        """Refuse an upload whose credentials fail before reading one byte of its body."""
        try:
            await run_in_threadpool(routes.identify, Request(scope))
        except TaxiiError as exc:
            return error_response(exc)
        return None

    app.add_middleware(
        BodyLimitMiddleware,
        max_bytes=state.config.max_content_length,
        on_reject=too_large,
        before_body=authenticate_first,
        body_timeout_s=state.config.guard.body_timeout_s,
    )
    return app


def _taxii_routes(app: FastAPI, routes: Routes) -> None:
    get = app.get
    get("/taxii2/")(routes.discovery)
    get("/{root}/")(routes.api_root)
    get("/{root}/collections/")(routes.collections)
    get("/{root}/collections/{cid}/")(routes.get_collection)
    get("/{root}/collections/{cid}/objects/")(routes.get_objects)
    app.post("/{root}/collections/{cid}/objects/")(routes.add_objects)
    get("/{root}/collections/{cid}/objects/{object_id}/")(routes.get_object)
    get("/{root}/collections/{cid}/objects/{object_id}/versions/")(routes.versions)
    get("/{root}/collections/{cid}/manifest/")(routes.manifest)
    get("/{root}/status/{status_id}/")(routes.status)
