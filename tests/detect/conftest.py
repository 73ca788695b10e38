"""A mixed hand-made scenario run once per test session (detection takes ~2 s)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from vigie.detect.pipeline import run_detection
from vigie.schema import Findings

from .scenario import (
    DAY,
    Builder,
    bot_amplification,
    copypasta_campaign,
    hashtag_flood,
    link_campaign,
    petition,
    slogan,
    viral_cascade,
)


@dataclass
class Mixed:
    dataset: Path
    findings: Findings
    truth: dict[str, set[str]]  # campaign -> accounts
    organic: list[str]
    viral: list[str]  # accounts that took part in viral cascades


@pytest.fixture(scope="session")
def mixed(tmp_path_factory: pytest.TempPathFactory) -> Mixed:
    """Organic life with hard negatives (viral cascades, a petition shared over hours, a
    slogan repeated over days) and four small campaigns with known members."""
    b = Builder(seed=7)
    org = b.organic(n_accounts=400, n_posts=4000)
    viral: set[str] = set()
    for k in range(6):
        sharers = [str(a) for a in b.rng.choice(org, 300, replace=False)]
        viral |= set(sharers)
        viral_cascade(b, sharers, (0.2 + 0.45 * k) * DAY, minutes=4)
    petition(b, [str(a) for a in b.rng.choice(org, 150, replace=False)], 0.4 * DAY, hours=6)
    slogan(
        b,
        [str(a) for a in b.rng.choice(org, 120, replace=False)],
        "Allez voter dimanche, chaque voix compte pour notre avenir commun",
    )
    truth = {
        "bots": set(bot_amplification(b)),
        "links": set(link_campaign(b)),
        "tags": set(hashtag_flood(b)),
        "paste": set(copypasta_campaign(b)),
    }
    # a long tail of everyday hashtags, as in any real collection: without it the flood
    # would be a third of all hashtag use, and chance control (which expects hyperactive
    # accounts to meet) would rightly see little beyond chance in six two-tag bursts
    for t in np.sort(b.rng.uniform(0, 3 * DAY, 3000)):
        who = str(org[int(b.rng.integers(len(org)))])
        b.post(who, t, text=b.random_text(), hashtags=[f"t{int(b.rng.zipf(1.3)) % 3000}"])
    root = tmp_path_factory.mktemp("mixed")
    ds = b.write(root / "dataset")
    findings = run_detection(ds, root / "findings", progress=False)
    return Mixed(ds, findings, truth, org, sorted(viral))
