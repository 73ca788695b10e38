"""The decisions page: every decision of the workspace — on groups, accounts and pairs —
newest first, filtered, paged, downloadable as CSV, and each with a link to where it can be
seen. Driven as a person would: the page's own form, its links, its CSV link."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from fastapi.testclient import TestClient

from vigie.web.app import create_app
from vigie.web.settings import WebSettings

from .teamclient import signed_in, team_client
from .test_crawl import parse, write_ties

BROWSER = {"Accept": "text/html"}
LONG_NOTE = ("Seen the same evening on three channels; " * 5).strip()


def _decide_all_kinds(client: TestClient, pairs: list[tuple[str, str]]) -> dict[str, object]:
    """A group confirmed, a member dismissed, a pair inside groups and one outside."""
    ws = client.app.state.vigie.ws
    g = ws.groups()[0]
    member = ws.members(g.id)[0].split(":", 1)[1]
    return {
        "group": ws.decide(g.id, "confirmed", reason="coordinated-inauthentic", author="ana"),
        "account": ws.decide(
            member,
            "dismissed",
            reason="newsroom-and-feeds",
            note=LONG_NOTE,
            kind="account",
            author="bo",
        ),  # fmt: skip
        "inside": ws.decide(pairs[0], "needs-review", kind="pair", author="ana", note="tie"),
        "outside": ws.decide(pairs[1], "dismissed", reason="coincidence", kind="pair", author="cy"),
    }


def _rows(html: str) -> dict[int, str]:
    """The page's decision rows by sequence number (their HTML)."""
    return {
        int(m[1]): m[2] for m in re.finditer(r'<tr id="decision-(\d+)"[^>]*>(.*?)</tr>', html, re.S)
    }


def _where(row: str) -> list[str]:
    cell = row[row.index('<td class="where">') :]
    return [u.replace("&amp;", "&") for u in re.findall(r'href="([^"]+)"', cell)]


def test_the_page_lists_every_kind_and_each_link_shows_it(workspace: Path) -> None:
    pairs = write_ties(workspace)
    client = team_client(workspace)
    ws = client.app.state.vigie.ws
    made = _decide_all_kinds(client, pairs)
    run = ws.list_runs()[0]

    page = signed_in(client, "viewer").get("/decisions", headers=BROWSER).text
    rows = _rows(page)
    assert list(rows) == sorted((d.seq for d in made.values()), reverse=True)  # newest first
    assert "4 in this workspace" in page
    for d in made.values():
        row = rows[d.seq]
        assert f'<b class="target">{d.target}</b>' in row and f"<td>{d.author}</td>" in row
        assert f'class="badge {d.status}">{d.status}</span>' in row
        assert d.decided_at.strftime("%Y-%m-%d %H:%M:%S") in row
        assert f'<a href="/runs/{run.id}">#{run.seq}</a>' in row
        if d.reason:
            assert f"<td>{d.reason}</td>" in row
    long = rows[made["account"].seq]  # a long note shortened, whole on demand
    assert f"<summary>{LONG_NOTE[:80]}…</summary>{LONG_NOTE}</details>" in long
    assert '<td class="note">tie</td>' in rows[made["inside"].seq]

    group, account = made["group"], made["account"]
    assert _where(rows[group.seq]) == [f"/groups/{group.target}?run={run.id}"]
    held = [g.id for g in ws.groups(run) if f"x:{account.target}" in ws.members(g.id, run)]
    assert _where(rows[account.seq]) == [
        f"/groups/{g}?run={run.id}#member-{account.target}" for g in sorted(held)
    ]
    assert _where(rows[made["outside"].seq]) == [f"/runs/{run.id}#pairs"]
    for d in made.values():
        for url in _where(rows[d.seq]):
            r = client.get(url, headers=BROWSER)
            assert r.status_code == 200, url
            target = urlsplit(url).fragment
            for shown in [target] if target.startswith("member-") else d.target.split():
                assert shown in r.text, (url, shown)
    writes = [f.action for f in parse(page).forms if f.method == "post"]
    assert writes == ["/logout"]  # read-only: the filters are a GET form


def test_each_filter_of_the_form_narrows_the_list(workspace: Path) -> None:
    pairs = write_ties(workspace)
    client = signed_in(team_client(workspace), "analyst")
    made = _decide_all_kinds(client, pairs)
    form = next(f for f in parse(client.get("/decisions").text).forms if f.action == "/decisions")
    assert [k for k, _ in form.fields] == ["kind", "status", "author", "q", "since", "until"]
    day = made["group"].decided_at.date().isoformat()
    seq = {k: d.seq for k, d in made.items()}
    for chosen, expected in (
        ({"kind": "pair"}, ["outside", "inside"]),
        ({"kind": "account"}, ["account"]),
        ({"kind": "group"}, ["group"]),
        ({"status": "dismissed"}, ["outside", "account"]),
        ({"author": "ana"}, ["inside", "group"]),
        ({"q": "EVENING"}, ["account"]),  # in the note, any case
        ({"q": "coincidence"}, ["outside"]),  # the reason
        ({"q": made["inside"].target.split()[0]}, ["inside"]),  # the target
        ({"since": day, "until": day}, ["outside", "inside", "account", "group"]),
        ({"until": "2000-01-01"}, []),
        ({"kind": "pair", "author": "cy", "status": "dismissed"}, ["outside"]),
    ):
        r = client.get("/decisions", params={**dict(form.fields), **chosen}, headers=BROWSER)
        assert r.status_code == 200, (chosen, r.text[:300])
        assert list(_rows(r.text)) == [seq[k] for k in expected], chosen
        if not expected:
            assert "No decision matches these filters." in r.text
    r = client.get("/decisions?since=yesterday", headers=BROWSER)
    assert r.status_code == 400 and "since: &#39;yesterday&#39; is not a day" in r.text


