"""No dead end anywhere in the workbench: a crawler clicks everything, for every role.

Why a crawler: each page is tested on its own elsewhere, but a person moves *between* pages:
a link rendered with a wrong id, a form posting to a path no route serves, a page that
500s only when reached with the query another page built, a "Back" link the CSP blocks.
Those live in the seams no single-page test looks at. So, on a workspace with real content
(two detections, a confirmed group, an account and a pair decision, a risk study, a share
export, an upload waiting for its mapping), this module crawls breadth-first from ``/`` —
every same-origin ``<a href>``, ``<link>``/``<img>``/``<script src>``, ``<iframe src>``
and the ``data-src`` a page's script fetches, plus each GET form submitted with the values
it shows — as each role of team mode, anonymously, and in single-user mode, then checks:

* no 5xx anywhere, and no 404 or 403 for a link the app itself rendered (naming the page);
* the pages each role must reach are reached (unreached GET routes are printed with why);
* every ``<form>``'s action is a route that accepts its method;
* every HTML page has a ``<title>`` and exactly one ``<h1>``;
* no visible text is a Python repr, a traceback, ``None``, ``nan`` or a template leftover;
* pages a role may not see answer 403 (or 303 to the sign-in) without their content.

and that an address that no longer leads anywhere (a bookmark to a deleted run's group,
a restarted server's job) is a readable 4xx page with a way back, never a 500 or JSON.

Limits, on purpose: POST forms are checked against the routes, not submitted (a crawler
pressing "Disable" or "Sign out" would end its own walk; the writes are attacked in
test_access.py). Pages of one route are fetched up to ``PER_ROUTE`` times per crawl (the
first ones found, breadth-first; on this workspace none is capped); further links to that
route would only be checked to match it, so the module stays well under a minute on a shared
machine. JavaScript is not run: the URLs the scripts build (``/jobs/ID`` as JSON,
``/import/preview``) are tested where they are used. The workbench has no page of its own
for an account, a pair or help: accounts and pairs are rows of the run, group and search
pages, help is docs/web.md; the crawl cannot reach pages that do not exist, so it does not
claim to. ``POST /decisions`` (one account or one pair) had no form on any page, which the
report printed; each member row of a group page and each pair of a run page now has one,
checked here like every form and submitted in test_decide_one.py.
"""

from __future__ import annotations

import io
import re
import shutil
import time
from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.routing import Match

from vigie.web.app import create_app
from vigie.web.settings import WebSettings
from vigie.web.users import Role

ORIGIN = "http://127.0.0.1:8765"
PASSWORD = "correct horse battery"
BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
MAX_FETCHES = 2000  # per crawl: above what the cap below lets through
PER_ROUTE = 60  # pages fetched per route template per crawl
WHO = ["anonymous", "viewer", "analyst", "reviewer", "admin", "single-user"]

# GET routes each role must reach by clicking (route templates, as app.routes names them)
EVERYONE = {
    "/",
    "/runs",
    "/runs/{run_id}",
    "/groups/{gid}",
    "/groups/{gid}/network.json",
    "/diff",
    "/decisions",
    "/decisions.csv",
    "/search",
    "/risk",
    "/risk/{name}",
    "/risk/{name}/report",
    "/jobs/{job_id}",
    "/static",
}
ANALYST = EVERYONE | {"/import", "/import/map", "/share"}
REVIEWER = ANALYST | {"/audit", "/share/files/{name}"}
MUST_REACH: dict[str, set[str]] = {
    "anonymous": {"/login", "/static"},
    "viewer": EVERYONE,
    "analyst": ANALYST,
    "reviewer": REVIEWER,
    "admin": REVIEWER | {"/people"},
    "single-user": REVIEWER,  # people are a team-mode matter: not in single-user's menu
}
WHY_UNREACHED = {
    "/login": "signed-in people are never sent to the sign-in page",
    "/people": "people and roles are shown to team-mode administrators only",
    "/import": "importing needs the analyst role",
    "/import/map": "step 2 of an import, after an upload (analyst)",
    "/share": "sharing needs the analyst role",
    "/audit": "the audit log needs the reviewer role",
    "/share/files/{name}": "export files are downloaded by reviewers",
}

