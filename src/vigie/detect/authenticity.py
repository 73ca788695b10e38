"""Coordinated, and how likely inauthentic: indicators per group, never a verdict.

Why: coordination is not inauthenticity. A newsroom and the RSS bots that post its links
within seconds, a fandom voting together, a party's accounts pushing one hashtag all
coordinate in the open. An analyst needs, beside "these accounts act together", what
points to hidden, fabricated identities (the markers platform takedown reports and the
research literature keep citing: batches of accounts created together, default handles,
empty profiles, accounts young when they started posting, one posting client shared by
all, a rhythm that follows one time zone's office hours, identical names or bios) and
what points to open, accountable ones (long-lived public identities with many followers,
an outlet and its feeds). Every group stays in the Findings; this only annotates.

Unknown is not evidence: a profile field that is null (the Dataset does not have it) never
fires an indicator; the indicator is listed as ``"<name>: unknown (...)"`` instead.

``inauthenticity_score`` in [0, 1], built so that it *ranks*: each indicator ``i`` gives a
strength ``s_i`` in [0, 1] (mostly the share of members, among those whose field is known,
that show it, so 3 of 10 default handles weigh less than 9 of 10) and has a weight ``w_i``
(how specific it is to fabricated accounts: a creation burst more than an empty bio); the
score is the noisy-OR ``1 - prod(1 - w_i * s_i)``. Every ``w_i`` < 1, so the score never
reaches 1.0, and two groups differ as soon as their shares differ. A score of 0 with
"unknown" indicators means "no evidence either way", not "authentic".

``likely_authentic`` is true when an authenticity reason holds for most of the group
(an outlet and its feeds, or a press group's outlets each with theirs; or most members
long-lived public identities) and the inauthenticity score stays below ``0.5``.
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa

from vigie.detect.chance import poisson_sf
from vigie.detect.engine import creation_known_sql
from vigie.detect.machinetext import own_slip_sql, own_text_sql
from vigie.detect.textreposts import TEXT_REPOST_HANDLE
from vigie.schema import STR_LIST, Dataset

DAY = 86400.0
BURST_WINDOW_S = 3 * DAY  # accounts created within three days of each other
YOUNG_S = 30 * DAY  # account younger than a month at its first post in the Dataset
LONG_LIVED_S = 2 * 365 * DAY  # a public identity older than two years
PUBLIC_FOLLOWERS = 10_000  # followers of a public identity / an outlet
MIN_RHYTHM_POSTS = 30  # fewer posts say nothing about a weekly rhythm
FEED_SHARE = 0.5  # a member is a feed when at least half its posts relay the hub
MIN_WORK_HOURS = 4  # an office rhythm fills at least 4 of the 9 working hours
MIN_KEY = 5  # a public identity's handle or name must be this long to be looked for
_MAX_NAMED = 4  # identities a reason names before "N more"
LIST_MENTIONS = 5  # a handle list names at least this many accounts ...
LIST_SHARE = 0.5  # ... and its mentions are at least half of its words
_MENTION = re.compile(r"(?<![\w@])@([A-Za-z0-9_]{1,30})")

# name + digits: X gives new accounts a handle made of the display name and 8 digits
# (e.g. "MarieDupont84529173"); other platforms' defaults are similar (user + digits)
DEFAULT_HANDLE = re.compile(r"^[A-Za-z][A-Za-z_]{0,14}[0-9]{6,10}$")

WEIGHTS: dict[str, float] = {
    "creation_burst": 0.6,
    "machine_text": 0.6,
    "default_handles": 0.5,
    "common_ownership": 0.5,
    "young_accounts": 0.45,
    "shared_client": 0.4,
    "office_hours": 0.4,
    "empty_profiles": 0.35,
}
FIRE_AT = 0.5  # an indicator is named (fired) when its strength reaches this
MACHINE_SHARE = 0.25  # a language model's slip by a quarter of the members: full strength
MIN_MACHINE = 2  # ... and by two members at least (one slip may be a quote or a joke)

# first-party clients say nothing about ownership (most people use them)
OFFICIAL_CLIENTS = {
    "twitter for iphone",
    "twitter for android",
    "twitter web app",
    "twitter web client",
    "twitter for ipad",
    "twitter for mac",
    "mobile web (m2)",
    "facebook",
    "instagram",
    "web",
    "ios",
    "android",
}
CLIENT_COLUMNS = ("source", "client", "app", "via")


@dataclass
class Indicator:
    """One indicator for one group: its strength in [0, 1] and the words that explain it;
    ``known`` false when the Dataset lacks the fields it reads."""

    name: str
    strength: float
    text: str
    known: bool = True

    @property
    def fired(self) -> bool:
        return self.known and self.strength >= FIRE_AT

    def label(self) -> str:
        return f"{self.name}: {self.text}" if self.known else f"{self.name}: unknown ({self.text})"


def _frac(n: int, d: int) -> str:
    return f"{n} of {d} members"


def _creation_burst(created: list[float | None]) -> Indicator:
    ts = sorted(t for t in created if t is not None)
    if len(ts) < 3:
        return Indicator("creation_burst", 0.0, "fewer than 3 creation dates", False)
    arr = np.asarray(ts)
    ends = np.searchsorted(arr, arr + BURST_WINDOW_S, side="right")
    best_i = int(np.argmax(ends - np.arange(arr.size)))
    best = int(ends[best_i] - best_i)
    strength = best / arr.size if best >= 3 else 0.0
    day = _day(arr[best_i])
    return Indicator(
        "creation_burst",
        strength,
        f"{_frac(best, arr.size)} with a known date created within 3 days (from {day})",
    )


def _day(t: float) -> str:
    import datetime as dt

    return dt.datetime.fromtimestamp(t, dt.UTC).strftime("%Y-%m-%d")


def _default_handles(handles: list[str | None]) -> Indicator:
    known = [h for h in handles if h]
    if not known:
        return Indicator("default_handles", 0.0, "no handles", False)
    hits = [h for h in known if DEFAULT_HANDLE.match(h)]
    ex = f" (e.g. @{hits[0]})" if hits else ""
    return Indicator(
        "default_handles",
        len(hits) / len(known),
        f"{_frac(len(hits), len(known))} with a known handle have a name + digits handle{ex}",
    )


def _empty_profiles(names: list[str | None], descs: list[str | None]) -> Indicator:
    # empty = the platform said "nothing here" (""), not null (we were not told)
    pairs = [(n, d) for n, d in zip(names, descs, strict=True) if n is not None or d is not None]
    if not pairs:
        return Indicator("empty_profiles", 0.0, "no display names or descriptions", False)
    empty = sum(
        1 for n, d in pairs if (n is None or not n.strip()) and (d is None or not d.strip())
    )
    return Indicator(
        "empty_profiles",
        empty / len(pairs),
        f"{_frac(empty, len(pairs))} with a known profile have no display name and no bio",
    )


def _young_accounts(created: list[float | None], first_post: list[float | None]) -> Indicator:
    ages = [p - c for c, p in zip(created, first_post, strict=True) if c is not None and p]
    if not ages:
        return Indicator("young_accounts", 0.0, "no creation dates", False)
    young = sum(1 for a in ages if a < YOUNG_S)
    return Indicator(
        "young_accounts",
        young / len(ages),
        f"{_frac(young, len(ages))} with a known creation date were under 30 days old "
        "at their first post here",
    )


def _machine_text(slips: list[str | None], known: bool) -> Indicator:
    """Members who posted what a language model writes of itself or when it refuses
    (``machinetext``): a slip is rare and most of an operation's posts come out clean, so a
    quarter of the members (``MACHINE_SHARE``), two at least, is full strength."""
    if not known:
        return Indicator("machine_text", 0.0, "no texts of the members' own in the data", False)
    hits = [x for x in slips if x]
    n = len(slips)
    strength = min(1.0, len(hits) / (MACHINE_SHARE * n)) if n and len(hits) >= MIN_MACHINE else 0.0
    ex = ""
    if hits:
        one = " ".join(hits[0].split())
        ex = f' (e.g. "{one[:80]}{"..." if len(one) > 80 else ""}")'
    return Indicator(
        "machine_text",
        strength,
        f"{_frac(len(hits), n)} posted what a language model writes of itself or when it "
        f"refuses{ex}",
    )


def _shared_client(clients: list[str | None]) -> Indicator:
    known = [c for c in clients if c]
    if not known:
        return Indicator("shared_client", 0.0, "no posting client in the data", False)
    top, n = Counter(known).most_common(1)[0]
    if top.strip().lower() in OFFICIAL_CLIENTS:
        return Indicator(
            "shared_client", 0.0, f"most members post with the official client '{top}'"
        )
    return Indicator(
        "shared_client",
        n / len(known),
        f"{_frac(n, len(known))} post mostly with the same third-party client '{top}'",
    )


def _office_hours(times: np.ndarray) -> Indicator:
    """Share of posts on weekdays 09:00-18:00 in the best-fitting UTC offset, rescaled so
    that a flat week (45/168 of hours) gives 0 and all posts inside gives 1."""
    if times.size < MIN_RHYTHM_POSTS:
        return Indicator("office_hours", 0.0, f"fewer than {MIN_RHYTHM_POSTS} posts", False)
    base = 45.0 / 168.0
    best, best_off = 0.0, 0
    for off in range(-12, 15):
        local = times + off * 3600.0
        hour = np.floor(local / 3600.0) % 24
        dow = (np.floor(local / DAY) + 3) % 7  # 1970-01-01 was a Thursday; 0 = Monday
        frac = float(np.mean((dow < 5) & (hour >= 9) & (hour < 18)))
        if frac > best:
            best, best_off = frac, off
    strength = max(0.0, (best - base) / (1.0 - base))
    # humans post evenings and weekends too: only a strong concentration is telling
    strength = max(0.0, (strength - 0.3) / 0.7)
    # ... and a working day is spread over its hours: a weekly evening event (a show night,
    # a debate) packed into one or two hours fits office hours in some far time zone
    local = times + best_off * 3600.0
    hour = (np.floor(local / 3600.0) % 24).astype(np.int64)
    dow = (np.floor(local / DAY) + 3) % 7
    inside = hour[(dow < 5) & (hour >= 9) & (hour < 18)]
    filled = int(np.sum(np.bincount(inside - 9, minlength=9) >= max(1, 0.03 * inside.size)))
    if filled < MIN_WORK_HOURS:
        strength = 0.0
    return Indicator(
        "office_hours",
        strength,
        f"{best:.0%} of {times.size} posts fall on weekdays 09-18 h in UTC{best_off:+d}"
        + ("" if filled >= MIN_WORK_HOURS else f", but in only {filled} of those 9 hours"),
    )


def _ident(v: str | None) -> str:
    """A display name or bio as compared: case and edge whitespace aside."""
    return (v or "").strip().lower()


COMMON_P = 1e-3
"""A name or bio shared by members says "one owner" only when this many members holding it
would be this unlikely (Poisson tail) if the group were like the rest of the Dataset."""

Baseline = dict[str, tuple[int, dict[str, int]]]
"""Per profile field (``display_name``, ``description``): the Dataset's accounts with a
value in it, and how many of them hold each value that a member or author read holds
(compared by ``_ident``)."""


def _common_ownership(
    names: list[str | None],
    descs: list[str | None],
    declared: bool = False,
    baseline: Baseline | None = None,
) -> Indicator:
    """Members sharing an identical display name or bio. ``declared``: the names and bios
    left out (None) are those of members that name their owner (known, not hidden).

    ``baseline``: how common each value is among all the Dataset's accounts. Why: people
    write the same short bios ("Papa de 2 enfants", "Proud mom, wife, patriot.") and carry
    the same names; a value shared by members counts only when more of them hold it than
    chance would give if the group were like the rest of the Dataset (``COMMON_P``). A
    template copied across an operation's accounts is rare outside it and still counts; a
    Dataset holding nothing but the group has nothing to compare with, so every shared
    value counts, as before."""
    if all(v is None for v in names) and all(v is None for v in descs):
        if declared:
            return Indicator("common_ownership", 0.0, "every name or bio declares its owner")
        return Indicator("common_ownership", 0.0, "no display names or descriptions", False)
    shared: set[int] = set()
    examples: list[str] = []
    common: dict[str, int] = {}  # shared values as common outside the group: how many hold them
    for field, col in (("display_name", names), ("description", descs)):
        vals = [_ident(v) for v in col]
        counts = Counter(v for v in vals if v)
        known = sum(counts.values())
        n_all, totals = (baseline or {}).get(field, (known, {}))
        others = max(n_all - known, 0)
        tested = {v: k for v, k in counts.items() if k >= 2}
        if not tested:
            continue
        keys = list(tested)
        outside = np.array([max(totals.get(v, 0) - tested[v], 0) for v in keys], np.float64)
        lam = known * outside / others if others else np.zeros(len(keys))
        p = poisson_sf(np.array([tested[v] for v in keys], np.float64), lam)
        rare = {v for v, pv in zip(keys, p, strict=True) if pv <= COMMON_P}
        for v, out in zip(keys, outside, strict=True):
            if v not in rare:
                common.setdefault(v, int(out))
        for i, v in enumerate(vals):
            if v in rare:
                shared.add(i)
                if v not in examples:
                    examples.append(v)
    n = len(names)
    ex = f" (e.g. '{examples[0][:40]}')" if examples else ""
    text = f"{_frac(len(shared), n)} share an identical display name or bio with another{ex}"
    if common:
        v, out = max(common.items(), key=lambda kv: kv[1])
        text += (
            f"; not counted: {len(common)} shared value(s) as common among the Dataset's "
            f"other accounts (e.g. '{v[:40]}', held by {out:,} of them)"
        )
    return Indicator("common_ownership", len(shared) / n if n else 0.0, text)


# --- authenticity -------------------------------------------------------------------------


def _label(domain: str) -> str:
    return re.sub(r"[^a-z0-9]", "", domain.split(".")[0].lower())


def _norm(s: str | None) -> str:
    return re.sub(r"[^a-z0-9]", "", (s or "").lower())


def _own_domain(handle: str | None, name: str | None, domain: str | None) -> bool:
    """The account's name is its main domain's name (``lemonde`` posting ``lemonde.fr``)."""
    if not domain:
        return False
    lab = _label(domain)
    if len(lab) < 3:
        return False
    return any(lab and len(x) >= 3 and (lab in x or x in lab) for x in (_norm(handle), _norm(name)))


def annotate(
    dataset: Dataset,
    groups: pa.Table,
    members: pa.Table,
    text_reposts: bool = False,
    by_platform: bool = False,
) -> pa.Table:
    """``groups`` with ``likely_authentic``, ``authenticity_reasons``,
    ``inauthenticity_score`` and ``inauthenticity_indicators`` appended (row order kept).
    ``by_platform``: detection keyed accounts by platform and id (``Engine.by_platform``),
    so the members' posts and profiles are read by both (``members`` has ``platform``)."""
    gids = groups.column("group_id").to_pylist()
    if not gids:
        return _append(groups, [], [], [], [])
    ids = members.column("account_id").to_pylist()
    want: list[str] | list[tuple[str, str | None]] = sorted(set(ids))
    plats: list[str | None] = [None] * len(ids)
    if by_platform and "platform" in members.column_names:
        plats = members.column("platform").to_pylist()
        want = sorted(set(zip(ids, plats, strict=True)), key=lambda k: (k[0], k[1] or ""))
    data = _load(dataset, want, text_reposts)
    by_group: dict[str, list[str]] = {}
    for g, a, p in zip(members.column("group_id").to_pylist(), ids, plats, strict=True):
        by_group.setdefault(g, []).append(data["key"](a, p))
    la, ar, sc, ii = [], [], [], []
    for g in gids:
        res = assess(by_group.get(g, []), data)
        la.append(res["likely_authentic"])
        ar.append(res["authenticity_reasons"])
        sc.append(res["inauthenticity_score"])
        ii.append(res["inauthenticity_indicators"])
    return _append(groups, la, ar, sc, ii)


