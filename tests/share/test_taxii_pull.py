"""``vigie share pull``: a partner's TAXII 2.1 collection read into the local store.

vigie could serve a collection but not read one: a partner's objects had to be fetched
with another tool and saved as a file. Tested against vigie's own server (a real HTTP
server on a free port), asked for pages of 50 objects, so the reading pages."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from test_taxii import PW, coll, indicator, server  # noqa: F401 - the server fixture

from ingest.helpers import run_cli
from vigie.share.audit import AuditLog
from vigie.share.stix_import import BundleStore
from vigie.share.taxii.store import Store

TAXII = "application/taxii+json;version=2.1"


def _pull(url: str, user: str, password: str, store: Path, monkeypatch: Any, *more: str):
    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    argv = ["share", "pull", url, "--from", "plateforme", "--user", user, "--password-stdin"]
    return run_cli([*argv, "--store", str(store), *more])


def test_a_partners_collection_is_pulled_paged_stored_and_audited(
    server: dict[str, Any],  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("vigie.share.pull.PAGE", 50)  # three pages of 50 (not one of 1,000)
    writer = coll(server, "state")
    objects = [indicator(i) for i in range(1, 121)]
    assert writer.add_objects({"objects": objects}).success_count == 120
    url = f"{server['url']}/community/collections/{server['shared']}/"
    store = tmp_path / "s.sqlite"
    monkeypatch.delenv("VIGIE_AUDIT_DB", raising=False)
    code, out = _pull(url, "ngo", PW["ngo"], store, monkeypatch)
    said = " ".join(out.split())
    assert code == 0 and "120 objects, 120 new, 0 already known" in said, out
    with BundleStore(store) as st:
        prov = st.provenance(objects[0]["id"])
    assert prov and prov[0].source == "plateforme"
    # the second pull asks only what the collection received since (nothing yet), then
    # what it received after: 30 more objects, read alone
    code, out = _pull(url, "ngo", PW["ngo"], store, monkeypatch)
    said = " ".join(out.split())
    assert code == 0 and f"reading what {url} received after" in said, out
    assert "0 objects, 0 new, 0 already known" in said, out
    more = [indicator(i) for i in range(121, 151)]
    assert writer.add_objects({"objects": more}).success_count == 30
    code, out = _pull(url, "ngo", PW["ngo"], store, monkeypatch)
    assert code == 0 and "30 objects, 30 new, 0 already known" in " ".join(out.split()), out
    with BundleStore(store) as st:
        assert st.get(more[-1]["id"]) is not None and len(st.objects()) == 150
    # --all reads the whole collection again: everything already known
    code, out = _pull(url, "ngo", PW["ngo"], store, monkeypatch, "--all")
    said = " ".join(out.split())
    assert code == 0 and "150 objects, 0 new, 150 already known" in said, out
    assert "received after" not in said
    log = Store(f"sqlite:///{tmp_path / 'vigie-audit.sqlite'}")
    rows = [r for r in AuditLog(log).rows() if r.action == "import.received"]
    log.dispose()
    assert [(r.object_id, r.collection) for r in rows] == [(url, "plateforme")] * 4
    assert json.loads(rows[0].detail)["url"] == url and json.loads(rows[0].detail)["added"] == 120
    assert [json.loads(r.detail)["added"] for r in rows] == [120, 0, 30, 0]


def test_pull_refusals_are_one_line(
    server: dict[str, Any],  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url = f"{server['url']}/community/collections/{server['shared']}/"
    inner = f"{server['url']}/inner/collections/{server['findings']}/"
    store = tmp_path / "s.sqlite"
    for target, user, password, said in (
        (url, "ngo", "wrong password", "HTTP 401: the credentials were refused"),
        (inner, "ngo", PW["ngo"], "HTTP 404: no such collection"),
        ("ftp://example.org/x", "ngo", PW["ngo"], "give the collection's URL"),
        ("http://127.0.0.1:9/taxii/collections/x/", "ngo", "pw", "cannot be reached"),
    ):
        code, out = _pull(target, user, password, store, monkeypatch)
        text = " ".join(out.split())
        assert code == 2 and said in text and "Traceback" not in out, (target, out)
    if store.exists():  # made by the first try, before the server refused: nothing in it
        with BundleStore(store) as st:
            assert st.imports() == []


def test_a_token_is_sent_as_a_bearer_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """OpenCTI's TAXII endpoints take a user's API token as ``Authorization: Bearer``, not
    a user name and password: ``--token-stdin`` sends it so (a stand-in server checks the
    header). ``--user`` and ``--token-stdin`` together, or neither, is one line."""
    from starlette.applications import Starlette
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    from vigie.share.taxii.server import BackgroundServer

    def answer(body: dict[str, Any]) -> Any:
        def endpoint(request: Any) -> JSONResponse:
            if request.headers.get("authorization") != "Bearer opencti-token-1":
                body_ = {"title": "unauthorized"}
                return JSONResponse(body_, status_code=401, media_type=TAXII)
            return JSONResponse(body, media_type=TAXII)

        return endpoint

    info = {"id": "c1", "title": "FIMI", "can_read": True, "can_write": False}
    page = {"more": False, "objects": [indicator(1), indicator(2)]}
    app = Starlette(
        routes=[
            Route("/root/collections/c1/", answer(info)),
            Route("/root/collections/c1/objects/", answer(page)),
        ]
    )

    store = tmp_path / "s.sqlite"
    with BackgroundServer(app) as url:
        target = f"{url}/root/collections/c1/"
        base = ["share", "pull", target, "--from", "plateforme", "--store", str(store)]
        monkeypatch.setattr("sys.stdin", io.StringIO("opencti-token-1\n"))
        code, out = run_cli([*base, "--token-stdin"])
        assert code == 0 and "2 objects, 2 new" in " ".join(out.split()), out
        monkeypatch.setattr("sys.stdin", io.StringIO("another-token\n"))
        code, out = run_cli([*base, "--token-stdin"])
        assert code == 2 and "HTTP 401: the credentials were refused" in " ".join(out.split())
    for both in ([*base, "--token-stdin", "--user", "u"], base):
        code, out = run_cli(both)
        assert code == 2 and "give --user NAME (and its password) or --token-stdin" in out
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    code, out = run_cli([*base, "--token-stdin"])
    assert code == 2 and "--token-stdin: standard input held no token" in out


def _stand_in(pages: list[dict[str, Any]], asked: list[dict[str, str]]) -> Any:
    """A TAXII collection that answers ``pages`` in turn (the last one again after) and
    records each objects request's query; a page's ``date`` goes in the
    ``X-TAXII-Date-Added-Last`` header (none where it has none)."""
    from starlette.applications import Starlette
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    info = {"id": "c1", "title": "FIMI", "can_read": True, "can_write": False}

    def collection(request: Any) -> JSONResponse:
        return JSONResponse(info, media_type=TAXII)

    def objects(request: Any) -> JSONResponse:
        asked.append(dict(request.query_params))
        page = pages[min(len(asked), len(pages)) - 1]
        date = page.get("date")
        headers = {"X-TAXII-Date-Added-Last": date} if date else {}
        body = {"more": False, "objects": page["objects"]}
        return JSONResponse(body, media_type=TAXII, headers=headers)

    return Starlette(
        routes=[
            Route("/root/collections/c1/", collection),
            Route("/root/collections/c1/objects/", objects),
        ]
    )


def test_a_pull_that_fails_moves_no_bookmark_and_an_undated_server_is_read_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The bookmark is saved with the objects, in one transaction: a pull whose objects are
    refused (an indicator without its pattern) leaves the next pull asking what it asked
    (the stand-in then answers the next page).
    A server that dates nothing (no ``X-TAXII-Date-Added-Last``) is read whole each time,
    and the user is told so; a bookmark is per partner and collection."""
    from vigie.share.taxii.server import BackgroundServer

    broken = indicator(9)
    del broken["pattern"]
    asked: list[dict[str, str]] = []
    pages = [
        {"objects": [indicator(1)], "date": "2026-03-01T10:00:00.000Z"},
        {"objects": [broken], "date": "2026-03-02T10:00:00.000Z"},
        {"objects": [indicator(2)], "date": "2026-03-03T10:00:00.000Z"},
    ]
    store = tmp_path / "s.sqlite"
    with BackgroundServer(_stand_in(pages, asked)) as url:
        target = f"{url}/root/collections/c1/"
        for expect in (0, 2, 0):  # the second pull's page is refused whole
            code, out = _pull(target, "ngo", "pw", store, monkeypatch)
            assert code == expect, out
        assert "1 objects, 1 new" in " ".join(out.split()), out
    assert "added_after" not in asked[0]
    # the refused page's date was not kept: the third pull asked what the second asked
    assert asked[1]["added_after"] == asked[2]["added_after"] == "2026-03-01T10:00:00.000Z"
    with BundleStore(store) as st:
        assert st.bookmark(target, "plateforme") == "2026-03-03T10:00:00.000Z"
        assert st.bookmark(target, "another partner") is None

    undated: list[dict[str, str]] = []
    with BackgroundServer(_stand_in([{"objects": [indicator(3)]}], undated)) as url:
        target = f"{url}/root/collections/c1/"
        for _ in range(2):
            code, out = _pull(target, "ngo", "pw", store, monkeypatch)
            assert code == 0 and "the next pull reads the whole collection again" in (
                " ".join(out.split())
            ), out
    assert [("added_after" in q) for q in undated] == [False, False]


def test_a_pull_reports_its_progress_page_by_page(
    server: dict[str, Any],  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A collection is read in pages (of 50 objects here): the command's progress hears
    the objects read after each one, TAXII giving no total ahead."""
    from vigie.share.pull import pull_objects

    monkeypatch.setattr("vigie.share.pull.PAGE", 50)

    writer = coll(server, "state")
    assert writer.add_objects({"objects": [indicator(i) for i in range(1, 121)]}).success_count
    url = f"{server['url']}/community/collections/{server['shared']}/"
    heard: list[int] = []
    got = pull_objects(url, "ngo", PW["ngo"], on_page=heard.append)
    assert heard == [50, 100, 120] and len(got.objects) == 120
    assert got.added_last is not None
