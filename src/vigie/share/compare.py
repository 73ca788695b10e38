"""Compare weaknesses and indicators with an ally without showing them: ``vigie share compare``.

Two vigie instances each hold a list of identifiers (CVE and CWE ids, ``vendor:product:version``
software, URLs, domains, IPs, file hashes, DISARM techniques; see ``psi.canon``). One side
serves its list (``vigie share compare --serve``, or the ``compare`` section of ``vigie share
serve``); the other asks. By default the asking side learns **only how many** identifiers the
two lists share. It learns **which** only when both sides consent for that run: the asker
passes ``--reveal`` and the server's configuration (or ``--reveal`` on ``--serve``) says
``reveal: true``; if the asker wants items and the server has not consented, the server
answers 403 and nothing is computed.

Protocol (HTTP, JSON, HTTP Basic with the partner credentials of ``vigie share passwd``):

- ``GET /compare/v1/`` → ``{"backends": [...], "max_items": n, "reveal": bool}``;
- ``POST /compare/v1/run`` with ``{"backend": "ecdh", "reveal": bool, "request": …}`` (ECDH)
  or ``{"backend": "keyed", "reveal": bool, "nonce": …, "digests": [...]}`` (fallback) →
  ``{"setup": …, "response": …}`` (ECDH) or ``{"size": n[, "matches": [...]]}`` (keyed).

Guarantees and their limits:

- **ECDH backend** (``openmined.psi``, default when installed): the server learns nothing of
  the asker's identifiers but their padded count; the asker learns the overlap size (or its
  own overlapping identifiers, with consent) and the server's padded count. See
  ``psi.ecdh`` for the details.
- **Keyed-hash fallback** (``--backend keyed``, or automatically where the wheel is missing):
  both sides share a secret key (``$VIGIE_PSI_KEY``), so **either side can brute-force small
  domains**: the server sees the asker's keyed digests and can test every CVE/CWE id or known
  software version against them. It only hides identifiers from large, unguessable domains,
  and only from outsiders. See ``psi.keyed``.
- **Both**: set sizes are padded with random dummies to a power of two (≥ ``min_bucket``), so
  only a size bucket leaks; the server caps the asker's set size and rate-limits comparisons
  per partner (``per_hour``, ``burst``; 429 with ``Retry-After``), because *any* PSI lets an
  asker probe candidates — with the CVE space that small, an unlimited peer could learn the
  server's list by repeated queries. Every comparison answered or refused is in the audit log.

The padding uses the operating system's CSPRNG on purpose: dummies must be unpredictable,
so there is no seed (a seed would make them guessable and defeat the padding).
"""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vigie.errors import VigieError
from vigie.share.psi import ecdh, keyed
from vigie.share.psi.canon import ItemSet
from vigie.share.psi.padding import bucket_size, is_dummy, pad
from vigie.share.taxii.limits import RateLimiter
from vigie.share.taxii.media import TaxiiError

BACKEND_ENV = "VIGIE_PSI_BACKEND"
"""Environment variable forcing the backend (``ecdh`` or ``keyed``) when ``auto`` is asked."""

PROTOCOL = "vigie-compare/1"

MAX_ELEMENTS = 16_384
"""Hard ceiling on a padded set in one comparison, on either side. Why: the ECDH library
takes seconds beyond it and fails with an obscure C++ error at 65,536; a clear refusal is
better, and a large request probes many candidates at once."""

GUARANTEES = {
    "ecdh": "ECDH PSI: the peer learned nothing of our identifiers but their padded count.",
    "keyed": "keyed-hash fallback (WEAKER): the peer holds the shared key and could "
    "brute-force small domains (CVE/CWE ids, known software) from the digests we sent.",
}


def resolve_backend(requested: str, ecdh_ok: bool | None = None) -> str:
    """``ecdh`` or ``keyed`` for ``requested`` (``auto`` honours ``$VIGIE_PSI_BACKEND``, then
    picks ECDH when the wheel imports)."""
    ecdh_ok = ecdh.available() if ecdh_ok is None else ecdh_ok
    choice = requested
    if choice == "auto":
        choice = os.environ.get(BACKEND_ENV, "auto").strip().lower() or "auto"
    if choice == "auto":
        return "ecdh" if ecdh_ok else "keyed"
    if choice not in ("ecdh", "keyed"):
        raise VigieError(f"unknown comparison backend {choice!r} (auto, ecdh or keyed)")
    if choice == "ecdh" and not ecdh_ok:
        raise VigieError("the ECDH backend needs openmined.psi: pip install 'vigie[psi]'")
    return choice


