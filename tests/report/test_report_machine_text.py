"""The report's list of accounts that posted a language model's own words, in the whole
Dataset: members (with their group) and leads outside every group, most slips first."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pytest
from report_samples import parse

from vigie.detect.machinetext import slipped_accounts
from vigie.errors import VigieError
from vigie.report.html import ReportOptions, write_report
from vigie.schema import POSTS_SCHEMA, base_manifest, write_json, write_table

SLIP = "As an AI language model, I cannot take sides, but the candidate lies."
SLIP_FR = "En tant que modèle de langage, je ne peux pas voter."


def _dataset(path: Path, texts: dict[str, list[str | None]]) -> Path:
    t0 = datetime(2026, 3, 8, tzinfo=UTC)
    rows = [
        {"post_id": f"{a}-{i}", "platform": "x", "account_id": a,
         "created_at": t0 + timedelta(hours=i), "text": text}
        for a, ts in texts.items()
        for i, text in enumerate(ts)
    ]  # fmt: skip
    path.mkdir()
    write_table(pa.Table.from_pylist(rows), path / "posts.parquet", POSTS_SCHEMA)
    write_json(path / "manifest.json", base_manifest("dataset"))
    return path


def test_members_and_leads_who_slipped_are_listed_with_their_group(
    findings_dir: Path, tmp_path: Path
) -> None:
    # two members of g0002 slipped once each, an account in no group twice; a member of
    # g0001 quoted nothing of the kind
    ds = _dataset(
        tmp_path / "ds",
        {
            "sock1": ["vote now", SLIP],
            "sock3": [SLIP_FR],
            "outsider": [SLIP, "hello", SLIP],
            "bot01": ["RT @candidate: Big rally tonight!"],
            "bot02": [f"RT @outsider: {SLIP}"],  # another's words, reposted
        },
    )
    out = tmp_path / "r.html"
    ctx = write_report(findings_dir, out, dataset_path=ds)
    assert ctx["n_slip_accounts"] == 3 and ctx["n_slip_posts"] == 4
    rows = [(r["account_id"], r["posts"], r["group_id"]) for r in ctx["slips"]]
    assert rows == [("outsider", 2, ""), ("sock1", 1, "g0002"), ("sock3", 1, "g0002")]
    first = ctx["slips"][0]
    assert first["post_id"] == "outsider-0" and first["text"] == SLIP
    assert ctx["slips"][1]["anchor"] == "group-g0002"
    text = parse(out).all_text
    assert "Posts in a language model's own words" in text
    assert "3 account(s) posted 4 post(s)" in text and SLIP_FR in text


def test_the_list_is_capped_and_says_so(findings_dir: Path, tmp_path: Path) -> None:
    ds = _dataset(tmp_path / "ds", {f"a{i}": [SLIP] * (i + 1) for i in range(4)})
    out = tmp_path / "r.html"
    ctx = write_report(findings_dir, out, dataset_path=ds, options=ReportOptions(max_overview=2))
    assert [r["account_id"] for r in ctx["slips"]] == ["a3", "a2"]
    assert ctx["n_slip_accounts"] == 4
    assert "the first 2 accounts, most slips first, are listed" in " ".join(
        parse(out).all_text.split()
    )


def test_no_slip_and_no_dataset_are_each_said(findings_dir: Path, tmp_path: Path) -> None:
    ds = _dataset(tmp_path / "ds", {"sock1": ["As an AI researcher, I vote."]})
    out = tmp_path / "r.html"
    ctx = write_report(findings_dir, out, dataset_path=ds)
    assert ctx["slips_read"] and ctx["slips"] == []
    assert ctx["n_own_texts"] == 1  # what was searched
    said = " ".join(parse(out).all_text.split())
    assert "No post in the Dataset holds a language model's own words" in said
    assert "1 post(s) with a text in their author's own words were read" in said
    ctx = write_report(findings_dir, tmp_path / "r2.html")  # its dataset does not exist
    assert not ctx["slips_read"]
    assert "were not read for a language model's slips" in " ".join(
        parse(tmp_path / "r2.html").all_text.split()
    )


@pytest.mark.parametrize("kind", ["no texts", "reposts only", "no posts"])
def test_without_texts_of_their_own_the_absence_is_not_claimed(
    findings_dir: Path, tmp_path: Path, kind: str
) -> None:
    """Nothing to read is not "nothing found": a Dataset of ids alone, of others' words
    alone (reposts, "RT @x:" texts) or of no posts says it could not be read."""
    texts: dict[str, list[str | None]] = {
        "no texts": {f"a{k}": [None] * 13 for k in range(3)},  # as the real German sample
        "reposts only": {"bot01": [f"RT @outsider: {SLIP}", "RT @a: vote"]},
        "no posts": {},
    }[kind]
    ds = _dataset(tmp_path / "ds", texts)
    out = tmp_path / "r.html"
    ctx = write_report(findings_dir, out, dataset_path=ds)
    assert ctx["slips_read"] and ctx["slips"] == [] and ctx["n_own_texts"] == 0
    said = " ".join(parse(out).all_text.split())
    assert "Not known: no post of the Dataset holds a text in its author's own words" in said
    assert "No post in the Dataset holds a language model's own words" not in said


def test_a_broken_posts_file_is_one_line_naming_it(tmp_path: Path) -> None:
    bad = tmp_path / "posts.parquet"
    bad.write_bytes(b"PAR1 not really parquet")
    with pytest.raises(VigieError, match="posts.parquet: cannot read its posts' texts"):
        slipped_accounts(bad, 10)
