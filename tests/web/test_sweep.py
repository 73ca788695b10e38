"""Every page of the workbench with hostile query values and ids: never a 5xx.

Why beside the crawl (``test_crawl.py``): the crawl follows the links and forms the pages
render, with the values they show; a person (or an attacker) can type any address. Here
every GET route is fetched with each query parameter the workbench's forms use, one at a
time, set to a value of the wrong kind for it (a 20,000-character text, a 23-digit number,
``nan``, a date that is no date, a path out of the folder, markup), and with each id in
its path replaced the same way. Each answer must be a page or a refusal (under 500) that
shows no traceback; injected markup never comes back unescaped in an HTML page, and an
answer that is not HTML (a refusal in plain text, JSON, CSV) carries ``nosniff`` so that no
browser reads it as a page. The requests ask for HTML, as a browser does.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from starlette.routing import Route

from vigie.web.app import create_app
from vigie.web.settings import WebSettings

from .test_crawl import app_routes, write_ties

HOSTILE = [
    "x" * 20000,
    "99999999999999999999999",
    "nan",
    "2024-13-45",
    "../../../etc/passwd",
    '"><script>alert(1)</script>',
]
SCRIPT = "<script>alert(1)</script>"
NO_ANSWER = {"/logout"}
BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


@pytest.fixture(scope="module")
def site(base_workspace: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[TestClient, dict]:
    root = tmp_path_factory.mktemp("sweep") / "ws"
    shutil.copytree(base_workspace, root)
    write_ties(root)
    app = create_app(WebSettings(workspace=root))
    client = TestClient(
        app, base_url="http://127.0.0.1:8765", raise_server_exceptions=False, headers=BROWSER
    )
    csrf = re.search(r'name="csrf" content="([^"]+)"', client.get("/").text)
    assert csrf
    r = client.post(
        "/risk",
        data={"csrf": csrf.group(1), "template": "election-en", "name": "sweep"},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text[:300]
    ws = app.state.vigie.ws
    run = ws.list_runs()[-1]
    real = {"run_id": str(run.id), "gid": str(ws.groups(run)[0].id), "name": "sweep"}
    return client, real


def _fields() -> list[str]:
    """Every form field name of the workbench's templates, and a few a person might add."""
    templates = Path(__file__).parents[2] / "src" / "vigie" / "web" / "templates"
    names = set()
    for t in templates.rglob("*.html"):
        names |= set(re.findall(r'name="([a-z_]+)"', t.read_text(encoding="utf-8")))
    return sorted(names - {"csrf", "password"} | {"page", "limit", "sort", "id"})


def _get_routes(client: TestClient) -> list[Route]:
    return [
        r
        for r in app_routes(client.app)
        if isinstance(r, Route) and "GET" in (r.methods or ()) and r.path not in NO_ANSWER
    ]


def _path(template: str, values: dict[str, str]) -> str:
    return re.sub(r"{(\w+)(?::\w+)?}", lambda m: quote(values.get(m[1], "x"), safe=""), template)


def _problem(url: str, r) -> str | None:  # noqa: ANN001 - httpx's Response
    if r.status_code >= 500:
        return f"{url[:120]}: {r.status_code}"
    if "Traceback" in r.text:
        return f"{url[:120]}: a traceback in the page"
    html = r.headers.get("content-type", "").startswith("text/html")
    if html and SCRIPT in r.text:
        return f"{url[:120]}: the injected markup came back unescaped"
    if not html and r.headers.get("x-content-type-options") != "nosniff":
        return f"{url[:120]}: {r.headers.get('content-type')} without nosniff"
    return None


def test_hostile_query_values(site: tuple[TestClient, dict]) -> None:
    client, real = site
    problems = []
    fields = _fields()
    assert {"run", "status", "q", "since", "kind"} <= set(fields)
    echoed = 0  # HTML answers that show the markup, escaped: the check above has teeth
    for route in _get_routes(client):
        path = _path(route.path, real)
        assert client.get(path).status_code < 500, path
        for name in fields:
            for value in HOSTILE:
                r = client.get(path, params={name: value})
                problem = _problem(f"{path}?{name}={value[:30]}", r)
                if problem:
                    problems.append(problem)
                echoed += "&lt;script&gt;alert(1)" in r.text
    assert not problems, "\n".join(sorted(set(problems))[:40])
    assert echoed >= 5, echoed


def test_hostile_ids_in_paths(site: tuple[TestClient, dict]) -> None:
    client, real = site
    problems = []
    for route in _get_routes(client):
        for param in re.findall(r"{(\w+)", route.path):
            for value in [*HOSTILE, "", "-1", "%00"]:
                path = _path(route.path, {**real, param: value})
                problem = _problem(path, client.get(path))
                if problem:
                    problems.append(problem)
    assert not problems, "\n".join(sorted(set(problems))[:40])
