"""MinHash-LSH on known texts: near-duplicates cluster, different texts do not; slogans
repeated over days and retweets are not copypasta."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from vigie.detect.copypasta import lsh_clusters, minhash
from vigie.detect.pipeline import run_detection

from .scenario import DAY, WORDS, Builder, copypasta_campaign, slogan


def _encode(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    vocab = {w: i for i, w in enumerate(sorted({w for t in texts for w in t.split()}))}
    vals = [vocab[w] * 0x9E3779B97F4A7C15 % 2**64 for t in texts for w in t.split()]
    return np.array(vals, dtype=np.uint64), np.array([len(t.split()) for t in texts])


def _jaccard(a: str, b: str, k: int = 3) -> float:
    sa = {tuple(a.split()[i : i + k]) for i in range(len(a.split()) - k + 1)}
    sb = {tuple(b.split()[i : i + k]) for i in range(len(b.split()) - k + 1)}
    return len(sa & sb) / len(sa | sb)


def test_minhash_estimates_jaccard():
    rng = np.random.default_rng(3)
    base = list(rng.choice(WORDS, 40))
    texts = [" ".join(base)]
    for n_edits in (1, 3, 6, 12, 40):
        w = list(base)
        for i in rng.choice(40, n_edits, replace=False):
            w[i] = "zz" + str(i)
        texts.append(" ".join(w))
    vals, lens = _encode(texts)
    sig = minhash(vals, lens, 3, 256, seed=1)
    for t, s in zip(texts[1:], sig[1:], strict=True):
        est = float((s == sig[0]).mean())
        assert abs(est - _jaccard(texts[0], t)) < 0.1


def test_lsh_groups_near_duplicates_only():
    rng = np.random.default_rng(4)
    a = list(rng.choice(WORDS, 30))
    b = list(rng.choice(WORDS, 30))
    a2 = a[:]
    a2[5] = "edited"
    texts = [" ".join(a), " ".join(b), " ".join(a2), " ".join(rng.choice(WORDS, 30))]
    vals, lens = _encode(texts)
    labels = lsh_clusters(minhash(vals, lens, 3, 64, seed=0), bands=16, threshold=0.6)
    assert labels[0] == labels[2]
    assert len({labels[0], labels[1], labels[3]}) == 3


def test_minhash_chunks_agree_with_one_pass(monkeypatch):
    import vigie.detect.copypasta as cp

    rng = np.random.default_rng(5)
    texts = [" ".join(rng.choice(WORDS, int(rng.integers(6, 30)))) for _ in range(300)]
    vals, lens = _encode(texts)
    whole = minhash(vals, lens, 3, 32, seed=2)
    monkeypatch.setattr(cp, "_CHUNK_SHINGLES", 97)
    assert np.array_equal(whole, cp.minhash(vals, lens, 3, 32, seed=2))
    monkeypatch.setattr(cp, "_TEXTS_PER_BLOCK", 13)
    monkeypatch.setattr(cp, "_TRANSPOSE", 5)
    assert np.array_equal(whole, cp.minhash(vals, lens, 3, 32, seed=2))


def test_minhash_matches_the_plain_definition():
    """Each value is, per hash function j, the least over the text's k-word shingles,
    each folded to 32 bits (high half XOR low half), of a_j * shingle + b_j (mod 2**32),
    a_j odd; a text under k words keeps the empty value. Computed here one shingle at a
    time in plain Python integers."""
    from vigie.detect.copypasta import _PRIMES

    rng = np.random.default_rng(9)
    lens = rng.integers(0, 9, 60)
    vals = rng.integers(0, 2**64, int(lens.sum()), dtype=np.uint64)
    k, num_perm, seed = 3, 8, 4
    sig = minhash(vals, lens, k, num_perm, seed)
    gen = np.random.default_rng(seed)
    a = [(x >> 32) | 1 for x in gen.integers(1, 2**63, size=num_perm, dtype=np.uint64).tolist()]
    b = [x & 0xFFFFFFFF for x in gen.integers(0, 2**63, size=num_perm, dtype=np.uint64).tolist()]
    mask = 2**64 - 1
    start = 0
    for i, n in enumerate(lens.tolist()):
        words = vals[start : start + n].tolist()
        start += n
        shingles = []
        for p in range(n - k + 1):
            h = 0
            for m in range(k):
                h = (h * int(_PRIMES[m % 4]) + words[p + m]) & mask
                h ^= h >> 29
            shingles.append((h ^ (h >> 32)) & 0xFFFFFFFF)
        want = [
            min((((aj * s + bj) & 0xFFFFFFFF) for s in shingles), default=2**32 - 1)
            for aj, bj in zip(a, b, strict=True)
        ]
        assert sig[i].tolist() == want, i


def _plain_lsh(sig: np.ndarray, bands: int, threshold: float) -> np.ndarray:
    """lsh_clusters by its definition, text by text."""
    n, num_perm = sig.shape
    rows = num_perm // bands
    expected = np.arange(n)
    for band in range(bands):
        heads: dict[tuple[int, ...], int] = {}
        for i in range(n):
            heads.setdefault(tuple(sig[i, band * rows : (band + 1) * rows]), i)
        for i in range(n):
            h = heads[tuple(sig[i, band * rows : (band + 1) * rows])]
            if h != i and np.mean(sig[i] == sig[h]) >= threshold:
                expected[i] = min(expected[i], h)
    return expected


def test_lsh_clusters_match_a_plain_reference():
    """The vectorised banding (unstable sort, minimum index per bucket) gives the labels of
    the plain definition: per band, texts with equal band values link to the lowest index
    among them; a link holds when signatures agree on >= threshold; lowest head wins."""
    rng = np.random.default_rng(8)
    base = [" ".join(rng.choice(WORDS, int(rng.integers(8, 25)))) for _ in range(40)]
    texts = []
    for _ in range(400):  # near-duplicates of a few bases: one word changed, or unrelated
        words = base[int(rng.integers(0, 40))].split()
        if rng.random() < 0.7:
            words[int(rng.integers(0, len(words)))] = str(rng.choice(WORDS))
        else:
            words = list(rng.choice(WORDS, len(words)))
        texts.append(" ".join(words))
    vals, lens = _encode(texts)
    sig = minhash(vals, lens, 3, 32, seed=4)
    bands, threshold = 8, 0.5
    expected = _plain_lsh(sig, bands, threshold)
    got = lsh_clusters(sig, bands, threshold)
    assert np.array_equal(got, expected)
    assert np.array_equal(lsh_clusters(np.ascontiguousarray(sig), bands, threshold), expected)
    assert (got != np.arange(len(texts))).sum() > 100  # the near-duplicates were linked


def test_copypasta_found_slogan_and_retweets_ignored(tmp_path):
    b = Builder(seed=11)
    org = b.organic(n_accounts=200, n_posts=1500)
    slogan(b, [str(a) for a in org[:150]], "Allez voter dimanche chaque voix compte pour l avenir")
    # 40 accounts retweet the same long text within minutes, three times
    for k in range(3):
        text = "RT @celebrity: " + b.random_text(20)
        for a in org[150:190]:
            b.post(a, 50_000 + k * 7200 + b.rng.uniform(0, 120), text=text)
    campaign = set(copypasta_campaign(b, n=12, n_texts=4))
    ds = b.write(tmp_path / "ds")
    f = run_detection(ds, tmp_path / "f", config={"co_link": {"enabled": False}}, progress=False)
    members = set(f.members().column("account_id").to_pylist())
    assert members == campaign
    sig = f.manifest()["signals"]["copypasta"]
    assert sig["near_duplicate_texts"] >= 12 * 4 - 4 - 5  # edited copies fold together
    assert sig["kept"] == 12 * 11 // 2


def test_streamed_batches_give_the_same_findings(tmp_path, monkeypatch):
    """Word hashes are fetched from DuckDB in slices into one signature matrix; the
    batch size is a memory knob only and never changes what is found."""
    import vigie.detect.copypasta as cp

    b = Builder(seed=13)
    b.organic(n_accounts=150, n_posts=1200)
    copypasta_campaign(b, n=10, n_texts=4)
    ds = b.write(tmp_path / "ds")
    only = {k: {"enabled": False} for k in ("co_link", "co_repost", "co_reply", "co_hashtag")}
    whole = run_detection(ds, tmp_path / "a", config=only, progress=False)
    monkeypatch.setattr(cp, "_TEXTS_PER_BATCH", 7)
    small = run_detection(ds, tmp_path / "b", config=only, progress=False)
    assert whole.edges().num_rows > 0
    assert whole.edges().equals(small.edges())
    assert whole.manifest()["signals"] == small.manifest()["signals"]


def test_normalising_pattern_matches_the_plain_rule():
    """NORMALISE skips lone spaces (fewer regex replacements); on texts full of links,
    mentions, punctuation, non-Latin letters and odd spaces it gives the plain rule's
    output to the byte, in the same SQL the detector runs."""
    import duckdb

    from vigie.detect.copypasta import NORMALISE, PLAIN_NORMALISE

    rng = np.random.default_rng(11)
    pieces = list(" aZéß1٣日_@,!.'\n\t\u00a0\u2003\x0b:/shtpw😀-#")
    pieces += ["  ", "@x", "@é", "http://", "https://", "HTTP://", "www.", "ww"]
    texts = ["".join(rng.choice(pieces, int(rng.integers(0, 14)))) for _ in range(20_000)]
    texts += ["Le candidat X ment !!", " @bob dit: https://t.co/x  voilà", "a @b@c_@ d"]
    con = duckdb.connect()
    con.register("t", pa.table({"text": texts}))
    rows = con.execute(
        f"""SELECT text,
               trim(regexp_replace(lower(text), '{PLAIN_NORMALISE}', ' ', 'g')) AS plain,
               trim(regexp_replace(lower(text), '{NORMALISE}', ' ', 'g')) AS fast FROM t"""
    ).fetchall()
    assert [r[0] for r in rows if r[1] != r[2]] == []
    assert len({r[1] for r in rows}) > 5_000  # the texts were varied enough to mean something


def test_minhash_beside_or_after_the_others_gives_the_same_findings(tmp_path):
    """Whether copypasta's MinHash runs beside the other detectors (small collections) or
    after them (``general.minhash_beside_max_posts``: peak memory at 10M posts) is a
    schedule only: the same groups, edges and signals either way."""
    b = Builder(seed=17)
    org = b.organic(n_accounts=150, n_posts=1200)
    slogan(b, [str(a) for a in org[:60]], "Allez voter dimanche chaque voix compte pour l avenir")
    campaign = set(copypasta_campaign(b, n=10, n_texts=4))
    ds = b.write(tmp_path / "ds")
    beside = run_detection(ds, tmp_path / "a", progress=False)
    after = run_detection(
        ds, tmp_path / "b", config={"general": {"minhash_beside_max_posts": 0}}, progress=False
    )
    assert campaign <= set(beside.members().column("account_id").to_pylist())
    assert after.edges().equals(beside.edges())
    assert after.members().equals(beside.members())
    assert after.manifest()["signals"] == beside.manifest()["signals"]
    # every file the same bytes (the evidence and its CSVs too); the manifest but its config
    names = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert names == sorted(p.name for p in (tmp_path / "b").iterdir())
    assert "group_objects.parquet" in names and "evidence.parquet" in names
    for name in names:
        if name != "manifest.json":
            assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), (
                name
            )
    m_beside, m_after = beside.manifest(), after.manifest()
    assert m_beside.pop("config")["general"]["minhash_beside_max_posts"] > 0
    assert m_after.pop("config")["general"]["minhash_beside_max_posts"] == 0
    assert m_beside == m_after


def test_a_copy_posted_twice_counts_twice_in_its_reach_beside_the_others_or_after(tmp_path):
    """The evidence's reach of a text, and the group's own posts of it, count every post
    (``group_objects``), whether copypasta ran on its own thread beside the other detectors
    or after them: its tables behind ``raw_copypasta`` are read from the main connection.
    (They were TEMP tables of copypasta's cursor: beside the others, the reach fell back to
    the episodes, where an account's copies within the window count once; the group's posts
    were always counted as episodes, so its share of an object's posts looked halved.) The
    group's and its members' ``n_posts`` count every post the same way."""
    import pyarrow.parquet as pq

    b = Builder(seed=29)
    b.organic(n_accounts=150, n_posts=1200)
    accs = [b.account(f"tw{i:03d}") for i in range(10)]
    texts = [b.random_text(40) for _ in range(3)]
    for k, text in enumerate(texts):
        t0 = 1.5 * DAY + k * 5 * 3600
        for a in accs:
            t = t0 + b.rng.uniform(0, 600)
            b.post(a, t, text=text)
            b.post(a, t + 60, text=text)  # the same copy again a minute later
    ds = b.write(tmp_path / "ds")
    runs = {}
    for name, general in (("beside", {}), ("after", {"minhash_beside_max_posts": 0})):
        out = tmp_path / name
        f = run_detection(ds, out, {"general": general}, progress=False)
        members = f.members().to_pylist()
        assert set(accs) <= {m["account_id"] for m in members}
        # the members' and the group's posts on what they shared: 3 texts, twice each
        assert {m["n_posts"] for m in members if m["account_id"] in accs} == {6}
        (gid,) = {m["group_id"] for m in members if m["account_id"] in accs}
        groups = {g["group_id"]: g for g in f.groups().to_pylist()}
        assert groups[gid]["n_posts"] == 60 and "(60 posts)" in groups[gid]["summary"]
        runs[name] = pq.read_table(out / "group_objects.parquet")
    assert runs["beside"].equals(runs["after"])
    copies = runs["beside"].filter(pa.compute.equal(runs["beside"]["kind"], "copypasta"))
    assert copies.num_rows == 3
    assert copies["reach_posts"].to_pylist() == [20, 20, 20]  # 10 accounts, 2 copies each
    assert copies["reach_accounts"].to_pylist() == [10, 10, 10]
    # the group's own figures count posts too, not episodes (one per account and window)
    assert copies["group_posts"].to_pylist() == [20, 20, 20]
    assert copies["n_members"].to_pylist() == [10, 10, 10]


@pytest.mark.parametrize("general", [{}, {"minhash_beside_max_posts": 0}])
def test_copypasta_failing_beside_the_others_stops_the_run_at_the_next_detector(
    tmp_path, monkeypatch, general
):
    """Copypasta runs on its own thread from the start, beside the other detectors (the
    whole of it, or its texts' normalisation above ``minhash_beside_max_posts``): when it
    fails, the run raises its error before starting another detector (not minutes later,
    after all of them)."""
    import threading
    import time

    import vigie.detect.copypasta as cp
    import vigie.detect.pipeline as pl
    from vigie.errors import VigieError

    b = Builder(seed=23)
    b.organic(n_accounts=60, n_posts=400)
    ds = b.write(tmp_path / "ds")
    started, failed = threading.Event(), threading.Event()

    def broken(engine, min_words):
        assert started.wait(10)  # fails once the first detector has started
        failed.set()
        raise VigieError("copypasta broke")

    ran: list[str] = []

    def waiting(kind):
        def run(engine, cfg, general):
            ran.append(kind)
            started.set()
            assert failed.wait(10)  # the first detector outlives copypasta's failure
            time.sleep(0.3)  # and the thread's end (the future is done microseconds after)
            return pl_runners[kind](engine, cfg, general)

        return run

    pl_runners = dict(pl.RUNNERS)
    monkeypatch.setattr(cp, "_normalised_texts", broken)
    monkeypatch.setattr(pl, "RUNNERS", {k: waiting(k) for k in pl_runners})
    with pytest.raises(VigieError, match="copypasta broke"):
        run_detection(ds, tmp_path / "f", {"general": general}, progress=False)
    assert ran == ["co_link"]
    assert not (tmp_path / "f").exists()


def _slogan_and_campaign(tmp_path):
    b = Builder(seed=31)
    org = b.organic(n_accounts=150, n_posts=1200)
    slogan(b, [str(a) for a in org[:60]], "Allez voter dimanche chaque voix compte pour l avenir")
    campaign = set(copypasta_campaign(b, n=10, n_texts=4))
    return b.write(tmp_path / "ds"), campaign


def test_above_the_threshold_the_texts_are_normalised_beside_the_others_and_signed_after(
    tmp_path, monkeypatch
):
    """Above ``general.minhash_beside_max_posts`` copypasta's normalisation (DuckDB) runs on
    its own thread while the other detectors run, and its MinHash and LSH (the signature
    matrix, NumPy's memory) only once every other detector has ended; the campaign is
    found as when everything runs beside."""
    import threading

    import vigie.detect.copypasta as cp
    import vigie.detect.pipeline as pl

    ds, campaign = _slogan_and_campaign(tmp_path)
    normalised = threading.Event()
    events: list[str] = []
    normalise, cluster = cp.normalise, cp._cluster_here

    def normalise_then_tell(engine, cfg):
        out = normalise(engine, cfg)
        events.append(f"normalised on {threading.current_thread().name}")
        normalised.set()
        return out

    def cluster_logged(*args, **kwargs):
        events.append("signing")
        return cluster(*args, **kwargs)

    runners = dict(pl.RUNNERS)

    def logged(kind):
        def run(engine, cfg, general):
            if kind == "co_link":  # the first detector outlives the normalisation
                assert normalised.wait(30)
            out = runners[kind](engine, cfg, general)
            events.append(kind)
            return out

        return run

    monkeypatch.setattr(cp, "normalise", normalise_then_tell)
    monkeypatch.setattr(cp, "_cluster_here", cluster_logged)
    monkeypatch.setattr(pl, "RUNNERS", {k: logged(k) for k in runners})
    after = run_detection(ds, tmp_path / "a", {"general": {"minhash_beside_max_posts": 0}}, False)
    first, *rest = events
    assert first.startswith("normalised on ") and "MainThread" not in first
    assert rest.count("signing") == 1 and rest[-1] == "signing"  # after every other one
    assert "co_link" in rest and "co_repost" in rest and "copypasta" not in rest
    assert campaign <= set(after.members().column("account_id").to_pylist())


def test_another_detector_failing_stops_copypasta_before_its_minhash(tmp_path, monkeypatch):
    """Above the threshold, when another detector fails, the run raises that failure at
    once and copypasta's thread stops after its normalisation: no signature matrix is
    built for a run that is already over, and no thread is left waiting."""
    import threading

    import vigie.detect.copypasta as cp
    import vigie.detect.pipeline as pl
    from vigie.errors import VigieError

    ds, _ = _slogan_and_campaign(tmp_path)
    signed: list[bool] = []
    monkeypatch.setattr(cp, "_cluster_here", lambda *a, **k: signed.append(True) or (0, 0))
    runners = dict(pl.RUNNERS)

    def broken(engine, cfg, general):
        raise VigieError("co-repost broke")

    monkeypatch.setattr(pl, "RUNNERS", {**runners, "co_repost": broken})
    before = threading.active_count()
    with pytest.raises(VigieError, match="co-repost broke"):
        run_detection(ds, tmp_path / "f", {"general": {"minhash_beside_max_posts": 0}}, False)
    assert signed == []
    assert threading.active_count() == before  # copypasta's thread ended with the run
    assert not (tmp_path / "f").exists()


@pytest.mark.parametrize(
    ("general", "gives_way"), [({}, False), ({"minhash_beside_max_posts": 0}, True)]
)
def test_duckdb_gives_way_to_the_signature_matrix_only_when_minhash_runs_alone(
    tmp_path, monkeypatch, general, gives_way
):
    """When MinHash runs after the others, DuckDB's limit is lowered by the signature matrix
    (64 hash functions: 4 bytes a value, per distinct text) while the texts are signed,
    and by the matrix and its check's low bytes (1 byte a value) while LSH runs (it reads
    nothing from DuckDB); beside the others (small collections) it is left alone."""
    import contextlib

    import vigie.detect.copypasta as cp

    ds, _ = _slogan_and_campaign(tmp_path)
    held: list[tuple[int, str]] = []

    @contextlib.contextmanager
    def recorded(con, nbytes, limit):
        held.append((nbytes, limit))
        yield

    monkeypatch.setattr(cp, "duckdb_gives_way", recorded)
    f = run_detection(ds, tmp_path / "a", {"general": general}, False)
    texts = f.manifest()["signals"]["copypasta"]["unique_texts"]
    assert texts > 500
    if gives_way:
        assert held == [(texts * 64 * 4, "3GB"), (texts * 64 * 5, "3GB")]
    else:
        assert held == []


def test_threaded_minhash_and_lsh_give_the_sequential_signatures_and_labels(monkeypatch):
    """MinHash blocks, LSH bands and link checks on a thread pool (the NumPy part when it
    runs alone, above ``general.minhash_beside_max_posts``) give the sequential bytes."""
    from concurrent.futures import ThreadPoolExecutor

    import vigie.detect.copypasta as cp

    rng = np.random.default_rng(19)
    base = [" ".join(rng.choice(WORDS, int(rng.integers(2, 30)))) for _ in range(300)]
    texts = []
    for _ in range(3_000):  # near-duplicates, unrelated texts, texts under k words
        words = base[int(rng.integers(0, len(base)))].split()
        if rng.random() < 0.6:
            words[int(rng.integers(0, len(words)))] = str(rng.choice(WORDS))
        else:
            words = list(rng.choice(WORDS, int(rng.integers(1, 40))))
        texts.append(" ".join(words))
    vals, lens = _encode(texts)
    monkeypatch.setattr(cp, "_TEXTS_PER_BLOCK", 97)  # many blocks, one short at the end
    monkeypatch.setattr(cp, "_CHECK_LINKS", 101)  # many slices of links to check
    sig = cp.minhash(vals, lens, 3, 64, seed=6)
    labels = cp.lsh_clusters(sig, 16, 0.5)
    for threads in (2, 3):
        with ThreadPoolExecutor(threads) as pool:
            par = cp.minhash(vals, lens, 3, 64, seed=6, pool=pool)
            assert np.array_equal(par, sig)
            assert np.array_equal(cp.lsh_clusters(par, 16, 0.5, pool), labels)
    assert (labels != np.arange(len(texts))).sum() > 500  # the near-duplicates were linked


def test_threaded_slices_give_the_same_findings(tmp_path, monkeypatch):
    """Slices fetched from DuckDB while the previous one is signed on threads: the same
    findings as one thread (``general.threads``), whatever the slice and block sizes."""
    import vigie.detect.copypasta as cp

    b = Builder(seed=23)
    org = b.organic(n_accounts=150, n_posts=1500)
    slogan(b, [str(a) for a in org[:60]], "Allez voter dimanche chaque voix compte pour l avenir")
    copypasta_campaign(b, n=10, n_texts=4)
    ds = b.write(tmp_path / "ds")
    after = {"minhash_beside_max_posts": 0}
    one = run_detection(ds, tmp_path / "a", {"general": {**after, "threads": 1}}, False)
    monkeypatch.setattr(cp, "_TEXTS_PER_BATCH", 50)
    monkeypatch.setattr(cp, "_TEXTS_PER_BLOCK", 7)
    monkeypatch.setattr(cp, "_CHECK_LINKS", 5)
    assert cp.numpy_threads({**after, "threads": 3}, beside=False) == 3
    three = run_detection(ds, tmp_path / "b", {"general": {**after, "threads": 3}}, False)
    assert one.edges().num_rows > 0
    assert three.edges().equals(one.edges())
    assert three.members().equals(one.members())
    assert three.manifest()["signals"] == one.manifest()["signals"]


def test_lsh_link_checks_compare_whole_values_not_low_bytes():
    """Links are first screened on the values' low bytes, then compared value by value:
    signatures whose values share low bytes but differ above them are not linked, with
    hash counts that take the 8-byte count (64) and the plain one (20)."""
    rng = np.random.default_rng(29)
    for num_perm, bands in ((64, 16), (20, 5)):
        base = rng.integers(0, 2**32, (60, num_perm), dtype=np.uint32)
        sig = base[rng.integers(0, 60, 1_500)]
        edit = rng.random(sig.shape) < rng.uniform(0, 0.9, (sig.shape[0], 1))
        high = rng.integers(1, 2**24, sig.shape, dtype=np.uint32) << np.uint32(8)
        other = rng.integers(0, 2**32, sig.shape, dtype=np.uint32)
        sig = np.where(edit, np.where(rng.random(sig.shape) < 0.7, sig ^ high, other), sig)
        expected = _plain_lsh(sig, bands, 0.5)
        assert np.array_equal(lsh_clusters(sig, bands, 0.5), expected)
        assert (expected != np.arange(sig.shape[0])).sum() > 300
        by_low_bytes = _plain_lsh(sig & np.uint32(0xFF), bands, 0.5)
        assert not np.array_equal(by_low_bytes, expected)  # the screen alone would differ


def _plain_link_labels(n: int, src: list[int], dst: list[int], max_texts: int) -> list[int]:
    """link_labels by its definition: union-find components; a component of at most
    ``max_texts`` texts is named by its lowest text, a larger one leaves each text at the
    lowest head it links to (or itself)."""
    parent = list(range(n))

    def root(x: int) -> int:
        while parent[x] != x:
            x = parent[x]
        return x

    for a, b in zip(src, dst, strict=True):
        ra, rb = root(a), root(b)
        parent[max(ra, rb)] = min(ra, rb)
    comps: dict[int, list[int]] = {}
    for i in range(n):
        comps.setdefault(root(i), []).append(i)
    star = list(range(n))
    for a, b in zip(src, dst, strict=True):
        star[a] = min(star[a], b)
    out = star[:]
    for members in comps.values():
        if max_texts > 0 and len(members) <= max_texts:
            for i in members:
                out[i] = min(members)
    return out


def test_link_labels_match_a_plain_reference():
    """Chains of links (a-b, b-c) join into one cluster up to the cap, named by its lowest
    text; over the cap, and with the cap at 0, each text keeps its one-hop head."""
    from vigie.detect.copypasta import link_labels

    rng = np.random.default_rng(21)
    n = 400
    src, dst = [], []
    for _ in range(260):  # chains and stars of every size, many texts in none
        a, b = sorted(rng.choice(n, 2, replace=False).tolist())
        if rng.random() < 0.5:
            a = int(rng.integers(0, 60))  # a few hubs: large components
        if a != b:
            src.append(max(a, b))
            dst.append(min(a, b))
    s, d = np.array(src, dtype=np.int64), np.array(dst, dtype=np.int64)
    for cap in (0, 1, 3, 8, 50, 10_000):
        want = _plain_link_labels(n, src, dst, cap)
        assert link_labels(n, s, d, cap).tolist() == want, cap
    sizes = np.bincount(link_labels(n, s, d, 10_000))
    assert sizes.max() > 50 and (sizes == 2).any()  # the cases above were all met


def _template_push(b: Builder, accounts: list[str], start: float, hours: float) -> None:
    """Each volunteer posts an own copy of the day's template within ``hours``: other
    words in its slots, an opener, two neighbouring words swapped (two copies of one push
    share about a third of their word 3-shingles, as the copies of ``literature.py``'s
    templates do at high stealth, after the NIS and Spamouflage reports)."""
    base = b.random_text(36).split()
    for a in accounts:
        if b.rng.random() < 0.4:
            continue  # not every volunteer joins every push
        words = list(base)
        for lo in (3, 12, 22):
            if b.rng.random() < 0.35:
                words[lo : lo + 2] = b.random_text(2).split()
        i = int(b.rng.integers(0, len(words) - 1))
        words[i], words[i + 1] = words[i + 1], words[i]
        if b.rng.random() < 0.5:
            words = b.random_text(2).split() + words
        b.post(a, start + b.rng.uniform(0, hours * 3600), text=" ".join(words))


def test_template_copies_join_through_each_other(tmp_path):
    """Volunteers posting their own edits of a template over hours are one group; with one
    hop only (``chain_max_texts = 0``) their copies split into clusters too small to meet
    in, and fewer of them are found. No ordinary account either way."""
    from .scenario import only

    found, one_hop = [], []
    for seed in (31, 32, 33):
        b = Builder(seed=seed)
        b.organic(n_accounts=300, n_posts=3000)
        team = [b.account(f"vol{i:02d}") for i in range(20)]
        for k in range(20):  # a push every five hours for four days
            _template_push(b, team, 0.2 * DAY + k * 5 * 3600, hours=4)
        ds = b.write(tmp_path / f"ds{seed}")
        cfg = only("copypasta")
        runs = {}
        for name, chain in (("chains", 2000), ("one hop", 0)):
            cfg["copypasta"] = {"chain_max_texts": chain}
            f = run_detection(ds, tmp_path / f"f{seed}{chain}", config=cfg, progress=False)
            runs[name] = set(f.members().column("account_id").to_pylist())
        assert runs["chains"] <= set(team) and runs["one hop"] <= set(team)
        found.append(len(runs["chains"]))
        one_hop.append(len(runs["one hop"]))
    assert min(found) >= 15, found  # 17-19 of 20 when written
    assert sum(one_hop) < sum(found), (one_hop, found)
