"""Creation cohorts with known answers: a batch of sleepers, each reposting one or two posts
of a leak among organic reposters of the same posts, is found; an organic sign-up wave that
reposts the evening's viral post, the organic reposters of the leak and accounts without
creation dates are not."""

from __future__ import annotations

import pytest

from vigie.detect.pipeline import run_detection

from .scenario import DAY, Builder, viral_cascade


def _leak(seed: int, dated: bool = True) -> tuple[Builder, set[str], set[str], set[str]]:
    """Organic life; a leak (12 posts of 3 accounts) reposted by 60 sleepers registered
    within two days, 200 days earlier (one or two reposts each, 10 min to 3 h after the
    post: no pair shares three) and by 40 organic accounts alike (the sleepers are most of
    the leak's reposters, as bots were of #MacronLeaks' first retweets); a sign-up wave of 150
    accounts created on the evening of a debate, each reposting its viral post beside 900
    organic accounts and otherwise posting as everybody does. Returns the builder, the
    sleepers, the wave and the leak's organic reposters."""
    b = Builder(seed=seed)
    organic = b.organic(n_accounts=1500, n_posts=16000, days=6.0)
    sleepers = {
        b.account(f"sleeper{i:02d}", created=(-200 + b.rng.uniform(0, 2)) * DAY if dated else None)
        for i in range(60)
    }
    wave = [
        b.account(f"wave{i:03d}", created=(2 + b.rng.uniform(0, 0.2)) * DAY) for i in range(150)
    ]
    leak = []
    for k in range(12):
        t0 = 3 * DAY + k * 1800 + b.rng.uniform(0, 600)
        leak.append((b.post(f"core{k % 3}", t0, text=b.random_text()), t0))
    pick = b.rng.permutation(len(organic))
    leakers = {organic[i] for i in pick[:40]}
    for a in sorted(sleepers) + sorted(leakers):
        for j in b.rng.choice(len(leak), size=int(b.rng.integers(1, 3)), replace=False):
            pid, t0 = leak[j]
            b.post(a, t0 + b.rng.uniform(600, 3 * 3600), repost_of=pid)
    fans = [organic[i] for i in pick[40:940]]
    viral_cascade(b, fans + wave, start=2.2 * DAY, minutes=240.0)
    for a in wave:  # the wave's members then live as everybody does
        for _ in range(int(b.rng.integers(1, 4))):
            b.post(a, 2.3 * DAY + b.rng.uniform(0, 3 * DAY), text=b.random_text())
    return b, sleepers, set(wave), leakers


def _members(f) -> set[str]:
    return set(f.members().column("account_id").to_pylist())


@pytest.mark.parametrize("seed", [71, 72, 73])
def test_a_batch_of_sleepers_is_found_by_what_it_reposts(tmp_path, seed: int) -> None:
    b, sleepers, wave, leakers = _leak(seed)
    ds = b.write(tmp_path / "ds")
    f = run_detection(ds, tmp_path / "f", progress=False)
    found = _members(f)
    assert len(found & sleepers) >= 0.9 * len(sleepers), len(found & sleepers)
    assert not found & (wave | leakers), sorted(found & (wave | leakers))[:5]
    st = f.manifest()["signals"]["creation_cohort"]
    assert st["kept"] > 0 and st["kept_objects"] >= 10 and st["cohorts"] >= 2
    ev = {r["object"] for r in f.evidence().to_pylist() if r["kind"] == "creation_cohort"}
    assert ev and all(o.startswith("co-") for o in ev), sorted(ev)[:3]
    # the pair tests alone see no sleeper: what finds them is the cohort
    off = run_detection(ds, tmp_path / "off", {"creation_cohort": {"enabled": False}}, False)
    assert not _members(off) & sleepers


def test_no_cohort_without_creation_dates(tmp_path) -> None:
    b, sleepers, _, _ = _leak(71, dated=False)
    f = run_detection(b.write(tmp_path / "ds"), tmp_path / "f", progress=False)
    assert not _members(f) & sleepers
    assert f.manifest()["signals"]["creation_cohort"]["kept"] == 0
