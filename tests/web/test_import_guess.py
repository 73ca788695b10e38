"""The import wizard pre-selects, as "suggested", the columns whose names say which field
they hold (tweet_id -> post_id), so that the first preview a non-programmer sees reads the
file instead of failing for want of a mapping; columns already named like a field are left
to the default."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient

from vigie.web.app import create_app
from vigie.web.settings import WebSettings


def test_mapping_page_preselects_the_columns_names_suggest(workspace: Path) -> None:
    client = TestClient(
        create_app(WebSettings(workspace=workspace)), base_url="http://127.0.0.1:8765"
    )
    csrf = re.search(r'name="csrf" content="([^"]+)"', client.get("/").text).group(1)
    body = b"tweet_id,user_id,date,content,lang\n1,u1,2024-05-01 10:00:00,hallo,de\n"
    r = client.post(
        "/import/upload",
        data={"csrf": csrf},
        files={"file": ("export.csv", body, "text/csv")},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    page = client.get(r.headers["location"]).text
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
