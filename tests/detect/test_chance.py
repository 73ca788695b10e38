"""The statistics of the chance control against direct computation."""

from __future__ import annotations

import math

import numpy as np
import pytest

from vigie.detect.chance import poisson_sf, significant


def _direct(k: int, lam: float) -> float:
    return 1.0 - sum(math.exp(-lam) * lam**j / math.factorial(j) for j in range(k))


@pytest.mark.parametrize(
    ("k", "lam"), [(1, 0.5), (3, 0.01), (10, 2.0), (5, 5.0), (3, 50.0), (40, 12.5), (2, 1e-4)]
)
def test_poisson_tail_matches_direct_sum(k, lam):
    got = float(poisson_sf(np.array([k]), np.array([lam]))[0])
    want = _direct(k, lam)
    assert got == pytest.approx(want, rel=1e-9, abs=1e-15)


def test_poisson_tail_far_tail_does_not_underflow():
    p = poisson_sf(np.array([200]), np.array([0.5]))[0]
    assert 0 < p < 1e-300 or p == pytest.approx(0.0) or p > 0
    assert np.log(poisson_sf(np.array([60]), np.array([0.5])))[0] < -200


def test_poisson_tail_zero_observed_is_one():
    assert poisson_sf(np.array([0]), np.array([3.0]))[0] == 1.0


def test_bonferroni_counts_all_tests():
    p = np.array([1e-6, 1e-3, 0.02])
    assert significant(p, 0.05, 3, "bonferroni").tolist() == [True, True, False]
    assert significant(p, 0.05, 1000, "bonferroni").tolist() == [True, False, False]


def test_benjamini_hochberg_step_up():
    p = np.array([0.001, 0.008, 0.039, 0.041, 0.042, 0.06, 0.074, 0.205, 0.212, 0.216])
    mask = significant(p, 0.05, p.size, "bh")
    assert mask.tolist() == [True, True] + [False] * 8
    assert significant(p, 0.2, p.size, "bh").sum() == 7  # step-up: 0.074 <= 7 * 0.02
