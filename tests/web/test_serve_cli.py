"""``vigie serve`` (and the sharing servers) refuse what they cannot serve, in one line.

was: ``vigie serve /etc`` made ``/etc`` a workspace (``datasets/``, ``runs/``, ``risk/``,
``uploads/``, ``exports/`` and ``cases.db`` among the system's files), and ``--port
99999999`` was an ``OverflowError`` traceback from the socket."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.helpers import run_cli


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[dict]:
    """uvicorn.run replaced: the server is "started" without listening."""
    import uvicorn

    calls: list[dict] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append(kw))
    return calls


def test_a_folder_with_files_is_not_made_a_workspace(tmp_path: Path, started: list) -> None:
    folder = tmp_path / "documents"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine", encoding="utf-8")
    code, out = run_cli(["serve", str(folder)])
    assert code == 2 and "Traceback" not in out
    assert "not a vigie workspace" in out and f"vigie init {folder}" in " ".join(out.split())
    assert sorted(p.name for p in folder.iterdir()) == ["notes.txt"]  # left as it was
    assert not started


@pytest.mark.parametrize("fresh", ["new", "empty"])
def test_a_new_or_empty_folder_becomes_a_workspace(
    tmp_path: Path, started: list, fresh: str
) -> None:
    folder = tmp_path / "ws"
    if fresh == "empty":
        folder.mkdir()
    from vigie.share.taxii.server import free_port

    port = free_port()  # the command binds it once to see that it can
    code, out = run_cli(["serve", str(folder), "--port", str(port)])
    assert code == 0, out
    assert (folder / "workspace.json").exists() and started[0]["port"] == port
    code, out = run_cli(["serve", str(folder), "--port", str(port)])  # served as it is
    assert code == 0, out


@pytest.mark.parametrize(
    "argv",
    [
        ["serve", "WS", "--port", "99999999"],
        ["serve", "WS", "--port", "0"],
        ["serve", "WS", "--port", "-1"],
        ["share", "serve", "--port", "70000"],
        ["share", "compare", "--serve", "--port", "70000"],
    ],
)
def test_a_port_out_of_range_is_refused(tmp_path: Path, started: list, argv: list[str]) -> None:
    argv = [str(tmp_path / "ws") if a == "WS" else a for a in argv]
    code, out = run_cli(argv)
    assert code == 2 and "Traceback" not in out
    assert "--port" in out and not started


def test_a_port_in_use_is_one_line_before_any_address_is_printed(
    tmp_path: Path, started: list
) -> None:
    """was: "vigie workbench on http://127.0.0.1:PORT/" then uvicorn's own ERROR line and
    exit code 3: the address printed answered nothing."""
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        code, out = run_cli(["serve", str(tmp_path / "ws"), "--port", str(port)])
    assert code == 2 and "Traceback" not in out and not started
    assert f"127.0.0.1:{port} is already in use" in out and "--port" in out
    assert "workbench on" not in out


@pytest.mark.parametrize(
    ("host", "said"), [("no-such-host.invalid", "can resolve"), ("192.0.2.1", "no network")]
)
def test_a_host_that_cannot_be_listened_on_is_one_line(host: str, said: str) -> None:
    from vigie.errors import VigieError
    from vigie.listen import ensure_can_listen

    with pytest.raises(VigieError, match=said):
        ensure_can_listen(host, 8799)
