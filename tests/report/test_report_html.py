"""``vigie report``: structure, self-containment, escaping, caps and exercise mode of the page."""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from report_samples import HOSTILE_TEXT, Page, make_findings, parse
from typer.testing import CliRunner

from vigie import disarm
from vigie.cli import app, main
from vigie.errors import VigieError
from vigie.report.html import ReportOptions, write_report
from vigie.report.svg import ORGANIC_COLOUR, label_colour
from vigie.schema import write_findings


@pytest.fixture
def page(findings_dir, tmp_path) -> tuple[Path, Page]:
    out = tmp_path / "report.html"
    write_report(findings_dir, out)
    return out, parse(out)


def test_page_is_self_contained(page):
    _, p = page
    for tag, attrs in p.tags:
        for name in ("src", "href", "xlink:href", "action", "data"):
            value = (attrs.get(name) or "").strip().lower()
            assert not value.startswith(("http:", "https:", "//", "ftp:")), (tag, name, value)
        assert tag not in ("link", "iframe", "img", "object", "embed"), tag
        if tag == "script":
            assert "src" not in attrs
    css = "".join(p.styles)
    assert css and "@import" not in css and "url(" not in css
    assert p.scripts and "fetch(" not in "".join(p.scripts)


def test_summary_lists_counts_signals_techniques_and_caution(page):
    _, p = page
    text = p.all_text
    assert "Coordination is not attribution" in text
    assert "How to read this report" in text
    for tid in ("T0049.003", "T0084.001", "T0119"):
        assert tid in text
        assert disarm.technique(tid).name in text
    assert "window_s=60" in text and "posts_without_time" in text


def test_one_section_per_group_with_timeline_network_and_evidence(page):
    _, p = page
    assert [s["id"] for s in p.sections] == ["group-g0001", "group-g0002", "group-g0003"]
    for s in p.sections:
        assert s["svg"] == 2  # timeline + network
    # g0001 has 15 members -> 15 circles in its network
    assert p.sections[0]["circle"] == 15
    text = p.all_text
    assert "post:9001" in text and "https://fake-news.example/article-1" in text
    assert "RT @candidate: Big rally tonight!" in text


def test_evidence_texts_take_their_own_direction(page):
    """Arabic or Hebrew evidence sits in cells whose direction the browser takes from the
    text itself (``dir="auto"``), so a right-to-left post reads in its order in a
    left-to-right page."""
    _, p = page
    cells = [a for t, a in p.tags if t == "td" and a.get("class") in ("text", "obj")]
    assert cells and all(a.get("dir") == "auto" for a in cells)


def test_data_text_is_escaped_not_executed(page):
    out, p = page
    assert HOSTILE_TEXT in p.all_text  # shown as text …
    assert all("alert" not in s for s in p.scripts)  # … never as a script
    assert not any(t == "b" for t, _ in p.tags)
    assert "&lt;script&gt;" in out.read_text(encoding="utf-8")


def test_max_groups_caps_details_and_says_so(tmp_path):
    f = make_findings(tmp_path / "f", n_extra=5)
    out = tmp_path / "r.html"
    ctx = write_report(f, out, options=ReportOptions(max_groups=2))
    p = parse(out)
    assert len(p.sections) == 2 and ctx["capped"]
    assert "2 of 8 groups are shown in detail" in p.all_text
    # the overview still lists every group
    assert "x004" in p.all_text


def test_exercise_mode_colours_members_by_truth(findings_dir, truth_file, tmp_path):
    out = tmp_path / "r.html"
    write_report(findings_dir, out, truth_path=truth_file)
    p = parse(out)
    text = p.all_text
    assert "Exercise score" in text and "bot_amplification" in text
    fills = p.sections[0]["fills"]
    assert fills.count(label_colour("bot_amplification")) == 14
    assert fills.count(ORGANIC_COLOUR) == 1  # org01


def _dataset_with_posts(path: Path, accounts: dict[str, int]) -> Path:
    """A Dataset whose posts are ``n`` posts per account, one per hour from 2026-03-08."""
    from datetime import UTC, datetime, timedelta

    import pyarrow as pa

    from vigie.schema import POSTS_SCHEMA, base_manifest, write_json, write_table

    t0 = datetime(2026, 3, 8, tzinfo=UTC)
    rows = [
        {"post_id": f"{a}-{i}", "platform": "x", "account_id": a,
         "created_at": t0 + timedelta(hours=i), "text": "hello"}
        for a, n in accounts.items()
        for i in range(n)
    ]  # fmt: skip
    path.mkdir()
    write_table(pa.Table.from_pylist(rows), path / "posts.parquet", POSTS_SCHEMA)
    write_json(path / "manifest.json", base_manifest("dataset"))
    return path


