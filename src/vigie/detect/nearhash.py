"""Near-identical perceptual hashes: parse them, find every pair within a Hamming radius,
cluster them into one object id.

Why: the same image re-encoded, resized or lightly cropped keeps a perceptual hash (pHash,
dHash: 64 bits; PDQ: 256 bits) a few bits away from the original, so an operation that
posts "the same" picture from many accounts leaves hashes that are near, not equal.
Comparing every pair is O(n²); this module uses **multi-index hashing** (Norouzi, Punjani &
Fleet, "Fast Search in Hamming Space with Multi-Index Hashing", CVPR 2012): cut the bits
into ``m`` substrings; two hashes within ``d`` bits differ by at most ``r = d // m`` bits in
at least one substring (pigeonhole: otherwise they would differ by ``m (r + 1) > d``). So
the candidates are the pairs whose substring ``i`` is equal or ``r`` bits away, found by
sorting and looking up each substring's neighbours (all values within ``r`` flips), and
every candidate is then checked on the full hash. No pair within ``d`` is missed, except
inside crowds of hundreds of hashes sharing a substring, linked by leaders (``near_pairs``).
``plan`` picks ``m`` (and so ``r``) minimising lookups plus expected candidates for the
number of hashes at hand.

Near pairs are joined by connected components (union-find): a re-encoded copy of a copy is
still the same picture. The largest cluster is reported, so a chain through degenerate
hashes (blank images) shows up in the manifest.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from itertools import combinations

import numpy as np

from vigie.arrays import sorted_unique

_HEX = re.compile(r"^(?:(phash|dhash|ahash|whash|pdq|hash)[:_-])?([0-9a-f]{16}|[0-9a-f]{64})$")
_LETTER = re.compile(r"[a-f]")
_PAIRS_PER_CHUNK = 1 << 22
_JOIN_CHUNK = 1 << 15
_GROUP_ALL_PAIRS = 64  # larger crowds sharing a substring are linked by leaders


def parse_hash(value: str) -> tuple[int, bytes] | None:
    """``(bits, raw bytes)`` when ``value`` is a 64- or 256-bit hexadecimal perceptual hash,
    else ``None`` (the value is then an opaque id compared exactly).

    A bare value counts as a hash only if it has a letter a-f: an anonymised integer id of
    16 digits is also valid hexadecimal, and matching such ids by Hamming distance would tie
    unrelated images. A prefix (``phash:``, ``dhash:``, ``pdq:``...) declares a hash even
    without letters. (A real hash of 16 hex digits has no letter with probability 5e-4;
    those few are compared exactly, never wrongly merged.)
    """
    m = _HEX.match(value.strip().lower())
    if m is None:
        return None
    prefix, digits = m.group(1), m.group(2)
    if prefix is None and _LETTER.search(digits) is None:
        return None
    return len(digits) * 4, bytes.fromhex(digits)


def to_words(raw: list[bytes], bits: int) -> np.ndarray:
    """Hashes of ``bits`` bits as an (n, bits // 64) array of big-endian uint64 words."""
    if not raw:
        return np.zeros((0, bits // 64), dtype=np.uint64)
    buf = np.frombuffer(b"".join(raw), dtype=">u8").astype(np.uint64)
    return buf.reshape(len(raw), bits // 64)


def _popcount(x: np.ndarray) -> np.ndarray:
    """Bits set per uint64 (NumPy >= 2 has it built in; the SWAR formula otherwise)."""
    count = getattr(np, "bitwise_count", None)
    if count is not None:
        return count(x).astype(np.int64)
    x = x - ((x >> np.uint64(1)) & np.uint64(0x5555555555555555))
    x = (x & np.uint64(0x3333333333333333)) + ((x >> np.uint64(2)) & np.uint64(0x3333333333333333))
    x = (x + (x >> np.uint64(4))) & np.uint64(0x0F0F0F0F0F0F0F0F)
    with np.errstate(over="ignore"):
        return ((x * np.uint64(0x0101010101010101)) >> np.uint64(56)).astype(np.int64)


def hamming(words: np.ndarray, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Hamming distance between rows ``i`` and ``j`` of ``words``."""
    d = np.zeros(i.size, dtype=np.int64)
    for w in range(words.shape[1]):
        d += _popcount(words[i, w] ^ words[j, w])
    return d


@dataclass(frozen=True)
class Plan:
    """Multi-index hashing layout: ``widths`` of the substrings and the radius searched."""

    widths: tuple[int, ...]
    radius: int


def _ball(width: int, radius: int) -> int:
    return sum(math.comb(width, k) for k in range(radius + 1))


def plan(bits: int, max_distance: int, n: int) -> Plan:
    """The substring layout with the least expected work for ``n`` hashes.

    Work = lookups (``n`` x the neighbours enumerated per substring) + candidate pairs
    (for spread-out hashes, ``n²/2`` x the chance to meet in one substring). Substrings are
    at most 32 bits wide so that a substring fits one integer key.
    """
    lo = -(-bits // 32)
    best: tuple[float, Plan] | None = None
    for m in range(lo, max(lo, min(bits, max_distance + 1)) + 1):
        radius = max_distance // m  # pigeonhole: m (radius + 1) > max_distance
        if radius > 3:
            continue  # too many neighbours to enumerate per substring
        base, extra = divmod(bits, m)
        widths = tuple(base + 1 if k < extra else base for k in range(m))
        lookups = sum(_ball(w, radius) for w in widths)
        meet = sum(_ball(w, radius) / 2.0**w for w in widths)
        cost = n * lookups + n * n / 2 * meet
        if best is None or cost < best[0]:
            best = (cost, Plan(widths, radius))
    if best is None:
        raise ValueError(f"max distance {max_distance} is too large for {bits}-bit hashes")
    return best[1]


def _substring(words: np.ndarray, start: int, width: int) -> np.ndarray:
    """Bits ``[start, start + width)`` of every hash (bit 0 = most significant) as uint64."""
    bits = words.shape[1] * 64
    out = np.zeros(words.shape[0], dtype=np.uint64)
    for b in range(start, start + width):
        w, k = divmod(b, 64)
        bit = (words[:, w] >> np.uint64(63 - k)) & np.uint64(1)
        out = (out << np.uint64(1)) | bit
    assert start + width <= bits
    return out


def _flips(width: int, radius: int) -> np.ndarray:
    """Every non-zero mask of at most ``radius`` bits among ``width``."""
    masks = []
    for r in range(1, radius + 1):
        for combo in combinations(range(width), r):
            masks.append(sum(1 << c for c in combo))
    return np.array(masks, dtype=np.uint64)


def _pairs_between(
    order: np.ndarray, starts: np.ndarray, sizes: np.ndarray, ga: np.ndarray, gb: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Every (item of group a, item of group b) for the group pairs ``(ga, gb)``."""
    na, nb = sizes[ga], sizes[gb]
    total = na * nb
    if total.sum() == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    rep = np.repeat(np.arange(ga.size), total)
    within = np.arange(total.sum()) - np.repeat(np.cumsum(total) - total, total)
    ia = starts[ga][rep] + within // nb[rep]
    ib = starts[gb][rep] + within % nb[rep]
    return order[ia], order[ib]


def pairs_within(
    order: np.ndarray, starts: np.ndarray, sizes: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Every pair of items inside each group of two or more."""
    g = np.flatnonzero(sizes >= 2)
    a, b = _pairs_between(order, starts, sizes, g, g)
    keep = a < b
    return a[keep], b[keep]


def _leaders(words: np.ndarray, members: np.ndarray, max_distance: int) -> list[np.ndarray]:
    """Links of an oversized group: each pass links the first remaining hash to those within
    ``max_distance`` of it and goes on with the rest (linear in the group, not quadratic)."""
    out = []
    rest = members
    while rest.size > _GROUP_ALL_PAIRS:
        near = hamming(words, np.full(rest.size - 1, rest[0]), rest[1:]) <= max_distance
        out.append(np.stack([np.full(int(near.sum()), rest[0]), rest[1:][near]]))
        rest = rest[1:][~near]
    if rest.size > 1:
        i, j = np.triu_indices(rest.size, 1)
        out.append(np.stack([rest[i], rest[j]]))
    return out


def near_pairs(
    words: np.ndarray, max_distance: int, labels: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Pairs ``i < j`` of distinct rows within ``max_distance`` bits: every such pair, except
    inside a crowd of more than ``_GROUP_ALL_PAIRS`` hashes sharing a substring (thousands of
    re-encodings of one viral image), which is linked by leaders instead; the clusters
    (``components``) are the same unless the crowd holds hashes that are near each other
    but far from every leader.

    With ``labels`` (``np.arange(n)`` to start), only clusters are wanted: candidates
    already in one cluster are not checked, ``labels`` is updated in place to the cluster
    of each row, and the pairs returned are just those that joined clusters. A viral image
    re-encoded a thousand ways has ~500,000 near pairs but needs 999 to be one cluster."""
    n, n_words = words.shape
    if n < 2:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    lay = plan(n_words * 64, max_distance, n)
    flips_by_width = {w: _flips(w, lay.radius) for w in set(lay.widths)}
    found_a: list[np.ndarray] = []
    found_b: list[np.ndarray] = []
    cap = _GROUP_ALL_PAIRS
    chunk = _PAIRS_PER_CHUNK if labels is None else _JOIN_CHUNK  # joining: update often
    start = 0
    for width in lay.widths:
        sub = _substring(words, start, width)
        start += width
        order = np.argsort(sub, kind="stable")
        vals = sub[order]
        head = np.flatnonzero(np.r_[True, vals[1:] != vals[:-1]])
        uniq = vals[head]
        sizes = np.diff(np.r_[head, n])
        small = np.where(sizes <= cap, sizes, 0)
        cands = [pairs_within(order, head, small)]
        for g in np.flatnonzero(sizes > cap).tolist():
            members = np.sort(order[head[g] : head[g] + sizes[g]])
            cands.extend((x[0], x[1]) for x in _leaders(words, members, max_distance))
        for mask in flips_by_width[width]:
            q = uniq ^ mask
            pos = np.searchsorted(uniq, q)
            pos[pos == uniq.size] = 0
            hit = (uniq[pos] == q) & (q > uniq)  # each unordered pair of groups once
            ga = np.flatnonzero(hit)
            if not ga.size:
                continue
            gb = pos[hit]
            crowd = sizes[ga] * sizes[gb] > cap * cap
            cands.append(_pairs_between(order, head, sizes, ga[~crowd], gb[~crowd]))
            for x, y in zip(ga[crowd].tolist(), gb[crowd].tolist(), strict=True):
                xs, ys = order[head[x] : head[x] + sizes[x]], order[head[y] : head[y] + sizes[y]]
                cands.append((np.full(ys.size, xs.min()), ys))  # star on each side's leader
                cands.append((xs, np.full(xs.size, ys.min())))
        for a, b in cands:
            for lo in range(0, a.size, chunk):
                ca, cb = a[lo : lo + chunk], b[lo : lo + chunk]
                if labels is not None:
                    apart = labels[ca] != labels[cb]
                    ca, cb = ca[apart], cb[apart]
                ok = hamming(words, ca, cb) <= max_distance
                found_a.append(np.minimum(ca[ok], cb[ok]))
                found_b.append(np.maximum(ca[ok], cb[ok]))
                if labels is not None and ok.any():
                    labels[:] = components(n, found_a[-1], found_b[-1], start=labels)
    if not found_a:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    a = np.concatenate(found_a).astype(np.int64)
    b = np.concatenate(found_b).astype(np.int64)
    key = sorted_unique(a * n + b)  # a pair found in several substrings once
    return key // n, key % n


def components(n: int, a: np.ndarray, b: np.ndarray, start: np.ndarray | None = None) -> np.ndarray:
    """Connected-component label per item (the smallest item index of its component).

    ``start``: labels of components found so far (as returned here), joined by ``a``-``b``.
    """
    labels = np.arange(n, dtype=np.int64) if start is None else start.copy()
    if a.size == 0:
        return labels
    # pointer jumping: every edge pulls both ends to the smaller label until stable
    while True:
        la, lb = labels[a], labels[b]
        low = np.minimum(la, lb)
        before = labels.copy()
        np.minimum.at(labels, a, low)
        np.minimum.at(labels, b, low)
        np.minimum.at(labels, la, low)
        np.minimum.at(labels, lb, low)
        labels = labels[labels]
        if np.array_equal(labels, before):
            return labels


def cluster_hashes(
    values: list[str], max_distance: int, max_distance_256: int
) -> tuple[list[str], int]:
    """One object name per value (near-identical hashes share the name of their cluster),
    and how many values were read as perceptual hashes.

    64-bit hashes (pHash, dHash) are compared within ``max_distance`` bits, 256-bit PDQ
    hashes within ``max_distance_256``; other values (opaque ids) are their own object.
    A cluster is named after its smallest hash, so the name is stable from run to run.
    """
    out = list(values)
    by_bits: dict[int, tuple[list[int], list[bytes]]] = {64: ([], []), 256: ([], [])}
    for k, v in enumerate(values):
        parsed = parse_hash(v)
        if parsed is not None:
            by_bits[parsed[0]][0].append(k)
            by_bits[parsed[0]][1].append(parsed[1])
    for bits, limit in ((64, max_distance), (256, max_distance_256)):
        idx, raw = by_bits[bits]
        tag = "pdq" if bits == 256 else "hash"
        if len(idx) < 2 or limit <= 0:
            for k, r in zip(idx, raw, strict=True):
                out[k] = f"{tag}:{r.hex()}"
            continue
        # distinct hashes in sorted order: stable cluster names, each hash compared once
        hexes = np.array([r.hex() for r in raw])
        uniq, inverse = np.unique(hexes, return_inverse=True)
        uwords = to_words([bytes.fromhex(h) for h in uniq.tolist()], bits)
        labels = np.arange(uniq.size, dtype=np.int64)
        near_pairs(uwords, limit, labels)
        names = np.array([f"{tag}:{h}" for h in uniq.tolist()], dtype=object)[labels]
        for k, name in zip(idx, names[inverse].tolist(), strict=True):
            out[k] = name
    return out, len(by_bits[64][0]) + len(by_bits[256][0])
