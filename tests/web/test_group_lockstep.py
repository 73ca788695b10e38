"""A group page says why a member with no tie is there: the lockstep test placed it (its
strength reads 0), with what it touched of the group's objects against chance."""

from __future__ import annotations

import json
import re
from pathlib import Path

from .teamclient import signed_in, team_client


def _member_row(html: str, account: str) -> str:
    start = html.index(f'<tr id="member-{account}"')
    return html[start : html.index("</tr>", start)]


def test_members_placed_by_lockstep_say_so(workspace: Path) -> None:
    client = signed_in(team_client(workspace), "viewer")
    ws = client.app.state.vigie.ws
    g, other = ws.groups()[:2]
    mine = [m.split(":", 1)[1] for m in ws.members(g.id)]
    theirs = [m.split(":", 1)[1] for m in ws.members(other.id)]
    run = sorted((workspace / "runs").iterdir())[0]
    manifest = json.loads((run / "manifest.json").read_text(encoding="utf-8"))
    placed = [
        {"group_id": g.local_id, "account_id": mine[-1], "observed": 12,
         "expected": 0.8125, "p_value": 3.5e-11,
         "objects": ["at:afpfr lemondefr", "tag:stopue", "article:la-france-envoie-6123"]},
        {"group_id": other.local_id, "account_id": theirs[-1], "observed": 4,
         "expected": 0.2, "p_value": 1e-6},
    ]  # fmt: skip
    manifest.setdefault("graph", {})["lockstep"] = {"added": 2, "members": placed}
    (run / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    page = client.get(f"/groups/{g.id}").text
    assert re.search(r"1 member joined by the lockstep test", page)
    row = _member_row(page, mine[-1])
    assert "lockstep 12 vs 0.81" in row and "p = 3.5e-11" in row
    assert 'data-sort="0"' in row  # sorted by strength as the 0 it is
    assert "@afpfr + @lemondefr tagged together; #stopue; article la-france-envoie-6123" in row
    assert "lockstep" not in _member_row(page, mine[0])  # a tied member: its strength
    other_page = client.get(f"/groups/{other.id}").text
    assert "lockstep 4 vs 0.20" in _member_row(other_page, theirs[-1])
    assert "lockstep" not in _member_row(other_page, theirs[0])
    # a run whose manifest lists nobody placed: no paragraph, every strength shown
    manifest["graph"]["lockstep"] = {"added": 0, "members": []}
    (run / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert 'id="lockstep"' not in client.get(f"/groups/{g.id}").text