class CompareService:
    """The serving side: our canonical identifiers, consent, limits and the audit trail."""

    def __init__(
        self,
        items: ItemSet,
        *,
        reveal: bool = False,
        backend: str = "auto",
        key: bytes | None = None,
        max_items: int = 100_000,
        min_bucket: int = 64,
        per_hour: float = 6.0,
        burst: int = 3,
        min_trust: int = 1,
        audit: Any = None,
        clock: Callable[[], float] = time.monotonic,
        budget_elements: int = 65_536,
        budget_period_s: float = 86_400.0,
    ) -> None:
        self.items = items
        self.reveal = reveal
        self.min_trust = min_trust
        self.key = key
        self.max_items = max_items
        self.min_bucket = min_bucket
        self.audit = audit
        self.limiter = RateLimiter(per_hour / 3600.0, burst, clock=clock)
        # elements compared per partner and period: each element is one candidate probed
        self.budget = RateLimiter(
            budget_elements / budget_period_s, max(budget_elements, 1), clock=clock
        )
        self.budget_elements = budget_elements
        if backend == "auto":
            forced = os.environ.get(BACKEND_ENV, "").strip().lower()
            backend = forced if forced in ("ecdh", "keyed") else "auto"
        accepted = []
        if backend in ("auto", "ecdh") and ecdh.available():
            accepted.append("ecdh")
        if backend in ("auto", "keyed") and key is not None:
            accepted.append("keyed")
        if not accepted:
            raise VigieError(
                "no comparison backend available: install openmined.psi, or set the shared "
                "key for the keyed fallback"
            )
        self.backends = accepted
        if len(items.items) > max_items:
            raise VigieError(
                f"{items.source}: {len(items.items)} identifiers, more than max_items {max_items}"
            )
        if bucket_size(len(items.items), min_bucket) > MAX_ELEMENTS:
            raise VigieError(
                f"{items.source}: {len(items.items)} identifiers pad to more than "
                f"{MAX_ELEMENTS}, the most one comparison handles; split the list"
            )

    @property
    def max_client(self) -> int:
        return min(bucket_size(self.max_items, self.min_bucket), MAX_ELEMENTS)

    def info(self) -> dict[str, Any]:
        return {
            "protocol": PROTOCOL,
            "backends": self.backends,
            "max_items": self.max_client,
            "min_items": self.min_bucket,
            "reveal": self.reveal,
        }

    def _log(self, user: str, action: str, detail: dict[str, Any]) -> None:
        if self.audit is not None:
            self.audit.append(user, action, detail=detail)

    def _refuse(self, user: str, status: int, title: str, why: str, **headers: str) -> TaxiiError:
        self._log(user, "compare.refused", {"status": status, "why": why})
        return TaxiiError(status, title, why, headers=dict(headers))

    @staticmethod
    def _claimed_size(body: dict[str, Any]) -> int | None:
        """The number of elements a request holds, read cheaply before any crypto."""
        if body.get("backend") == "keyed":
            digests = body.get("digests")
            return len(digests) if isinstance(digests, list) else None
        request = body.get("request")
        if not isinstance(request, str):
            return None
        try:
            return ecdh.request_size(request)
        except ValueError:
            return None

    def answer(self, user: str, rate_key: str, body: Any) -> dict[str, Any]:
        """Answer one comparison request from ``user`` (already authenticated)."""
        if not isinstance(body, dict):
            raise self._refuse(user, 400, "Bad Request", "body must be a JSON object")
        backend = body.get("backend")
        if backend not in self.backends:
            raise self._refuse(
                user,
                400,
                "Bad Request",
                f"backend {backend!r} not offered here (offered: {', '.join(self.backends)})",
            )
        reveal = body.get("reveal", False)
        if not isinstance(reveal, bool):
            raise self._refuse(user, 400, "Bad Request", "reveal must be true or false")
        if reveal and not self.reveal:
            raise self._refuse(
                user,
                403,
                "Forbidden",
                "revealing the shared identifiers needs both sides' consent, and this side "
                "has not consented (reveal: false); ask for the overlap size only",
            )
        size = self._claimed_size(body)
        if size is not None and not self.min_bucket <= size <= self.max_client:
            raise self._refuse(
                user,
                422,
                "Unprocessable Entity",
                f"the request holds {size} elements; pad to between {self.min_bucket} and "
                f"{self.max_client} (a smaller set would probe a few candidates at a time)",
            )
        wait = self.limiter.take(rate_key)
        if wait is None and size is not None:
            wait = self.budget.peek(rate_key, float(size))
            if wait is None:
                self.budget.take(rate_key, float(size))
            else:
                raise self._refuse(
                    user,
                    429,
                    "Too Many Requests",
                    f"comparison budget spent: at most {self.budget_elements} elements per "
                    "partner and period (each element is one candidate probed)",
                    **{"Retry-After": RateLimiter.retry_after_header(wait)},
                )
        if wait is not None:
            raise self._refuse(
                user,
                429,
                "Too Many Requests",
                "comparison rate limit reached for this partner (each comparison leaks a "
                "little; the limit bounds probing)",
                **{"Retry-After": RateLimiter.retry_after_header(wait)},
            )
        mine = pad(self.items.items, self.min_bucket)
        if backend == "ecdh":
            request = body.get("request")
            if not isinstance(request, str):
                raise self._refuse(user, 400, "Bad Request", "request: missing base64 PSI request")
            try:
                out: dict[str, Any] = ecdh.server_answer(mine, request, reveal, self.max_client)
            except ValueError as exc:
                raise self._refuse(user, 422, "Unprocessable Entity", str(exc)) from None
            except Exception as exc:  # the C++ library on hostile points: never a 500
                why = f"the PSI request could not be processed ({type(exc).__name__})"
                raise self._refuse(user, 422, "Unprocessable Entity", why) from None
            client_size = out.pop("client_size")
        else:
            nonce, theirs = body.get("nonce"), body.get("digests")
            if not isinstance(nonce, str) or not 16 <= len(nonce) <= 128:
                raise self._refuse(user, 400, "Bad Request", "nonce: 16 to 128 characters")
            if not isinstance(theirs, list) or not all(isinstance(d, str) for d in theirs):
                raise self._refuse(user, 400, "Bad Request", "digests: a list of hex strings")
            client_size = len(theirs)
            if not 1 <= client_size <= self.max_client:
                raise self._refuse(
                    user,
                    422,
                    "Unprocessable Entity",
                    f"{client_size} digests (allowed 1..{self.max_client})",
                )
            assert self.key is not None
            session = keyed.session_key(self.key, nonce)
            ours = set(keyed.digests(session, mine))
            common = [d for d in dict.fromkeys(theirs) if d in ours]
            out = {"size": len(common)}
            if reveal:
                out["matches"] = common
        self._log(
            user,
            "compare.answered",
            {
                "backend": backend,
                "reveal": reveal,
                "peer_padded": client_size,
                "our_padded": len(mine),
            },
        )
        out["backend"] = backend
        out["server_padded"] = len(mine)
        return out


