"""Organic coordination that is authentic: the hard negatives of the ``literature-*`` presets.

Why: coordination is not inauthenticity. Studies of coordinated link sharing (Giglietto et al.
on CLSB, the CooRTweet documentation) and of elections (Nizzoli et al., "Coordinated Behavior
on Social Media in 2019 UK General Election", ICWSM 2021) find that the tightest coordinated
clusters are often open and authentic: a newsroom and its RSS/feed accounts posting the same
link within seconds, party accounts and candidates retweeting each other, fandoms voting
together during a show, and "follow trains" (Torres-Lugo, Yang & Menczer, "The Manufacture of
Partisan Echo Chambers by Follow Train Abuse on Twitter", ICWSM 2022) where a community
reposts lists of handles to grow each other. A detector must find them *and* say they look
authentic; the score reports the organic false-positive rate with and without them.

Accounts are recruited among the ordinary organic accounts (their ``campaign_id`` stays null)
and their ``role`` in truth.parquet says which authentic group they belong to
(``vigie.exercise.kinds.AUTHENTIC_ROLES``).

``press_corps`` is no coordinated group: it gives the election its fact-checking desks and
political journalists beside the news outlets, and has ordinary users tag them, one to a few
at a time, as readers do (asking a fact-checker "is this true?", calling out a newsroom,
more of it on debate nights), and journalists tag their outlet and colleagues in their own
posts. Those are the hard negatives of ``mention_bombing`` (``vigie.exercise.literature``),
whose accounts tag the same handles; a scenario with that kind always has a press corps
(``extras_for``).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from vigie.exercise.context import Context
from vigie.exercise.posts import ORIGINAL, REPOST, Part
from vigie.exercise.textgen import append_hashtags, headline_texts, organic_texts
from vigie.exercise.timeline import DAY, HOUR, US, after, sample_times

if TYPE_CHECKING:
    from vigie.exercise.scenarios import Scenario

ORGANIC_EXTRAS: tuple[str, ...] = (
    "news_feeds",
    "fandoms",
    "follow_trains",
    "party_networks",
    "press_corps",
)

# Posts in which an ordinary user tags a newsroom, journalist or fact-checker, as a share of
# all posts. An order of magnitude chosen for the exercise, not a measured figure: enough that
# the handles a mention-bombing campaign tags are tagged by many ordinary users as well.
PRESS_TAG_SHARE = 0.012
N_JOURNALISTS = 16
# handles an ordinary tagger puts in one post (1 to 6: mostly one, rarely many)
_TAGS_PER_POST = np.array([0.62, 0.2, 0.1, 0.04, 0.025, 0.015])
_DEFAULT_HANDLE = re.compile(r"^[A-Z][a-z]*[0-9]{8}$")  # X's default handle
_HANDLE = re.compile(r"@([A-Za-z0-9_]+)")

_FEED_SUFFIX = ("rss", "direct", "alertes", "live", "info")
_FEED_SUFFIX_EN = ("rss", "feed", "alerts", "live", "breaking")

_SHOWS = {
    "fr": (
        ("Le Grand Casting", "grandcasting", "vote.grandcasting.tv"),
        ("Chante Ta Ville", "chantetaville", "vote.chantetaville.fr"),
    ),
    "en": (
        ("Star Search Live", "starsearchlive", "vote.starsearchlive.tv"),
        ("Sing Your Town", "singyourtown", "vote.singyourtown.com"),
    ),
}
_ARTISTS = ("Lina", "Malo", "Jade", "Noah", "Zoé", "Sacha", "Inaya", "Eliott")
_FAN_LINES = {
    "fr": (
        "Votez pour {a} ce soir !!",
        "{a} mérite tellement de gagner",
        "Allez on vote tous pour {a} 🔥",
        "Quelle prestation de {a} ce soir 😍",
        "On ne lâche rien, tous derrière {a}",
        "{a} en finale, votez votez votez",
    ),
    "en": (
        "Vote for {a} tonight!!",
        "{a} deserves to win so much",
        "Everyone vote for {a} 🔥",
        "What a performance by {a} tonight 😍",
        "We don't give up, all behind {a}",
        "{a} to the final, vote vote vote",
    ),
}
_TRAIN = {
    "fr": ("🚂 Train de follow ! Suivez-vous tous", "Followed tous ✅ merci pour le train"),
    "en": ("🚂 Follow train! Follow each other", "Followed all ✅ thanks for the train"),
}
_TRAIN_TAGS = ("FollowTrain", "FBR", "TeamFollowBack")


@dataclass
class ExtraStats:
    """What the organic extras wrote (for campaigns.json and the tests)."""

    posts: int = 0
    groups: list[dict[str, Any]] = field(default_factory=list)


class _Recruiter:
    """Draws ordinary organic accounts (never candidates or outlets), each at most once."""

    def __init__(self, ctx: Context, rng: np.random.Generator) -> None:
        first = len(ctx.pop.candidates) + len(ctx.pop.media_outlets)
        self.pool = rng.permutation(np.arange(first, ctx.pop.n_organic))
        self.cursor = 0

    def take(self, n: int) -> np.ndarray:
        n = min(n, self.pool.size - self.cursor)
        out = self.pool[self.cursor : self.cursor + n]
        self.cursor += n
        return out


class _Profiles:
    """Edits to handles, names and bios, applied to the population in one go."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.handle = ctx.pop.handle.to_pylist()
        self.name = ctx.pop.display_name.to_pylist()
        self.bio = ctx.pop.description.to_pylist()

    def set(self, i: int, handle: str, name: str, bio: str) -> None:
        self.handle[i], self.name[i], self.bio[i] = handle, name, bio

    def apply(self) -> None:
        pop = self.ctx.pop
        pop.handle = pa.array(self.handle, pa.string())
        pop.display_name = pa.array(self.name, pa.string())
        pop.description = pa.array(self.bio, pa.string())