def _append(groups: pa.Table, la: list, ar: list, sc: list, ii: list) -> pa.Table:
    for name, values, typ in (
        ("likely_authentic", la, pa.bool_()),
        ("authenticity_reasons", ar, STR_LIST),
        ("inauthenticity_score", sc, pa.float64()),
        ("inauthenticity_indicators", ii, STR_LIST),
    ):
        if name in groups.column_names:
            groups = groups.drop_columns([name])
        groups = groups.append_column(name, pa.array(values, typ))
    return groups


def _load(
    dataset: Dataset,
    accounts: list[str] | list[tuple[str, str | None]],
    text_reposts: bool = False,
) -> dict[str, Any]:
    """Posts of ``accounts``, the authors and times of the posts they repost, and the
    profiles of both (DuckDB over the Parquet files). ``text_reposts``: the Dataset's
    reposts are known by their ``RT @handle:`` text alone (``textreposts``): each such post
    reposts ``rt@<handle>``, whose author is the account of that handle (time unknown).
    ``accounts`` as (id, platform) pairs: only those platforms' posts and profiles of each
    id are read (a platform of None: any), where the files have a platform column."""
    pairs = [a if isinstance(a, tuple) else (a, None) for a in accounts]
    con = duckdb.connect(":memory:")
    try:
        con.execute("SET enable_progress_bar = false")
        con.register("want_arrow", _pairs_table(pairs))
        con.execute("CREATE TABLE want AS SELECT account_id, platform FROM want_arrow")
        posts = dataset.posts_path.as_posix()
        pcols = {r[0] for r in con.execute(f"DESCRIBE SELECT * FROM '{posts}'").fetchall()}
        member = _wanted("p", "want", "platform" in pcols and any(p for _, p in pairs))
        client = next((c for c in CLIENT_COLUMNS if c in pcols), None)
        urls = "urls" if "urls" in pcols else "CAST(NULL AS VARCHAR[])"
        rep = "repost_of" if "repost_of" in pcols else "CAST(NULL AS VARCHAR)"
        cl = f"{client}::VARCHAR" if client else "CAST(NULL AS VARCHAR)"
        # texts are only read when they can be handle lists (at least LIST_MENTIONS '@'):
        # the others would cost their transfer for nothing
        many_at = f"length(o.text) - length(replace(o.text, '@', '')) >= {LIST_MENTIONS}"
        otxt = f"CASE WHEN {many_at} THEN o.text::VARCHAR END" if "text" in pcols else "NULL"
        if text_reposts and "text" in pcols:
            # the handle a text repost names, as its target: "rt@<handle>" (resolved below)
            rh = f"regexp_extract(p.text, '{TEXT_REPOST_HANDLE}', 1)"
            rep = f"coalesce({rep}, CASE WHEN {rh} <> '' THEN 'rt@' || {rh} END)"
        # only the texts of the posts members repost are read: a follow train's lists are
        # reposted by its members (reading every member's own texts doubled this step's cost)
        has_platform = "platform" in pcols
        pf = "{}.platform::VARCHAR" if has_platform else "CAST(NULL AS VARCHAR)"
        # a member's own text is kept only where a language model wrote of itself in it
        slip = own_slip_sql("p.text::VARCHAR", "p.repost_of" if "repost_of" in pcols else None)
        mt = (
            f"CASE WHEN {slip} THEN p.text::VARCHAR END"
            if "text" in pcols
            else "CAST(NULL AS VARCHAR)"
        )
        # whether the member wrote any text of their own: a text column null everywhere
        # (ids of links and tags only, as the real German sample) says nothing of slips
        own = own_text_sql("p.text::VARCHAR", "p.repost_of" if "repost_of" in pcols else None)
        ht = f"{own} AND length(trim(p.text::VARCHAR)) > 0" if "text" in pcols else "false"
        rel = con.sql(
            f"""SELECT p.account_id::VARCHAR AS a,
                       epoch_us(p.created_at::TIMESTAMPTZ) / 1e6 AS t,
                       {urls} AS u, {rep} AS r, {cl} AS c, {pf.format("p")} AS pf,
                       {mt} AS mt, coalesce({ht}, false) AS ht
                FROM '{posts}' p WHERE {member}
                ORDER BY a, t, p.post_id::VARCHAR"""
        )
        every = rel.to_arrow_table() if hasattr(rel, "to_arrow_table") else rel.arrow()
        # the members' posts without a time are read once, only for what they repost
        # (the originals below), not a second scan of the posts
        con.register("member_reposts", every.select(["r"]))
        arrow = every.filter(every.column("t").is_valid())
        post_cols = [arrow.column(c).to_pylist() for c in ("a", "t", "u", "r", "c")]
        orig_text: dict[str, str] = {}
        # authors and times of the posts the members repost
        originals: dict[str, tuple[str, float]] = {}
        rows: list[tuple[Any, ...]] = []
        shared: set[str] = set()
        post_plats = arrow.column("pf").to_pylist()
        if "repost_of" in pcols:
            rows = con.execute(
                f"""SELECT o.post_id::VARCHAR, o.account_id::VARCHAR,
                           epoch_us(o.created_at::TIMESTAMPTZ) / 1e6, {otxt}, {pf.format("o")}
                    FROM '{posts}' o WHERE o.post_id::VARCHAR IN (
                        SELECT r FROM member_reposts WHERE r IS NOT NULL)"""
            ).fetchall()
            shared = _shared_ids(rows)
            if shared:  # see ``_shared_ids``: those reposts and originals as platform:id
                post_cols[3] = [
                    f"{p}:{r}" if r in shared else r
                    for r, p in zip(post_cols[3], post_plats, strict=True)
                ]
        author_pairs = {(r[1], r[-1]) for r in rows}
        key = _account_keys([*pairs, *author_pairs])
        for pid, author, t, x, plat in rows:
            post = f"{plat}:{pid}" if pid in shared else pid
            originals[post] = (key(author, plat), t)
            if x and "@" in x:
                orig_text[post] = x
        if text_reposts:
            by_text = _text_repost_authors(con, dataset, post_cols[3])
            originals.update(by_text)
            author_pairs |= {(a, None) for a, _ in by_text.values()}
        # profiles of the members and of the authors they repost (a feed's outlet may
        # stand outside the group), each author on the platform of the post reposted
        con.execute("CREATE TABLE want_profile AS SELECT account_id, platform FROM want")
        member_keys = {key(a, p) for a, p in pairs}
        authors = [ap for ap in author_pairs if key(*ap) not in member_keys]
        con.register("authors_arrow", _pairs_table(authors))
        con.execute("INSERT INTO want_profile SELECT account_id, platform FROM authors_arrow")
        profiles: dict[str, dict[str, Any]] = {}
        baseline: Baseline = {}
        fields = ("handle", "display_name", "created_at", "followers", "description", "verified")
        if dataset.accounts_path.exists():
            path = dataset.accounts_path.as_posix()
            cols = {r[0] for r in con.execute(f"DESCRIBE SELECT * FROM '{path}'").fetchall()}
            sel = []
            for f in fields:
                if f not in cols:
                    sel.append(f"NULL AS {f}")
                elif f == "created_at":  # a placeholder date is no date (EARLIEST_CREATION)
                    sel.append(
                        f"CASE WHEN {creation_known_sql('created_at')} "
                        "THEN epoch_us(created_at::TIMESTAMPTZ) / 1e6 END AS created_at"
                    )
                else:
                    sel.append(f)
            two = "platform" in cols and any(p for _, p in pairs)
            plat = "platform::VARCHAR" if two else "NULL"
            for row in con.execute(
                f"""SELECT account_id::VARCHAR, {plat}, {", ".join(sel)} FROM '{path}' x
                    WHERE {_wanted("x", "want_profile", two)}
                    ORDER BY account_id"""
            ).fetchall():
                profiles.setdefault(key(row[0], row[1]), dict(zip(fields, row[2:], strict=True)))
            baseline = _baseline(con, path, cols, profiles)
    finally:
        con.close()
    posts_of: dict[str, list[tuple[float, list[str], str | None, str | None]]] = {}
    for a, t, u, r, c, p in zip(*post_cols, post_plats, strict=True):
        posts_of.setdefault(key(a, p), []).append((t, u or [], r, c))
    # each member's first text in which a language model wrote of itself (``machinetext``)
    slips: dict[str, str] = {}
    slipped = every.filter(every.column("mt").is_valid())  # few rows: only those converted
    for a, p, x in zip(*(slipped.column(c).to_pylist() for c in ("a", "pf", "mt")), strict=True):
        slips.setdefault(key(a, p), x)
    wrote = every.filter(every.column("ht")).group_by(["a", "pf"]).aggregate([])
    writers = {
        key(a, p)
        for a, p in zip(wrote.column("a").to_pylist(), wrote.column("pf").to_pylist(), strict=True)
    }
    return {
        "profiles": profiles,
        "baseline": baseline,
        "posts": posts_of,
        "machine_texts": slips,
        "writers": writers,
        "originals": originals,
        "original_texts": orig_text,
        "key": key,
    }


