"""Article keys and the lockstep test against a group: known answers.

A Doppelganger-style network publishes each fake article on two rotating look-alike domains
of one outlet (the same slug on both) and shares it in bursts, half of the time through a
one-off short link. A core of busy amplifiers is found by the pair tests; the quiet ones
(each joining a third of the pushes) share one or two objects with any partner and only the
lockstep test against the core's article set can place them. Among them, organic readers
share one popular article from its real outlet and its syndicated copies (same slug), and
the usual long tail of rare links: none of them may be tied.
"""

from __future__ import annotations

import duckdb
import pyarrow.parquet as pq

from vigie.detect.articlekey import article_key, sql_key, sql_tokens
from vigie.detect.pipeline import run_detection

from .scenario import DAY, WORDS, Builder

KEYED = {
    "lemonde.fr/politique/article/2027/04/12/la-france-envoie-des-soldats_6123_823.html": (
        "article:la-france-envoie-des-soldats-6123-823"
    ),
    "https://lemonde.ltd/politique/article/2027/04/12/la-france-envoie-des-soldats_6123_823.html"
    "?utm_source=x": "article:la-france-envoie-des-soldats-6123-823",
    "spiegel.work/politik/ukraine-krieg-berlin-zahlt-a-1234.amp.html": (
        "article:ukraine-krieg-berlin-zahlt-a-1234"
    ),
    "news.yahoo.com/la-france-envoie-des-soldats-6123-823/": (
        "article:la-france-envoie-des-soldats-6123-823"
    ),
}
NOT_KEYED = [
    "lemonde.fr/live",
    "lemonde.fr/video/",
    "example.com/index.html",
    "site.fr/news",
    "site.fr/2027/04/12",
    "bit.ly/AbCdEf1",
    "x.com/someone/status/1234567890123456789",
    "site.fr/la-une-du-jour",  # 3 tokens but under 20 characters: a section, not a story
    "example.com",
    "example.com/breaking-news-live",  # words, but too short to name one story
]


def test_article_key_specific_slugs_only() -> None:
    for url, key in KEYED.items():
        assert article_key(url) == key, url
    for url in NOT_KEYED:
        assert article_key(url) is None, url
    # the SQL expression the pipeline runs says the same as the Python rule
    urls = list(KEYED) + NOT_KEYED
    con = duckdb.connect()
    con.execute("CREATE TABLE u AS SELECT unnest(?) AS url", [urls])
    rows = con.execute(
        f"SELECT url, {sql_key('tk')} FROM (SELECT url, {sql_tokens('url')} AS tk FROM u)"
    ).fetchall()
    assert {u: k for u, k in rows} == {u: article_key(u) for u in urls}


DOMAINS = ("lemonde.ltd", "lemonde.work", "lemonde-info.com", "lemonde.today", "lemonde.pm")