@dataclass
class CompareResult:
    """What the asking side learned."""

    backend: str
    size: int
    ours: int
    our_padded: int
    peer_padded: int
    matches: list[str] | None = None
    guarantee: str = ""
    skipped: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        d = {
            "backend": self.backend,
            "overlap": self.size,
            "ours": self.ours,
            "our_padded": self.our_padded,
            "peer_padded": self.peer_padded,
            "guarantee": self.guarantee,
            "skipped": self.skipped,
        }
        if self.matches is not None:
            d["matches"] = self.matches
        return d


def _choose(backend: str, offered: list[str], have_key: bool) -> str:
    """The backend to use with a peer offering ``offered``: an explicit choice (argument or
    ``$VIGIE_PSI_BACKEND``) must be offered; ``auto`` means ECDH and nothing else.

    Why never fall back on our own: a hostile server offering only the keyed backend would
    then receive our keyed digests and, holding the key, brute-force them (it recovered all 50
    identifiers of a test list). The weaker backend is used only when asked for by name.
    """
    forced = backend != "auto" or os.environ.get(BACKEND_ENV, "auto").strip().lower() != "auto"
    if not isinstance(offered, list) or not all(isinstance(b, str) for b in offered):
        raise VigieError("compare: the peer's description of its backends is malformed")
    if forced:
        chosen = resolve_backend(backend)
        if chosen not in offered:
            raise VigieError(f"the peer offers {', '.join(offered) or 'no backend'}, not {chosen}")
        return chosen
    if "ecdh" in offered and ecdh.available():
        return "ecdh"
    if "keyed" in offered:
        raise VigieError(
            "the peer offers only the WEAKER keyed-hash backend (it could brute-force small "
            "domains from our digests); refusing to switch silently. Pass --backend keyed to "
            "accept it for this peer" + ("" if have_key else ", with the shared key")
        )
    raise VigieError(
        f"no common comparison backend: the peer offers {', '.join(offered) or 'none'}; "
        "install openmined.psi (pip install 'vigie[psi]')"
    )


