"""Copypasta: near-duplicate texts posted by different accounts within a window.

Why: sockpuppets paste the same message with small edits ("Le candidat X ment !!" /
"le candidat X ment"). Texts are normalised (lower case; look-alike letters of other scripts
and styled letters read as the letters they show, invisible characters deleted, so that a
copy disguised letter by letter is still a copy: ``confusables.py``; links, mentions and
punctuation dropped), cut into word 3-shingles hashed to 64 bits, and summarised by MinHash
signatures so that near-duplicates are found by banded LSH in time linear in the number of
texts.

Vectorised on purpose: words are hashed inside DuckDB, then shingling, the MinHash
permutations (affine hashing of 32-bit shingles) and the per-text minima (down blocks of texts of
equal length) run on whole arrays, chunk by chunk; a per-document Python loop is an order
of magnitude slower and hungrier. Verbatim copies are collapsed first, so a slogan pasted
10,000 times is hashed once.

Each cluster of near-duplicate texts becomes one object for the co-action engine, which
applies the window and the chance control: a popular slogan repeated by many accounts over
days is not coordination; the same paragraph posted by the same accounts within minutes,
again and again, is. Reposts (``repost_of`` set, or text starting with ``RT @``) carry
someone else's text and are ignored.
"""

from __future__ import annotations

import os
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from contextlib import AbstractContextManager, nullcontext
from typing import Any

import numpy as np
import pyarrow as pa

from vigie.arrays import sorted_unique
from vigie.detect.coaction import Signal, run_coaction
from vigie.detect.confusables import fold_sql
from vigie.detect.engine import Engine, fetch
from vigie.detect.nearhash import components
from vigie.duckmem import duckdb_gives_way

KIND = "copypasta"
_CHUNK_SHINGLES = 32_768  # 128 KiB of 32-bit shingles: fits in L2
_CHECK_LINKS = 65_536  # links checked at once: 4 MiB of low bytes per side
_TEXTS_PER_BATCH = 250_000  # about this many texts' word hashes in memory at once
_TEXTS_PER_BLOCK = 65_536  # minhash's text-major buffer: 16 MiB at 64 hash functions
_TRANSPOSE = 4_096  # texts per transposed block
# Each LSH band in flight holds ~200 MB at 10M posts (keys, their sorted copy, a buffer);
# measured on two cores only, so more threads than this are not presumed to pay.
_MAX_THREADS = 4

# What normalisation replaces by a space, leftmost first: a link, a mention, or a run of
# characters that are neither letters nor digits. The plain rule reads
# ``https?://\S+|www\.\S+|@\w+|[^\p{L}\p{N}]+``; spelt as below, a lone space (the gap
# between most words) is no match, where the plain rule replaced it by itself. Same output
# (a test compares both on random texts), but the regex engine pays a fixed cost per
# replacement, and skipping the ~20 per text halves the normalisation (4.3 -> 2.4 s CPU at
# 1M posts). A run of two or more characters, or of one that is not a space, is replaced
# as before, and the scan resumes where it would have.
# Marks (``\p{M}``) are part of words: the vowel signs of Devanagari, Bengali, Tamil or
# Thai are inside words (``नमस्ते`` was cut into ``नमस त``); the marks of the generic
# blocks (Latin, Greek, Cyrillic), Arabic's optional vowel signs and Hebrew's points are
# deleted by the fold before this pattern runs (``confusables``).
NORMALISE = r"https?://\S+|www\.\S+|@\w+|[^\p{L}\p{M}\p{N}]{2,}|[^\p{L}\p{M}\p{N} ]"
PLAIN_NORMALISE = r"https?://\S+|www\.\S+|@\w+|[^\p{L}\p{M}\p{N}]+"

UNSPACED = (
    r"[\x{0E00}-\x{0EFF}\x{1000}-\x{109F}\x{1780}-\x{17FF}\x{3040}-\x{30FF}\x{31F0}-\x{31FF}"
    r"\x{3400}-\x{4DBF}\x{4E00}-\x{9FFF}\x{F900}-\x{FAFF}\x{FF66}-\x{FF9F}\x{20000}-\x{2FA1F}]"
)
"""Scripts written without spaces between words: Thai, Lao, Myanmar, Khmer, Japanese kana,
Chinese characters (the unified ideographs, their extensions and compatibility forms)."""


