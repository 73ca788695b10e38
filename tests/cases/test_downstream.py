"""Downstream respects decisions: share export, risk evidence, report, audit log."""

from __future__ import annotations

import json
import re

import pytest

from vigie.cases.downstream import reviewed_copy
from vigie.cli import main
from vigie.risk import evidence as ev
from vigie.share.audit import AuditLog
from vigie.share.taxii.store import Store

from .helpers import accs, make_findings

TECH = {"g1": ["T0049.003"], "g2": ["T0049.003"], "g3": ["T0119"]}


@pytest.fixture
def triaged(ws, tmp_path):
    """Three groups: g1 confirmed, g2 dismissed (a fan club), g3 unreviewed; one account of
    g1 dismissed on its own (a newsroom feed that happened to share the links)."""
    f = make_findings(
        tmp_path / "f1",
        {"g1": accs("a", 6), "g2": accs("b", 6), "g3": accs("c", 6)},
        objects={
            "g1": ["https://a.example/1"],
            "g2": ["https://b.example/1"],
            "g3": ["https://c.example/1"],
        },
        techniques=TECH,
    )
    run = ws.register_run(f)
    ids = ws.local_ids(run)
    ws.decide("g1", "confirmed", reason="coordinated-inauthentic", author="ana")
    ws.decide("g2", "dismissed", reason="fandom", note="K-pop fans", author="ana")
    ws.decide("a005", "dismissed", reason="newsroom-and-feeds", kind="account", author="ana")
    return f, ids


def _run(argv, capsys):
    capsys.readouterr()
    try:
        main(argv)
        code = 0
    except SystemExit as exc:
        code = exc.code
    out = capsys.readouterr()
    return code, " ".join((out.out + out.err).split())  # unwrap the console's lines


def _shared_text(bundle_path):
    return json.dumps(json.loads(bundle_path.read_text()))


def _shared_accounts(bundle_path):
    """The account ids the bundle shares (its ``user-account`` objects' ``user_id``).

    Why not a substring of the whole bundle: its random UUIDs hold "a005" now and then, which
    made the dismissed-account check fail about once in thirty runs."""
    objects = json.loads(bundle_path.read_text())["objects"]
    return {o["user_id"] for o in objects if o.get("type") == "user-account"}


def test_share_export_confirmed_only_by_default_never_dismissed(ws, triaged, tmp_path, capsys):
    f, ids = triaged
    out = tmp_path / "bundle.json"
    code, text = _run(
        [
            "share",
            "export",
            str(f),
            "--stix",
            str(out),
            "--no-validate",
            "-w",
            str(ws.root),
            "--author",
            "bo",
        ],
        capsys,
    )
    assert code == 0, text
    shared = _shared_text(out)
    assert ids["g1"] in shared and ids["g2"] not in shared and ids["g3"] not in shared
    accounts = _shared_accounts(out)
    assert "a001" in accounts and "a005" not in accounts  # the dismissed account is left out
    assert "https://b.example/1" not in shared
    code, text = _run(
        [
            "share",
            "export",
            str(f),
            "--stix",
            str(out),
            "--no-validate",
            "-w",
            str(ws.root),
            "--include-unreviewed",
        ],
        capsys,
    )
    assert code == 0, text
    shared = _shared_text(out)
    assert ids["g1"] in shared and ids["g3"] in shared and ids["g2"] not in shared
    # both exports are in the workspace's audit log: who, what, to whom
    store = Store(ws.db_url)
    rows = [r.as_dict() for r in AuditLog(store).rows(action="export.written")]
    store.dispose()
    assert len(rows) == 2
    assert rows[0]["actor"] == "bo" and rows[0]["collection"] == "internal"
    assert rows[0]["detail"]["groups"] == [ids["g1"]]
    assert str(out) in rows[0]["detail"]["files"]
    assert sorted(rows[1]["detail"]["groups"]) == sorted([ids["g1"], ids["g3"]])
    assert rows[1]["detail"]["unreviewed"] == [ids["g3"]]
    assert AuditLog(Store(ws.db_url)).verify().ok


