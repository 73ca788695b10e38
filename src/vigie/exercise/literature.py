"""Campaign kinds written from published descriptions of real operations.

Why these kinds: the six original kinds (``campaigns.py``) grew up beside vigie's detectors.
The kinds here follow what investigators reported about real operations, not what a detector
finds easily, so a score on them says how vigie does on behaviour it was not tuned for:

- ``retweet_ring`` — Keller, Schoch, Stier & Yang, "Political Astroturfing on Twitter: How to
  Coordinate a Disinformation Campaign" (Political Communication 37(2), 2020) and their ICWSM
  2017 paper on the South Korean NIS accounts: a group of agents mostly retweeting each other
  and a few core accounts, not all agents at every push and not within seconds (the agents
  were employees acting on instructions, minutes to hours apart). Pacheco et al.,
  "Uncovering Coordinated Networks on Social Media" (ICWSM 2021) find such co-retweet
  networks with windows far wider than a minute.
- ``template_astroturf`` — the same NIS case (agents posting their own copies of the day's
  talking points) and the Spamouflage network (Graphika, "Return of the (Spamouflage) Dragon",
  2020): copies of a shared text with small edits and word swaps, spread over hours.
- ``doppelganger`` — EU DisinfoLab, "Doppelganger: Media clones serving Russian propaganda"
  (2022), VIGINUM, "RRN: a complex and persistent information manipulation campaign" (2023),
  Qurium's infrastructure analysis and Meta's threat reports (2022-2023): articles on
  look-alike domains of real outlets (e.g. a Le Monde or Der Spiegel name under another TLD),
  domains rotated every few days, links laundered through URL shorteners and redirectors,
  screenshots of the fake article posted as images, pushed by freshly created accounts.
- ``reply_brigade`` — OpenAI, "AI and Covert Influence Operations: Latest Trends" (May 2024,
  "Bad Grammar" and Doppelganger generating replies to chosen posts) and Meta's adversarial
  threat reports on comment swarms: many hostile replies under a politician's post within
  tens of minutes of it.
- ``hashtag_hijack`` — DISARM T0049.002 "Flood Existing Hashtag" and the Spamouflage reports
  (campaign content pushed into popular tags): campaign messages carrying a trending debate
  hashtag, so the shared hashtag is one that thousands of genuine users post too.
- ``slow_sleepers`` — Graphika on Spamouflage (dormant, aged accounts reactivated) and Pacheco
  et al.'s warning that coordination can unfold over long windows: a small set of quiet, aged
  accounts touching the same rare objects days apart over weeks.
- ``paraphrase_claims`` — OpenAI (May 2024): Doppelganger used a language model to write
  comments in English, French, German, Italian and Polish and to translate articles; the same
  claim, reworded or translated, posted by separate accounts within hours.
- language-model slips (``reply_brigade`` and ``paraphrase_claims``, the kinds written by a
  language model in those reports): now and then a post carries the model's own words before
  its content ("As an AI language model, I cannot..."), as OpenAI quotes of Bad Grammar's
  comments and Yang & Menczer of the fox8 botnet ("Anatomy of an AI-powered malicious social
  botnet", 2023): 3 % of the posts at stealth 0, 0.5 % at stealth 1 (careful operators
  filter them), drawn from a stream of their own so that the rest of the data is unchanged.
- ``mention_bombing`` — CheckFirst & Reset.Tech, "Operation Overload: how pro-Russian actors
  flood newsrooms with fake content and seek to divert their efforts" (June 2024), and the
  2024-2025 follow-ups by CheckFirst and ISD: networks of mostly new or inauthentic X accounts
  posting original messages (neither replies nor reposts) that tag several newsrooms,
  fact-checkers and journalists at once, asking them to verify fabricated content (a video
  or image made to look like a real outlet's, a link), in waves of posts minutes apart, each
  in its own words, in more than one language. The media and links differ from post to post;
  what the posts share is the handles they tag, which ordinary readers tag too (the
  ``press_corps`` extra of ``vigie.exercise.organic_lit``).

``stealth`` (0..1, or low/medium/high = 0.2/0.5/0.8) changes delays, participation, text edits,
account age and object rarity per kind (``lit_params``), and is recorded in campaigns.json.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa

from vigie.exercise.claims import CLAIMS, LANGS, claim_text
from vigie.exercise.posts import ORIGINAL, REPLY, REPOST, Part
from vigie.exercise.textgen import (
    append_hashtags,
    append_urls,
    narrative_texts,
    organic_texts,
    reply_texts,
    tag_lists,
)
from vigie.exercise.timeline import DAY, HOUR, US, sample_times

if TYPE_CHECKING:
    from vigie.exercise.campaigns import CampaignRun, StealthParams
    from vigie.exercise.context import Context

# per kind: (median delay in seconds at stealth 0, growth factor with stealth,
#            participation at stealth 0, its fall at stealth 1)
_PARAMS: dict[str, tuple[float, float, float, float]] = {
    "retweet_ring": (360.0, 4.0, 0.70, 0.40),
    "template_astroturf": (2700.0, 2.0, 0.85, 0.40),
    "doppelganger": (180.0, 3.0, 0.55, 0.30),
    "reply_brigade": (240.0, 2.0, 0.85, 0.40),
    "hashtag_hijack": (600.0, 3.0, 0.85, 0.45),
    "slow_sleepers": (1.5 * 86400.0, 2.0, 0.45, 0.20),
    "paraphrase_claims": (2400.0, 2.0, 0.80, 0.40),
    "mention_bombing": (90.0, 4.0, 0.75, 0.40),
}

# hard bounds on each kind's delays, in seconds (what the tests check against)
DELAY_BOUNDS_S: dict[str, tuple[float, float]] = {
    "retweet_ring": (30.0, 12 * 3600.0),
    "template_astroturf": (60.0, 8 * 3600.0),
    "doppelganger": (5.0, 6 * 3600.0),
    "reply_brigade": (20.0, 90 * 60.0),
    "hashtag_hijack": (10.0, 3 * 3600.0),
    "slow_sleepers": (6 * 3600.0, 14 * 86400.0),
    "paraphrase_claims": (60.0, 10 * 3600.0),
    "mention_bombing": (5.0, 2 * 3600.0),
}

# mention bombing: the most handles one post tags at stealth 0 and at stealth 1 (at least 2)
MENTIONS_MAX: tuple[int, int] = (10, 3)

REAL_OUTLETS: dict[str, tuple[str, ...]] = {
    "fr": ("lemonde.fr", "lefigaro.fr", "leparisien.fr", "liberation.fr", "20minutes.fr"),
    "en": ("washingtonpost.com", "foxnews.com", "theguardian.com", "nytimes.com", "usatoday.com"),
    "de": ("spiegel.de", "bild.de", "faz.net", "sueddeutsche.de", "welt.de"),
}
LOOKALIKE_TLDS = ("ltd", "work", "life", "today", "pm", "cfd", "fun", "ink", "top", "online")
SHORTENERS = ("bit.ly", "tinyurl.com", "cutt.ly", "t.ly", "rb.gy", "is.gd")
_B62 = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"

OBSCURE_SITES: dict[str, tuple[str, ...]] = {
    "fr": (
        "veille-citoyenne.net",
        "dossiers-oublies.info",
        "lecridupeuple.blog",
        "observatoire-libre.org",
        "territoires-en-colere.fr",
    ),
    "en": (
        "citizen-watchpost.net",
        "forgotten-files.info",
        "voiceofthecounty.blog",
        "free-observatory.org",
        "heartland-grievances.com",
    ),
}


def lit_params(ctype: str, stealth: float) -> StealthParams:
    """Stealth of one literature kind: ``jitter_s`` holds the median delay (seconds)."""
    from vigie.exercise.campaigns import StealthParams

    median, growth, part0, fall = _PARAMS[ctype]
    return StealthParams(
        stealth=round(stealth, 4),
        jitter_s=round(median * (1.0 + growth * stealth), 3),
        participation=round(part0 - fall * stealth, 4),
        paraphrase_rate=round(0.1 + 0.7 * stealth, 4),
        ordinary_share=round(0.05 + 0.6 * stealth, 4),
    )


def roles_for(ctype: str, m: int) -> list[str]:
    """Role names of a literature campaign's accounts (recorded in truth.parquet)."""
    role = {
        "retweet_ring": "ring_member",
        "template_astroturf": "volunteer",
        "doppelganger": "amplifier",
        "reply_brigade": "brigader",
        "hashtag_hijack": "hijacker",
        "slow_sleepers": "sleeper",
        "paraphrase_claims": "paraphraser",
        "mention_bombing": "tagger",
    }[ctype]
    return [role] * m


