"""Search across runs, groups, pairs (edges) and decisions."""

from __future__ import annotations

from datetime import UTC, datetime

import pyarrow as pa
import pyarrow.parquet as pq

from .helpers import accs, make_findings


def _dataset(path, handles):
    path.mkdir(parents=True)
    pq.write_table(
        pa.table(
            {
                "account_id": list(handles),
                "platform": ["x"] * len(handles),
                "handle": list(handles.values()),
            }
        ),
        path / "accounts.parquet",
    )
    return path


def test_search_finds_accounts_handles_urls_domains_text_and_decisions(ws, tmp_path):
    a = accs("a", 5)
    ds = _dataset(tmp_path / "ds", {"a001": "LeVraiPatriote"})
    f = make_findings(
        tmp_path / "f1",
        {"g1": a, "g2": accs("b", 5)},
        objects={"g1": ["https://www.example.org/story"], "g2": ["#votez"]},
        dataset=str(ds),
    )
    r = ws.register_run(f)
    gid = ws.local_ids(r)["g1"]
    ws.decide("a003", "dismissed", reason="newsroom-and-feeds", kind="account", note="AFP feed")

    def where(q):
        return {(h.where, h.group_id) for h in ws.search(q)}

    assert ("member", gid) in where("a002")
    assert ("member", gid) in where("@levraipatriote")  # handle -> account id
    assert ("evidence", gid) in where("https://www.example.org/story")
    assert ("evidence", gid) in where("example.org")  # a domain
    assert ("evidence", gid) in where("look at https")  # text of the evidence posts
    assert ("decision", None) in where("AFP")  # a decision's note
    assert ("decision", None) in where("a003")
    assert ("group", gid) in where(gid.lower())
    assert ws.search("nothing-like-this") == []


def test_search_reads_pairs_and_edges_and_skips_deleted_runs(ws, tmp_path):
    f = make_findings(tmp_path / "f1", {"g1": accs("a", 4)})
    pq.write_table(
        pa.table({"source": ["p1"], "target": ["p2"], "kind": ["co_link"], "weight": [1.0],
                  "group_id": [None], "extra": [datetime(2026, 1, 1, tzinfo=UTC)]}),
        f / "edges.parquet",
    )  # fmt: skip
    from vigie.schema import PAIRS_SCHEMA, write_table

    pair = {"rank": 1, "account_id_a": "p1", "account_id_b": "p3", "kinds": ["co_link"]}
    write_table(pa.Table.from_pylist([pair], schema=PAIRS_SCHEMA), f / "pairs.parquet")
    ws.register_run(f)
    hits = ws.search("p1")
    assert {h.where for h in hits} == {"edge", "pair"}
    import shutil

    shutil.rmtree(f)
    assert ws.search("a001")[0].where == "member"  # the case store still knows


def test_search_refuses_a_query_too_long_to_look_for(ws):
    """was: a pasted text of 100,000 characters was a SQLAlchemy traceback (SQLite refuses
    a LIKE pattern over 50,000 bytes); now one line, and the longest query allowed works."""
    import pytest

    from vigie.cases.search import MAX_QUERY_CHARS
    from vigie.errors import VigieError

    with pytest.raises(VigieError, match="100,000 characters long"):
        ws.search("a" * 100_000)
    assert ws.search("a" * MAX_QUERY_CHARS) == []


def test_search_refuses_a_limit_sqlite_cannot_hold(ws, capsys):
    """was: ``vigie search x --limit 99999999999999999999`` was SQLAlchemy's OverflowError
    traceback (SQLite's LIMIT is a 64-bit integer); now one line naming the range, through
    the CLI as well, and the largest limit allowed works."""
    import pytest

    from vigie.cases.search import MAX_LIMIT
    from vigie.cli import main
    from vigie.errors import VigieError

    with pytest.raises(VigieError, match="give 1 to 1,000,000"):
        ws.search("a001", limit=10**20)
    assert ws.search("a001", limit=MAX_LIMIT) == []  # an empty workspace: asked, no hit
    with pytest.raises(SystemExit) as exit_:
        main(["search", "a001", "-w", str(ws.root), "--limit", str(10**20)])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "give 1 to 1,000,000 hits per source" in err
    assert "Traceback" not in err


def test_a_lone_sign_is_refused_and_a_text_hit_shows_its_match(ws, tmp_path, capsys):
    """``vigie search '#'`` (a tag not typed yet) looked for ``LIKE '%%'``: every evidence
    post of every run, 200 rows of noise. A text found after its 200th character was shown
    by its first 200 (the table, no match in sight), and a list cut at ``--limit`` did not
    say so."""
    import pytest

    from vigie.cli import main
    from vigie.errors import VigieError

    f = make_findings(
        tmp_path / "f1",
        {"g1": accs("a", 5), "g2": accs("b", 5)},
        objects={"g1": ["https://example.org/a"], "g2": ["#votez", "#votons", "#votez2"]},
    )
    ev = pq.read_table(f / "evidence.parquet")
    long_text = "word " * 80 + "the needle-story at the end"
    texts = [
        long_text if o == "https://example.org/a" else t
        for o, t in zip(ev.column("object").to_pylist(), ev.column("text").to_pylist(), strict=True)
    ]
    ev = ev.set_column(ev.schema.get_field_index("text"), "text", pa.array(texts))
    pq.write_table(ev, f / "evidence.parquet")
    ws.register_run(f)
    for lone in ("#", "@", " @# "):
        with pytest.raises(VigieError, match="names nothing"):
            ws.search(lone)
    (hit,) = ws.search("needle-story")
    assert hit.field == "text" and "the needle-story at the end" in hit.value
    capsys.readouterr()
    with pytest.raises(SystemExit) as done:
        main(["search", "#vot", "-w", str(ws.root), "--limit", "2"])
    assert done.value.code == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "evidence: the first 2 hits only; --limit N for more" in out, out


