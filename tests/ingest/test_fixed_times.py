"""The hand-read paths for the fixed time shapes platforms write (``fixed_times``: X's v1.1
``created_at``, Meta's ``+0000`` timestamps, a spreadsheet's US minutes) must give exactly
what ``strptime`` gave, value or refusal, for every string: they exist for speed only
(``strptime`` was 40 % of an Apify ingest)."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from typing import Any

import pytest

from vigie.ingest import fixed_times, ira538, threads_api, x_v1
from vigie.ingest.records import time_of

MUTATIONS = "0123456789:-T+Z aAMonJ\u0660"


def _outcome(f: Any, value: str) -> tuple[Any, ...]:
    try:
        return ("ok", f(value))
    except ValueError as exc:
        return ("refused", type(exc).__name__, str(exc))


def _mutated(rng: random.Random, s: str) -> str:
    """``s`` with one character replaced, dropped or doubled (a damaged export)."""
    i = rng.randrange(len(s))
    op = rng.randrange(3)
    if op == 0:
        return s[:i] + rng.choice(MUTATIONS) + s[i + 1 :]
    if op == 1:
        return s[:i] + s[i + 1 :]
    return s[:i] + s[i] + s[i:]


def _v1_by_strptime(value: Any, name: str) -> datetime:
    if isinstance(value, str):
        try:
            return datetime.strptime(value.strip(), x_v1.V1_TIME).astimezone(UTC)
        except ValueError:
            pass
    return time_of(value, name)


def _meta_by_strptime(value: Any, name: str = "timestamp") -> Any:
    if isinstance(value, str):
        try:
            return time_of(datetime.strptime(value.strip(), threads_api.API_TIME), name)
        except ValueError:
            pass
    return time_of(value, name)


@pytest.mark.parametrize("seed", [1, 2])
def test_v1_times_read_by_hand_are_strptimes(seed: int) -> None:
    rng = random.Random(seed)
    fast = 0
    for _ in range(20_000):
        when = datetime.fromtimestamp(rng.randint(0, 4_000_000_000), UTC)
        s = when.strftime(x_v1.V1_TIME)
        if rng.random() < 0.3:
            s = _mutated(rng, s)
        fast += fixed_times.x_v1(s) is not None
        got = _outcome(lambda v: x_v1.v1_time(v, "created_at"), s)
        assert got == _outcome(lambda v: _v1_by_strptime(v, "created_at"), s), s
        if got[0] == "ok":
            assert got[1].tzinfo is UTC
    assert fast > 10_000  # the hand path is the one taken for X's own shape


@pytest.mark.parametrize(
    "value",
    [
        "Wed Oct 10 20:19:24 +0100 2018",  # another offset: strptime converts it
        "wed oct 10 20:19:24 +0000 2018",  # letter case: strptime ignores it
        "Wed Oct  1 20:19:24 +0000 2018",  # a padded one-digit day
        "Wed Feb 30 20:19:24 +0000 2018",  # no such day: refused
        " Wed Oct 10 20:19:24 +0000 2018 ",  # stray spaces
        "Wed Oct 1\u0660 20:19:24 +0000 2018",  # an Arabic-Indic digit
    ],
)
def test_v1_shapes_off_the_fixed_one_go_to_strptime(value: str) -> None:
    assert fixed_times.x_v1(value) is None
    got = _outcome(lambda v: x_v1.v1_time(v, "created_at"), value)
    assert got == _outcome(lambda v: _v1_by_strptime(v, "created_at"), value)


def test_meta_times_read_by_c_are_strptimes() -> None:
    rng = random.Random(7)
    fast = 0
    for _ in range(20_000):
        when = datetime.fromtimestamp(rng.randint(0, 4_000_000_000), UTC)
        s = when.strftime("%Y-%m-%dT%H:%M:%S+0000")
        if rng.random() < 0.3:
            s = _mutated(rng, s)
        fast += fixed_times.meta_api(s) is not None
        assert _outcome(threads_api.api_time, s) == _outcome(_meta_by_strptime, s), s
    assert fast > 10_000


def _ira_by_strptime(value: str) -> datetime:
    try:
        return datetime.strptime(value, "%m/%d/%Y %H:%M").replace(tzinfo=UTC)
    except ValueError:
        raise ira538.BadField(
            "publish_date", f"not month/day/year hour:minute: {value[:40]!r}"
        ) from None


def test_us_minutes_read_by_hand_are_strptimes() -> None:
    rng = random.Random(11)
    fast = 0
    for _ in range(20_000):
        when = datetime.fromtimestamp(rng.randint(0, 4_000_000_000), UTC)
        pad = rng.random() < 0.5  # Excel writes 10/1/2017 9:05, other tools 10/01/2017 09:05
        s = (
            f"{when.month:02d}/{when.day:02d}/{when.year} {when.hour:02d}:{when.minute:02d}"
            if pad
            else f"{when.month}/{when.day}/{when.year} {when.hour}:{when.minute:02d}"
        )
        if rng.random() < 0.3:
            s = _mutated(rng, s)
        fast += fixed_times.us_minute(s) is not None
        assert _outcome(ira538._time, s) == _outcome(_ira_by_strptime, s), s
    assert fast > 10_000
