"""Accounts: organic users with heavy-tailed habits, public figures, and campaign accounts.

Why these choices: naive detectors flag the hyper-active, the young, the default-looking
handles and the big accounts. Real electorates contain all of these organically, so activity
and audiences are log-normal (heavy-tailed), account ages spread over years, some ordinary
users keep X's default ``Name12345678`` handles, and each user has habits of their own
(hour of day, taste for reposting, hashtags, links, writing casually). Campaign accounts are
younger and smaller on average but overlap the organic ranges; sleeper accounts are created
in a burst, which is the trace a creation-burst detector should find.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from vigie.exercise.textgen import Bank, const, join, with_nulls
from vigie.exercise.timeline import DAY, HOUR, TWITTER_EPOCH_MS, snowflake

TWITTER_EPOCH_US = TWITTER_EPOCH_MS * 1000

ROLE_ORGANIC = "organic"


def _ascii(s: str) -> str:
    return (
        unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode().lower().replace("-", "")
    )


@dataclass
class Population:
    """All accounts as columns; index = account row used by the post buffer."""

    handle: pa.Array
    display_name: pa.Array
    description: pa.Array
    created_at: np.ndarray
    followers: np.ndarray
    following: np.ndarray
    activity: np.ndarray
    repost_pref: np.ndarray
    hour_shift: np.ndarray
    casual: np.ndarray
    tag_rate: np.ndarray
    fav_tag: np.ndarray
    url_rate: np.ndarray
    role: list[str]
    campaign: np.ndarray
    n_organic: int
    candidates: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    media_outlets: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    account_id: pa.Array | None = None
    # the newsrooms, fact-checkers and journalists people tag, by kind ("outlet",
    # "fact_checker", "journalist"): set by the press_corps organic extra only
    press: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def n(self) -> int:
        return len(self.created_at)


def _names(b: Bank, rng: np.random.Generator, n: int) -> tuple[pa.Array, pa.Array]:
    """Display names and handles (ASCII, unique) from first and last name lists."""
    fi = b.pick(rng, "FIRST_NAMES", n, zipf=0.4)
    la = b.pick(rng, "LAST_NAMES", n, zipf=0.4)
    first = b.take("FIRST_NAMES", fi)
    last = b.take("LAST_NAMES", la)
    afirst = pa.array([_ascii(s) for s in b.module.FIRST_NAMES]).take(pa.array(fi))
    alast = pa.array([_ascii(s) for s in b.module.LAST_NAMES]).take(pa.array(la))
    digits2 = pa.array(rng.integers(1, 99, n)).cast(pa.string())
    digits8 = pa.array(rng.integers(10_000_000, 99_999_999, n)).cast(pa.string())
    style = rng.choice(5, size=n, p=[0.3, 0.2, 0.2, 0.15, 0.15])
    styles = [
        pc.binary_join_element_wise(afirst, alast, ""),
        pc.binary_join_element_wise(afirst, alast, digits2, ""),
        pc.binary_join_element_wise(afirst, alast, "_"),
        pc.binary_join_element_wise(pc.utf8_slice_codeunits(afirst, 0, 1), alast, digits2, ""),
        pc.binary_join_element_wise(pc.utf8_capitalize(afirst), digits8, ""),  # X's default handle
    ]
    handle = styles[0]
    for k in range(1, len(styles)):
        handle = pc.if_else(pa.array(style == k), styles[k], handle)
    dstyle = rng.random(n)
    initial = pc.binary_join_element_wise(pc.utf8_slice_codeunits(last, 0, 1), ".", "")
    display = pc.if_else(
        pa.array(dstyle < 0.7),
        join([first, last]),
        pc.if_else(pa.array(dstyle < 0.9), join([first, initial]), first),
    )
    return display, handle


def _dedupe(handle: pa.Array) -> pa.Array:
    """Make handles unique by suffixing later duplicates with their row number."""
    vals = np.asarray(handle.to_pylist(), dtype=object)
    _, first_idx = np.unique(vals, return_index=True)
    dup = np.ones(len(vals), bool)
    dup[first_idx] = False
    if not dup.any():
        return handle
    suffix = pa.array(np.arange(len(vals))).cast(pa.string())
    return pc.if_else(pa.array(dup), pc.binary_join_element_wise(handle, suffix, "_"), handle)


def _bios(b: Bank, rng: np.random.Generator, n: int, p: float) -> pa.Array:
    bio = join(
        [
            b.draw(rng, "BIO_FRAGMENTS", n, zipf=0.2),
            b.draw(rng, "BIO_FRAGMENTS", n, prob=0.5, zipf=0.2),
            b.draw(rng, "EMOJIS", n, prob=0.2),
        ]
    )
    return with_nulls(bio, rng.random(n) >= p)


def organic_population(b: Bank, rng: np.random.Generator, n: int, start_us: int) -> Population:
    """``n`` organic accounts; the first ones are the candidates and news outlets."""
    display, handle = _names(b, rng, n)
    cands = list(b.module.CANDIDATES)
    media = list(b.module.MEDIA)
    n_special = len(cands) + len(media)
    special_names = pa.array([c[0] for c in cands + media])
    special_handles = pa.array([c[1] for c in cands + media])
    display = pa.concat_arrays([special_names, display[n_special:]])
    handle = pa.concat_arrays([special_handles, handle[n_special:]])

    activity = rng.lognormal(0.0, 1.4, n)
    activity[: len(cands)] = np.quantile(activity, 0.999) * 3
    activity[len(cands) : n_special] = np.quantile(activity, 0.999) * 5
    z = rng.standard_normal(n)
    followers = np.exp(4.0 + 1.7 * z + 0.4 * np.log(activity)).astype(np.int64)
    followers[:n_special] = rng.lognormal(np.log(600_000), 0.8, n_special).astype(np.int64)
    following = np.exp(5.3 + 1.0 * rng.standard_normal(n) + 0.2 * z).astype(np.int64)
    # account age: from 2011 (after X's id epoch) to a month before the campaign, more recent
    oldest = max(start_us - int(16 * 365 * DAY), TWITTER_EPOCH_US + 30 * DAY)
    youngest = start_us - 30 * DAY
    created = youngest - (rng.random(n) ** 1.4 * (youngest - oldest)).astype(np.int64)
    created[:n_special] = oldest + (rng.random(n_special) * 3 * 365 * DAY).astype(np.int64)

    desc = _bios(b, rng, n, 0.65)
    desc = pa.concat_arrays([const("Compte officiel.", n_special), desc[n_special:]])
    return Population(
        handle=handle,
        display_name=display,
        description=desc,
        created_at=created,
        followers=followers,
        following=following,
        activity=activity,
        repost_pref=rng.beta(2.0, 3.0, n),
        hour_shift=rng.normal(0.0, 1.5, n),
        casual=rng.random(n) < 0.15,
        tag_rate=rng.gamma(0.6, 0.7, n),
        fav_tag=b.pick(rng, "HASHTAGS", n, zipf=1.0),
        url_rate=rng.beta(1.2, 4.0, n),
        role=[ROLE_ORGANIC] * n,
        campaign=np.full(n, -1, np.int64),
        n_organic=n,
        candidates=np.arange(len(cands)),
        media_outlets=np.arange(len(cands), n_special),
    )


def add_campaign_accounts(
    pop: Population,
    b: Bank,
    rng: np.random.Generator,
    campaign: int,
    roles: list[str],
    start_us: int,
    stealth: float,
    burst_at_us: int | None = None,
) -> np.ndarray:
    """Append one campaign's accounts; return their row numbers.

    Campaign accounts are younger and have smaller audiences than the average user, but the
    ranges overlap; with rising stealth they look more like everyone else (older, with bios,
    fewer default handles). Sleepers (``burst_at_us``) are all created within ~36 hours."""
    m = len(roles)
    display, handle = _names(b, rng, m)
    default_style = rng.random(m) < 0.55 * (1 - stealth)
    if default_style.any():
        d8 = pa.array(rng.integers(10_000_000, 99_999_999, m)).cast(pa.string())
        first = pc.utf8_slice_codeunits(display, 0, 6)
        default_h = pc.binary_join_element_wise(
            pc.utf8_capitalize(pc.replace_substring_regex(pc.utf8_lower(first), r"[^a-z]", "")),
            d8,
            "",
        )
        handle = pc.if_else(pa.array(default_style), default_h, handle)
    if burst_at_us is not None:
        created = burst_at_us + (rng.random(m) * 36 * HOUR).astype(np.int64)
    else:
        years = 0.1 + 3.5 * rng.random(m) ** (2.0 - stealth)
        created = start_us - (years * 365 * DAY).astype(np.int64)
    is_bot = np.array([r == "bot" for r in roles])
    followers = np.exp(2.6 + 0.8 * stealth + 1.2 * rng.standard_normal(m)).astype(np.int64)
    following = np.exp(5.6 + np.where(is_bot, 0.8, 0.0) + 0.8 * rng.standard_normal(m))
    activity = rng.lognormal(0.0, 0.8, m)
    pop.handle = pa.concat_arrays([pop.handle, handle])
    pop.display_name = pa.concat_arrays([pop.display_name, display])
    pop.description = pa.concat_arrays([pop.description, _bios(b, rng, m, 0.3 + 0.4 * stealth)])
    pop.created_at = np.concatenate([pop.created_at, created])
    pop.followers = np.concatenate([pop.followers, followers])
    pop.following = np.concatenate([pop.following, following.astype(np.int64)])
    pop.activity = np.concatenate([pop.activity, activity])
    pop.repost_pref = np.concatenate([pop.repost_pref, rng.beta(3.0, 2.0, m)])
    pop.hour_shift = np.concatenate([pop.hour_shift, rng.normal(0.0, 1.0, m)])
    pop.casual = np.concatenate([pop.casual, rng.random(m) < 0.1])
    pop.tag_rate = np.concatenate([pop.tag_rate, rng.gamma(0.8, 0.8, m)])
    pop.fav_tag = np.concatenate([pop.fav_tag, b.pick(rng, "HASHTAGS", m, zipf=1.0)])
    pop.url_rate = np.concatenate([pop.url_rate, rng.beta(1.2, 4.0, m)])
    pop.role.extend(roles)
    pop.campaign = np.concatenate([pop.campaign, np.full(m, campaign, np.int64)])
    return np.arange(pop.n - m, pop.n)


def assign_ids(pop: Population, rng: np.random.Generator) -> None:
    """X-style account ids from creation time (unique), and unique handles."""
    ms = pop.created_at // 1000
    ids = snowflake(ms, rng.integers(0, 1 << 22, pop.n))
    order = np.argsort(ids, kind="stable")
    dup = np.zeros(pop.n, bool)
    dup[order[1:]] = ids[order[1:]] == ids[order[:-1]]
    while dup.any():  # astronomically rare; resolved deterministically
        ids[dup] += 1
        order = np.argsort(ids, kind="stable")
        dup[:] = False
        dup[order[1:]] = ids[order[1:]] == ids[order[:-1]]
    pop.account_id = pa.array(ids).cast(pa.string())
    pop.handle = _dedupe(pop.handle)
