"""The Findings folder: tables agree with the manifest, GEXF re-reads in networkx, CSVs,
reproducibility and atomic replacement."""

from __future__ import annotations

import csv
import io

import networkx as nx
import pyarrow.parquet as pq
import pytest

from vigie.detect.pipeline import run_detection
from vigie.errors import VigieError
from vigie.schema import EDGES_SCHEMA, GROUPS_SCHEMA, MEMBERS_SCHEMA


def test_manifest_counts_match_tables(mixed):
    f = mixed.findings
    m = f.manifest()
    assert m["kind"] == "findings"
    for name in ("groups", "members", "edges", "evidence"):
        assert m["counts"][name] == f.table(name).num_rows
    assert m["dataset"] == str(mixed.dataset)
    assert m["config"]["co_link"]["window_s"] == 60.0
    for kind in ("co_link", "co_repost", "co_reply", "co_hashtag", "copypasta"):
        s = m["signals"][kind]
        assert {"window_s", "pairs", "kept", "tested", "actions"} <= set(s)
        kept = sum(1 for e in f.edges().to_pylist() if e["kind"] == kind)
        assert s["kept"] == kept
    techs = m["techniques"]
    assert "T0049.003" in techs and techs["T0049.003"]["accounts"] == 21
    assert f.groups().schema.equals(GROUPS_SCHEMA)
    assert f.members().schema.equals(MEMBERS_SCHEMA)
    assert f.edges().schema.equals(EDGES_SCHEMA)


def test_gexf_rereads_in_networkx(mixed):
    g = nx.read_gexf(mixed.findings.path / "graph.gexf")
    members = mixed.findings.members().to_pylist()
    assert g.number_of_nodes() >= len(members)
    for row in members:
        assert g.nodes[row["account_id"]]["group"] == row["group_id"]
    pairs = {tuple(sorted((e["source"], e["target"]))) for e in mixed.findings.edges().to_pylist()}
    assert g.number_of_edges() == len(pairs)
    assert all(d["weight"] > 0 for _, _, d in g.edges(data=True))


def test_csvs_mirror_tables(mixed):
    for name in ("groups", "members", "edges"):
        text = (mixed.findings.path / f"{name}.csv").read_text(encoding="utf-8")
        rows = list(csv.DictReader(io.StringIO(text)))
        table = mixed.findings.table(name)
        assert len(rows) == table.num_rows
        assert list(rows[0]) == table.column_names
    groups = list(csv.DictReader(io.StringIO((mixed.findings.path / "groups.csv").read_text())))
    assert ";" in groups[0]["top_objects"]


def test_same_input_gives_identical_outputs(mixed, tmp_path):
    again = run_detection(mixed.dataset, tmp_path / "again", progress=False)
    for name in ("groups", "members", "edges", "evidence"):
        assert pq.read_table(again.table_path(name)).equals(mixed.findings.table(name)), name
    assert (again.path / "graph.gexf").read_text() == (
        mixed.findings.path / "graph.gexf"
    ).read_text()


def test_failure_keeps_previous_findings(mixed, tmp_path):
    out = tmp_path / "f"
    run_detection(mixed.dataset, out, progress=False)
    before = (out / "manifest.json").read_text()
    with pytest.raises(VigieError):
        run_detection(mixed.dataset, out, config={"co_link": {"window": 1}}, progress=False)
    with pytest.raises(VigieError, match="not a vigie Dataset|no such Dataset"):
        run_detection(tmp_path / "nope", out, progress=False)
    assert (out / "manifest.json").read_text() == before


def test_missing_column_is_named(tmp_path):
    import pyarrow as pa

    ds = tmp_path / "ds"
    ds.mkdir()
    pq.write_table(pa.table({"post_id": ["1"], "account_id": ["a"]}), ds / "posts.parquet")
    (ds / "manifest.json").write_text("{}")
    with pytest.raises(VigieError, match="created_at"):
        run_detection(ds, tmp_path / "f", progress=False)


def test_empty_dataset_gives_valid_empty_findings(tmp_path):
    from .scenario import Builder

    ds = Builder(seed=1).write(tmp_path / "ds")
    f = run_detection(ds, tmp_path / "f", progress=False)
    assert f.manifest()["counts"] == {
        "groups": 0,
        "members": 0,
        "edges": 0,
        "evidence": 0,
        "pairs": 0,
    }
    assert nx.read_gexf(f.path / "graph.gexf").number_of_nodes() == 0