# --- shared mechanics --------------------------------------------------------------------


def delays_us(rng: np.random.Generator, ctype: str, n: int, median_s: float, sigma: float):
    """Log-normal delays (µs) around ``median_s``, held inside the kind's bounds."""
    lo, hi = DELAY_BOUNDS_S[ctype]
    d = np.clip(rng.lognormal(np.log(median_s), sigma, n), lo, hi)
    return (d * US).astype(np.int64)


def _push_times(
    ctx: Context, rng: np.random.Generator, run: CampaignRun, k: int, room_s: float
) -> np.ndarray:
    """``k`` push times in the campaign window, early enough for every reaction to land
    before the end of the scenario (``room_s``)."""
    lo, hi = run.window
    hi = min(hi, ctx.end - int(room_s * US) - US)
    hi = max(hi, lo + HOUR)
    return np.sort(sample_times(rng, k, lo, hi, ctx.scenario.utc_offset_h, ramp=0.5))


def _mask(rng: np.random.Generator, k: int, m: int, p: float) -> np.ndarray:
    from vigie.exercise.campaigns import _participation

    return _participation(rng, k, m, p)


def _campaign_tag(ctx: Context, rng: np.random.Generator) -> str:
    pool = ctx.bank.module.CAMPAIGN_HASHTAGS
    return pool[int(rng.integers(0, len(pool)))]


def _tags(tag_rows: list[list[str]]) -> pa.ListArray:
    """A list<string> column from per-row Python lists (campaign sizes: thousands of rows)."""
    return pa.array(tag_rows, type=pa.list_(pa.string()))


def _optional_tag(rng: np.random.Generator, tag: str, n: int, prob: float) -> pa.ListArray:
    on = rng.random(n) < prob
    return tag_lists(pa.array([tag]), on.astype(np.int32), np.zeros(n, np.int64))


