"""DISARM 2.0 observation ids beside the 1.x technique ids: the official list shipped with
its licence, vigie's signal mapping onto it, and both exports carrying them (round trips
through stix2, the validator, our import and PyMISP)."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

import pytest
import stix2
from _findings import make_findings

from vigie.disarm.behaviours import SIGNAL_KINDS
from vigie.share import disarm2
from vigie.share.misp_export import export_misp
from vigie.share.partners import parse_partners
from vigie.share.stix_export import export_stix
from vigie.share.stix_import import BundleStore
from vigie.share.stix_validate import validation_errors

NOW = datetime(2026, 1, 2, tzinfo=UTC)
REG = parse_partners(
    {
        "partners": [
            {"name": "state", "sector": "state", "trust": 4, "max_tlp": "RED"},
            {"name": "ngo", "sector": "ngo", "trust": 2, "max_tlp": "AMBER"},
        ]
    }
)
ID = re.compile(r"^T\d{4}(\.\d{3})?$")


@pytest.fixture(scope="module")
def findings(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_findings(tmp_path_factory.mktemp("disarm2"))


def test_the_official_list_ships_with_its_licence() -> None:
    obs = disarm2.observations()
    assert len(obs) == 383  # the 2.0 master file, commit bdbee91 (2026-07-19)
    assert all(ID.match(i) for i in obs)
    assert len({o.category_id for o in obs.values()}) == 15
    assert {(o.group_id, o.group) for o in obs.values()} == {
        ("P05", "Participant"),
        ("P06", "Action"),
        ("P07", "Material"),
    }
    assert obs["T2202.001"].name == "Repost" and obs["T2202.001"].category_id == "TA41"
    data = resources.files("vigie.share").joinpath("data")
    assert "Attribution-ShareAlike 4.0" in data.joinpath("LICENSE-DISARM.md").read_text("utf-8")
    source = data.joinpath("DISARM2-SOURCE.md").read_text("utf-8")
    assert "bdbee91c5f9056183eeb41480c6c716a3a7ab234" in source and "CC BY-SA 4.0" in source


def test_every_detector_signal_maps_onto_official_ids() -> None:
    """A new detector without a 2.0 mapping fails here, as does a mapped id not in the list."""
    assert set(disarm2.SIGNAL_OBSERVATIONS) == set(SIGNAL_KINDS)
    known = disarm2.observations()
    for kind, ids in disarm2.SIGNAL_OBSERVATIONS.items():
        assert ids and all(i in known for i in ids), kind


def test_a_group_gets_what_its_signals_establish() -> None:
    got = [o.id for o in disarm2.group_observations(["co_repost", "not-a-signal"])]
    assert got == ["T2001.001", "T2006", "T2202.001", "T3800"]
    burst = [o.id for o in disarm2.group_observations(["creation_burst"])]
    assert burst == ["T2001.001", "T2006", "T2026.006"]  # bulk creation, not a repeated action
    assert disarm2.group_observations([]) == []


def _v2_ids(obj: dict) -> list[str]:
    return [
        r["external_id"]
        for r in obj.get("external_references", [])
        if r["source_name"] == disarm2.SOURCE_NAME
    ]


@pytest.mark.parametrize("partner", ["state", "ngo"])
def test_stix_campaigns_carry_2_0_ids_beside_1_x(
    findings: Path, tmp_path: Path, partner: str
) -> None:
    bundle = export_stix(findings, partner=REG.get(partner), now=NOW).bundle  # validated
    objs = {o["id"]: o for o in bundle["objects"]}
    campaigns = [o for o in bundle["objects"] if o["type"] == "campaign"]
    assert len(campaigns) == 2
    for camp in campaigns:
        signals = [s for s in camp["labels"] if s in disarm2.SIGNAL_OBSERVATIONS]
        expected = {i for s in signals for i in disarm2.SIGNAL_OBSERVATIONS[s]}
        assert set(_v2_ids(camp)) == expected and "T2006" in expected
        # the 1.x techniques are still there, as attack-patterns the campaign uses
        uses = [
            objs[o["target_ref"]]
            for o in bundle["objects"]
            if o["type"] == "relationship"
            and o["relationship_type"] == "uses"
            and o["source_ref"] == camp["id"]
        ]
        assert uses and all(u["external_references"][0]["source_name"] == "DISARM" for u in uses)
    first = next(c for c in campaigns if "co_repost" in c["labels"])
    ref = next(r for r in first["external_references"] if r["external_id"] == "T2202.001")
    assert ref["description"] == "Repost" and ref["url"].endswith("/T2202.001.md")
    # round trips: stix2, the validator, our own import
    again = json.loads(stix2.parse(bundle, allow_custom=True).serialize())
    assert validation_errors(again) == []
    with BundleStore(tmp_path / "in.sqlite") as store:
        store.import_bundle(again, source="ally")
        assert _v2_ids(store.get(first["id"])) == _v2_ids(first)


def test_misp_event_tags_2_0_ids_beside_the_galaxy(findings: Path) -> None:
    from pymisp import MISPEvent

    ev = export_misp(findings, partner=REG.get("state"), now=NOW).event
    back = MISPEvent()
    back.load(ev.to_json())
    tags = [t.name for t in back.tags]
    v2 = [t for t in tags if t.startswith(f"{disarm2.MISP_NAMESPACE}:observation=")]
    # the fixture's groups: co_link + co_repost, and copypasta
    expected = disarm2.group_observations(["co_link", "co_repost", "copypasta"])
    assert v2 == [disarm2.misp_tag(o) for o in expected]
    assert 'disarm-2.0:observation="T2202.001 Repost"' in v2
    assert any(t.startswith('misp-galaxy:disarm-techniques="') for t in tags)
