"""The workspace: init, find (like git), migrations from empty, and both database backends."""

from __future__ import annotations

import json
import os

import pytest
from sqlalchemy import create_engine, inspect, text

from vigie.cases import Workspace
from vigie.cases.store import current_revision, migrate
from vigie.errors import VigieError

from .helpers import accs, make_findings

PG_URL = os.environ.get("VIGIE_TEST_PG_URL")


def test_init_layout_and_find_from_a_subfolder(tmp_path, monkeypatch):
    monkeypatch.delenv("VIGIE_WORKSPACE", raising=False)
    Workspace.init(tmp_path / "w").close()
    assert (tmp_path / "w" / "datasets").is_dir() and (tmp_path / "w" / "runs").is_dir()
    assert (tmp_path / "w" / "cases.db").exists()
    cfg = json.loads((tmp_path / "w" / "workspace.json").read_text())
    assert cfg["kind"] == "vigie-workspace" and cfg["db"] == "sqlite:///cases.db"
    deep = tmp_path / "w" / "runs" / "x" / "y"
    deep.mkdir(parents=True)
    found = Workspace.find(start=deep)
    assert found is not None and found.root == (tmp_path / "w").resolve()
    assert Workspace.find(start=tmp_path) is None
    monkeypatch.setenv("VIGIE_WORKSPACE", str(tmp_path / "w"))
    assert Workspace.find(start=tmp_path).root == (tmp_path / "w").resolve()
    # init again is harmless; a folder that is not a workspace is a clear error
    Workspace.init(tmp_path / "w")
    with pytest.raises(VigieError, match="not a vigie workspace"):
        Workspace.open(tmp_path)


def test_migrations_upgrade_an_empty_database(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    assert current_revision(engine) is None
    assert migrate(engine) == "0001"
    tables = set(inspect(engine).get_table_names())
    assert {"case_runs", "case_groups", "case_members", "case_decisions"} <= tables
    assert migrate(engine) == "0001"  # idempotent


def test_a_workspace_folder_is_portable(tmp_path):
    ws = Workspace.init(tmp_path / "w")
    run_dir = ws.new_run_dir()
    make_findings(run_dir, {"g1": accs("a", 5)})
    r = ws.register_run(run_dir)
    assert r.id == run_dir.name
    ws.close()
    (tmp_path / "w").rename(tmp_path / "moved")
    ws2 = Workspace.open(tmp_path / "moved")
    assert ws2.run().path == (tmp_path / "moved" / "runs" / r.id).resolve()
    ws2.close()


@pytest.mark.skipif(not PG_URL, reason="set VIGIE_TEST_PG_URL to test PostgreSQL")
def test_the_same_workflow_on_postgresql(tmp_path):
    assert PG_URL is not None
    engine = create_engine(PG_URL)
    with engine.begin() as conn:  # throw-away database: start from no case tables
        for t in ("case_decisions", "case_lineage", "case_members", "case_appearances",
                  "case_groups", "case_runs", "case_alembic_version"):  # fmt: skip
            conn.execute(text(f"DROP TABLE IF EXISTS {t} CASCADE"))
    engine.dispose()
    ws = Workspace.init(tmp_path / "w", db=PG_URL)
    assert not (tmp_path / "w" / "cases.db").exists()
    a, b = accs("a", 10), accs("b", 8)
    r1 = ws.register_run(make_findings(tmp_path / "f1", {"g1": a, "g2": b}))
    ws.decide("g2", "dismissed", reason="fandom", author="ana")
    r2 = ws.register_run(make_findings(tmp_path / "f2", {"g1": b, "g2": a + ["a999"]}))
    assert ws.local_ids(r2)["g1"] == ws.local_ids(r1)["g2"]
    assert next(g for g in ws.groups(r2) if g.local_id == "g1").status == "dismissed"
    assert [c.change for c in ws.diff().changes] == ["grown"]
    with ws.store.engine.begin() as conn, pytest.raises(Exception, match="append-only"):
        conn.execute(text("DELETE FROM case_decisions"))
    ws.close()
    same = Workspace.open(PG_URL)  # server mode: the store alone, by URL
    assert len(same.list_runs()) == 2
    same.close()


@pytest.mark.parametrize(
    ("url", "said"),
    [
        ("postgresql+psycopg://nobody@127.0.0.1:1/x", "Connection refused"),
        ("sqlite:////nonexistent-vigie-dir/x.db", "unable to open database file"),
    ],
)
def test_a_store_that_cannot_open_is_said_in_the_drivers_words(tmp_path, url, said):
    """A case store that cannot be reached was SQLAlchemy's message whole: the wrapper's
    class name, a line break and "Background on this error at: https://sqlalche.me/…".
    It is now the driver's words on one line."""
    pytest.importorskip("psycopg")
    with pytest.raises(VigieError) as err:
        Workspace.init(tmp_path / "ws", db=url)
    text = str(err.value)
    assert said in text and "\n" not in text, text
    assert "sqlalche.me" not in text and "(psycopg." not in text and "(sqlite3." not in text