def test_share_export_refuses_when_nothing_is_confirmed(ws, tmp_path, capsys):
    f = make_findings(tmp_path / "f1", {"g1": accs("a", 6)})
    ws.register_run(f)
    code, text = _run(
        ["share", "export", str(f), "--stix", str(tmp_path / "b.json"), "-w", str(ws.root)], capsys
    )
    assert code == 2
    assert "no group to share" in text and "1 unreviewed left out" in text
    assert not (tmp_path / "b.json").exists()


def test_share_export_to_a_partner_is_audited_with_the_partner(ws, triaged, tmp_path, capsys):
    f, ids = triaged
    out = tmp_path / "b.json"
    code, text = _run(
        [
            "share",
            "export",
            str(f),
            "--stix",
            str(out),
            "-w",
            str(ws.root),
            "--partner",
            "observatoire",
        ],
        capsys,
    )
    assert code == 0, text
    store = Store(ws.db_url)
    [row] = [r.as_dict() for r in AuditLog(store).rows(action="export.written")]
    store.dispose()
    assert row["collection"] == "observatoire" and row["detail"]["to"] == "observatoire"
    assert row["marking"].startswith("TLP:")


def test_risk_evidence_uses_confirmed_groups_and_labels_unreviewed(ws, triaged):
    f, ids = triaged
    with reviewed_copy(f, ws) as rev:
        obs = ev.observed_techniques(rev.path)
    assert set(obs) == {"T0049.003"}
    assert obs["T0049.003"].groups == (ids["g1"],)  # the stable id; dismissed g2 left out
    assert obs["T0049.003"].accounts == 5  # a005 was dismissed on its own
    with reviewed_copy(f, ws, include_unreviewed=True, label_unreviewed=True) as rev:
        obs = ev.observed_techniques(rev.path)
    assert obs["T0119"].groups == (f"{ids['g3']} (unreviewed)",)
    assert obs["T0049.003"].groups == (ids["g1"],)


def test_risk_evidence_cli_proposes_from_confirmed_only(ws, triaged, tmp_path, capsys):
    f, ids = triaged
    code, text = _run(
        ["risk", "new", "--template", "election-en", "--out", str(tmp_path / "s.yaml")], capsys
    )
    assert code == 0, text
    code, text = _run(
        ["risk", "evidence", str(tmp_path / "s.yaml"), str(f), "-w", str(ws.root)], capsys
    )
    assert code == 0, text
    assert "1 confirmed group(s) used" in text and "1 dismissed left out" in text
    assert "T0119" not in text  # only the unreviewed g3 shows T0119


def test_report_shows_decisions_and_hides_dismissed(ws, triaged, tmp_path, capsys):
    f, ids = triaged
    html = tmp_path / "r.html"
    code, text = _run(["report", str(f), "--html", str(html), "-w", str(ws.root)], capsys)
    assert code == 0, text
    page = html.read_text()
    assert 'id="triage"' in page
    for gid in ids.values():
        assert gid in page
    assert "K-pop fans" in page and "fandom" in page and "dismissed" in page
    code, text = _run(
        ["report", str(f), "--html", str(html), "-w", str(ws.root), "--hide-dismissed"], capsys
    )
    assert code == 0, text
    page = html.read_text()
    assert ids["g2"] not in page and ids["g1"] in page
    assert "1 dismissed group(s) hidden" in page
    # out of every figure too, not only the group sections (the summary's accounts, the
    # ranking by score, the techniques' counts kept them): no trace of its members or link
    assert "b.example" not in page and not re.search(r"\bb00[0-5]\b", page)
    from vigie.cases.report import write_report as with_cases

    ctx = with_cases(f, tmp_path / "r2.html", ws, hide_dismissed=True)
    assert (ctx["n_groups"], ctx["n_accounts"]) == (2, 12)
    assert all(g["group_id"] != "g2" for g in ctx["overview"] + ctx.get("ranked", []))