def test_paging_follows_its_links_without_gap_or_repeat(workspace: Path) -> None:
    client = signed_in(team_client(workspace), "viewer")
    ws = client.app.state.vigie.ws
    accounts = [m.split(":", 1)[1] for g in ws.groups()[:8] for m in ws.members(g.id)]
    made = [
        ws.decide(accounts[i % len(accounts)], "needs-review", kind="account", author="ana").seq
        for i in range(230)
    ]
    url = "/decisions?kind=account"
    seen: list[int] = []
    pages = []
    while url:
        html = client.get(url, headers=BROWSER).text
        pages.append(list(_rows(html)))
        seen += pages[-1]
        if len(pages) == 2:  # a colleague decides meanwhile: nothing shifts
            ws.decide(accounts[0], "needs-review", kind="account", author="bo")
        older = re.search(r'<a href="([^"]+)" rel="next"', html)
        url = older[1].replace("&amp;", "&") if older else ""
        if url:
            assert parse_qs(urlsplit(url).query)["kind"] == ["account"]  # filters kept
    assert [len(p) for p in pages] == [100, 100, 30]
    assert seen == sorted(made, reverse=True)
    html = client.get(f"/decisions?kind=account&before={pages[1][-1]}", headers=BROWSER).text
    newer = re.search(r'<a href="([^"]+)" rel="prev"', html)
    assert newer
    back = client.get(newer[1].replace("&amp;", "&"), headers=BROWSER).text
    assert list(_rows(back)) == pages[1]
    assert client.get("/decisions?before=x", headers=BROWSER).status_code == 400


def test_the_csv_is_the_filtered_list_with_formulas_neutralised(workspace: Path) -> None:
    pairs = write_ties(workspace)
    client = signed_in(team_client(workspace), "viewer")
    ws = client.app.state.vigie.ws
    made = _decide_all_kinds(client, pairs)
    evil = '=HYPERLINK("https://evil.example","open")'
    ws.decide(made["account"].target, "needs-review", kind="account", note=evil, author="-bo")
    for query in ({}, {"kind": "account"}, {"status": "dismissed", "q": "e"}):
        page = client.get("/decisions", params=query, headers=BROWSER).text
        link = re.search(r'<a href="([^"]+)" id="decisions-csv"', page)
        assert link
        r = client.get(link[1].replace("&amp;", "&"))
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
        assert "attachment" in r.headers["content-disposition"]
        rows = list(csv.reader(io.StringIO(r.text)))
        assert rows[0][:5] == ["seq", "decided_at", "author", "kind", "target"]
        assert [int(x[0]) for x in rows[1:]] == list(_rows(page)), query
        for x in rows[1:]:
            assert not any(c.startswith(("=", "+", "-", "@")) for c in x), x
    every = list(csv.reader(io.StringIO(client.get("/decisions.csv").text)))
    newest = dict(zip(every[0], every[1], strict=True))
    assert newest["note"] == "'" + evil and newest["author"] == "'-bo"
    assert newest["target"] == made["account"].target and newest["kind"] == "account"


def test_a_viewer_reads_it_and_anonymous_is_sent_to_sign_in(workspace: Path) -> None:
    client = team_client(workspace)
    for url in ("/decisions?kind=pair", "/decisions.csv?kind=pair"):
        r = client.get(url, follow_redirects=False)
        assert r.status_code == 303
        loc = urlsplit(r.headers["location"])
        assert loc.path == "/login" and parse_qs(loc.query)["next"] == [url]
    for who in ("viewer", "analyst", "reviewer", "admin"):
        html = signed_in(client, who).get("/", headers=BROWSER).text
        assert '<a href="/decisions" >Decisions</a>' in html, who
        page = client.get("/decisions", headers=BROWSER)
        assert page.status_code == 200 and "<h1>Decisions" in page.text
        assert not [
            f for f in parse(page.text).forms if f.method == "post" and f.action != "/logout"
        ]
    single = TestClient(
        create_app(WebSettings(workspace=workspace)), base_url="http://127.0.0.1:8765"
    )
    assert '<a href="/decisions" >Decisions</a>' in single.get("/", headers=BROWSER).text
    assert single.get("/decisions", headers=BROWSER).status_code == 200