# --- (a) retweet rings ---------------------------------------------------------------------


def _retweet_ring(ctx: Context, rng: np.random.Generator, run: CampaignRun) -> None:
    """Members take turns posting; the others repost each push minutes to hours later, each
    member joining only part of the pushes (about 70 % at stealth 0, 30 % at stealth 1)."""
    k, p, m = run.preset.n_actions, run.params, run.members
    t0 = _push_times(ctx, rng, run, k, DELAY_BOUNDS_S["retweet_ring"][1])
    author = m[rng.integers(0, len(m), k)]
    tag = _campaign_tag(ctx, rng)
    tags = _optional_tag(rng, tag, k, 0.6 * (1.0 - p.stealth))
    text = append_hashtags(organic_texts(ctx.bank, rng, k), tags)
    base = ctx.buf.add(Part.make(author, t0, ORIGINAL, text=text, tags=tags, campaign=run.index))
    rows = base + np.arange(k)
    mask = _mask(rng, k, len(m), p.participation) & (m[None, :] != author[:, None])
    ki, mi = np.nonzero(mask)
    t = t0[ki] + delays_us(rng, "retweet_ring", ki.size, p.jitter_s, 1.0)
    ctx.buf.add(Part.make(m[mi], t, REPOST, target=rows[ki], campaign=run.index))
    run.n_posts = k + ki.size
    run.seed_rows = rows.tolist()
    run.objects = {"hashtags": [tag]}


# --- (b) template astroturf ----------------------------------------------------------------

_SLOTS = ("NARRATIVE_SUBJECTS", "NARRATIVE_VERBS", "NARRATIVE_OBJECTS", "NARRATIVE_TAILS")


def _edit_words(rng: np.random.Generator, text: str, rate: float) -> str:
    """Swap a few neighbouring words (the reordering a person makes when retyping)."""
    words = text.split(" ")
    for i in range(len(words) - 1):
        if rng.random() < rate * 0.08:
            words[i], words[i + 1] = words[i + 1], words[i]
    return " ".join(words)


def _sentence(text: str) -> str:
    """Capitalised, ending with a full stop unless it already ends a sentence."""
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "!", "?", "…")) else text + "."


def _template_astroturf(ctx: Context, rng: np.random.Generator, run: CampaignRun) -> None:
    """Each push is a template (claim + detail + call to action); every volunteer who joins
    posts an own copy within hours, with other words in some slots, a changed call, an
    opener, swapped neighbouring words. More edits with rising stealth."""
    b = ctx.bank
    k, p, m = run.preset.n_actions, run.params, run.members
    t0 = _push_times(ctx, rng, run, k, DELAY_BOUNDS_S["template_astroturf"][1])
    slot_words = {s: list(getattr(b.module, s)) for s in _SLOTS}
    calls, openers = list(b.module.CALLS), list(b.module.OPENERS)
    emojis = list(b.module.EMOJIS)
    chosen = {s: rng.integers(0, len(v), k) for s, v in slot_words.items()}
    detail = organic_texts(b, rng, k).to_pylist()
    call_of = rng.integers(0, len(calls), k)
    tag = _campaign_tag(ctx, rng)
    mask = _mask(rng, k, len(m), p.participation)
    ki, mi = np.nonzero(mask)
    edit = 0.15 + 0.35 * p.stealth
    texts, tag_rows = [], []
    for j in ki.tolist():
        words = []
        for si, s in enumerate(_SLOTS):
            idx = int(chosen[s][j])
            if si > 0 and rng.random() < edit:  # the accused stays: it is the message
                idx = int(rng.integers(0, len(slot_words[s])))
            words.append(slot_words[s][idx])
        claim = _sentence(" ".join(words))
        call = calls[int(call_of[j])] if rng.random() >= 0.5 else calls[rng.integers(len(calls))]
        parts = [claim, _edit_words(rng, detail[j], edit), call]
        if rng.random() < 0.3 + 0.4 * p.stealth:
            op = openers[int(rng.integers(0, len(openers)))]
            parts.insert(0, op)
        if rng.random() < 0.4:
            parts.append(emojis[int(rng.integers(0, len(emojis)))])
        texts.append(" ".join(parts))
        tag_rows.append([tag] if rng.random() < 0.6 * (1.0 - p.stealth) + 0.2 else [])
    tags = _tags(tag_rows)
    text = append_hashtags(pa.array(texts, pa.string()), tags)
    t = t0[ki] + delays_us(rng, "template_astroturf", ki.size, p.jitter_s, 0.9)
    ctx.buf.add(Part.make(m[mi], t, ORIGINAL, text=text, tags=tags, campaign=run.index))
    run.n_posts = int(ki.size)
    base_msgs = []
    for j in range(k):
        claim = " ".join(slot_words[s][int(chosen[s][j])] for s in _SLOTS)
        base_msgs.append(f"{_sentence(claim)} {detail[j]} {calls[int(call_of[j])]}")
    run.objects = {"messages": base_msgs, "hashtags": [tag]}


# --- (c) Doppelganger-style link laundering ------------------------------------------------