def test_timeline_adds_members_activity_from_the_dataset(findings_dir, tmp_path):
    # 3 posts for each g0002 member, 2 for one g0003 member, and an outsider that must not count
    posts = {f"sock{i}": 3 for i in range(6)} | {"site0": 2, "outsider": 9}
    ds = _dataset_with_posts(tmp_path / "ds", posts)
    out = tmp_path / "r.html"
    ctx = write_report(findings_dir, out, dataset_path=ds)
    by_id = {d["group_id"]: d for d in ctx["details"]}
    assert by_id["g0002"]["n_member_posts"] == 18
    assert by_id["g0003"]["n_member_posts"] == 2
    assert by_id["g0001"]["n_member_posts"] == 0
    assert "all posts by members" in by_id["g0002"]["timeline_svg"]
    assert "grey: all 18 posts" in parse(out).all_text


def test_missing_dataset_is_said(page):
    _, p = page  # the sample manifest names a dataset that does not exist
    assert "timelines show the evidence posts only" in p.all_text


def test_big_evidence_examples_come_from_top_objects(findings_dir, tmp_path, monkeypatch):
    import vigie.report.html as html_mod

    small = write_report(findings_dir, tmp_path / "a.html")
    monkeypatch.setattr(html_mod, "MAX_EVIDENCE_SCAN", 3)
    capped = write_report(findings_dir, tmp_path / "b.html")
    for a, b in zip(small["details"], capped["details"], strict=True):
        assert [p["post_id"] for p in a["posts"]] == [p["post_id"] for p in b["posts"]]


def test_same_input_same_bytes(findings_dir, tmp_path):
    a, b = tmp_path / "a.html", tmp_path / "b.html"
    write_report(findings_dir, a)
    write_report(findings_dir, b)
    assert a.read_bytes() == b.read_bytes()


def test_empty_findings(tmp_path):
    f = write_findings(tmp_path / "f", groups=[], members=[], edges=[], evidence=[])
    out = tmp_path / "r.html"
    write_report(f, out)
    p = parse(out)
    assert "No coordinated group was found." in p.all_text and not p.sections


def test_bad_truth_leaves_previous_report(findings_dir, tmp_path):
    out = tmp_path / "r.html"
    out.write_text("previous")
    with pytest.raises(VigieError):
        write_report(findings_dir, out, truth_path=tmp_path / "missing.parquet")
    assert out.read_text() == "previous"


def test_cli(findings_dir, truth_file, tmp_path):
    out = tmp_path / "r.html"
    res = CliRunner().invoke(
        app,
        ["report", str(findings_dir), "--html", str(out), "--truth", str(truth_file)],
    )
    assert res.exit_code == 0, res.output
    assert out.exists() and "3 group(s)" in res.output


def test_cli_without_html_writes_beside_the_findings(findings_dir, tmp_path, monkeypatch):
    """``vigie report F`` with no ``--html`` writes ``F.html`` beside the folder (not in it:
    a later ``vigie detect`` swaps the folder whole), ``.`` named by the folder's own name."""
    copy = tmp_path / "run1"
    shutil.copytree(findings_dir, copy)
    monkeypatch.chdir(tmp_path)
    res = CliRunner().invoke(app, ["report", "run1"])
    assert res.exit_code == 0, res.output
    assert "Wrote run1.html: 3 group(s)" in res.output
    assert "<html" in (tmp_path / "run1.html").read_text().lower()
    monkeypatch.chdir(copy)
    res = CliRunner().invoke(app, ["report", "."])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "run1.html").stat().st_mtime_ns > 0 and not (copy / ".html").exists()


def test_cli_missing_findings_is_one_line(tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["report", str(tmp_path / "nope"), "--html", str(tmp_path / "r.html")])
    assert exc.value.code == 2
    err = " ".join(capsys.readouterr().err.split())  # Rich wraps long lines
    assert "no such Findings folder" in err and "Traceback" not in err


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        path = shutil.which(name)
        if path:
            return path
    return None


@pytest.mark.skipif(_chromium() is None, reason="no headless Chromium installed")
def test_renders_in_headless_chromium(findings_dir, truth_file, tmp_path):
    out = tmp_path / "r.html"
    write_report(findings_dir, out, truth_path=truth_file)
    shot = tmp_path / "shot.png"
    cmd = [
        _chromium(),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--hide-scrollbars",
        f"--user-data-dir={tmp_path / 'profile'}",
        "--window-size=1280,2000",
        f"--screenshot={shot}",
        out.resolve().as_uri(),
    ]
    subprocess.run(cmd, capture_output=True, timeout=120, check=False)
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (1280, 2000)


