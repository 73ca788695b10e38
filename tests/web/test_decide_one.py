"""A decision on one account or one pair, taken in the browser.

Why through the pages' own forms: ``POST /decisions`` existed, but no page offered a form
for it, so an analyst could not dismiss one news outlet caught in an amplification group or
decide on a strong tie outside groups. These tests read the form a page renders for a
person, submit exactly its fields (as a browser would, with a status, reason and note
chosen), and check what the case store and the audit log then hold and what the pages show.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from fastapi.testclient import TestClient

from .teamclient import signed_in, team_client
from .test_crawl import Form, parse, write_ties


def _decision_forms(html: str) -> dict[str, Form]:
    """The page's forms posting to /decisions, by their target."""
    return {
        dict(f.fields)["target"]: f
        for f in parse(html).forms
        if f.method == "post" and f.action == "/decisions"
    }


def _options(html: str, target: str, select: str) -> list[str]:
    """The values a person may pick in ``select`` of the form deciding on ``target``."""
    start = html.index(f'name="target" value="{target}"')
    form = html[start : html.index("</form>", start)]
    block = re.search(rf'<select name="{select}">(.*?)</select>', form, re.S)
    assert block, form
    found = re.findall(r'<option( value="[^"]*")?>([^<]*)<', block[1])
    return [v[len(' value="') : -1] if v else t for v, t in found]


def _submit(client: TestClient, form: Form, **chosen: str) -> str:
    """Post the form's own fields with what the person chose; the page it leads to."""
    fields = dict(form.fields)
    assert set(chosen) <= set(fields), (chosen, fields)
    r = client.post(form.action, data={**fields, **chosen}, follow_redirects=False)
    assert r.status_code == 303, r.text[:400]
    return r.headers["location"]


def _group_page(client: TestClient) -> tuple[str, str, str]:
    ws = client.app.state.vigie.ws
    g = ws.groups()[0]
    return f"/groups/{g.id}?run={g.run_id}", g.id, g.run_id


def _member_row(html: str, account: str) -> str:
    start = html.index(f'<tr id="member-{account}"')
    return html[start : html.index("</tr>", start)]


def test_each_member_has_a_decision_form_for_analysts_and_none_for_viewers(
    workspace: Path,
) -> None:
    client = team_client(workspace)
    url, gid, run = _group_page(client)
    members = [m.split(":", 1)[1] for m in client.app.state.vigie.ws.members(gid, run)]

    viewer = signed_in(client, "viewer").get(url).text
    assert _decision_forms(viewer) == {}
    assert "no decision" in _member_row(viewer, members[0])

    analyst = signed_in(client, "analyst").get(url).text
    forms = _decision_forms(analyst)
    assert sorted(forms) == sorted(members)
    fields = dict(forms[members[0]].fields)
    assert fields["kind"] == "account" and fields["run"] == run
    assert fields["back"] == f"{url}#member-{members[0]}"
    assert _options(analyst, members[0], "status") == ["needs-review"]
    from vigie.cases.decisions import REASONS

    assert _options(analyst, members[0], "reason") == ["", *REASONS]

    reviewer = signed_in(client, "reviewer").get(url).text
    assert _options(reviewer, members[0], "status") == ["needs-review", "confirmed", "dismissed"]


def test_an_analyst_flags_one_member_through_the_page_and_sees_it_there(workspace: Path) -> None:
    client = signed_in(team_client(workspace), "analyst")
    ws = client.app.state.vigie.ws
    url, gid, run = _group_page(client)
    account = ws.members(gid, run)[3].split(":", 1)[1]
    form = _decision_forms(client.get(url).text)[account]

    back = _submit(client, form, status="needs-review", reason="activists", note="check bio")

    assert back == f"{url}#member-{account}"
    (d,) = ws.history(account, kind="account")
    assert (d.target_kind, d.target, d.status, d.reason, d.note, d.author, d.run_id) == (
        "account",
        account,
        "needs-review",
        "activists",
        "check bio",
        "analyst",
        run,
    )
    assert ws.group(gid, run).history == []  # the group itself is not decided on
    page = client.get(back.split("#")[0]).text
    row = _member_row(page, account)
    assert 'class="badge needs-review">needs-review' in row and "activists" in row
    assert "analyst," in row and d.decided_at.strftime("%Y-%m-%d %H:%M") in row
    listed = page[page.index('id="member-decisions"') :]
    assert f'href="#member-{account}"' in listed[: listed.index("</ul>")]
    assert "check bio" in listed[: listed.index("</ul>")]
    (audit,) = client.app.state.vigie.audit_rows(actor="analyst", action="web.triage")
    detail = json.loads(audit.detail)
    assert audit.object_id == account
    assert (detail["kind"], detail["status"], detail["reason"], detail["run"]) == (
        "account",
        "needs-review",
        "activists",
        run,
    )


