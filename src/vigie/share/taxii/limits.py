"""Request size limit and per-partner rate limiting.

Why: the server faces partners' automation. A runaway script, or a hostile peer, must not be
able to fill the disk with one huge bundle (size limit, HTTP 413) or drown the server and
guess passwords quickly (token bucket per partner, and per client address before
authentication; HTTP 429 with ``Retry-After``). PSI comparisons get their own, much slower
bucket (see ``vigie.share.compare``): there every query leaks a little.
"""

from __future__ import annotations

import asyncio
import math
import threading
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class RateLimiter:
    """One token bucket per key: ``burst`` tokens, refilled at ``rate`` tokens per second.

    ``clock`` is injectable so that tests drive time explicitly instead of sleeping.
    """

    def __init__(
        self, rate: float, burst: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("rate must be > 0 and burst >= 1")
        self.rate = float(rate)
        self.burst = float(burst)
        self.clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, key: str, cost: float = 1.0) -> float | None:
        """Spend ``cost`` tokens of ``key``'s bucket: ``None`` if allowed, else the seconds
        to wait before retrying (the request is then refused and nothing is spent)."""
        now = self.clock()
        with self._lock:
            tokens, last = self._buckets.get(key, (self.burst, now))
            tokens = min(self.burst, tokens + (now - last) * self.rate)
            if tokens >= cost:
                self._buckets[key] = (tokens - cost, now)
                return None
            self._buckets[key] = (tokens, now)
            return (cost - tokens) / self.rate

    def peek(self, key: str, cost: float = 1.0) -> float | None:
        """Like ``take`` but spends nothing: ``None`` if ``cost`` tokens are available."""
        now = self.clock()
        with self._lock:
            tokens, last = self._buckets.get(key, (self.burst, now))
            tokens = min(self.burst, tokens + (now - last) * self.rate)
        return None if tokens >= cost else (cost - tokens) / self.rate

    @staticmethod
    def retry_after_header(wait_s: float) -> str:
        """``Retry-After`` takes whole seconds; round up so that the retry succeeds."""
        return str(max(1, math.ceil(wait_s)))


class LockOut:
    """Failed logins per (account, client address), with exponential back-off.

    Why per pair and not per address or per account: locking an *address* lets one guesser
    behind a NAT lock out every analyst behind it; locking an *account* lets anyone lock a
    partner out from anywhere. Keyed by the pair, a guesser only ever locks itself: after
    ``threshold`` failures the pair waits ``base_s``, then twice as long after each further
    failure (capped at ``max_s``); a success clears it. A pair that authenticated recently is
    remembered as *known* (``is_known``), which exempts it from the per-address flood brake.
    """

    def __init__(
        self,
        threshold: int = 5,
        base_s: float = 2.0,
        max_s: float = 900.0,
        known_ttl_s: float = 86_400.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.threshold = threshold
        self.base_s = base_s
        self.max_s = max_s
        self.known_ttl_s = known_ttl_s
        self.clock = clock
        self._fails: dict[str, tuple[int, float]] = {}  # pair -> (failures, locked until)
        self._known: dict[str, float] = {}  # pair -> last success
        self._lock = threading.Lock()

    @staticmethod
    def pair(user: str, addr: str) -> str:
        return f"{user.casefold()}|{addr}"

    def locked(self, key: str) -> float | None:
        """Seconds this pair must still wait, or ``None``."""
        now = self.clock()
        with self._lock:
            _, until = self._fails.get(key, (0, 0.0))
        return until - now if until > now else None

    def fail(self, key: str) -> None:
        now = self.clock()
        with self._lock:
            if len(self._fails) > 100_000:  # bound memory under a flood of invented names
                self._fails = {k: v for k, v in self._fails.items() if v[1] > now}
            count, _ = self._fails.get(key, (0, 0.0))
            count += 1
            until = 0.0
            if count >= self.threshold:
                until = now + min(self.max_s, self.base_s * 2 ** (count - self.threshold))
            self._fails[key] = (count, until)

    def succeed(self, key: str) -> None:
        now = self.clock()
        with self._lock:
            self._fails.pop(key, None)
            if len(self._known) > 100_000:
                self._known = {k: t for k, t in self._known.items() if now - t < self.known_ttl_s}
            self._known[key] = now

    def is_known(self, key: str) -> bool:
        with self._lock:
            last = self._known.get(key)
        return last is not None and self.clock() - last < self.known_ttl_s


class BodyLimitMiddleware:
    """ASGI middleware refusing request bodies larger than ``max_bytes`` with 413.

    It checks ``Content-Length`` first and also counts the bytes actually received, so a
    chunked upload without a length cannot get past the limit. The body is buffered (it is
    bounded by the limit) and replayed to the application.
    """

    def __init__(
        self,
        app: ASGIApp,
        max_bytes: int,
        on_reject: Callable[[Scope, int], Message],
        before_body: Callable[[Scope], Awaitable[ASGIApp | None]] | None = None,
        body_timeout_s: float | None = None,
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.on_reject = on_reject  # builds the (status, headers, body) of the 413 answer
        # checked on the headers alone, before one byte of a body is read (authentication:
        # an unauthenticated upload is refused without reading it)
        self.before_body = before_body
        # a body that trickles in slower than this, in total, is cut off with 408
        self.body_timeout_s = body_timeout_s

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None:
            try:
                size = int(declared)
            except ValueError:
                size = -1
            if size > self.max_bytes:
                await self._reject(scope, send, size)
                return
        if self.before_body is not None and scope.get("method") in ("POST", "PUT", "PATCH"):
            refusal = await self.before_body(scope)
            if refusal is not None:
                await refusal(scope, receive, send)
                return
        chunks: list[bytes] = []
        total = 0
        more = True
        deadline = None if self.body_timeout_s is None else time.monotonic() + self.body_timeout_s
        while more:
            try:
                if deadline is None:
                    message = await receive()
                else:
                    left = max(0.001, deadline - time.monotonic())
                    message = await asyncio.wait_for(receive(), timeout=left)
            except TimeoutError:
                await self._reject(scope, send, total, timeout=True)
                return
            if message["type"] == "http.disconnect":
                return
            body = message.get("body", b"")
            total += len(body)
            if total > self.max_bytes:
                await self._reject(scope, send, total)
                return
            chunks.append(body)
            more = message.get("more_body", False)
        data = b"".join(chunks)
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": data, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _reject(self, scope: Scope, send: Send, size: int, timeout: bool = False) -> None:
        if timeout:
            body = (
                b'{"title": "Request Timeout", "http_status": "408", "description": '
                b'"the request body did not arrive in time"}'
            )
            answer: Message = {
                "status": 408,
                "headers": [(b"content-type", b"application/taxii+json;version=2.1")],
                "body": body,
            }
        else:
            answer = self.on_reject(scope, size)
        await send(
            {
                "type": "http.response.start",
                "status": answer["status"],
                "headers": answer["headers"],
            }
        )
        await send({"type": "http.response.body", "body": answer["body"]})
