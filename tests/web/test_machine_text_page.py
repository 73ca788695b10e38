"""The run's page of accounts whose posts hold a language model's own words.

Known answers: slips written into the workspace's Dataset for one group member and for one
account outside every group are listed, the member linked to its group, the outsider as
"none"; a repost of a slip is not; a Dataset written again is read again (the cache is per
version of the file); in team mode the page needs a session, like every page.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from fastapi.testclient import TestClient

from vigie.web.app import create_app
from vigie.web.settings import WebSettings

from .teamclient import signed_in, team_client

SLIP = "As an AI language model, I cannot express opinions, but here is a post: vote!"


def _plant(ds: Path, texts: dict[str, str], repost: str | None = None) -> None:
    """Give each account of ``texts`` one more post with that text (``repost``: one more
    account reposting the first such post)."""
    path = ds / "posts.parquet"
    t = pq.read_table(path)
    rows = []
    for i, (acc, text) in enumerate(texts.items()):
        row = t.filter(pa.compute.equal(t.column("account_id"), acc)).slice(0, 1).to_pylist()[0]
        rows.append({**row, "post_id": f"slip{i}", "text": text, "repost_of": None})
    if repost:
        row = t.filter(pa.compute.equal(t.column("account_id"), repost)).slice(0, 1).to_pylist()[0]
        rows.append({**row, "post_id": "reslip", "text": "RT @x: " + SLIP, "repost_of": "slip0"})
    merged = pa.concat_tables([t, pa.Table.from_pylist(rows, schema=t.schema)])
    pq.write_table(merged, path)


def _own_texts(ds: Path) -> int:
    """Posts with a text in their author's own words: not empty, no repost, no "RT @x"."""
    t = pq.read_table(ds / "posts.parquet", columns=["text", "repost_of"]).to_pylist()
    return sum(
        1
        for r in t
        if r["text"] and r["repost_of"] is None and not re.match(r"\s*RT @\w", r["text"])
    )


def _outsider(ws, ds: Path) -> str:
    """An account of the Dataset in no group of the run."""
    members = {m.split(":", 1)[-1] for g in ws.groups() for m in ws.members(g.id)}
    accounts = pq.read_table(ds / "posts.parquet", columns=["account_id"]).column(0).to_pylist()
    return next(a for a in sorted(set(accounts)) if a not in members)


def _own_dataset(workspace: Path) -> Path:
    """The copy's run reads the copy's Dataset (the shared workspace's run names its own by
    an absolute path), so that a test may write it."""
    manifest = workspace / "runs" / "first" / "manifest.json"
    m = json.loads(manifest.read_text())
    m["dataset"] = "datasets/election"
    manifest.write_text(json.dumps(m))
    return workspace / "datasets" / "election"


def test_lists_members_and_outsiders_who_slipped(workspace: Path) -> None:
    ds = _own_dataset(workspace)
    client = TestClient(create_app(WebSettings(workspace=workspace)), base_url="http://127.0.0.1")
    ws = client.app.state.vigie.ws
    run = ws.list_runs()[0]
    page = f"/runs/{run.id}/machine-text"
    run_page = client.get(f"/runs/{run.id}").text
    assert page in run_page  # the run page links to it, in its body, not in its <title>
    assert f"<title>Run #{run.seq} · vigie</title>" in run_page

    none = client.get(page)
    assert none.status_code == 200 and "No post of this run's Dataset" in none.text
    said = none.text.split("eight languages): ", 1)[1].split(" post(s)", 1)[0]
    assert int(said.replace(",", "").replace(" ", "")) == _own_texts(ds)  # what was searched

    group = ws.groups()[0]
    member = ws.members(group.id)[0].split(":", 1)[-1]
    outsider = _outsider(ws, ds)
    reposter = ws.members(group.id)[1].split(":", 1)[-1]
    _plant(ds, {outsider: SLIP, member: "I'm sorry, but I cannot fulfill this request."}, reposter)
    os.utime(ds / "posts.parquet", ns=(1, 10**18))  # another version, even within a second

    html = client.get(page).text
    assert "2 account(s) posted 2 post(s)" in html
    rows = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0].split("<tr>")[1:]
    listed = {r.split('<td class="mono">', 1)[1].split("<", 1)[0]: r for r in rows}
    assert set(listed) == {outsider, member}  # the reposter carries another's words
    assert f'href="/groups/{group.id}?run={run.id}"' in listed[member]
    assert "<td>none</td>" in listed[outsider]
    assert "As an AI language model, I cannot express opinions" in listed[outsider]


def test_a_dataset_without_texts_is_not_called_clean(workspace: Path) -> None:
    """A Dataset whose posts carry no text (ids of links and tags only) was not searched:
    the page says the absence is not known rather than "no post holds" one."""
    ds = _own_dataset(workspace)
    t = pq.read_table(ds / "posts.parquet")
    i = t.schema.get_field_index("text")
    pq.write_table(
        t.set_column(i, t.schema.field(i), pa.nulls(t.num_rows, pa.string())), ds / "posts.parquet"
    )
    client = TestClient(create_app(WebSettings(workspace=workspace)), base_url="http://127.0.0.1")
    run = client.app.state.vigie.ws.list_runs()[0]
    html = client.get(f"/runs/{run.id}/machine-text").text
    assert "Not known: no post of this run's Dataset holds a text in its author's own words" in html
    assert "No post of this run's Dataset holds a language model" not in html


def test_the_page_needs_a_session_in_team_mode(workspace: Path) -> None:
    client = team_client(workspace)
    run = client.app.state.vigie.ws.list_runs()[0]
    r = client.get(f"/runs/{run.id}/machine-text", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    assert signed_in(client, "viewer").get(f"/runs/{run.id}/machine-text").status_code == 200


def test_an_unknown_run_is_a_clear_error(workspace: Path) -> None:
    client = TestClient(
        create_app(WebSettings(workspace=workspace)),
        base_url="http://127.0.0.1",
        raise_server_exceptions=False,
    )
    r = client.get("/runs/no-such-run/machine-text")
    assert r.status_code in (400, 404) and "no-such-run" in r.text
