"""``--dry-run`` counts what the first batch would skip, as the ingest's summary does.

Why: a Jetstream log is mostly likes and follows, a Reddit thread holds ``more`` stubs; a
preview that said "152 records, 32 would be accepted" and nothing else left 120 records
unaccounted for, where the real ingest lists them as skipped by reason."""

from __future__ import annotations

from pathlib import Path

from ingest.helpers import FIX, manifest, run_cli

JETSTREAM = FIX / "sources" / "jetstream.jsonl"


def test_dry_run_names_the_skipped_records_the_ingest_counts(tmp_path: Path) -> None:
    code, out = run_cli(["ingest", str(JETSTREAM), "--format", "jetstream", "--dry-run"])
    assert code == 0, out
    flat = " ".join(out.split())
    assert "skipped:" in flat
    code, _ = run_cli(
        ["ingest", str(JETSTREAM), "--format", "jetstream", "--into", str(tmp_path / "ds")]
    )
    assert code == 0
    (src,) = manifest(tmp_path / "ds")["sources"]
    assert src["skipped"], "the fixture must hold records the reader skips"
    for reason, n in src["skipped"].items():  # the fixture is one batch: the same counts
        assert f"{reason}: {n:,}" in flat, (reason, n, flat)
    assert src["records"] == src["accepted"] + src["rejected"] + sum(src["skipped"].values())
