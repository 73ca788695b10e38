"""The posting app (``client``) reaches the posts from every export that records it, and a
Dataset written before the column existed still opens, appends and detects.

Why: "one posting client shared by a group" is an indicator of common ownership; it can only
fire when ingest keeps the app's name, and it must read the same whether the collection came
as X API v1.1 (an HTML link), v2 or the IO archive (a bare name), or Mastodon (``application``).
"""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from ingest.helpers import FIX
from vigie.cli import main
from vigie.ingest import ingest
from vigie.ingest.records import client_name
from vigie.schema import Dataset

DS = FIX / "datasets"


def _clients(ds: Path) -> set[str | None]:
    return set(pq.read_table(ds / "posts.parquet", columns=["client"]).column(0).to_pylist())


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        (
            '<a href="http://twitter.com/download/iphone" rel="nofollow">Twitter for iPhone</a>',
            "Twitter for iPhone",
        ),
        ("Twitter Web App", "Twitter Web App"),
        ("  ", None),
        (None, None),
        (42, None),
        ("x" * 500, "x" * 200),
    ],
)
def test_client_name(raw: object, name: str | None) -> None:
    assert client_name(raw) == name


def test_v1_html_source_reads_as_the_bare_name(tmp_path: Path) -> None:
    ingest([DS / "x_v1_tweets.jsonl"], tmp_path / "ds")
    got = _clients(tmp_path / "ds") - {None}
    assert got and all("<" not in c and ">" not in c for c in got), got


def test_io_archive_and_mastodon_clients(tmp_path: Path) -> None:
    ingest([DS / "io_archive_tweets_csv_hashed.csv"], tmp_path / "io")
    assert _clients(tmp_path / "io") - {None}
    src = json.loads((FIX / "sources" / "mastodon_timeline.json").read_text(encoding="utf-8"))
    apps = {s["application"]["name"] for s in src if isinstance(s.get("application"), dict)}
    ingest([FIX / "sources" / "mastodon_timeline.json"], tmp_path / "m")
    assert _clients(tmp_path / "m") - {None} == apps


def test_csv_maps_client_and_strips_markup(tmp_path: Path) -> None:
    src = tmp_path / "p.csv"
    src.write_text(
        "post_id,account_id,created_at,text,app\n"
        'p1,a1,2024-05-01T10:00:00Z,hi,"<a href=""https://x"">Poster</a>"\n'
        "p2,a2,2024-05-01T10:00:00Z,hi,\n",
        encoding="utf-8",
    )
    ingest([src], tmp_path / "ds", mapping=["client=app"], platform="x")
    rows = pq.read_table(tmp_path / "ds" / "posts.parquet").to_pylist()
    assert {r["post_id"]: r["client"] for r in rows} == {"p1": "Poster", "p2": None}


def test_dataset_written_before_the_client_column(tmp_path: Path) -> None:
    """Old Datasets (no ``client`` column) open, append and detect; old rows read as null."""
    src = tmp_path / "old.csv"
    src.write_text(
        "post_id,account_id,created_at,text\n"
        + "".join(f"p{i},a{i % 4},2024-05-01T10:{i:02d}:00Z,post {i}\n" for i in range(20)),
        encoding="utf-8",
    )
    ds = tmp_path / "ds"
    ingest([src], ds, platform="x")
    posts = pq.read_table(ds / "posts.parquet")
    pq.write_table(posts.drop(["client"]), ds / "posts.parquet")  # as written before
    d = Dataset(ds).check()
    assert d.posts().column("client").null_count == 20
    assert d.posts(columns=["post_id", "client"]).num_columns == 2
    assert d.posts(columns=["post_id"]).column_names == ["post_id"]

    new = tmp_path / "new.csv"
    new.write_text(
        "post_id,account_id,created_at,text,client\nq1,a9,2024-05-02T10:00:00Z,later,Poster\n",
        encoding="utf-8",
    )
    ingest([new], ds, platform="x")
    rows = {r["post_id"]: r["client"] for r in Dataset(ds).check().posts().to_pylist()}
    assert len(rows) == 21 and rows["q1"] == "Poster" and rows["p0"] is None

    pq.write_table(Dataset(ds).posts().drop(["client"]), ds / "posts.parquet")
    with pytest.raises(SystemExit) as exc:
        main(["detect", str(ds), "--out", str(tmp_path / "F")])
    assert exc.value.code == 0
    assert (tmp_path / "F" / "groups.parquet").exists()