def _baseline(
    con: duckdb.DuckDBPyConnection,
    path: str,
    cols: set[str],
    profiles: dict[str, dict[str, Any]],
) -> Baseline:
    """How common the names and bios of ``profiles`` are among all of ``path``'s accounts
    (see ``Baseline``). One scan per field; only the values read are counted."""
    out: Baseline = {}
    for field in ("display_name", "description"):
        if field not in cols:
            continue
        raw = sorted({str(p[field]) for p in profiles.values() if _ident(p.get(field))})
        con.register("own_values", pa.table({"v": pa.array(raw, pa.string())}))
        x = f"lower(trim({field}::VARCHAR))"
        n_all = con.execute(f"SELECT count(*) FROM '{path}' WHERE {x} <> ''").fetchone()
        totals: Counter[str] = Counter()
        for v, k in con.execute(
            f"""SELECT {field}::VARCHAR, count(*) FROM '{path}'
                WHERE {x} IN (SELECT lower(trim(v)) FROM own_values) GROUP BY 1"""
        ).fetchall():
            totals[_ident(v)] += int(k)
        con.unregister("own_values")
        out[field] = (int(n_all[0]) if n_all else 0, dict(totals))
    return out


def _shared_ids(rows: list[tuple[Any, ...]]) -> set[str]:
    """The post ids among the reposted posts ``rows`` (id first, platform last) that name
    posts of two platforms. Why: each platform numbers its own posts, and a repost is of a
    post of its own platform; read by id alone, a member's repost of the X post ``p12``
    was credited to the author of the Facebook post ``p12``. Those are keyed
    ``platform:id`` (the member's reposts of them too); every other id as it is."""
    seen: dict[str, Any] = {}
    shared: set[str] = set()
    for row in rows:
        pid, plat = row[0], row[-1]
        if seen.setdefault(pid, plat) != plat:
            shared.add(pid)
    return shared


