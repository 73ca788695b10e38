"""Copypasta: near-duplicate texts posted by different accounts within a window.

Why: sockpuppets paste the same message with small edits ("Le candidat X ment !!" /
"le candidat X ment"). Texts are normalised (lower case; links, mentions and punctuation
dropped), cut into word 3-shingles hashed to 64 bits, and summarised by MinHash signatures
so that near-duplicates are found by banded LSH in time linear in the number of texts.

Vectorised on purpose: words are hashed inside DuckDB, then shingling, the MinHash
permutations (multiply-shift hashing) and the per-text minima (down blocks of texts of
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

from collections.abc import Callable
from typing import Any

import numpy as np
import pyarrow as pa

from vigie.arrays import sorted_unique
from vigie.detect.coaction import Signal, run_coaction
from vigie.detect.engine import Engine, fetch

KIND = "copypasta"
_CHUNK_SHINGLES = 32_768  # ~256 KiB of uint64 shingles: fits in L2
_CHECK_LINKS = 262_144
_TEXTS_PER_BATCH = 250_000  # about this many texts' word hashes in memory at once
_TEXTS_PER_BLOCK = 65_536  # minhash's text-major buffer: 16 MiB at 64 hash functions
_TRANSPOSE = 4_096  # texts per transposed block

# What normalisation replaces by a space, leftmost first: a link, a mention, or a run of
# characters that are neither letters nor digits. The plain rule reads
# ``https?://\S+|www\.\S+|@\w+|[^\p{L}\p{N}]+``; spelt as below, a lone space (the gap
# between most words) is no match, where the plain rule replaced it by itself. Same output
# (a test compares both on random texts), but the regex engine pays a fixed cost per
# replacement, and skipping the ~20 per text halves the normalisation (4.3 -> 2.4 s CPU at
# 1M posts). A run of two or more characters, or of one that is not a space, is replaced
# as before, and the scan resumes where it would have.
NORMALISE = r"https?://\S+|www\.\S+|@\w+|[^\p{L}\p{N}]{2,}|[^\p{L}\p{N} ]"
PLAIN_NORMALISE = r"https?://\S+|www\.\S+|@\w+|[^\p{L}\p{N}]+"


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


def minhash(
    values: np.ndarray,
    lengths: np.ndarray,
    k: int,
    num_perm: int,
    seed: int,
    out: np.ndarray | None = None,
) -> np.ndarray:
    """MinHash signatures (n_texts x num_perm, uint32) of texts given as word hashes.

    ``values`` are the texts' word hashes end to end, ``lengths`` the words per text.
    Hash function j maps a shingle s to the high 32 bits of ``a_j * s + b_j`` (mod 2**64);
    a text's value is the least over its shingles. The minimum of the high halves is the
    high half of the minimum, so the minimum is taken on whole 64-bit values.

    Why this layout: texts with the same number of shingles w are taken together, their
    shingles as a (w x texts) block of about ``_CHUNK_SHINGLES`` values that stays in the
    CPU cache; each hash function is then a multiply, an add and a minimum down the block's
    columns, three whole-array passes (a per-text ``reduceat``, as before, costs ~3x more
    per value than the minimum). Results go through a text-major buffer, where each text's
    row is written at once, and are transposed block-wise into the hash-major layout that
    ``lsh_clusters`` reads; the function returns that as a transposed view. Neither the
    grouping nor the chunk sizes change a value. ``out``, a hash-major (num_perm x n_texts)
    slice of a larger array, receives the signatures of a batch of texts in place.
    """
    rng = np.random.default_rng(seed)
    a = rng.integers(1, 2**63, size=num_perm, dtype=np.uint64) | np.uint64(1)
    b = rng.integers(0, 2**63, size=num_perm, dtype=np.uint64)
    n = lengths.size
    if out is None:
        sig = np.empty((num_perm, n), dtype=np.uint32)
    else:
        if out.shape != (num_perm, n):
            raise ValueError(f"out has shape {out.shape}, expected {(num_perm, n)}")
        sig = out
    starts = np.cumsum(lengths) - lengths
    width = np.maximum(lengths - (k - 1), 0)  # shingles per text
    empty = np.iinfo(np.uint32).max  # a text with fewer than k words
    for lo in range(0, n, _TEXTS_PER_BLOCK):
        hi = min(lo + _TEXTS_PER_BLOCK, n)
        v0 = int(starts[lo])
        shingles = _shingles(values[v0 : int(starts[hi - 1] + lengths[hi - 1])], k)
        first = starts[lo:hi] - v0  # each text's first shingle in ``shingles``
        order = np.argsort(width[lo:hi], kind="stable")
        ws = width[lo:hi][order]
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
                least = np.empty(idx.size, dtype=np.uint64)
                got = np.empty((num_perm, idx.size), dtype=np.uint32)
                with np.errstate(over="ignore"):
                    for j in range(num_perm):
                        np.multiply(block, a[j], out=tmp)
                        np.add(tmp, b[j], out=tmp)
                        np.minimum.reduce(tmp, axis=0, out=least)
                        got[j] = least >> np.uint64(32)
                rows[idx] = got.T
        for t0 in range(0, hi - lo, _TRANSPOSE):  # block-wise: cache-friendly
            t1 = min(t0 + _TRANSPOSE, hi - lo)
            sig[:, lo + t0 : lo + t1] = rows[t0:t1].T
    return sig.T  # a view: (texts x hashes) without copying


def lsh_clusters(sig: np.ndarray, bands: int, threshold: float) -> np.ndarray:
    """Cluster label per text, the index of a "head" text it is near.

    In each band, texts whose signatures collide form a bucket; its lowest-index text is
    the head, and every other text is linked to it (a star: m links for m texts, not m²).
    A link is kept when the two signatures agree on at least ``threshold`` of their
    values. Each text takes the lowest head it is linked to (or itself). One hop only, on
    purpose: chaining links transitively (connected components) merges a whole dataset of
    template-like texts into one giant cluster (57,000 texts on a 1M-post scenario), which
    would hide a campaign's messages among them.

    ``sig`` is texts x hashes; ``minhash`` returns it as a view of a hash-major array, which
    is read here without a copy (band keys and checks then scan contiguous rows).
    """
    n, num_perm = sig.shape
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    rows = num_perm // bands
    by_hash = np.ascontiguousarray(sig.T)  # no copy for minhash()'s output
    mult = np.array(
        [
            ((0x9E3779B97F4A7C15 ^ (i * 0x632BE59BD9B4E019)) | 1) & 0xFFFFFFFFFFFFFFFF
            for i in range(rows)
        ],
        dtype=np.uint64,
    )
    links = []
    key = np.empty(n, dtype=np.uint64)
    tmp = np.empty(n, dtype=np.uint64)
    for band in range(bands):
        key.fill(0)
        with np.errstate(over="ignore"):
            for r in range(rows):
                np.multiply(by_hash[band * rows + r], mult[r], out=tmp)
                key += tmp
        # an unstable sort is 4x faster; the head is then the minimum index of its bucket.
        # Signed order sorts ~1.5x faster still, and buckets do not depend on the order.
        order = np.argsort(key.view(np.int64))
        ks = key[order]
        same = ks[1:] == ks[:-1]
        if not same.any():
            continue  # no collision in this band
        # only buckets of two or more texts link: the rest (most) are left out at once
        shared = np.flatnonzero(np.r_[same, False] | np.r_[False, same])
        members, mk = order[shared], ks[shared]
        start = np.flatnonzero(np.r_[True, mk[1:] != mk[:-1]])
        head = np.repeat(np.minimum.reduceat(members, start), np.diff(np.r_[start, mk.size]))
        link = members != head
        links.append(members[link].astype(np.int64) * n + head[link])
    labels = np.arange(n, dtype=np.int64)
    if not links:
        return labels
    pair = sorted_unique(np.concatenate(links))  # a link found in several bands is checked once
    src, dst = pair // n, pair % n
    keep = np.zeros(pair.size, dtype=bool)
    need = int(np.ceil(threshold * num_perm - 1e-9))
    for lo in range(0, pair.size, _CHECK_LINKS):  # bounded memory
        s, d = src[lo : lo + _CHECK_LINKS], dst[lo : lo + _CHECK_LINKS]
        same = np.zeros(s.size, dtype=np.int32)
        for row in by_hash:  # contiguous rows: gathers stay within one row at a time
            same += row[s] == row[d]
        keep[lo : lo + _CHECK_LINKS] = same >= need
    np.minimum.at(labels, src[keep], dst[keep])
    return labels


def _normalised_texts(engine: Engine, min_words: int) -> dict[str, int]:
    """Build ``cp_text(post_id, aid, t, th)`` and ``cp_u(th, norm)``; return counts.

    Each distinct normalised text is kept once (``cp_u``); posts refer to it by hash, so the
    texts are held once in DuckDB while NumPy works (peak memory at 10M posts)."""
    con = engine.con
    # one regex pass (NORMALISE): links, mentions and every run of characters that are
    # neither letters nor digits (Unicode-aware: 'idée' stays one word) become a space
    # the texts first, then the regex over a plain table: one query doing both runs the
    # regex inside the Parquet scan and join, and is 1.5x slower on two cores
    con.execute(
        """CREATE OR REPLACE TEMP TABLE cp_raw AS SELECT post_id, aid, t, text FROM pr
        WHERE text IS NOT NULL AND repost_of IS NULL AND NOT starts_with(text, 'RT @')"""
    )
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE cp_all AS
        SELECT post_id, aid, t, norm, hash(norm) AS th,
               len(string_split(norm, ' ')) AS n_words FROM (
            SELECT post_id, aid, t,
                   trim(regexp_replace(lower(text), '{NORMALISE}', ' ', 'g')) AS norm
            FROM cp_raw)"""
    )
    con.execute("DROP TABLE cp_raw")
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE cp_text AS
        SELECT post_id, aid, t, th FROM cp_all WHERE n_words >= {min_words}"""
    )
    # not stored in th order: sorting the texts cost 0.45 s CPU at 1M posts, and bought
    # nothing (each slice below is ordered on its own, by th alone)
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE cp_u AS
        SELECT th, any_value(norm) AS norm FROM cp_all
        WHERE n_words >= {min_words} GROUP BY th"""
    )
    n_all = engine.scalar("SELECT count(*) FROM cp_all")
    n_kept = engine.scalar("SELECT count(*) FROM cp_text")
    con.execute("DROP TABLE cp_all")
    return {"texts": int(n_all), "texts_too_short": int(n_all - n_kept)}


