"""A zip of several files uploaded to the import wizard: its data files are listed with the
format detected in each, then ingested as ``vigie ingest ARCHIVE.zip`` reads them (one source
per file, named ``ARCHIVE.zip/PATH``); media, and documents whose format cannot be told, are
named as not read."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from fastapi.testclient import TestClient

from vigie.cases.workspace import Workspace
from vigie.ingest import ingest
from vigie.schema import Dataset
from vigie.web.app import create_app
from vigie.web.settings import WebSettings

from .uploads import upload

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "ingest"


def _zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(FIX / "x_v2_pages.jsonl", "export/tweets.jsonl")
        zf.write(FIX / "datasets" / "RC_2018-10_sample.ndjson", "export/comments.ndjson")
        zf.writestr("export/photos/a.jpg", b"\xff\xd8")
        zf.writestr("export/README.txt", b"Collected on the 3rd\n")
    return buf.getvalue()


def test_a_zip_of_several_files_is_listed_and_ingested(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    Workspace.init(root).close()
    client = TestClient(create_app(WebSettings(workspace=root)), base_url="http://127.0.0.1:8765")
    csrf, token, page = upload(client, "export.zip", _zip(), "application/zip")
    rows = re.findall(r'<tr><td class="mono">([^<]+)</td><td>([^<]+)</td></tr>', page)
    assert rows == [
        ("export/README.txt", "not read: its format cannot be told (a document?)"),
        ("export/comments.ndjson", "pushshift"),
        ("export/tweets.jsonl", "x"),
    ]
    assert "export/photos/a.jpg" in page  # named as not read
    assert not list((root / "uploads" / token).glob(".vigie-unpack*"))  # the look cleaned up
    form = {"csrf": csrf, "upload": token, "format": "auto", "dataset": "both"}
    r = client.post("/import/run", data=form, follow_redirects=False)
    assert r.status_code == 303, r.text
    job = client.app.state.vigie.jobs.wait(r.headers["location"].rsplit("/", 1)[1], 120)
    # done: the README is not read, not a reason to refuse the zip
    assert job is not None and job.stage == "done", job and job.message
    assert "comments.ndjson:" in job.message and "tweets.jsonl:" in job.message
    # the same Dataset as the command line makes of the same zip
    (tmp_path / "export.zip").write_bytes(_zip())
    ingest([tmp_path / "export.zip"], tmp_path / "cli")
    web, cli = Dataset(root / "datasets" / "both"), Dataset(tmp_path / "cli")
    assert web.posts().num_rows == cli.posts().num_rows > 0
    assert sorted(web.posts().column("post_id").to_pylist()) == sorted(
        cli.posts().column("post_id").to_pylist()
    )
