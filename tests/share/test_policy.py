"""The sharing policy over a matrix of partners x markings, plus known answers."""

from __future__ import annotations

import itertools

import pytest

from vigie.share.partners import Partner, Sector, example_partners_path, load_partners
from vigie.share.policy import (
    MIN_TRUST,
    Form,
    Redaction,
    decide,
    form_for_trust,
    hash_value,
    may_receive,
)
from vigie.share.tlp import TLP

RECIPIENTS = ("ana@example.org", "bo@example.org")

# Every combination of trust, cap, named recipients and sector.
PARTNERS = [
    Partner(
        name=f"p-{trust}-{cap.key}-{len(rr)}-{sector.value}",
        sector=sector,
        trust=trust,
        max_tlp=cap,
        red_recipients=rr,
    )
    for trust, cap, rr, sector in itertools.product(
        (1, 2, 3, 4), list(TLP), ((), RECIPIENTS), (Sector.STATE, Sector.MEDIA)
    )
]


@pytest.mark.parametrize("tlp", list(TLP), ids=lambda t: t.key)
def test_no_partner_ever_receives_more_than_trust_and_marking_allow(tlp):
    assert len(PARTNERS) == 80
    for p in PARTNERS:
        d = decide(p, tlp)
        expected = (
            tlp <= p.max_tlp
            and (MIN_TRUST[tlp] is None or p.trust >= MIN_TRUST[tlp])
            and (tlp is not TLP.RED or bool(p.red_recipients))
        )
        assert d.allowed is expected, (p.name, d.reasons)
        assert d.tlp is tlp and d.partner == p.name and d.reasons
        if not d.allowed:
            assert d.form is Form.DENIED and d.redactions == [] and d.recipients == []
            continue
        # the hard ceilings, stated independently of MIN_TRUST
        assert tlp <= p.max_tlp
        if tlp >= TLP.AMBER:
            assert p.trust >= 2
        if tlp >= TLP.AMBER_STRICT:
            assert p.trust >= 3
        if tlp is TLP.RED:
            assert p.trust == 4 and d.recipients == list(RECIPIENTS)
        # the form follows trust: low trust is always redacted and hashed
        if p.trust <= 2:
            assert d.form is Form.HASHED
            assert Redaction.DROP_PRIVATE_HANDLES.value in d.redactions
            assert Redaction.HASH_INDICATORS.value in d.redactions
            assert Redaction.DROP_PRIVATE_NOTES.value in d.redactions
        elif p.trust == 3:
            assert d.form is Form.REDACTED
            assert d.redactions == [Redaction.DROP_PRIVATE_NOTES.value]
        else:
            assert d.form is Form.FULL and d.redactions == []


def test_red_goes_only_to_named_recipients():
    p = Partner("state", Sector.STATE, 4, TLP.RED, RECIPIENTS)
    assert decide(p, TLP.RED, recipient="ANA@example.org").recipients == ["ana@example.org"]
    d = decide(p, TLP.RED, recipient="eve@example.org")
    assert not d.allowed
    assert "'eve@example.org' is not a named TLP:RED recipient of state" in d.reasons
    nobody = Partner("state2", Sector.STATE, 4, TLP.RED, ())
    assert not may_receive(nobody, TLP.RED)
    assert "state2 names no red_recipients" in decide(nobody, TLP.RED).reasons


def test_unregistered_recipient_gets_only_clear_and_hashed():
    assert decide(None, TLP.CLEAR).allowed
    assert decide(None, TLP.CLEAR).form is Form.HASHED
    for tlp in (TLP.GREEN, TLP.AMBER, TLP.AMBER_STRICT, TLP.RED):
        d = decide(None, tlp)
        assert not d.allowed and "the recipient is not a registered partner" in d.reasons


# Known answers on the shipped example registry (hand-checked against the policy table).
EXPECTED = {
    #                 CLEAR     GREEN     AMBER     AMBER+S   RED
    "agence-etat": ("full", "full", "full", "full", "full"),
    "plateforme": ("redacted", "redacted", "redacted", "redacted", "denied"),
    "observatoire": ("hashed", "hashed", "hashed", "denied", "denied"),
    "redaction": ("hashed", "hashed", "denied", "denied", "denied"),
    "equipe-campagne": ("hashed", "hashed", "denied", "denied", "denied"),
    "prestataire": ("hashed", "denied", "denied", "denied", "denied"),
}


def test_known_answers_on_example_registry():
    reg = load_partners(example_partners_path())
    assert set(EXPECTED) == set(reg.names())
    for name, forms in EXPECTED.items():
        got = tuple(decide(reg.get(name), tlp).form.value for tlp in TLP)
        assert got == forms, name


def test_denial_reasons_say_why():
    reg = load_partners(example_partners_path())
    d = decide(reg.get("redaction"), "AMBER")
    assert "redaction may receive at most TLP:GREEN (its max_tlp)" in d.reasons
    assert d.summary() == "TLP:AMBER to redaction: DENIED"
    low_cap_high_trust = Partner("x", Sector.NGO, 1, TLP.RED, RECIPIENTS)
    assert "x has trust 1, below the 2 needed" in decide(low_cap_high_trust, TLP.AMBER).reasons
    assert decide(reg.get("plateforme"), TLP.AMBER).to_dict()["form"] == "redacted"


def test_form_for_trust():
    assert [form_for_trust(t) for t in (None, 1, 2, 3, 4)] == [
        Form.HASHED,
        Form.HASHED,
        Form.HASHED,
        Form.REDACTED,
        Form.FULL,
    ]


def test_hash_value_plain_and_salted():
    # sha256("abc") is a published test vector (FIPS 180-2)
    assert hash_value("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    salted = hash_value("abc", salt="export-1")
    assert salted != hash_value("abc") and salted == hash_value("abc", salt=b"export-1")
    assert hash_value("abc", salt="export-2") != salted
