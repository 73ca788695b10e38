"""End to end on a generated exercise: generate (tiny) -> detect -> score and report.

Why: the hand-made Findings pin the definitions; this checks that score and report agree with
what the generator and the detectors really write (columns, platforms, ids), with answers
known from the generator's own files.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from report_samples import parse

from vigie.exercise.score import score_findings
from vigie.report.html import ReportOptions, write_report

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def exercise(tmp_path_factory) -> tuple[Path, Path]:
    from vigie.detect.pipeline import run_detection
    from vigie.exercise.generate import generate

    root = tmp_path_factory.mktemp("e2e")
    data = root / "data"
    generate("tiny", 20_000, 3, data, progress=False)
    findings = root / "findings"
    run_detection(data, findings, progress=False)
    return data, findings


def test_score_agrees_with_the_generated_truth(exercise):
    data, findings = exercise
    rep = score_findings(findings, data / "truth.parquet")
    truth = pq.read_table(data / "truth.parquet").to_pylist()
    members = pq.read_table(findings / "members.parquet").to_pylist()
    campaigns = {t["campaign_id"] for t in truth if t["campaign_id"] is not None}
    assert rep.unknown_accounts == 0  # every detected account exists in the truth
    assert rep.flagged == len({m["account_id"] for m in members})
    assert rep.truth_accounts == len(truth)
    assert rep.positives == sum(t["campaign_id"] is not None for t in truth)
    assert {c.campaign_id for c in rep.by_campaign} == campaigns
    assert sum(c.accounts for c in rep.by_campaign) == rep.positives
    flagged_pos = sum(c.flagged for c in rep.by_campaign)
    assert flagged_pos == rep.true_positives
    assert rep.true_positives + rep.organic_flagged == rep.flagged
    json.dumps(rep.to_dict())  # JSON-ready


def test_report_on_the_generated_exercise(exercise, tmp_path):
    data, findings = exercise
    out = tmp_path / "r.html"
    ctx = write_report(
        findings, out, truth_path=data / "truth.parquet", options=ReportOptions(max_groups=3)
    )
    page = parse(out)
    n_groups = pq.read_metadata(findings / "groups.parquet").num_rows
    assert len(page.sections) == min(3, n_groups)
    assert ctx["dataset_found"]  # the manifest points at the generated Dataset
    for d in ctx["details"]:
        # members' whole activity covers at least their evidence posts
        assert d["n_member_posts"] >= d["n_evidence"]
        assert not any(m["label"] is None for m in d["members"])  # all members are in truth