def test_group_objects_carry_true_reach_and_members_their_handles(mixed):
    """group_objects.csv lists every object two or more members shared, with its reach in
    the whole Dataset (never below the group's own figures); members carry handles."""
    import csv

    rows = list(csv.DictReader((mixed.findings.path / "group_objects.csv").open()))
    assert rows
    groups = set(mixed.findings.groups().column("group_id").to_pylist())
    for r in rows:
        assert r["group_id"] in groups
        assert int(r["n_members"]) >= 2
        assert int(r["reach_accounts"]) >= int(r["n_members"])
        assert int(r["reach_posts"]) >= int(r["group_posts"])
    members = mixed.findings.members().to_pylist()
    assert members and all(m["handle"] for m in members)


def test_gexf_text_exact():
    """The GEXF is written column-wise (Arrow) but reads as the per-edge lines always did:
    merged pairs in key order, Python's repr of each weight, quoted labels and kinds."""
    import pyarrow as pa

    from vigie.detect.outputs import gexf

    edges = pa.table(
        {
            "u": pa.array([1, 0, 2, 1], pa.int32()),
            "v": pa.array([0, 1, 0, 2], pa.int32()),
            "weight": [1.0, 2.0, 1e-05, 0.1 + 0.2],
            "kind": ["co_link", "copypasta", "co_link", "co_repost"],
        }
    )
    names = pa.array(['a"&<b', "c", "d'x"])
    members = pa.table({"account_id": ["c"], "group_id": ["g0001"]})
    text = gexf(edges, names, members)
    lines = [ln.strip() for ln in text.splitlines()]
    assert lines[-3:] == ["</edges>", "</graph>", "</gexf>"]
    assert lines[lines.index("<edges>") + 1 :][:3] == [
        '<edge id="0" source=\'a"&amp;&lt;b\' target="c" weight="3.0"><attvalues>'
        '<attvalue for="1" value="co_link;copypasta" /></attvalues></edge>',
        '<edge id="1" source=\'a"&amp;&lt;b\' target="d\'x" weight="1e-05"><attvalues>'
        '<attvalue for="1" value="co_link" /></attvalues></edge>',
        '<edge id="2" source="c" target="d\'x" weight="0.3"><attvalues>'
        '<attvalue for="1" value="co_repost" /></attvalues></edge>',
    ]
    assert '<node id="c" label="c"><attvalues><attvalue for="0" value="g0001" />' in text


def test_float_repr_is_pythons_repr():
    """Weights are written as Python's repr wrote them, whole numbers, exponents, the
    smallest and largest doubles and non-finite values included."""
    import math

    import numpy as np

    from vigie.detect.outputs import float_repr

    rng = np.random.default_rng(7)
    values = np.concatenate(
        [
            np.round(rng.exponential(3.0, 5000), 6),
            rng.uniform(-1e20, 1e20, 200),
            10.0 ** rng.uniform(-320, 308, 500),
            np.arange(-5, 40, dtype=np.float64),
            [0.0, -0.0, 1e-4, 9.99e-5, 1e16, 9999999999999998.0, 1e15, 123456789012.5],
            [5e-324, 1.7976931348623157e308, math.inf, -math.inf, math.nan, 0.1 + 0.2],
        ]
    )
    assert float_repr(values).to_pylist() == [repr(x) for x in values.tolist()]
    assert float_repr(np.zeros(0)).to_pylist() == []


def test_gexf_written_in_slices_is_the_same_text(monkeypatch, tmp_path):
    """The GEXF streamed slice by slice to a file is the text written in one piece."""
    import numpy as np
    import pyarrow as pa

    from vigie.detect import outputs

    rng = np.random.default_rng(3)
    n = 500
    u = rng.integers(0, 60, n)
    v = (u + rng.integers(1, 59, n)) % 60
    edges = pa.table(
        {
            "u": pa.array(u, pa.int32()),
            "v": pa.array(v, pa.int32()),
            "weight": np.round(rng.exponential(2.0, n), 3),
            "kind": rng.choice(["co_link", "co_repost", "copypasta"], n).tolist(),
        }
    )
    names = pa.array([f"acc{i}é" for i in range(60)])
    members = pa.table({"account_id": ["acc3é", "acc7é"], "group_id": ["g0001", "g0002"]})
    whole = outputs.gexf(edges, names, members)
    monkeypatch.setattr(outputs, "GEXF_SLICE", 7)
    outputs.gexf_writer(edges, names, members)(tmp_path / "g.gexf")
    assert (tmp_path / "g.gexf").read_bytes() == whole.encode("utf-8")
    pairs = {(min(a, b), max(a, b)) for a, b in zip(u.tolist(), v.tolist(), strict=True)}
    assert whole.count("<edge ") == len(pairs)


