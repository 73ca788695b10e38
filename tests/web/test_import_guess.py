"""The import wizard for a table as a non-programmer brings it: the columns whose names say
which field they hold are pre-selected as "suggested" (tweet_id -> post_id), and the times
may be day first or milliseconds, as the command line's --dayfirst and --date-format read
them (a refusal naming an option the browser lacked was a dead end)."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

from fastapi.testclient import TestClient

from vigie.web.app import create_app
from vigie.web.settings import WebSettings

from .uploads import upload


def _upload(client: TestClient, body: bytes) -> tuple[str, str, str]:
    """(csrf, upload token, the mapping page) for ``body`` uploaded as a CSV."""
    return upload(client, "export.csv", body, "text/csv")


def _local(workspace: Path) -> TestClient:
    app = create_app(WebSettings(workspace=workspace))
    return TestClient(app, base_url="http://127.0.0.1:8765")


def test_mapping_page_preselects_the_columns_names_suggest(workspace: Path) -> None:
    client = _local(workspace)
    body = b"tweet_id,user_id,date,content,lang\n1,u1,2024-05-01 10:00:00,hallo,de\n"
    _, _, page = _upload(client, body)
    selects = re.findall(r'<select name="map_(\w+)"(.*?)</select>', page, re.S)
    chosen = {
        field: m.group(1)
        for field, block in selects
        if (m := re.search(r'<option value="([^"]+)" selected>', block))
    }
    assert chosen == {
        "post_id": "tweet_id",
        "account_id": "user_id",
        "created_at": "date",
        "text": "content",
    }
    # lang is named like its field: the default, not a suggestion
    assert page.count('<em class="muted">suggested</em>') == 4


def test_day_first_and_millisecond_times_are_read_from_the_browser(workspace: Path) -> None:
    client = _local(workspace)
    body = b"post_id,account_id,created_at,text\n1,a,31/12/2024 23:59,eins\n"
    body += b"2,b,01/06/2024 08:00,zwei\n"
    csrf, token, _ = _upload(client, body)
    base = {"csrf": csrf, "upload": token, "platform": "x", "format": "auto"}
    refused = client.post("/import/preview", data=base).text
    assert "31/12/2024" in refused and "2024-12-31" not in refused  # every row refused
    shown = client.post("/import/preview", data={**base, "dates": "dayfirst"}).text
    assert "2024-12-31 23:59" in shown and "2024-06-01 08:00" in shown
    r = client.post(
        "/import/run",
        data={**base, "dates": "dayfirst", "dataset": "dayfirst"},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    job = client.app.state.vigie.jobs.wait(r.headers["location"].rsplit("/", 1)[1], 120)
    assert job is not None and job.stage == "done", job and job.message
    assert (workspace / "datasets" / "dayfirst" / "posts.parquet").exists()

    ms = b"post_id,account_id,created_at,text\n1,a,1735689540000,eins\n"
    csrf, token, _ = _upload(client, ms)
    base = {"csrf": csrf, "upload": token, "platform": "x", "format": "auto"}
    shown = client.post("/import/preview", data={**base, "dates": "epoch-ms"}).text
    assert "2024-12-31 23:59" in shown
    pattern = {**base, "dates": "pattern", "date_pattern": "%d.%m.%Y"}  # the wrong one
    said = unescape(client.post("/import/preview", data=pattern).text)
    assert "does not match the \"Times written as\" choice '%d.%m.%Y'" in said  # the form's field
