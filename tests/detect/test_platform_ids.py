"""One account id on two platforms: two accounts, kept apart by detection, and said.

Why: a Dataset may hold several platforms (X JSON appended to a Telegram export, VK beside
Telegram), and their account ids are strings of each platform's own: a 9-digit X id and a
9-digit Telegram id can be the same string. Read as one account, such an id merged two
people's posts (a Telegram channel's reposts tied to an X bot net's, shown under one
platform), so detection keys an account by its platform and id as the Dataset does. The
diagnosis still counts those ids; every Findings table gives an account's platform beside it.
"""

from __future__ import annotations

from pathlib import Path

from vigie.detect.pipeline import run_detection

from .scenario import Builder, bot_amplification, only, write_dataset


def _two_platforms(tmp_path: Path, shared: int) -> Path:
    b = Builder(seed=53)
    org = b.organic(n_accounts=150, n_posts=1200)
    bot_amplification(b, n_bots=10, n_seeds=8)
    for k in range(shared):  # a Mastodon account whose id is an X account's
        acc = str(org[k])
        for i in range(3):
            b.posts.append(
                dict(
                    b.posts[0],
                    post_id=f"m{k}-{i}",
                    platform="mastodon",
                    account_id=acc,
                    text=b.random_text(),
                    urls=[],
                    hashtags=[],
                    repost_of=None,
                    reply_to=None,
                )
            )
    return b.write(tmp_path / f"ds{shared}")


def test_ids_on_two_platforms_are_counted_and_said(tmp_path: Path) -> None:
    f = run_detection(_two_platforms(tmp_path, 3), tmp_path / "f", progress=False)
    diag = f.manifest()["diagnosis"]
    assert diag["ids_on_several_platforms"] == 3
    (line,) = [s for s in diag["lines"] if "two or more platforms" in s]
    assert line.startswith("3 account id(s)") and "kept them apart" in line


def test_one_platform_says_nothing(tmp_path: Path) -> None:
    f = run_detection(_two_platforms(tmp_path, 0), tmp_path / "f", progress=False)
    diag = f.manifest()["diagnosis"]
    assert diag["ids_on_several_platforms"] == 0
    assert not [s for s in diag["lines"] if "platforms" in s]


def _two_nets(tmp_path: Path) -> Path:
    """An X bot net (``bot000``-``bot009``) reposting X seeds, and a Telegram net whose
    first five accounts have the ids of five X bots (``bot000``-``bot004``, then
    ``tg005``-``tg009``) forwarding a Telegram channel's posts, at other times."""
    b = Builder(seed=61)
    b.organic(n_accounts=150, n_posts=1500)
    bot_amplification(b, n_bots=10, n_seeds=8)
    n_x = len(b.posts)
    tg = [f"bot{i:03d}" if i < 5 else f"tg{i:03d}" for i in range(10)]
    for s in range(8):
        t = 1.7 * 86400 + s * 4 * 3600 + float(b.rng.uniform(0, 600))
        seed = b.post("tgchannel", t, text=b.random_text(), post_id=f"tg-seed-{s}")
        for k, a in enumerate(tg):
            b.post(a, t + float(b.rng.uniform(1, 30)), repost_of=seed, post_id=f"tg-{s}-{k}")
    for row in b.posts[n_x:]:
        row["platform"] = "telegram"
    accounts = [a for a in b.accounts.values() if a["account_id"] not in ("tgchannel", *tg[5:])]
    accounts += [
        dict(b.accounts["bot000"], account_id=a, platform="telegram", handle=None)
        for a in ["tgchannel", *tg]
    ]
    return write_dataset(tmp_path / "two-nets", b.posts, accounts)


def test_accounts_of_two_platforms_are_kept_apart(tmp_path: Path) -> None:
    """Each net is a group of its own platform's ten accounts: ``bot000`` on X and
    ``bot000`` on Telegram are two members of two groups (read as one account, the five
    shared ids tied both nets into one group, shown under Telegram)."""
    f = run_detection(_two_nets(tmp_path), tmp_path / "f", config=only("co_repost"), progress=False)
    assert f.manifest()["diagnosis"]["ids_on_several_platforms"] == 5
    members = f.members().to_pylist()
    by_group: dict[str, set[tuple[str, str]]] = {}
    for m in members:
        by_group.setdefault(m["group_id"], set()).add((m["platform"], m["account_id"]))
    x_net = {("x", f"bot{i:03d}") for i in range(10)}
    tg_net = {("telegram", f"bot{i:03d}" if i < 5 else f"tg{i:03d}") for i in range(10)}
    assert any(x_net <= g for g in by_group.values())
    assert any(tg_net <= g for g in by_group.values())
    for g in by_group.values():  # no group mixes the nets
        assert not (g & x_net and g & tg_net), g
    x_rows = [m for m in members if (m["platform"], m["account_id"]) in x_net]
    assert all(m["n_posts"] == 8 for m in x_rows)  # its own eight reposts, not Telegram's


