"""Values a form should not hold, posted anyway: each is a 400 naming what is wrong, and
nothing is recorded. Found by posting every write of the workbench with each field missing,
repeated or replaced by hostile values (602 posts): a run id or a server path longer than
the file system allows was a 500 (the OS refused the name), and a decision of an unknown
kind was recorded as a decision on an account."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient

from vigie.web.app import create_app
from vigie.web.settings import WebSettings

LONG = "x" * 5_000


def _client(workspace: Path) -> tuple[TestClient, str]:
    client = TestClient(
        create_app(WebSettings(workspace=workspace)),
        base_url="http://127.0.0.1:8765",
        raise_server_exceptions=False,
    )
    csrf = re.search(r'name="csrf" content="([^"]+)"', client.get("/").text).group(1)
    return client, csrf


def test_a_run_id_too_long_for_a_file_name_is_no_such_run(workspace: Path) -> None:
    client, csrf = _client(workspace)
    gid = client.app.state.vigie.ws.groups()[0].id
    posts = [
        (f"/groups/{gid}/triage", {"status": "needs-review", "run": LONG}),
        ("/share/export", {"run": LONG, "partner": ""}),
    ]
    for path, data in posts:
        r = client.post(path, data={**data, "csrf": csrf}, follow_redirects=False)
        assert r.status_code == 400, (path, r.status_code, r.text[-300:])
        assert "no run 'xxxx" in r.text and "…" in r.text and LONG not in r.text
    assert client.app.state.vigie.ws.group(gid).status == "unreviewed"


def test_a_server_path_too_long_is_no_such_file(workspace: Path) -> None:
    client, csrf = _client(workspace)
    r = client.post(
        "/import/upload", data={"path": "/" + LONG, "csrf": csrf}, follow_redirects=False
    )
    assert r.status_code == 400, r.text[-300:]
    assert "no such file on this machine" in r.text and LONG not in r.text
    assert not any((workspace / "uploads").glob("*/*"))  # its upload folder was removed


def test_a_decision_of_an_unknown_kind_is_refused_and_not_recorded(workspace: Path) -> None:
    client, csrf = _client(workspace)
    ws = client.app.state.vigie.ws
    acc = ws.members(ws.groups()[0].id)[0].split(":", 1)[1]
    data = {"kind": "planet", "target": acc, "status": "dismissed", "reason": "fandom"}
    r = client.post("/decisions", data={**data, "csrf": csrf}, follow_redirects=False)
    assert r.status_code == 400 and "neither account nor pair" in r.text
    assert acc not in ws.dismissed_accounts()
    r = client.post(
        "/decisions", data={**data, "kind": "account", "csrf": csrf}, follow_redirects=False
    )
    assert r.status_code == 303
    assert acc in ws.dismissed_accounts()


def test_a_field_sent_twice_is_refused_before_anything_is_read(workspace: Path) -> None:
    """was: read as the text of a Python list ("['confirmed', 'dismissed']"), refused or
    not depending on the field; no page sends a field twice."""
    client, csrf = _client(workspace)
    ws = client.app.state.vigie.ws
    gid = ws.groups()[0].id
    data = {"status": ["needs-review", "confirmed"], "csrf": csrf}
    r = client.post(f"/groups/{gid}/triage", data=data, follow_redirects=False)
    assert r.status_code == 400 and "'status' sent 2 times" in r.text
    assert ws.group(gid).status == "unreviewed"
    r = client.post(
        f"/groups/{gid}/triage",
        data={"status": "needs-review", "csrf": csrf},
        follow_redirects=False,
    )
    assert r.status_code == 303 and ws.group(gid).status == "needs-review"


def test_the_group_page_names_members_a_partner_shared_too(workspace: Path) -> None:
    """What partners sent (vigie share import or pull, into the workspace's store) sat unseen
    beside the group a reviewer reads; the group page names its members a partner shared
    too, by id or by the SHA-256 of ``platform:id`` a hashed form holds, with who and the TLP."""
    import pyarrow.parquet as pq

    from vigie.share.policy import hash_account
    from vigie.share.stix_import import BundleStore

    client, _ = _client(workspace)
    ws = client.app.state.vigie.ws
    gid = ws.groups()[0].id
    page = client.get(f"/groups/{gid}").text
    assert 'id="by-partners"' not in page  # nothing received yet: nothing said
    state = ws.group(gid)
    table = pq.read_table(ws.run(state.run_id).path / "members.parquet").to_pylist()
    mine = [m for m in table if m["group_id"] == state.local_id][:2]
    assert len(mine) == 2
    objects = [
        {
            "type": "user-account",
            "spec_version": "2.1",
            "id": f"user-account--d0011111-2222-4333-8444-55556666777{i}",
            "user_id": user,
        }
        for i, user in enumerate(
            [mine[0]["account_id"], hash_account(mine[1]["platform"], mine[1]["account_id"])]
        )
    ]
    bundle = {"type": "bundle", "id": "bundle--6d5a5c0e-1d3a-4b8e-9a34-0b1c9f0e7a14"}
    with BundleStore(workspace / "vigie-share.sqlite") as store:
        store.import_bundle({**bundle, "objects": objects}, source="plateforme", validate=False)
    page = client.get(f"/groups/{gid}").text
    line = re.search(r'<p id="by-partners">(.*?)</p>', page, re.S)
    assert line and "Shared by partners too: 2 member(s)" in line[1], page[-500:]
    assert all(m["account_id"] in line[1] for m in mine) and "plateforme, TLP:AMBER" in line[1]
