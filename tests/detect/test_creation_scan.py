"""Creation bursts as a scan, with known answers: two batches a fortnight apart, each slow on
its first day, are found to their first account, and the steady background is in a burst
only where a batch's window holds it."""

from __future__ import annotations

import duckdb
import numpy as np
import pyarrow as pa

from vigie.detect import creation
from vigie.detect.config import DEFAULTS

DAY = 86400.0


class _Engine:
    """What ``creation.bursts`` reads of an engine: the accounts' creation times."""

    has_accounts = True

    def __init__(self, t: np.ndarray) -> None:
        self.con = duckdb.connect()
        self.con.register(
            "created_", pa.table({"aid": np.arange(t.size, dtype=np.int32), "created": t})
        )
        self.con.execute("CREATE TABLE acc_created AS SELECT * FROM created_")


def _batch(day0: float, first: int = 14) -> np.ndarray:
    """A batch registered over four days: ``first`` accounts on its first day, then 22 a day
    (the #MacronLeaks amplifiers' batches were some 75 accounts over four days)."""
    one = day0 * DAY + np.arange(first) * (DAY / first) + 100
    rest = (day0 + 1) * DAY + np.arange(66) * (3 * DAY / 66) + 100
    return np.concatenate([one, rest])


def test_two_batches_a_fortnight_apart_are_found_to_their_first_account() -> None:
    background = np.arange(0, 400 * DAY, DAY / 4)  # four sign-ups a day, every day
    a, b = _batch(200), _batch(214)
    t = np.sort(np.concatenate([background, a, b]))
    cfg, general = DEFAULTS["creation_burst"], DEFAULTS["general"]
    found = creation.bursts(_Engine(t), cfg, general)
    batch = np.isin(found.t, np.concatenate([a, b]))
    assert found.burst[batch].all(), int((~found.burst[batch]).sum())
    # the background is in a burst only inside a batch's days (its windows hold them)
    near_batch = ((found.t > 199 * DAY) & (found.t < 205 * DAY)) | (
        (found.t > 213 * DAY) & (found.t < 219 * DAY)
    )
    assert not found.burst[~batch & ~near_batch].any()
    assert found.burst[~batch].sum() <= 2 * 5 * 4
    # every burst account reports a passing window: at least min_accounts, beyond chance
    assert (found.near[found.burst] >= cfg["min_accounts"]).all()
    assert (found.p[found.burst] < general["alpha"] / 400).all()
    # one scan alone, its baseline raised by the other batch and the batch's own days, left
    # the slow first day of each batch out
    n_bins = int((t[-1] - t[0]) // DAY) + 1
    one, _ = creation._scan(found.aid, found.t, DAY, cfg, general, n_bins)
    assert 0 < (~one.burst[batch]).sum() <= 2 * 14
    assert not (one.burst & ~found.burst).any()  # the second scan keeps the first's bursts


def test_a_steady_background_holds_no_burst() -> None:
    rng = np.random.default_rng(3)
    t = np.sort(rng.uniform(0, 400 * DAY, 1600))  # four a day, at random
    found = creation.bursts(_Engine(t), DEFAULTS["creation_burst"], DEFAULTS["general"])
    assert not found.burst.any()


def _null(rng: np.random.Generator, per_day: float, days: int, to_the_day: bool) -> np.ndarray:
    t = np.sort(rng.uniform(0, days * DAY, int(per_day * days)))
    return np.floor(t / DAY) * DAY if to_the_day else t


def test_no_burst_at_the_ends_of_the_range_nor_from_dates_given_to_the_day() -> None:
    """Forty sign-ups a day for 400 days, at random: no burst in 20 draws. Before, the
    windows at the first and last creations took their baseline from one side but divided
    it as if both were there (a false burst at each end, in 99 of 100 draws with times to
    the second), and creation dates given to the day (Information Operations archives give
    them so) put a day's creations at one instant that a window closed at both ends counted
    twice (every account a burst)."""
    cfg, general = DEFAULTS["creation_burst"], DEFAULTS["general"]
    rng = np.random.default_rng(11)
    for to_the_day in (False, True):
        for _ in range(10):
            t = _null(rng, 40, 400, to_the_day)
            assert not creation.bursts(_Engine(t), cfg, general).burst.any(), to_the_day


def test_a_batch_dated_to_the_day_is_found() -> None:
    """The first test's two batches with their creation dates cut to the day."""
    background = np.arange(0, 400 * DAY, DAY / 4)
    a, b = np.floor(_batch(200) / DAY) * DAY, np.floor(_batch(214) / DAY) * DAY
    t = np.sort(np.concatenate([background, a, b]))
    found = creation.bursts(_Engine(t), DEFAULTS["creation_burst"], DEFAULTS["general"])
    batch_days = ((t >= 200 * DAY) & (t < 204 * DAY)) | ((t >= 214 * DAY) & (t < 218 * DAY))
    assert found.burst[batch_days].all()
    # outside, only the day before a batch (a window beginning then holds its first day)
    near = ((t >= 199 * DAY) & (t < 204 * DAY)) | ((t >= 213 * DAY) & (t < 218 * DAY))
    assert not found.burst[~near].any()