def _laundering(seed: int) -> tuple[Builder, set[str], set[str], list[str], set[str]]:
    b = Builder(seed=seed)
    organic = b.organic(n_accounts=600, n_posts=6000, days=28.0)
    for _ in range(6000):  # the long tail of links few others share
        a = organic[int(b.rng.integers(len(organic)))]
        url = f"https://blog.example/{int(b.rng.zipf(1.2)) % 20000}"
        b.post(a, b.rng.uniform(0, 28 * DAY), text=b.random_text(), urls=[url])
    # organic readers of one popular article: the real outlet and two syndicated copies
    readers = [b.account(f"reader{i}", created=-2000 * DAY) for i in range(120)]
    slug = "la-france-envoie-des-soldats-en-ukraine-6123-823.html"
    for i, a in enumerate(readers):
        host = ("lemonde.fr/international/2027/04/03", "news.yahoo.com", "msn.com/fr-fr")[i % 3]
        b.post(a, 3 * DAY + b.rng.uniform(0, 2 * DAY), text=b.random_text(), urls=[
            f"https://{host}/{slug}"])  # fmt: skip
    core = [b.account(f"core{i}", created=-5 * DAY) for i in range(10)]
    quiet = [b.account(f"quiet{i}", created=-20 * DAY) for i in range(30)]
    for k in range(36):  # one push every ~18 hours, each article on two rotating domains
        t0 = 0.5 * DAY + k * 0.75 * DAY
        words = "-".join(str(w) for w in b.rng.choice(WORDS, 4, replace=False))
        path = f"politique/2027/04/{1 + k // 2:02d}/{words}-{100000 + k}.html"
        hosts = (DOMAINS[(k // 6) % 5], DOMAINS[(k // 6 + 1) % 5])
        # the core shares every push, within minutes, mostly from the newest domain; the
        # quiet amplifiers a third of them, later, half through short links
        for a, part, lag, direct in [(x, 0.9, 4.0, 1.0) for x in core] + [
            (x, 0.35, 6.0, 0.5) for x in quiet
        ]:
            if b.rng.random() >= part:
                continue
            t = t0 + b.rng.lognormal(lag, 1.0)
            if b.rng.random() < direct:
                url = f"https://{hosts[int(b.rng.random() < 0.2)]}/{path}"
            else:  # one short link per post: its destination is not in the data
                url = f"https://bit.ly/{k}x{a}{int(b.rng.integers(1e6))}"
            b.post(a, t, text=b.random_text(), urls=[url])
    for a in core + quiet:  # and ordinary posts of their own
        for _ in range(5):
            b.post(a, b.rng.uniform(0, 28 * DAY), text=b.random_text())
    return b, set(core), set(quiet), organic, set(readers)


def _grouped(f) -> dict[str, str]:
    m = f.members().to_pylist()
    return {r["account_id"]: r["group_id"] for r in m}


def test_lockstep_places_quiet_amplifiers_and_no_organic_reader(tmp_path) -> None:
    b, core, quiet, organic, readers = _laundering(11)
    ds = b.write(tmp_path / "ds")
    # the quiet amplifiers, registered in one batch, are also a creation cohort (29 of 30
    # found so, ``test_cohort.py``'s kind): off here, so that lockstep's own part is measured
    f = run_detection(ds, tmp_path / "f", {"creation_cohort": {"enabled": False}}, False)
    grouped = _grouped(f)
    pairs = f.pairs().to_pylist()
    tied = set(grouped) | {r["account_id_a"] for r in pairs} | {r["account_id_b"] for r in pairs}
    assert len(core & set(grouped)) >= 8
    assert not tied & (set(organic) | readers)
    info = f.manifest()["graph"]["lockstep"]
    added = {r["account_id"] for r in info["members"]}
    assert added and added <= quiet  # only network accounts are placed by lockstep
    assert info["added"] == len(added)
    assert any("graph.lockstep" in line for line in f.manifest()["diagnosis"]["lines"])
    assert all(
        r["observed"] >= 3 and r["observed"] > 2 * r["expected"] and r["p_value"] < 0.01 / 64
        for r in info["members"]
    )
    # placed in the core's group, with no pairwise tie (strength 0)
    core_groups = {grouped[a] for a in core if a in grouped}
    assert {grouped[a] for a in added} <= core_groups
    m = pq.read_table(tmp_path / "f" / "members.parquet").to_pylist()
    assert all(r["strength"] == 0.0 for r in m if r["account_id"] in added)
    # without it, fewer of the quiet amplifiers are found
    no_lockstep = {"graph": {"lockstep": False}, "creation_cohort": {"enabled": False}}
    off = run_detection(ds, tmp_path / "f0", config=no_lockstep, progress=False)
    assert len(set(_grouped(off)) & quiet) < len(set(grouped) & quiet)
    assert "lockstep" not in off.manifest()["graph"]


def test_lockstep_adds_nobody_when_outsiders_are_shuffled(tmp_path) -> None:
    """The null model by time shuffles: the core keeps its posts, every other post (the
    quiet amplifiers', the readers', the organic ones) gets the account of a random post of
    the same day. The article touches are all still there, their authors are chance: the
    lockstep test must place nobody (nominal: at most alpha)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from vigie.detect.nullshuffle import shuffle_accounts
    from vigie.schema import write_table

    b, core, _, _, _ = _laundering(12)
    ds = b.write(tmp_path / "ds")
    posts = pq.read_table(ds / "posts.parquet")
    is_core = pc.is_in(posts.column("account_id"), pa.array(sorted(core)))
    kept, rest = posts.filter(is_core), posts.filter(pc.invert(is_core))
    for seed in (1, 2):
        shuffled = pa.concat_tables([kept, shuffle_accounts(rest, seed=seed).cast(kept.schema)])
        write_table(shuffled, ds / "posts.parquet")
        f = run_detection(ds, tmp_path / f"f{seed}", progress=False)
        info = f.manifest()["graph"]["lockstep"]
        assert info["tests"] > 50  # plenty of outsiders touched the core's articles
        assert info["added"] == 0
