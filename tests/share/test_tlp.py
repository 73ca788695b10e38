"""TLP 2.0 levels: order, spellings, and the official OASIS/MISP identifiers."""

from __future__ import annotations

import pytest

from vigie.errors import VigieError
from vigie.share.tlp import TLP, TLP2_EXTENSION_ID, marking_definition, strictest


def test_levels_are_ordered_from_clear_to_red():
    assert sorted(TLP, reverse=True)[0] is TLP.RED
    assert TLP.CLEAR < TLP.GREEN < TLP.AMBER < TLP.AMBER_STRICT < TLP.RED


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("amber+strict", TLP.AMBER_STRICT),
        ("TLP:AMBER+STRICT", TLP.AMBER_STRICT),
        ("AMBER_STRICT", TLP.AMBER_STRICT),
        ("amber-strict", TLP.AMBER_STRICT),
        ("tlp:white", TLP.CLEAR),
        (" Green ", TLP.GREEN),
        ("RED", TLP.RED),
    ],
)
def test_parse_accepts_usual_spellings(text, level):
    assert TLP.parse(text) is level


def test_parse_rejects_unknown_level_with_choices():
    with pytest.raises(VigieError, match="not a TLP 2.0 level.*AMBER\\+STRICT"):
        TLP.parse("purple")


def test_labels_tags_and_official_ids():
    assert TLP.AMBER_STRICT.label == "TLP:AMBER+STRICT"
    assert TLP.AMBER_STRICT.misp_tag == "tlp:amber+strict"
    assert [t.misp_tag for t in TLP] == [
        "tlp:clear",
        "tlp:green",
        "tlp:amber",
        "tlp:amber+strict",
        "tlp:red",
    ]
    # Published in oasis-open/cti-stix-common-objects, extension-definition-specifications/tlp-2.0
    assert TLP.CLEAR.stix_id == "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487"
    assert TLP.GREEN.stix_id == "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"
    assert TLP.AMBER.stix_id == "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"
    assert TLP.AMBER_STRICT.stix_id == "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003"
    assert TLP.RED.stix_id == "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"
    assert all(t.definition for t in TLP)


def test_marking_definition_matches_oasis_shape():
    md = marking_definition(TLP.AMBER)
    assert md == {
        "type": "marking-definition",
        "spec_version": "2.1",
        "id": "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
        "created": "2022-10-01T00:00:00.000Z",
        "name": "TLP:AMBER",
        "extensions": {
            TLP2_EXTENSION_ID: {"extension_type": "property-extension", "tlp_2_0": "amber"}
        },
    }


def test_from_stix_id_reads_tlp2_and_tlp1_and_ignores_others():
    for level in TLP:
        assert TLP.from_stix_id(level.stix_id) is level
    import stix2

    assert TLP.from_stix_id(stix2.v21.TLP_WHITE.id) is TLP.CLEAR
    assert TLP.from_stix_id(stix2.v21.TLP_AMBER.id) is TLP.AMBER
    assert TLP.from_stix_id(stix2.v21.TLP_RED.id) is TLP.RED
    assert TLP.from_stix_id("marking-definition--00000000-0000-4000-8000-000000000000") is None


def test_from_misp_tag():
    assert TLP.from_misp_tag("tlp:amber+strict") is TLP.AMBER_STRICT
    assert TLP.from_misp_tag("tlp:white") is TLP.CLEAR
    assert TLP.from_misp_tag('misp-galaxy:disarm-techniques="x"') is None
    assert TLP.from_misp_tag("tlp:ex:chr") is None


def test_clear_is_truthy_unlike_a_plain_zero():
    assert bool(TLP.CLEAR) is True


def test_strictest():
    assert strictest([TLP.GREEN, None, TLP.AMBER_STRICT, TLP.AMBER]) is TLP.AMBER_STRICT
    assert strictest([None]) is None
