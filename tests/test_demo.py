"""``vigie demo`` end to end on a small scenario: every stage writes its output."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from vigie.cli import app
from vigie.errors import VigieError
from vigie.exercise.score import score_findings
from vigie.schema import Dataset, Findings


def test_demo_runs_end_to_end(tmp_path):
    out = tmp_path / "demo"
    res = CliRunner().invoke(app, ["demo", "--out", str(out), "--posts", "20000", "--seed", "11"])
    assert res.exit_code == 0, res.output
    ds = Dataset(out / "dataset").check()
    gen = json.loads((out / "scenario" / "manifest.json").read_text())
    assert ds.manifest()["counts"]["posts"] == gen["counts"]["posts"]
    fnd = Findings(out / "findings").check()
    assert fnd.manifest()["counts"]["groups"] >= 1
    rep = score_findings(fnd, out / "scenario" / "truth.parquet")
    # the demo must find campaigns, not organic users
    assert rep.recall is not None and rep.recall > 0.5
    assert rep.organic_fpr is not None and rep.organic_fpr < 0.01
    html = (out / "report.html").read_text()
    assert "<html" in html.lower() and "Done" in res.output


def test_a_demo_too_small_for_its_campaigns_says_which_options_fix_it(tmp_path):
    """The refusal names options ``vigie demo`` has: ``--posts`` always, ``--campaign-scale``
    only while a smaller scale would shrink a campaign (below, each is at its smallest: the
    suggestion would not help); the smaller campaigns it suggests then run."""
    out = tmp_path / "demo"
    base = ["demo", "--out", str(out), "--seed", "3"]
    res = CliRunner().invoke(app, [*base, "--posts", "4000"])
    assert isinstance(res.exception, VigieError)  # main() prints it as one line, exit 2
    said = str(res.exception)
    assert "too small" in said and "use at least" in said and "--campaign-scale" not in said
    assert "at its smallest" in said
    assert not (out / "dataset").exists()  # nothing ingested after the refusal
    res = CliRunner().invoke(app, [*base, "--posts", "10000", "--campaign-scale", "3"])
    assert isinstance(res.exception, VigieError)
    assert "or a smaller --campaign-scale" in str(res.exception)
    res = CliRunner().invoke(app, [*base, "--posts", "10000", "--campaign-scale", "0.5"])
    assert res.exit_code == 0, res.output
    gen = json.loads((out / "scenario" / "manifest.json").read_text())
    assert gen["counts"]["posts"] == 10_000
    assert Dataset(out / "dataset").check().manifest()["counts"]["posts"] == 10_000


def test_a_second_demo_in_the_same_folder_starts_afresh(tmp_path):
    """Another seed in the same ``--out``: the Dataset holds that scenario's posts only
    (it was appended to: two scenarios scored against one truth), and every flagged
    account is in the new truth."""
    out = tmp_path / "demo"
    base = ["demo", "--out", str(out), "--posts", "10000", "--campaign-scale", "0.5"]
    for seed in ("3", "4"):
        res = CliRunner().invoke(app, [*base, "--seed", seed])
        assert res.exit_code == 0, res.output
    gen = json.loads((out / "scenario" / "manifest.json").read_text())
    assert gen["seed"] == 4
    manifest = Dataset(out / "dataset").check().manifest()
    assert manifest["counts"]["posts"] == 10_000 and len(manifest["sources"]) == 2
    rep = score_findings(Findings(out / "findings").check(), out / "scenario" / "truth.parquet")
    assert rep.flagged > 0 and rep.unknown_accounts == 0


def test_a_demo_refuses_a_dataset_it_did_not_make_before_any_work(tmp_path):
    """``--out`` whose ``dataset/`` is the analyst's own Dataset: refused with a line naming
    it, before the scenario is generated, and the Dataset is left as it was."""
    from vigie.ingest import ingest

    out = tmp_path / "demo"
    src = tmp_path / "mine.jsonl"
    src.write_text(
        json.dumps(
            {"post_id": "1", "account_id": "a", "created_at": "2026-01-01T00:00:00Z", "text": "x"}
        )
        + "\n"
    )
    ingest([src], out / "dataset", platform="x")
    before = (out / "dataset" / "posts.parquet").read_bytes()
    res = CliRunner().invoke(app, ["demo", "--out", str(out), "--posts", "10000"])
    assert isinstance(res.exception, VigieError)
    said = str(res.exception)
    assert str(out / "dataset") in said and "earlier vigie demo" in said
    assert not (out / "scenario").exists()
    assert (out / "dataset" / "posts.parquet").read_bytes() == before


def test_a_demo_refuses_a_dataset_folder_with_a_foreign_manifest(tmp_path):
    """A ``dataset/`` whose manifest is no Dataset's (a JSON list here) is refused with the
    folder named, not a traceback."""
    out = tmp_path / "demo"
    (out / "dataset").mkdir(parents=True)
    (out / "dataset" / "manifest.json").write_text("[]")
    (out / "dataset" / "posts.parquet").write_bytes(b"")
    res = CliRunner().invoke(app, ["demo", "--out", str(out), "--posts", "10000"])
    assert isinstance(res.exception, VigieError), res.output
    assert "earlier vigie demo" in str(res.exception)


def test_a_demo_refuses_a_folder_of_the_users_own_files(tmp_path):
    """``vigie demo --out ~/Documents`` made the folder a workspace among the user's files
    (datasets/, runs/, cases.db beside their papers), which ``vigie serve`` refuses. Refused
    before any work, naming what it holds; an empty folder, or the demo's own, is used."""
    out = tmp_path / "Documents"
    out.mkdir()
    (out / "thesis.txt").write_text("my thesis")
    res = CliRunner().invoke(app, ["demo", "--out", str(out), "--posts", "10000"])
    assert isinstance(res.exception, VigieError), res.output
    said = str(res.exception)
    assert "not empty and not a vigie workspace (it holds thesis.txt)" in said
    assert sorted(p.name for p in out.iterdir()) == ["thesis.txt"]