def _pair_edges(rows):
    import pyarrow as pa

    cols = ("u", "v", "kind", "weight", "observed", "expected", "p_value", "window_s")
    t = {c: [r[i] for r in rows] for i, c in enumerate(cols)}
    t["first_t"] = [100.0 + r[0] for r in rows]
    t["last_t"] = [200.0 + r[1] for r in rows]
    return pa.table(t)


def test_pairs_table_lists_only_pairs_outside_groups():
    """One row per pair tied outside every group, all its signals merged: its most
    significant test reported, weights summed, ranked by p-value; pairs inside a group, and
    pairs tied by a creation burst alone, are left out; none at all gives an empty table."""
    import numpy as np
    import pyarrow as pa

    from vigie.detect.network import Group
    from vigie.detect.outputs import pairs_table
    from vigie.schema import PAIRS_SCHEMA

    group = Group("g0001", np.array([0, 1, 2]), np.ones(3), 1.0, ["co_link"], [])
    edges = _pair_edges(
        [
            (0, 1, "co_link", 2.0, 5, 0.1, 1e-9, 60.0),  # inside g0001
            (1, 2, "co_repost", 1.0, 4, 0.1, 1e-8, 60.0),  # inside g0001
            (4, 3, "co_link", 1.5, 3, 0.2, 1e-4, 60.0),  # pair (3, 4): two signals
            (2, 5, "co_hashtag", 0.5, 2, 0.1, 1e-3, 300.0),  # member and outsider
            (3, 4, "copypasta", 0.25, 6, 0.1, 1e-7, 60.0),
            (6, 7, "creation_burst", 1.0, 3, 0.1, 1e-12, 0.0),  # a burst alone: no tie
            (3, 4, "creation_burst", 1.0, 3, 0.1, 1e-12, 0.0),  # supports (3, 4) only
        ]
    )
    merged = pa.table(
        {
            "u": pa.array([3], pa.int64()),
            "v": pa.array([4], pa.int64()),
            "n_coactions": [7],
            "first_t": [10.0],
            "last_t": [20.0],
            "post_ids": [["p1", "p2"]],
            "objects": [["o1"]],
        }
    )
    names = pa.array([f"a{i}" for i in range(8)])
    plats = pa.array(["x"] * 5 + ["telegram"] * 3)
    out = pairs_table(edges, merged, [group], names, pa.array([None] * 8, pa.string()), plats)
    assert out.schema.equals(PAIRS_SCHEMA)
    rows = out.to_pylist()
    assert [(r["account_id_a"], r["account_id_b"]) for r in rows] == [("a3", "a4"), ("a2", "a5")]
    first, second = rows
    assert first["kind"] == "copypasta" and first["p_value"] == 1e-7
    assert first["kinds"] == ["co_link", "copypasta", "creation_burst"]
    assert first["weight"] == 2.75 and first["n_coactions"] == 7
    assert first["post_ids"] == ["p1", "p2"] and first["group_id_a"] is None
    assert second["kind"] == "co_hashtag" and second["group_id_a"] == "g0001"
    assert second["n_coactions"] is None and second["rank"] == 2
    assert (first["platform_a"], first["platform_b"]) == ("x", "x")
    assert (second["platform_a"], second["platform_b"]) == ("x", "telegram")
    inside = pairs_table(edges.slice(0, 2), merged, [group], names, names, plats)
    assert inside.num_rows == 0 and inside.schema.equals(PAIRS_SCHEMA)