def test_report_has_a_changes_section_from_the_second_run(ws, triaged, tmp_path, capsys):
    f, ids = triaged
    f2 = make_findings(tmp_path / "f2", {"g1": accs("a", 6) + ["a777"], "g2": accs("c", 6)})
    ws.register_run(f2)
    html = tmp_path / "r.html"
    code, text = _run(["report", str(f2), "--html", str(html), "-w", str(ws.root)], capsys)
    assert code == 0, text
    page = html.read_text()
    assert "Changes since the previous run" in page
    assert "x:a777" in page  # the member who came in


def test_without_workspace_everything_is_used_with_a_warning(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("VIGIE_WORKSPACE", raising=False)
    monkeypatch.chdir(tmp_path)
    f = make_findings(tmp_path / "f1", {"g1": accs("a", 6)}, techniques={"g1": ["T0119"]})
    out = tmp_path / "out" / "b.json"
    code, text = _run(["share", "export", str(f), "--stix", str(out)], capsys)
    assert code == 0, text
    assert "no workspace" in text and "g0001" not in text
    assert (tmp_path / "out" / "vigie-audit.sqlite").exists()  # audited beside the export
    code, text = _run(
        ["report", str(f), "--html", str(tmp_path / "r.html"), "--hide-dismissed"], capsys
    )
    assert code == 2 and "needs a workspace" in text


def test_dismissed_pairs_and_accounts_leave_the_edges(ws, tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    f = make_findings(tmp_path / "f1", {"g1": accs("a", 4)})
    edges = [("a000", "a001"), ("a001", "a002"), ("a002", "a003"), ("a000", "a003")]
    pq.write_table(
        pa.table(
            {
                "source": [a for a, _ in edges],
                "target": [b for _, b in edges],
                "kind": ["co_link"] * 4,
                "weight": [1.0] * 4,
                "group_id": ["g1"] * 4,
            }
        ),
        f / "edges.parquet",
    )
    ws.register_run(f)
    ws.decide("g1", "confirmed", reason="coordinated-inauthentic")
    ws.decide(("a002", "a001"), "dismissed", reason="coincidence")
    ws.decide("a003", "dismissed", reason="newsroom-and-feeds", kind="account")
    with reviewed_copy(f, ws) as rev:
        kept = pq.read_table(rev.path / "edges.parquet")
        members = pq.read_table(rev.path / "members.parquet").column("account_id").to_pylist()
    assert list(
        zip(kept.column("source").to_pylist(), kept.column("target").to_pylist(), strict=True)
    ) == [("a000", "a001")]
    assert sorted(members) == ["a000", "a001", "a002"]
    assert rev.accounts_removed == 1


def test_share_audit_shows_the_workspace_log_without_a_server_config(
    ws, triaged, tmp_path, capsys, monkeypatch
):
    """``vigie share audit`` inside a workspace reads the workspace's log, as README's week of
    triage and docs/triage.md show it (it used to ask for --config even then, and even with
    ``--db``)."""
    f, ids = triaged
    out = tmp_path / "b.json"
    args = ["share", "export", str(f), "--stix", str(out), "--no-validate", "-w", str(ws.root)]
    code, text = _run(args, capsys)
    assert code == 0, text
    monkeypatch.setenv("VIGIE_WORKSPACE", str(ws.root))
    code, text = _run(["share", "audit", "--json", "--last", "0"], capsys)
    assert code == 0, text
    assert '"action": "export.written"' in text and ids["g1"] in text
    code, text = _run(["share", "audit", "--db", ws.db_url, "--verify"], capsys)
    assert code == 0 and "audit log intact: 1 rows" in text, text


def test_the_reviewed_copy_goes_when_the_command_ends_without_click(
    ws, triaged, tmp_path, capsys, monkeypatch
):
    """``risk evidence`` in a workspace reads a filtered copy of the Findings, released when
    the command's context closes. Typer 0.2x runs its own copy of click, so the installed
    ``click`` (which a base install has not: uvicorn brings it) was imported for nothing: a
    traceback without it, and with it no context found, the copy left until the process
    ended."""
    import sys
    import tempfile

    f, _ = triaged
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    code, text = _run(
        ["risk", "new", "--template", "election-en", "--out", str(tmp_path / "s.yaml")], capsys
    )
    assert code == 0, text
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    monkeypatch.setitem(sys.modules, "click", None)  # import click: ModuleNotFoundError
    code, text = _run(
        ["risk", "evidence", str(tmp_path / "s.yaml"), str(f), "-w", str(ws.root)], capsys
    )
    assert code == 0, text
    assert "1 confirmed group(s) used" in text
    assert not list(tmp.glob("vigie-reviewed-*"))  # released as the command ended


def test_a_partners_file_taken_in_is_an_audit_row_of_the_workspace(
    ws, triaged, tmp_path, capsys, monkeypatch
):
    """``share import`` kept no trace of who took a partner's file in (exports were rows of
    the audit log, imports were not), and stored it in ./vigie-share.sqlite wherever it
    ran. In a workspace the store is at its root and each import is a row: the partner, the
    file's SHA-256, what it added, the strictest TLP. Outside one, the log sits beside the
    store."""
    import hashlib

    f, _ = triaged
    out = tmp_path / "b.json"
    args = ["share", "export", str(f), "--stix", str(out), "--no-validate", "-w", str(ws.root)]
    assert _run(args, capsys)[0] == 0
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    monkeypatch.delenv("VIGIE_STORE", raising=False)
    monkeypatch.delenv("VIGIE_AUDIT_DB", raising=False)
    take = ["share", "import", str(out), "--from", "plateforme", "-w", str(ws.root)]
    for added in ("new", "0 new"):
        code, text = _run([*take, "--author", "ana"], capsys)
        assert code == 0 and added in text and "audit log: recorded as row" in text, text
    assert (ws.root / "vigie-share.sqlite").is_file() and not list(elsewhere.iterdir())
    rows = [r for r in AuditLog(Store(ws.db_url)).rows() if r.action == "import.received"]
    who = [(r.actor, r.collection, r.marking) for r in rows]
    assert who == [("ana", "plateforme", "TLP:AMBER")] * 2
    first, second = (json.loads(r.detail) for r in rows)
    assert first["file"] == {str(out): hashlib.sha256(out.read_bytes()).hexdigest()}
    assert first["added"] > 0 and second["added"] == 0
    code, text = _run(
        ["share", "import", str(out), "--from", "plateforme", "--store", "s.sqlite"], capsys
    )  # no workspace here: the log beside the store
    assert code == 0, text
    assert (elsewhere / "s.sqlite").is_file() and (elsewhere / "vigie-audit.sqlite").is_file()


def test_the_report_marks_members_a_partner_shared_too(ws, triaged, tmp_path, capsys):
    """Accounts a partner sent (an id as written, or the SHA-256 of ``x:id`` a hashed form
    holds) sat in the store unseen by the reviewer; the report now says, per group, how many
    members a partner shared too, and who, under which TLP. Groups without any say nothing."""
    import re

    from vigie.share.policy import hash_account
    from vigie.share.stix_import import BundleStore

    f, ids = triaged

    def account(n: int, user: str) -> dict:
        return {
            "type": "user-account",
            "spec_version": "2.1",
            "id": f"user-account--c0011111-2222-4333-8444-55556666777{n}",
            "user_id": user,
        }

    bundle = {
        "type": "bundle",
        "id": "bundle--6d5a5c0e-1d3a-4b8e-9a34-0b1c9f0e7a13",
        "objects": [account(1, "a001"), account(2, hash_account("x", "a002"))],
    }
    with BundleStore(ws.root / "vigie-share.sqlite") as store:
        store.import_bundle(bundle, source="plateforme", validate=False)
    html = tmp_path / "r.html"
    code, text = _run(["report", str(f), "--html", str(html), "-w", str(ws.root)], capsys)
    assert code == 0, text
    said = re.findall(r"Shared by partners too: [^<]*", html.read_text())
    assert said == [
        "Shared by partners too: 2 member(s) (plateforme, TLP:AMBER), in what they sent "
        "(vigie share import, pull)."
    ]
