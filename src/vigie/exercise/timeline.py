"""Time and identifier helpers: day/night rhythm, reaction delays, X-style snowflake ids.

Why: naive detectors are fooled by synchrony that is merely human (everyone posts at 21:00,
everyone reacts to the 20:00 news), so organic times must follow a day/night rhythm with
per-user habits, and reaction delays must be heavy-tailed. Identifiers follow X's snowflake
layout (time in the high bits) so that ordering by id is ordering by time, as on the platform,
and so that ids never leak which accounts belong to a campaign.
"""

from __future__ import annotations

import zlib

import numpy as np

US = 1_000_000
HOUR = 3600 * US
DAY = 24 * HOUR
TWITTER_EPOCH_MS = 1_288_834_974_657

# Share of a day's posts per local hour (0..23): quiet nights, lunch and evening peaks.
DIURNAL = np.array(
    [
        2.2,
        1.3,
        0.8,
        0.5,
        0.4,
        0.6,
        1.4,
        3.0,
        4.6,
        5.0,
        5.0,
        5.3,
        6.0,
        5.8,
        5.0,
        4.8,
        4.8,
        5.2,
        5.8,
        6.4,
        7.0,
        7.6,
        6.8,
        4.6,
    ]  # fmt: skip
)
DIURNAL_CDF = np.cumsum(DIURNAL) / DIURNAL.sum()


def rng_for(seed: int, name: str) -> np.random.Generator:
    """An independent random stream per component, so that changing one component of the
    generator does not shift the draws of the others (reproducibility by component)."""
    return np.random.default_rng(np.random.SeedSequence([int(seed), zlib.crc32(name.encode())]))


def local_hours(rng: np.random.Generator, n: int) -> np.ndarray:
    """Fractional local hours drawn from the day/night rhythm."""
    h = np.searchsorted(DIURNAL_CDF, rng.random(n), side="right")
    return np.minimum(h, 23) + rng.random(n)


def sample_times(
    rng: np.random.Generator,
    n: int,
    start_us: int,
    end_us: int,
    utc_offset_h: float,
    *,
    ramp: float = 1.5,
    hour_shift: np.ndarray | None = None,
) -> np.ndarray:
    """``n`` timestamps (UTC µs) in [start, end): activity grows towards election day by a
    factor ``1 + ramp``, follows the local day/night rhythm, and each post can carry its
    author's habitual shift in hours (night owls, early birds)."""
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    offset = int(utc_offset_h * HOUR)
    # whole local days covering [start, end); out-of-range draws are redrawn (no pile-ups)
    first_midnight = ((start_us + offset) // DAY) * DAY - offset
    ndays = max(1, int(np.ceil((end_us - first_midnight) / DAY)))
    w = 1.0 + ramp * np.arange(ndays) / max(1, ndays - 1)
    cdf = np.cumsum(w) / w.sum()
    shift = np.zeros(n) if hour_shift is None else np.asarray(hour_shift, dtype=np.float64)
    todo = np.arange(n)
    result = np.empty(n, dtype=np.int64)
    for _ in range(64):
        k = todo.size
        day = np.minimum(np.searchsorted(cdf, rng.random(k), side="right"), ndays - 1)
        hours = local_hours(rng, k) + shift[todo]
        t = first_midnight + day * DAY + (hours * HOUR).astype(np.int64)
        ok = (t >= start_us) & (t < end_us)
        result[todo[ok]] = t[ok]
        todo = todo[~ok]
        if todo.size == 0:
            return result
    # windows shorter than the rhythm's support: spread the rest uniformly
    result[todo] = start_us + (rng.random(todo.size) * (end_us - start_us)).astype(np.int64)
    return result


def wrap(t: np.ndarray, start_us: int, end_us: int) -> np.ndarray:
    """Fold times back into [start, end) (keeps the rhythm, avoids pile-ups at the edges)."""
    return start_us + np.mod(t - start_us, end_us - start_us)


def after(
    rng: np.random.Generator, t0: np.ndarray, median_s: float, sigma: float, end_us: int
) -> np.ndarray:
    """Reaction times: ``t0`` plus a log-normal delay (at least one second), kept before
    ``end_us`` by folding the delay into the time left (so a reaction never precedes its
    cause)."""
    d = (rng.lognormal(np.log(median_s), sigma, size=len(t0)) * US).astype(np.int64) + US
    room = np.maximum(end_us - 1 - t0, 1)
    return t0 + np.where(d < room, d, np.mod(d, room))


def jittered(rng: np.random.Generator, t0: np.ndarray, scale_s: float, end_us: int) -> np.ndarray:
    """Campaign timing: the action time plus an exponential jitter of mean ``scale_s``."""
    d = (rng.exponential(scale_s, size=len(t0)) * US).astype(np.int64) + int(0.5 * US)
    return np.minimum(t0 + d, end_us - 1)


def snowflake(ms: np.ndarray, low: np.ndarray) -> np.ndarray:
    """X-style ids: milliseconds since the X epoch in the high bits, ``low`` (< 2**22)."""
    return ((ms.astype(np.int64) - TWITTER_EPOCH_MS) << 22) | (low.astype(np.int64) & 0x3FFFFF)