def lookalike(real: str, rng: np.random.Generator) -> str:
    """A look-alike of the real outlet's domain: its name under another TLD (most reported
    clones: ``spiegel.ltd``, ``lemonde.ltd``), hyphenated, or with a news suffix."""
    name, _, tld = real.partition(".")
    r = rng.random()
    if r < 0.6:
        cand = f"{name}.{LOOKALIKE_TLDS[int(rng.integers(0, len(LOOKALIKE_TLDS)))]}"
    elif r < 0.8 and len(name) > 4:
        cut = int(rng.integers(2, len(name) - 1))
        cand = f"{name[:cut]}-{name[cut:]}.{tld}"
    else:
        suffix = ("info", "news", "actu", "live", "today")[int(rng.integers(0, 5))]
        cand = f"{name}-{suffix}.com"
    return cand if cand != real else f"{name}.ltd"


def short_link(rng: np.random.Generator) -> str:
    host = SHORTENERS[int(rng.integers(0, len(SHORTENERS)))]
    token = "".join(_B62[int(i)] for i in rng.integers(0, len(_B62), 7))
    return f"https://{host}/{token}"


def flip_bits(rng: np.random.Generator, h: int, d: int) -> int:
    """``h`` with ``d`` distinct bits flipped (a near-duplicate perceptual hash)."""
    for bit in rng.choice(64, d, replace=False).tolist():
        h ^= 1 << int(bit)
    return h


def hamming(a: str, b: str) -> int:
    """Hamming distance between two 16-hex-digit hashes."""
    return (int(a, 16) ^ int(b, 16)).bit_count()


def _doppelganger(ctx: Context, rng: np.random.Generator, run: CampaignRun) -> None:
    """Fake articles on rotating look-alike domains, shared by fresh accounts as direct
    links, as short links (one per post) or as screenshots (near-duplicate pHashes)."""
    b = ctx.bank
    k, p, m = run.preset.n_actions, run.params, run.members
    s = p.stealth
    lo, hi = run.window
    # fresh accounts: created a few days (weeks at high stealth) before the operation
    age_days = 1.0 + (2.0 + 40.0 * s) * rng.random(len(m))
    ctx.pop.created_at[m] = lo - (age_days * DAY).astype(np.int64)
    ctx.pop.followers[m] = np.minimum(ctx.pop.followers[m], rng.integers(0, 80, len(m)))
    t0 = _push_times(ctx, rng, run, k, DELAY_BOUNDS_S["doppelganger"][1])
    outlets = REAL_OUTLETS.get(b.lang, ()) + REAL_OUTLETS["de"]
    # rotation: a new set of look-alike domains every two to five days
    period_us = int((2.0 + 3.0 * rng.random()) * DAY)
    period = (t0 - lo) // period_us
    domain_of: dict[int, tuple[str, str]] = {}
    used: set[str] = set()
    for per in sorted(set(period.tolist())):
        real = outlets[int(rng.integers(0, len(outlets)))]
        fake = lookalike(real, rng)
        while fake in used:
            fake = lookalike(real, rng) if rng.random() < 0.9 else f"{fake.split('.')[0]}x.ltd"
        used.add(fake)
        domain_of[per] = (real, fake)
    secs = b.take("SECTIONS", b.pick(rng, "SECTIONS", k, zipf=0.0)).to_pylist()
    w1 = b.take("SLUG_WORDS", b.pick(rng, "SLUG_WORDS", k, zipf=0.0)).to_pylist()
    w2 = b.take("SLUG_WORDS", b.pick(rng, "SLUG_WORDS", k, zipf=0.0)).to_pylist()
    ids = rng.integers(100_000, 999_999, k)
    urls = []
    for j in range(k):
        day = datetime.fromtimestamp(int(t0[j]) / 1e6, tz=UTC)
        fake = domain_of[int(period[j])][1]
        urls.append(f"https://{fake}/{secs[j]}/{day:%Y/%m/%d}/{w1[j]}-{w2[j]}-{ids[j]}.html")
    base_hash = [int(h) for h in rng.integers(0, 2**64, k, dtype=np.uint64)]
    titles = narrative_texts(b, rng, k).to_pylist()
    mask = _mask(rng, k, len(m), p.participation)
    ki, mi = np.nonzero(mask)
    n = ki.size
    # form of each post: direct look-alike link, short link, or screenshot of the article
    w = np.array([1.0 - 0.5 * s, 0.2 + 0.4 * s, 0.15 + 0.25 * s])
    form = rng.choice(3, n, p=w / w.sum())
    own = organic_texts(b, rng, n).to_pylist()
    dmax = 2 + round(6 * s)
    texts, post_urls, media, redirects = [], [], [], {}
    for i, j in enumerate(ki.tolist()):
        txt = own[i] if rng.random() < 0.4 + 0.5 * p.paraphrase_rate else titles[j]
        url: str | None = None
        med: str | None = None
        if form[i] == 0:
            url = urls[j]
        elif form[i] == 1:
            url = short_link(rng)
            redirects[url.split("://", 1)[1]] = urls[j].split("://", 1)[1]
        else:
            d = int(rng.integers(0, dmax + 1))
            med = f"{flip_bits(rng, base_hash[j], d):016x}"
            if rng.random() < 0.5:
                url = short_link(rng)
                redirects[url.split("://", 1)[1]] = urls[j].split("://", 1)[1]
        texts.append(txt if url is None else f"{txt} {url}")
        post_urls.append(url)
        media.append(med)
    t = t0[ki] + delays_us(rng, "doppelganger", n, p.jitter_s, 1.1)
    ctx.buf.add(
        Part.make(
            m[mi],
            t,
            ORIGINAL,
            text=pa.array(texts, pa.string()),
            url=pa.array(post_urls, pa.string()),
            media=pa.array(media, pa.string()),
            campaign=run.index,
        )
    )
    run.n_posts = int(n)
    run.objects = {
        "real_domains": sorted({r for r, _ in domain_of.values()}),
        "domains": [rf[1] for _, rf in sorted(domain_of.items())],
        "urls": urls,
        "media": [f"{h:016x}" for h in base_hash],
        "redirects": dict(sorted(redirects.items())),
    }