def test_edges_and_evidence_name_each_accounts_platform(tmp_path: Path) -> None:
    """Every edge and evidence row gives its accounts' platforms: the X group's are all
    ``x``, the Telegram group's all ``telegram``, so ``bot000`` is told apart in them too
    (by id alone, as before, it was one name in both groups' rows)."""
    f = run_detection(_two_nets(tmp_path), tmp_path / "f", config=only("co_repost"), progress=False)
    plat = {}
    for m in f.members().to_pylist():
        plat.setdefault(m["group_id"], set()).add(m["platform"])
    assert sorted(map(sorted, plat.values())) == [["telegram"], ["x"]]
    edges = f.edges().to_pylist()
    assert edges and all(e["group_id"] is not None for e in edges)
    for e in edges:
        assert {e["source_platform"], e["target_platform"]} == plat[e["group_id"]]
    evidence = f.evidence().to_pylist()
    assert {e["platform"] for e in evidence} == {"x", "telegram"}
    for e in evidence:
        assert {e["platform"]} == plat[e["group_id"]]
    shared = [e for e in evidence if e["account_id"] == "bot000"]
    assert {e["platform"] for e in shared} == {"x", "telegram"}


def test_authenticity_reads_a_member_on_its_own_platform(tmp_path: Path) -> None:
    """The authenticity check reads a member's posts and profile on the member's platform
    where accounts are keyed by both (by id alone, both accounts' posts are read)."""
    from vigie.detect.authenticity import _load
    from vigie.schema import Dataset

    ds = Dataset(_two_nets(tmp_path))
    by_id = _load(ds, ["bot000"])
    on_x = _load(ds, [("bot000", "x")])
    on_tg = _load(ds, [("bot000", "telegram")])
    assert len(by_id["posts"]["bot000"]) == 16
    assert len(on_x["posts"]["bot000"]) == len(on_tg["posts"]["bot000"]) == 8
    assert on_x["profiles"]["bot000"]["handle"] == "bot000"
    assert on_tg["profiles"]["bot000"]["handle"] is None


def test_authenticity_keeps_two_members_of_one_id_apart(tmp_path: Path) -> None:
    """With ``bot000`` on X and ``bot000`` on Telegram both members (of two groups), each is
    read with its own posts and profile (by id alone, both groups saw 16 posts of one
    account and one profile), and a group is rated as it is when rated alone."""
    import pyarrow as pa

    from vigie.detect.authenticity import _load, annotate
    from vigie.schema import Dataset

    ds = Dataset(_two_nets(tmp_path))
    data = _load(ds, [("bot000", "x"), ("bot000", "telegram"), ("bot005", "x")])
    assert len(data["posts"]["x:bot000"]) == len(data["posts"]["telegram:bot000"]) == 8
    assert "bot000" not in data["posts"] and len(data["posts"]["bot005"]) == 8
    assert data["profiles"]["x:bot000"]["handle"] == "bot000"
    assert data["profiles"]["telegram:bot000"]["handle"] is None
    # the X bots' reposts are of X posts by the X seed account, the Telegram net's of the
    # channel's: every author named by the platform of the post reposted
    assert {data["originals"][r][0] for _, _, r, _ in data["posts"]["x:bot000"]} == {"bot_seed"}
    tg = {data["originals"][r][0] for _, _, r, _ in data["posts"]["telegram:bot000"]}
    assert tg == {"tgchannel"}

    x_net = [("x", f"bot{i:03d}") for i in range(10)]
    tg_net = [("telegram", f"bot{i:03d}" if i < 5 else f"tg{i:03d}") for i in range(10)]

    def rate(nets: dict[str, list[tuple[str, str]]]) -> list[dict]:
        gids = list(nets)
        rows = [(g, p, a) for g in gids for p, a in nets[g]]
        groups = pa.table({"group_id": gids})
        members = pa.table(
            {
                "group_id": [g for g, _, _ in rows],
                "platform": [p for _, p, _ in rows],
                "account_id": [a for _, _, a in rows],
            }
        )
        return annotate(ds, groups, members, by_platform=True).drop_columns("group_id").to_pylist()

    both = rate({"gx": x_net, "gt": tg_net})
    assert both == rate({"gx": x_net}) + rate({"gt": tg_net})


def test_the_graph_has_a_node_per_account(tmp_path: Path) -> None:
    """In the GEXF (Gephi's file) an id naming accounts of two platforms is two nodes,
    ``x:bot000`` and ``telegram:bot000``, each in its own group; other ids stay plain
    (one node for both, in one group, before)."""
    import networkx as nx

    f = run_detection(_two_nets(tmp_path), tmp_path / "f", config=only("co_repost"), progress=False)
    g = nx.read_gexf(f.path / "graph.gexf")
    groups = {m["platform"] + ":" + m["account_id"]: m["group_id"] for m in f.members().to_pylist()}
    for i in range(5):
        x, tg = f"x:bot{i:03d}", f"telegram:bot{i:03d}"
        assert g.nodes[x]["group"] == groups[x] and g.nodes[tg]["group"] == groups[tg]
        assert groups[x] != groups[tg]
    assert "bot005" in g and "tg005" in g and "x:bot005" not in g
