"""Padding sets with random dummies so that their sizes say little.

Why: in PSI each side learns the other's set *size*, which can itself be sensitive ("they
track 3 vulnerabilities" or "they hold 40,000 indicators"). Padding each set with random
dummies up to the next power of two (and at least ``min_bucket``) reveals only a bucket.
Dummies are 256-bit random strings in their own ``dummy:`` kind, so they can neither match a
real identifier nor one of the peer's dummies (probability 2^-256 per pair).
"""

from __future__ import annotations

import secrets


def bucket_size(n: int, min_bucket: int = 64) -> int:
    """The padded size: the next power of two ≥ ``max(n, min_bucket)``."""
    target = max(n, min_bucket, 1)
    return 1 << (target - 1).bit_length()


def pad(items: list[str], min_bucket: int = 64) -> list[str]:
    """``items`` followed by random dummies up to ``bucket_size``, in a random order.

    The order is shuffled (with the OS's CSPRNG) so that a peer learning intersection
    positions cannot tell real items from dummies by position.
    """
    size = bucket_size(len(items), min_bucket)
    padded = list(items) + [f"dummy:{secrets.token_hex(32)}" for _ in range(size - len(items))]
    rng = secrets.SystemRandom()
    rng.shuffle(padded)
    return padded


def is_dummy(element: str) -> bool:
    return element.startswith("dummy:")
