"""Property checks of the policy on random partners and recipients (hypothesis)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from vigie.share.partners import Partner, Sector
from vigie.share.policy import Form, decide
from vigie.share.tlp import TLP

names = st.sampled_from(["ana", "bo", "chloé", "dan", "eve"])
partners = st.builds(
    Partner,
    name=st.just("p"),
    sector=st.sampled_from(list(Sector)),
    trust=st.integers(1, 4),
    max_tlp=st.sampled_from(list(TLP)),
    red_recipients=st.lists(names, unique=True, max_size=3).map(tuple),
)


@settings(max_examples=300, deadline=None)
@given(partner=partners, tlp=st.sampled_from(list(TLP)), recipient=st.none() | names)
def test_decisions_never_exceed_trust_cap_or_named_recipients(partner, tlp, recipient):
    d = decide(partner, tlp, recipient=recipient)
    if d.allowed:
        assert tlp <= partner.max_tlp
        assert (
            partner.trust
            >= {TLP.CLEAR: 1, TLP.GREEN: 1, TLP.AMBER: 2, TLP.AMBER_STRICT: 3, TLP.RED: 4}[tlp]
        )
        if tlp is TLP.RED:
            assert d.recipients and set(d.recipients) <= set(partner.red_recipients)
            if recipient is not None:
                assert d.recipients == [recipient]
        assert (d.form is Form.HASHED) == (partner.trust <= 2)
    else:
        assert d.form is Form.DENIED and not d.recipients
    # raising the marking never turns a denial into an allowance
    for higher in TLP:
        if higher > tlp and not d.allowed:
            assert not decide(partner, higher, recipient=recipient).allowed