def test_exports_written_beside_fail_whole(tmp_path, monkeypatch):
    """edges.csv is written in a thread beside the GEXF: the folder appears only once both
    are complete, and a failure of either leaves the previous Findings whole, raised, with
    no temporary folder left behind."""
    import pyarrow as pa

    from vigie.detect import outputs
    from vigie.schema import (
        EDGES_SCHEMA,
        EVIDENCE_SCHEMA,
        GROUPS_SCHEMA,
        MEMBERS_SCHEMA,
        empty_table,
    )

    edges = pa.table(
        {
            "source": ["a", "b"],
            "target": ["b", "c"],
            "kind": ["co_link", "co_link"],
            "weight": [1.0, 2.0],
            "observed": pa.array([3, 4], pa.int64()),
            "expected": [0.1, 0.2],
            "p_value": [1e-5, 1e-6],
            "group_id": pa.array([None, None], pa.string()),
            "source_platform": ["x", "x"],
            "target_platform": ["x", "x"],
        }
    ).cast(EDGES_SCHEMA)

    def write(graph: object) -> object:
        return outputs.write_with_exports(
            tmp_path / "f",
            groups=empty_table(GROUPS_SCHEMA),
            members=empty_table(MEMBERS_SCHEMA),
            edges=edges,
            evidence=empty_table(EVIDENCE_SCHEMA),
            summary={},
            manifest={},
            graph=graph,
            more_csv={},
        )

    f = write(outputs.empty_gexf())
    before = {p.name: p.read_bytes() for p in f.path.iterdir()}
    assert (f.path / "edges.csv").read_text().count("\n") == 3

    def broken(path: object) -> None:
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        write(broken)
    real = outputs.csv_writer
    monkeypatch.setattr(outputs, "csv_writer", lambda t: broken if t.num_rows == 2 else real(t))
    with pytest.raises(OSError, match="disk full"):
        write(outputs.empty_gexf())
    assert {p.name: p.read_bytes() for p in f.path.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f"]


def test_gexf_of_hostile_account_ids_is_well_formed_xml(tmp_path):
    """Account ids holding characters XML may not hold (control characters, U+FFFE, a lone
    surrogate's escape) are written escaped; the file parses and networkx reads every node,
    edge and group. An id XML can hold, quotes and ampersands included, is written as is."""
    import xml.etree.ElementTree as ET

    import pyarrow as pa

    from vigie.detect.outputs import gexf_chunks

    names = pa.array(["acc\x010", "acc\x1c1\ufffe", 'plain "2" & <3>', "tab\there"])
    edges = pa.table(
        {
            "u": pa.array([0, 1, 2], pa.int64()),
            "v": pa.array([1, 2, 3], pa.int64()),
            "kind": pa.array(["co_link", "copypasta", "co_link"]),
            "weight": pa.array([1.0, 2.0, 3.0]),
        }
    )
    members = pa.table({"account_id": ["acc\x010", 'plain "2" & <3>'], "group_id": ["g1", "g1"]})
    path = tmp_path / "graph.gexf"
    path.write_bytes(b"".join(gexf_chunks(edges, names, members)))
    ET.parse(path)  # well-formed
    g = nx.read_gexf(path)
    assert set(g.nodes) == {"acc\\x010", "acc\\x1c1\\ufffe", 'plain "2" & <3>', "tab\there"}
    assert g.nodes["acc\\x010"]["group"] == "g1" and g.nodes['plain "2" & <3>']["group"] == "g1"
    assert g.number_of_edges() == 3


def test_the_printed_summary_keeps_signal_names_and_windows_whole(tmp_path, capsys, monkeypatch):
    """On 80 columns the summary cut a signal's name ("creation_b…") and a long window
    ("2490540.…"), and the "candidate pairs" header; each is whole now."""
    from vigie.detect.cli import print_summary
    from vigie.schema import write_findings

    monkeypatch.setattr("vigie.progress.console.width", 80)
    write_findings(
        tmp_path / "F",
        groups=[{"group_id": "g0001", "score": 1.0, "n_members": 3, "signals": ["co_rare"]}],
        members=[],
        edges=[],
        evidence=[],
    )
    signals = {
        "co_rare": {"window_s": 2490540.4766, "actions": 4537, "pairs": 10190, "kept": 72,
                    "observed_kept": 1300, "expected_kept": 282.52},
        "creation_burst": {"window_s": 86400.0, "pairs": 119, "kept": 119},
        "co_repost": {"window_s": 60.0, "actions": 10691, "pairs": 1823, "kept": 606,
                      "observed_kept": 12363, "expected_kept": 865.91},
    }  # fmt: skip
    print_summary({"signals": signals, "counts": {}}, 1.0, tmp_path / "F")
    out = capsys.readouterr().out
    table = out.split("Top groups")[0]
    assert "…" not in table, table
    assert "creation_burst" in table and "2490540" in table and "60.0" in table
