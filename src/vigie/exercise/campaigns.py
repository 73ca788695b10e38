"""Injected campaigns: the coordinated behaviours the detectors must find.

Why they look like this: every campaign type repeats a *co-action* (same repost, same text,
same link, same hashtag wave) over many distinct objects, with most members joining most
actions within seconds to minutes. That repetition over rare objects is what separates
coordination from organic coincidence (a viral cascade is huge but happens once, to random
people). ``stealth`` (0..1) blurs the trace: wider timing jitter, lower participation, more
paraphrase, and more ordinary-looking posts by the same accounts.

Ground truth: every account of a campaign carries its campaign id and role; the coordinated
posts carry the campaign id. The ordinary-looking camouflage posts of campaign accounts are
written by campaign accounts but enact no coordinated behaviour; they are labelled organic
(null) in ``truth_posts.parquet`` and counted as ``n_ordinary_posts`` in ``campaigns.json``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa

from vigie.exercise.context import Context
from vigie.exercise.kinds import ALL_TECHNIQUES, LITERATURE_TYPES
from vigie.exercise.population import add_campaign_accounts
from vigie.exercise.posts import ORIGINAL, QUOTE, REPLY, REPOST, Part, lists_from
from vigie.exercise.scenarios import CampaignPreset
from vigie.exercise.textgen import (
    append_hashtags,
    append_urls,
    capitalise,
    const,
    glue,
    if_else,
    join,
    narrative_texts,
    organic_texts,
    tag_lists,
    with_nulls,
)
from vigie.exercise.timeline import DAY, jittered, sample_times

BASE_JITTER_S = {
    "bot_amplification": 6.0,
    "copypasta": 40.0,
    "coordinated_link_sharing": 25.0,
    "hashtag_flooding": 40.0,
    "sleeper_burst": 20.0,
    "hack_and_leak": 20.0,
}


@dataclass(frozen=True)
class StealthParams:
    """How hard one campaign hides, derived from the single ``stealth`` knob."""

    stealth: float
    jitter_s: float
    participation: float
    paraphrase_rate: float
    ordinary_share: float

    @classmethod
    def of(cls, ctype: str, stealth: float) -> StealthParams:
        if ctype in LITERATURE_TYPES:
            from vigie.exercise.literature import lit_params

            return lit_params(ctype, stealth)
        return cls(
            stealth=round(stealth, 4),
            jitter_s=round(BASE_JITTER_S[ctype] * (1.0 + 9.0 * stealth**1.5), 3),
            participation=round(0.95 - 0.5 * stealth, 4),
            paraphrase_rate=round(0.05 + 0.75 * stealth, 4),
            ordinary_share=round(0.05 + 0.6 * stealth, 4),
        )


@dataclass
class CampaignRun:
    """What one injected campaign did (feeds ``campaigns.json``)."""

    index: int
    preset: CampaignPreset
    params: StealthParams
    members: np.ndarray
    roles: list[str]
    window: tuple[int, int]
    n_posts: int = 0
    n_ordinary_posts: int = 0
    objects: dict[str, list[str]] = field(default_factory=dict)
    seed_rows: list[int] = field(default_factory=list)
    leak_urls: list[str] = field(default_factory=list)
    reply_rows: list[int] = field(default_factory=list)
    pending_replies: tuple[Part, np.ndarray, np.ndarray, np.ndarray] | None = None
    # literature kinds: a step to run once the organic posts exist (reply brigades), and the
    # claim of each paraphrased post (buffer row, claim id, language, variant)
    finish: Callable[[Context], None] | None = None
    claim_rows: list[tuple[int, str, str, int]] = field(default_factory=list)

    @property
    def id(self) -> str:
        return f"C{self.index + 1:02d}"

    @property
    def type(self) -> str:
        return self.preset.type

    def record(self, post_ids: pa.Array | None = None) -> dict[str, Any]:
        roles: dict[str, int] = {}
        for r in self.roles:
            roles[r] = roles.get(r, 0) + 1
        objects = {
            k: [canonical(v) for v in vals]
            if k == "urls"
            else (dict(vals) if isinstance(vals, dict) else list(vals))
            for k, vals in self.objects.items()
        }
        if post_ids is not None and self.seed_rows:
            objects["seed_posts"] = post_ids.take(pa.array(self.seed_rows)).to_pylist()
        if post_ids is not None and self.reply_rows:
            objects["reply_targets"] = post_ids.take(pa.array(self.reply_rows)).to_pylist()
        from datetime import UTC, datetime

        def iso(us: int) -> str:
            return datetime.fromtimestamp(us / 1e6, tz=UTC).isoformat()

        return {
            "id": self.id,
            "type": self.type,
            "techniques": list(ALL_TECHNIQUES[self.type]),
            "target": self.preset.target,
            "n_accounts": int(len(self.members)),
            "roles": dict(sorted(roles.items())),
            "n_actions": self.preset.n_actions,
            "n_posts": int(self.n_posts),
            "n_ordinary_posts": int(self.n_ordinary_posts),
            "window": {"start": iso(self.window[0]), "end": iso(self.window[1])},
            "stealth": {
                "stealth": self.params.stealth,
                "jitter_s": self.params.jitter_s,
                "participation": self.params.participation,
                "paraphrase_rate": self.params.paraphrase_rate,
                "ordinary_share": self.params.ordinary_share,
            },
            "objects": objects,
        }


def canonical(url: str) -> str:
    """The canonical key stored in ``posts.urls`` (the scheme dropped, as vigie ingest does)."""
    return url.split("://", 1)[-1]


# --- shared mechanics --------------------------------------------------------------------


def _participation(rng: np.random.Generator, k: int, m: int, p: float) -> np.ndarray:
    """(actions × members) mask: who joins which action; everyone acts at least once."""
    pm = np.clip(p + rng.normal(0.0, 0.07, m), 0.05, 1.0)
    mask = rng.random((k, m)) < pm[None, :]
    idle = np.flatnonzero(~mask.any(axis=0))
    mask[rng.integers(0, k, idle.size), idle] = True
    return mask


def _action_times(ctx: Context, rng: np.random.Generator, run: CampaignRun, k: int) -> np.ndarray:
    lo, hi = run.window
    return np.sort(sample_times(rng, k, lo, hi, ctx.scenario.utc_offset_h, ramp=0.5))


def _hashtags(rng: np.random.Generator, tags: list[str], n: int, k: int) -> pa.ListArray:
    """``k`` hashtags per row drawn from ``tags`` (first one always present)."""
    counts = np.full(n, k, dtype=np.int32)
    idx = np.empty((n, k), dtype=np.int64)
    idx[:, 0] = 0
    if k > 1:
        idx[:, 1:] = rng.integers(1, max(2, len(tags)), (n, k - 1)) % len(tags)
    return tag_lists(pa.array(tags), counts, idx.ravel())


def _fake_urls(ctx: Context, rng: np.random.Generator, k: int, domains: list[str]) -> list[str]:
    b = ctx.bank
    sec = b.take("SECTIONS", b.pick(rng, "SECTIONS", k)).to_pylist()
    w1 = b.take("SLUG_WORDS", b.pick(rng, "SLUG_WORDS", k, zipf=0.0)).to_pylist()
    w2 = b.take("SLUG_WORDS", b.pick(rng, "SLUG_WORDS", k, zipf=0.0)).to_pylist()
    ids = rng.integers(10_000, 99_999, k)
    dom = [domains[i] for i in rng.integers(0, len(domains), k)]
    return [
        f"https://{d}/{s}/{a}-{c}-{i}" for d, s, a, c, i in zip(dom, sec, w1, w2, ids, strict=True)
    ]


# --- one function per campaign type ---------------------------------------------------------


def _bot_amplification(ctx: Context, rng: np.random.Generator, run: CampaignRun) -> None:
    """Seeds post; bots repost each seed post within seconds (some quote it instead)."""
    k, p = run.preset.n_actions, run.params
    roles = np.array(run.roles)
    seeds, bots = run.members[roles == "seed"], run.members[roles == "bot"]
    t0 = _action_times(ctx, rng, run, k)
    seed_of = seeds[rng.integers(0, len(seeds), k)]
    pool = ctx.bank.module.CAMPAIGN_HASHTAGS
    tag = pool[int(rng.integers(0, len(pool)))]
    text = organic_texts(ctx.bank, rng, k)
    tags = _hashtags(rng, [tag, *ctx.bank.module.HASHTAGS[:10]], k, 2)
    text = append_hashtags(text, tags)
    base = ctx.buf.add(Part.make(seed_of, t0, ORIGINAL, text=text, tags=tags, campaign=run.index))
    rows = base + np.arange(k)
    mask = _participation(rng, k, len(bots), p.participation)
    ki, mi = np.nonzero(mask)
    t = jittered(rng, t0[ki], p.jitter_s, ctx.end)
    quote = rng.random(ki.size) < 0.3 * p.paraphrase_rate
    kind = np.where(quote, QUOTE, REPOST)
    qtext = with_nulls(organic_texts(ctx.bank, rng, ki.size), ~quote)
    ctx.buf.add(Part.make(bots[mi], t, kind, target=rows[ki], text=qtext, campaign=run.index))
    run.n_posts = k + ki.size
    run.seed_rows = rows.tolist()
    run.objects = {"hashtags": [tag]}


def _copypasta(ctx: Context, rng: np.random.Generator, run: CampaignRun) -> None:
    """The same message, lightly edited, posted by every sockpuppet within minutes."""
    b = ctx.bank
    k, p = run.preset.n_actions, run.params
    t0 = _action_times(ctx, rng, run, k)
    slots = {
        "NARRATIVE_SUBJECTS": b.pick(rng, "NARRATIVE_SUBJECTS", k, zipf=0.0),
        "NARRATIVE_VERBS": b.pick(rng, "NARRATIVE_VERBS", k, zipf=0.0),
        "NARRATIVE_OBJECTS": b.pick(rng, "NARRATIVE_OBJECTS", k, zipf=0.0),
        "NARRATIVE_TAILS": b.pick(rng, "NARRATIVE_TAILS", k, zipf=0.0),
        "CALLS": b.pick(rng, "CALLS", k, zipf=0.0),
    }
    body = organic_texts(b, rng, k)  # the message's specific, fixed detail
    tag = b.module.CAMPAIGN_HASHTAGS[int(rng.integers(0, len(b.module.CAMPAIGN_HASHTAGS)))]
    mask = _participation(rng, k, len(run.members), p.participation)
    ki, mi = np.nonzero(mask)
    n = ki.size
    para = rng.random(n) < p.paraphrase_rate
    parts = []
    for slot, chosen in slots.items():
        idx = chosen[ki]
        if slot == "CALLS":
            redraw = rng.random(n) < 0.5  # the light edit everyone makes
        elif slot == "NARRATIVE_SUBJECTS":
            redraw = np.zeros(n, bool)  # who is accused stays: it is the message
        else:
            redraw = para & (rng.random(n) < 0.5)  # paraphrase: other verb, object, tail
        idx = np.where(redraw, b.pick(rng, slot, n, zipf=0.0), idx)
        parts.append(b.take(slot, idx))
    opener = b.draw(rng, "OPENERS", n, prob=0.25 + 0.5 * p.paraphrase_rate)
    claim = glue(opener, join(parts[:4]))
    # a paraphrased copy sometimes drops the message's detail sentence as well
    drop_body = para & (rng.random(n) < 0.5)
    text = join(
        [
            opener,
            claim,
            with_nulls(body.take(pa.array(ki)), drop_body),
            parts[4],
            b.draw(rng, "EMOJIS", n, prob=0.4),
        ]
    )
    with_tag = rng.random(n) < 0.6
    tags = tag_lists(pa.array([tag]), with_tag.astype(np.int32), np.zeros(n, np.int64))
    text = append_hashtags(text, tags)
    t = jittered(rng, t0[ki], p.jitter_s, ctx.end)
    part = Part.make(run.members[mi], t, ORIGINAL, text=text, tags=tags, campaign=run.index)
    ctx.buf.add(part)
    # reply-spam: part of the messages go out as replies under the targeted candidate's
    # latest post (resolved by attach_replies once the organic posts exist)
    run.pending_replies = (part, ki, t0, rng.random(k) < 0.5)
    run.n_posts = n
    base_msgs = join([capitalise(join([b.take(s, v) for s, v in list(slots.items())[:4]])), body])
    run.objects = {"messages": base_msgs.to_pylist(), "hashtags": [tag]}


def _link_sharing(ctx: Context, rng: np.random.Generator, run: CampaignRun) -> None:
    """Links to inauthentic news sites shared by all amplifiers within a minute or two."""
    b = ctx.bank
    k, p = run.preset.n_actions, run.params
    fake = list(b.module.FAKE_NEWS_DOMAINS)
    nd = int(rng.integers(2, 5))
    domains = [fake[i] for i in rng.choice(len(fake), nd, replace=False)]
    urls = _fake_urls(ctx, rng, k, domains)
    titles = narrative_texts(b, rng, k)
    t0 = _action_times(ctx, rng, run, k)
    mask = _participation(rng, k, len(run.members), p.participation)
    ki, mi = np.nonzero(mask)
    n = ki.size
    own = rng.random(n) < 0.5 + 0.5 * p.paraphrase_rate
    text = if_else(own, organic_texts(b, rng, n), titles.take(pa.array(ki)))
    url = pa.array(urls).take(pa.array(ki))
    text = append_urls(text, url)
    t = jittered(rng, t0[ki], p.jitter_s, ctx.end)
    ctx.buf.add(Part.make(run.members[mi], t, ORIGINAL, text=text, url=url, campaign=run.index))
    run.n_posts = n
    run.objects = {"domains": domains, "urls": urls}


def _hashtag_flooding(ctx: Context, rng: np.random.Generator, run: CampaignRun) -> None:
    """Waves of posts pushing the campaign hashtag plus a fresh one per wave."""
    b = ctx.bank
    k, p = run.preset.n_actions, run.params
    pool = list(b.module.CAMPAIGN_HASHTAGS)
    main = pool[int(rng.integers(0, len(pool)))]
    suffixes = ["", "maintenant", "2027", "jour"] if b.lang == "fr" else ["", "now", "2028", "day"]
    variants = sorted({h + s for h in pool for s in suffixes} - {main})
    wave_tags = [variants[i] for i in rng.choice(len(variants), k, replace=False)]
    t0 = _action_times(ctx, rng, run, k)
    mask = _participation(rng, k, len(run.members), p.participation)
    ki, mi = np.nonzero(mask)
    n = ki.size
    text = organic_texts(b, rng, n)
    popular = with_nulls(b.draw(rng, "HASHTAGS", n, zipf=1.0), rng.random(n) >= 0.3)
    tags = lists_from([const(main, n), pa.array(wave_tags).take(pa.array(ki)), popular])
    text = append_hashtags(text, tags)
    t = jittered(rng, t0[ki], p.jitter_s, ctx.end)
    part = Part.make(run.members[mi], t, ORIGINAL, text=text, tags=tags, campaign=run.index)
    ctx.buf.add(part)
    # reply-spam: part of the messages go out as replies under the targeted candidate's
    # latest post (resolved by attach_replies once the organic posts exist)
    run.pending_replies = (part, ki, t0, rng.random(k) < 0.5)
    run.n_posts = n
    run.objects = {"hashtags": [main, *wave_tags]}


def _sleeper_burst(ctx: Context, rng: np.random.Generator, run: CampaignRun) -> None:
    """Dormant accounts wake up together: co-links to a fake site and co-reposts."""
    b = ctx.bank
    k, p = run.preset.n_actions, run.params
    members = run.members
    fake = list(b.module.FAKE_NEWS_DOMAINS)
    domain = fake[int(rng.integers(0, len(fake)))]
    t0 = _action_times(ctx, rng, run, k)
    is_link = rng.random(k) < 0.5
    urls = _fake_urls(ctx, rng, k, [domain])
    lead = members[rng.integers(0, len(members), k)]
    # lead posts for the repost actions
    rk = np.flatnonzero(~is_link)
    tag = b.module.CAMPAIGN_HASHTAGS[int(rng.integers(0, len(b.module.CAMPAIGN_HASHTAGS)))]
    lead_text = organic_texts(b, rng, rk.size)
    ltags = _hashtags(rng, [tag], rk.size, 1)
    lead_text = append_hashtags(lead_text, ltags)
    base = ctx.buf.add(
        Part.make(lead[rk], t0[rk], ORIGINAL, text=lead_text, tags=ltags, campaign=run.index)
    )
    lead_row = np.full(k, -1, np.int64)
    lead_row[rk] = base + np.arange(rk.size)
    mask = _participation(rng, k, len(members), p.participation)
    mask[rk] &= members[None, :] != lead[rk][:, None]  # a lead does not repost itself
    ki, mi = np.nonzero(mask)
    t = jittered(rng, t0[ki], p.jitter_s, ctx.end)
    link = is_link[ki]
    # link shares
    li = np.flatnonzero(link)
    url = pa.array(urls).take(pa.array(ki[li]))
    ltext = append_urls(organic_texts(b, rng, li.size), url)
    ctx.buf.add(
        Part.make(members[mi[li]], t[li], ORIGINAL, text=ltext, url=url, campaign=run.index)
    )
    ri = np.flatnonzero(~link)
    ctx.buf.add(
        Part.make(members[mi[ri]], t[ri], REPOST, target=lead_row[ki[ri]], campaign=run.index)
    )
    run.n_posts = rk.size + ki.size
    run.seed_rows = lead_row[rk].tolist()
    run.objects = {
        "urls": [u for u, lk in zip(urls, is_link, strict=True) if lk],
        "hashtags": [tag],
    }


def _hack_and_leak(ctx: Context, rng: np.random.Generator, run: CampaignRun) -> None:
    """Seeds post links to leaked documents; amplifiers repost them or share the links."""
    b = ctx.bank
    k, p = run.preset.n_actions, run.params
    roles = np.array(run.roles)
    seeds, amps = run.members[roles == "seed"], run.members[roles == "amplifier"]
    leak = b.module.LEAK
    docs = list(leak["docs"])
    urls = [
        f"https://{leak['domain']}/{docs[i % len(docs)]}"
        + (f"-{i // len(docs) + 1}" if i >= len(docs) else "")
        for i in range(k)
    ]
    lo, hi = run.window
    # the drop: most documents within the first day, the rest trickle out
    frac = np.sort(rng.random(k) ** 3)
    t0 = lo + (frac * (hi - lo) * 0.9).astype(np.int64)
    seed_of = seeds[rng.integers(0, len(seeds), k)]
    tags = _hashtags(rng, [leak["hashtag"]], k, 1)
    text = append_urls(append_hashtags(narrative_texts(b, rng, k), tags), pa.array(urls))
    base = ctx.buf.add(
        Part.make(
            seed_of, t0, ORIGINAL, text=text, url=pa.array(urls), tags=tags, campaign=run.index
        )
    )
    rows = base + np.arange(k)
    mask = _participation(rng, k, len(amps), p.participation)
    ki, mi = np.nonzero(mask)
    t = jittered(rng, t0[ki], p.jitter_s, ctx.end)
    rep = rng.random(ki.size) < 0.6
    ri, si = np.flatnonzero(rep), np.flatnonzero(~rep)
    ctx.buf.add(Part.make(amps[mi[ri]], t[ri], REPOST, target=rows[ki[ri]], campaign=run.index))
    url = pa.array(urls).take(pa.array(ki[si]))
    stags = _hashtags(rng, [leak["hashtag"]], si.size, 1)
    stext = append_urls(append_hashtags(organic_texts(b, rng, si.size), stags), url)
    ctx.buf.add(
        Part.make(
            amps[mi[si]], t[si], ORIGINAL, text=stext, url=url, tags=stags, campaign=run.index
        )
    )
    run.n_posts = k + ki.size
    run.seed_rows = rows.tolist()
    run.leak_urls = urls
    run.objects = {"urls": urls, "hashtags": [leak["hashtag"]], "domains": [leak["domain"]]}


def _target_candidate(ctx: Context, run: CampaignRun) -> int:
    """The candidate named in the preset's target, else one chosen by campaign index."""
    for i, (name, _) in enumerate(ctx.bank.module.CANDIDATES):
        if name.split()[-1].lower() in run.preset.target.lower():
            return int(ctx.pop.candidates[i])
    return int(ctx.pop.candidates[run.index % len(ctx.pop.candidates)])