def test_ties_across_platforms_are_named_with_their_platforms(tmp_path):
    """The report's ties outside groups name each account ``platform:id`` when they span
    several platforms (a tie from an X account to a Telegram channel reads as one), and by
    id alone when one platform holds them all."""
    groups = [{"group_id": "g1", "score": 0.9, "n_members": 2}]
    members = [{"group_id": "g1", "account_id": a, "platform": "x"} for a in ("m1", "m2")]

    def tie(b_platform: str) -> list[dict]:
        return [
            {
                "rank": 1,
                "account_id_a": "a-17",
                "account_id_b": "b-42",
                "kinds": ["co_link"],
                "observed": 9,
                "expected": 0.5,
                "p_value": 1e-9,
                "platform_a": "x",
                "platform_b": b_platform,
            }
        ]

    for b_platform, want in (("telegram", ("x:a-17", "telegram:b-42")), ("x", ("a-17", "b-42"))):
        f = tmp_path / f"f-{b_platform}"
        write_findings(
            f, groups=groups, members=members, edges=[], evidence=[], pairs=tie(b_platform)
        )
        out = tmp_path / f"{b_platform}.html"
        write_report(f, out)
        html = out.read_text()
        body = html[html.index('id="pairs-table"') :]
        cells = re.findall(r'<td class="mono">([^<(]*?)(?: \(@[^)]*\))?(?: · [^<]*)?</td>', body)
        assert list(want) == [c.strip() for c in cells[:2]], cells[:4]


def test_a_group_of_two_platforms_draws_one_node_per_member(tmp_path):
    """One id on two platforms is two members of a group (detection keeps them apart): the
    network drew them as one node, keyed by id, holding both's ties. Each member is now its
    own node, named ``platform:id`` as the ties tables name it; a group of one platform is
    drawn by ids as before."""
    groups = [{"group_id": "g1", "score": 0.9, "n_members": 3}]
    members = [
        {"group_id": "g1", "account_id": a, "platform": p, "strength": 1.0}
        for p, a in (("x", "a1"), ("telegram", "a1"), ("x", "a2"))
    ]
    edges = [
        {"source": "a1", "target": "a2", "kind": "co_link", "weight": 2.0, "group_id": "g1",
         "source_platform": "x", "target_platform": "x"},
        {"source": "a1", "target": "a2", "kind": "copypasta", "weight": 1.0, "group_id": "g1",
         "source_platform": "telegram", "target_platform": "x"},
    ]  # fmt: skip
    f = tmp_path / "f"
    write_findings(f, groups=groups, members=members, edges=edges, evidence=[])
    out = tmp_path / "r.html"
    write_report(f, out)
    svg = out.read_text()
    svg = svg[svg.index('aria-label="members and the edges that tie them"') :]
    svg = svg[: svg.index("</svg>")]
    titles = re.findall(r"<title>([^<]*)</title>", svg)
    nodes = sorted(t.split(" — ")[0] for t in titles if "strength" in t)
    assert nodes == ["telegram:a1", "x:a1", "x:a2"], titles
    links = sorted(t for t in titles if "strength" not in t)
    assert links == ["telegram:a1 — x:a2: copypasta 1", "x:a1 — x:a2: co_link 2"], titles


def test_every_group_section_is_open_where_a_page_is_printed(tmp_path):
    """The page opens the first three group sections; a printed page cannot open the
    others, so ``open_all`` (what ``--pdf`` prints) opens every one."""
    groups = [{"group_id": f"g{i}", "score": 1 - i / 10, "n_members": 2} for i in range(5)]
    members = [
        {"group_id": g["group_id"], "account_id": f"{g['group_id']}-{k}", "platform": "x"}
        for g in groups
        for k in range(2)
    ]
    f = tmp_path / "f"
    write_findings(f, groups=groups, members=members, edges=[], evidence=[])
    opened = re.compile(r'<details class="group" id="[^"]+" open>')
    for open_all, want in ((False, 3), (True, 5)):
        out = tmp_path / f"{open_all}.html"
        ctx = write_report(f, out, options=ReportOptions(open_all=open_all))
        assert len(ctx["details"]) == 5
        assert len(opened.findall(out.read_text())) == want