def _pairs_table(pairs: list[tuple[str, str | None]]) -> pa.Table:
    """(account id, platform) pairs as a table DuckDB can read (``_wanted``'s ``table``)."""
    return pa.table(
        {
            "account_id": pa.array([a for a, _ in pairs], pa.string()),
            "platform": pa.array([p for _, p in pairs], pa.string()),
        }
    )


def _account_keys(
    pairs: Iterable[tuple[str, str | None]],
) -> Callable[[str, str | None], str]:
    """How this check names an account of ``pairs`` (id, platform): by its id, or
    ``platform:id`` for an id that names accounts of two platforms among them (members and
    the authors they repost). Why: read by id alone, two such accounts' posts were one
    member's and one profile stood for both; every other id keeps its plain name, so a
    Dataset of one platform is read as it always was."""
    seen: dict[str, str] = {}
    shared: set[str] = set()
    for a, p in pairs:
        if p is not None and seen.setdefault(a, p) != p:
            shared.add(a)

    def key(account: str, platform: str | None) -> str:
        return f"{platform}:{account}" if platform is not None and account in shared else account

    return key


def _wanted(row: str, table: str, by_platform: bool) -> str:
    """SQL: ``row`` (posts or profiles) is of an account in ``table(account_id, platform)``:
    by id, or by id and platform where accounts are keyed by both (a NULL platform in
    ``table``: any). By id alone, the query is the one-key filter it always was."""
    if not by_platform:
        return f"{row}.account_id::VARCHAR IN (SELECT account_id FROM {table})"
    return f"""EXISTS (SELECT 1 FROM {table} w WHERE w.account_id = {row}.account_id::VARCHAR
               AND (w.platform IS NULL OR w.platform = {row}.platform::VARCHAR))"""