def words_sql(norm: str) -> str:
    """SQL: the words of a normalised text, space-separated, as the signer shingles them.

    Why: Chinese, Japanese or Thai texts have no spaces between words, so a whole sentence
    was one word: a 40-character Chinese post held three or four, under ``min_words``, and
    every such text was skipped (a Spamouflage push in Chinese could not be compared). Each
    character of those scripts, with the marks written on it, is a word here (the shingles
    are then character 3-grams, the usual unit for near-duplicates in these languages);
    other words stay whole. ``norm`` itself is kept as written (evidence shows it): only
    the shingles see this form. An ASCII text (a byte count against a character count) is
    not even searched."""
    return (
        # ``::VARCHAR``: a string, for sqlport (Spark's ``length`` of a list is ``size``)
        f"CASE WHEN strlen({norm}) <> length({norm}::VARCHAR) "
        f"AND regexp_matches({norm}, '{UNSPACED}') "
        "THEN trim(regexp_replace("
        f"regexp_replace({norm}, '({UNSPACED}\\p{{M}}*)', ' \\1 ', 'g'), ' {{2,}}', ' ', 'g')) "
        f"ELSE {norm} END"
    )


MARKED = r"[\p{M}\x{3040}-\x{30FF}]"
"""Characters whose marks are part of the letter: combining marks the fold left (Indic vowel
signs, Thai, Hebrew and Arabic marks it keeps) and Japanese kana (``が`` is ``か`` with a mark
once decomposed). A text holding one keeps its marks when signed (``signed_words_sql``)."""


def signed_words_sql(norm: str) -> str:
    """SQL: the hash of each word the signer shingles (``words_sql``), each word without its
    accents (``strip_accents``: decomposed, its marks dropped) unless the text holds a
    ``MARKED`` character.

    Why without accents: the fold deletes the generic combining marks, so a word typed
    decomposed (``ide`` + U+0301 + ``e``: some keyboards, Vietnamese input methods, text
    copied from a file name, or an evader) loses its accent while the same word typed
    precomposed keeps it. Copies of one text with some words written each way then shared
    few shingles, and the two look the same on screen: an invisible evasion of copypasta.
    Signing both without accents makes them one text again (the marks piled on letters by
    Zalgo text still go). Only the shingles see this form: ``norm`` (shown as evidence)
    keeps its accents. Scripts that need their marks are left whole (``MARKED``); an ASCII
    text is not even searched.

    Why word by word: ``strip_accents`` runs Unicode's decomposition over every character
    it is given (~25 ns a byte) unless the string is ASCII, which most words of a French or
    German text are; stripping each word instead of the whole text skips those (2.85 ->
    1.91 s for the 605,000 texts of 1M French posts). The words are the same either way:
    in a text without ``MARKED`` characters, stripping only decomposes precomposed letters
    and drops their marks, which never makes or removes a space nor moves a character in or
    out of ``UNSPACED`` (canonical decompositions only; ``tests/detect/test_confusables.py``
    compares both on random texts of every script). The signing runs in DuckDB on either
    engine (Spark's executors sign with it too)."""
    words = f"string_split({words_sql(norm)}, ' ')"
    return (
        f"CASE WHEN strlen({norm}) <> length({norm}::VARCHAR) "
        f"AND NOT regexp_matches({norm}, '{MARKED}') "
        f"THEN list_transform({words}, lambda x: hash(strip_accents(x))) "
        f"ELSE list_transform({words}, lambda x: hash(x)) END"
    )


_PRIMES = (
    np.uint64(0x9E3779B97F4A7C15),
    np.uint64(0xC2B2AE3D27D4EB4F),
    np.uint64(0x165667B19E3779F9),
    np.uint64(0xD6E8FEB86659FD93),
)


