"""``vigie score``: account-level scores on a hand-made Findings folder with known answers."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from vigie.cli import app, main
from vigie.errors import InputError, VigieError
from vigie.exercise.score import score_findings
from vigie.schema import TRUTH_ACCOUNTS_SCHEMA, write_findings

# Truth: c1 bot (a1..a4), c2 copypasta (b1..b3), c3 bot (d1, d2), 6 organic (o1..o6).
TRUTH_ROWS = (
    [(f"a{i}", "c1", "bot_amplification", "amplifier") for i in range(1, 5)]
    + [(f"b{i}", "c2", "copypasta", "sockpuppet") for i in range(1, 4)]
    + [(f"d{i}", "c3", "bot_amplification", "amplifier") for i in range(1, 3)]
    + [(f"o{i}", None, None, "organic") for i in range(1, 7)]
)
# g1: 3 bots + 1 organic; g2: 2 copypasta; g3: 2 organic + 1 copypasta; g4: a3 + unknown x1.
GROUPS = {
    "g1": ["a1", "a2", "a3", "o1"],
    "g2": ["b1", "b2"],
    "g3": ["o2", "o3", "b3"],
    "g4": ["a3", "x1"],
}


def write_truth(path: Path, rows=TRUTH_ROWS) -> Path:
    table = pa.Table.from_pylist(
        [
            {"account_id": a, "platform": "x", "campaign_id": c, "campaign_type": t, "role": r}
            for a, c, t, r in rows
        ],
        schema=TRUTH_ACCOUNTS_SCHEMA,
    )
    pq.write_table(table, path)
    return path


def write_groups(path: Path, groups=GROUPS, platform: str | None = "x") -> Path:
    write_findings(
        path,
        groups=[
            {"group_id": g, "score": 0.9, "n_members": len(m), "signals": ["co_repost"]}
            for g, m in groups.items()
        ],
        members=[
            {"group_id": g, "account_id": a, "platform": platform}
            for g, m in groups.items()
            for a in m
        ],
        edges=[],
        evidence=[],
    )
    return path


@pytest.fixture
def case(tmp_path):
    return write_groups(tmp_path / "findings"), write_truth(tmp_path / "truth.parquet")


def test_overall_scores_match_hand_computed_values(case):
    rep = score_findings(*case)
    assert rep.flagged == 9  # a1 a2 a3 o1 b1 b2 o2 o3 b3
    assert rep.true_positives == 6
    assert rep.precision == pytest.approx(6 / 9)
    assert rep.recall == pytest.approx(6 / 9)
    assert rep.f1 == pytest.approx(6 / 9)
    assert (rep.organic_flagged, rep.organic) == (3, 6)
    assert rep.organic_fpr == pytest.approx(0.5)
    # purity: g1 3/4, g2 2/2, g3 2/3, g4 1/1 (x1 unknown) -> 8/10
    assert rep.group_purity == pytest.approx(0.8)
    assert rep.unknown_accounts == 1 and rep.unknown_examples == ["x1"]
    assert (rep.truth_accounts, rep.positives, rep.groups) == (15, 9, 4)


def test_per_type_scores(case):
    by_type = {t.campaign_type: t for t in score_findings(*case).by_type}
    bot = by_type["bot_amplification"]
    assert (bot.accounts, bot.flagged) == (6, 3)
    assert bot.recall == pytest.approx(0.5)
    assert bot.majority_groups == 2  # g1 and g4
    assert (bot.majority_group_accounts, bot.majority_group_correct) == (4, 3)
    assert bot.precision == pytest.approx(0.75)
    assert bot.f1 == pytest.approx(0.6)
    cp = by_type["copypasta"]
    assert (cp.recall, cp.precision, cp.f1) == (1.0, 1.0, 1.0)
    assert "organic" not in by_type


def test_per_campaign_recall_and_fragmentation(case):
    by_c = {c.campaign_id: c for c in score_findings(*case).by_campaign}
    assert (by_c["c1"].flagged, by_c["c1"].recall, by_c["c1"].groups) == (3, 0.75, 2)
    assert (by_c["c2"].flagged, by_c["c2"].recall, by_c["c2"].groups) == (3, 1.0, 2)
    assert (by_c["c3"].flagged, by_c["c3"].recall, by_c["c3"].groups) == (0, 0.0, 0)


def test_members_without_platform_match_on_account_id(tmp_path):
    f = write_groups(tmp_path / "f", platform=None)
    rep = score_findings(f, write_truth(tmp_path / "t.parquet"))
    assert rep.flagged == 9 and rep.unknown_accounts == 1


def test_no_groups_gives_zero_recall_and_undefined_precision(tmp_path):
    f = write_groups(tmp_path / "f", groups={})
    rep = score_findings(f, write_truth(tmp_path / "t.parquet"))
    assert rep.flagged == 0 and rep.recall == 0.0
    assert rep.precision is None and rep.f1 is None and rep.group_purity is None
    assert rep.organic_fpr == 0.0


def test_truth_folder_is_accepted(tmp_path):
    write_truth(tmp_path / "truth.parquet")
    rep = score_findings(write_groups(tmp_path / "f"), tmp_path)
    assert rep.flagged == 9


def test_missing_truth_file(tmp_path):
    with pytest.raises(VigieError, match="not found"):
        score_findings(write_groups(tmp_path / "f"), tmp_path / "nope.parquet")


def test_truth_not_parquet(tmp_path):
    bad = tmp_path / "truth.parquet"
    bad.write_text("account_id,campaign_id\n")
    with pytest.raises(VigieError, match="not a readable Parquet"):
        score_findings(write_groups(tmp_path / "f"), bad)


def test_truth_missing_column(tmp_path):
    p = tmp_path / "t.parquet"
    pq.write_table(pa.table({"account_id": ["a"], "campaign_id": ["c"]}), p)
    with pytest.raises(InputError, match="campaign_type") as exc:
        score_findings(write_groups(tmp_path / "f"), p)
    assert exc.value.field == "campaign_type"


def test_truth_duplicate_account(tmp_path):
    p = write_truth(tmp_path / "t.parquet", rows=TRUTH_ROWS + [("a1", None, None, "organic")])
    with pytest.raises(InputError, match="appears twice") as exc:
        score_findings(write_groups(tmp_path / "f"), p)
    assert exc.value.record == len(TRUTH_ROWS)


@pytest.mark.parametrize(
    ("column", "values"),
    [
        ("platform", pa.array([{"a": 1}])),  # nested
        ("account_id", pa.array([["a1"]])),  # a list
        ("campaign_type", pa.array([b"\xff"])),  # bytes that are not UTF-8
    ],
)
def test_truth_column_that_is_not_text_is_named(tmp_path, column, values):
    """A truth column of another type was an Arrow message naming neither file nor column."""
    cols = {"account_id": ["a1"], "platform": ["x"], "campaign_id": ["c1"]}
    cols["campaign_type"] = ["copypasta"]
    cols[column] = values
    p = tmp_path / "t.parquet"
    pq.write_table(pa.table(cols), p)
    with pytest.raises(InputError, match=f"t.parquet, field '{column}': column '{column}' holds"):
        score_findings(write_groups(tmp_path / "f"), p)


def test_truth_campaign_without_type(tmp_path):
    p = write_truth(tmp_path / "t.parquet", rows=[("a1", "c1", None, "seed")])
    with pytest.raises(InputError, match="no campaign_type"):
        score_findings(write_groups(tmp_path / "f"), p)


def test_truth_of_no_account_is_refused(tmp_path):
    """Every figure would be "—" with exit 0: an empty truth is a wrong file, said so."""
    p = write_truth(tmp_path / "t.parquet", rows=[])
    with pytest.raises(InputError, match="holds no account"):
        score_findings(write_groups(tmp_path / "f"), p)


def test_cli_says_when_no_flagged_account_is_in_the_truth(tmp_path):
    """Another exercise's truth: every flagged account is unknown to it, so the tables are
    of nothing; the command says which question to ask, not only a count left out."""
    truth = write_truth(
        tmp_path / "t.parquet", rows=[(f"z{i}", None, None, "organic") for i in range(5)]
    )
    res = CliRunner().invoke(
        app, ["score", str(write_groups(tmp_path / "f")), "--truth", str(truth)]
    )
    said = " ".join(res.output.split())
    assert res.exit_code == 0, said
    assert "None of the 10 flagged accounts is in the truth" in said
    assert "are not in the truth and were left out" not in said


def test_missing_findings_folder(tmp_path):
    with pytest.raises(VigieError, match="no such Findings"):
        score_findings(tmp_path / "nope", write_truth(tmp_path / "t.parquet"))


def test_cli_prints_tables_definitions_and_writes_json(case, tmp_path):
    findings, truth = case
    out = tmp_path / "score.json"
    res = CliRunner().invoke(
        app, ["score", str(findings), "--truth", str(truth), "--json", str(out)]
    )
    assert res.exit_code == 0, res.output
    for text in ("By campaign type", "bot_amplification", "0.667", "Definitions", "organic_fpr"):
        assert text in res.output
    assert "1 flagged account(s) are not in the truth" in res.output
    data = json.loads(out.read_text())
    assert data["group_purity"] == pytest.approx(0.8)
    assert data["definitions"]["precision_T"].startswith("among accounts")
    assert {c["campaign_id"] for c in data["by_campaign"]} == {"c1", "c2", "c3"}


def test_cli_bad_truth_is_one_line_exit_2(case, tmp_path, capsys):
    findings, _ = case
    with pytest.raises(SystemExit) as exc:
        main(["score", str(findings), "--truth", str(tmp_path / "missing.parquet")])
    assert exc.value.code == 2
    err = " ".join(capsys.readouterr().err.split())  # Rich wraps long lines
    assert "truth file not found" in err and "Traceback" not in err


def test_cli_finds_the_truth_of_the_scenario_the_findings_came_from(tmp_path, capsys):
    """``vigie score F`` stopped at "Missing option '--truth'" where the truth is known: in
    the Dataset a generated folder is (detected as it is), or beside the file a Dataset was
    ingested from. Several candidates, or none, is a one-line error asking for --truth."""
    import shutil

    from vigie.exercise.generate import generate

    ex = tmp_path / "ex"
    generate("tiny", 3_000, 1, ex, progress=False)
    for argv in (
        ["detect", str(ex), "--out", str(tmp_path / "f1")],
        ["ingest", str(ex / "posts.parquet"), "--into", str(tmp_path / "ds")],
        ["detect", str(tmp_path / "ds"), "--out", str(tmp_path / "f2")],
    ):
        with pytest.raises(SystemExit) as done:
            main(argv)
        assert done.value.code in (0, None), argv
    for f in ("f1", "f2"):
        capsys.readouterr()
        with pytest.raises(SystemExit) as done:
            main(["score", str(tmp_path / f)])
        out = " ".join(capsys.readouterr().out.split())
        # spaces aside: a long path is wrapped at the console's width, anywhere in it
        found = "truth:" in out and "truth.parquet" in "".join(out.split())
        assert done.value.code in (0, None) and found, out
        assert "By campaign type" in out
    # a second scenario ingested into the same Dataset: no one truth
    ex2 = tmp_path / "ex2"
    shutil.copytree(ex, ex2)
    with pytest.raises(SystemExit):
        main(["ingest", str(ex2 / "posts.parquet"), "--into", str(tmp_path / "ds")])
    capsys.readouterr()
    with pytest.raises(SystemExit) as done:
        main(["score", str(tmp_path / "f2")])
    err = " ".join(capsys.readouterr().err.split())
    assert done.value.code == 2 and "give --truth TRUTH" in err and "several found" in err
    write_groups(tmp_path / "bare")  # a manifest naming no Dataset
    with pytest.raises(SystemExit) as done:
        main(["score", str(tmp_path / "bare")])
    err = " ".join(capsys.readouterr().err.split())
    assert done.value.code == 2 and "no Dataset named in its manifest" in err, err
    assert "Traceback" not in err


def test_a_workspace_run_finds_its_dataset_and_truth_from_anywhere(tmp_path, capsys, monkeypatch):
    """In a workspace, ``ingest ../ex/posts.parquet --into datasets/main`` and ``detect``
    record their paths relative to the workspace's root. ``vigie score last`` took ``last``
    for a folder; ``vigie score ws/runs/ID`` from elsewhere looked for the Dataset beside
    ``runs/`` and said "no Dataset"; the report lost the members' activity the same way
    (``recorded_dataset``: the root is the folder above a run's)."""
    from vigie.exercise.generate import generate
    from vigie.schema import Findings, recorded_dataset

    generate("tiny", 3_000, 1, tmp_path / "ex", progress=False)
    monkeypatch.delenv("VIGIE_WORKSPACE", raising=False)

    def run(*argv: str) -> tuple[int, str]:
        capsys.readouterr()
        with pytest.raises(SystemExit) as done:
            main(list(argv))
        seen = capsys.readouterr()
        return done.value.code or 0, " ".join((seen.out + seen.err).split())

    assert run("init", str(tmp_path / "ws"))[0] == 0
    monkeypatch.chdir(tmp_path / "ws")
    assert run("ingest", "../ex/posts.parquet", "--into", "datasets/main")[0] == 0
    assert run("detect")[0] == 0
    code, out = run("score", "last")
    said = f"truth:{tmp_path / 'ex' / 'truth.parquet'}"  # spaces aside: wrapped paths
    assert code == 0 and "".join(said.split()) in "".join(out.split()), out
    (run_dir,) = (tmp_path / "ws" / "runs").iterdir()
    monkeypatch.chdir(tmp_path)  # elsewhere: the paths recorded no longer read from here
    code, out = run("score", str(run_dir))
    assert code == 0 and "By campaign type" in out, out
    found = recorded_dataset(run_dir, Findings(run_dir).manifest().get("dataset"))
    assert found is not None and found.resolve() == (tmp_path / "ws" / "datasets" / "main")
    assert recorded_dataset(run_dir, "datasets/gone") is None