def test_cli_pdf(findings_dir, tmp_path, monkeypatch, capsys):
    """``vigie report F --pdf r.pdf`` prints the report with every group open (Chromium);
    without Chromium, one line before any work, and no file."""
    from vigie.risk.pdf import find_chromium

    monkeypatch.setenv("VIGIE_CHROMIUM", str(tmp_path / "no-such-browser"))
    with pytest.raises(SystemExit) as exc:
        main(["report", str(findings_dir), "--pdf", str(tmp_path / "none.pdf")])
    err = capsys.readouterr().err
    assert exc.value.code == 2 and "apt-get install chromium" in err
    assert not (tmp_path / "none.pdf").exists() and not (tmp_path / "findings.html").exists()
    monkeypatch.delenv("VIGIE_CHROMIUM")
    if find_chromium() is None:
        pytest.skip("no headless Chromium installed (apt-get install chromium)")
    with pytest.raises(SystemExit) as exc:
        main(["report", str(findings_dir), "--pdf", str(tmp_path / "r.pdf")])
    assert exc.value.code in (0, None)
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF-")
    assert "every section open" in " ".join(capsys.readouterr().out.split())
    assert not (tmp_path / "findings.html").exists()  # the PDF alone was asked for


def test_out_names_the_page_by_its_ending(findings_dir, tmp_path, capsys):
    """``--out`` (what generate, detect and demo take) writes the report its name ends in:
    .html a page, .pdf a PDF; another ending, or the same page asked twice, is one line."""
    from vigie.risk.templates import template_text

    def run(*args: str) -> int:
        with pytest.raises(SystemExit) as exc:
            main([*args])
        return exc.value.code or 0

    assert run("report", str(findings_dir), "--out", str(tmp_path / "r.html")) == 0
    assert "<html" in (tmp_path / "r.html").read_text(encoding="utf-8").lower()
    assert not (tmp_path / "findings.html").exists()
    capsys.readouterr()
    assert run("report", str(findings_dir), "-o", str(tmp_path / "r.txt")) == 2
    err = capsys.readouterr().err
    assert "r.txt: end the name in .html or .pdf" in err and "--truth" not in err
    assert run("report", str(findings_dir), "-o", "a.pdf", "--pdf", "b.pdf") == 2
    assert "give one PDF file" in capsys.readouterr().err
    assert not (tmp_path / "r.txt").exists()
    study = tmp_path / "s.yaml"
    study.write_text(template_text("election-en"), encoding="utf-8")
    assert run("risk", "report", str(study), "--out", str(tmp_path / "study.html")) == 0
    assert "<html" in (tmp_path / "study.html").read_text(encoding="utf-8").lower()
    assert not (tmp_path / "s.html").exists()


def test_shared_objects_show_their_true_counts(findings_dir, tmp_path):
    """A group's shared objects were counted from the few example posts evidence keeps per
    object (a hashtag 50 members used 1,223 times over three weeks read "5 posts, 5
    accounts, 14 s"); with the run's ``group_objects.parquet`` they show its counts, the
    Dataset's reach beside; without it, the page says the counts are the examples'."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from vigie.report.html import build_context
    from vigie.schema import GROUP_OBJECTS_SCHEMA

    ctx = build_context(findings_dir)
    group = ctx["details"][0]
    assert group["objects"] and not group["objects_recorded"]
    first = group["objects"][0]
    t0, t1 = datetime(2024, 1, 1, tzinfo=UTC), datetime(2024, 1, 22, tzinfo=UTC)
    rows = {
        "group_id": [group["group_id"]] * 2,
        "kind": [first["kind"], first["kind"]],
        "object": ["rare-object", "reveilfrancais"],
        "n_members": [2, 50],
        "group_posts": [3, 1223],
        "reach_posts": [3, 1327],
        "reach_accounts": [2, 62],
        "first_seen": [t0, t0],
        "last_seen": [t0, t1],
    }
    pq.write_table(
        pa.table(rows, schema=GROUP_OBJECTS_SCHEMA), findings_dir / "group_objects.parquet"
    )
    ctx = build_context(findings_dir)
    group = ctx["details"][0]
    top = group["objects"][0]
    assert group["objects_recorded"] and group["n_objects"] == 2
    assert (top["object"], top["posts"], top["accounts"]) == ("reveilfrancais", 1223, 50)
    assert (top["reach_posts"], top["reach_accounts"], top["span"]) == (1327, 62, "21 d")
    out = tmp_path / "r.html"
    write_report(findings_dir, out)
    assert "posts in the Dataset" in out.read_text(encoding="utf-8")
