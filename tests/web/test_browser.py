"""The analyst's journey in a real browser: import → detect → triage → detect again → diff →
share preview → export, with a screenshot of each page saved as a test artefact.

Playwright drives Debian's Chromium (``/usr/bin/chromium``, installed by ``.ci/run``); no
browser is downloaded. Skips, saying why, where Chromium or Playwright is missing.
Screenshots go to ``$VIGIE_TEST_ARTIFACTS`` (default ``test-artifacts/``) under ``web/``.
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(CHROMIUM is None, reason="no headless Chromium (apt-get install chromium)"),
]
ARTIFACTS = Path(os.environ.get("VIGIE_TEST_ARTIFACTS", "test-artifacts")) / "web"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class Server:
    """The workbench on a free loopback port, in a thread of the test process."""

    def __init__(self, settings: object) -> None:
        import socket

        import uvicorn

        from vigie.web.app import create_app

        self.app = create_app(settings)  # type: ignore[arg-type]
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.server = uvicorn.Server(
            uvicorn.Config(self.app, host="127.0.0.1", port=self.port, log_level="warning")
        )
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> Server:
        self.thread.start()
        end = time.time() + 30
        while not self.server.started and time.time() < end:
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"


@pytest.fixture()
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield b
        finally:
            b.close()


def _shot(page: object, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)  # type: ignore[attr-defined]


def _wait_job(page: object) -> None:
    """On a job page: wait until it ends, fail with its message if it failed."""
    import re

    sync_api.expect(page.locator("#job-state")).to_have_text(  # type: ignore[attr-defined]
        re.compile("^(done|failed)$"), timeout=180_000
    )
    state = page.locator("#job-state").inner_text()  # type: ignore[attr-defined]
    assert state == "done", page.locator("#job-message").inner_text()  # type: ignore[attr-defined]


def test_full_journey(workspace: Path, tmp_path: Path, browser: object) -> None:
    import pyarrow.parquet as pq

    from vigie.web.settings import WebSettings

    # a file to import: 3,000 posts of the workspace's own scenario, as JSON lines
    posts = pq.read_table(workspace / "datasets" / "election" / "posts.parquet").slice(0, 3000)
    src = tmp_path / "export.jsonl"
    import json

    with open(src, "w", encoding="utf-8") as fh:
        for row in posts.to_pylist():
            row["created_at"] = row["created_at"].isoformat()
            fh.write(json.dumps(row) + "\n")

    with Server(WebSettings(workspace=workspace)) as srv:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})  # type: ignore[attr-defined]
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))

        # 1. import wizard: upload, mapping preview, ingest with progress
        page.goto(srv.url("/import"))
        _shot(page, "01-import")
        page.set_input_files("#file", str(src))
        page.get_by_role("button", name="Next: check the format").click()
        page.wait_for_selector("table.preview-table")
        assert "jsonl" in page.locator("#detected").inner_text()
        page.fill("#dataset", "imported")
        _shot(page, "02-import-mapping")
        page.click("#start-import")
        _wait_job(page)
        _shot(page, "03-import-done")
        assert (workspace / "datasets" / "imported" / "posts.parquet").exists()

        # 2. a detection run on the imported Dataset and on the big one
        page.goto(srv.url("/runs"))
        _shot(page, "04-runs")
        page.select_option("select[name=dataset]", "election")
        page.fill("input[name=label]", "browser run")
        page.click("#start-run")
        _wait_job(page)
        page.get_by_role("link", name="See the result").click()
        page.wait_for_selector("#groups")
        _shot(page, "05-run-groups")
        n_rows = page.locator("#groups tbody tr").count()
        assert n_rows >= 3

        # 3. a group page: network, evidence, triage
        page.locator("#groups tbody tr a").first.click()
        n_nodes = 0
        for _ in range(100):  # page.evaluate is not subject to the page's CSP; polling is
            n_nodes = page.evaluate("window.vigieNetwork ? window.vigieNetwork.nodes().length : 0")
            if n_nodes:
                break
            page.wait_for_timeout(100)
        assert n_nodes >= 3
        page.select_option("#triage-status", "confirmed")
        page.select_option("#triage-reason", "coordinated-inauthentic")
        page.fill("#triage-note", "same links within seconds, fresh accounts")
        _shot(page, "06-group")
        page.click("#triage-submit")
        page.wait_for_selector("#history li")
        assert "confirmed" in page.locator("#history").inner_text()
        assert page.locator("#group-status").inner_text() == "confirmed"
        gid = page.url.split("/groups/")[1].split("?")[0]

        # 4. another run with stricter settings, then the diff of the last two runs
        page.goto(srv.url("/runs"))
        page.select_option("select[name=dataset]", "election")
        page.click("details summary")
        page.fill("input[name='co_repost.min_observed']", "6")
        page.click("#start-run")
        _wait_job(page)
        page.goto(srv.url("/diff"))
        page.wait_for_selector(".counts")
        _shot(page, "07-diff")
        assert "unchanged" in page.locator(".counts").inner_text()

        # 5. the decision followed the group to the new run
        ws = srv.app.state.vigie.ws
        assert ws.group(gid).status in ("confirmed", "needs-review")

        # 6. search
        page.goto(srv.url(f"/search?q={gid}"))
        _shot(page, "08-search")

        # 7. share: preview for a partner, then export (reviewer = the local admin)
        page.goto(srv.url("/share"))
        partner = page.locator("select[name=partner] option").nth(1).get_attribute("value")
        page.select_option("select[name=partner]", partner)
        page.get_by_role("button", name="Preview what they would receive").click()
        page.wait_for_selector("#share-preview, .error")
        _shot(page, "09-share-preview")
        if page.locator("#export").count():
            page.click("#export")
            page.wait_for_selector("#exports li")
            assert list((workspace / "exports").glob("*.stix.json"))

        # 8. risk: a study from a template, its report, proposals from the run
        page.goto(srv.url("/risk"))
        page.get_by_role("button", name="Create").click()
        page.wait_for_selector("iframe.report")
        _shot(page, "10-risk")

        # 9. the audit trail has every write
        page.goto(srv.url("/audit"))
        _shot(page, "11-audit")
        text = page.locator("#audit").inner_text()
        for action in ("web.import.run", "web.run.start", "web.triage", "web.risk.new"):
            assert action in text, action
        assert not errors, errors


def test_member_decision_then_the_decision_log(workspace: Path, browser: object) -> None:
    """An analyst decides on one member of a group in the browser, lands back on that row
    with the decision shown, then finds it on the Decisions page filtered to accounts.

    Why in a browser: the "Decide…" control is a ``<details>`` fold with a form inside a
    table row and a redirect back to the row's anchor; only a real browser shows that the
    fold opens, the form posts (CSRF, same-site ``back``) and the page returns to the row."""
    from vigie.web.settings import WebSettings

    note = "posts within seconds of the group's, a fresh account"
    with Server(WebSettings(workspace=workspace)) as srv:
        ws = srv.app.state.vigie.ws
        gid = ws.groups(ws.run("last"))[0].id
        page = browser.new_page(viewport={"width": 1400, "height": 1000})  # type: ignore[attr-defined]
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))

        # 1. the group page; the first member row's "Decide…" fold
        page.goto(srv.url(f"/groups/{gid}"))
        row = page.locator("tr[id^='member-']").first
        row_id = row.get_attribute("id")
        account = row_id.removeprefix("member-")
        row = page.locator(f"[id='{row_id}']")  # by id: it must be found again after the post
        assert "no decision" in row.locator("td.decision").inner_text()
        row.locator("details.decide summary").click()
        form = row.locator("form.decide-form")
        sync_api.expect(form).to_be_visible()
        form.locator("select[name=status]").select_option("needs-review")
        form.locator("select[name=reason]").select_option("coordinated-inauthentic")
        form.locator("input[name=note]").fill(note)
        _shot(page, "12-group-member-decide")
        form.get_by_role("button", name="Record").click()

        # 2. back on the same row, scrolled to, the decision in force shown on it
        page.wait_for_url(f"**/groups/{gid}*#{row_id}")
        sync_api.expect(row.locator("td.decision .badge")).to_have_text("needs-review")
        sync_api.expect(row).to_be_in_viewport()
        assert "coordinated-inauthentic" in row.locator("td.decision").inner_text()
        assert account in page.locator("#member-decisions").inner_text()
        _shot(page, "13-group-member-decided")

        # 3. the Decisions page from the menu, filtered to accounts
        page.locator("nav").get_by_role("link", name="Decisions").click()
        page.wait_for_selector("#decisions")
        _shot(page, "14-decisions")
        filters = page.locator("#decision-filters")
        filters.locator("select[name=kind]").select_option("account")
        filters.get_by_role("button", name="Filter").click()
        page.wait_for_url("**/decisions?*kind=account*")
        rows = page.locator("#decisions tbody tr")
        assert rows.count() == 1  # the workspace held no decision on an account before
        shown = rows.first.inner_text()
        for value in (account, "needs-review", "coordinated-inauthentic", note, gid):
            assert value in shown, value
        assert rows.first.locator("td").nth(2).inner_text().startswith("account ")
        _shot(page, "15-decisions-accounts")

        # 4. "where to see it" leads back to the row
        rows.first.locator("td.where a").first.click()
        page.wait_for_url(f"**/groups/{gid}*#{row_id}")
        sync_api.expect(page.locator(f"[id='{row_id}'] td.decision .badge")).to_have_text(
            "needs-review"
        )
        assert ws.history(account, kind="account")[-1].note == note
        assert not errors, errors
