"""A Bluesky repository CAR uploaded to the import wizard: binary, so never cut by line for
the preview (its tree may come after its records); told by its header, previewed whole and
ingested as the command line does."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from vigie.cases.workspace import Workspace
from vigie.web.app import create_app
from vigie.web.settings import WebSettings

from .uploads import upload

CAR = Path(__file__).resolve().parents[1] / "fixtures" / "ingest" / "bluesky_car" / "repo.car"


def test_a_car_upload_is_previewed_and_ingested(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    Workspace.init(root).close()
    client = TestClient(create_app(WebSettings(workspace=root)), base_url="http://127.0.0.1:8765")
    csrf, token, page = upload(
        client, "did_plc_x.car", CAR.read_bytes(), "application/vnd.ipld.car"
    )
    assert "bluesky-car" in page
    form = {"csrf": csrf, "upload": token, "format": "auto"}
    shown = client.post("/import/preview", data=form).text
    assert "Les bureaux ferment" in shown and "Exactement." in shown
    r = client.post("/import/run", data={**form, "dataset": "car"}, follow_redirects=False)
    assert r.status_code == 303, r.text
    job = client.app.state.vigie.jobs.wait(r.headers["location"].rsplit("/", 1)[1], 120)
    assert job is not None and job.stage == "done", job and job.message
    assert "6 accepted" in job.message


def test_an_upload_named_dot_dot_is_kept_under_a_name_of_its_own(tmp_path: Path) -> None:
    """A file named ``..`` (or ``.``) passed the name filter and failed with a 500, leaving
    an empty upload folder: it is stored as ``upload`` and read."""
    root = tmp_path / "ws"
    Workspace.init(root).close()
    client = TestClient(create_app(WebSettings(workspace=root)), base_url="http://127.0.0.1:8765")
    for name in ("..", "."):
        csrf, token, page = upload(client, name, CAR.read_bytes(), "application/octet-stream")
        assert "bluesky-car" in page, name
