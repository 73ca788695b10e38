"""Organic life: the authentic activity that naive coordination detectors mistake for campaigns.

Why each component exists (each one is a *hard negative*):
- everyday posts, reposts, replies and quotes with heavy-tailed activity, audiences and
  virality, day/night rhythm and per-user habits;
- breaking-news cascades: hundreds to thousands of independent users share the same URL or
  repost the same viral post within minutes (synchrony without coordination);
- slogans and debate quotes repeated verbatim by many people (duplicates without sockpuppets);
- genuine activist groups sharing a petition together over hours (real, authentic coordination
  on a few objects, which is not inauthentic behaviour);
- organic pick-up of a leak once it is public (ordinary users amplifying a campaign's content).

Everything is drawn in bulk with NumPy; the only Python loops run over events (tens to
hundreds), never over posts.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from vigie.arrays import sorted_unique
from vigie.errors import VigieError
from vigie.exercise.context import Context
from vigie.exercise.posts import ORIGINAL, QUOTE, REPLY, REPOST, Part
from vigie.exercise.textgen import (
    append_hashtags,
    append_urls,
    const,
    headline_texts,
    if_else,
    join,
    lowercase_where,
    organic_texts,
    reply_texts,
    tag_lists,
    with_nulls,
)
from vigie.exercise.timeline import DAY, HOUR, US, after, sample_times, wrap

CASCADE_SHARE = 0.05
QUOTE_BURST_SHARE = 0.006
LEAK_PICKUP_SHARE = 0.0015
SUPERFAN_SHARE = 0.025
CAMPAIGN_PICKUP_SHARE = 0.001
SLOGAN_RATE = 0.03
KIND_SPLIT = {"original": 0.45, "repost": 0.35, "reply": 0.12}  # quotes take the rest


@dataclass
class OrganicStats:
    """Figures about the organic hard negatives (for the manifest and the tests)."""

    cascade_sizes: list[int] = field(default_factory=list)
    quote_burst_sizes: list[int] = field(default_factory=list)
    slogan_posts: int = 0
    activist_groups: list[list[int]] = field(default_factory=list)
    activist_posts: int = 0
    leak_pickup_posts: int = 0
    superfan_posts: int = 0
    campaign_pickup_posts: int = 0
    originals: int = 0
    reposts: int = 0
    replies: int = 0
    quotes: int = 0


class TooFewPosts(VigieError):
    """The posts left for ordinary users cannot hold the organic life (``generate`` words
    it with the scenario's figures)."""


class _Sampler:
    """Weighted sampling of accounts or posts by cumulative weights (vectorised)."""

    def __init__(self, weights: np.ndarray) -> None:
        c = np.cumsum(weights, dtype=np.float64)
        self.cdf = c / c[-1]

    def __call__(self, rng: np.random.Generator, n: int) -> np.ndarray:
        i = np.searchsorted(self.cdf, rng.random(n), side="right")
        return np.minimum(i, len(self.cdf) - 1)


def _article_pool(ctx: Context, rng: np.random.Generator, m: int) -> pa.Array:
    """Canonical URLs of ``m`` news articles (popularity is applied when sampling)."""
    b = ctx.bank
    dom = b.take("NEWS_DOMAINS", b.pick(rng, "NEWS_DOMAINS", m, zipf=0.9))
    sec = b.take("SECTIONS", b.pick(rng, "SECTIONS", m, zipf=0.6))
    w1 = b.take("SLUG_WORDS", b.pick(rng, "SLUG_WORDS", m, zipf=0.3))
    w2 = b.take("SLUG_WORDS", b.pick(rng, "SLUG_WORDS", m, zipf=0.3))
    w3 = b.take("SLUG_WORDS", b.pick(rng, "SLUG_WORDS", m, zipf=0.3))
    aid = pa.array(rng.permutation(m) + 1_000_000).cast(pa.string())
    path = join([w1, w2, w3, aid], "-")
    return join([const("https:/", m), dom, sec, path], "/")


def _user_tags(ctx: Context, rng: np.random.Generator, authors: np.ndarray) -> pa.ListArray:
    """Hashtags per post from its author's habits (rate and favourite tag)."""
    pop, b = ctx.pop, ctx.bank
    counts = np.minimum(rng.poisson(pop.tag_rate[authors]), 4).astype(np.int32)
    total = int(counts.sum())
    idx = b.pick(rng, "HASHTAGS", total, zipf=1.0)
    fav = np.repeat(pop.fav_tag[authors], counts)
    use_fav = rng.random(total) < 0.4
    idx = np.where(use_fav, fav, idx)
    return tag_lists(b.words("HASHTAGS"), counts, idx)


def _write(ctx: Context, authors: np.ndarray, text: pa.Array) -> pa.Array:
    """Apply the authors' writing habits (casual writers type without capitals)."""
    return lowercase_where(text, ctx.pop.casual[authors])


def _regular_originals(
    ctx: Context, rng: np.random.Generator, n: int, articles: pa.Array, stats: OrganicStats
) -> tuple[int, np.ndarray]:
    pop, b = ctx.pop, ctx.bank
    w = pop.activity[: pop.n_organic] * (1.0 - pop.repost_pref[: pop.n_organic])
    authors = _Sampler(w)(rng, n)
    t = sample_times(
        rng, n, ctx.start, ctx.end, ctx.scenario.utc_offset_h, hour_shift=pop.hour_shift[authors]
    )
    text = organic_texts(b, rng, n)
    slogan = rng.random(n) < SLOGAN_RATE
    text = if_else(slogan, b.draw(rng, "SLOGANS", n, zipf=1.0), text)
    stats.slogan_posts = int(slogan.sum())
    # a candidate mention now and then
    cand = pop.candidates[rng.integers(0, len(pop.candidates), n)]
    has_m = (rng.random(n) < 0.06) & ~slogan
    mention = with_nulls(pop.handle.take(pa.array(cand)), ~has_m)
    text = if_else(has_m, join([join([const("@", n), mention], ""), text]), text)
    tags = _user_tags(ctx, rng, authors)
    # most slogan posts stay verbatim: keep tags on only a fifth of them
    keep = ~slogan | (rng.random(n) < 0.2)
    tags = if_else_list(keep, tags)
    text = append_hashtags(_write(ctx, authors, text), tags)
    has_url = (rng.random(n) < pop.url_rate[authors]) & ~slogan
    m = len(articles)
    ranks = 1.0 / np.arange(1, m + 1) ** 1.05
    art = _Sampler(ranks)(rng, n)
    url = with_nulls(articles.take(pa.array(art)), ~has_url)
    text = append_urls(text, url)
    media_hash = pa.array(rng.integers(0, 2**62, n)).cast(pa.string())
    media = with_nulls(media_hash, rng.random(n) >= 0.07)
    base = ctx.buf.add(
        Part.make(authors, t, ORIGINAL, text=text, url=url, tags=tags, mention=mention, media=media)
    )
    stats.originals += n
    return base, authors


def if_else_list(keep: np.ndarray, tags: pa.ListArray) -> pa.ListArray:
    """Empty the lists where ``keep`` is false."""
    counts = np.diff(tags.offsets.to_numpy()) * keep
    offsets = np.zeros(len(tags) + 1, dtype=np.int32)
    np.cumsum(counts, out=offsets[1:])
    flat = tags.values.filter(pa.array(np.repeat(keep, np.diff(tags.offsets.to_numpy()))))
    return pa.ListArray.from_arrays(pa.array(offsets), flat)


def _cascades(
    ctx: Context, rng: np.random.Generator, budget: int, stats: OrganicStats
) -> tuple[np.ndarray, int]:
    """Breaking news: a media post with a fresh URL, then a crowd within minutes."""
    pop, b = ctx.pop, ctx.bank
    n_org = pop.n_organic
    cap = max(60, min(5000, n_org // 3))
    sizes: list[int] = []
    while sum(sizes) + len(sizes) < budget:
        s = int(min(cap, 40 * (1.0 - rng.random()) ** (-1.0 / 1.3)))
        sizes.append(s)
    if not sizes:
        return np.zeros(0, np.int64), 0
    e = len(sizes)
    t0 = sample_times(rng, e, ctx.start, ctx.end, ctx.scenario.utc_offset_h, ramp=1.0)
    src = np.concatenate([pop.media_outlets, pop.candidates])
    outlet = src[rng.integers(0, len(src), e)]
    ids = rng.integers(100_000, 999_999, e)
    dom = b.take("NEWS_DOMAINS", b.pick(rng, "NEWS_DOMAINS", e, zipf=0.5))
    sec = b.take("SECTIONS", b.pick(rng, "SECTIONS", e))
    slug = join(
        [
            b.take("SLUG_WORDS", b.pick(rng, "SLUG_WORDS", e, zipf=0.0)),
            b.take("SLUG_WORDS", b.pick(rng, "SLUG_WORDS", e, zipf=0.0)),
            pa.array(ids).cast(pa.string()),
        ],
        "-",
    )
    urls = join([const("https:/", e), dom, sec, slug], "/")
    text = append_urls(headline_texts(b, rng, e), urls)
    meme = pa.array(rng.integers(0, 2**62, e)).cast(pa.string())
    viral_base = ctx.buf.add(Part.make(outlet, t0, ORIGINAL, text=text, url=urls, media=meme))
    viral_rows = viral_base + np.arange(e)
    # crowd: sampled by activity, one action per user per event
    w = _Sampler(pop.activity[:n_org])
    ev = np.repeat(np.arange(e), sizes)
    users = w(rng, ev.size)
    key = sorted_unique(ev * n_org + users)
    ev, users = key // n_org, key % n_org
    stats.cascade_sizes = np.bincount(ev, minlength=e).tolist()
    t = after(rng, t0[ev], median_s=240.0, sigma=1.1, end_us=ctx.end)
    rep = rng.random(ev.size) < 0.65
    ri, si = np.flatnonzero(rep), np.flatnonzero(~rep)
    ctx.buf.add(Part.make(users[ri], t[ri], REPOST, target=viral_rows[ev[ri]]))
    u = urls.take(pa.array(ev[si]))
    stext = append_urls(_write(ctx, users[si], organic_texts(b, rng, si.size)), u)
    smedia = with_nulls(meme.take(pa.array(ev[si])), rng.random(si.size) >= 0.1)
    ctx.buf.add(Part.make(users[si], t[si], ORIGINAL, text=stext, url=u, media=smedia))
    stats.originals += e + si.size
    stats.reposts += ri.size
    return viral_rows, e + ev.size


def _quote_bursts(ctx: Context, rng: np.random.Generator, budget: int, stats: OrganicStats) -> int:
    """Debate nights: a candidate's line quoted verbatim by hundreds within the hour."""
    pop, b = ctx.pop, ctx.bank
    q = min(len(b.module.QUOTES), 4)
    per = budget // q
    if per < 5:
        return 0
    span_days = max(1, int((ctx.end - ctx.start) // DAY))
    days = np.linspace(0.25, 0.9, q) * span_days
    local_midnight = ctx.start - int(ctx.scenario.utc_offset_h * HOUR)
    t0 = local_midnight + (days.astype(np.int64) * DAY) + int(21.5 * HOUR)
    t0 = np.clip(t0, ctx.start, ctx.end - HOUR)
    quotes = rng.choice(len(b.module.QUOTES), q, replace=False)
    n_org = pop.n_organic
    ev = np.repeat(np.arange(q), per)
    users = _Sampler(pop.activity[:n_org])(rng, ev.size)
    key = sorted_unique(ev * n_org + users)
    ev, users = key // n_org, key % n_org
    stats.quote_burst_sizes = np.bincount(ev, minlength=q).tolist()
    t = wrap(after(rng, t0[ev], median_s=600.0, sigma=0.8, end_us=ctx.end), ctx.start, ctx.end)
    qt = pa.array([b.module.QUOTES[i] for i in quotes]).take(pa.array(ev))
    comment = rng.random(ev.size) < 0.3
    text = if_else(comment, join([qt, b.draw(rng, "CLOSERS", ev.size)]), qt)
    ctx.buf.add(Part.make(users, t, ORIGINAL, text=text))
    stats.originals += ev.size
    return int(ev.size)


def _activists(ctx: Context, rng: np.random.Generator, stats: OrganicStats) -> int:
    """Genuine groups sharing their petitions together over hours (authentic coordination)."""
    pop, b = ctx.pop, ctx.bank
    n_org = pop.n_organic
    g = max(2, round(n_org / 5000))
    first_regular = len(pop.candidates) + len(pop.media_outlets)
    pool = rng.permutation(np.arange(first_regular, n_org))
    total = 0
    cursor = 0
    parts: list[Part] = []
    for gi in range(g):
        size = int(rng.integers(15, 51))
        members = pool[cursor : cursor + size]
        cursor += size
        if members.size < 5:
            break
        stats.activist_groups.append(members.tolist())
        for i in members:
            pop.role[int(i)] = "activist"
        n_pet = int(rng.integers(1, 3))
        for _ in range(n_pet):
            dom = b.module.PETITION_DOMAINS[int(rng.integers(0, len(b.module.PETITION_DOMAINS)))]
            topic = b.module.PETITION_TOPICS[int(rng.integers(0, len(b.module.PETITION_TOPICS)))]
            url = f"https://{dom}/p/{topic}-{gi}{int(rng.integers(100, 999))}"
            t0 = int(sample_times(rng, 1, ctx.start, ctx.end - DAY, ctx.scenario.utc_offset_h)[0])
            organiser = members[:1]
            ann = append_urls(organic_texts(b, rng, 1), pa.array([url]))
            row = ctx.buf.add(
                Part.make(organiser, np.array([t0]), ORIGINAL, text=ann, url=pa.array([url]))
            )
            total += 1
            sharers = members[1:][rng.random(members.size - 1) < 0.8]
            ts = after(rng, np.full(sharers.size, t0), 5400.0, 0.9, ctx.end)
            u = pa.array([url] * sharers.size, type=pa.string())
            txt = append_urls(organic_texts(b, rng, sharers.size), u)
            parts.append(Part.make(sharers, ts, ORIGINAL, text=txt, url=u))
            rts = members[1:][rng.random(members.size - 1) < 0.5]
            tr = after(rng, np.full(rts.size, t0), 3600.0, 1.0, ctx.end)
            parts.append(Part.make(rts, tr, REPOST, target=np.full(rts.size, row)))
            total += sharers.size + rts.size
            stats.originals += 1 + sharers.size
            stats.reposts += rts.size
    for p in parts:
        ctx.buf.add(p)
    stats.activist_posts = total
    return total


def _reactions(
    ctx: Context,
    rng: np.random.Generator,
    n: int,
    kind: int,
    targets: _Sampler,
    target_rows: np.ndarray,
    median_s: float,
) -> None:
    pop, b = ctx.pop, ctx.bank
    n_org = pop.n_organic
    pref = pop.repost_pref[:n_org] if kind == REPOST else 1.0 - pop.repost_pref[:n_org]
    authors = _Sampler(pop.activity[:n_org] * pref)(rng, n)
    rows = target_rows[targets(rng, n)]
    t = after(rng, _times_of(ctx, rows), median_s, 1.6, ctx.end)
    if kind == REPOST:
        ctx.buf.add(Part.make(authors, t, REPOST, target=rows))
        return
    if kind == REPLY:
        text = _write(ctx, authors, reply_texts(b, rng, n))
    else:
        text = _write(ctx, authors, organic_texts(b, rng, n))
    ctx.buf.add(Part.make(authors, t, kind, target=rows, text=text))


def _times_of(ctx: Context, rows: np.ndarray) -> np.ndarray:
    return ctx.buf.column("t")[rows]


def _superfans(
    ctx: Context, rng: np.random.Generator, rows: np.ndarray, authors: np.ndarray, n: int
) -> int:
    """Each candidate's most loyal supporters repost many of the candidate's posts, within
    minutes to hours: authentic, repeated co-reposting over many objects (a hard negative
    for detectors that count shared objects without weighing popularity and timing)."""
    pop = ctx.pop
    n_org = pop.n_organic
    n_fans = max(10, round(n_org * 0.002))
    first_regular = len(pop.candidates) + len(pop.media_outlets)
    users = np.arange(first_regular, n_org)
    w = _Sampler(pop.activity[first_regular:n_org])
    pairs_rows, pairs_fans = [], []
    for c in pop.candidates:
        posts_c = rows[authors == c]
        fans = sorted_unique(users[w(rng, n_fans)])
        if posts_c.size == 0 or fans.size == 0:
            continue
        pairs_rows.append(np.repeat(posts_c, fans.size))
        pairs_fans.append(np.tile(fans, posts_c.size))
    if not pairs_rows:
        return 0
    all_rows, all_fans = np.concatenate(pairs_rows), np.concatenate(pairs_fans)
    n = min(n, all_rows.size)
    pick = np.sort(rng.choice(all_rows.size, n, replace=False))
    r, f = all_rows[pick], all_fans[pick]
    t = after(rng, _times_of(ctx, r), 900.0, 1.2, ctx.end)
    ctx.buf.add(Part.make(f, t, REPOST, target=r))
    return n


def _leak_pickup(
    ctx: Context, rng: np.random.Generator, n: int, leak_rows: np.ndarray, leak_urls: list[str]
) -> int:
    """Ordinary users picking up a public leak hours later (organic, not the campaign)."""
    if n == 0 or leak_rows.size == 0:
        return 0
    pop, b = ctx.pop, ctx.bank
    users = _Sampler(pop.activity[: pop.n_organic])(rng, n)
    which = rng.integers(0, leak_rows.size, n)
    t = after(rng, _times_of(ctx, leak_rows[which]), 3 * 3600.0, 1.0, ctx.end)
    rep = rng.random(n) < 0.5
    ri, si = np.flatnonzero(rep), np.flatnonzero(~rep)
    ctx.buf.add(Part.make(users[ri], t[ri], REPOST, target=leak_rows[which[ri]]))
    u = pa.array(leak_urls).take(pa.array(which[si] % len(leak_urls)))
    text = append_urls(organic_texts(b, rng, si.size), u)
    ctx.buf.add(Part.make(users[si], t[si], ORIGINAL, text=text, url=u))
    return n


def _campaign_pickup(ctx: Context, rng: np.random.Generator, n: int, rows: np.ndarray) -> int:
    """Ordinary users who fall for a campaign's posts and repost one of them, hours later:
    organic accounts touching campaign content once, which must not make them suspects."""
    if n == 0 or rows.size == 0:
        return 0
    users = _Sampler(ctx.pop.activity[: ctx.pop.n_organic])(rng, n)
    target = rows[rng.integers(0, rows.size, n)]
    t = after(rng, _times_of(ctx, target), 2 * 3600.0, 1.2, ctx.end)
    ctx.buf.add(Part.make(users, t, REPOST, target=target))
    return n


def generate_organic(
    ctx: Context,
    budget: int,
    leak_rows: np.ndarray,
    leak_urls: list[str],
    campaign_rows: np.ndarray | None = None,
) -> OrganicStats:
    """Exactly ``budget`` organic posts, appended to the context's buffer.

    ``leak_rows``/``leak_urls``: a leak's seed posts and documents, picked up by ordinary
    users once public; ``campaign_rows``: other campaign posts a few ordinary users repost."""
    stats = OrganicStats()
    if budget < 10:  # its shares below would be negative sizes (a NumPy error before)
        left = f"only {budget:,} posts are left" if budget > 0 else "no post is left"
        raise TooFewPosts(f"{left} for ordinary users")
    rng = ctx.rng("organic")
    used = 0
    viral_rows, k = _cascades(ctx, ctx.rng("cascades"), int(budget * CASCADE_SHARE), stats)
    used += k
    used += _quote_bursts(ctx, ctx.rng("quotes"), int(budget * QUOTE_BURST_SHARE), stats)
    used += _activists(ctx, ctx.rng("activists"), stats)
    n_leak = int(budget * LEAK_PICKUP_SHARE) if leak_rows.size else 0
    used += _leak_pickup(ctx, ctx.rng("leak-pickup"), n_leak, leak_rows, leak_urls)
    stats.leak_pickup_posts = n_leak
    rows = np.zeros(0, np.int64) if campaign_rows is None else campaign_rows
    n_pick = int(budget * CAMPAIGN_PICKUP_SHARE) if rows.size else 0
    stats.campaign_pickup_posts = _campaign_pickup(ctx, ctx.rng("campaign-pickup"), n_pick, rows)
    used += stats.campaign_pickup_posts
    rest = budget - used
    if rest < 10:
        raise TooFewPosts(
            f"only {max(rest, 0):,} posts are left for ordinary users once their viral "
            "cascades, activists and pick-ups are made"
        )
    n_orig = int(rest * KIND_SPLIT["original"])
    articles = _article_pool(ctx, rng, max(200, budget // 6))
    base, authors = _regular_originals(ctx, rng, n_orig, articles, stats)
    rows = np.concatenate([base + np.arange(n_orig), viral_rows])
    fans = _superfans(
        ctx, ctx.rng("superfans"), rows[:n_orig], authors, int(budget * SUPERFAN_SHARE)
    )
    stats.superfan_posts = fans
    left = rest - n_orig - fans
    share = 1.0 - KIND_SPLIT["original"]
    n_rep = int(left * KIND_SPLIT["repost"] / share)
    n_reply = int(left * KIND_SPLIT["reply"] / share)
    n_quote = left - n_rep - n_reply
    pop = ctx.pop
    all_authors = np.concatenate([authors, ctx.buf.column("author")[viral_rows]])
    # audience matters, but less than luck: public figures get about 40 % of reposts
    virality = pop.followers[all_authors].astype(np.float64) ** 0.35 * rng.lognormal(
        0, 1.8, rows.size
    )
    virality[n_orig:] *= 5.0  # breaking news keeps drawing reposts afterwards
    targets = _Sampler(virality)
    _reactions(ctx, rng, n_rep, REPOST, targets, rows, 1800.0)
    _reactions(ctx, rng, n_reply, REPLY, targets, rows, 1200.0)
    _reactions(ctx, rng, n_quote, QUOTE, targets, rows, 2400.0)
    stats.reposts += n_rep + fans
    stats.replies += n_reply
    stats.quotes += n_quote
    return stats


def ordinary_posts(
    ctx: Context, members: np.ndarray, n: int, window: tuple[int, int], campaign: int
) -> None:
    """Camouflage: ordinary-looking posts and reposts by a campaign's accounts."""
    if n == 0:
        return
    rng = ctx.rng(f"ordinary:{campaign}")
    pop, b = ctx.pop, ctx.bank
    authors = members[rng.integers(0, members.size, n)]
    rep = rng.random(n) < 0.35
    ri, oi = np.flatnonzero(rep), np.flatnonzero(~rep)
    t = sample_times(
        rng,
        oi.size,
        window[0],
        window[1],
        ctx.scenario.utc_offset_h,
        hour_shift=pop.hour_shift[authors[oi]],
    )
    text = organic_texts(b, rng, oi.size)
    tags = _user_tags(ctx, rng, authors[oi])
    text = append_hashtags(text, tags)
    ctx.buf.add(Part.make(authors[oi], t, ORIGINAL, text=text, tags=tags))
    # reposts of organic originals posted inside the window (originals if there are none)
    kind = ctx.buf.column("kind")
    tt = ctx.buf.column("t")
    camp = ctx.buf.column("campaign")
    ok = (kind == ORIGINAL) & (camp < 0) & (tt >= window[0]) & (tt < window[1] - 60 * US)
    cand = np.flatnonzero(ok)
    if ri.size == 0:
        return
    if cand.size == 0:
        t = sample_times(rng, ri.size, window[0], window[1], ctx.scenario.utc_offset_h)
        text = organic_texts(b, rng, ri.size)
        ctx.buf.add(Part.make(authors[ri], t, ORIGINAL, text=text))
        return
    rows = cand[rng.integers(0, cand.size, ri.size)]
    t = after(rng, tt[rows], 1800.0, 1.4, window[1])
    ctx.buf.add(Part.make(authors[ri], t, REPOST, target=rows))