def detect(
    engine: Engine,
    cfg: dict[str, Any],
    general: dict[str, Any],
    prepared: Callable[[], None] | None = None,
) -> Signal:
    """Kept account pairs that post near-duplicate texts within ``cfg['window_s']``.

    ``prepared`` is called once the texts are normalised in DuckDB, when the NumPy part
    (MinHash, LSH: one core) begins: the pipeline then runs other detectors beside it.
    """
    k = int(cfg["shingle"])
    counts = _normalised_texts(engine, max(int(cfg["min_words"]), k))
    if prepared is not None:
        prepared()
    # word hashes fetched in slices of the (uniform) text-hash range into one signature
    # matrix: the words of every text are never in memory at once (~1 GB at 10M posts).
    # Each slice comes sorted by th, so the texts come in th order whatever the slicing
    # (deterministic labels).
    n_texts = int(engine.scalar("SELECT count(*) FROM cp_u"))
    num_perm = int(cfg["num_perm"])
    sig = np.empty((num_perm, n_texts), dtype=np.uint32)
    ths: list[pa.Array] = []
    pos = 0
    n_slices = max(1, -(-n_texts // _TEXTS_PER_BATCH))
    edges = [(i << 64) // n_slices for i in range(n_slices + 1)]
    sign_texts = getattr(engine, "sign_texts", None)
    if sign_texts is not None:  # Spark: signed per partition where the texts are, no slices
        ths, pos, edges = [sign_texts(k, num_perm, int(general["seed"]), sig)], n_texts, []
    for lo, hi in zip(edges[:-1], edges[1:], strict=True):
        upper = f"AND th < {hi}::UBIGINT" if hi < 1 << 64 else ""
        batch = fetch(
            engine.con,
            "SELECT th, list_transform(string_split(norm, ' '), lambda x: hash(x)) AS hw "
            f"FROM cp_u WHERE th >= {lo}::UBIGINT {upper} ORDER BY th",
        )
        hw = batch.column("hw").combine_chunks()
        lengths = np.asarray(hw.value_lengths(), dtype=np.int64)
        values = np.asarray(hw.flatten(), dtype=np.uint64)
        m = lengths.size
        minhash(values, lengths, k, num_perm, int(general["seed"]), out=sig[:, pos : pos + m])
        ths.extend(batch.column("th").chunks)
        pos += m
        del batch, hw, values
    if pos != n_texts:
        raise RuntimeError(f"copypasta: read {pos} texts of {n_texts}")  # engine invariant
    labels = lsh_clusters(sig.T, int(cfg["bands"]), float(cfg["threshold"]))
    del sig
    n_clusters = int(sorted_unique(labels).size)
    largest = int(np.bincount(labels).max()) if labels.size else 0
    th = pa.chunked_array(ths, pa.uint64())
    # ``multi``: the text's cluster has others (most have not: see obj_copypasta below)
    multi = np.bincount(labels, minlength=labels.size)[labels] > 1
    clusters = pa.table({"th": th, "cid": pa.array(labels, pa.int64()), "multi": multi})
    del th, ths, labels, multi
    engine.con.register("cp_clusters", clusters)
    engine.con.execute("CREATE OR REPLACE TEMP TABLE cp_map AS SELECT * FROM cp_clusters")
    engine.con.unregister("cp_clusters")
    del clusters
    engine.con.execute(
        f"""CREATE OR REPLACE VIEW raw_{KIND} AS
        SELECT x.aid, 'text#' || m.cid::VARCHAR AS obj, x.t, x.post_id
        FROM cp_text x JOIN cp_map m USING (th)"""
    )
    sig_ = run_coaction(engine, KIND, f"raw_{KIND}", cfg, general)
    # Name each object by one of its texts (evidence readers want words, not a number):
    # the least. A text alone in its cluster names it without a grouping (half the cost).
    engine.con.execute(
        f"""CREATE OR REPLACE TABLE obj_{KIND} AS
        SELECT hash('text#' || m.cid::VARCHAR) AS oid, left(u.norm, 160) AS obj
        FROM cp_u u JOIN cp_map m USING (th) WHERE NOT m.multi
        UNION ALL
        SELECT hash('text#' || m.cid::VARCHAR) AS oid, left(min(u.norm), 160) AS obj
        FROM cp_u u JOIN cp_map m USING (th) WHERE m.multi GROUP BY m.cid"""
    )
    sig_.stats.update(counts)
    sig_.stats["unique_texts"] = n_texts
    sig_.stats["text_clusters"] = n_clusters
    sig_.stats["near_duplicate_texts"] = n_texts - n_clusters
    sig_.stats["largest_cluster_texts"] = largest
    return sig_
