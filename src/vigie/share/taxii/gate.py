"""Every TAXII request passes this gate first, in this order: authentication (401; failed
logins rate-limited per account and address, with back-off), rate limit per user (429 with
``Retry-After``), content negotiation (406), then visibility of the API root or collection
(404: a root or collection the caller may not see answers exactly as one that does not exist,
and the probe is audited).

Why one module: every view calls the same gate, so no view can forget a step, and the body
size middleware (``app``) calls ``identify`` on the headers alone before reading a byte.
"""

from __future__ import annotations

from fastapi import Request

from vigie.share.netaddr import client_addresses
from vigie.share.taxii import access
from vigie.share.taxii.access import Caller
from vigie.share.taxii.auth import parse_basic
from vigie.share.taxii.config import ApiRootConfig, CollectionConfig
from vigie.share.taxii.limits import LockOut, RateLimiter
from vigie.share.taxii.media import TaxiiError, check_accept
from vigie.share.taxii.state import ServerState


def identify(s: ServerState, request: Request) -> Caller:
    """Authenticate the request (no rate limit, no negotiation): the lock-out per
    (account, address) with back-off, a flood brake per address that never stops a pair
    which authenticated recently, then the password check. Used on the headers alone
    before any body is read, and again (cheaply, the check is cached) by each route."""
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


def caller(s: ServerState, request: Request, *, accept: bool = True) -> Caller:
    """Authenticate, then the rate limit per user and (``accept``) content negotiation."""
    who = identify(s, request)
    wait = s.limiter.take(f"user:{who.user}")
    if wait is not None:
        if s.note_once(f"rate:{who.user}", every_s=max(1.0, wait)):
            s.audit.append(
                who.user,
                "rate.refused",
                detail={"path": request.url.path, "method": request.method},
            )
        raise TaxiiError(
            429,
            "Too Many Requests",
            f"rate limit of {s.config.rate_limit.requests_per_second:g} requests/s "
            f"(burst {s.config.rate_limit.burst}) exceeded for {who.user}",
            headers={"Retry-After": RateLimiter.retry_after_header(wait)},
        )
    if accept:
        check_accept(request.headers.get("accept"))
    return who


def _probe(s: ServerState, caller: Caller, what: str, name: str, exists_: bool) -> None:
    """Audit a request for a root or collection the caller may not see (or that does
    not exist: the answer is the same 404, the audit row says which)."""
    if s.note_once(f"probe:{caller.user}:{what}:{name}", every_s=1.0):
        s.audit.append(
            caller.user,
            "probe.refused",
            collection=name if what == "collection" else None,
            detail={"what": what, "name": name, "exists": exists_},
        )


def root(s: ServerState, caller: Caller, name: str) -> ApiRootConfig:
    """The API root ``name`` if the caller may see it, else 404 (existence not revealed)."""
    found = s.roots.get(name)
    if found is None or not access.root_visible(caller, found):
        _probe(s, caller, "api_root", name, found is not None)
        raise TaxiiError(404, "Not Found", f"no API root {name!r} for {caller.user}")
    return found


def collection(s: ServerState, caller: Caller, root_name: str, cid: str) -> CollectionConfig:
    """The collection ``cid`` if the caller may see it, else 404 (existence not revealed)."""
    api_root = root(s, caller, root_name)
    coll = s.collections.get((root_name, cid))
    if coll is None or not access.collection_visible(caller, api_root, coll):
        _probe(s, caller, "collection", cid, coll is not None)
        raise TaxiiError(404, "Not Found", f"no collection {cid!r} in {root_name!r}")
    return coll