WHY_NO_FORM = {
    "/import/preview": "the mapping page's script posts it, with the X-CSRF-Token header",
    "/share/publish": "its form shows only when vigie serve has --taxii-config",
    "/risk/{name}/accept": "its button shows only when a run's proposals raise a likelihood",
}

# Visible text that means the template printed a value it should have said in words.
LEFTOVERS = [
    (re.compile(r"Traceback \(most recent call last\)"), "a traceback"),
    (re.compile(r"(?<!\w)None(?! +[a-z])"), "None"),  # "None in this run." is English
    (re.compile(r"\b(?:nan|NaN|NaT|inf)\b"), "nan/inf"),
    (re.compile(r"\{\{|\}\}|\{%|%\}|\{#|#\}"), "a template leftover"),
    (re.compile(r"<[\w.]+ object at 0x[0-9a-f]+>"), "an object repr"),
    (re.compile(r"\b(?:Posix|Windows)?Path\('|datetime\.\w+\(|Decimal\('"), "a value repr"),
    (re.compile(r"\b[A-Z]\w+\(\w+="), "a dataclass repr"),
    (re.compile(r"\['|'\]|\{'|: None\b"), "a list or dict repr"),
    (re.compile(r"\bUndefined\b|jinja2\."), "a Jinja leftover"),
]


# --------------------------------------------------------------------------- the parser
@dataclass
class Form:
    method: str
    action: str  # as written; "" means the page's own URL
    fields: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Html:
    """What the crawler needs from one page: its links, forms, title, h1s and visible text."""

    links: list[tuple[str, str]] = field(default_factory=list)  # (tag.attr, url)
    forms: list[Form] = field(default_factory=list)
    title: str = ""
    h1: list[str] = field(default_factory=list)
    text: list[str] = field(default_factory=list)
    attrs: list[str] = field(default_factory=list)  # values a person reads (value, title…)


