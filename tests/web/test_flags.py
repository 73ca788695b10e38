"""Yes/no fields of the workbench's forms: read strictly, never by Python's truthiness.

``bool("0")`` is true: a client that posted ``unreviewed=0`` to the share export shared the
groups nobody confirmed with the partner, the opposite of what it asked. Every checkbox and
yes/no field now goes through ``deps.flag``: 1/on/true/yes is on, absent/empty/0/off/false/no
is off, anything else is a refusal naming the field.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from vigie.errors import VigieError
from vigie.web.app import create_app
from vigie.web.deps import flag
from vigie.web.settings import WebSettings


@pytest.mark.parametrize("raw", [None, "", " ", "0", "off", "False", "NO", ["0", "off"]])
def test_off(raw: object) -> None:
    assert flag(raw, "unreviewed") is False


@pytest.mark.parametrize("raw", ["1", "on", "TRUE", "yes", ["1", "on"]])
def test_on(raw: object) -> None:
    assert flag(raw, "unreviewed") is True


@pytest.mark.parametrize("raw", ["2", "maybe", "-1", "nan", ["1", "0"]])
def test_anything_else_is_refused_naming_the_field(raw: object) -> None:
    with pytest.raises(VigieError, match="unreviewed"):
        flag(raw, "unreviewed")


def _shared_groups(workspace: Path, run: str) -> int:
    bundle = json.loads((workspace / "exports" / f"{run}-internal.stix.json").read_text())
    return sum(o["type"] == "intrusion-set" for o in bundle["objects"])


def test_unreviewed_0_shares_no_unconfirmed_group(workspace: Path) -> None:
    client = TestClient(
        create_app(WebSettings(workspace=workspace)),
        base_url="http://127.0.0.1:8765",
        raise_server_exceptions=False,
    )
    run = client.app.state.vigie.ws.list_runs()[0]
    assert run.n_groups > 0  # none confirmed: every group is unreviewed
    csrf = re.search(r'name="csrf" content="([^"]+)"', client.get("/").text).group(1)

    def export(**extra: str) -> int:
        data = {"csrf": csrf, "run": run.id, "partner": "", **extra}
        r = client.post("/share/export", data=data, follow_redirects=False)
        assert r.status_code == 303, r.text
        return _shared_groups(workspace, run.id)

    assert export() == 0
    assert export(unreviewed="0") == 0  # was: every unreviewed group
    assert export(unreviewed="false") == 0
    assert export(unreviewed="1") == run.n_groups
    r = client.post(
        "/share/export",
        data={"csrf": csrf, "run": run.id, "partner": "", "unreviewed": "perhaps"},
        follow_redirects=False,
    )
    assert r.status_code == 400 and "unreviewed" in r.text
    # the preview page reads its query the same way
    page = client.get(f"/share?run={run.id}&unreviewed=0").text
    assert "also groups nobody confirmed" in page and 'value="1" checked' not in page
