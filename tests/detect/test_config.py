"""Config overrides: TOML per detector, and bad keys or values named in the error."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from vigie.cli import app
from vigie.detect.config import DEFAULTS, load_config, merge_config
from vigie.errors import VigieError


def test_defaults_and_overrides(tmp_path):
    toml = tmp_path / "detect.toml"
    toml.write_text(
        "[co_link]\nwindow_s = 30\nmin_observed = 4\n[sync_activity]\nenabled = true\n"
        '[co_repost]\nwindow_s = "auto"\n[general]\ncorrection = "bh"\n'
    )
    cfg = load_config(toml)
    assert cfg["co_link"]["window_s"] == 30.0
    assert cfg["co_link"]["min_observed"] == 4
    assert cfg["co_repost"]["window_s"] == "auto"
    assert cfg["sync_activity"]["enabled"] is True
    assert cfg["general"]["correction"] == "bh"
    assert cfg["co_hashtag"] == DEFAULTS["co_hashtag"]


@pytest.mark.parametrize(
    ("overrides", "named"),
    [
        ({"co_link": {"windw_s": 30}}, "co_link.windw_s"),
        ({"co_lnk": {"window_s": 30}}, "co_lnk"),
        ({"co_link": {"window_s": "fast"}}, "co_link.window_s"),
        ({"co_link": {"enabled": "yes"}}, "co_link.enabled"),
        ({"co_link": {"min_observed": 2.5}}, "co_link.min_observed"),
        ({"co_link": {"window_s": -5}}, "co_link.window_s"),
        ({"general": {"correction": "holm"}}, "general.correction"),
        ({"copypasta": {"bands": 7}}, "copypasta.bands"),
        # values of the right type but no meaning: they ran to an empty or meaningless result
        ({"general": {"alpha": 2}}, "general.alpha"),
        ({"general": {"alpha": 0}}, "general.alpha"),
        ({"graph": {"technique_min_share": 3}}, "graph.technique_min_share"),
        ({"copypasta": {"shingle": 0}}, "copypasta.shingle"),
        ({"copypasta": {"num_perm": 1_000_000, "bands": 1}}, "copypasta.num_perm"),
        ({"general": {"threads": 2**62}}, "general.threads"),
        ({"general": {"threads": -1}}, "general.threads"),
        ({"creation_burst": {"window_s": 0}}, "creation_burst.window_s"),
        ({"creation_burst": {"baseline_bins": 0}}, "creation_burst.baseline_bins"),
        ({"creation_burst": {"min_accounts": 1}}, "creation_burst.min_accounts"),
        ({"sync_activity": {"window_s": 0}}, "sync_activity.window_s"),
        ({"creation_cohort": {"min_accounts": 1}}, "creation_cohort.min_accounts"),
        ({"creation_cohort": {"min_enrichment": 0.5}}, "creation_cohort.min_enrichment"),
        ({"creation_cohort": {"kinds": ["co_repots"]}}, "creation_cohort.kinds"),
        ({"creation_cohort": {"kinds": "co_repost"}}, "creation_cohort.kinds"),
    ],
)
def test_bad_keys_and_values_are_named(overrides, named):
    with pytest.raises(VigieError, match=named.replace(".", r"\.")):
        merge_config(overrides, source="detect.toml")


def test_the_bounds_themselves_are_accepted():
    """The edges of each range are values a user may mean: alpha 1, a share of 0 or 1, one
    word a shingle, bursts of two accounts."""
    cfg = merge_config(
        {
            "general": {"alpha": 1, "threads": 1024},
            "graph": {"technique_min_share": 1},
            "copypasta": {"shingle": 1, "num_perm": 1024, "bands": 32},
            "creation_burst": {"min_accounts": 2, "baseline_bins": 1, "window_s": 0.5},
        }
    )
    assert cfg["general"]["alpha"] == 1 and cfg["creation_burst"]["min_accounts"] == 2


def test_bad_toml_is_a_clear_error(tmp_path):
    bad = tmp_path / "detect.toml"
    bad.write_text("[co_link\nwindow_s = 3")
    with pytest.raises(VigieError, match="not valid TOML"):
        load_config(bad)
    with pytest.raises(VigieError, match="not found"):
        load_config(tmp_path / "missing.toml")


def test_cli_reports_bad_key_without_traceback(tmp_path, mixed):
    toml = tmp_path / "detect.toml"
    toml.write_text("[co_link]\nwindoww_s = 3\n")
    from vigie.cli import main

    with pytest.raises(SystemExit) as exc:
        main(["detect", str(mixed.dataset), "--out", str(tmp_path / "f"), "--config", str(toml)])
    assert exc.value.code == 2
    assert not (tmp_path / "f").exists()


def test_cli_runs_and_summarises(tmp_path, mixed):
    toml = tmp_path / "detect.toml"
    toml.write_text("[copypasta]\nenabled = false\n[co_hashtag]\nenabled = false\n")
    out = tmp_path / "f"
    res = CliRunner().invoke(
        app, ["detect", str(mixed.dataset), "--out", str(out), "--config", str(toml)]
    )
    assert res.exit_code == 0, res.output
    assert "groups" in res.output and "co_repost" in res.output
    m = (out / "manifest.json").read_text()
    assert '"copypasta"' in m  # config recorded
    signals = __import__("json").loads(m)["signals"]
    assert "copypasta" not in signals and "co_hashtag" not in signals
    assert signals["co_link"]["kept"] > 0


def test_documented_example_is_valid(tmp_path):
    import textwrap

    from vigie.detect import config

    doc = config.__doc__
    block = doc.split("looks like::", 1)[1].split("Sections:", 1)[0]
    toml = tmp_path / "detect.toml"
    toml.write_text(textwrap.dedent(block))
    cfg = load_config(toml)
    assert cfg["co_link"]["window_s"] == 30.0 and cfg["graph"]["min_members"] == 5


def test_time_scales_are_checked():
    from vigie.detect.config import merge_config
    from vigie.errors import VigieError

    assert merge_config({"co_link": {"scales_s": [7200]}})["co_link"]["scales_s"] == [7200.0]
    assert merge_config({"co_link": {"scales_s": []}})["co_link"]["scales_s"] == []
    for bad in ("week", [0], ["1d"], [True]):
        with pytest.raises(VigieError, match="co_link.scales_s"):
            merge_config({"co_link": {"scales_s": bad}})
