"""A group page lists the strong ties outside groups that touch its members, each with the
decision control a run page's pairs have, capped at ``MAX_PAIRS`` rows."""

from __future__ import annotations

import re
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from vigie.web.views.groups import MAX_PAIRS

from .teamclient import signed_in, team_client
from .test_crawl import write_ties
from .test_decide_one import _decision_forms, _submit


def _ties(html: str) -> list[tuple[str, str]]:
    """(account A, account B) of each row of the page's ties table, in order."""
    start = html.index('id="tie-table"')
    body = html[start : html.index("</table>", start)]
    return re.findall(r'<tr id="tie-\d+"[^>]*><td>([^<]*)</td><td>([^<]*)</td>', body)


def _write(workspace: Path, rows: list[tuple[str, str, str | None, str | None]]) -> None:
    """pairs.parquet as detection writes it: the groups (local ids) of each account."""
    run = sorted((workspace / "runs").iterdir())[0]
    n = len(rows)
    pq.write_table(
        pa.table(
            {
                "rank": list(range(1, n + 1)),
                "account_id_a": [r[0] for r in rows],
                "account_id_b": [r[1] for r in rows],
                "kinds": [["co_link"]] * n,
                "observed": [100 - i % 50 for i in range(n)],
                "expected": [0.5] * n,
                "p_value": [1e-9 * (i + 1) for i in range(n)],
                "group_id_a": pa.array([r[2] for r in rows], pa.string()),
                "group_id_b": pa.array([r[3] for r in rows], pa.string()),
            }
        ),
        run / "pairs.parquet",
    )


def test_the_group_page_lists_its_members_ties_strongest_first_and_capped(
    workspace: Path,
) -> None:
    client = signed_in(team_client(workspace), "viewer")
    ws = client.app.state.vigie.ws
    g, other = ws.groups()[:2]
    mine = [m.split(":", 1)[1] for m in ws.members(g.id)]
    theirs = [m.split(":", 1)[1] for m in ws.members(other.id)]
    rows = [(mine[0], f"out{i:04d}", g.local_id, None) for i in range(MAX_PAIRS + 5)]
    rows.insert(3, ("out-b", mine[1], None, g.local_id))  # the member second
    rows.insert(1, (theirs[0], "out-x", other.local_id, None))  # another group's tie
    rows.insert(2, ("out-y", "out-z", None, None))  # no group at all
    _write(workspace, rows)

    html = client.get(f"/groups/{g.id}?run={g.run_id}").text
    shown = _ties(html)
    touching = [(a, b) for a, b, ga, gb in rows if g.local_id in (ga, gb)]
    assert len(shown) == MAX_PAIRS
    assert shown == touching[:MAX_PAIRS]  # strongest (smallest p-value) first
    assert f"{len(touching)}, the {MAX_PAIRS} strongest shown" in html
    assert f"{len(touching) - MAX_PAIRS} more, weaker" in html
    assert ("out-y", "out-z") not in shown and (theirs[0], "out-x") not in shown
    assert _decision_forms(html) == {}  # a viewer reads, decides nothing

    theirs_page = client.get(f"/groups/{other.id}?run={other.run_id}").text
    assert _ties(theirs_page) == [(theirs[0], "out-x")]


def test_a_tie_is_decided_from_the_group_page_and_shown_there(workspace: Path) -> None:
    pairs = write_ties(workspace)  # an older run's pairs.parquet: no group_id columns
    client = signed_in(team_client(workspace), "reviewer")
    ws = client.app.state.vigie.ws
    inside = " ".join(sorted(pairs[0]))
    g = next(x for x in ws.groups() if f"x:{pairs[0][0]}" in ws.members(x.id))
    url = f"/groups/{g.id}?run={g.run_id}"
    html = client.get(url).text
    assert pairs[0] in _ties(html) and pairs[1] not in _ties(html)  # by the members' ids
    forms = _decision_forms(html)
    form = forms[inside]
    fields = dict(form.fields)
    assert (fields["kind"], fields["run"]) == ("pair", g.run_id)
    row = _ties(html).index(pairs[0]) + 1
    assert fields["back"] == f"{url}#tie-{row}"

    back = _submit(client, form, status="dismissed", reason="coincidence", note="same bot")

    assert back == f"{url}#tie-{row}"
    (d,) = ws.history(inside, kind="pair")
    assert (d.status, d.reason, d.note, d.author, d.run_id) == (
        "dismissed",
        "coincidence",
        "same bot",
        "reviewer",
        g.run_id,
    )
    page = client.get(url).text
    tr = page[page.index(f'<tr id="tie-{row}"') :]
    tr = tr[: tr.index("</tr>")]
    assert tr.startswith(f'<tr id="tie-{row}" class="status-dismissed">')
    assert 'class="badge dismissed">dismissed' in tr and "coincidence" in tr

    analyst = signed_in(client, "analyst").get(url).text
    start = analyst.index(f'name="target" value="{inside}"')
    form_html = analyst[start : analyst.index("</form>", start)]
    assert "confirmed" not in form_html and "needs review" in form_html


