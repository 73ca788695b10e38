"""Request size limit and per-partner rate limiting.

Why: the server faces partners' automation. A runaway script, or a hostile peer, must not be
able to fill the disk with one huge bundle (size limit, HTTP 413) or drown the server and
guess passwords quickly (token bucket per partner, and per client address before
authentication; HTTP 429 with ``Retry-After``). PSI comparisons get their own, much slower
bucket (see ``vigie.share.compare``): there every query leaks a little.
"""

from __future__ import annotations

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


class BodyLimitMiddleware:
    """ASGI middleware refusing request bodies larger than ``max_bytes`` with 413.

    It checks ``Content-Length`` first and also counts the bytes actually received, so a
    chunked upload without a length cannot get past the limit. The body is buffered (it is
    bounded by the limit) and replayed to the application.
    """

    def __init__(
        self, app: ASGIApp, max_bytes: int, on_reject: Callable[[Scope, int], Message]
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.on_reject = on_reject  # builds the (status, headers, body) of the 413 answer

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
        chunks: list[bytes] = []
        total = 0
        more = True
        while more:
            message = await receive()
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

    async def _reject(self, scope: Scope, send: Send, size: int) -> None:
        answer = self.on_reject(scope, size)
        await send(
            {
                "type": "http.response.start",
                "status": answer["status"],
                "headers": answer["headers"],
            }
        )
        await send({"type": "http.response.body", "body": answer["body"]})
