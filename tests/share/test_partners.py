"""The partners registry: loading, validation errors that name the path, look-ups."""

from __future__ import annotations

import pytest
import yaml

from vigie.errors import VigieError
from vigie.share.partners import (
    PartnersError,
    Sector,
    example_partners_path,
    load_partners,
    parse_partners,
    resolve_partners_path,
)
from vigie.share.tlp import TLP


def _partner(**over):
    p = {"name": "p", "sector": "ngo", "trust": 2, "max_tlp": "AMBER"}
    p.update(over)
    return p


def test_example_registry_loads_and_covers_every_sector_and_trust():
    reg = load_partners(example_partners_path())
    assert {p.sector for p in reg} == set(Sector)
    assert {p.trust for p in reg} == {1, 2, 3, 4}
    state = reg.get("AGENCE-ETAT")  # case-insensitive
    assert state.trust == 4 and state.max_tlp is TLP.RED and state.red_recipients
    assert reg.producer.name.startswith("CERT-Elections")


def test_trust_out_of_range_is_named_by_path(tmp_path):
    data = {"partners": [_partner(name="a"), _partner(name="b"), _partner(name="c", trust=7)]}
    f = tmp_path / "partners.yaml"
    f.write_text(yaml.safe_dump(data))
    with pytest.raises(PartnersError) as exc:
        load_partners(f)
    assert str(exc.value) == f"{f}: partners[2].trust: 7 is outside 1..4"
    assert exc.value.file == str(f)


def test_every_problem_is_reported_at_once():
    data = {
        "partners": [
            _partner(name="a", sector="army", max_tlp="purple"),
            {"name": "b", "trust": "high", "colour": 1},
            _partner(name="A"),
            "oops",
        ],
        "extras": 1,
    }
    with pytest.raises(PartnersError) as exc:
        parse_partners(data, source="reg.yaml")
    msg = str(exc.value)
    for needle in [
        "extras: unknown top-level key",
        "partners[0].sector: 'army' is not one of state / platform / ngo / media / campaign",
        "partners[0].max_tlp: 'purple' is not a TLP 2.0 level",
        "partners[1].colour: unknown field",
        "partners[1].sector: missing",
        "partners[1].max_tlp: missing",
        "partners[1].trust: 'high' is not a whole number",
        "partners[2].name: 'A' already used by partners[0]",
        "partners[3]: expected a mapping",
    ]:
        assert needle in msg, needle
    assert len(exc.value.problems) == 9


def test_booleans_are_not_trust_and_recipients_must_be_a_list():
    with pytest.raises(PartnersError, match=r"partners\[0\].trust: True is not a whole number"):
        parse_partners({"partners": [_partner(trust=True)]})
    with pytest.raises(PartnersError, match=r"partners\[0\].red_recipients: expected a list"):
        parse_partners({"partners": [_partner(red_recipients="bob")]})


def test_x_fields_are_kept_unvalidated():
    reg = parse_partners({"partners": [_partner(x_taxii_collection="abc")]})
    assert reg.get("p").extra == {"x_taxii_collection": "abc"}


def test_unknown_partner_lists_known_names():
    reg = parse_partners({"partners": [_partner(name="alpha"), _partner(name="beta")]})
    assert "beta" in reg and "gamma" not in reg
    with pytest.raises(VigieError, match="no partner named 'gamma' \\(known: alpha, beta\\)"):
        reg.get("gamma")
    # a name cut short or mistyped names the partner meant, never taken for it
    with pytest.raises(VigieError, match="no partner named 'alph'; did you mean alpha\\?"):
        reg.get("alph")


def test_bad_yaml_and_missing_file(tmp_path):
    f = tmp_path / "p.yaml"
    f.write_text("partners: [\n  - name: a\n   bad")
    with pytest.raises(VigieError, match="not valid YAML at line"):
        load_partners(f)
    with pytest.raises(VigieError, match="partners registry not found"):
        load_partners(tmp_path / "none.yaml")
    with pytest.raises(PartnersError, match="partners: missing"):
        parse_partners({})


def test_resolution_order(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("VIGIE_PARTNERS", raising=False)
    assert resolve_partners_path() == example_partners_path()
    (tmp_path / "partners.yaml").write_text("partners: []\n")
    assert resolve_partners_path().name == "partners.yaml"
    monkeypatch.setenv("VIGIE_PARTNERS", str(tmp_path / "env.yaml"))
    assert resolve_partners_path() == tmp_path / "env.yaml"
    assert resolve_partners_path(tmp_path / "x.yaml") == tmp_path / "x.yaml"


def test_partners_are_hashable_even_with_extra_fields():
    reg = parse_partners({"partners": [_partner(x_note={"a": 1})]})
    assert {reg.get("p"): 1}[reg.get("p")] == 1