# --- (d) reply brigades --------------------------------------------------------------------


SLIPS: dict[str, tuple[str, ...]] = {
    "en": (
        "As an AI language model, I cannot express personal opinions, but here is a reply:",
        "I'm sorry, but I cannot fulfill this request.",
        "As an AI language model, I don't have political views. However:",
    ),
    "fr": (
        "En tant que modèle de langage, je ne peux pas exprimer d'opinion, mais voici :",
        "Désolé, en tant qu'IA je ne peux pas prendre parti. Cependant :",
    ),
    "de": (
        "Als KI-Sprachmodell kann ich keine Meinung äußern, aber hier ist ein Beitrag:",
        "Als KI kann ich dazu keine Stellung nehmen. Dennoch:",
    ),
}
"""What a language model writes of itself or when it refuses, before the post it was asked
for (``vigie.detect.machinetext`` reads them; these are a few of its phrases)."""


def slip_rate(stealth: float) -> float:
    """Share of a model-written campaign's posts carrying a slip (3 % to 0.5 %)."""
    return 0.03 - 0.025 * stealth


def with_slips(
    ctx: Context, run: CampaignRun, text: pa.Array, langs: list[str] | None = None
) -> pa.Array:
    """``text`` with a slip of the model's before some posts (``slip_rate``), in each post's
    language (``langs``, else the bank's), from the campaign's own random stream."""
    n = len(text)
    srng = ctx.rng(f"campaign:{run.index}:{run.type}:slips")
    hit = srng.random(n) < slip_rate(run.params.stealth)
    if not hit.any():
        return text
    rows = text.to_pylist()
    for i in np.flatnonzero(hit).tolist():
        bank = SLIPS.get(langs[i] if langs else ctx.bank.lang, SLIPS["en"])
        rows[i] = f"{bank[int(srng.integers(0, len(bank)))]} {rows[i]}"
    return pa.array(rows, pa.string())


def _reply_brigade(ctx: Context, rng: np.random.Generator, run: CampaignRun) -> None:
    """Hostile replies under the targeted candidate's posts within tens of minutes. The
    replies are written now and attached to the candidate's posts once the organic posts
    exist (``run.finish``)."""
    b = ctx.bank
    k, p, m = run.preset.n_actions, run.params, run.members
    tag = _campaign_tag(ctx, rng)
    mask = _mask(rng, k, len(m), p.participation)
    ki, mi = np.nonzero(mask)
    n = ki.size
    tags = _optional_tag(rng, tag, n, 0.7 * (1.0 - p.stealth))
    text = with_slips(ctx, run, append_hashtags(reply_texts(b, rng, n), tags))
    # fallback times (used only if the candidate never posts in the window)
    t_fb = _push_times(ctx, rng, run, k, DELAY_BOUNDS_S["reply_brigade"][1])
    t = t_fb[ki] + delays_us(rng, "reply_brigade", n, p.jitter_s, 0.8)
    part = Part.make(m[mi], t, ORIGINAL, text=text, tags=tags, campaign=run.index)
    ctx.buf.add(part)
    run.n_posts = int(n)
    run.objects = {"hashtags": [tag]}
    frng = ctx.rng(f"campaign:{run.index}:reply_brigade:attach")

    def finish(ctx: Context) -> None:
        from vigie.exercise.campaigns import _target_candidate

        cand = _target_candidate(ctx, run)
        buf = ctx.buf
        kind, tt, author = buf.column("kind"), buf.column("t"), buf.column("author")
        camp = buf.column("campaign")
        lo, hi = run.window
        room = int(DELAY_BOUNDS_S["reply_brigade"][1] * US) + US
        ok = (author == cand) & (kind == ORIGINAL) & (camp < 0) & (tt >= lo)
        ok &= tt < min(hi, ctx.end - room)
        rows = np.flatnonzero(ok)
        if rows.size == 0:
            return
        targets = np.sort(rng_choice(frng, rows, k))
        delay = delays_us(frng, "reply_brigade", n, p.jitter_s, 0.8)
        part.t[:] = tt[targets[ki]] + delay
        part.kind[:] = REPLY
        part.target[:] = targets[ki]
        run.reply_rows = sorted(set(targets.tolist()))

    run.finish = finish


def rng_choice(rng: np.random.Generator, rows: np.ndarray, k: int) -> np.ndarray:
    """``k`` rows, distinct when there are enough."""
    return rng.choice(rows, k, replace=rows.size < k)


# --- (e) hashtag hijacking -----------------------------------------------------------------


