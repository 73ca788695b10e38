"""No dead end anywhere in the workbench.

What a crawl of every page found, each pinned here by a test of its own.
"""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient

from vigie.web.app import create_app
from vigie.web.settings import WebSettings

ORIGIN = "http://127.0.0.1:8765"
BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


def _single(workspace: Path) -> tuple[TestClient, str]:
    client = TestClient(
        create_app(WebSettings(workspace=workspace)), base_url=ORIGIN, raise_server_exceptions=False
    )
    m = re.search(r'name="csrf" content="([^"]+)"', client.get("/").text)
    assert m
    return client, m.group(1)


# --------------------------------------------------------------------------- what the crawl found
def test_share_preview_names_accounts_and_links_not_python_reprs(workspace: Path) -> None:
    """The preview printed ``SharedAccount(platform='x', user_id=…, display_name=None)``
    for every account and ``SharedURL(value=…, sha256=None)`` for every link: the template
    asked for attributes the view never had (``account_id``, ``url``) and fell back to the
    object. What the partner receives must read as ids, handles and URLs."""
    client, _ = _single(workspace)
    run = client.app.state.vigie.ws.list_runs()[0].id
    page = client.get(f"/share?run={run}&partner=internal&unreviewed=1", headers=BROWSER).text
    assert "Accounts as shared" in page
    assert "SharedAccount(" not in page and "SharedURL(" not in page and "None" not in page
    view = re.search(r"Accounts as shared:</b> <code>([^<]+)</code> @(\S+)", page)
    assert view and view.group(1).isdigit(), page[page.find("Accounts as shared") :][:300]
    assert re.search(r"Links as shared:</b> <code>https?://", page)


def test_sign_in_returns_to_the_whole_address_query_included(workspace: Path) -> None:
    """A colleague's link to a group *of one run*, a share preview or an import's mapping
    step sent a signed-out person to ``/login?next=PATH``: the query was dropped, so after
    signing in they saw another run's group, an empty share page, or — for
    ``/import/map`` without its ``upload`` — a raw 422 JSON error."""
    from vigie.web.users import Role

    app = create_app(WebSettings(workspace=workspace, team=True))
    app.state.vigie.directory.add("ana", "correct horse battery", Role.analyst)
    client = TestClient(app, base_url=ORIGIN, raise_server_exceptions=False)
    run = app.state.vigie.ws.list_runs()[0].id
    gid = app.state.vigie.ws.groups()[0].id
    for wanted in (f"/groups/{gid}?run={run}", f"/share?run={run}&partner=internal&unreviewed=1"):
        r = client.get(wanted, headers=BROWSER, follow_redirects=False)
        assert r.status_code == 303
        login = client.get(r.headers["location"], headers=BROWSER)
        nxt = re.search(r'name="next" value="([^"]+)"', login.text)
        assert nxt and nxt.group(1).replace("&amp;", "&") == wanted, r.headers["location"]
        r = client.post(
            "/login",
            data={"username": "ana", "password": "correct horse battery", "next": wanted},
            follow_redirects=False,
        )
        assert r.headers["location"] == wanted
        client.cookies.clear()


def test_error_pages_are_pages_with_the_menu_and_a_back_link_that_works(workspace: Path) -> None:
    """An old or mistyped address answered FastAPI's raw JSON (``{"detail":"Not Found"}``,
    or a 422 listing pydantic errors for ``/import/map`` without its upload) to a browser;
    every error page dropped the menu of the signed-in person, and its "Back" link,
    ``javascript:history.back()``, is one the workbench's own CSP forbids (nothing happened
    on click). Now: an HTML page saying what is wrong, the menu, and a real link back."""
    from vigie.web.app import CSP

    assert "script-src 'self'" in CSP and "unsafe-inline" not in CSP.split("script-src")[1]
    client, _ = _single(workspace)
    came_from = {"Referer": f"{ORIGIN}/runs", **BROWSER}
    for url, status, said in (
        ("/no-such-page", 404, "no page at /no-such-page"),
        ("/import/map", 400, "upload: field required"),
        ("/jobs/j-gone", 404, "no job"),
        ("/share/export", 405, "Method Not Allowed"),
    ):
        r = client.get(url, headers=came_from)
        assert r.status_code == status and r.headers["content-type"].startswith("text/html"), url
        assert said in r.text, (url, r.text[:300])
        assert "javascript:" not in r.text
        assert '<a href="/runs">Back</a>' in r.text, url
        assert 'href="/search"' in r.text, f"{url}: the menu is gone"
        assert len(re.findall(r"<h1[ >]", r.text)) == 1
    # a Referer from another site is no way back
    r = client.get("/no-such-page", headers={"Referer": "https://evil.example/x", **BROWSER})
    assert "evil.example" not in r.text and ">Back<" not in r.text
    # scripts still get plain text
    assert client.get("/no-such-page").headers["content-type"].startswith("text/plain")