def _text_repost_authors(
    con: duckdb.DuckDBPyConnection, dataset: Dataset, targets: list[str | None]
) -> dict[str, tuple[str, float]]:
    """``rt@<handle>`` -> (the account of that handle, an unknown time): the account whose
    ``handle`` it is in accounts.parquet (case aside, as handles are), else the account
    with that id."""
    handles = sorted({r[3:] for r in targets if r and r.startswith("rt@")})
    if not handles:
        return {}
    found: dict[str, str] = {}
    if dataset.accounts_path.exists():
        path = dataset.accounts_path.as_posix()
        cols = {r[0] for r in con.execute(f"DESCRIBE SELECT * FROM '{path}'").fetchall()}
        if "handle" in cols:
            low = sorted({h.lower() for h in handles})
            con.register("rt_handles", pa.table({"h": pa.array(low, pa.string())}))
            for h, acc in con.execute(
                f"""SELECT lower(handle::VARCHAR) AS h, min(account_id::VARCHAR) FROM '{path}'
                    WHERE lower(handle::VARCHAR) IN (SELECT h FROM rt_handles) GROUP BY h"""
            ).fetchall():
                found[h] = acc
    return {f"rt@{h}": (found.get(h.lower(), h), math.nan) for h in handles}


@functools.lru_cache(maxsize=65536)
def _domain(url: str) -> str | None:
    from ural import get_domain_name

    try:
        return get_domain_name(url)
    except Exception:  # a malformed URL names no domain; it must not stop the report
        return None


def assess(accounts: list[str], data: dict[str, Any]) -> dict[str, Any]:
    """Indicators and reasons for one group of ``accounts`` (see the module docstring)."""
    prof = [data["profiles"].get(a, {}) for a in accounts]
    posts = [data["posts"].get(a, []) for a in accounts]
    created = [p.get("created_at") for p in prof]
    handles = [p.get("handle") for p in prof]
    names = [p.get("display_name") for p in prof]
    descs = [p.get("description") for p in prof]
    followers = [p.get("followers") for p in prof]
    first_post = [min((t for t, *_ in ps), default=None) for ps in posts]
    clients = []
    for ps in posts:
        cs = [c for *_, c in ps if c]
        clients.append(Counter(cs).most_common(1)[0][0] if cs else None)
    times = np.asarray([t for ps in posts for t, *_ in ps], dtype=np.float64)
    young = _young_accounts(created, first_post)
    declared = _declared(accounts, prof, data) if not young.fired else []
    # ownership a group declares (feeds named after their outlet, officials whose bio names
    # their candidate) is not hidden: those members do not count for the two indicators of
    # hidden common ownership (whichever identity they name: a press group's titles)
    open_ = {i for _, _, named, _ in declared for i in named}
    hide = [i in open_ for i in range(len(accounts))]
    indicators = [
        _creation_burst([None if h else c for c, h in zip(created, hide, strict=True)]),
        _machine_text(
            [data["machine_texts"].get(a) for a in accounts],
            any(a in data["writers"] for a in accounts),
        ),
        _default_handles(handles),
        _empty_profiles(names, descs),
        young,
        _shared_client(clients),
        _office_hours(times),
        _common_ownership(
            [None if h else x for x, h in zip(names, hide, strict=True)],
            [None if h else x for x, h in zip(descs, hide, strict=True)],
            declared=any(hide),
            baseline=data.get("baseline"),
        ),
    ]
    score = 1.0
    for ind in indicators:
        if ind.known:
            score *= 1.0 - WEIGHTS[ind.name] * min(1.0, max(0.0, ind.strength))
    score = round(1.0 - score, 4)
    fired = [i.label() for i in indicators if i.fired]
    unknown = [i.label() for i in indicators if not i.known]
    reasons, strength = _authentic(accounts, prof, posts, created, first_post, followers, data)
    if declared:
        named_ids = [
            f"{label} ({f:,} followers{'' if inside else ', outside the group'})"
            for label, f, _, inside in declared[:_MAX_NAMED]
        ]
        if len(declared) > _MAX_NAMED:
            named_ids.append(f"{len(declared) - _MAX_NAMED} more")
        inside_ids = {label for label, _, _, inside in declared if inside}
        share = (len(open_) + len(inside_ids)) / max(len(accounts), 1)
        strength = max(strength, round(share, 4))
        reasons.append(
            f"open affiliation: {len(open_)} of {len(accounts)} members name "
            f"{', '.join(named_ids)} in their handle, name or bio"
        )
    call = _call_to_action(accounts, prof, posts, data)
    if call and not young.fired:
        handle, dom, n_link, inside = call
        strength = max(strength, round((n_link + int(inside)) / max(len(accounts), 1), 4))
        reasons.append(
            f"public call to action: @{handle} links to its own domain {dom} and {n_link} of "
            f"{len(accounts)} members link there too"
        )
    train = _follow_train(accounts, prof, posts, data)
    if train:
        engaged, named, n_lists = train
        strength = max(strength, round(engaged / max(len(accounts), 1), 4))
        reasons.append(
            f"open mutual promotion (follow train): {engaged} of {len(accounts)} members "
            f"posted or reposted {n_lists} public list(s) of handles naming {named} of the members"
        )
    likely = strength >= 0.5 and score < 0.5
    return {
        "likely_authentic": bool(likely),
        "authenticity_reasons": reasons,
        "inauthenticity_score": float(score),
        "inauthenticity_indicators": fired + unknown,
    }