def test_no_ties_is_said_in_words(workspace: Path) -> None:
    client = signed_in(team_client(workspace), "viewer")
    g = client.app.state.vigie.ws.groups()[0]
    html = client.get(f"/groups/{g.id}?run={g.run_id}").text
    assert 'id="ties"' in html
    assert "No strong tie outside groups touches a member of this group in this run." in html


def test_ties_across_platforms_name_each_account_with_its_platform(workspace: Path) -> None:
    """Ties whose accounts are of several platforms show ``platform:id`` (a tie across
    platforms reads as one); the decision still names the pair by its ids."""
    client = signed_in(team_client(workspace), "viewer")
    ws = client.app.state.vigie.ws
    g = ws.groups()[0]
    mine = [m.split(":", 1)[1] for m in ws.members(g.id)]
    run = sorted((workspace / "runs").iterdir())[0]
    pq.write_table(
        pa.table(
            {
                "rank": [1, 2],
                "account_id_a": [mine[0], mine[1]],
                "account_id_b": ["tg-7", "x-9"],
                "kinds": [["co_link"]] * 2,
                "observed": [9, 8],
                "expected": [0.5, 0.5],
                "p_value": [1e-9, 2e-9],
                "group_id_a": [g.local_id, g.local_id],
                "group_id_b": pa.array([None, None], pa.string()),
                "platform_a": ["x", "x"],
                "platform_b": ["telegram", "x"],
            }
        ),
        run / "pairs.parquet",
    )
    html = client.get(f"/groups/{g.id}?run={g.run_id}").text
    assert _ties(html) == [(f"x:{mine[0]}", "telegram:tg-7"), (f"x:{mine[1]}", "x:x-9")]


def test_the_network_draws_each_member_of_one_id_on_two_platforms(workspace: Path) -> None:
    """The group page's network keyed nodes by id: a member of one id on a second platform
    (detection keeps them apart) was drawn on the first one's node, with both's ties. Each
    is now its own node, ``platform:id``, its ties its own."""
    client = signed_in(team_client(workspace), "viewer")
    ws = client.app.state.vigie.ws
    g = ws.groups()[0]
    run = ws.run(g.run_id).path
    members = pq.read_table(run / "members.parquet")
    mine = [m for m in members.to_pylist() if m["group_id"] == g.local_id]
    twin = {**mine[0], "platform": "telegram", "strength": 0.1}
    pq.write_table(
        pa.Table.from_pylist([*members.to_pylist(), twin], schema=members.schema),
        run / "members.parquet",
    )
    edges = pq.read_table(run / "edges.parquet")
    rows = edges.to_pylist()
    for e in rows:
        e["source_platform"] = e["target_platform"] = "x"
    rows.append({**rows[0], "source": twin["account_id"], "target": mine[1]["account_id"],
                 "source_platform": "telegram", "target_platform": "x", "kind": "copypasta",
                 "group_id": g.local_id})  # fmt: skip
    pq.write_table(pa.Table.from_pylist(rows, schema=edges.schema), run / "edges.parquet")
    data = client.get(f"/groups/{g.id}/network.json?run={g.run_id}").json()
    ids = [n["id"] for n in data["nodes"]]
    a, b = mine[0]["account_id"], mine[1]["account_id"]
    assert f"telegram:{a}" in ids and f"x:{a}" in ids and len(ids) == len(set(ids))
    tg = [e for e in data["edges"] if f"telegram:{a}" in (e["source"], e["target"])]
    assert [sorted((e["source"], e["target"])) for e in tg] == [sorted((f"telegram:{a}", f"x:{b}"))]
    assert tg[0]["kinds"] == ["copypasta"]
