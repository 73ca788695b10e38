"""Uploading a file to the import wizard as a browser does, shared by the wizard's tests."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient


def upload(client: TestClient, name: str, body: bytes, mime: str) -> tuple[str, str, str]:
    """(csrf, upload token, the page the upload leads to) for ``body`` sent as ``name``."""
    csrf = re.search(r'name="csrf" content="([^"]+)"', client.get("/").text).group(1)
    r = client.post(
        "/import/upload",
        data={"csrf": csrf},
        files={"file": (name, body, mime)},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    token = r.headers["location"].split("upload=", 1)[1]
    return csrf, token, client.get(r.headers["location"]).text