def _authentic(
    accounts: list[str],
    prof: list[dict[str, Any]],
    posts: list[list[tuple[float, list[str], str | None, str | None]]],
    created: list[float | None],
    first_post: list[float | None],
    followers: list[int | None],
    data: dict[str, Any],
) -> tuple[list[str], float]:
    """Reasons to read the group as open, accountable coordination, and how much of the
    group they cover (0..1)."""
    reasons: list[str] = []
    strength = 0.0
    n = len(accounts)
    # long-lived public identities: verified, or many followers and years of age
    public = []
    known = 0
    for i, p in enumerate(prof):
        f, c, t0 = followers[i], created[i], first_post[i]
        if p.get("verified") is True:
            public.append(i)
        elif f is not None and c is not None and t0 is not None:
            known += 1
            if f >= PUBLIC_FOLLOWERS and t0 - c >= LONG_LIVED_S:
                public.append(i)
    if public:
        share = len(public) / n
        strength = max(strength, share)
        reasons.append(
            f"{len(public)} of {n} members are verified or long-lived public identities "
            f"(>= {PUBLIC_FOLLOWERS:,} followers, > 2 years old)"
        )
    # an outlet and its feeds: the most-followed member (or, when the members relay an
    # account outside the group, as CooRTweet's loop removal leaves it, that account)
    hub = _hub(accounts, followers, posts, data)
    if hub is not None:
        hub_id, hub_f, hub_prof, hub_posts, inside = hub
        # a press group's titles (or a broadcaster's regional editions), each with its own
        # feeds, share links and reposts and are tied into one group: the other outlets
        # among the members do not vote for the hub's domain (thousands of links to a
        # third site would outvote its feeds), and each with feeds of its own covers them
        others = _other_outlets(accounts, followers, hub_id) if inside else []
        hub_dom = _hub_domain(accounts, hub_id, hub_posts, posts, set(others), hub_prof)
        feeds, delays = _feeds(accounts, posts, data, hub_id, hub_dom, set())
        covered = {accounts.index(hub_id), *feeds} if others and feeds else set()
        outlets = [(hub_prof.get("handle") or hub_id, hub_f, hub_dom)]
        for i in others if feeds else []:
            voters = set(others) | {accounts.index(hub_id)}
            prof_i = data["profiles"].get(accounts[i], {})
            dom = _hub_domain(accounts, accounts[i], posts[i], posts, voters, prof_i)
            more, lag = _feeds(accounts, posts, data, accounts[i], dom, covered | {i})
            if more:
                covered |= {i, *more}
                feeds += more
                delays += lag
                outlets.append((prof_i.get("handle") or accounts[i], int(followers[i] or 0), dom))
        if feeds:
            share = (len(feeds) + int(inside) + len(outlets) - 1) / n
            strength = max(strength, share)
            lag = f", median delay {np.median(delays):.0f} s" if delays else ""
            if len(outlets) == 1:
                handle, _, dom = outlets[0]
                how = f" on {dom}" if dom else ""
                where = "" if inside else " (outside the group)"
                reasons.append(
                    f"outlet and feeds: @{handle}{where} ({hub_f:,} followers{how}) and "
                    f"{len(feeds)} account(s) relaying its posts or links{lag}"
                )
            else:
                named = ", ".join(
                    f"@{h} ({f:,} followers{f' on {d}' if d else ''})" for h, f, d in outlets
                )
                reasons.append(
                    f"outlet and feeds: {len(outlets)} outlets, {named}, and {len(feeds)} "
                    f"account(s) each relaying one of them{lag}"
                )
        if hub_dom and _own_domain(hub_prof.get("handle"), hub_prof.get("display_name"), hub_dom):
            reasons.append(f"@{hub_prof.get('handle') or hub_id} posts to its own domain {hub_dom}")
    return reasons, round(strength, 4)


def _hub_domain(
    accounts: list[str],
    hub_id: str,
    hub_posts: list[tuple[float, list[str], str | None, str | None]],
    posts: list[list[tuple[float, list[str], str | None, str | None]]],
    outlets: set[int],
    hub_prof: dict[str, Any],
) -> str | None:
    """The hub's own domain among its links: the one the other members (``outlets`` left
    out) relay most (an outlet also links elsewhere, sometimes more often than to itself).
    With other outlets in the group, the feeds of each vote for their own outlet's site:
    there the domain named like the hub (``regionsdirect`` -> ``regionsdirect.fr``) wins
    when it has one."""
    doms = Counter(d for _, urls, _, _ in hub_posts for d in map(_domain, urls) if d)
    if outlets:
        handle, name = hub_prof.get("handle"), hub_prof.get("display_name")
        own = [d for d, _ in doms.most_common() if _own_domain(handle, name, d)]
        if own:
            return own[0]
    relayed = Counter(
        d
        for i, ps in enumerate(posts)
        if accounts[i] != hub_id and i not in outlets
        for _, urls, _, _ in ps
        for d in map(_domain, urls)
        if d in doms
    )
    return (relayed or doms).most_common(1)[0][0] if doms else None