def test_a_handle_is_found_from_any_folder(ws, tmp_path, monkeypatch):
    """A workspace's run records its Dataset from the workspace's root (``datasets/main``,
    where the default detect runs); a search by handle run from another folder looked for it
    beside ``runs/`` and from the current folder, found no accounts table, and missed the
    member."""
    ds = _dataset(ws.root / "datasets" / "main", {"a001": "LeVraiPatriote"})
    f = make_findings(ws.root / "runs" / "r1", {"g1": accs("a", 5)}, dataset="datasets/main")
    gid = ws.local_ids(ws.register_run(f))["g1"]
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert ds.is_dir()
    assert ("member", gid) in {(h.where, h.group_id) for h in ws.search("@levraipatriote")}


def test_what_partners_sent_is_searched_too(ws, tmp_path):
    """Objects a partner sent (``vigie share import`` into the workspace's store) sat there
    with no way to ask them anything: a search now finds an account, URL or text a partner
    shared, naming the partner, the TLP and the day; ids, references and timestamps are no
    match (a short query would meet uuids)."""
    from vigie.share.stix_import import BundleStore

    bundle = {
        "type": "bundle",
        "id": "bundle--6d5a5c0e-1d3a-4b8e-9a34-0b1c9f0e7a11",
        "objects": [
            {
                "type": "user-account",
                "spec_version": "2.1",
                "id": "user-account--a0011111-2222-4333-8444-555566667777",
                "user_id": "1800917042",
                "account_login": "LeVraiPatriote",
            },
            {
                "type": "url",
                "spec_version": "2.1",
                "id": "url--a0011111-2222-4333-8444-555566668888",
                "value": "https://fake-news.example/story",
            },
        ],
    }
    with BundleStore(ws.root / "vigie-share.sqlite") as store:
        store.import_bundle(bundle, source="plateforme", validate=False)

    def partner(q):
        return [(h.field, h.value, h.detail[:26]) for h in ws.search(q) if h.where == "partner"]

    assert partner("1800917042") == [
        ("user-account.user_id", "1800917042", "from plateforme, TLP:AMBER")
    ]
    assert partner("@levraipatriote") == [
        ("user-account.account_login", "LeVraiPatriote", "from plateforme, TLP:AMBER")
    ]
    assert [f for f, _, _ in partner("fake-news.example")] == ["url.value"]
    assert partner("a0011111") == []  # only in ids
    assert partner("nothing-like-this") == []


def test_a_partners_hashed_form_is_matched_by_what_it_hashed(ws):
    """A partner at a lower trust sends accounts and links hashed (SHA-256 of
    ``platform:id``, of the canonical URI): a search for the account or the link, which we
    know, finds them, said to match "as its SHA-256"."""
    from vigie.ingest.urls import canonical_url
    from vigie.share.policy import hash_account, hash_value
    from vigie.share.shareable import as_uri
    from vigie.share.stix_import import BundleStore

    link = "https://Fake-News.example/story?utm_source=x"
    digest = hash_value(as_uri(canonical_url(link)))
    bundle = {
        "type": "bundle",
        "id": "bundle--6d5a5c0e-1d3a-4b8e-9a34-0b1c9f0e7a12",
        "objects": [
            {
                "type": "user-account",
                "spec_version": "2.1",
                "id": "user-account--b0011111-2222-4333-8444-555566667777",
                "user_id": hash_account("telegram", "1800917042"),
            },
            {
                "type": "indicator",
                "spec_version": "2.1",
                "id": "indicator--b0011111-2222-4333-8444-555566668888",
                "created": "2026-01-01T00:00:00.000Z",
                "modified": "2026-01-01T00:00:00.000Z",
                "pattern": f"[url:x_vigie_sha256 = '{digest}']",
                "pattern_type": "stix",
                "valid_from": "2026-01-01T00:00:00Z",
            },
        ],
    }
    with BundleStore(ws.root / "vigie-share.sqlite") as store:
        store.import_bundle(bundle, source="plateforme", validate=False)

    def partner(q):
        return [
            (h.field, h.detail.endswith("as its SHA-256"))
            for h in ws.search(q)
            if h.where == "partner"
        ]

    assert partner("1800917042") == [("user-account.user_id", True)]
    assert partner(link) == [("indicator.pattern", True)]
    assert partner("1800917043") == []


def test_like_wildcards_in_a_query_are_letters(ws, tmp_path):
    """``%`` and ``_`` reached the LIKE patterns as wildcards: a query of ``%%`` or ``__``
    found every evidence post and decision. They are looked for as written."""
    f = make_findings(
        tmp_path / "f1",
        {"g1": accs("a", 5)},
        objects={"g1": ["https://www.example.org/story"]},
    )
    ws.register_run(f)
    ws.decide("a003", "dismissed", reason="newsroom-and-feeds", kind="account", note="AFP feed")
    assert ws.search("example.org")  # a real query still finds
    for q in ("%%", "__", "%a%", "a_0"):
        assert ws.search(q) == [], q
