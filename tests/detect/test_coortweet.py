"""CooRTweet mode: known answers worked out by hand from CooRTweet 2.1.3's R source.

Every expected row below is derived step by step from ``do_detect_groups`` (pre-filter on
min_participation, pairwise window, remove_loops, filter_min_participation with its "either
content" rule) and ``generate_coordinated_network`` (weight = rows per account pair,
weight_threshold = weight > type-7 quantile, groups = components of subgraph 1).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from vigie.detect.coortweet import (
    NETWORK_COLUMNS,
    RESULT_COLUMNS,
    check_params,
    parse_kinds,
    quantile_type7,
    run_coortweet,
)
from vigie.errors import VigieError
from vigie.schema import ACCOUNTS_SCHEMA, POSTS_SCHEMA, base_manifest, write_json, write_table

T0 = dt.datetime(2024, 9, 1, tzinfo=dt.UTC)


def _dataset(path: Path, posts: list[dict[str, Any]]) -> Path:
    rows = []
    for p in posts:
        rows.append(
            {
                "post_id": p["id"],
                "platform": "x",
                "account_id": p["acc"],
                "created_at": T0 + dt.timedelta(seconds=p["t"]),
                "text": p.get("text", f"post {p['id']}"),
                "urls": p.get("urls", []),
                "hashtags": p.get("tags", []),
                "mentions": [],
                "media": p.get("media", []),
                "repost_of": p.get("rt"),
                "reply_to": None,
                "quote_of": None,
            }
        )
    path.mkdir(parents=True)
    write_table(pa.Table.from_pylist(rows, schema=POSTS_SCHEMA), path / "posts.parquet")
    accs = sorted({p["acc"] for p in posts})
    write_table(
        pa.Table.from_pylist(
            [{"account_id": a, "platform": "x"} for a in accs], schema=ACCOUNTS_SCHEMA
        ),
        path / "accounts.parquet",
    )
    write_json(path / "manifest.json", base_manifest("dataset", posts=len(rows)))
    return path


# time_window = 10, min_participation = 2 (CooRTweet's defaults)
LINK_POSTS = [
    # u1: a1-b1 5 s apart (pair); c1 is 15 s after b1 and 20 s after a1 (no pair: the
    # window is pairwise, each pair of shares on its own)
    {"id": "a1", "acc": "A", "t": 0, "urls": ["ex.org/u1"]},
    {"id": "b1", "acc": "B", "t": 5, "urls": ["ex.org/u1"]},
    {"id": "c1", "acc": "C", "t": 20, "urls": ["ex.org/u1"]},
    # u2: exactly 10 s apart: |dt| <= time_window is inclusive -> pair
    {"id": "a2", "acc": "A", "t": 100, "urls": ["ex.org/u2"]},
    {"id": "b2", "acc": "B", "t": 110, "urls": ["ex.org/u2"]},
    # u3: A shares it twice (a3, a4), D once (d1): the A-A pair is a loop (removed), both
    # A shares pair with d1 -> the A-D edge weighs 2 although they share ONE object
    {"id": "a3", "acc": "A", "t": 200, "urls": ["ex.org/u3"]},
    {"id": "a4", "acc": "A", "t": 204, "urls": ["ex.org/u3"]},
    {"id": "d1", "acc": "D", "t": 207, "urls": ["ex.org/u3"]},
    # u4: E has one row in all -> removed by the pre-filter before pairs are made
    {"id": "d2", "acc": "D", "t": 500, "urls": ["ex.org/u4"]},
    {"id": "e1", "acc": "E", "t": 505, "urls": ["ex.org/u4"]},
    # u5: a third A-B co-share: A-B weighs 3, above the median of [3, 2] (2.5)
    {"id": "a5", "acc": "A", "t": 300, "urls": ["ex.org/u5"]},
    {"id": "b5", "acc": "B", "t": 301, "urls": ["ex.org/u5"]},
    # C has 2 rows (passes the pre-filter) but no pair; F is active but alone
    {"id": "c2", "acc": "C", "t": 3000, "urls": ["ex.org/u11"]},
    {"id": "f1", "acc": "F", "t": 1000, "urls": ["ex.org/u9"]},
    {"id": "f2", "acc": "F", "t": 2000, "urls": ["ex.org/u10"]},
    # the same URL listed twice in one post is one row (the vignette's unique())
    {"id": "f3", "acc": "F", "t": 2500, "urls": ["ex.org/u12", "ex.org/u12"]},
]


def _csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


def test_detect_groups_known_answer(tmp_path: Path) -> None:
    ds = _dataset(tmp_path / "ds", LINK_POSTS)
    fnd = run_coortweet(ds, tmp_path / "out", kinds=["co_link"])
    cols, rows = _csv(fnd.path / "coortweet_detect_groups.csv")
    assert cols[: len(RESULT_COLUMNS)] == list(RESULT_COLUMNS)
    got = sorted(
        (
            r["object_id"],
            r["content_id"],
            r["content_id_y"],
            float(r["time_delta"]),
            r["account_id"],
            r["account_id_y"],
        )
        for r in rows
    )
    # filter_min_participation: A has 4 coordinated rows, B 2, D only 1 (d1) -- but a pair
    # is kept when EITHER content belongs to a qualifying account, so both A-D rows stay
    assert got == [
        ("ex.org/u1", "a1", "b1", 5.0, "A", "B"),
        ("ex.org/u2", "a2", "b2", 10.0, "A", "B"),
        ("ex.org/u3", "a3", "d1", 7.0, "A", "D"),
        ("ex.org/u3", "a4", "d1", 3.0, "A", "D"),
        ("ex.org/u5", "a5", "b5", 1.0, "A", "B"),
    ]
    ncols, net = _csv(fnd.path / "coortweet_network.csv")
    assert ncols == list(NETWORK_COLUMNS)
    edges = {(r["from"], r["to"]): r for r in net}
    assert set(edges) == {("A", "B"), ("A", "D")}
    ab, ad = edges[("A", "B")], edges[("A", "D")]
    assert (int(ab["weight"]), float(ab["avg_time_delta"])) == (3, pytest.approx(16 / 3))
    assert (int(ab["n_content_id"]), int(ab["n_content_id_y"])) == (3, 3)
    assert float(ab["edge_symmetry_score"]) == 1.0
    # A-D: two older contents (a3, a4), one newer (d1): symmetry 1/2
    assert (int(ad["weight"]), int(ad["n_content_id"]), int(ad["n_content_id_y"])) == (2, 2, 1)
    assert float(ad["edge_symmetry_score"]) == 0.5
    # median of [3, 2] = 2.5: only A-B is strictly above
    assert (int(ab["weight_threshold"]), int(ad["weight_threshold"])) == (1, 0)
    m = fnd.manifest()
    assert m["method"] == "coortweet" and m["chance_control"] == "none"
    assert m["coortweet"]["weight_threshold"] == 2.5
    groups = pq.read_table(fnd.path / "groups.parquet").to_pylist()
    members = pq.read_table(fnd.path / "members.parquet").to_pylist()
    assert len(groups) == 1 and groups[0]["n_members"] == 2
    assert sorted(r["account_id"] for r in members) == ["A", "B"]
    assert groups[0]["signals"] == ["co_link"]
    assert groups[0]["n_posts"] == 6  # a1 a2 a5 b1 b2 b5
    # every coordinated edge appears in edges.parquet, the A-D one outside the group
    e = {(r["source"], r["target"]): r["group_id"] for r in fnd.edges().to_pylist()}
    assert e == {("A", "B"): "g0001", ("A", "D"): None}
    ev = fnd.evidence().to_pylist()
    assert {r["post_id"] for r in ev} == {"a1", "a2", "a5", "b1", "b2", "b5"}
    # each account's platform beside it, as vigie's own detection writes (they were null)
    assert {r["platform"] for r in ev} == {"x"}
    assert {(r["source_platform"], r["target_platform"]) for r in fnd.edges().to_pylist()} == {
        ("x", "x")
    }
    import networkx as nx

    g = nx.read_gexf(fnd.path / "graph.gexf")
    assert set(g.nodes) == {"A", "B", "D"} and g["A"]["D"]["weight"] == 2.0


def test_parameters_change_the_answer(tmp_path: Path) -> None:
    ds = _dataset(tmp_path / "ds", LINK_POSTS)
    # time_window 9: the u2 pair (10 s) goes; A-B weighs 2 like A-D -> nothing above median
    fnd = run_coortweet(ds, tmp_path / "w9", {"time_window": 9}, ["co_link"])
    _, rows = _csv(fnd.path / "coortweet_detect_groups.csv")
    assert sorted(r["content_id"] for r in rows) == ["a1", "a3", "a4", "a5"]
    assert fnd.groups().num_rows == 0
    assert "edge_weight quantile" in fnd.manifest()["why_no_group"]
    # remove_loops = FALSE keeps the a3-a4 pair (same account, same object)
    fnd = run_coortweet(ds, tmp_path / "loops", {"remove_loops": False}, ["co_link"])
    _, rows = _csv(fnd.path / "coortweet_detect_groups.csv")
    assert ("a3", "a4") in {(r["content_id"], r["content_id_y"]) for r in rows}
    # min_participation 1: E is no longer pre-filtered: d2-e1 becomes a pair
    fnd = run_coortweet(ds, tmp_path / "mp1", {"min_participation": 1}, ["co_link"])
    _, rows = _csv(fnd.path / "coortweet_detect_groups.csv")
    assert ("d2", "e1") in {(r["content_id"], r["content_id_y"]) for r in rows}


def test_reposts_originals_and_loops(tmp_path: Path) -> None:
    """reshape_tweets binds the retweeted originals (object = own id); remove_loops then
    drops every original-retweet pair, so the author is never tied to its retweeters."""
    posts = [
        {"id": "o1", "acc": "P", "t": 0},
        {"id": "r1", "acc": "Q", "t": 3, "rt": "o1"},
        {"id": "r2", "acc": "R", "t": 6, "rt": "o1"},
        {"id": "o2", "acc": "P", "t": 100},
        {"id": "r3", "acc": "Q", "t": 102, "rt": "o2"},
        {"id": "r4", "acc": "R", "t": 104, "rt": "o2"},
        {"id": "o3", "acc": "P", "t": 200},
        {"id": "r5", "acc": "Q", "t": 201, "rt": "o3"},
        {"id": "r6", "acc": "R", "t": 209, "rt": "o3"},
        {"id": "r7", "acc": "S", "t": 205, "rt": "o3"},
        {"id": "s2", "acc": "S", "t": 900, "rt": "o9"},
    ]
    ds = _dataset(tmp_path / "ds", posts)
    fnd = run_coortweet(ds, tmp_path / "out", kinds=["co_repost"])
    _, rows = _csv(fnd.path / "coortweet_detect_groups.csv")
    pairs = sorted((r["object_id"], r["content_id"], r["content_id_y"]) for r in rows)
    # o3: r5(201) r7(205) r6(209): all three pairs within 10 s; S has 2 rows (r7, s2) so
    # it passes the pre-filter; S has one coordinated row but pairs with qualifying Q, R
    assert pairs == [
        ("o1", "r1", "r2"),
        ("o2", "r3", "r4"),
        ("o3", "r5", "r6"),
        ("o3", "r5", "r7"),
        ("o3", "r7", "r6"),
    ]
    _, net = _csv(fnd.path / "coortweet_network.csv")
    w = {(r["from"], r["to"]): int(r["weight"]) for r in net}
    assert w == {("Q", "R"): 3, ("Q", "S"): 1, ("R", "S"): 1}
    # median of [3, 1, 1] = 1: Q-R alone is above
    assert [sorted(r["account_id"] for r in fnd.members().to_pylist())] == [["Q", "R"]]
    # without loop removal the author P is tied to its retweeters
    fnd = run_coortweet(ds, tmp_path / "loops", {"remove_loops": False}, ["co_repost"])
    _, net = _csv(fnd.path / "coortweet_network.csv")
    assert ("P", "Q") in {(r["from"], r["to"]) for r in net}


def test_stacked_kinds_are_prefixed_and_summed(tmp_path: Path) -> None:
    """Multi-modal: each kind detected on its own, rows bound, one network; a hashtag and
    a URL spelled alike stay two objects (the vignette's url_/hashtag_ prefixes)."""
    posts = []
    for k, t in enumerate((0, 100, 200)):
        posts.append({"id": f"a{k}", "acc": "A", "t": t, "urls": [f"x{k}"], "tags": [f"x{k}"]})
        posts.append({"id": f"b{k}", "acc": "B", "t": t + 2, "urls": [f"x{k}"]})
        posts.append({"id": f"c{k}", "acc": "C", "t": t + 4, "tags": [f"x{k}"]})
    posts.append({"id": "d0", "acc": "D", "t": 0, "tags": ["x0"]})
    posts.append({"id": "d1", "acc": "D", "t": 500, "tags": ["zz"]})
    ds = _dataset(tmp_path / "ds", posts)
    fnd = run_coortweet(ds, tmp_path / "out", kinds=parse_kinds("co_link,co_hashtag"))
    _, rows = _csv(fnd.path / "coortweet_detect_groups.csv")
    objs = {r["object_id"] for r in rows}
    assert objs == {"url_x0", "url_x1", "url_x2", "hashtag_x0", "hashtag_x1", "hashtag_x2"}
    _, net = _csv(fnd.path / "coortweet_network.csv")
    w = {(r["from"], r["to"]): int(r["weight"]) for r in net}
    # A-B 3 links, A-C 3 tags, A-D 1 tag, C-D 1 tag (hashtag_x0 at 4 s and 0 s)
    assert w == {("A", "B"): 3, ("A", "C"): 3, ("A", "D"): 1, ("C", "D"): 1}
    # median of [3, 3, 1, 1] = 2: one component A, B, C
    g = fnd.groups().to_pylist()
    assert len(g) == 1 and g[0]["n_members"] == 3
    assert set(g[0]["signals"]) == {"co_link", "co_hashtag"}


def test_checks_and_quantile() -> None:
    # R: quantile(c(1, 2, 3, 10), 0.5) = 2.5; quantile(c(1, 2, 3, 10), 0.9) = 7.9
    assert quantile_type7([1, 2, 3, 10], 0.5) == 2.5
    assert quantile_type7([1, 2, 3, 10], 0.9) == pytest.approx(7.9)
    with pytest.raises(VigieError, match="edge_weight"):
        check_params({"edge_weight": 1.5})
    with pytest.raises(VigieError, match="min_participation"):
        check_params({"min_participation": 1.5})
    with pytest.raises(VigieError, match="unknown object kind 'co_text'"):
        parse_kinds(["co_text"])
    assert parse_kinds(["co-media", "co_link"]) == ["co_link", "co_media"]


def test_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from vigie.cli import main

    ds = _dataset(tmp_path / "ds", LINK_POSTS)
    toml = tmp_path / "d.toml"
    toml.write_text("[coortweet]\nmin_participation = 2\nedge_weight = 0.5\n")
    args = ["detect", str(ds), "--out", str(tmp_path / "f"), "--method", "coortweet"]
    with pytest.raises(SystemExit) as ex:
        main([*args, "--window", "10", "--only", "co_link", "--config", str(toml)])
    assert ex.value.code in (0, None)
    m = json.loads((tmp_path / "f" / "manifest.json").read_text())
    assert m["coortweet"]["parameters"]["time_window"] == 10.0
    assert m["counts"]["groups"] == 1
    toml.write_text("[coortweet]\nedge_weight = 2\n")
    with pytest.raises(SystemExit) as ex:
        main([*args, "--config", str(toml)])
    assert ex.value.code == 2
    assert "edge_weight" in capsys.readouterr().err
    with pytest.raises(SystemExit) as ex:
        main(["detect", str(ds), "--out", str(tmp_path / "g"), "--only", "co_link"])
    assert ex.value.code == 2
    assert "--method coortweet" in capsys.readouterr().err


def _reference(rows: list[tuple[str, str, str, float]], tw: float, mp: int) -> list[tuple]:
    """CooRTweet's do_detect_groups transcribed line by line in plain Python (rows =
    object_id, account_id, content_id, timestamp_share, in CooRTweet's row order)."""
    n_rows: dict[str, int] = {}
    for _, a, _, _ in rows:
        n_rows[a] = n_rows.get(a, 0) + 1
    x = [r for r in rows if n_rows[r[1]] >= mp]  # pre-filter
    result = []
    objects: dict[str, list] = {}
    for r in x:
        objects.setdefault(r[0], []).append(r)
    for obj, grp in objects.items():  # calc_group_combinations: x row id < i row id
        for j in range(len(grp)):
            for i in range(j):
                lo, hi = grp[i], grp[j]
                delta = lo[3] - hi[3]
                if abs(delta) <= tw:
                    result.append([obj, lo[2], hi[2], delta, lo[1], hi[1]])
    result = [  # do_remove_loops
        r for r in result if r[0] != r[1] and r[0] != r[2] and r[1] != r[2] and r[4] != r[5]
    ]
    if mp >= 1:  # filter_min_participation
        ids = {r[1] for r in result} | {r[2] for r in result}
        per: dict[str, list[str]] = {}
        for r in x:
            if r[2] in ids:
                per.setdefault(r[1], []).append(r[2])
        ok = {c for a, cs in per.items() if len(cs) >= mp for c in cs}
        result = [r for r in result if r[1] in ok or r[2] in ok]
    out = []
    for o, c, cy, d, a, ay in result:  # older share first
        if d > 0:
            c, cy, a, ay = cy, c, ay, a
        out.append((o, c, cy, abs(d), a, ay))
    return sorted(out)


@pytest.mark.parametrize("seed", [1, 2])
def test_matches_a_line_by_line_transcription(tmp_path: Path, seed: int) -> None:
    """Random data dense in collisions (few objects, few accounts, repeated shares, equal
    times): the SQL implementation equals the plain transcription of the R source."""
    import random

    rng = random.Random(seed)
    posts = []
    for k in range(160):
        urls = rng.sample([f"o{i}" for i in range(12)], rng.choice([1, 1, 2]))
        posts.append(
            {
                "id": f"p{k:03d}",
                "acc": f"a{rng.randrange(14)}",
                "t": rng.randrange(0, 400, 2),
                "urls": urls,
            }
        )
    ds = _dataset(tmp_path / "ds", posts)
    for tw, mp in ((10, 2), (0, 1)) if seed == 1 else ((5, 3),):
        fnd = run_coortweet(
            ds, tmp_path / f"f{tw}_{mp}", {"time_window": tw, "min_participation": mp}, ["co_link"]
        )
        _, rows = _csv(fnd.path / "coortweet_detect_groups.csv")
        got = sorted(
            (
                r["object_id"],
                r["content_id"],
                r["content_id_y"],
                float(r["time_delta"]),
                r["account_id"],
                r["account_id_y"],
            )
            for r in rows
        )
        # CooRTweet's input, in the row order vigie documents (time, then post id)
        x = sorted(
            {(u, p["acc"], p["id"], float(p["t"])) for p in posts for u in p["urls"]},
            key=lambda r: (r[3], r[2], r[0]),
        )
        want = _reference(x, tw, mp)

        # equal times may be oriented either way; compare them unordered
        def norm(rs: list[tuple]) -> list[tuple]:
            return sorted(
                (o, *sorted([(c, a), (cy, ay)]), d) if d == 0 else (o, (c, a), (cy, ay), d)
                for o, c, cy, d, a, ay in rs
            )

        assert norm(got) == norm(want), (tw, mp)
        assert len(got) > 0
