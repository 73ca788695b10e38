"""Chance control: is a pair's count of co-actions more than chance would give?

Why: a viral post is reposted by thousands within minutes, so two independent accounts
often act on the same object within seconds of each other. Counting raw co-actions (what
most peer tools do) turns every viral cascade into a "network". Each candidate pair's
observed count is compared with the count expected under a null model (see
``coaction.py`` for how it is computed), and the pair is kept only when a Poisson tail
probability is small after correcting for the number of pairs examined.
"""

from __future__ import annotations

import math

import numpy as np


def poisson_sf(k: np.ndarray, lam: np.ndarray, max_terms: int = 400) -> np.ndarray:
    """P(X >= k) for X ~ Poisson(lam), vectorised, accurate in the far tail.

    Uses the series of the regularised lower incomplete gamma function P(k, lam), which is
    exactly P(X >= k) for integer k >= 1; computed in log space so tiny p-values (1e-300)
    do not underflow to zero before they are compared. Without SciPy on purpose: this is the
    only special function the engine needs.
    """
    k = np.asarray(k, dtype=np.float64)
    lam = np.maximum(np.asarray(lam, dtype=np.float64), 1e-300)
    out = np.ones(np.broadcast(k, lam).shape, dtype=np.float64)
    k, lam = np.broadcast_arrays(k, lam)
    pos = k > 0
    if not pos.any():
        return out
    kk, ll = k[pos], lam[pos]
    res = np.empty_like(kk)
    # Where lam >= k the pair did no better than chance and the tail is large: computed as
    # 1 - P(X < k) term by term. Elsewhere the incomplete-gamma series converges fast.
    big = ll >= kk
    if big.any():
        res[big] = 1.0 - _poisson_cdf_below(kk[big], ll[big])
    small = ~big
    if small.any():
        res[small] = _tail_series(kk[small], ll[small], max_terms)
    out[pos] = np.clip(res, 0.0, 1.0)
    return out


def _tail_series(kk: np.ndarray, ll: np.ndarray, max_terms: int) -> np.ndarray:
    """P(X >= k) for lam < k by the regularised lower incomplete gamma series."""
    lgam = _lgamma1(kk)
    log_lead = kk * np.log(ll) - ll - lgam  # log of lam^k e^-lam / k!
    term = np.ones_like(kk)
    total = np.ones_like(kk)
    for n in range(1, max_terms):
        term = term * ll / (kk + n)
        total += term
        if n % 16 == 0 and np.all(term < 1e-17 * total):
            break
    return np.exp(log_lead + np.log(total))


def _poisson_cdf_below(k: np.ndarray, lam: np.ndarray) -> np.ndarray:
    """P(X < k) for X ~ Poisson(lam), summed term by term (k moderate)."""
    top = int(min(k.max(), 100_000))
    acc = np.zeros_like(lam)
    log_lam = np.log(lam)
    lg = 0.0
    for j in range(top):
        if j:
            lg += math.log(j)
        acc += np.where(j < k, np.exp(j * log_lam - lam - lg), 0.0)
    return np.minimum(acc, 1.0)


def _lgamma1(x: np.ndarray) -> np.ndarray:
    """log Gamma(x + 1) for non-negative integers given as floats (table look-up)."""
    top = int(x.max()) + 1
    table = np.array([math.lgamma(i + 1.0) for i in range(top + 1)])
    return table[x.astype(np.int64)]


def significant(p: np.ndarray, alpha: float, n_tests: int, correction: str) -> np.ndarray:
    """Mask of p-values that pass a family-wise (Bonferroni) or FDR (Benjamini-Hochberg)
    correction over ``n_tests`` hypotheses (at least ``len(p)``)."""
    p = np.asarray(p, dtype=np.float64)
    m = max(int(n_tests), p.size, 1)
    if correction == "bonferroni":
        return p <= alpha / m
    order = np.argsort(p, kind="stable")
    ranked = p[order]
    thresh = alpha * np.arange(1, p.size + 1) / m
    below = np.nonzero(ranked <= thresh)[0]
    mask = np.zeros(p.size, dtype=bool)
    if below.size:
        mask[order[: below[-1] + 1]] = True
    return mask


def weak_core(u: np.ndarray, v: np.ndarray, p: np.ndarray, weak_p: float, k: int) -> np.ndarray:
    """Mask of the pairs ``(u, v)`` with ``p <= weak_p`` whose two accounts are both in the
    ``k``-core of the graph those pairs draw (each tied so to at least ``k`` others so tied).

    Why: at high stealth a campaign's accounts each join a third of its waves, so a pair of
    them co-acts three or four times, which no pairwise test corrected over thousands of
    pairs can keep (co-mention on ``overload-fr``: observed 3-4 against 0.1-0.2 expected,
    p ~ 1e-4 to 1e-6, threshold 1.6e-5). What the pairs cannot show one by one, the set
    shows: under chance at most ``weak_p`` times the tested pairs fall below ``weak_p``
    (fewer: the Poisson tail is conservative for counts this small), scattered among
    thousands of accounts, while a campaign's weak ties knit its accounts together. A
    ``k``-core needs at least ``k + 1`` accounts all tied to ``k`` of one another; with ``B``
    chance ties among ``N`` accounts the smallest (``k = 3``: four accounts, six ties) turns up
    with probability of order ``B**6 / N**8``. On null data (accounts shuffled within each day:
    the real German sample and generated collections) no pair was kept this way; at
    ``weak_p = 0.001`` the fans of a popular account knit a core (``test_signals.py``),
    hence the default 0.0003 (``docs/detection.md`` has the figures)."""
    weak = np.asarray(p, dtype=np.float64) <= weak_p
    idx = np.flatnonzero(weak)
    out = np.zeros(weak.size, dtype=bool)
    if idx.size == 0 or k < 1 or weak_p <= 0:  # weak_p 0: off
        return out
    import igraph as ig  # as the graph stage's own k-core (network.py): only when needed

    a = np.asarray(u, dtype=np.int64)[idx]
    b = np.asarray(v, dtype=np.int64)[idx]
    nodes, inv = np.unique(np.concatenate([a, b]), return_inverse=True)
    ea, eb = inv[: idx.size], inv[idx.size :]
    core = np.asarray(
        ig.Graph(n=nodes.size, edges=np.column_stack([ea, eb]).tolist()).coreness(),
        dtype=np.int64,
    )
    out[idx[(core[ea] >= k) & (core[eb] >= k)]] = True
    return out


def weak_threshold(general: dict, family: int) -> float:
    """The p-value under which a tie counts as weak for ``weak_core``, for a family of
    ``family`` co-acting pairs: ``general.weak_p``, lowered so that chance gives at most
    ``general.weak_budget`` weak ties in the family (``weak_budget / family``).

    Why a budget: the 3-core argument assumes chance ties scattered at random; in a large
    collection they are not (heavy reposters of the same popular posts meet more than the
    null expects), and ``weak_p`` x 12.9 million co-reposting pairs at 10M posts let chance
    give thousands of weak ties: 873 ordinary reposters were knit into one group (rated
    likely authentic). The budget keeps small collections (a few thousand pairs) at
    ``weak_p`` itself and lowers it where the pairs are millions (629 of them remained at
    10M, in that likely-authentic group: ``docs/detection.md``)."""
    if family <= 0:
        return 0.0
    return min(float(general["weak_p"]), float(general["weak_budget"]) / family)