class _Parser(HTMLParser):
    LINKS = {("a", "href"), ("link", "href"), ("img", "src"), ("script", "src")}
    LINKS |= {("iframe", "src"), ("div", "data-src")}  # the report; network.js's JSON
    READ = ("value", "title", "placeholder", "alt", "aria-label", "label")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out = Html()
        self._hidden = 0  # inside <script>/<style>
        self._in: list[str] = []  # open tags we collect text for: title, h1, option, textarea
        self._buf: dict[str, str] = {}
        self._form: Form | None = None
        self._select: tuple[str, list[tuple[str, bool]]] | None = None
        self._option: dict[str, Any] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        for t, attr in self.LINKS:
            if tag == t and attr in a:
                self.out.links.append((f"{tag}.{attr}", a[attr]))
        self.out.attrs += [a[k] for k in self.READ if a.get(k)]
        if tag in ("script", "style"):
            self._hidden += 1
        elif tag in ("title", "h1", "textarea"):
            self._in.append(tag)
            self._buf[tag] = ""
        if tag == "form":
            self._form = Form(a.get("method", "get").lower() or "get", a.get("action", ""))
            self.out.forms.append(self._form)
        elif tag == "input" and self._form is not None and a.get("name"):
            kind = a.get("type", "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self._form.fields.append((a["name"], a.get("value", "on")))
            elif kind not in ("submit", "button", "file", "image", "reset"):
                self._form.fields.append((a["name"], a.get("value", "")))
        elif tag == "textarea" and self._form is not None:
            self._buf["textarea_name"] = a.get("name", "")
        elif tag == "select":
            self._select = (a.get("name", ""), [])
        elif tag == "option" and self._select is not None:
            self._option = {"value": a.get("value"), "selected": "selected" in a, "text": ""}

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._hidden = max(0, self._hidden - 1)
        elif tag in self._in:
            self._in.remove(tag)
            text = " ".join(self._buf.pop(tag, "").split())
            if tag == "title":
                self.out.title = text
            elif tag == "h1":
                self.out.h1.append(text)
            elif tag == "textarea" and self._form is not None:
                name = self._buf.pop("textarea_name", "")
                if name:
                    self._form.fields.append((name, text))
        elif tag == "option" and self._option is not None and self._select is not None:
            o = self._option
            value = o["value"] if o["value"] is not None else o["text"].strip()
            self._select[1].append((value, o["selected"]))
            self._option = None
        elif tag == "select" and self._select is not None:
            name, options = self._select
            chosen = [v for v, sel in options if sel] or [v for v, _ in options[:1]]
            if self._form is not None and name and chosen:
                self._form.fields.append((name, chosen[0]))
            self._select = None
        elif tag == "form":
            self._form = None

    def handle_data(self, data: str) -> None:
        if self._hidden:
            return
        if self._option is not None:
            self._option["text"] += data
        for tag in self._in:
            self._buf[tag] = self._buf.get(tag, "") + data
        if data.strip():
            self.out.text.append(data.strip())


def parse(text: str) -> Html:
    p = _Parser()
    p.feed(text)
    p.close()
    return p.out


# --------------------------------------------------------------------------- the crawler
@dataclass
class Visit:
    url: str
    status: int
    route: str | None
    via: str  # the page that linked it (or "seed")
    kind: str  # page, asset, json
    location: str = ""
    html: Html | None = None


@dataclass
class Crawl:
    """One person's walk: what was fetched, every link and form each page rendered."""

    who: str
    visits: dict[str, Visit] = field(default_factory=dict)
    links: list[tuple[str, str, str]] = field(default_factory=list)  # (page, tag.attr, url)
    forms: list[tuple[str, Form]] = field(default_factory=list)
    capped: list[tuple[str, str, str]] = field(default_factory=list)  # (page, url, route)
    seconds: float = 0.0

    def routes(self) -> set[str]:
        return {v.route for v in self.visits.values() if v.route and v.status < 400}


def app_routes(app: FastAPI) -> list[Any]:
    """The app's routes and mounts, with those of included routers in place (recent
    FastAPI keeps an included router as one entry, ``original_router`` holding its routes;
    older versions copied them into ``app.routes``)."""
    out: list[Any] = []

    def walk(routes: list[Any]) -> None:
        for r in routes:
            inner = getattr(r, "original_router", None)
            if inner is None:
                out.append(r)
                continue
            assert not r.include_context.prefix, "a prefixed router: route_of would miss it"
            walk(inner.routes)

    walk(list(app.routes))
    return out


def route_of(app: FastAPI, method: str, path: str) -> tuple[str | None, bool]:
    """The route template serving ``path`` and whether it accepts ``method``."""
    scope = {"type": "http", "path": path, "root_path": "", "method": method.upper()}
    partial = None
    for r in app_routes(app):
        match, _ = r.matches(scope)
        if match == Match.FULL:
            return r.path, True
        if match == Match.PARTIAL and partial is None:
            partial = r.path
    return partial, False


def _local(url: str, base: str) -> str | None:
    """The same-origin path?query of a link, or None (other site, fragment, javascript:)."""
    if url.startswith(("#", "mailto:", "data:")):
        return None
    absolute = urljoin(ORIGIN + base, url)
    parts = urlsplit(absolute)
    if f"{parts.scheme}://{parts.netloc}" != ORIGIN or parts.scheme not in ("http", "https"):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def crawl(client: TestClient, who: str, seeds: list[str]) -> Crawl:
    """Breadth-first from ``seeds``, following what every HTML page renders."""
    app: FastAPI = client.app  # type: ignore[assignment]
    out = Crawl(who)
    queue: deque[tuple[str, str, str]] = deque((s, "seed", "a.href") for s in seeds)
    per_route: dict[str, int] = {}
    seen: set[str] = set()
    start = time.monotonic()
    while queue and len(out.visits) < MAX_FETCHES:
        url, via, how = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        path = urlsplit(url).path
        route, _ = route_of(app, "GET", path)
        key = route or path
        if per_route.get(key, 0) >= PER_ROUTE and key != "/static":
            out.capped.append((via, url, key))
            continue
        per_route[key] = per_route.get(key, 0) + 1
        json_wanted = how == "div.data-src"
        headers = {"Accept": "application/json"} if json_wanted else dict(BROWSER)
        if via != "seed":  # Referrer-Policy same-origin: a browser names the page it left
            headers["Referer"] = ORIGIN + via
        r = client.get(url, headers=headers, follow_redirects=False)
        ctype = r.headers.get("content-type", "")
        kind = "page" if ctype.startswith("text/html") else "json" if "json" in ctype else "asset"
        visit = Visit(url, r.status_code, route, via, kind, r.headers.get("location", ""))
        out.visits[url] = visit
        if r.is_redirect:
            target = _local(visit.location, path)
            if target is not None:
                queue.append((target, url, "redirect"))
            continue
        if kind != "page" or how == "iframe.src":  # the report: the library's own HTML
            continue
        visit.html = html = parse(r.text)
        for tag_attr, link in html.links:
            out.links.append((url, tag_attr, link))
            target = _local(link, path)
            if target is not None:
                queue.append((target, url, tag_attr))
        for f in html.forms:
            out.forms.append((url, f))
            if f.method == "get":  # a filter, a search, a preview: press its button
                target = _local(f.action or url, path)
                if target is not None:
                    action = urlsplit(target).path
                    query = urlencode(f.fields)
                    queue.append((action + (f"?{query}" if query else ""), url, "form"))
    out.seconds = time.monotonic() - start
    return out


# --------------------------------------------------------------------------- the workspace
def _csrf(client: TestClient) -> str:
    m = re.search(r'name="csrf" content="([^"]+)"', client.get("/").text)
    assert m, "no CSRF token on the home page"
    return m.group(1)


def _post(client: TestClient, path: str, **fields: Any) -> str:
    """A write as its page's form makes it; the page it sends the person to next."""
    files = fields.pop("files", None)
    r = client.post(path, data=fields, files=files, follow_redirects=False)
    assert r.status_code == 303, (path, r.status_code, r.text[:400])
    return r.headers["location"]


def _detect(client: TestClient, csrf: str, label: str) -> str:
    job_url = _post(client, "/runs", csrf=csrf, dataset="election", label=label)
    job_id = job_url.rsplit("/", 1)[1]
    job = client.app.state.vigie.jobs.wait(job_id, 120)  # type: ignore[attr-defined]
    assert job.state == "done", job.message
    return job_url


def _content(client: TestClient) -> list[str]:
    """Real content through the pages' own forms; the pages they lead to, as seeds."""
    csrf = _csrf(client)
    ws = client.app.state.vigie.ws  # type: ignore[attr-defined]
    seeds = [_detect(client, csrf, "second")]
    run = ws.list_runs()[-1]
    group = ws.groups(run)[0]
    seeds.append(
        _post(
            client,
            f"/groups/{group.id}/triage",
            csrf=csrf,
            run=run.id,
            status="confirmed",
            reason="coordinated-inauthentic",
            note="seen in the crawl",
        )
    )
    a, b = sorted(ws.members(group.id, run))[:2]
    _post(client, "/decisions", csrf=csrf, kind="account", target=a, status="needs-review")
    _post(
        client,
        "/decisions",
        csrf=csrf,
        kind="pair",
        target=f"{a} {b}",
        status="dismissed",
        reason="coincidence",
    )
    seeds.append(_post(client, "/risk", csrf=csrf, template="election-en", name="crawl"))
    seeds.append(_post(client, "/share/export", csrf=csrf, run=run.id, partner="internal"))
    table = "post_id,account_id,created_at,text\n1,a,2024-01-01T00:00:00Z,hello\n"
    upload = {"file": ("tiny.csv", io.BytesIO(table.encode()), "text/csv")}
    seeds.append(_post(client, "/import/upload", csrf=csrf, files=upload))
    return seeds


def write_ties(workspace: Path) -> list[tuple[str, str]]:
    """Strong ties in the run's folder (the generated scenario has none): one between two
    group members, one between two accounts of the Dataset that no group holds."""
    from vigie.cases.workspace import Workspace

    ws = Workspace.open(workspace)
    try:
        run = ws.list_runs()[0]
        members = sorted(m.split(":", 1)[1] for g in ws.groups(run) for m in ws.members(g.id))
        every = pq.read_table(workspace / "datasets" / "election" / "accounts.parquet")
        alone = sorted(set(every.column("account_id").to_pylist()) - set(members))
    finally:
        ws.close()
    pairs = [(members[0], members[1]), (alone[0], alone[1])]
    pq.write_table(
        pa.table(
            {
                "rank": [1, 2],
                "account_id_a": [a for a, _ in pairs],
                "account_id_b": [b for _, b in pairs],
                "kinds": [["co_link"], ["co_repost"]],
                "observed": [12, 9],
                "expected": [0.5, 0.4],
                "p_value": [1e-6, 1e-5],
            }
        ),
        run.path / "pairs.parquet",
    )
    return pairs


@dataclass
class Site:
    """The crawls, done once for the module, and the apps they walked."""

    crawls: dict[str, Crawl]
    clients: dict[str, TestClient]


@pytest.fixture(scope="module")
def site(base_workspace: Path, tmp_path_factory: pytest.TempPathFactory) -> Site:
    root = tmp_path_factory.mktemp("crawl") / "ws"
    shutil.copytree(base_workspace, root)
    write_ties(root)  # the run page's pairs, each with its decision form
    clients: dict[str, TestClient] = {}
    crawls: dict[str, Crawl] = {}

    single = TestClient(
        create_app(WebSettings(workspace=root)), base_url=ORIGIN, raise_server_exceptions=False
    )
    seeds = ["/", *_content(single)]
    clients["single-user"] = single
    crawls["single-user"] = crawl(single, "single-user", seeds)

    team = create_app(WebSettings(workspace=root, team=True))
    for role in Role:
        team.state.vigie.directory.add(role.name, PASSWORD, role)
    for who in WHO[:-1]:
        client = TestClient(team, base_url=ORIGIN, raise_server_exceptions=False)
        if who != "anonymous":
            _post(client, "/login", username=who, password=PASSWORD)
        clients[who] = client
    team_seeds = ["/", _detect(clients["admin"], _csrf(clients["admin"]), "third")]
    analyst_seeds = [s for s in seeds if s.startswith("/import/map")]
    for who in WHO[:-1]:
        extra = analyst_seeds if who != "anonymous" and Role[who] >= Role.analyst else []
        crawls[who] = crawl(clients[who], who, team_seeds + extra)
    return Site(crawls, clients)


# --------------------------------------------------------------------------- the checks
def _pages(c: Crawl) -> list[Visit]:
    return [v for v in c.visits.values() if v.html is not None]


def test_report(site: Site) -> None:
    """What each crawl reached and what it never did (printed: run with -s to read it)."""
    app: FastAPI = site.clients["admin"].app  # type: ignore[assignment]
    gets = sorted(
        {r.path for r in app_routes(app) if "GET" in (getattr(r, "methods", None) or {"GET"})}
    )
    for who, c in site.crawls.items():
        reached = c.routes()
        never = [r for r in gets if r not in reached]
        print(
            f"\n{who}: {len(c.visits)} fetches ({len(_pages(c))} HTML pages, "
            f"{len(reached)} routes) in {c.seconds:.1f} s; {len(c.capped)} links capped"
        )
        for r in never:
            why = "sign in first" if who == "anonymous" and r != "/login" else None
            print(f"  never reached {r}: {why or WHY_UNREACHED.get(r, 'no page links it')}")
    posts = sorted(
        {r.path for r in app_routes(app) if "POST" in (getattr(r, "methods", None) or ())}
    )
    posted = {
        route_of(app, f.method, urlsplit(_local(f.action or page, "/") or "/").path)[0]
        for c in site.crawls.values()
        for page, f in c.forms
        if f.method == "post"
    }
    for r in posts:
        if r not in posted:
            print(f"POST {r}: no form of any page posts to it ({WHY_NO_FORM.get(r, '?')})")
    assert all(c.visits for c in site.crawls.values())


def test_every_write_has_a_form_or_a_reason(site: Site) -> None:
    """Each POST route is posted by a form some page shows, or WHY_NO_FORM says why not:
    ``/decisions`` had none, so an analyst could not decide on one account or pair."""
    app: FastAPI = site.clients["admin"].app  # type: ignore[assignment]
    posts = {r.path for r in app_routes(app) if "POST" in (getattr(r, "methods", None) or ())}
    posted = {
        route_of(app, f.method, urlsplit(_local(f.action or page, "/") or "/").path)[0]
        for c in site.crawls.values()
        for page, f in c.forms
        if f.method == "post"
    }
    assert "/decisions" in posted
    kinds = {
        dict(f.fields).get("kind")
        for c in site.crawls.values()
        for _, f in c.forms
        if f.action == "/decisions" and f.method == "post"  # not the decisions page's filters
    }
    assert kinds == {"account", "pair"}  # a group's members, a run's strong ties
    assert not posts - posted - set(WHY_NO_FORM), sorted(posts - posted - set(WHY_NO_FORM))


@pytest.mark.parametrize("who", WHO)
def test_no_server_error(site: Site, who: str) -> None:
    c = site.crawls[who]
    bad = [(v.url, v.status, v.via) for v in c.visits.values() if v.status >= 500]
    assert not bad, f"{who}: 5xx (url, status, linked from): {bad}"


@pytest.mark.parametrize("who", WHO)
def test_no_dead_link(site: Site, who: str) -> None:
    """A link the app rendered for this person leads somewhere they may go."""
    c = site.crawls[who]
    app: FastAPI = site.clients[who].app  # type: ignore[assignment]
    dead = []
    for v in c.visits.values():
        if v.via != "seed" and v.status in (400, 401, 403, 404, 405, 422):
            dead.append(f"{v.url} -> {v.status} (linked from {v.via})")
        if v.status in (301, 302, 303, 307, 308) and not v.location:
            dead.append(f"{v.url} -> {v.status} without a Location (linked from {v.via})")
    for page, url, _route in c.capped:
        if route_of(app, "GET", urlsplit(url).path)[0] is None:
            dead.append(f"{url} -> no route (linked from {page})")
    for page, tag_attr, link in c.links:
        if link.strip().lower().startswith("javascript:"):
            # script-src 'self': the browser refuses to run it, the link does nothing
            dead.append(f"{link} ({tag_attr}) is blocked by the CSP (on {page})")
    assert not dead, f"{who}: " + "\n".join(dead)


@pytest.mark.parametrize("who", WHO)
def test_every_page_a_role_needs_is_reached(site: Site, who: str) -> None:
    reached = site.crawls[who].routes()
    missing = sorted(MUST_REACH[who] - reached)
    assert not missing, f"{who} never reached {missing}"


@pytest.mark.parametrize("who", WHO)
def test_every_form_posts_to_a_route(site: Site, who: str) -> None:
    app: FastAPI = site.clients[who].app  # type: ignore[assignment]
    c = site.crawls[who]
    bad = []
    for page, f in c.forms:
        target = _local(f.action or page, urlsplit(page).path)
        if target is None:
            bad.append(f"{page}: form action {f.action!r} leaves the workbench")
            continue
        route, accepts = route_of(app, f.method, urlsplit(target).path)
        if route is None or not accepts:
            bad.append(f"{page}: <form method={f.method} action={f.action!r}> has no route")
    assert c.forms or who == "anonymous"
    assert not bad, f"{who}: " + "\n".join(bad)


def shape_problems(url: str, html: Html) -> list[str]:
    """A page without a title, or with no or several ``<h1>`` (a screen reader's outline,
    a browser tab, a bookmark all need them)."""
    bad = []
    if not html.title.replace("vigie", "").strip(" ·"):
        bad.append(f"{url}: title {html.title!r}")
    if len(html.h1) != 1:
        bad.append(f"{url}: {len(html.h1)} <h1> {html.h1}")
    return bad


def text_problems(url: str, html: Html) -> list[str]:
    """Visible text (and attribute values a person reads) that is a Python value's repr."""
    bad = []
    for text in [*html.text, *html.attrs]:
        for pattern, what in LEFTOVERS:
            m = pattern.search(text)
            if m:
                bad.append(f"{url}: {what} in {text[max(0, m.start() - 60) : m.end() + 60]!r}")
    return bad


@pytest.mark.parametrize("who", WHO)
def test_every_page_has_a_title_and_one_h1(site: Site, who: str) -> None:
    pages = _pages(site.crawls[who])
    bad = [b for v in pages if v.html is not None for b in shape_problems(v.url, v.html)]
    assert pages
    assert not bad, f"{who}: " + "\n".join(bad)


@pytest.mark.parametrize("who", WHO)
def test_no_raw_value_in_visible_text(site: Site, who: str) -> None:
    pages = _pages(site.crawls[who])
    bad = [b for v in pages if v.html is not None for b in text_problems(v.url, v.html)]
    assert pages
    assert not bad, f"{who}: " + "\n".join(dict.fromkeys(bad))


@pytest.mark.parametrize("who", WHO[:-2])
def test_pages_out_of_reach_are_refused_without_content(site: Site, who: str) -> None:
    """Every page the administrator reached, asked for by someone who may not see it:
    403 (signed in) or 303 to the sign-in page keeping where they were going, never a
    500 and never the page's own heading."""
    admin = site.crawls["admin"]
    mine = site.crawls[who]
    client = site.clients[who]
    asked = 0
    bad = []
    for v in _pages(admin):
        if v.status != 200 or v.url in mine.visits or v.route in ("/login",):
            continue
        asked += 1
        r = client.get(v.url, headers=BROWSER, follow_redirects=False)
        if who == "anonymous":
            loc = r.headers.get("location", "")
            wanted = parse_qs(urlsplit(loc).query).get("next", [""])[0]
            if r.status_code != 303 or urlsplit(loc).path != "/login" or wanted != v.url:
                bad.append(f"{v.url} -> {r.status_code} {loc!r}")
            continue
        if r.status_code != 403:
            bad.append(f"{v.url} -> {r.status_code}")
        assert v.html is not None
        if v.html.h1 and v.html.h1[0] in r.text:
            bad.append(f"{v.url}: the refusal shows the page's heading {v.html.h1[0]!r}")
        refusal = parse(r.text)
        bad += shape_problems(f"refusal of {v.url}", refusal)
        bad += text_problems(f"refusal of {v.url}", refusal)
        bad += [f"refusal of {v.url}: {u}" for _, u in refusal.links if u.startswith("javascript:")]
    assert asked, f"{who}: the administrator reached no page {who} did not"
    assert not bad, f"{who}: " + "\n".join(bad)


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


# a value no object of the workspace has, for each path parameter of the app's routes
STALE = {"gid": "G-GONE00", "run_id": "gone", "job_id": "j-gone", "name": "gone.yaml"}


@pytest.mark.parametrize("who", ["viewer", "admin", "single-user"])
def test_a_stale_address_is_an_error_page_not_a_crash(site: Site, who: str) -> None:
    """Every GET route with its parameters set to things that do not exist (a bookmark to
    a group of a deleted run, a job of a restarted server): a 404 "Not found" page a person
    can read (was 400 "That did not work" for a group, run or study), never a 500 or JSON,
    with the menu's way out; a page the person may not see stays 403 whatever it names."""
    client = site.clients[who]
    app: FastAPI = client.app  # type: ignore[assignment]
    bad = []
    tried = 0
    for r in app_routes(app):
        if "{" not in getattr(r, "path", "") or "GET" not in (getattr(r, "methods", None) or ()):
            continue
        url = r.path.format(**{k: STALE.get(k, "gone") for k in r.param_convertors})
        tried += 1
        resp = client.get(url, headers={**BROWSER, "Referer": ORIGIN + "/runs"})
        wanted = 403 if who == "viewer" and r.path in REVIEWER - EVERYONE else 404
        if resp.status_code != wanted or not resp.headers["content-type"].startswith("text/html"):
            bad.append(f"{url} -> {resp.status_code} {resp.headers['content-type']}")
            continue
        if wanted == 404 and "<h1>Not found</h1>" not in resp.text:
            bad.append(f"{url}: no 'Not found' heading")
        html = parse(resp.text)
        bad += shape_problems(url, html) + text_problems(url, html)
        if ("a.href", "/runs") not in html.links:
            bad.append(f"{url}: no way back to the page that linked it")
    gid = client.app.state.vigie.ws.groups()[0].id  # type: ignore[attr-defined]
    for url, status in (
        ("/no-such-page", 404),
        (f"/groups/{gid}?run=gone", 404),  # a known group, of a run that is not
        ("/groups/g9999?run=first", 404),  # a local id the run does not have
        ("/diff?a=first&b=gone", 404),
        ("/import/map", 400),  # malformed: a field missing, a value not a number
        ("/runs/first?min_score=many", 400),
    ):
        resp = client.get(url, headers=BROWSER)
        if resp.status_code != status or "text/html" not in resp.headers["content-type"]:
            bad.append(f"{url} -> {resp.status_code} {resp.headers['content-type']}")
    assert tried >= 6
    assert not bad, f"{who}: " + "\n".join(bad)
