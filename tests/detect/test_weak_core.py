"""Weak ties that knit a cluster (``chance.weak_core``): known answers.

At high stealth a campaign's accounts each join part of its waves, so two of them co-act a
handful of times: no pair beats a test corrected over thousands, while the campaign's weak
ties knit its accounts together. The flood below tags newsrooms as Operation Overload did
(``test_comention``), each account joining half of 30 waves with three handles a post, among
ordinary users who tag the same newsrooms about twice as often as the flood does.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from vigie.detect.chance import weak_core
from vigie.detect.config import merge_config
from vigie.detect.pipeline import run_detection
from vigie.errors import VigieError

from .scenario import DAY, only
from .test_comention import OUTLETS, MentionBuilder, ordinary

ONLY_CO_MENTION = only("co_mention", creation_burst=False)


def test_the_core_keeps_a_knit_cluster_and_drops_scattered_ties():
    """Five accounts all weakly tied (a K5), a chain and a star of weak ties, a strong pair:
    only the K5's ten ties are in the 3-core; with k = 4 too, with k = 5 none."""
    k5 = [(a, b) for a in range(5) for b in range(a + 1, 5)]
    chain = [(10, 11), (11, 12), (12, 13), (13, 14)]
    star = [(20, 21), (20, 22), (20, 23), (20, 24)]
    pairs = k5 + chain + star + [(30, 31)]
    u = np.array([a for a, _ in pairs])
    v = np.array([b for _, b in pairs])
    p = np.full(len(pairs), 5e-4)
    p[-1] = 0.2  # not weak: no tie
    got = weak_core(u, v, p, 1e-3, 3)
    assert got.tolist() == [True] * 10 + [False] * (len(pairs) - 10)
    assert weak_core(u, v, p, 1e-3, 4).tolist() == got.tolist()
    assert not weak_core(u, v, p, 1e-3, 5).any()
    assert not weak_core(u, v, p, 1e-4, 3).any()  # none weak enough
    assert not weak_core(u[:0], v[:0], p[:0], 1e-3, 3).any()


def stealthy_flood(b: MentionBuilder, n: int = 30, waves: int = 30, join: float = 0.5):
    """``n`` accounts, each joining about half of ``waves`` waves four hours apart, every
    post tagging three of the 24 newsrooms."""
    accs = [b.account(f"ovl{i:03d}") for i in range(n)]
    for k in range(waves):
        start = 0.2 * DAY + k * 4 * 3600 + float(b.rng.uniform(0, 1800))
        for a in accs:
            if b.rng.random() > join:
                continue
            tagged = list(b.rng.choice(OUTLETS, size=3, replace=False))
            b.post(a, start + float(b.rng.uniform(0, 300)), text=b.random_text(14), mentions=tagged)
    return accs


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_stealthy_flood_is_found_by_its_weak_ties_alone(tmp_path: Path, seed: int):
    found = {}
    for weak_p in (0.0003, 0.0):
        b = MentionBuilder(seed)
        org = ordinary(b, n_posts=8000)
        bots = stealthy_flood(b)
        cfg = dict(ONLY_CO_MENTION, general={"weak_p": weak_p})
        out = tmp_path / f"w{weak_p}"
        f = run_detection(b.write(out / "ds"), out / "f", config=cfg, progress=False)
        members = set(f.members().column("account_id").to_pylist())
        found[weak_p] = (len(members & set(bots)), len(members & set(org)))
        if weak_p:
            assert f.manifest()["signals"]["co_mention"]["weak_core"] > 0
    assert found[0.0][0] < 5, found  # no pair beats the corrected test alone
    assert found[0.0003][0] >= 20, found  # the cluster does
    assert found[0.0003][1] == 0 and found[0.0][1] == 0, found


def test_weak_p_must_be_a_p_value():
    with pytest.raises(VigieError, match="weak_p"):
        merge_config({"general": {"weak_p": 2.0}})
    with pytest.raises(VigieError, match="weak_p"):
        merge_config({"general": {"weak_p": -0.1}})