def _shingles(values: np.ndarray, k: int) -> np.ndarray:
    """Hash of the k words starting at each position of ``values`` (texts end to end).

    Positions whose k words run into the next text are hashed too, and never read: whole
    contiguous arrays are cheaper than gathering only the valid positions."""
    n = values.size - k + 1
    s = np.zeros(max(n, 0), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for m in range(k if n > 0 else 0):
            s *= _PRIMES[m % 4]
            s += values[m : m + n]
            s ^= s >> np.uint64(29)
    return s


def fold32(shingles: np.ndarray) -> np.ndarray:
    """64-bit shingle hashes folded to 32 bits (high half XOR low half): what the hash
    functions of ``hash_family`` read."""
    return (shingles ^ (shingles >> np.uint64(32))).astype(np.uint32)


def hash_family(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """MinHash's ``num_perm`` hash functions ``x -> a_j * x + b_j (mod 2**32)`` on 32-bit
    shingles: odd multipliers ``a`` and offsets ``b`` (uint32), drawn from ``seed``.

    Why 32 bits: NumPy multiplies 32-bit integers with one SIMD instruction and emulates
    64-bit products with three, so each hash function's pass costs about half (18 against
    39-54 ns a shingle at 64 functions, measured on this project's reference machine),
    and MinHash is most of copypasta's time at 10M posts. The family used before (the
    high half of a 64-bit ``a_j * s + b_j``) and this one estimate Jaccard alike: over
    3,000 random pairs of 5-60 shingles, bias +0.0006 and -0.0011, root mean square error
    0.0476 for both, the binomial floor at 64 functions being 0.0483. The shingle hashes
    are already mixed (``_shingles``), so the weakness of an affine map modulo a power of
    two (inputs differing by a multiple of a high power of two keep fixed offsets) needs
    inputs that are not random."""
    rng = np.random.default_rng(seed)
    a = rng.integers(1, 2**63, size=num_perm, dtype=np.uint64)
    b = rng.integers(0, 2**63, size=num_perm, dtype=np.uint64)
    a32 = (a >> np.uint64(32)).astype(np.uint32) | np.uint32(1)  # the high half, made odd
    return a32, b.astype(np.uint32)


def _blocks(n: int) -> list[tuple[int, int]]:
    """Texts ``0:n`` cut into spans of ``_TEXTS_PER_BLOCK``: each writes its own columns (or
    rows) of a shared array, so the spans may run in any order, on several threads."""
    return [(lo, min(lo + _TEXTS_PER_BLOCK, n)) for lo in range(0, n, _TEXTS_PER_BLOCK)]


class _Signer:
    """MinHash signatures of one batch of texts, written block by block into ``out``.

    Each block of ``_TEXTS_PER_BLOCK`` texts writes its own columns of ``out`` and nothing
    else, so blocks may run in any order, on several threads: the NumPy passes below work
    on arrays of ~``_CHUNK_SHINGLES`` values and release the GIL while they run."""

    def __init__(
        self,
        values: np.ndarray,
        lengths: np.ndarray,
        k: int,
        num_perm: int,
        seed: int,
        out: np.ndarray | None = None,
    ) -> None:
        self.a, self.b = hash_family(num_perm, seed)
        n = lengths.size
        if out is None:
            out = np.empty((num_perm, n), dtype=np.uint32)
        elif out.shape != (num_perm, n):
            raise ValueError(f"out has shape {out.shape}, expected {(num_perm, n)}")
        self.out, self.values, self.lengths, self.k = out, values, lengths, k
        self.starts = np.cumsum(lengths) - lengths
        self.width = np.maximum(lengths - (k - 1), 0)  # shingles per text
        self.blocks = _blocks(n)

    def sign_all(self) -> None:
        """Write every text's signature, block after block, on this thread."""
        for lo, hi in self.blocks:
            self.sign(lo, hi)

    def sign(self, lo: int, hi: int) -> None:
        """Write the signatures of texts ``lo:hi`` into ``self.out[:, lo:hi]``."""
        a, b, k, starts, lengths = self.a, self.b, self.k, self.starts, self.lengths
        num_perm = a.size
        empty = np.iinfo(np.uint32).max  # a text with fewer than k words
        v0 = int(starts[lo])
        shingles = fold32(_shingles(self.values[v0 : int(starts[hi - 1] + lengths[hi - 1])], k))
        first = starts[lo:hi] - v0  # each text's first shingle in ``shingles``
        order = np.argsort(self.width[lo:hi], kind="stable")
        ws = self.width[lo:hi][order]
        cut = np.flatnonzero(np.r_[True, ws[1:] != ws[:-1], True]).tolist()
        rows = np.empty((hi - lo, num_perm), dtype=np.uint32)  # text-major
        for g0, g1 in zip(cut[:-1], cut[1:], strict=True):  # texts with w shingles each
            w = int(ws[g0])
            if w == 0:
                rows[order[g0:g1]] = empty
                continue
            step = max(1, _CHUNK_SHINGLES // w)
            offsets = np.arange(w, dtype=np.int64)[:, None]
            for c0 in range(g0, g1, step):
                idx = order[c0 : min(c0 + step, g1)]
                block = shingles[first[idx][None, :] + offsets]  # (w x texts)
                tmp = np.empty_like(block)
                got = np.empty((num_perm, idx.size), dtype=np.uint32)
                with np.errstate(over="ignore"):
                    for j in range(num_perm):
                        np.multiply(block, a[j], out=tmp)
                        np.add(tmp, b[j], out=tmp)
                        np.minimum.reduce(tmp, axis=0, out=got[j])
                rows[idx] = got.T
        for t0 in range(0, hi - lo, _TRANSPOSE):  # block-wise: cache-friendly
            t1 = min(t0 + _TRANSPOSE, hi - lo)
            self.out[:, lo + t0 : lo + t1] = rows[t0:t1].T


def minhash(
    values: np.ndarray,
    lengths: np.ndarray,
    k: int,
    num_perm: int,
    seed: int,
    out: np.ndarray | None = None,
    pool: Executor | None = None,
) -> np.ndarray:
    """MinHash signatures (n_texts x num_perm, uint32) of texts given as word hashes.

    ``values`` are the texts' word hashes end to end, ``lengths`` the words per text.
    Hash function j maps a shingle s, folded to 32 bits (``fold32``), to
    ``a_j * s + b_j`` (mod 2**32: ``hash_family``); a text's value is the least over its
    shingles.

    Why this layout: texts with the same number of shingles w are taken together, their
    shingles as a (w x texts) block of about ``_CHUNK_SHINGLES`` values that stays in the
    CPU cache; each hash function is then a multiply, an add and a minimum down the block's
    columns, three whole-array passes (a per-text ``reduceat``, as before, costs ~3x more
    per value than the minimum). Results go through a text-major buffer, where each text's
    row is written at once, and are transposed block-wise into the hash-major layout that
    ``lsh_clusters`` reads; the function returns that as a transposed view. Neither the
    grouping nor the chunk sizes change a value. ``out``, a hash-major (num_perm x n_texts)
    slice of a larger array, receives the signatures of a batch of texts in place.
    ``pool``: blocks of ``_TEXTS_PER_BLOCK`` texts are signed on its threads (the same
    values: each block writes its own columns).
    """
    signer = _Signer(values, lengths, k, num_perm, seed, out)
    if pool is None:
        signer.sign_all()
    else:
        for done in [pool.submit(signer.sign, lo, hi) for lo, hi in signer.blocks]:
            done.result()
    return signer.out.T  # a view: (texts x hashes) without copying


def band_mult(rows: int) -> np.ndarray:
    """The odd multipliers that mix a band's ``rows`` signature values into one key."""
    return np.array(
        [
            ((0x9E3779B97F4A7C15 ^ (i * 0x632BE59BD9B4E019)) | 1) & 0xFFFFFFFFFFFFFFFF
            for i in range(rows)
        ],
        dtype=np.uint64,
    )


def band_key(band_rows: np.ndarray, mult: np.ndarray) -> np.ndarray:
    """One LSH band's key per text: its ``band_rows`` (hash-major: values x texts) mixed
    by ``mult`` (``band_mult``), wrapping at 64 bits. Texts whose band values are all
    equal share the key; the one function one machine and Spark's executors both use."""
    key = np.zeros(band_rows.shape[1], dtype=np.uint64)
    tmp = np.empty_like(key)
    with np.errstate(over="ignore"):
        for row, m in zip(band_rows, mult, strict=True):
            np.multiply(row, m, out=tmp)
            key += tmp
    return key


def agreeing_needed(threshold: float, num_perm: int) -> int:
    """How many of ``num_perm`` signature values two texts must share to be linked."""
    return int(np.ceil(threshold * num_perm - 1e-9))


def _band_links(by_hash: np.ndarray, rows: slice, mult: np.ndarray) -> np.ndarray | None:
    """One LSH band's links (``member * n + head``), or None when no two texts collide.

    Most texts share their band key with no other (89% at 1M posts), so the keys are
    sorted by value first (SIMD: 4x faster than an argsort, which also gathers the keys
    back at random: 0.73 against 0.12 s for 6M texts), the keys seen twice or more marked
    in a bit table by their low bits, and only the texts whose key hits a mark (those
    sharing a key, plus a few others) are sorted with their index. The buckets, and so the
    links, are those of sorting all texts: a bucket's texts all hit their key's mark."""
    n = by_hash.shape[1]
    key = band_key(by_hash[rows], mult)
    tmp = np.empty(n, dtype=np.uint64)
    # Signed order sorts ~1.5x faster, and buckets do not depend on the order.
    ks = np.sort(key.view(np.int64))
    same = ks[1:] == ks[:-1]
    if not same.any():
        return None  # no collision in this band
    mask = (1 << min(max(n.bit_length(), 16), 24)) - 1
    marked = np.zeros(mask + 1, dtype=bool)
    marked[ks[1:][same] & mask] = True
    del ks, same
    np.bitwise_and(key, np.uint64(mask), out=tmp)
    cand = np.flatnonzero(marked[tmp.view(np.int64)])  # texts maybe sharing their key
    del tmp, marked
    ck = key[cand]
    del key
    # an unstable sort is faster; the head is then the minimum index of its bucket.
    order = np.argsort(ck.view(np.int64))
    ks, cand = ck[order], cand[order]
    same = ks[1:] == ks[:-1]
    # only buckets of two or more texts link: the rest are left out at once
    shared = np.flatnonzero(np.r_[same, False] | np.r_[False, same])
    members, mk = cand[shared], ks[shared]
    start = np.flatnonzero(np.r_[True, mk[1:] != mk[:-1]])
    head = np.repeat(np.minimum.reduceat(members, start), np.diff(np.r_[start, mk.size]))
    link = members != head
    return members[link].astype(np.int64) * n + head[link]


def _low_bytes(by_hash: np.ndarray, lo: int, hi: int, out: np.ndarray) -> None:
    """``out[lo:hi]``: texts ``lo:hi``'s signatures, text-major, each value's low byte."""
    for t0 in range(lo, hi, _TRANSPOSE):  # block-wise: cache-friendly
        t1 = min(t0 + _TRANSPOSE, hi)
        out[t0:t1] = by_hash[:, t0:t1].T  # uint32 -> uint8 keeps the low byte


def _agreeing(
    by_hash: np.ndarray, low: np.ndarray, src: np.ndarray, dst: np.ndarray, need: int
) -> np.ndarray:
    """Whether each link's two signatures agree on at least ``need`` values.

    Equal values have equal low bytes, so a link whose low bytes (``low``, text-major: one
    cache line a text at 64 hash functions) agree fewer than ``need`` times fails, and
    only the others (12% at 10M posts, nearly all kept) are compared value by value, in
    the hash-major rows. Comparing every link there read 64 rows at random, twice: 13 of
    the 17 s of CPU that 10M posts' 16.3M links cost; this way 5.5 s (byte-identical).
    """
    num_perm = low.shape[1]
    eq = low[src] == low[dst]
    if num_perm % 8 == 0 and num_perm < 256:  # count the equal bytes 8 at a time
        words = eq.view(np.uint64)
        total = words[:, 0].copy()
        for j in range(1, words.shape[1]):
            total += words[:, j]  # each byte: how many of its column agree (< 256)
        count = (total * np.uint64(0x0101010101010101)) >> np.uint64(56)  # bytes' sum
    else:
        count = np.count_nonzero(eq, axis=1)
    del eq
    maybe = np.flatnonzero(count >= need)
    s, d = src[maybe], dst[maybe]
    same = np.zeros(maybe.size, dtype=np.int32)
    for row in by_hash:  # contiguous rows: gathers stay within one row at a time
        same += row[s] == row[d]
    agree = np.zeros(src.size, dtype=bool)
    agree[maybe[same >= need]] = True
    return agree


def _check_links(
    by_hash: np.ndarray, src: np.ndarray, dst: np.ndarray, need: int, pool: Executor | None
) -> np.ndarray:
    """Whether each link ``src -> dst`` holds (``_agreeing``), slice by slice of links."""
    n, num_perm = by_hash.shape[1], by_hash.shape[0]
    low = np.empty((n, num_perm), dtype=np.uint8)  # n * num_perm bytes: 384 MB at 10M posts
    blocks = _blocks(n)
    cuts = [(lo, lo + _CHECK_LINKS) for lo in range(0, src.size, _CHECK_LINKS)]  # bounded memory

    def fill(block: tuple[int, int]) -> None:
        _low_bytes(by_hash, block[0], block[1], low)

    def check(cut: tuple[int, int]) -> np.ndarray:
        return _agreeing(by_hash, low, src[cut[0] : cut[1]], dst[cut[0] : cut[1]], need)

    if pool is None:
        for block in blocks:
            fill(block)
        return np.concatenate([check(cut) for cut in cuts])
    list(pool.map(fill, blocks))
    return np.concatenate(list(pool.map(check, cuts)))


def lsh_clusters(
    sig: np.ndarray,
    bands: int,
    threshold: float,
    pool: Executor | None = None,
    max_texts: int = 0,
) -> np.ndarray:
    """Cluster label per text, the index of a "head" text it is near.

    In each band, texts whose signatures collide form a bucket; its lowest-index text is
    the head, and every other text is linked to it (a star: m links for m texts, not m²).
    A link is kept when the two signatures agree on at least ``threshold`` of their
    values. Texts joined by kept links, directly or through others, are one cluster (see
    :func:`link_labels`) when they are at most ``max_texts``; in a larger chain each text
    takes the lowest head it is linked to (or itself), one hop only.

    ``sig`` is texts x hashes; ``minhash`` returns it as a view of a hash-major array, which
    is read here without a copy (band keys and checks then scan contiguous rows).
    ``pool``: bands, then slices of the links to check, run on its threads (the same
    labels: links are sorted before they are checked, each check writes its own slice).
    """
    n, num_perm = sig.shape
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    rows = num_perm // bands
    by_hash = np.ascontiguousarray(sig.T)  # no copy for minhash()'s output
    mult = band_mult(rows)
    spans = [slice(band * rows, (band + 1) * rows) for band in range(bands)]
    if pool is None:
        found = [_band_links(by_hash, span, mult) for span in spans]
    else:
        found = list(pool.map(lambda span: _band_links(by_hash, span, mult), spans))
    links = [x for x in found if x is not None]
    labels = np.arange(n, dtype=np.int64)
    if not links:
        return labels
    pair = np.concatenate(links)
    del links, found  # the run's peak at 10M posts is here: one copy of the links at a time
    pair = sorted_unique(pair)  # a link found in several bands is checked once
    index = np.int32 if n < 2**31 else np.int64  # half the memory while links are checked
    src, dst = (pair // n).astype(index), (pair % n).astype(index)
    del pair
    need = agreeing_needed(threshold, num_perm)
    keep = _check_links(by_hash, src, dst, need, pool)
    return link_labels(n, src[keep], dst[keep], max_texts)


def link_labels(n: int, src: np.ndarray, dst: np.ndarray, max_texts: int) -> np.ndarray:
    """Cluster label per text (``0..n-1``, in the order that names clusters) from the kept
    links ``src`` -> ``dst`` (``dst``, the bucket's head, has the lower index).

    Why chains: the copies of one template are each edited in their own way (another word
    in a slot, an opener, two words swapped), so two copies of the same push share only a
    third of their word 3-shingles, and a copy is linked to some of the others, not to all
    (measured on ``literature-fr`` at high stealth: 20 % of the pairs of copies pass the
    check). With one hop a push's copies split into many clusters and two volunteers rarely
    meet in one (template recall 0.50). Joined through each other (connected components)
    the copies are one message again. The cap: in a whole collection, chains of
    template-like ordinary texts grow large (12,713 texts at 1M ``en-presidential`` posts);
    a cluster of more texts than ``max_texts`` would be one object too common for the
    co-action engine to draw pairs from (its ``max_object_actions``), hiding whatever
    campaign copies it swallowed, so there each text keeps its own one-hop label (the
    star: the lowest head it is linked to). ``max_texts = 0``: one hop everywhere.

    The label of a chain is its lowest index, that of a star its lowest head: both name a
    cluster by one of its texts, deterministically."""
    labels = np.arange(n, dtype=np.int64)
    if src.size == 0:
        return labels
    np.minimum.at(labels, src, dst)  # the one-hop stars
    if max_texts <= 0:
        return labels
    # components over the linked texts only (a few per cent of all texts): compact indices
    nodes = sorted_unique(np.concatenate([src, dst]))
    a = np.searchsorted(nodes, src)
    b = np.searchsorted(nodes, dst)
    comp = components(nodes.size, a, b)
    size = np.bincount(comp, minlength=nodes.size)
    small = size[comp] <= max_texts
    labels[nodes[small]] = nodes[comp[small]]
    return labels


def _normalised_texts(engine: Engine, min_words: int) -> dict[str, int]:
    """Build ``cp_text(post_id, aid, t, th)`` and ``cp_u(th, norm)``; return counts.

    Each distinct normalised text is kept once (``cp_u``); posts refer to it by hash, so the
    texts are held once in DuckDB while NumPy works (peak memory at 10M posts)."""
    con = engine.con
    # look-alike letters and invisible characters folded (``confusables``: evasion by
    # homoglyphs), then one regex pass (NORMALISE): links, mentions and every run of
    # characters that are neither letters, marks nor digits (Unicode-aware: 'idée' stays
    # one word) become a space; ``words_sql`` then cuts scripts written without spaces
    # the texts first, then the regex over a plain table: one query doing both runs the
    # regex inside the Parquet scan and join, and is 1.5x slower on two cores
    con.execute(
        """CREATE OR REPLACE TEMP TABLE cp_raw AS SELECT post_id, aid, t, text FROM pr
        WHERE text IS NOT NULL AND repost_of IS NULL AND NOT starts_with(text, 'RT @')"""
    )
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE cp_all AS
        SELECT post_id, aid, t, norm, hash(norm) AS th,
               strlen(w) - strlen(replace(w, ' ', '')) + 1 AS n_words FROM (
            SELECT post_id, aid, t, norm, {words_sql("norm")} AS w FROM (
                SELECT post_id, aid, t,
                       trim(regexp_replace({fold_sql("l")}, '{NORMALISE}', ' ', 'g')) AS norm
                FROM (SELECT post_id, aid, t, lower(text) AS l FROM cp_raw)))"""
    )
    con.execute("DROP TABLE cp_raw")
    # n_words counts the spaces (+1) of ``words_sql``: exactly the words the signer reads,
    # without building the lists (1.4 -> 1.0 s at 10M posts)
    # cp_text and cp_map (below) are plain tables, not TEMP ones: ``raw_copypasta`` reads
    # them, and the evidence reads that view from the main connection, while copypasta may
    # run on a cursor of its own (beside the other detectors), whose TEMP tables it cannot see
    con.execute(
        f"""CREATE OR REPLACE TABLE cp_text AS
        SELECT post_id, aid, t, th FROM cp_all WHERE n_words >= {min_words}"""
    )
    # not stored in th order: sorting the texts cost 0.45 s CPU at 1M posts, and bought
    # nothing (each slice below is ordered on its own, by th alone). Grouping every text
    # with its string here is the heaviest statement of the normalisation (3.4-3.9 s at
    # 10M posts); grouping only the hashes seen twice took 1 s, but DuckDB then kept in
    # memory the tables the aggregate used to push to disk, and making that room again
    # while NumPy signs cost what was saved (docs/detect-speed.md, eleventh round)
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE cp_u AS
        SELECT th, any_value(norm) AS norm FROM cp_all
        WHERE n_words >= {min_words} GROUP BY th"""
    )
    n_all = engine.scalar("SELECT count(*) FROM cp_all")
    n_kept = engine.scalar("SELECT count(*) FROM cp_text")
    con.execute("DROP TABLE cp_all")
    return {"texts": int(n_all), "texts_too_short": int(n_all - n_kept)}


def numpy_threads(general: dict[str, Any], beside: bool) -> int:
    """Threads for MinHash and LSH: DuckDB's (``general.threads``, else the cores) when the
    NumPy part runs alone, at most ``_MAX_THREADS``; one when it runs beside the other
    detectors (below ``general.minhash_beside_max_posts``), whose DuckDB queries then take
    the other cores (measured at 1M posts: two threads there gain nothing)."""
    if beside:
        return 1
    return min(int(general.get("threads") or 0) or (os.cpu_count() or 1), _MAX_THREADS)


def _sign_slices(
    engine: Engine, k: int, num_perm: int, seed: int, sig: np.ndarray, pool: Executor | None
) -> list[pa.Array]:
    """Sign every text of ``cp_u`` into ``sig`` (hash-major), slice by slice; their th.

    With a ``pool``, a slice's blocks are signed on its threads while the next slice is
    fetched from DuckDB; at most two slices' word hashes are held at once."""
    n_texts = sig.shape[1]
    ths: list[pa.Array] = []
    pos = 0
    n_slices = max(1, -(-n_texts // _TEXTS_PER_BATCH))
    edges = [(i << 64) // n_slices for i in range(n_slices + 1)]
    signing: list[Future[None]] = []  # the blocks of the slice being signed
    for lo, hi in zip(edges[:-1], edges[1:], strict=True):
        upper = f"AND th < {hi}::UBIGINT" if hi < 1 << 64 else ""
        batch = fetch(
            engine.con,
            f"SELECT th, {signed_words_sql('norm')} AS hw FROM cp_u "
            f"WHERE th >= {lo}::UBIGINT {upper} ORDER BY th",
        )
        hw = batch.column("hw").combine_chunks()
        lengths = np.asarray(hw.value_lengths(), dtype=np.int64)
        values = np.asarray(hw.flatten(), dtype=np.uint64)
        m = lengths.size
        signer = _Signer(values, lengths, k, num_perm, seed, out=sig[:, pos : pos + m])
        ths.extend(batch.column("th").chunks)
        pos += m
        del batch, hw, values, lengths
        if pool is None:
            signer.sign_all()
            continue
        previous, signing = signing, [pool.submit(signer.sign, b0, b1) for b0, b1 in signer.blocks]
        del signer
        for done in previous:  # queued behind it: the workers stay busy while we wait
            done.result()
    for done in signing:
        done.result()
    if pos != n_texts:
        raise RuntimeError(f"copypasta: read {pos} texts of {n_texts}")  # engine invariant
    return ths


def _cluster_here(
    engine: Engine, cfg: dict[str, Any], general: dict[str, Any], n_texts: int, beside: bool
) -> tuple[int, int]:
    """Sign ``cp_u``'s texts and cluster them by banded LSH in this process, into
    ``cp_map(th, cid, multi)``; the number of clusters and the largest one's texts.

    Word hashes are fetched in slices of the (uniform) text-hash range into one signature
    matrix: the words of every text are never in memory at once (~1 GB at 10M posts).
    Each slice comes sorted by th, so the texts come in th order whatever the slicing
    (deterministic labels: a cluster is named by its lowest text in that order)."""
    k = int(cfg["shingle"])
    num_perm = int(cfg["num_perm"])
    sig = np.empty((num_perm, n_texts), dtype=np.uint32)
    threads = numpy_threads(general, beside=beside)

    def room(nbytes: int) -> AbstractContextManager[None]:
        """Running alone, after the other detectors: DuckDB makes room for NumPy's arrays."""
        if beside:
            return nullcontext()
        return duckdb_gives_way(engine.con, nbytes, general["memory_limit"])

    with ThreadPoolExecutor(threads) if threads > 1 else nullcontext() as pool:
        with room(sig.nbytes):  # the word hashes are fetched meanwhile: DuckDB works too
            ths = _sign_slices(engine, k, num_perm, int(general["seed"]), sig, pool)
        # LSH reads nothing from DuckDB: room for the check's low bytes too (``_check_links``)
        with room(sig.nbytes + n_texts * num_perm):
            labels = lsh_clusters(
                sig.T, int(cfg["bands"]), float(cfg["threshold"]), pool, int(cfg["chain_max_texts"])
            )
    del sig
    n_clusters = int(sorted_unique(labels).size)
    largest = int(np.bincount(labels).max()) if labels.size else 0
    th = pa.chunked_array(ths, pa.uint64())
    # ``multi``: the text's cluster has others (most have not: see obj_copypasta in detect)
    multi = np.bincount(labels, minlength=labels.size)[labels] > 1
    clusters = pa.table({"th": th, "cid": pa.array(labels, pa.int64()), "multi": multi})
    del th, ths, labels, multi
    engine.con.register("cp_clusters", clusters)
    engine.con.execute("CREATE OR REPLACE TABLE cp_map AS SELECT * FROM cp_clusters")
    engine.con.unregister("cp_clusters")
    return n_clusters, largest


def normalise(engine: Engine, cfg: dict[str, Any]) -> dict[str, int]:
    """The first part of :func:`detect`: the texts normalised, in DuckDB only (``cp_text``,
    ``cp_u`` on ``engine``'s connection); the counts :func:`detect` reports.

    Why apart: above ``general.minhash_beside_max_posts`` posts the pipeline runs this
    part beside the other detectors (DuckDB's regexes, in DuckDB's own memory) and the
    rest (MinHash's signature matrix, in NumPy's) after them."""
    return _normalised_texts(engine, max(int(cfg["min_words"]), int(cfg["shingle"])))


def detect(
    engine: Engine,
    cfg: dict[str, Any],
    general: dict[str, Any],
    beside: bool = False,
    counts: dict[str, int] | None = None,
) -> Signal:
    """Kept account pairs that post near-duplicate texts within ``cfg['window_s']``.

    ``beside``: the pipeline runs the other detectors on the main thread meanwhile, so the
    NumPy part (MinHash, LSH) takes one core (``numpy_threads``). ``counts``: what
    :func:`normalise` returned, when it already ran on ``engine``'s connection.
    """
    if counts is None:
        counts = normalise(engine, cfg)
    n_texts = int(engine.scalar("SELECT count(*) FROM cp_u"))
    cluster_texts = getattr(engine, "cluster_texts", None)
    if cluster_texts is not None:  # Spark: signed and banded where the texts are
        n_clusters, largest = cluster_texts(cfg, int(general["seed"]))
    else:
        n_clusters, largest = _cluster_here(engine, cfg, general, n_texts, beside)
    engine.con.execute(
        f"""CREATE OR REPLACE VIEW raw_{KIND} AS
        SELECT x.aid, 'text#' || m.cid::VARCHAR AS obj, x.t, x.post_id
        FROM cp_text x JOIN cp_map m USING (th)"""
    )
    # the object names (obj_copypasta) are the texts, written below: none from the engine
    sig_ = run_coaction(engine, KIND, f"raw_{KIND}", cfg, general, names=False)
    # Name each object by one of its texts (evidence readers want words, not a number):
    # the least. A text alone in its cluster names it without a grouping (half the cost).
    # Only the objects two accounts or more acted on are named: every reader joins the
    # names to objects shared by two accounts at least (a pair's co-actions, a group's
    # objects, a cohort's kept objects), and at 10M posts they were 436,472 of 4.9M
    # clusters (the statement 4.4 -> 2.2 s)
    engine.con.execute(
        f"""CREATE OR REPLACE TABLE obj_{KIND} AS
        WITH m AS (
            SELECT th, cid, multi, oid FROM (
                SELECT th, cid, multi, hash('text#' || cid::VARCHAR) AS oid FROM cp_map)
            SEMI JOIN (SELECT oid FROM ostat_{KIND} WHERE na >= 2) USING (oid))
        SELECT m.oid, left(u.norm, 160) AS obj
        FROM cp_u u JOIN m USING (th) WHERE NOT m.multi
        UNION ALL
        SELECT m.oid, left(min(u.norm), 160) AS obj
        FROM cp_u u JOIN m USING (th) WHERE m.multi GROUP BY m.cid, m.oid"""
    )
    sig_.stats.update(counts)
    sig_.stats["unique_texts"] = n_texts
    sig_.stats["text_clusters"] = n_clusters
    sig_.stats["near_duplicate_texts"] = n_texts - n_clusters
    sig_.stats["largest_cluster_texts"] = largest
    return sig_