def _feeds(
    accounts: list[str],
    posts: list[list[tuple[float, list[str], str | None, str | None]]],
    data: dict[str, Any],
    hub_id: str,
    hub_dom: str | None,
    skip: set[int],
) -> tuple[list[int], list[float]]:
    """The members (outside ``skip``) at least FEED_SHARE of whose posts repost the hub or
    link to its domain, and the delays of those members' reposts of the hub (feeds or not)."""
    feeds: list[int] = []
    delays: list[float] = []
    for i, ps in enumerate(posts):
        if accounts[i] == hub_id or i in skip or not ps:
            continue
        relay = 0
        for t, urls, rep, _ in ps:
            orig = data["originals"].get(rep) if rep else None
            if orig and orig[0] == hub_id:
                relay += 1
                if not math.isnan(orig[1]):  # a text repost's original time is unknown
                    delays.append(t - orig[1])
            elif hub_dom and any(_domain(u) == hub_dom for u in urls):
                relay += 1
        if relay / len(ps) >= FEED_SHARE:
            feeds.append(i)
    return feeds, delays


def _other_outlets(accounts: list[str], followers: list[int | None], hub_id: str) -> list[int]:
    """Members besides the hub that could be outlets too: >= PUBLIC_FOLLOWERS followers and
    10x the median member's, most followed first."""
    known = [f for f in followers if f is not None]
    if not known:
        return []
    floor = max(PUBLIC_FOLLOWERS, 10 * max(float(np.median(known)), 1.0))
    cands = [
        i for i, f in enumerate(followers) if f is not None and f >= floor and accounts[i] != hub_id
    ]
    return sorted(cands, key=lambda i: (-(followers[i] or 0), accounts[i]))


@functools.lru_cache(maxsize=65536)
def _fold(s: str | None) -> str:
    """Lower-case letters and digits only, accents dropped (``Équipe`` -> ``equipe``).

    ASCII text has nothing to decompose: it skips the per-character walk (most of this
    module's Python time on a thousand members' bios)."""
    if not s:
        return ""
    if s.isascii():
        return _NOT_ALNUM.sub("", s.lower())
    import unicodedata

    t = unicodedata.normalize("NFKD", s)
    return _NOT_ALNUM.sub("", "".join(c for c in t if not unicodedata.combining(c)).lower())


_NOT_ALNUM = re.compile(r"[^a-z0-9]")


def _declared(
    accounts: list[str], prof: list[dict[str, Any]], data: dict[str, Any]
) -> list[tuple[str, int, list[int], bool]]:
    """The public identities (verified or >= PUBLIC_FOLLOWERS followers) that at least two
    other members name in their handle, display name or bio: (label, followers, those
    members, whether the identity is itself a member), the most named first. Looked for
    among the members and, outside the group, the authors they repost most. Several when a
    group joins several outlets' feeds or several candidates' officials."""
    cands: list[tuple[str, dict[str, Any], bool]] = []
    for a, p in zip(accounts, prof, strict=True):
        if p.get("verified") is True or (p.get("followers") or 0) >= PUBLIC_FOLLOWERS:
            cands.append((a, p, True))
    reposted = Counter(
        data["originals"][rep][0]
        for a in accounts
        for _, _, rep, _ in data["posts"].get(a, [])
        if rep and rep in data["originals"]
    )
    inside = set(accounts)
    for author, _ in reposted.most_common(3):
        p = data["profiles"].get(author, {})
        if author not in inside and (
            p.get("verified") is True or (p.get("followers") or 0) >= PUBLIC_FOLLOWERS
        ):
            cands.append((author, p, False))
    texts = [
        "|".join(_fold(p.get(k)) for k in ("handle", "display_name", "description")) for p in prof
    ]
    found: list[tuple[str, int, list[int], bool]] = []
    for acc, p, is_member in cands:
        keys = {
            k for k in (_fold(p.get("handle")), _fold(p.get("display_name"))) if len(k) >= MIN_KEY
        }
        if not keys:
            continue
        named = [
            i for i, txt in enumerate(texts) if accounts[i] != acc and any(k in txt for k in keys)
        ]
        if len(named) >= 2:
            label = f"@{p.get('handle')}" if p.get("handle") else acc
            found.append((label, int(p.get("followers") or 0), named, is_member))
    # the most named first; among equals, the first candidate (as when one was kept)
    return sorted(found, key=lambda d: -len(d[2]))


def _call_to_action(
    accounts: list[str],
    prof: list[dict[str, Any]],
    posts: list[list[tuple[float, list[str], str | None, str | None]]],
    data: dict[str, Any],
) -> tuple[str, str, int, bool] | None:
    """An account that posts links to its own domain (its handle or name is the domain's
    name: a show's account and its vote site, a club and its ticket page) when at least
    half of the other members link to that domain too: (handle, domain, members linking,
    whether it is a member). Looked for among the members and the authors they repost."""
    doms_of = [{d for _, urls, _, _ in ps for d in map(_domain, urls) if d} for ps in posts]
    count = Counter(d for ds in doms_of for d in ds)
    n = len(accounts)
    cands = [(a, p, ds, True) for a, p, ds in zip(accounts, prof, doms_of, strict=True)]
    for author, _ in _reposted_authors(posts, data).most_common(3):
        if author in accounts:
            continue
        ps = data["posts"].get(author, [])
        ds = {d for _, urls, _, _ in ps for d in map(_domain, urls) if d}
        cands.append((author, data["profiles"].get(author, {}), ds, False))
    best = None
    for acc, p, ds, is_member in cands:
        for d in ds:
            if not _own_domain(p.get("handle"), p.get("display_name"), d):
                continue
            linking = count[d] - int(is_member)
            enough = 2 * linking >= n - int(is_member) and linking >= 2
            if enough and (best is None or linking > best[2]):
                best = (p.get("handle") or acc, d, linking, is_member)
    return best


def handle_list(text: str | None) -> set[str]:
    """The handles a post lists when it is a handle list (at least ``LIST_MENTIONS``
    mentions making up at least ``LIST_SHARE`` of its words, hashtags and links not
    counted as words), lower-cased; else an empty set."""
    if not text:
        return set()
    mentions = _MENTION.findall(text)
    if len(mentions) < LIST_MENTIONS:
        return set()
    words = [
        w
        for w in text.split()
        if not w.startswith("#") and "://" not in w and any(c.isalnum() for c in w)
    ]
    if len(mentions) < LIST_SHARE * max(len(words), 1):
        return set()
    return {m.lower() for m in mentions}


