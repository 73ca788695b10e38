"""Vectorised text assembly: millions of varied posts without a per-post Python loop.

Why this design: a post is a sequence of *slots* (opener, subject, verb, object head, object
qualifier, complement, closer, emoji …). For each slot we draw one index per post with NumPy
and let Arrow ``take`` and ``binary_join_element_wise`` build the strings in C++. With 50-90
choices per slot and six to eight slots, two organic posts almost never share more than a
couple of consecutive slots by chance, so a near-duplicate detector is tested fairly, while
deliberate repeats (slogans, quotes, copypasta) stay exact or nearly so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from types import ModuleType

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

LUT_SIZE = 1 << 16

SLOT_NAMES = (
    "SUBJECTS",
    "VERBS",
    "OBJ_HEADS",
    "OBJ_QUALS",
    "COMPLEMENTS",
    "OPENERS",
    "CLOSERS",
    "QUESTIONS",
    "OPINIONS",
    "OPINION_ADJ",
    "EMOJIS",
    "HASHTAGS",
    "SLOGANS",
    "QUOTES",
    "REPLY_OPENERS",
    "NEWS_LEADS",
    "NEWS_DOMAINS",
    "SECTIONS",
    "SLUG_WORDS",
    "FAKE_NEWS_DOMAINS",
    "PETITION_DOMAINS",
    "PETITION_TOPICS",
    "NARRATIVE_SUBJECTS",
    "NARRATIVE_VERBS",
    "NARRATIVE_OBJECTS",
    "NARRATIVE_TAILS",
    "CALLS",
    "CAMPAIGN_HASHTAGS",
    "BIO_FRAGMENTS",
    "FIRST_NAMES",
    "LAST_NAMES",
)


@dataclass
class Bank:
    """One language's vocabulary as Arrow arrays, with mildly Zipfian pick weights."""

    lang: str
    module: ModuleType
    arrays: dict[str, pa.Array] = field(default_factory=dict)
    cdfs: dict[str, np.ndarray] = field(default_factory=dict)

    def words(self, slot: str) -> pa.Array:
        if slot not in self.arrays:
            self.arrays[slot] = pa.array(list(getattr(self.module, slot)), type=pa.string())
        return self.arrays[slot]

    def size(self, slot: str) -> int:
        return len(getattr(self.module, slot))

    def pick(self, rng: np.random.Generator, slot: str, n: int, zipf: float = 0.5) -> np.ndarray:
        """``n`` indices into ``slot``; popularity falls off as rank**-zipf (0 = uniform).

        Drawn through a 2**16-entry lookup table (one gather per post instead of a binary
        search; probabilities are exact to 1/65536)."""
        key = f"{slot}:{zipf}"
        if key not in self.cdfs:
            w = 1.0 / np.arange(1, self.size(slot) + 1) ** zipf
            cdf = np.cumsum(w) / w.sum()
            grid = (np.arange(LUT_SIZE) + 0.5) / LUT_SIZE
            lut = np.minimum(np.searchsorted(cdf, grid, side="right"), len(cdf) - 1)
            self.cdfs[key] = lut.astype(np.int32)
        return self.cdfs[key][rng.integers(0, LUT_SIZE, n)].astype(np.int64)

    def take(self, slot: str, idx: np.ndarray) -> pa.Array:
        return self.words(slot).take(pa.array(idx, type=pa.int64()))

    def pair(
        self, rng: np.random.Generator, a: str, b: str, n: int, za: float, zb: float
    ) -> pa.Array:
        """``a b`` for each post, drawn independently but taken from the precomputed
        product of the two slots, where grammar (French contractions) is already fixed."""
        key = f"{a}+{b}"
        if key not in self.arrays:
            words = [
                contract(self.lang, f"{x} {y}")
                for x in getattr(self.module, a)
                for y in getattr(self.module, b)
            ]
            self.arrays[key] = pa.array(words, type=pa.string())
        idx = self.pick(rng, a, n, za) * self.size(b) + self.pick(rng, b, n, zb)
        return self.arrays[key].take(pa.array(idx, type=pa.int64()))

    def draw(
        self, rng: np.random.Generator, slot: str, n: int, prob: float = 1.0, zipf: float = 0.5
    ) -> pa.Array:
        """Strings for ``n`` posts; absent (null) with probability ``1 - prob``."""
        arr = self.take(slot, self.pick(rng, slot, n, zipf))
        if prob >= 1.0:
            return arr
        return with_nulls(arr, rng.random(n) >= prob)