def test_a_reviewer_dismisses_a_news_outlet_caught_in_a_group(workspace: Path) -> None:
    client = signed_in(team_client(workspace), "reviewer")
    ws = client.app.state.vigie.ws
    url, gid, run = _group_page(client)
    account = ws.members(gid, run)[0].split(":", 1)[1]
    form = _decision_forms(client.get(url).text)[account]
    _submit(client, form, status="dismissed", reason="newsroom-and-feeds", note="a newsroom")
    assert account in ws.dismissed_accounts()
    row = _member_row(client.get(url).text, account)
    assert 'class="badge dismissed">dismissed' in row and "newsroom-and-feeds" in row
    assert row.startswith(f'<tr id="member-{account}" class="status-dismissed">')  # greyed
    # the decision is where an analyst looks later: the search across runs lists it
    found = client.get(f"/search?q={account}").text
    assert re.search(r"<td>decision</td>.*?dismissed \(newsroom-and-feeds\) by reviewer", found)
    # deciding again appends; the row shows the latest, its history both
    form = _decision_forms(client.get(url).text)[account]
    _submit(client, form, status="needs-review", reason="")
    row = _member_row(client.get(url).text, account)
    assert 'class="badge needs-review">needs-review' in row and "History" not in row
    assert "<summary>Decide… (2)</summary>" in row and "a newsroom" in row
    assert [d.status for d in ws.history(account, kind="account")] == ["dismissed", "needs-review"]


def test_a_pair_outside_groups_is_decided_on_the_run_page(workspace: Path) -> None:
    pairs = write_ties(workspace)
    client = team_client(workspace)
    ws = client.app.state.vigie.ws
    run = ws.list_runs()[0].id
    url = f"/runs/{run}?min_size=2"  # a filtered view: the way back keeps it

    assert _decision_forms(signed_in(client, "viewer").get(url).text) == {}
    page = signed_in(client, "reviewer").get(url).text
    forms = _decision_forms(page)
    targets = [" ".join(sorted(p)) for p in pairs]
    assert sorted(forms) == sorted(targets)
    alone = targets[1]
    assert dict(forms[alone].fields)["kind"] == "pair"

    back = _submit(client, forms[alone], status="dismissed", reason="coincidence", note="x")

    assert back == f"{url}#pair-2"
    (d,) = ws.history(alone.split(), kind="pair")
    assert (d.target, d.status, d.reason, d.author, d.run_id) == (
        alone,
        "dismissed",
        "coincidence",
        "reviewer",
        run,
    )
    assert tuple(alone.split()) in ws.dismissed_pairs()
    page = client.get(url).text
    row = page[page.index('<tr id="pair-2" class="status-dismissed">') :]
    row = row[: row.index("</tr>")]
    assert 'class="badge dismissed">dismissed' in row and "coincidence" in row
    assert "reviewer," in row
    first = page[page.index('<tr id="pair-1">') :]
    assert "no decision" in first[: first.index("</tr>")]
    (audit,) = client.app.state.vigie.audit_rows(actor="reviewer", action="web.triage")
    assert json.loads(audit.detail)["kind"] == "pair" and audit.object_id == alone


def test_an_analyst_asks_for_review_of_a_pair(workspace: Path) -> None:
    pairs = write_ties(workspace)
    client = signed_in(team_client(workspace), "analyst")
    ws = client.app.state.vigie.ws
    run = ws.list_runs()[0].id
    target = " ".join(sorted(pairs[0]))
    page = client.get(f"/runs/{run}").text
    assert _options(page, target, "status") == ["needs-review"]
    _submit(client, _decision_forms(page)[target], status="needs-review", note="same minute")
    assert ws.status_of(target, kind="pair") == "needs-review"
    assert ws.history(target, kind="pair")[0].author == "analyst"


def test_a_search_the_workspace_refuses_is_said_on_the_search_page(workspace: Path) -> None:
    """``#`` alone (a tag not typed yet) is refused by the search: the page said so on a
    bare error page, the query lost; it is now said above the search box, which keeps it.
    A list cut at the page's limit says so, with how to get all."""
    from vigie.web.views import search as view

    client = signed_in(team_client(workspace), "viewer")
    page = client.get("/search?q=%23%23", headers={"Accept": "text/html"})
    assert page.status_code == 400
    assert 'class="error" role="alert">search: &#39;##&#39; names nothing' in page.text
    assert 'name="q" value="##"' in page.text and "Search across runs" in page.text
    view.LIMIT = 2
    try:
        page = client.get("/search?q=es", headers={"Accept": "text/html"}).text
    finally:
        view.LIMIT = 300
    assert re.search(r"place\(s\) found for <b>es</b>\. [a-z, ]+: the first 2 only", page), page
