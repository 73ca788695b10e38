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