def attach_replies(ctx: Context, run: CampaignRun) -> None:
    """Turn a copypasta's reply-spam messages into replies to the targeted candidate's latest
    post before each message goes out (co-replies are a trace of their own, T0049.001)."""
    if run.pending_replies is None:
        return
    part, ki, t0, as_reply = run.pending_replies
    run.pending_replies = None
    cand = _target_candidate(ctx, run)
    kind, t, author = ctx.buf.column("kind"), ctx.buf.column("t"), ctx.buf.column("author")
    camp = ctx.buf.column("campaign")
    rows = np.flatnonzero((author == cand) & (kind == ORIGINAL) & (camp < 0))
    if rows.size == 0:
        return
    rows = rows[np.argsort(t[rows], kind="stable")]
    pos = np.searchsorted(t[rows], t0, side="left") - 1  # latest post strictly before t0
    ok = as_reply & (pos >= 0)
    target_of_msg = np.where(ok, rows[np.maximum(pos, 0)], -1)
    sel = ok[ki]
    part.kind[sel] = REPLY
    part.target[sel] = target_of_msg[ki[sel]]
    run.reply_rows = sorted(set(target_of_msg[ok].tolist()))


BEHAVIOURS = {
    "bot_amplification": _bot_amplification,
    "copypasta": _copypasta,
    "coordinated_link_sharing": _link_sharing,
    "hashtag_flooding": _hashtag_flooding,
    "sleeper_burst": _sleeper_burst,
    "hack_and_leak": _hack_and_leak,
}