FR_CONTRACTIONS = (
    (" à le ", " au "),
    (" à les ", " aux "),
    (" de le ", " du "),
    (" de les ", " des "),
)


def contract(lang: str, text: str) -> str:
    """French contractions that joining two slots can produce ("à le" → "au" …)."""
    if lang == "fr":
        text = f" {text} "
        for old, new in FR_CONTRACTIONS:
            text = text.replace(old, new)
        text = text.strip()
    return text


@cache
def bank(lang: str) -> Bank:
    """The vocabulary bank for ``lang`` ("fr" or "en")."""
    if lang == "fr":
        from vigie.exercise import lexicon_fr as mod
    elif lang == "en":
        from vigie.exercise import lexicon_en as mod
    else:  # pragma: no cover - guarded by the scenario presets
        raise ValueError(f"no vocabulary for language {lang!r}")
    return Bank(lang=lang, module=mod)


def with_nulls(arr: pa.Array, mask: np.ndarray) -> pa.Array:
    """``arr`` with nulls where ``mask`` is true."""
    return pc.if_else(pa.array(mask), pa.nulls(len(arr), pa.string()), arr)


def join(parts: list[pa.Array], sep: str = " ") -> pa.Array:
    """Join strings element-wise, skipping null parts (optional slots)."""
    return pc.binary_join_element_wise(*parts, sep, null_handling="skip")


def const(value: str, n: int) -> pa.Array:
    """A column repeating ``value``."""
    return pa.repeat(pa.scalar(value, pa.string()), n)


def capitalise(arr: pa.Array) -> pa.Array:
    """Upper-case the first character only (Arrow's utf8_capitalize lowers the rest)."""
    head = pc.utf8_upper(pc.utf8_slice_codeunits(arr, 0, 1))
    return pc.binary_join_element_wise(head, pc.utf8_slice_codeunits(arr, 1), "")


def lower_first(arr: pa.Array) -> pa.Array:
    """Lower-case the first character (not the English pronoun "I")."""
    head = pc.utf8_lower(pc.utf8_slice_codeunits(arr, 0, 1))
    low = pc.binary_join_element_wise(head, pc.utf8_slice_codeunits(arr, 1), "")
    keep = pc.or_(pc.starts_with(arr, "I "), pc.starts_with(arr, "I'"))
    return pc.if_else(keep, arr, low)


def glue(prev: pa.Array, nxt: pa.Array, lower: bool = False) -> pa.Array:
    """Case ``nxt`` for what precedes it: a capital after a full stop, ``?``, ``!`` or at
    the start (``prev`` null); after a comma or colon, lower-case it when ``lower`` (generic
    phrases such as opinions and questions, never subjects, which may be names)."""
    last = pc.utf8_slice_codeunits(prev, -1)
    end = pc.or_(pc.is_null(prev), pc.is_in(last, pa.array([".", "?", "!"])))
    out = pc.if_else(end, capitalise(nxt), nxt)
    return pc.if_else(end, out, lower_first(nxt)) if lower else out


def _qmark(b: Bank) -> str:
    return " ?" if b.lang == "fr" else "?"


def _core(b: Bank, rng: np.random.Generator, n: int, p_complement: float = 0.7) -> pa.Array:
    """subject verb object-head object-qualifier [complement] — the informative heart."""
    return join(
        [
            b.draw(rng, "SUBJECTS", n, zipf=0.6),
            b.pair(rng, "VERBS", "OBJ_HEADS", n, 0.3, 0.3),
            b.draw(rng, "OBJ_QUALS", n, zipf=0.4),
            b.draw(rng, "COMPLEMENTS", n, prob=p_complement, zipf=0.3),
        ]
    )


