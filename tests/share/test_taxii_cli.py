"""``vigie share passwd | serve | compare | audit`` end to end, server in a subprocess on
127.0.0.1 (never any other address)."""

from __future__ import annotations

import json
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from taxii2client.v21 import Server
from typer.testing import CliRunner

from vigie.cli import app, main
from vigie.errors import InputError
from vigie.share.taxii.config import load_config
from vigie.share.taxii.server import free_port

PW = "ngo-long-password-1"


def _write_setup(tmp: Path) -> Path:
    (tmp / "partners.yaml").write_text(
        yaml.safe_dump(
            {"partners": [{"name": "ngo", "sector": "ngo", "trust": 2, "max_tlp": "AMBER"}]}
        ),
        "utf-8",
    )
    (tmp / "ours.txt").write_text("CVE-2024-3094\nCWE-79\nexample.org\n", "utf-8")
    (tmp / "theirs.txt").write_text("cve-2024-3094\nCVE-2020-0001\nExample.ORG\n", "utf-8")
    cfg = {
        "partners": "partners.yaml",
        "db_url": "sqlite:///state.db",
        "api_roots": [{"name": "community", "collections": [{"name": "shared"}]}],
        "compare": {"items": "ours.txt"},
    }
    path = tmp / "server.yaml"
    path.write_text(yaml.safe_dump(cfg), "utf-8")
    return path


