"""Synchronised activity, creation bursts, co-reply, window estimation, de-duplication."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from vigie.detect.pipeline import run_detection

from .scenario import DAY, Builder, bot_amplification, link_campaign, viral_cascade

ONLY = {
    k: {"enabled": False} for k in ("co_link", "co_repost", "co_reply", "co_hashtag", "copypasta")
}


def test_sync_activity_finds_scheduled_accounts(tmp_path):
    b = Builder(seed=21)
    b.organic(n_accounts=200, n_posts=3000)
    sched = [b.account(f"sched{i:02d}") for i in range(8)]
    for k in range(25):  # every account posts a different text within the same second
        t = 3600 + k * 9000 + b.rng.uniform(0, 600)
        for a in sched:
            b.post(a, t + b.rng.uniform(0, 0.9), text=b.random_text())
    ds = b.write(tmp_path / "ds")
    cfg = dict(ONLY, sync_activity={"enabled": True, "window_s": 2})
    f = run_detection(ds, tmp_path / "f", config=cfg, progress=False)
    assert set(f.members().column("account_id").to_pylist()) == set(sched)
    assert f.groups().column("techniques").to_pylist()[0] == ["T0049"]


def _sleepers(b: Builder) -> list[str]:
    """15 sleepers created a minute apart 40 days ago, each reposting a leader's 8 posts
    within 20 s."""
    sleepers = [b.account(f"sleep{i:02d}", created=-40 * DAY + i * 60) for i in range(15)]
    for k in range(8):
        t = 2 * DAY + k * 3600
        seed = b.post("leader", t, text=b.random_text())
        for a in sleepers:
            b.post(a, t + b.rng.uniform(1, 20), repost_of=seed)
    return sleepers


def test_creation_burst_supports_and_names_technique(tmp_path):
    b = Builder(seed=22)
    b.organic(n_accounts=300, n_posts=3000)
    _sleepers(b)
    ds = b.write(tmp_path / "ds")
    f = run_detection(ds, tmp_path / "f", progress=False)
    g = f.groups().to_pylist()
    assert len(g) == 1 and g[0]["n_members"] == 16  # the sleepers and the leader
    assert "creation_burst" in g[0]["signals"]
    assert "T0150.001" in g[0]["techniques"] and "T0049.003" in g[0]["techniques"]
    burst = f.manifest()["signals"]["creation_burst"]
    assert burst["burst_accounts"] >= 15 and burst["kept"] == 15 * 14 // 2  # leader is older


def test_co_reply_brigade(tmp_path):
    b = Builder(seed=23)
    org = b.organic(n_accounts=300, n_posts=3000)
    brigade = [b.account(f"rep{i:02d}") for i in range(10)]
    for k in range(8):
        target = b.post(str(org[k]), DAY + k * 5000, text=b.random_text())
        for a in brigade:
            b.post(a, DAY + k * 5000 + b.rng.uniform(5, 90), text=b.random_text(), reply_to=target)
    ds = b.write(tmp_path / "ds")
    f = run_detection(ds, tmp_path / "f", progress=False)
    assert set(f.members().column("account_id").to_pylist()) == set(brigade)
    assert f.groups().column("signals").to_pylist()[0][0] == "co_reply"


def test_auto_window_is_estimated_and_recorded(tmp_path):
    b = Builder(seed=24)
    org = b.organic(n_accounts=200, n_posts=2000)
    bot_amplification(b, n_bots=15, n_seeds=10)
    viral_cascade(b, [str(a) for a in org[:150]], 0.3 * DAY)
    ds = b.write(tmp_path / "ds")
    f = run_detection(
        ds, tmp_path / "f", config={"co_repost": {"window_s": "auto"}}, progress=False
    )
    sig = f.manifest()["signals"]["co_repost"]
    assert sig["window_auto"] is True
    assert 1.0 <= sig["window_s"] <= 3600.0
    assert len(f.groups()) == 1


def test_duplicate_rows_do_not_inflate(tmp_path):
    """The same post listed twice (and a URL repeated in a post) counts once."""
    b = Builder(seed=25)
    b.organic(n_accounts=200, n_posts=2000)
    link_campaign(b, n=12, n_urls=6)
    ds = b.write(tmp_path / "ds")
    f1 = run_detection(ds, tmp_path / "f1", progress=False)
    posts = pq.read_table(ds / "posts.parquet")
    import pyarrow as pa
    import pyarrow.compute as pc

    doubled = pa.concat_tables([posts, posts])
    doubled = doubled.set_column(
        doubled.schema.get_field_index("urls"),
        "urls",
        pc.list_flatten(pa.array([[u, u] for u in doubled.column("urls").to_pylist()])).to_pylist()
        and pa.array([(u or []) * 2 for u in doubled.column("urls").to_pylist()]),
    )
    pq.write_table(doubled, ds / "posts.parquet")
    f2 = run_detection(ds, tmp_path / "f2", progress=False)
    e1 = f1.edges().select(["source", "target", "kind", "observed"]).to_pylist()
    e2 = f2.edges().select(["source", "target", "kind", "observed"]).to_pylist()
    assert e1 == e2 and e1
    assert (
        f1.manifest()["signals"]["co_link"]["actions"]
        == f2.manifest()["signals"]["co_link"]["actions"]
    )


def test_popular_author_and_fans_is_not_a_group(tmp_path):
    """Fans who each quickly repost a few of a popular account's posts beat chance one by
    one with the author (a star), but are not a network: the k-core drops them."""
    b = Builder(seed=26)
    org = b.organic(n_accounts=400, n_posts=6000)
    fans = [str(a) for a in org[:60]]
    posts = [b.post("star", 0.2 * DAY + k * 1500, text=b.random_text()) for k in range(120)]
    # twelve posts each (enough to beat chance with the star once the correction counts
    # every co-occurring pair), few in common with any other fan
    for fan in fans:
        for k in b.rng.choice(120, 12, replace=False):
            b.post(fan, 0.2 * DAY + k * 1500 + b.rng.uniform(2, 50), repost_of=posts[k])
    ds = b.write(tmp_path / "ds")
    star = run_detection(ds, tmp_path / "f1", config={"graph": {"min_core": 1}}, progress=False)
    assert "star" in set(star.members().column("account_id").to_pylist())
    f = run_detection(ds, tmp_path / "f2", progress=False)
    assert f.groups().num_rows == 0
    graph = f.manifest()["graph"]
    assert graph["nodes"] > graph["nodes_in_core"]


def test_a_post_listing_its_link_twice_is_one_act(tmp_path):
    """The episode cut takes the rows as they come: a post that lists one link twice (two
    identical rows) is the same act as a post listing it once, for co-link and co-domain
    alike: the same pairs with the same figures, the same groups; only the rows read grow."""
    from .scenario import only

    b = Builder(seed=41)
    org = b.organic(n_accounts=200, n_posts=2000)
    for k in range(300):  # ordinary links, some shared by chance
        a = org[int(b.rng.integers(len(org)))]
        url = f"https://x.example/{k % 90}"
        b.post(a, b.rng.uniform(0, 2 * DAY), text=b.random_text(), urls=[url])
    accs = link_campaign(b, n=12, n_urls=8)
    once = b.write(tmp_path / "once")
    twice = b.write(tmp_path / "twice")
    posts = pq.read_table(twice / "posts.parquet")
    urls = posts.column("urls")
    rows = [None if u is None else u + u for u in urls.to_pylist()]  # each link listed twice
    i = posts.schema.get_field_index("urls")
    posts = posts.set_column(i, "urls", pa.array(rows, urls.type))
    pq.write_table(posts, twice / "posts.parquet")
    cfg = only("co_link", "co_domain", creation_burst=False)
    f1 = run_detection(once, tmp_path / "f1", config=cfg, progress=False)
    f2 = run_detection(twice, tmp_path / "f2", config=cfg, progress=False)
    assert set(accs) <= set(f1.members().column("account_id").to_pylist())
    e1 = pq.read_table(tmp_path / "f1" / "edges.parquet")
    e2 = pq.read_table(tmp_path / "f2" / "edges.parquet")
    assert e1.num_rows > 0 and e1.equals(e2)
    assert f1.groups().equals(f2.groups()) and f1.members().equals(f2.members())
    for kind in ("co_link", "co_domain"):
        s1, s2 = f1.manifest()["signals"][kind], f2.manifest()["signals"][kind]
        assert s2["rows"] == 2 * s1["rows"]
        assert s1["actions"] == s2["actions"] and s1["kept"] == s2["kept"]


@pytest.mark.parametrize("placeholder", ["1970-01-01", "0001-01-01"])
def test_placeholder_creation_dates_are_no_burst(tmp_path, placeholder: str) -> None:
    """The sleepers of ``test_creation_burst_supports_and_names_technique`` with the
    placeholder a tool writes for a missing creation date (the Unix epoch, year 1), as are
    50 organic accounts': before, all of them were one creation "burst", which supported the
    sleepers' ties and named DISARM's "create inauthentic accounts" (T0150.001). Now those
    dates are not read, the diagnosis counts them, and the group still stands on its
    reposts."""
    b = Builder(seed=22)
    organic = b.organic(n_accounts=300, n_posts=3000)
    for a in organic[:50] + _sleepers(b):
        b.accounts[a]["created_at"] = dt.datetime.fromisoformat(placeholder + "T00:00:00+00:00")
    leader_created = dt.datetime(2015, 6, 1, tzinfo=dt.UTC)
    b.accounts["leader"]["created_at"] = leader_created
    ds = b.write(tmp_path / "ds")
    f = run_detection(ds, tmp_path / "f", progress=False)
    g = f.groups().to_pylist()
    assert len(g) == 1 and g[0]["n_members"] == 16
    assert "creation_burst" not in g[0]["signals"] and "T0150.001" not in g[0]["techniques"]
    mf = f.manifest()
    assert mf["signals"]["creation_burst"]["burst_accounts"] == 0
    diag = mf["diagnosis"]
    assert diag["creation_dates_unread"] == 65
    assert any("65 account(s) have a creation date before 1990" in s for s in diag["lines"])
    (ind,) = [i for i in g[0]["inauthenticity_indicators"] if i.startswith("creation_burst")]
    assert "unknown" in ind, ind
    # nor are they shown: a member "created 1970-01-01" reads as an old, trusted account
    shown = dict(
        zip(
            *(f.members().column(c).to_pylist() for c in ("account_id", "account_created_at")),
            strict=True,
        )
    )
    assert shown.pop("leader") == leader_created and set(shown.values()) == {None}, shown