def _peer_json(resp: Any) -> dict[str, Any]:
    """The peer's JSON answer as a mapping, or a clear error (a hostile or broken peer must
    not give us a traceback)."""
    try:
        data = resp.json()
    except (ValueError, RecursionError):
        raise VigieError("compare: the peer's answer is not JSON") from None
    if not isinstance(data, dict):
        raise VigieError("compare: the peer's answer is not a JSON object")
    return data


def _raise_for(resp: Any, what: str) -> None:
    if resp.status_code < 400:
        return
    try:
        body = resp.json()
        why = body.get("description") or body.get("title") or resp.text
    except ValueError:
        why = resp.text[:300]
    extra = ""
    if resp.status_code == 429 and resp.headers.get("retry-after"):
        extra = f" (retry after {resp.headers['retry-after']} s)"
    raise VigieError(f"{what}: the peer answered {resp.status_code}: {why}{extra}")


def check_peer(url: str, allow_plain_http: bool = False) -> None:
    """Refuse a peer URL that is no http(s) address, or plain http to another machine (the
    password travels with every request); the command line calls it before it asks for the
    password."""
    from urllib.parse import urlsplit

    from vigie.share.netaddr import is_loopback

    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise VigieError(f"--peer {url!r}: expected http(s)://host:port")
    if parts.scheme == "http" and not is_loopback(parts.hostname) and not allow_plain_http:
        raise VigieError(
            f"--peer {url}: refusing to send the password in clear to another machine; use "
            "https:// (or --allow-plain-http through an encrypted tunnel)"
        )


def compare_with_peer(
    url: str,
    items: ItemSet,
    *,
    user: str,
    password: str,
    reveal: bool = False,
    backend: str = "auto",
    key: bytes | None = None,
    min_bucket: int = 64,
    timeout: float = 120.0,
    allow_plain_http: bool = False,
) -> CompareResult:
    """Ask the peer at ``url`` how many of ``items`` it shares (which ones, with consent).

    A plain ``http://`` URL is refused unless it points at this machine (loopback) or
    ``allow_plain_http`` is set: the password travels with every request.
    """
    import httpx

    check_peer(url, allow_plain_http)

    if not items.items:
        raise VigieError(f"{items.source}: no identifier to compare")
    if bucket_size(len(items.items), min_bucket) > MAX_ELEMENTS:
        raise VigieError(
            f"{items.source}: {len(items.items)} identifiers pad to more than {MAX_ELEMENTS}, "
            "the most one comparison may hold; split the list"
        )
    base = url.rstrip("/") + "/compare/v1/"
    try:
        with httpx.Client(auth=(user, password), timeout=timeout) as http:
            info_resp = http.get(base, headers={"Accept": "application/json"})
            _raise_for(info_resp, "compare")
            info = _peer_json(info_resp)
            chosen = _choose(backend, info.get("backends", []), key is not None)
            floor = info.get("min_items", min_bucket)
            floor = floor if isinstance(floor, int) and 1 <= floor <= MAX_ELEMENTS else min_bucket
            mine = pad(items.items, max(min_bucket, floor))
            ceiling = info.get("max_items", MAX_ELEMENTS)
            ceiling = min(ceiling if isinstance(ceiling, int) else MAX_ELEMENTS, MAX_ELEMENTS)
            if len(mine) > ceiling:
                raise VigieError(
                    f"{items.source}: {len(items.items)} identifiers pad to {len(mine)}, more "
                    f"than the {ceiling} one comparison may hold; split the list"
                )
            body: dict[str, Any] = {"protocol": PROTOCOL, "backend": chosen, "reveal": reveal}
            session = None
            client = None
            if chosen == "ecdh":
                client = ecdh.ClientSession(mine, reveal)
                body["request"] = client.request()
            else:
                if key is None:
                    raise VigieError("the keyed fallback needs the shared key (--key-env)")
                nonce = secrets.token_hex(16)
                session = keyed.session_key(key, nonce)
                body.update(nonce=nonce, digests=keyed.digests(session, mine))
            resp = http.post(base + "run", json=body, headers={"Accept": "application/json"})
            _raise_for(resp, "compare")
            answer = _peer_json(resp)
    except httpx.HTTPError as exc:
        raise VigieError(f"cannot reach the peer at {url}: {exc}") from None
    try:
        return _result(chosen, answer, items, mine, reveal, client, session)
    except VigieError:
        raise
    except Exception as exc:  # malformed fields, bad base64, protobuf or curve errors
        raise VigieError(
            f"compare: the peer's answer is malformed ({type(exc).__name__}: {exc})"[:300]
        ) from None