def _roles(ctype: str, m: int) -> list[str]:
    if ctype in LITERATURE_TYPES:
        from vigie.exercise.literature import roles_for

        return roles_for(ctype, m)
    if ctype == "bot_amplification":
        s = max(1, round(m / 20))
        return ["seed"] * s + ["bot"] * (m - s)
    if ctype == "hack_and_leak":
        s = max(2, round(m / 12))
        return ["seed"] * s + ["amplifier"] * (m - s)
    if ctype == "copypasta":
        return ["sockpuppet"] * m
    if ctype == "sleeper_burst":
        return ["sleeper"] * m
    return ["amplifier"] * m


def inject(ctx: Context, index: int, preset: CampaignPreset, size: int) -> CampaignRun:
    """Create the accounts of one campaign and its coordinated posts."""
    rng = ctx.rng(f"campaign:{index}:{preset.type}")
    params = StealthParams.of(preset.type, ctx.stealth)
    roles = _roles(preset.type, size)
    burst = None
    if preset.type == "sleeper_burst":
        burst = ctx.start - int((150 + 250 * rng.random()) * DAY)
    members = add_campaign_accounts(
        ctx.pop, ctx.bank, rng, index, roles, ctx.start, ctx.stealth, burst_at_us=burst
    )
    window = (ctx.at(preset.start), ctx.at(preset.end))
    run = CampaignRun(index, preset, params, members, roles, window)
    if preset.type in LITERATURE_TYPES:
        from vigie.exercise.literature import BEHAVIOURS as LITERATURE_BEHAVIOURS

        LITERATURE_BEHAVIOURS[preset.type](ctx, rng, run)
    else:
        BEHAVIOURS[preset.type](ctx, rng, run)
    return run


def ordinary_count(run: CampaignRun) -> int:
    """Camouflage posts so that they make ``ordinary_share`` of the accounts' posts."""
    s = run.params.ordinary_share
    return round(run.n_posts * s / (1.0 - s))
