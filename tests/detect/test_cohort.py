"""Creation cohorts with known answers: a batch of sleepers, each reposting one or two posts
of a leak among organic reposters of the same posts, is found; an organic sign-up wave that
reposts the evening's viral post, the organic reposters of the leak and accounts without
creation dates are not."""

from __future__ import annotations

import pytest

from vigie.detect.pipeline import run_detection

from .scenario import DAY, Builder, viral_cascade


def _leak(
    seed: int, dated: bool = True, spread: float = 2.0
) -> tuple[Builder, set[str], set[str], set[str]]:
    """Organic life; a leak (12 posts of 3 accounts) reposted by 60 sleepers registered
    within ``spread`` days, 200 days earlier (one or two reposts each, 10 min to 3 h after the
    post: no pair shares three) and by 40 organic accounts alike (the sleepers are most of
    the leak's reposters, as bots were of #MacronLeaks' first retweets); a sign-up wave of 150
    accounts created on the evening of a debate, each reposting its viral post beside 900
    organic accounts and otherwise posting as everybody does. Returns the builder, the
    sleepers, the wave and the leak's organic reposters."""
    b = Builder(seed=seed)
    organic = b.organic(n_accounts=1500, n_posts=16000, days=6.0)
    sleepers = {
        b.account(
            f"sleeper{i:02d}", created=(-200 + b.rng.uniform(0, spread)) * DAY if dated else None
        )
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


@pytest.mark.parametrize("seed", [74, 75, 76])
def test_a_batch_registered_over_days_is_one_burst_to_its_edges(tmp_path, seed: int) -> None:
    """60 sleepers registered over five days (12 a day against half an organic one): the
    windows centred on the batch's first and last hours hold half as many creations as those
    on its middle and failed the test alone (7 to 16 sleepers missed a seed, or a batch's
    first hours lost whole when a gap of half a day followed them); they lie inside a window
    that passes, so they are in the burst, and found by the cohort, as are the organic
    accounts registered there (the cohort's test on their objects leaves those out). The
    very first account may still sit alone at the edge of the threshold."""
    b, sleepers, wave, leakers = _leak(seed, spread=5.0)
    ds = b.write(tmp_path / "ds")
    f = run_detection(ds, tmp_path / "f", progress=False)
    found = _members(f)
    assert len(sleepers - found) <= 2, sorted(sleepers - found)
    assert not found & (wave | leakers), sorted(found & (wave | leakers))[:5]
    assert f.manifest()["signals"]["creation_cohort"]["burst_accounts"] >= len(sleepers) - 2


def test_no_cohort_without_creation_dates(tmp_path) -> None:
    b, sleepers, _, _ = _leak(71, dated=False)
    f = run_detection(b.write(tmp_path / "ds"), tmp_path / "f", progress=False)
    assert not _members(f) & sleepers
    assert f.manifest()["signals"]["creation_cohort"]["kept"] == 0


CLONES = ("lemonde.ltd", "lemonde.work", "lefigaro.me", "lefigaro.top", "spiegel.ltd")


def _throwaways(seed: int) -> tuple[Builder, set[str], set[str]]:
    """Organic life over six days; 40 throwaway accounts, each registered one to three days
    before its first post and spread over the six days, each posting two or three
    links to the articles of look-alike news sites (Doppelganger's way: a clone's domain
    rotates, so no two accounts share three links); and 60 genuine newcomers, each
    registered days before its first post, which greets in one voice as newcomers do
    (``#introduction``, "hello everyone, this is my first post here"), who then post, share
    news and repost as the others do. Returns the builder, the throwaways and the
    newcomers."""
    b = Builder(seed=seed)
    organic = b.organic(n_accounts=1500, n_posts=16000, days=6.0)
    articles = [
        f"https://{CLONES[k % len(CLONES)]}/politique/2027/04/article-{k}.html" for k in range(10)
    ]
    throwaways = set()
    for i in range(40):
        first = b.rng.uniform(0.1, 5.5) * DAY
        a = b.account(f"throw{i:02d}", created=first - b.rng.uniform(1, 3) * DAY)
        throwaways.add(a)
        for j, k in enumerate(b.rng.choice(len(articles), size=int(b.rng.integers(2, 4)))):
            b.post(
                a, first + j * b.rng.uniform(600, 7200), text=b.random_text(), urls=[articles[k]]
            )
    newcomers = set()
    earlier = [r["post_id"] for r in b.posts[:4000] if r["repost_of"] is None]
    for i in range(60):  # a few per cent of the accounts, as newcomers are
        first = b.rng.uniform(0.1, 5.0) * DAY
        a = b.account(f"new{i:03d}", created=first - b.rng.uniform(1, 10) * DAY)
        newcomers.add(a)
        hello = "hello everyone this is my first post here"
        b.post(a, first - 60, text=hello, hashtags=["introduction"])
        for j in range(int(b.rng.integers(2, 6))):
            t = first + j * b.rng.uniform(600, 20000)
            kind = b.rng.random()
            if kind < 0.4:
                b.post(a, t, repost_of=earlier[int(b.rng.integers(len(earlier)))])
            elif kind < 0.7:
                url = f"https://news.example/{int(b.rng.zipf(1.6)) % 5000}"
                b.post(a, t, text=b.random_text(), urls=[url])
            else:
                b.post(a, t, text=b.random_text(), hashtags=["election"])
    assert organic
    return b, throwaways, newcomers


@pytest.mark.parametrize("seed", [81, 82, 83])
def test_throwaway_accounts_are_found_by_the_sites_they_push(tmp_path, seed: int) -> None:
    """Throwaways young at their first post: the cohort of accounts young at their first
    post finds them through the look-alike sites they push, bursts or not (here bursts are
    ruled out: ``min_accounts`` 1000); the genuine newcomers, young as well and greeting in
    one voice, are not grouped; without that cohort the throwaways are not found."""
    b, throwaways, newcomers = _throwaways(seed)
    ds = b.write(tmp_path / "ds")
    no_bursts = {"creation_burst": {"min_accounts": 1000}}
    f = run_detection(ds, tmp_path / "f", no_bursts, progress=False)
    found = _members(f)
    assert len(found & throwaways) >= 0.9 * len(throwaways), len(found & throwaways)
    assert not found & newcomers, sorted(found & newcomers)[:5]
    st = f.manifest()["signals"]["creation_cohort"]
    assert st["burst_accounts"] == 0 and st["young_accounts"] >= len(throwaways | newcomers)
    off = dict(no_bursts, creation_cohort={"young_s": 0})
    assert not _members(run_detection(ds, tmp_path / "off", off, progress=False)) & throwaways
    # with the defaults (some throwaways and newcomers also make bursts here) the same
    found = _members(run_detection(ds, tmp_path / "d", progress=False))
    assert len(found & throwaways) >= 0.9 * len(throwaways) and not found & newcomers


def test_a_pair_in_two_cohorts_counts_each_object_once() -> None:
    """The pairs' figures from the members' first acts, with known answers: accounts 2 and
    3 are in both cohorts (a burst's and the young accounts') and both touched object 10,
    which both cohorts kept: one co-action, at the smaller p; the other pairs sum their
    objects' fixed-point weights and take their earliest and latest acts."""
    import pyarrow as pa

    from vigie.detect.cohort import _co_rows, _co_table

    rows = [  # c, aid, oid, t, post_id, p, chance, rarity (ordered by c, oid, aid)
        (0, 1, 10, 5.0, "a1", 0.01, 4, 100),
        (0, 2, 10, 7.0, "a2", 0.01, 4, 100),
        (0, 3, 10, 9.0, "a3", 0.01, 4, 100),
        (0, 1, 20, 50.0, "b1", 0.02, 6, 300),
        (0, 2, 20, 40.0, "b2", 0.02, 6, 300),
        (1, 2, 10, 7.0, "a2", 0.001, 4, 100),
        (1, 3, 10, 9.0, "a3", 0.001, 4, 100),
    ]
    names = ["c", "aid", "oid", "t", "post_id", "p", "chance", "rarity"]
    types = [pa.int32(), pa.int32(), pa.uint64(), pa.float64(), pa.string()]
    types += [pa.float64(), pa.int64(), pa.int64()]
    first = pa.table(
        {
            n: pa.array([r[k] for r in rows], ty)
            for k, (n, ty) in enumerate(zip(names, types, strict=True))
        }
    )
    i, j, p, pairs = _co_rows(first)
    assert pairs.to_pylist() == [
        {"u": 1, "v": 2, "weight": 400 / 1e9, "observed": 2, "expected": 10 / 1e15,
         "p_value": 0.01, "n_objects": 2, "first_t": 5.0, "last_t": 50.0},
        {"u": 1, "v": 3, "weight": 100 / 1e9, "observed": 1, "expected": 4 / 1e15,
         "p_value": 0.01, "n_objects": 1, "first_t": 5.0, "last_t": 9.0},
        {"u": 2, "v": 3, "weight": 100 / 1e9, "observed": 1, "expected": 4 / 1e15,
         "p_value": 0.001, "n_objects": 1, "first_t": 7.0, "last_t": 9.0},
    ]  # fmt: skip
    co = _co_table(first, i, j, p).sort_by(
        [("u", "ascending"), ("v", "ascending"), ("oid", "ascending")]
    )
    assert [
        (r["u"], r["v"], r["oid"], r["post_u"], r["post_v"], r["p"]) for r in co.to_pylist()
    ] == [
        (1, 2, 10, "a1", "a2", 0.01),
        (1, 2, 20, "b1", "b2", 0.02),
        (1, 3, 10, "a1", "a3", 0.01),
        (2, 3, 10, "a2", "a3", 0.001),
    ]