def _wait(port: int, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(proc.stdout.read().decode() if proc.stdout else "server died")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("server did not start")


def test_cli_end_to_end(tmp_path: Path) -> None:
    cfg = _write_setup(tmp_path)
    runner = CliRunner()
    res = runner.invoke(
        app, ["share", "passwd", "ngo", "--config", str(cfg), "--password-stdin"], input=PW + "\n"
    )
    assert res.exit_code == 0, res.output
    db = tmp_path / "state.db"
    hashes = sqlite3.connect(db).execute("SELECT password_hash FROM taxii_credentials").fetchall()
    assert hashes[0][0].startswith("$argon2id$") and PW not in hashes[0][0]

    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "vigie.cli", "share", "serve", "--config", str(cfg)]
        + ["--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait(port, proc)
        url = f"http://127.0.0.1:{port}"
        server = Server(f"{url}/taxii2/", user="ngo", password=PW)
        shared = server.api_roots[0].collections[0]
        status = shared.add_objects(
            {
                "objects": [
                    {
                        "type": "indicator",
                        "spec_version": "2.1",
                        "id": "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
                        "created": "2026-01-01T00:00:00.000Z",
                        "modified": "2026-01-01T00:00:00.000Z",
                        "pattern": "[domain-name:value = 'example.org']",
                        "pattern_type": "stix",
                        "valid_from": "2026-01-01T00:00:00Z",
                    }
                ]
            }
        )
        assert status.success_count == 1
        res = runner.invoke(
            app,
            ["share", "compare", str(tmp_path / "theirs.txt"), "--peer", url, "--user", "ngo"]
            + ["--json"],
            env={"VIGIE_PEER_PASSWORD": PW},
        )
        assert res.exit_code == 0, res.output
        out = json.loads(res.stdout)
        assert out["overlap"] == 2 and "matches" not in out
    finally:
        proc.terminate()
        proc.wait(timeout=20)

    res = runner.invoke(app, ["share", "audit", "--config", str(cfg), "--verify"])
    assert res.exit_code == 0 and "intact" in res.output
    res = runner.invoke(app, ["share", "audit", "--config", str(cfg), "--json", "--last", "0"])
    actions = [json.loads(line)["action"] for line in res.stdout.splitlines()]
    assert actions == ["object.received", "compare.answered"]

    conn = sqlite3.connect(db)
    conn.execute("DROP TRIGGER audit_log_no_update")
    conn.execute("UPDATE audit_log SET actor = 'someone' WHERE seq = 1")
    conn.commit()
    conn.close()
    res = runner.invoke(app, ["share", "audit", "--config", str(cfg), "--verify"])
    assert res.exit_code == 1 and "BROKEN at seq 1" in res.output


def test_passwd_names_known_partners_and_recipients(tmp_path: Path) -> None:
    cfg = _write_setup(tmp_path)
    runner = CliRunner()
    res = runner.invoke(app, ["share", "passwd", "nobody", "--config", str(cfg)])
    assert res.exit_code != 0 and "known: ngo" in str(res.exception)
    res = runner.invoke(app, ["share", "passwd", "ngo", "--recipient", "eve", "--config", str(cfg)])
    assert "not a named red_recipient" in str(res.exception)
    res = runner.invoke(
        app,
        ["share", "passwd", "ngo", "--config", str(cfg), "--password-stdin"],
        input="short\n",
    )
    assert "too short" in str(res.exception)
    # no terminal and nothing piped: said, with the way to pipe it (was "Aborted!")
    res = runner.invoke(app, ["share", "passwd", "ngo", "--config", str(cfg)], input="")
    assert "no terminal to ask the password on: pipe it in with --password-stdin" in str(
        res.exception
    ), res.output


def test_serve_refuses_non_loopback_without_tls(tmp_path: Path) -> None:
    cfg = _write_setup(tmp_path)
    with pytest.raises(SystemExit) as exit_:
        main(["share", "serve", "--config", str(cfg), "--host", "0.0.0.0", "--port", "1"])
    assert exit_.value.code == 2


def test_bad_config_names_the_field(tmp_path: Path) -> None:
    cfg = tmp_path / "server.yaml"
    bad = {"api_roots": [{"name": "r", "collections": [{"name": "c", "max_tlp": "PURPLE"}]}]}
    cfg.write_text(yaml.safe_dump(bad), "utf-8")
    with pytest.raises(InputError, match=r"server.yaml: api_roots\[0\].collections\[0\].max_tlp"):
        load_config(cfg)
    with pytest.raises(SystemExit) as exit_:  # the CLI shows it as one line, exit code 2
        main(["share", "audit", "--config", str(cfg), "--verify"])
    assert exit_.value.code == 2


def test_audit_table_is_readable_at_80_columns(tmp_path: Path) -> None:
    """Every field shows at 80 columns (it used to show only "detail", all else empty)."""
    import os

    from vigie.share.audit import AuditLog
    from vigie.share.taxii.store import Store

    cfg = _write_setup(tmp_path)
    store = Store(load_config(cfg).resolved_db_url())
    log = AuditLog(store)
    log.append(
        "agence-etat/analyste.a@example.gouv",
        "object.served",
        object_id="indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
        collection="2f6b8c1e-3a7d-4c2b-9e1f-0a5d6c7b8e91",
        marking="amber+strict",
        detail={"form": "full", "variant": "redacted on the fly", "endpoint": "objects"},
    )
    log.append("-", "auth.refused", detail={"reason": "bad password"})
    store.dispose()
    res = subprocess.run(
        [sys.executable, "-m", "vigie.cli", "share", "audit", "--config", str(cfg)],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "80"},
        timeout=120,
    )
    assert res.returncode == 0, res.stderr
    lines = res.stdout.splitlines()
    assert lines and max(len(line) for line in lines) <= 80
    text = res.stdout
    for value in (
        "seq",
        "agence-etat/analyste",  # the actor folds onto a second line
        ".a@example.gouv",
        "object.served",
        "AMBER+STRICT",
        "indicator--8e2e2d2b",
        '{"endpoint": "objects"',
        "auth.refused",
        '{"reason": "bad passwo',
    ):
        assert value in text, value
    date = lines[2].split()[1]  # first entry: seq, date, actor, TLP, object
    assert lines[2].split()[0] == "1" and len(date) == 10 and date[4] == "-"