def _mark(ctx: Context, rows: np.ndarray, role: str) -> None:
    for i in rows.tolist():
        ctx.pop.role[int(i)] = role


def _news_feeds(ctx: Context, rng: np.random.Generator, rec: _Recruiter, prof: _Profiles):
    """Each outlet posts its articles; its feed accounts post the same headline and link
    within seconds (up to a couple of minutes for the 'live' ones)."""
    pop, b = ctx.pop, ctx.bank
    media = list(b.module.MEDIA)
    domains = list(b.module.NEWS_DOMAINS)
    suffixes = _FEED_SUFFIX if b.lang == "fr" else _FEED_SUFFIX_EN
    span_days = max(1.0, (ctx.end - ctx.start) / DAY)
    groups, posts = [], 0
    for oi, outlet in enumerate(pop.media_outlets.tolist()):
        feeds = rec.take(int(rng.integers(1, 4)))
        name, handle = media[oi]
        for fi, f in enumerate(feeds.tolist()):
            suf = suffixes[fi % len(suffixes)]
            bio = (
                f"Flux automatique des articles de {name}."
                if b.lang == "fr"
                else f"Automated feed of {name} articles."
            )
            prof.set(f, f"{handle}_{suf}", f"{name} ({suf})", bio)
        pop.activity[feeds] = 1e-6  # bots: they post only the outlet's links
        pop.created_at[feeds] = np.minimum(pop.created_at[feeds], ctx.start - 3 * 365 * DAY)
        _mark(ctx, np.array([outlet]), "news_outlet")
        _mark(ctx, feeds, "news_feed")
        a = int(max(8, round(span_days * rng.uniform(1.0, 3.0))))
        t0 = np.sort(sample_times(rng, a, ctx.start, ctx.end - HOUR, ctx.scenario.utc_offset_h))
        dom = domains[oi % len(domains)]
        secs = b.take("SECTIONS", b.pick(rng, "SECTIONS", a)).to_pylist()
        w = b.take("SLUG_WORDS", b.pick(rng, "SLUG_WORDS", 2 * a, zipf=0.0)).to_pylist()
        ids = rng.integers(2_000_000, 9_999_999, a)
        urls = [f"https://{dom}/{secs[j]}/{w[2 * j]}-{w[2 * j + 1]}-{ids[j]}" for j in range(a)]
        head = headline_texts(b, rng, a).to_pylist()
        text = pa.array([f"{h} {u}" for h, u in zip(head, urls, strict=True)], pa.string())
        url = pa.array(urls, pa.string())
        ctx.buf.add(Part.make(np.full(a, outlet), t0, ORIGINAL, text=text, url=url))
        posts += a
        for fi, f in enumerate(feeds.tolist()):
            live = fi == 2
            lag = rng.uniform(1.0, 150.0 if live else 45.0, a)
            t = t0 + (lag * US).astype(np.int64)
            ctx.buf.add(Part.make(np.full(a, f), t, ORIGINAL, text=text, url=url))
            posts += a
        groups.append(
            {"kind": "news_feed", "accounts": [int(outlet), *feeds.tolist()], "objects": a}
        )
    return groups, posts


