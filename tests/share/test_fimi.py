"""The FIMI community's objects in our exports: OpenCTI types, sightings, the report's caveat,
and round trips through stix2, PyMISP, the validator and our own import."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
import stix2
from _findings import make_findings

from vigie.share.misp_export import export_misp
from vigie.share.partners import parse_partners
from vigie.share.stix_export import export_stix
from vigie.share.stix_import import BundleStore, check_bundle
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


@pytest.fixture(scope="module")
def findings(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_findings(tmp_path_factory.mktemp("fimi"))


@pytest.fixture(scope="module")
def full(findings: Path) -> dict:
    """The trust-4 bundle, checked by stix2-validator inside ``export_stix``."""
    return export_stix(findings, partner=REG.get("state"), now=NOW).bundle


@pytest.fixture(scope="module")
def hashed(findings: Path) -> dict:
    return export_stix(findings, partner=REG.get("ngo"), now=NOW).bundle


def _of(bundle: dict, kind: str) -> list[dict]:
    return [o for o in bundle["objects"] if o["type"] == kind]


def test_fimi_objects_are_emitted_and_declared(full: dict) -> None:
    b = full
    assert not _of(b, "threat-actor")  # never: coordination, not attribution
    sets = _of(b, "intrusion-set")
    assert len(sets) == 2 and all("manipulation-set-candidate" in s["labels"] for s in sets)
    assert len(_of(b, "narrative")) == 2 and len(_of(b, "event")) == 2
    assert sorted(c["name"] for c in _of(b, "channel"))[:3] == ["@chan_nine", "@kiki_1", "@lulu_2"]
    (ext,) = _of(b, "extension-definition")
    custom = [
        o for o in b["objects"] if o["type"] in ("narrative", "channel", "event", "media-content")
    ]
    assert custom and all(ext["id"] in o["extensions"] for o in custom)
    assert {o["extensions"][ext["id"]]["extension_type"] for o in custom} == {"new-sdo", "new-sco"}


def test_one_sighting_per_platform(full: dict) -> None:
    b = full
    where = {o["id"]: o["name"] for o in _of(b, "identity") if o["identity_class"] == "system"}
    seen = sorted((where[s["where_sighted_refs"][0]], s["count"]) for s in _of(b, "sighting"))
    assert seen == [("Telegram", 2), ("Twitter", 3)]


def test_report_states_method_and_limits(findings: Path, hashed: dict) -> None:
    b = hashed
    assert validation_errors(b) == []
    (report,) = _of(b, "report")
    assert "coordination, not attribution" in report["description"]
    assert "Method:" in report["description"] and "Limits:" in report["description"]
    ids = {o["id"] for o in b["objects"]}
    assert set(report["object_refs"]) <= ids
    misp = export_misp(findings, partner=REG.get("ngo"), now=NOW).event
    assert any("coordination, not attribution" in str(a.value) for a in misp.attributes)


def test_hashed_form_keeps_the_fimi_objects_free_of_handles(hashed: dict) -> None:
    b = hashed
    text = json.dumps(b)
    assert "kiki_1" not in text and not _of(b, "media-content")
    assert all("sha256" in c["name"] for c in _of(b, "channel"))


def test_round_trips_through_stix2_and_our_import(full: dict, tmp_path: Path) -> None:
    b = full
    parsed = stix2.parse(b, allow_custom=True)
    again = json.loads(parsed.serialize())
    assert {o["id"] for o in again["objects"]} == {o["id"] for o in b["objects"]}
    check_bundle(again, source="round-trip", validate=False)  # validated at export
    with BundleStore(tmp_path / "in.sqlite") as store:
        result = store.import_bundle(again, source="ally")
        assert result.added == len(b["objects"])
        assert {o["type"] for o in store.objects()} >= {"narrative", "channel", "report"}


def test_opencti_shaped_narrative_is_accepted(tmp_path: Path) -> None:
    octi_ext = "extension-definition--ea279b3e-5c71-4632-ac08-831c66a786ba"  # OpenCTI's own
    narrative = {
        "type": "narrative",
        "spec_version": "2.1",
        "id": "narrative--0b8f1b1e-6a55-4a3b-9d1e-3c2f7f7e2a10",
        "created": "2026-01-01T00:00:00.000Z",
        "modified": "2026-01-01T00:00:00.000Z",
        "name": "Election is rigged",
        "narrative_types": ["Election"],
        "extensions": {octi_ext: {"extension_type": "new-sdo"}},
    }
    bundle = {
        "type": "bundle",
        "id": "bundle--5d2b7c2a-6f0e-4bb5-8f0e-8a1a1a1a1a1a",
        "objects": [narrative],
    }
    check_bundle(bundle, source="opencti")
    with BundleStore(tmp_path / "in.sqlite") as store:
        assert store.import_bundle(bundle, source="opencti").added == 1
        assert store.get(narrative["id"])["name"] == "Election is rigged"


def test_misp_event_round_trips_through_pymisp(findings: Path) -> None:
    from pymisp import MISPEvent

    ev = export_misp(findings, partner=REG.get("state"), now=NOW).event
    back = MISPEvent()
    back.load(ev.to_json())
    assert {o.name for o in back.objects} >= {"narrative", "user-account", "microblog"}
    tags = {t.name for t in back.tags}
    assert any(t.startswith('misp-galaxy:disarm-techniques="') for t in tags)
