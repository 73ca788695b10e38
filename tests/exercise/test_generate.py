"""vigie generate: interface, schema conformity, determinism and ground truth."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from vigie.disarm.behaviours import CAMPAIGN_TECHNIQUES, CAMPAIGN_TYPES
from vigie.errors import VigieError
from vigie.exercise.generate import generate
from vigie.exercise.scenarios import SCENARIOS, campaign_size, list_scenarios
from vigie.schema import (
    ACCOUNTS_SCHEMA,
    POSTS_SCHEMA,
    TRUTH_ACCOUNTS_SCHEMA,
    TRUTH_POSTS_SCHEMA,
    Dataset,
)

FILES = (
    "posts.parquet",
    "accounts.parquet",
    "truth.parquet",
    "truth_posts.parquet",
    "campaigns.json",
    "manifest.json",
)
N = 20_000


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("gen") / "tiny"
    generate("tiny", N, 7, out, progress=False)
    return out


def _digest(folder: Path) -> dict[str, str]:
    return {f: hashlib.sha256((folder / f).read_bytes()).hexdigest() for f in FILES}


def test_presets_listed() -> None:
    assert {"fr-presidential", "en-presidential", "tiny"} <= set(list_scenarios())
    assert list_scenarios() == sorted(SCENARIOS)


def test_schema_conformity(tiny: Path) -> None:
    ds = Dataset(tiny).check()
    assert ds.posts().schema.equals(POSTS_SCHEMA)
    assert ds.accounts().schema.equals(ACCOUNTS_SCHEMA)
    assert pq.read_schema(tiny / "truth.parquet").equals(TRUTH_ACCOUNTS_SCHEMA)
    assert pq.read_schema(tiny / "truth_posts.parquet").equals(TRUTH_POSTS_SCHEMA)
    m = ds.manifest()
    assert m["kind"] == "dataset" and m["scenario"] == "tiny" and m["seed"] == 7
    assert m["counts"]["posts"] == N == ds.posts().num_rows


def test_same_seed_same_bytes_other_seed_differs(tiny: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    other = tmp_path / "other"
    generate("tiny", N, 7, again, progress=False)
    generate("tiny", N, 8, other, progress=False)
    assert _digest(again) == _digest(tiny)
    d_other = _digest(other)
    assert all(d_other[f] != h for f, h in _digest(tiny).items())


def test_every_campaign_type_with_its_techniques(tiny: Path) -> None:
    camps = json.loads((tiny / "campaigns.json").read_text())["campaigns"]
    assert {c["type"] for c in camps} == set(CAMPAIGN_TYPES)
    for c in camps:
        assert c["techniques"] == list(CAMPAIGN_TECHNIQUES[c["type"]])
        assert c["n_posts"] > 0


def test_campaign_sizes_as_asked(tiny: Path) -> None:
    sc = SCENARIOS["tiny"]
    camps = json.loads((tiny / "campaigns.json").read_text())["campaigns"]
    truth = pq.read_table(tiny / "truth.parquet")
    tposts = pq.read_table(tiny / "truth_posts.parquet")
    for preset, c in zip(sc.campaigns, camps, strict=True):
        want = campaign_size(preset, sc, N, 1.0)
        got = pc.sum(pc.equal(truth.column("campaign_id"), c["id"])).as_py()
        assert c["n_accounts"] == want == got
        n_posts = pc.sum(pc.equal(tposts.column("campaign_id"), c["id"])).as_py()
        assert n_posts == c["n_posts"]


def test_truth_covers_every_account_and_post(tiny: Path) -> None:
    ds = Dataset(tiny)
    posts, accounts = ds.posts(), ds.accounts()
    truth = pq.read_table(tiny / "truth.parquet")
    tposts = pq.read_table(tiny / "truth_posts.parquet")
    assert set(truth.column("account_id").to_pylist()) == set(
        accounts.column("account_id").to_pylist()
    )
    assert set(posts.column("account_id").to_pylist()) <= set(
        accounts.column("account_id").to_pylist()
    )
    assert tposts.column("post_id").equals(posts.column("post_id"))
    # genuine activists are organic
    roles = dict(
        zip(truth.column("role").to_pylist(), truth.column("campaign_id").to_pylist(), strict=False)
    )
    assert "activist" in roles and roles["activist"] is None


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"scenario": "nope"}, "choose one of"),
        ({"n_posts": 0}, "positive"),
        ({"stealth": 1.5}, "between 0 and 1"),
        ({"stealth": -0.1}, "between 0 and 1"),
    ],
)
def test_bad_arguments(tmp_path: Path, kwargs: dict, message: str) -> None:
    args = {"scenario": "tiny", "n_posts": 1000, "seed": 1, "out": tmp_path / "x"}
    args.update(kwargs)
    with pytest.raises(VigieError, match=message):
        generate(**args, progress=False)
    assert not (tmp_path / "x").exists()


@pytest.mark.parametrize(
    ("scenario", "n_posts", "seed"),
    [("literature-fr", 6000, 3), ("overload-fr", 3000, 1), ("literature-en", 10000, 1)],
)
def test_too_few_posts_for_the_organic_life_is_one_clear_error(
    tmp_path: Path, scenario: str, n_posts: int, seed: int
) -> None:
    """Campaigns that fit but authentic groups (news feeds, fans...) that leave ordinary
    users no posts: was a NumPy "negative dimensions" traceback (found by a sweep of
    sizes); now what each part takes and what to do."""
    with pytest.raises(VigieError) as exc:
        generate(scenario, n_posts, seed, tmp_path / "x", progress=False)
    msg = str(exc.value)
    assert f"--posts {n_posts:,} is too small for '{scenario}'" in msg
    assert "authentic groups" in msg and "for ordinary users" in msg
    assert f"default is {SCENARIOS[scenario].default_posts:,}" in msg
    assert not (tmp_path / "x").exists()


def test_rerun_replaces_the_folder_whole(tmp_path: Path) -> None:
    """An earlier exercise is replaced whole (a stale file in it goes); a folder that is not
    one is refused before any work, its files untouched."""
    out = tmp_path / "ex"
    generate("tiny", 5000, 1, out, progress=False)
    (out / "stale.txt").write_text("from an older run")
    generate("tiny", 5000, 1, out, progress=False)
    assert not (out / "stale.txt").exists()
    assert sorted(p.name for p in out.iterdir()) == sorted(FILES)
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("not an exercise")
    with pytest.raises(VigieError, match="not a generated exercise .it holds notes.txt"):
        generate("tiny", 5000, 1, mine, progress=False)
    assert [p.name for p in mine.iterdir()] == ["notes.txt"]


def test_cli_generate_and_errors(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    from typer.testing import CliRunner

    from vigie.cli import app, main

    out = tmp_path / "cli"
    res = CliRunner().invoke(
        app,
        ["generate", "--scenario", "tiny", "--posts", "6000", "--seed", "3", "--out", str(out)],
    )
    assert res.exit_code == 0, res.output
    assert Dataset(out).manifest()["counts"]["posts"] == 6000
    listing = CliRunner().invoke(app, ["generate", "--list"])
    assert "fr-presidential" in listing.output and "en-presidential" in listing.output
    with pytest.raises(SystemExit) as exc:
        main(["generate", "--scenario", "atlantis", "--out", str(tmp_path / "no")])
    assert exc.value.code == 2
    assert "atlantis" in capsys.readouterr().err
    assert not (tmp_path / "no").exists()


def test_unwritable_destination_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(VigieError, match="cannot write"):
        generate("tiny", 3000, 1, blocker / "ex", progress=False)