def _result(
    chosen: str,
    answer: dict[str, Any],
    items: ItemSet,
    mine: list[str],
    reveal: bool,
    client: Any,
    session: bytes | None,
) -> CompareResult:
    """What the peer's answer tells us (raises on any malformed part)."""
    matches: list[str] | None = None
    if chosen == "ecdh":
        size = client.size(answer["setup"], answer["response"])
        if reveal:
            matches = sorted(e for e in client.matches(answer["setup"], answer["response"]))
    else:
        size = int(answer["size"])
        if reveal:
            assert session is not None
            by_digest = {keyed.digest(session, e): e for e in mine}
            found = answer.get("matches", [])
            if not isinstance(found, list):
                raise VigieError("compare: the peer's matches are not a list")
            matches = sorted(by_digest[d] for d in found if isinstance(d, str) and d in by_digest)
    if matches is not None:
        matches = [m for m in matches if not is_dummy(m)]
    return CompareResult(
        backend=chosen,
        size=size,
        ours=len(items.items),
        our_padded=len(mine),
        peer_padded=int(answer.get("server_padded", 0)),
        matches=matches,
        guarantee=GUARANTEES[chosen],
        skipped=len(items.skipped),
    )


def service_from_config(
    config: Any,
    *,
    audit: Any = None,
    items_path: Any = None,
    reveal: bool | None = None,
    backend: str | None = None,
) -> CompareService:
    """A ``CompareService`` from a server configuration's ``compare`` section (``ServerConfig``);
    ``items_path``, ``reveal`` and ``backend`` override the file (CLI flags)."""
    from vigie.share.psi.canon import load_items

    cfg = config.compare
    path = items_path or config.compare_items_path()
    if path is None:
        raise VigieError("nothing to compare: give --items or set compare.items in the config")
    if items_path is None and not Path(path).exists():
        # the configured list is optional: say how to do without it, not just "not found"
        raise VigieError(
            f"compare.items: {path} not found; create it (one identifier per line) or remove "
            "compare.items from the configuration to serve TAXII without private comparison "
            "(or run vigie share serve --no-compare)"
        )
    items = load_items(path)
    chosen = backend or cfg.backend
    key = None
    if chosen in ("auto", "keyed") and os.environ.get(cfg.key_env):
        key = keyed.load_key(cfg.key_env)
    elif chosen == "keyed":
        key = keyed.load_key(cfg.key_env)  # raises the explanatory error
    return CompareService(
        items,
        reveal=cfg.reveal if reveal is None else reveal,
        backend=chosen,
        key=key,
        max_items=cfg.max_items,
        min_bucket=cfg.min_bucket,
        per_hour=cfg.per_hour,
        burst=cfg.burst,
        min_trust=cfg.min_trust,
        audit=audit,
        budget_elements=cfg.budget_elements,
        budget_period_s=cfg.budget_period_h * 3600.0,
    )