def _follow_train(
    accounts: list[str],
    prof: list[dict[str, Any]],
    posts: list[list[tuple[float, list[str], str | None, str | None]]],
    data: dict[str, Any],
) -> tuple[int, int, int] | None:
    """A follow train (Torres-Lugo, Yang & Menczer, ICWSM 2022): members posting public
    lists of each other's handles and reposting them (lists no member reposted are not
    read). (members who posted or reposted a
    list naming at least two members, members named in those lists, lists); None when
    fewer than two members took part. Lists naming fewer than two members are ignored:
    a post tagging strangers is no mutual promotion."""
    handles = {
        (p.get("handle") or "").lower().lstrip("@"): i
        for i, p in enumerate(prof)
        if p.get("handle")
    }
    if len(handles) < 2:
        return None
    engaged: set[int] = set()
    named: set[int] = set()
    lists: set[str] = set()
    orig = data.get("original_texts", {})
    index = {a: i for i, a in enumerate(accounts)}
    for i in range(len(accounts)):
        for _, _, rep, _ in posts[i]:
            if not rep or rep not in orig:
                continue
            inside = {handles[h] for h in handle_list(orig[rep]) if h in handles}
            if len(inside) >= 2:  # the reposter and, when a member, the list's author
                engaged.add(i)
                author = index.get(data["originals"][rep][0])
                if author is not None:
                    engaged.add(author)
                named |= inside
                lists.add(rep)
    if len(engaged) < 2:
        return None
    return len(engaged), len(named), len(lists)


def _reposted_authors(
    posts: list[list[tuple[float, list[str], str | None, str | None]]], data: dict[str, Any]
) -> Counter[str]:
    """How often the members reposted each author (whose posts the Dataset holds): the
    outlet a group relays, or the public identity whose call it answers."""
    return Counter(
        data["originals"][rep][0]
        for ps in posts
        for _, _, rep, _ in ps
        if rep and rep in data["originals"]
    )


def _hub(
    accounts: list[str],
    followers: list[int | None],
    posts: list[list[tuple[float, list[str], str | None, str | None]]],
    data: dict[str, Any],
) -> tuple[str, int, dict[str, Any], list, bool] | None:
    """The account the group may be the feeds of: its most-followed member when it has
    >= PUBLIC_FOLLOWERS and 10x the others' median; else the author the members repost
    most, when it has >= PUBLIC_FOLLOWERS. (id, followers, profile, posts, inside)."""
    n = len(accounts)
    with_f = [(f, i) for i, f in enumerate(followers) if f is not None]
    if with_f and n >= 2:
        hub_f, hub = max(with_f)
        other_f = [followers[i] for i in range(n) if i != hub and followers[i] is not None]
        med = float(np.median(other_f)) if other_f else 0.0
        if hub_f >= PUBLIC_FOLLOWERS and hub_f >= 10 * max(med, 1.0):
            return accounts[hub], hub_f, data["profiles"].get(accounts[hub], {}), posts[hub], True
    for author, _ in _reposted_authors(posts, data).most_common(1):
        if author in accounts:
            return None
        prof = data["profiles"].get(author, {})
        f = prof.get("followers")
        if f is not None and f >= PUBLIC_FOLLOWERS:
            return author, f, prof, data["posts"].get(author, []), False
    return None


def plain_words(row: dict[str, Any]) -> str:
    """One to three sentences for the report, from a groups.parquet row."""
    reasons = row.get("authenticity_reasons") or []
    inds = row.get("inauthenticity_indicators") or []
    fired = [i.split(": ", 1)[-1] for i in inds if "unknown (" not in i]
    unknown = [i.split(":")[0].replace("_", " ") for i in inds if "unknown (" in i]
    score = row.get("inauthenticity_score")
    parts = []
    if row.get("likely_authentic"):
        outlet = [r for r in reasons if r.startswith("outlet and feeds")]
        train = [r for r in reasons if r.startswith("open mutual promotion")]
        if train and not outlet:
            parts.append(
                "This group looks like a follow train, open mutual promotion by its own "
                "members: " + train[0].split(": ", 1)[1] + "."
            )
        elif outlet:
            what = outlet[0].removeprefix("outlet and feeds: ")
            several = re.match(r"\d+ outlets, ", what)
            parts.append(
                (
                    "This group looks like news outlets and their feed bots: "
                    if several
                    else "This group looks like a news outlet and its feed bots: "
                )
                + what
                + "."
            )
        else:
            parts.append(
                "This group looks like open coordination by public identities: "
                + "; ".join(reasons)
                + "."
            )
    elif fired:
        parts.append("Signs of fabricated or hidden identities: " + "; ".join(fired) + ".")
        if reasons:
            parts.append("Against that: " + "; ".join(reasons) + ".")
    elif reasons:
        parts.append("Some signs of open coordination: " + "; ".join(reasons) + ".")
    elif isinstance(score, float) and score > 0:
        parts.append("Weak profile signs only (none shared by half the members).")
    else:
        parts.append("No profile sign either way.")
    if isinstance(score, float) and not math.isnan(score):
        parts.append(f"Inauthenticity score {score:.2f} (ranks groups; not a probability).")
    if unknown:
        parts.append("Not assessable from this Dataset: " + ", ".join(unknown) + ".")
    return " ".join(parts)


def authenticity_rankings(groups: list[dict[str, Any]], top: int = 20) -> dict[str, Any]:
    """For the report: groups ranked by inauthenticity score (highest first, likely
    authentic ones left out), and the groups rated likely authentic, strongest first."""
    scored = [g for g in groups if g.get("inauthenticity_score") is not None]
    suspect = sorted(
        (g for g in scored if not g.get("likely_authentic")),
        key=lambda g: (-g["inauthenticity_score"], -(g.get("score") or 0.0), g["group_id"]),
    )
    authentic = sorted(
        (g for g in scored if g.get("likely_authentic")),
        key=lambda g: (-(g.get("score") or 0.0), g["group_id"]),
    )
    return {
        "has_authenticity": bool(scored),
        "inauthentic_ranking": suspect[:top],
        "n_inauthentic_ranking": len(suspect),
        "likely_authentic_groups": authentic[:top],
        "n_likely_authentic": len(authentic),
    }
