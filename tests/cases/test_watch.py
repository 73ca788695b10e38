"""``vigie watch``: new files are ingested, detected, diffed and alerted on (console, webhook
on a local server, audit log); a restart does not take the same files again."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from vigie.cases.watch import Watcher, check_webhook, post_webhook
from vigie.cli import main
from vigie.errors import VigieError
from vigie.exercise.generate import generate
from vigie.share.audit import AuditLog
from vigie.share.taxii.store import Store


class _Receiver:
    """A webhook receiver on 127.0.0.1 that keeps what it is sent."""

    def __init__(self) -> None:
        received = self.received = []

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                n = int(self.headers.get("Content-Length", 0))
                received.append(json.loads(self.rfile.read(n)))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args) -> None:  # quiet
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@pytest.mark.slow
def test_watch_ingests_new_files_detects_diffs_and_alerts(ws, tmp_path, capsys):
    generate("tiny", 8_000, 3, tmp_path / "ex", progress=False)
    posts = pq.read_table(tmp_path / "ex" / "posts.parquet")
    ts = posts.column("created_at").cast("int64")
    cut = sorted(ts.to_pylist())[int(posts.num_rows * 0.5)]
    drop = tmp_path / "drop"
    drop.mkdir()
    pq.write_table(posts.filter(pc.less(ts, cut)), drop / "day1.parquet")
    (drop / "accounts.parquet").write_bytes((tmp_path / "ex" / "accounts.parquet").read_bytes())
    with _Receiver() as hook:
        w = Watcher(ws, drop, webhook=hook.url, settle=0, author="night-shift")
        t1 = w.tick()
        assert sorted(t1.ingested) == ["accounts.parquet", "day1.parquet"] and not t1.failed
        assert t1.run is not None and t1.run.n_groups > 0
        assert {a["change"] for a in t1.alerts} == {"new"}  # the first run: all new
        assert len(t1.alerts) == t1.run.n_groups and t1.webhook == "sent"
        assert w.tick().run is None  # nothing new: no detection, no alert
        pq.write_table(posts.filter(pc.greater_equal(ts, cut)), drop / "day2.parquet")
        t2 = w.tick()
        assert t2.ingested == ["day2.parquet"] and t2.diff is not None
        expected = {c.id for c in t2.diff.alerts()}
        assert {a["id"] for a in t2.alerts} == expected
        assert all(a["change"] in ("new", "grown", "split") for a in t2.alerts)
        assert len(hook.received) == (2 if t2.alerts else 1)
        assert hook.received[0]["run"] == t1.run.id
        assert {a["id"] for a in hook.received[0]["alerts"]} == {a["id"] for a in t1.alerts}
    store = Store(ws.db_url)
    rows = [r.as_dict() for r in AuditLog(store).rows(action="watch.alert")]
    store.dispose()
    assert len(rows) == len(t1.alerts) + len(t2.alerts)
    assert rows[0]["actor"] == "night-shift" and rows[0]["detail"]["webhook"].startswith("127.")
    # the CLI, once: a restart finds nothing new (state kept in the workspace)
    capsys.readouterr()
    with pytest.raises(SystemExit) as done:
        main(["watch", str(drop), "--once", "--settle", "0", "-w", str(ws.root)])
    assert done.value.code == 0
    assert "nothing new" in capsys.readouterr().out


def test_watch_reports_a_bad_file_and_goes_on(ws, tmp_path):
    drop = tmp_path / "drop"
    drop.mkdir()
    (drop / "broken.jsonl").write_text("{not json\n")
    w = Watcher(ws, drop, settle=0)
    t = w.tick()
    assert "broken.jsonl" in t.failed and t.run is None
    assert w.tick().failed == {}  # not retried until it changes
    (drop / "broken.jsonl").write_text("{still not json\n")
    assert "broken.jsonl" in w.tick().failed


def test_webhook_urls_are_checked_and_failures_do_not_stop(tmp_path):
    for bad in ("file:///etc/passwd", "ftp://x/y", "127.0.0.1:80"):
        with pytest.raises(VigieError, match="--webhook"):
            check_webhook(bad)
    # nothing listens on this port: a reason, not an exception
    assert post_webhook("http://127.0.0.1:9/x", {"a": 1}, timeout=2).startswith("failed")


@pytest.mark.parametrize("name", ["../../etc", "a/b", "..", "/abs", ""])
def test_a_dataset_name_that_leaves_the_workspace_is_refused(ws, tmp_path, name):
    """``--dataset ../../etc`` ingested into a folder two levels above the workspace, and
    ``a/b`` into a nested one: the names the web workbench refuses are refused here too,
    before anything is read or written."""
    drop = tmp_path / "drop"
    drop.mkdir()
    with pytest.raises(VigieError, match="--dataset"):
        Watcher(ws, drop, dataset=name, settle=0)
    assert sorted(p.name for p in ws.datasets_dir.iterdir()) == []
    assert not (tmp_path / "etc").exists()


def test_a_file_still_being_written_is_said_and_left_for_the_next_look(ws, tmp_path, capsys):
    """A look that leaves a file for later (changed within ``--settle`` seconds) said
    "nothing new in FOLDER", as for an empty folder: someone who had just dropped an export
    and ran ``watch --once`` read that the export was not seen."""
    drop = tmp_path / "drop"
    drop.mkdir()
    (drop / "day1.jsonl").write_text("{not json yet\n")
    t = Watcher(ws, drop, settle=3600).tick()
    assert t.waiting == ["day1.jsonl"] and not t.ingested and not t.failed
    with pytest.raises(SystemExit) as done:
        main(["watch", str(drop), "--once", "--settle", "3600", "-w", str(ws.root)])
    assert done.value.code == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "1 file(s) changed in the last 3600 s (--settle)" in out and "day1.jsonl" in out
    assert "nothing else new" in out
    # once settled, it is taken (here: reported as not ingested, being no JSON)
    t = Watcher(ws, drop, settle=0).tick()
    assert t.waiting == [] and "day1.jsonl" in t.failed


def test_a_failed_look_is_said_and_the_next_one_detects_again(ws, tmp_path, monkeypatch, capsys):
    """A detection that failed (a full disk, a settings file being edited) ended the
    watch, a process meant to run for days, and the files it had ingested were not new
    at the next look, so no run ever came of them. The failed look is now said, the watch
    goes on, and the next look detects on what was ingested."""
    from vigie.cases.watch import Tick
    from vigie.detect import pipeline

    generate("tiny", 3_000, 2, tmp_path / "ex", progress=False)
    drop = tmp_path / "drop"
    drop.mkdir()
    (drop / "day1.parquet").write_bytes((tmp_path / "ex" / "posts.parquet").read_bytes())
    real = pipeline.run_detection

    def full_disk(*args, **kwargs):
        raise VigieError("no space left on device")

    monkeypatch.setattr(pipeline, "run_detection", full_disk)
    w = Watcher(ws, drop, settle=0)
    with pytest.raises(VigieError, match="no space left"):
        w.tick()
    monkeypatch.setattr(pipeline, "run_detection", real)
    t = w.tick()  # no new file: detected on what the failed look ingested
    assert t.ingested == [] and t.run is not None and t.run.n_groups > 0
    assert w.tick().run is None  # and only once
    # the command goes on after a failed look (a long watch, not --once)
    calls = iter([VigieError("no space left on device"), Tick()])

    def tick(self):
        step = next(calls)
        if isinstance(step, Exception):
            raise step
        return step

    sleeps = []

    def sleep(s):
        sleeps.append(s)
        if len(sleeps) == 2:
            raise SystemExit(0)

    monkeypatch.setattr(Watcher, "tick", tick)
    monkeypatch.setattr("time.sleep", sleep)
    capsys.readouterr()
    with pytest.raises(SystemExit):
        main(["watch", str(drop), "--every", "7", "-w", str(ws.root)])
    out = " ".join(capsys.readouterr().out.split())
    assert "this look failed: no space left on device; next look in 7 s" in out, out
    assert "nothing new in" in out and sleeps == [7.0, 7.0]


def test_a_file_or_folder_gone_during_a_look_is_no_traceback(ws, tmp_path, monkeypatch):
    """A file moved away between the folder's listing and its reading was a
    FileNotFoundError traceback that ended the watch; the watched folder removed (an
    unmounted share) too. The file is left (the next look sees it gone), the folder's
    loss is one line, which the command says and outlives."""
    import shutil

    from vigie.cases import watch

    drop = tmp_path / "drop"
    drop.mkdir()
    (drop / "gone.jsonl").write_text("{}\n")
    (drop / "bad.jsonl").write_text("{not json\n")
    real = watch._sha256

    def vanishing(path):
        if path.name == "gone.jsonl":
            raise FileNotFoundError(2, "No such file or directory", str(path))
        return real(path)

    monkeypatch.setattr(watch, "_sha256", vanishing)
    t = Watcher(ws, drop, settle=0).tick()
    assert list(t.failed) == ["bad.jsonl"] and t.ingested == []
    w = Watcher(ws, drop, settle=0)
    shutil.rmtree(drop)  # the share unmounted while watched
    with pytest.raises(VigieError, match="cannot list the watched folder"):
        w.tick()


def test_a_zipped_collection_dropped_in_the_folder_is_read_as_its_files(ws, tmp_path):
    """A collection arrives zipped (a tool's output folder of JSON Lines with its README):
    one look ingests every data file of the zip, names the README as not read, leaves no
    unpacked copy behind, and a second look finds nothing new."""
    import zipfile
    from pathlib import Path

    from vigie.ingest.api import ingest
    from vigie.schema import Dataset

    fix = Path(__file__).resolve().parents[1] / "fixtures" / "ingest"
    drop = tmp_path / "drop"
    drop.mkdir()
    with zipfile.ZipFile(drop / "export.zip", "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(fix / "x_v2_pages.jsonl", "collection/tweets.jsonl")
        zf.write(fix / "datasets" / "RC_2018-10_sample.ndjson", "collection/comments.ndjson")
        zf.writestr("collection/README.txt", "collected with twarc2 and pushshift\n")
    w = Watcher(ws, drop, settle=0)
    t = w.tick()
    assert t.ingested == ["export.zip"] and not t.failed, t.failed
    assert t.run is not None
    ingest([fix / "x_v2_pages.jsonl", fix / "datasets" / "RC_2018-10_sample.ndjson"],
           tmp_path / "plain")  # fmt: skip
    got, plain = Dataset(w.dataset).posts(), Dataset(tmp_path / "plain").posts()
    assert sorted(got.column("post_id").to_pylist()) == sorted(plain.column("post_id").to_pylist())
    sources = [s["path"] for s in Dataset(w.dataset).manifest()["sources"]]
    assert sources == [f"{drop / 'export.zip'}/collection/comments.ndjson",
                       f"{drop / 'export.zip'}/collection/tweets.jsonl"]  # fmt: skip
    leftovers = [q for d in (ws.datasets_dir, drop) for q in d.glob(".vigie-unpack*")]
    assert leftovers == []
    assert w.tick().ingested == []  # unchanged: not taken again
