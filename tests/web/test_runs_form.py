"""Starting a detection from the workbench: what the settings form's switches mean.

A browser sends a checked box and leaves an unchecked one out, so the runs page's form
reads an absent switch as off. A client that posts only the fields it changes (a script, a
test, a form of its own) sent no switch at all, and every detector was turned off: the run
finished in a third of a second with "0 groups". The page's form now says it is the page's
(a hidden field), and without that mark an absent switch keeps its default.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from vigie.errors import VigieError
from vigie.web.app import create_app
from vigie.web.settings import WebSettings
from vigie.web.views.runs import FORM_MARK, overrides, settings_rows


def _switches() -> dict[str, bool]:
    rows = settings_rows()
    return {f"{r['section']}.{r['key']}": r["default"] for r in rows if type(r["default"]) is bool}


def test_a_post_without_the_page_form_keeps_every_switch_at_its_default() -> None:
    assert overrides({}) == {}
    assert overrides({"dataset": "election", "label": "x"}) == {}


def test_the_page_form_reads_an_unchecked_box_as_off() -> None:
    on = [name for name, default in _switches().items() if default]
    assert on, "no detector is on by default?"
    got = overrides({FORM_MARK: "1"})
    assert {f"{s}.{k}" for s, kv in got.items() for k in kv} == set(on)
    assert all(v is False for kv in got.values() for v in kv.values())
    # every default-on box checked, as the page renders it: nothing differs
    assert overrides({FORM_MARK: "1", **{name: "on" for name in on}}) == {}


def test_a_script_may_name_a_switch_and_a_wrong_one_is_refused() -> None:
    off = next(name for name, default in _switches().items() if not default)
    on = next(name for name, default in _switches().items() if default)
    got = overrides({on: "false", off: "yes"})
    assert got == {
        on.split(".")[0]: {on.split(".")[1]: False},
        off.split(".")[0]: {off.split(".")[1]: True},
    }
    with pytest.raises(VigieError, match="is not on or off"):
        overrides({on: "maybe"})


def test_a_run_posted_with_the_dataset_alone_detects_as_the_command_line_does(
    workspace: Path,
) -> None:
    client = TestClient(
        create_app(WebSettings(workspace=workspace)), base_url="http://127.0.0.1:8765"
    )
    ws = client.app.state.vigie.ws
    first = ws.list_runs()[0]
    assert first.n_groups > 0  # the fixture's run, by run_detection with its defaults
    csrf = re.search(r'name="csrf" content="([^"]+)"', client.get("/").text).group(1)
    r = client.post("/runs", data={"dataset": "election", "csrf": csrf}, follow_redirects=False)
    assert r.status_code == 303, r.text
    job = client.app.state.vigie.jobs.wait(r.headers["location"].rsplit("/", 1)[1], 120)
    assert job is not None and job.state == "done", job and job.message
    runs = ws.list_runs()
    assert (runs[-1].n_groups, runs[-1].n_members) == (first.n_groups, first.n_members)
    # the page's own form, every box as rendered: the same run
    page = client.get("/runs").text
    assert f'name="{FORM_MARK}"' in page