def _statement(b: Bank, rng: np.random.Generator, n: int) -> pa.Array:
    opener = b.draw(rng, "OPENERS", n, prob=0.45, zipf=0.3)
    first = join([opener, glue(opener, _core(b, rng, n))])
    second = with_nulls(
        join([capitalise(_core(b, rng, n, 0.4)), const(".", n)], ""), rng.random(n) >= 0.2
    )
    return join(
        [
            join([first, const(".", n)], ""),
            second,
            b.draw(rng, "CLOSERS", n, prob=0.55, zipf=0.3),
            b.draw(rng, "EMOJIS", n, prob=0.25, zipf=0.8),
        ]
    )


def _question(b: Bank, rng: np.random.Generator, n: int) -> pa.Array:
    opener = b.draw(rng, "OPENERS", n, prob=0.3, zipf=0.3)
    q = join(
        [
            opener,
            glue(opener, b.pair(rng, "QUESTIONS", "OBJ_HEADS", n, 0.3, 0.3), lower=True),
            b.draw(rng, "OBJ_QUALS", n, zipf=0.4),
            b.draw(rng, "COMPLEMENTS", n, prob=0.9, zipf=0.3),
        ]
    )
    return join(
        [
            join([q, const(_qmark(b), n)], ""),
            with_nulls(join([_core(b, rng, n, 0.5), const(".", n)], ""), rng.random(n) >= 0.35),
            b.draw(rng, "CLOSERS", n, prob=0.6, zipf=0.3),
            b.draw(rng, "EMOJIS", n, prob=0.3, zipf=0.8),
        ]
    )


def _opinion(b: Bank, rng: np.random.Generator, n: int) -> pa.Array:
    opener = b.draw(rng, "OPENERS", n, prob=0.3, zipf=0.3)
    first = join([opener, glue(opener, _core(b, rng, n, 0.5))])
    op = join([b.draw(rng, "OPINIONS", n), b.draw(rng, "OPINION_ADJ", n, zipf=0.2)])
    return join(
        [
            join([first, const(".", n)], ""),
            join([op, const(".", n)], ""),
            b.draw(rng, "CLOSERS", n, prob=0.4, zipf=0.3),
            b.draw(rng, "EMOJIS", n, prob=0.2, zipf=0.8),
        ]
    )


def _by_structure(
    rng: np.random.Generator, n: int, builders: list, weights: list[float]
) -> pa.Array:
    """Build each structure only for its own rows, then put rows back in order."""
    which = rng.choice(len(builders), size=n, p=np.asarray(weights) / sum(weights))
    pieces, rows = [], []
    for k, build in enumerate(builders):
        idx = np.flatnonzero(which == k)
        if idx.size:
            pieces.append(build(rng, idx.size))
            rows.append(idx)
    if not pieces:
        return pa.array([], type=pa.string())
    allrows = np.concatenate(rows)
    inverse = np.empty(n, dtype=np.int64)
    inverse[allrows] = np.arange(n)
    return pa.concat_arrays(pieces).take(pa.array(inverse))


def organic_texts(b: Bank, rng: np.random.Generator, n: int) -> pa.Array:
    """Free-form opinions, questions and statements about the campaign."""
    if n == 0:
        return pa.array([], type=pa.string())
    text = _by_structure(
        rng,
        n,
        [
            lambda r, k: _statement(b, r, k),
            lambda r, k: _question(b, r, k),
            lambda r, k: _opinion(b, r, k),
        ],
        [0.5, 0.2, 0.3],
    )
    return capitalise(text)