def _fandoms(ctx: Context, rng: np.random.Generator, rec: _Recruiter, prof: _Profiles):
    """Weekly show nights: fans post the show's hashtag, their artist and the vote link in
    the same 45 minutes (half of them in the two minutes after the vote opens), many with the
    same few words."""
    b = ctx.bank
    lang = b.lang if b.lang in _SHOWS else "en"
    size = max(30, min(150, ctx.pop.n_organic // 120))
    groups, posts = [], 0
    for si, (show, tag, vote) in enumerate(_SHOWS[lang]):
        fans = rec.take(int(size * rng.uniform(0.6, 1.0)))
        official = rec.take(1)
        if fans.size < 5 or official.size == 0:
            continue
        off = int(official[0])
        prof.set(off, tag, show, f"Compte officiel de {show}." if lang == "fr" else
                 f"Official account of {show}.")  # fmt: skip
        _mark(ctx, fans, "fan")
        _mark(ctx, official, "fan")
        fav = rng.integers(0, len(_ARTISTS), fans.size)
        local_midnight = ctx.start - int(ctx.scenario.utc_offset_h * HOUR)
        first_day = int(rng.integers(0, 7)) + si * 2
        nights = []
        d = first_day
        while local_midnight + d * DAY + 23 * HOUR < ctx.end:
            nights.append(local_midnight + d * DAY + 21 * HOUR)
            d += 7
        nights = [t for t in nights if t > ctx.start]
        for night in nights:
            date = np.datetime64(int(night), "us").astype("datetime64[D]")
            link = f"https://{vote}/{date}"
            ann = pa.array([f"Les votes sont ouverts ! {link}" if lang == "fr" else
                            f"Voting is open! {link}"], pa.string())  # fmt: skip
            row = ctx.buf.add(
                Part.make(
                    np.array([off]),
                    np.array([night + 30 * 60 * US]),
                    ORIGINAL,
                    text=append_hashtags(ann, pa.array([[tag]], pa.list_(pa.string()))),
                    url=pa.array([link], pa.string()),
                    tags=pa.array([[tag]], pa.list_(pa.string())),
                )  # fmt: skip
            )
            posts += 1
            joined = rng.random(fans.size) < 0.55
            who = fans[joined]
            reps = rng.integers(1, 4, who.size)
            authors = np.repeat(who, reps)
            n = authors.size
            # half the posts go out in a 'voting party' in the two minutes after the vote
            # opens (fans agree on the minute), the rest over the show's 45 minutes
            party = rng.random(n) < 0.5
            sec = np.where(party, 30 * 60 + rng.uniform(1, 120, n), rng.uniform(0, 45 * 60, n))
            t = night + (sec * US).astype(np.int64)
            pick = np.repeat(np.flatnonzero(joined), reps)
            art = [_ARTISTS[int(x)] for x in fav[pick]]
            lines = _FAN_LINES[lang]
            txt, tags, urls = [], [], []
            for i in range(n):
                line = lines[int(rng.integers(0, len(lines)))].format(a=art[i])
                has_link = rng.random() < 0.5
                tags.append([tag, f"Vote{art[i]}"] if rng.random() < 0.6 else [tag])
                urls.append(link if has_link else None)
                txt.append(line + (f" {link}" if has_link else ""))
            tl = pa.array(tags, pa.list_(pa.string()))
            text = append_hashtags(pa.array(txt, pa.string()), tl)
            ctx.buf.add(
                Part.make(
                    authors, t, ORIGINAL, text=text, url=pa.array(urls, pa.string()), tags=tl
                )  # fmt: skip
            )
            rt = who[rng.random(who.size) < 0.3]
            tr = after(rng, np.full(rt.size, night + 30 * 60 * US), 300.0, 0.8, ctx.end)
            ctx.buf.add(Part.make(rt, tr, REPOST, target=np.full(rt.size, row)))
            posts += n + rt.size
        groups.append({"kind": "fandom", "accounts": [off, *fans.tolist()], "objects": len(nights)})
    return groups, posts


def _follow_trains(ctx: Context, rng: np.random.Generator, rec: _Recruiter, prof: _Profiles):
    """A community whose members post lists of each other's handles every day or two and
    repost those lists within hours."""
    b = ctx.bank
    lang = b.lang if b.lang in _TRAIN else "en"
    size = max(20, min(60, ctx.pop.n_organic // 250))
    groups, posts = [], 0
    for _ in range(2):
        members = rec.take(int(size * rng.uniform(0.6, 1.0)))
        if members.size < 8:
            continue
        _mark(ctx, members, "follow_train")
        t = ctx.start + int(rng.uniform(0.0, 1.5) * DAY)
        trains = 0
        while t < ctx.end - 6 * HOUR:
            conductor = int(members[int(rng.integers(0, members.size))])
            listed = rng.choice(members, min(members.size, int(rng.integers(10, 26))), False)
            handles = " ".join(f"@{prof.handle[int(i)]}" for i in listed.tolist())
            tags = [list(_TRAIN_TAGS[: int(rng.integers(1, 4))])]
            tl = pa.array(tags, pa.list_(pa.string()))
            text = append_hashtags(pa.array([f"{_TRAIN[lang][0]} {handles}"], pa.string()), tl)
            row = ctx.buf.add(Part.make(np.array([conductor]), np.array([t]), ORIGINAL,
                                        text=text, tags=tl))  # fmt: skip
            others = members[members != conductor]
            rt = others[rng.random(others.size) < 0.5]
            tr = after(rng, np.full(rt.size, t), 5400.0, 1.0, ctx.end)
            ctx.buf.add(Part.make(rt, tr, REPOST, target=np.full(rt.size, row)))
            posts += 1 + rt.size
            trains += 1
            t += int(rng.uniform(1.0, 3.0) * DAY)
        groups.append({"kind": "follow_train", "accounts": members.tolist(), "objects": trains})
    return groups, posts


def _party_networks(ctx: Context, rng: np.random.Generator, rec: _Recruiter, prof: _Profiles):
    """Per party: the candidate, the party's account and elected officials post statements
    and openly repost each other within minutes to hours."""
    pop, b = ctx.pop, ctx.bank
    cands = list(b.module.CANDIDATES)
    span_days = max(1.0, (ctx.end - ctx.start) / DAY)
    groups, posts = [], 0
    for ci in range(min(3, len(cands))):
        name, _ = cands[ci]
        last = name.split()[-1].lower()
        cand = int(pop.candidates[ci])
        party = rec.take(1)
        officials = rec.take(int(rng.integers(12, 25)))
        if party.size == 0 or officials.size < 3:
            continue
        p = int(party[0])
        if b.lang == "fr":
            prof.set(
                p, f"equipe_{last}", f"Équipe {name}", f"Compte officiel de campagne de {name}."
            )
            bio = f"Élu·e local·e. Fier·e de soutenir {name}."
        else:
            prof.set(p, f"team{last}", f"Team {name}", f"Official campaign account of {name}.")
            bio = f"Elected official. Proud to support {name}."
        for o in officials.tolist():
            prof.set(o, prof.handle[o], prof.name[o], bio)
        net = np.concatenate([[cand, p], officials]).astype(np.int64)
        _mark(ctx, net, "party_account")
        # statements: the party account twice a day, the candidate daily, officials rarely
        rates = np.concatenate([[1.0, 2.0], np.full(officials.size, 0.3)])
        n_by = rng.poisson(rates * span_days)
        authors = np.repeat(net, n_by)
        t0 = sample_times(rng, authors.size, ctx.start, ctx.end - 2 * HOUR,
                          ctx.scenario.utc_offset_h)  # fmt: skip
        text = organic_texts(b, rng, authors.size)
        base = ctx.buf.add(Part.make(authors, t0, ORIGINAL, text=text))
        posts += authors.size
        rows = base + np.arange(authors.size)
        # everyone else in the network reposts a statement with probability 0.45
        mask = rng.random((authors.size, net.size)) < 0.45
        mask &= net[None, :] != authors[:, None]
        ri, mi = np.nonzero(mask)
        t = after(rng, t0[ri], 900.0, 1.2, ctx.end)
        ctx.buf.add(Part.make(net[mi], t, REPOST, target=rows[ri]))
        posts += ri.size
        groups.append(
            {"kind": "party_network", "accounts": net.tolist(), "objects": int(authors.size)}
        )
    return groups, posts


def _unique_handle(taken: Counter, old: str, new: str, row: int) -> str:
    """``new``, or ``new_row`` if another account has it (assign_ids would rename a later
    duplicate, and a tagged handle must stay the account's)."""
    taken[old.lower()] -= 1
    h = new if taken[new.lower()] == 0 else f"{new}_{row}"
    taken[h.lower()] += 1
    return h


def _press_corps(ctx: Context, rng: np.random.Generator, rec: _Recruiter, prof: _Profiles):
    """Fact-checking desks and political journalists beside the news outlets; the desks post
    their checks, the journalists their articles (tagging their outlet, now and then a
    colleague), and ordinary users tag one to a few of them, some asking them to verify
    something, more of them on debate nights. ``pop.press`` keeps who is who."""
    from vigie.exercise.literature import debate_nights

    pop, b = ctx.pop, ctx.bank
    mod = b.module
    media = list(mod.MEDIA)
    outlets = pop.media_outlets.astype(np.int64)
    taken = Counter(h.lower() for h in prof.handle)
    span_days = max(1.0, (ctx.end - ctx.start) / DAY)
    checkers: list[int] = []
    for name, handle in mod.FACT_CHECKERS:
        got = rec.take(1)
        if got.size == 0:
            break
        i = int(got[0])
        prof.set(i, _unique_handle(taken, prof.handle[i], handle, i), name, mod.FACT_CHECKER_BIO)
        checkers.append(i)
    journalists: list[int] = []
    outlet_of: list[int] = []
    tries = 0
    while len(journalists) < N_JOURNALISTS and tries < 20 * N_JOURNALISTS:
        tries += 1
        got = rec.take(1)
        if got.size == 0:
            break
        i = int(got[0])
        h = prof.handle[i]
        if _DEFAULT_HANDLE.match(h) or taken[h.lower()] != 1:
            continue  # a journalist's handle is their own name, and only theirs
        oi = len(journalists) % len(media)
        bio = mod.JOURNALIST_BIOS[int(rng.integers(0, len(mod.JOURNALIST_BIOS)))]
        prof.set(i, h, prof.name[i], bio.format(outlet=media[oi][0]))
        journalists.append(i)
        outlet_of.append(oi)
    ch, jo = np.array(checkers, np.int64), np.array(journalists, np.int64)
    pop.press = {"outlet": outlets, "fact_checker": ch, "journalist": jo}
    pop.followers[ch] = rng.lognormal(np.log(80_000), 0.7, ch.size).astype(np.int64)
    pop.followers[jo] = rng.lognormal(np.log(15_000), 1.0, jo.size).astype(np.int64)
    pop.created_at[ch] = np.minimum(pop.created_at[ch], ctx.start - 5 * 365 * DAY)
    pop.activity[ch] = 1e-6  # a desk posts its checks only
    posts = 0
    parts: list[Part] = []
    domains = list(mod.NEWS_DOMAINS)
    off = ctx.scenario.utc_offset_h

    def article_urls(n: int, dom: list[str]) -> list[str]:
        secs = b.take("SECTIONS", b.pick(rng, "SECTIONS", n)).to_pylist()
        w = b.take("SLUG_WORDS", b.pick(rng, "SLUG_WORDS", 2 * n, zipf=0.0)).to_pylist()
        ids = rng.integers(2_000_000, 9_999_999, n)
        return [f"https://{dom[j]}/{secs[j]}/{w[2 * j]}-{w[2 * j + 1]}-{ids[j]}" for j in range(n)]

    # the desks' checks: a verdict, a headline, the link
    n_by = rng.poisson(0.8 * span_days, ch.size)
    authors = np.repeat(ch, n_by)
    if authors.size:
        verdicts = list(mod.FACT_CHECK_VERDICTS)
        v = [verdicts[int(x)] for x in rng.integers(0, len(verdicts), authors.size)]
        head = headline_texts(b, rng, authors.size).to_pylist()
        dom = [domains[int(x)] for x in rng.integers(0, len(domains), authors.size)]
        urls = article_urls(authors.size, dom)
        text = [f"{a} {h} {u}" for a, h, u in zip(v, head, urls, strict=True)]
        t = sample_times(rng, authors.size, ctx.start, ctx.end, off)
        parts.append(Part.make(authors, t, ORIGINAL, text=pa.array(text, pa.string()),
                               url=pa.array(urls, pa.string())))  # fmt: skip
    # the journalists' articles: their outlet tagged, sometimes a colleague too
    n_by = rng.poisson(0.5 * span_days, jo.size)
    rows = np.repeat(np.arange(jo.size), n_by)
    if rows.size:
        pitches = list(mod.JOURNALIST_PITCHES)
        head = headline_texts(b, rng, rows.size).to_pylist()
        dom = [domains[outlet_of[r] % len(domains)] for r in rows.tolist()]
        urls = article_urls(rows.size, dom)
        text, tagged = [], []
        for j, r in enumerate(rows.tolist()):
            same = [c for c in range(jo.size) if outlet_of[c] == outlet_of[r] and c != r]
            others = same or [c for c in range(jo.size) if c != r] or [r]
            mate = others[int(rng.integers(0, len(others)))]
            pitch = pitches[int(rng.integers(0, len(pitches)))].format(
                outlet=prof.handle[int(outlets[outlet_of[r]])],
                colleague=prof.handle[int(jo[mate])],
            )
            text.append(f"{pitch} {head[j]} {urls[j]}")
            tagged.append(_HANDLE.findall(pitch))
        t = sample_times(rng, rows.size, ctx.start, ctx.end, off,
                         hour_shift=pop.hour_shift[jo[rows]])  # fmt: skip
        part = Part.make(jo[rows], t, ORIGINAL, text=pa.array(text, pa.string()),
                         url=pa.array(urls, pa.string()))  # fmt: skip
        part.mentions = pa.array(tagged, pa.list_(pa.string()))
        parts.append(part)
    # ordinary users tagging the press: one handle mostly, a few at most
    press = np.concatenate([outlets, ch, jo])
    kind_w = np.concatenate([np.full(outlets.size, 3.0), np.full(ch.size, 2.0),
                             np.ones(jo.size)])  # fmt: skip
    rank = np.concatenate([np.arange(outlets.size), np.arange(ch.size), np.arange(jo.size)])
    weight = kind_w / (rank + 1.0) ** 0.6
    n = round(PRESS_TAG_SHARE * pop.n_organic * ctx.scenario.posts_per_account)
    first = len(pop.candidates) + len(pop.media_outlets)
    w = pop.activity[: pop.n_organic].copy()
    w[:first] = 0.0
    w[press] = 0.0
    if n > 0 and press.size and w.sum() > 0:
        cdf = np.cumsum(w) / w.sum()
        authors = np.minimum(np.searchsorted(cdf, rng.random(n), side="right"), w.size - 1)
        k = 1 + rng.choice(_TAGS_PER_POST.size, n, p=_TAGS_PER_POST / _TAGS_PER_POST.sum())
        k = np.minimum(k, press.size)
        # k handles per post without replacement, by prominence (Gumbel top-k)
        keys = np.log(weight)[None, :] + rng.gumbel(size=(n, press.size))
        order = np.argsort(-keys, axis=1)
        handles = prof.handle
        tagged = [[handles[int(press[c])] for c in order[i, : k[i]]] for i in range(n)]
        ask = rng.random(n) < 0.45
        shown = rng.random(n) < 0.25  # an image or video of what they ask about
        casual = pop.casual[authors]
        body = organic_texts(b, rng, n).to_pylist()
        req = b.take("VERIFY_REQUESTS", b.pick(rng, "VERIFY_REQUESTS", n, zipf=0.5)).to_pylist()
        intro = b.take("MEDIA_INTROS", b.pick(rng, "MEDIA_INTROS", n, zipf=0.5)).to_pylist()
        lead = rng.random(n) < 0.75
        text = []
        for i in range(n):
            parts_i = [req[i]] if ask[i] else []
            if ask[i] and shown[i]:
                parts_i.append(intro[i])
            parts_i.append(body[i])
            at = " ".join(f"@{h}" for h in tagged[i])
            msg = " ".join(parts_i).lower() if casual[i] else " ".join(parts_i)
            text.append(f"{at} {msg}" if lead[i] else f"{msg} {at}")
        # on debate nights, part of it within hours of the debate
        nights = debate_nights(ctx)
        night = rng.random(n) < 0.3
        t = sample_times(rng, n, ctx.start, ctx.end, off, hour_shift=pop.hour_shift[authors])
        tn = after(rng, nights[rng.integers(0, nights.size, n)], 2400.0, 0.8, ctx.end)
        t = np.where(night, tn, t)
        mhash = pa.array(rng.integers(0, 2**62, n)).cast(pa.string())
        part = Part.make(
            authors, t, ORIGINAL, text=pa.array(text, pa.string()),
            media=pc.if_else(pa.array(shown), mhash, pa.nulls(n, pa.string())),
        )  # fmt: skip
        part.mentions = pa.array(tagged, pa.list_(pa.string()))
        parts.append(part)
    for part in parts:
        ctx.buf.add(part)
        posts += len(part)
    return [], posts


_BUILDERS = {
    "news_feeds": _news_feeds,
    "fandoms": _fandoms,
    "follow_trains": _follow_trains,
    "party_networks": _party_networks,
    "press_corps": _press_corps,
}


def extras_for(scenario: Scenario) -> tuple[str, ...]:
    """The scenario's organic extras, with a press corps wherever a campaign tags the press
    (last, so that the other groups recruit the same accounts as without it)."""
    kinds = tuple(scenario.organic_extras)
    if "press_corps" not in kinds and any(c.type == "mention_bombing" for c in scenario.campaigns):
        kinds += ("press_corps",)
    return kinds


def generate_extras(ctx: Context, kinds: tuple[str, ...]) -> ExtraStats:
    """Write the authentic coordinated groups named in ``kinds`` (before the other organic
    life, whose budget shrinks by the posts written here)."""
    stats = ExtraStats()
    if not kinds:
        return stats
    rec = _Recruiter(ctx, ctx.rng("extras:recruit"))
    prof = _Profiles(ctx)
    for kind in kinds:
        groups, posts = _BUILDERS[kind](ctx, ctx.rng(f"extras:{kind}"), rec, prof)
        stats.groups.extend(groups)
        stats.posts += posts
    prof.apply()
    return stats