def _exit_code(argv: list[str]) -> int:
    """Run the CLI in-process; its exit code (typer exits even on success)."""
    try:
        main(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


def test_printed_example_config_starts_as_printed(tmp_path: Path, monkeypatch, capsys) -> None:
    """`serve --print-example` > server.yaml, then serve: no missing file stops it."""
    from vigie.share.partners import example_partners_path, load_partners
    from vigie.share.taxii import server as srv

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("VIGIE_PARTNERS", raising=False)
    assert _exit_code(["share", "serve", "--print-example"]) == 0
    cfg_path = tmp_path / "server.yaml"
    cfg_path.write_text(capsys.readouterr().out, "utf-8")

    cfg = load_config(cfg_path)
    assert cfg.compare.items is None and cfg.partners is None
    state = srv.state_from_config(cfg)  # build_state: database, registry, routes
    assert len(state.registry) == len(load_partners(example_partners_path()))
    assert [r.name for r in cfg.api_roots] == ["community", "trusted"]
    state.store.dispose()

    started: list[Any] = []
    monkeypatch.setattr(srv, "serve", lambda state, *a, **k: started.append(state))
    # the real startup, minus uvicorn
    port = str(srv.free_port())  # the command binds it once to see that it can
    assert _exit_code(["share", "serve", "--config", str(cfg_path), "--port", port]) == 0
    assert len(started) == 1 and started[0].compare is None
    err = capsys.readouterr().err
    assert "no partners registry given" in " ".join(err.split())
    started[0].store.dispose()

    # a configured comparison list that does not exist is one clear, actionable error
    text = cfg_path.read_text("utf-8").replace("# items: compare", "items: compare")
    cfg_path.write_text(text, "utf-8")
    assert _exit_code(["share", "serve", "--config", str(cfg_path)]) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert "compare.items:" in err and "compare-items.txt not found" in err
    assert "--no-compare" in err and "Traceback" not in err
    assert (
        _exit_code(["share", "serve", "--config", str(cfg_path), "--no-compare", "--port", port])
        == 0
    )
    assert len(started) == 2
    started[1].store.dispose()


def test_config_reports_every_problem_at_once(tmp_path: Path) -> None:
    """Schema errors, the reserved root name and default_tlp > max_tlp in one message
    (the reserved name used to appear only once the schema errors were fixed)."""
    cfg = tmp_path / "server.yaml"
    bad = {
        "page_size": 0,
        "api_roots": [
            {
                "name": "taxii2",
                "collections": [
                    {"name": "c", "max_tlp": "PURPLE"},
                    {"name": "d", "max_tlp": "GREEN", "default_tlp": "AMBER"},
                ],
            }
        ],
    }
    cfg.write_text(yaml.safe_dump(bad), "utf-8")
    with pytest.raises(InputError) as err:
        load_config(cfg)
    message = str(err.value)
    assert "page_size: Input should be greater than or equal to 1 (got 0)" in message
    assert "api_roots[0].collections[0].max_tlp: 'PURPLE' is not a TLP 2.0 level" in message
    assert "api_roots[0].collections[1]: default_tlp TLP:AMBER is above max_tlp" in message
    assert "api_roots[0].name: 'taxii2' is reserved" in message
    # alone, each check still reports
    cfg.write_text(yaml.safe_dump({"api_roots": [{"name": "compare"}, {"name": "compare"}]}))
    with pytest.raises(InputError, match="'compare' is reserved.*'compare' used twice"):
        load_config(cfg)


@pytest.mark.parametrize(
    ("more", "said"),
    [
        (["--peer", "ftp://peer.example"], "expected http(s)://host:port"),
        (["--peer", "http://peer.example:8766"], "refusing to send the password in clear"),
        (["--peer", "http://127.0.0.1:9", "--backend", "rot13"], "--backend 'rot13'"),
    ],
)
def test_compare_refuses_a_bad_peer_or_backend_before_asking_the_password(
    tmp_path, monkeypatch, capsys, more, said
):
    """These were checked only after the password prompt (or, for the backend, after the
    connection): a person typed a password for a command that could not run."""
    items = tmp_path / "ours.txt"
    items.write_text("CVE-2024-3094\n", encoding="utf-8")

    def no_prompt(*args, **kwargs):
        raise AssertionError("the password was asked for")

    monkeypatch.setattr("typer.prompt", no_prompt)
    monkeypatch.delenv("VIGIE_PEER_PASSWORD", raising=False)
    with pytest.raises(SystemExit) as exc:
        main(["share", "compare", str(items), "--user", "ngo", *more])
    assert exc.value.code == 2
    assert said in " ".join(capsys.readouterr().err.split())


def test_compare_without_a_terminal_names_the_variable(tmp_path, monkeypatch, capsys):
    """From a script (no terminal) and without the password variable, the prompt read an
    empty input and answered "Aborted!"; it now names the variable to set."""
    import io

    items = tmp_path / "ours.txt"
    items.write_text("CVE-2024-3094\n", encoding="utf-8")
    monkeypatch.delenv("VIGIE_PEER_PASSWORD", raising=False)
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    with pytest.raises(SystemExit) as exc:
        main(["share", "compare", str(items), "--user", "ngo", "--peer", "http://127.0.0.1:9"])
    assert exc.value.code == 2
    err = " ".join(capsys.readouterr().err.split())
    assert "no terminal to ask the password on: set it in the variable VIGIE_PEER_PASSWORD" in err
