"""Token buckets and the failed-authentication lockout, with an injected clock."""

from __future__ import annotations

from vigie.share.taxii.limits import RateLimiter


class Clock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def test_token_bucket_burst_refill_and_retry_after() -> None:
    clock = Clock()
    rl = RateLimiter(rate=0.5, burst=2, clock=clock)
    assert rl.take("a") is None and rl.take("a") is None
    wait = rl.take("a")
    assert wait == 2.0 and RateLimiter.retry_after_header(wait) == "2"
    assert rl.take("b") is None  # buckets are per key
    clock.t += 1.0
    assert rl.take("a") == 1.0  # half a token refilled: one more second
    clock.t += 1.0
    assert rl.take("a") is None
    clock.t += 100
    assert rl.peek("a") is None
    assert rl.take("a") is None and rl.take("a") is None and rl.peek("a") == 2.0
    assert RateLimiter.retry_after_header(0.01) == "1"