def debate_nights(ctx: Context) -> np.ndarray:
    """The debate nights of the scenario (the same evenings as the organic quote bursts)."""
    span_days = max(1, int((ctx.end - ctx.start) // DAY))
    days = np.linspace(0.25, 0.9, 4) * span_days
    local_midnight = ctx.start - int(ctx.scenario.utc_offset_h * HOUR)
    t0 = local_midnight + days.astype(np.int64) * DAY + int(21.5 * HOUR)
    return np.clip(t0, ctx.start, ctx.end - 4 * HOUR)


def _hashtag_hijack(ctx: Context, rng: np.random.Generator, run: CampaignRun) -> None:
    """Campaign messages carrying a trending debate hashtag, half of the pushes on debate
    nights; the campaign's own tag rides along less often as stealth rises."""
    b = ctx.bank
    k, p, m = run.preset.n_actions, run.params, run.members
    trending = list(b.module.HASHTAGS[:3])
    nights = debate_nights(ctx)
    t0 = _push_times(ctx, rng, run, k, DELAY_BOUNDS_S["hashtag_hijack"][1])
    on_night = rng.random(k) < 0.5
    t0 = np.where(on_night, nights[rng.integers(0, len(nights), k)], t0)
    trend_of = np.array([trending[int(i)] for i in rng.choice(3, k, p=[0.3, 0.2, 0.5])])
    tag = _campaign_tag(ctx, rng)
    mask = _mask(rng, k, len(m), p.participation)
    ki, mi = np.nonzero(mask)
    n = ki.size
    own = rng.random(n) < 1.0 - 0.8 * p.stealth
    popular = b.take("HASHTAGS", b.pick(rng, "HASHTAGS", n, zipf=1.0)).to_pylist()
    extra = rng.random(n) < 0.3
    rows = []
    for i, j in enumerate(ki.tolist()):
        r = [str(trend_of[j])]
        if own[i]:
            r.append(tag)
        if extra[i] and popular[i] not in r:
            r.append(popular[i])
        rows.append(r)
    tags = _tags(rows)
    claim = rng.random(n) < 0.5
    text = pa.array(
        [
            a if c else o
            for a, o, c in zip(
                narrative_texts(b, rng, n).to_pylist(),
                organic_texts(b, rng, n).to_pylist(),
                claim,
                strict=True,
            )
        ],
        pa.string(),
    )
    text = append_hashtags(text, tags)
    t = t0[ki] + delays_us(rng, "hashtag_hijack", n, p.jitter_s, 0.8)
    ctx.buf.add(Part.make(m[mi], t, ORIGINAL, text=text, tags=tags, campaign=run.index))
    run.n_posts = int(n)
    run.objects = {"hashtags": [tag], "trending": sorted(set(trend_of.tolist()))}


# --- (f) low-and-slow sleepers ---------------------------------------------------------------


def _slow_sleepers(ctx: Context, rng: np.random.Generator, run: CampaignRun) -> None:
    """Aged, quiet accounts touching the same rare objects (an obscure site's article, a rare
    hashtag) days apart, over weeks; each object is touched by two to a handful of them."""
    b = ctx.bank
    k, p, m = run.preset.n_actions, run.params, run.members
    # aged accounts: created two to eight years before the scenario
    years = 2.0 + 6.0 * rng.random(len(m))
    ctx.pop.created_at[m] = ctx.start - (years * 365 * DAY).astype(np.int64)
    ctx.pop.activity[m] *= 0.3
    lo = run.window[0]
    sites = OBSCURE_SITES.get(b.lang, OBSCURE_SITES["en"])
    is_url = rng.random(k) < 0.7
    w1 = b.take("SLUG_WORDS", b.pick(rng, "SLUG_WORDS", k, zipf=0.0)).to_pylist()
    w2 = b.take("SLUG_WORDS", b.pick(rng, "SLUG_WORDS", k, zipf=0.0)).to_pylist()
    objs = []
    for j in range(k):
        if is_url[j]:
            site = sites[int(rng.integers(0, len(sites)))]
            objs.append(f"https://{site}/{w1[j]}-{w2[j]}-{int(rng.integers(1000, 9999))}")
        else:
            objs.append(f"{w1[j]}{w2[j]}{int(rng.integers(10, 99))}".replace("-", ""))
    mask = _mask(rng, k, len(m), p.participation)
    for j in range(k):  # at least two members per object: a co-action needs a pair
        if mask[j].sum() < 2:
            mask[j, rng.choice(len(m), 2, replace=False)] = True
    ki, mi = np.nonzero(mask)
    n = ki.size
    gap = delays_us(rng, "slow_sleepers", n, p.jitter_s, 0.7)
    # per object, the first touch at t0 and each later one a gap after the previous; t0 is
    # drawn so that the whole chain fits before the end (gaps shrink only if it cannot)
    t = np.empty(n, np.int64)
    room = ctx.end - 1 - lo
    for j in range(k):
        idx = np.flatnonzero(ki == j)
        g = gap[idx].astype(np.float64)
        g[0] = 0.0
        total = g.sum()
        if total > 0.9 * room:
            g *= 0.9 * room / total
            total = g.sum()
        hi = int(ctx.end - 1 - total)
        t0 = sample_times(rng, 1, lo, max(hi, lo + HOUR), ctx.scenario.utc_offset_h)[0]
        order = rng.permutation(idx)  # who touches the object first varies
        t[order] = np.minimum(int(t0) + np.cumsum(g).astype(np.int64), ctx.end - 1)
    url = pa.array([objs[j] if is_url[j] else None for j in ki.tolist()], pa.string())
    tags = _tags([[] if is_url[j] else [objs[j]] for j in ki.tolist()])
    text = append_urls(append_hashtags(organic_texts(b, rng, n), tags), url)
    ctx.buf.add(Part.make(m[mi], t, ORIGINAL, text=text, url=url, tags=tags, campaign=run.index))
    run.n_posts = int(n)
    run.objects = {
        "urls": [o for o, u in zip(objs, is_url, strict=True) if u],
        "hashtags": [o for o, u in zip(objs, is_url, strict=True) if not u],
    }


# --- (g) paraphrased and translated claims ---------------------------------------------------


def _paraphrase_claims(ctx: Context, rng: np.random.Generator, run: CampaignRun) -> None:
    """One claim per push; each account that joins posts a variant of it (another wording,
    often another language: fr/en/de) within hours. ``run.claim_rows`` keeps, per post, the
    claim id, language and variant (written to truth_claims.parquet)."""
    from vigie.exercise.campaigns import _target_candidate

    b = ctx.bank
    k, p, m = run.preset.n_actions, run.params, run.members
    cand = _target_candidate(ctx, run)
    target = ctx.pop.display_name[int(cand)].as_py()
    ids = sorted(CLAIMS)
    claim_of = [ids[int(i) % len(ids)] for i in rng.permutation(max(k, len(ids)))[:k]]
    t0 = _push_times(ctx, rng, run, k, DELAY_BOUNDS_S["paraphrase_claims"][1])
    mask = _mask(rng, k, len(m), p.participation)
    ki, mi = np.nonzero(mask)
    n = ki.size
    others = [lg for lg in LANGS if lg != b.lang]
    native = rng.random(n) < 0.6 - 0.2 * p.stealth
    lang = [b.lang if native[i] else others[int(rng.integers(0, len(others)))] for i in range(n)]
    variant = rng.integers(0, 3, n)
    tag = _campaign_tag(ctx, rng)
    tags = _optional_tag(rng, tag, n, 0.5 * (1.0 - p.stealth))
    emojis = list(b.module.EMOJIS)
    texts = []
    for i, j in enumerate(ki.tolist()):
        txt = claim_text(claim_of[j], lang[i], int(variant[i]), target)
        if rng.random() < 0.3:
            txt = f"{txt} {emojis[int(rng.integers(0, len(emojis)))]}"
        texts.append(txt)
    text = with_slips(ctx, run, append_hashtags(pa.array(texts, pa.string()), tags), lang)
    t = t0[ki] + delays_us(rng, "paraphrase_claims", n, p.jitter_s, 0.9)
    part = Part.make(m[mi], t, ORIGINAL, text=text, tags=tags, campaign=run.index)
    part.lang = pa.array(lang, pa.string())
    base = ctx.buf.add(part)
    run.n_posts = int(n)
    run.claim_rows = [
        (base + i, claim_of[j], lang[i], int(variant[i])) for i, j in enumerate(ki.tolist())
    ]
    run.objects = {"claims": sorted(set(claim_of)), "hashtags": [tag]}


# --- (h) mention bombing (Operation Overload) ----------------------------------------------


def max_mentions(stealth: float) -> int:
    """The most handles one mention-bombing post tags: 10 at stealth 0, 3 at stealth 1."""
    hi, lo = MENTIONS_MAX
    return max(2, round(hi - (hi - lo) * stealth))


def press_targets(ctx: Context) -> tuple[np.ndarray, np.ndarray]:
    """The accounts a mention-bombing campaign tags (outlets, fact-checkers, journalists of
    the press corps; the news outlets alone without one) and their prominence weights."""
    press = ctx.pop.press
    outlets = press.get("outlet", ctx.pop.media_outlets).astype(np.int64)
    checkers = press.get("fact_checker", np.zeros(0, np.int64)).astype(np.int64)
    journalists = press.get("journalist", np.zeros(0, np.int64)).astype(np.int64)
    rows = np.concatenate([outlets, checkers, journalists])
    # the reports' targets were above all fact-checkers and large newsrooms
    kind_w = np.concatenate(
        [np.full(outlets.size, 1.0), np.full(checkers.size, 1.6), np.full(journalists.size, 0.5)]
    )
    rank = np.concatenate([np.arange(outlets.size), np.arange(checkers.size),
                           np.arange(journalists.size)])  # fmt: skip
    return rows, kind_w / (rank + 1.0) ** 0.3


def _mention_bombing(ctx: Context, rng: np.random.Generator, run: CampaignRun) -> None:
    """Waves of original posts, each tagging two to ten (fewer with stealth) newsrooms,
    fact-checkers and journalists and asking them to verify a fabricated video, image or
    link; the members of a wave post minutes apart, each in its own words (the request
    often in English in a French election, and the reverse), each with its own media or
    link. The handles are chosen once the press corps exists (``run.finish``): per wave a
    handful in focus, most of each post's handles from it, the rest from the whole list."""
    from vigie.exercise.textgen import bank

    b = ctx.bank
    k, p, m = run.preset.n_actions, run.params, run.members
    s = p.stealth
    lo = run.window[0]
    # mostly fresh accounts, created days (weeks with stealth) before the operation; the
    # rest older, bought or taken-over accounts
    fresh = rng.random(len(m)) < 0.8 - 0.4 * s
    days = np.where(
        fresh, 1.0 + (3.0 + 40.0 * s) * rng.random(len(m)), 365.0 * (1.0 + 5.0 * rng.random(len(m)))
    )
    ctx.pop.created_at[m] = lo - (days * DAY).astype(np.int64)
    ctx.pop.followers[m] = np.minimum(ctx.pop.followers[m], rng.integers(0, 150, len(m)))
    t0 = _push_times(ctx, rng, run, k, DELAY_BOUNDS_S["mention_bombing"][1])
    mask = _mask(rng, k, len(m), p.participation)
    ki, mi = np.nonzero(mask)
    n = ki.size
    t = t0[ki] + delays_us(rng, "mention_bombing", n, p.jitter_s, 0.9)
    # the fabricated content's caption is in the election's language; the request around it
    # is in that language too, or in English (in French for an English-language election),
    # as the operation wrote to newsrooms abroad
    other = bank("en" if b.lang != "en" else "fr")
    body = organic_texts(b, rng, n).to_pylist()
    foreign = rng.random(n) < 0.4
    words: dict[bool, tuple[list[str], list[str]]] = {}
    for f, bk in ((False, b), (True, other)):
        words[f] = (
            bk.take("VERIFY_REQUESTS", bk.pick(rng, "VERIFY_REQUESTS", n, zipf=0.3)).to_pylist(),
            bk.take("MEDIA_INTROS", bk.pick(rng, "MEDIA_INTROS", n, zipf=0.3)).to_pylist(),
        )
    quote = {"fr": ("« ", " »"), "en": ("“", "”")}[other.lang]
    # what each post asks about: a video or image (its own), a link (its own), or both
    form = rng.choice(3, n, p=[0.6, 0.2, 0.2])
    media = [f"{int(h)}" for h in rng.integers(0, 2**62, n)]
    order = rng.random(n) < 0.5  # request first, or the content first
    lead = rng.random(n) < 0.7  # handles before the message, or after it
    bodies, urls, meds = [], [], []
    for i in range(n):
        req, intro = words[bool(foreign[i])]
        content = f"{quote[0]}{body[i]}{quote[1]}" if foreign[i] else body[i]
        if form[i] != 1:
            content = f"{intro[i]} {content}"
        msg = f"{req[i]} {content}" if order[i] else f"{content} {req[i]}"
        url = short_link(rng) if form[i] != 0 else None
        bodies.append(msg if url is None else f"{msg} {url}")
        urls.append(url)
        meds.append(media[i] if form[i] != 1 else None)
    n_tags = rng.integers(2, max_mentions(s) + 1, n)
    part = Part.make(
        m[mi],
        t,
        ORIGINAL,
        text=pa.array(bodies, pa.string()),
        url=pa.array(urls, pa.string()),
        media=pa.array(meds, pa.string()),
        campaign=run.index,
    )
    ctx.buf.add(part)
    run.n_posts = int(n)
    frng = ctx.rng(f"campaign:{run.index}:mention_bombing:targets")
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    waves = [(epoch + timedelta(microseconds=int(x))).isoformat() for x in t0[np.unique(ki)]]

    def finish(ctx: Context) -> None:
        rows, weight = press_targets(ctx)
        handles = ctx.pop.handle.take(pa.array(rows, pa.int64())).to_pylist()
        size = len(rows)
        prob = weight / weight.sum()
        # per wave, the handles in focus; each handle of a post comes from the focus with
        # probability 0.85 at stealth 0, 0.5 at stealth 1, else from the whole list
        focus = [
            frng.choice(size, min(size, int(frng.integers(5, 11))), replace=False, p=prob)
            for _ in range(k)
        ]
        q = 0.85 - 0.35 * s
        tagged: list[list[str]] = []
        text: list[str] = []
        for i, j in enumerate(ki.tolist()):
            want = min(int(n_tags[i]), size)
            chosen: list[int] = []
            while len(chosen) < want:
                if frng.random() < q:
                    c = int(focus[j][int(frng.integers(0, len(focus[j])))])
                else:
                    c = int(frng.choice(size, p=prob))
                if c not in chosen:
                    chosen.append(c)
            names = [handles[c] for c in chosen]
            at = " ".join(f"@{h}" for h in names)
            text.append(f"{at} {bodies[i]}" if lead[i] else f"{bodies[i]} {at}")
            tagged.append(names)
        part.text = pa.array(text, pa.string())
        part.mentions = pa.array(tagged, pa.list_(pa.string()))
        run.objects = {
            "targets": sorted({h for names in tagged for h in names}),
            "waves": waves,
        }

    run.finish = finish


BEHAVIOURS: dict[str, Callable[[Context, np.random.Generator, CampaignRun], None]] = {
    "retweet_ring": _retweet_ring,
    "template_astroturf": _template_astroturf,
    "doppelganger": _doppelganger,
    "reply_brigade": _reply_brigade,
    "hashtag_hijack": _hashtag_hijack,
    "slow_sleepers": _slow_sleepers,
    "paraphrase_claims": _paraphrase_claims,
    "mention_bombing": _mention_bombing,
}
