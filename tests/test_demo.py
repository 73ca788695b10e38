"""``vigie demo`` end to end on a small scenario: every stage writes its output."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from vigie.cli import app
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