def reply_texts(b: Bank, rng: np.random.Generator, n: int) -> pa.Array:
    """Reactions (the ``@handle`` prefix is added once targets are known): mostly a reaction
    plus an argument; the rest a reaction, an opinion and a closing remark."""
    if n == 0:
        return pa.array([], type=pa.string())
    long = rng.random(n) < 0.8
    opener = b.draw(rng, "REPLY_OPENERS", n, zipf=0.4)
    core = glue(opener, _core(b, rng, n, 0.6))
    opinion = join([b.draw(rng, "OPINIONS", n), b.draw(rng, "OPINION_ADJ", n)])
    opinion = if_else(long, opinion, glue(opener, opinion, lower=True))
    return join(
        [
            opener,
            with_nulls(join([core, const(".", n)], ""), ~long),
            with_nulls(join([opinion, const(".", n)], ""), long & (rng.random(n) < 0.6)),
            b.draw(rng, "CLOSERS", n, prob=0.8, zipf=0.3),
            b.draw(rng, "EMOJIS", n, prob=0.3, zipf=0.8),
        ]
    )


def headline_texts(b: Bank, rng: np.random.Generator, n: int) -> pa.Array:
    """News-outlet style lines that open a breaking-news cascade."""
    return join([b.draw(rng, "NEWS_LEADS", n, zipf=0.5), capitalise(_core(b, rng, n, 0.9))])


def narrative_texts(b: Bank, rng: np.random.Generator, n: int) -> pa.Array:
    """Disinformation claims (fraud, cover-ups) used as campaign messages."""
    claim = join(
        [
            b.draw(rng, "NARRATIVE_SUBJECTS", n, zipf=0.2),
            b.draw(rng, "NARRATIVE_VERBS", n, zipf=0.2),
            b.draw(rng, "NARRATIVE_OBJECTS", n, zipf=0.2),
            b.draw(rng, "NARRATIVE_TAILS", n, zipf=0.2),
        ]
    )
    return capitalise(claim)


def lowercase_where(arr: pa.Array, mask: np.ndarray) -> pa.Array:
    """Casual writers type without capitals (a per-user habit)."""
    if not mask.any():
        return arr
    return pc.if_else(pa.array(mask), pc.utf8_lower(arr), arr)


def tag_lists(values: pa.Array, counts: np.ndarray, idx: np.ndarray) -> pa.ListArray:
    """A list<string> column: row i holds ``counts[i]`` values taken at ``idx`` (a value
    repeated within one row is kept once, as a post lists each hashtag once)."""
    counts = np.asarray(counts, dtype=np.int64)
    idx = np.asarray(idx[: int(counts.sum())], dtype=np.int64)
    rows = np.repeat(np.arange(len(counts)), counts)
    _, first = np.unique(rows * (int(idx.max(initial=0)) + 1) + idx, return_index=True)
    first.sort()
    rows, idx = rows[first], idx[first]
    counts = np.bincount(rows, minlength=len(counts))
    offsets = np.zeros(len(counts) + 1, dtype=np.int32)
    np.cumsum(counts, out=offsets[1:])
    flat = values.take(pa.array(idx, type=pa.int64()))
    return pa.ListArray.from_arrays(pa.array(offsets), flat)


def single_lists(values: pa.Array) -> pa.ListArray:
    """Wrap a nullable string column as list<string>: null -> [], value -> [value]."""
    valid = pc.is_valid(values).to_numpy(zero_copy_only=False)
    counts = valid.astype(np.int32)
    offsets = np.zeros(len(values) + 1, dtype=np.int32)
    np.cumsum(counts, out=offsets[1:])
    flat = values.filter(pa.array(valid))
    return pa.ListArray.from_arrays(pa.array(offsets), flat)


def append_hashtags(text: pa.Array, tags: pa.ListArray) -> pa.Array:
    """``text #tag1 #tag2`` (rows without tags unchanged)."""
    joined = pc.binary_join(tags, " #")
    has = pc.greater(pc.list_value_length(tags), 0)
    with_tags = pc.binary_join_element_wise(text, joined, " #")
    return pc.if_else(has, with_tags, text)


def append_urls(text: pa.Array, url: pa.Array) -> pa.Array:
    """``text https://…`` where a URL is given."""
    return join([text, url])


def if_else(mask: np.ndarray, a: pa.Array, b: pa.Array) -> pa.Array:
    """Row-wise choice between two string columns."""
    return pc.if_else(pa.array(mask), a, b)
