"""MISP export: tags, galaxy, distribution, template-valid objects, JSON round trip."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pyarrow as pa
import pytest
from _findings import PRIVATE_NOTE, PUBLIC_NOTE, URL_A, URL_B, make_findings
from pymisp import MISPEvent

from vigie import disarm
from vigie.errors import VigieError
from vigie.share.misp_export import (
    ALLOWED_DISTRIBUTIONS,
    distribution_for,
    export_misp,
    galaxy_tag,
    write_misp,
)
from vigie.share.partners import example_partners_path, load_partners
from vigie.share.policy import decide, hash_value
from vigie.share.tlp import TLP

NOW = datetime(2025, 3, 1, tzinfo=UTC)
REG = load_partners(example_partners_path())


@pytest.fixture
def findings(tmp_path):
    return make_findings(tmp_path)


def _shape(ev):
    attrs = sorted((a.type, str(a.value), a.category) for a in ev.attributes)
    tags = sorted(t.name for t in ev.tags)
    objs = sorted(
        (
            o.name,
            o.uuid,
            tuple(sorted((a.object_relation, str(a.value)) for a in o.attributes)),
            tuple(sorted((r.relationship_type, r.referenced_uuid) for r in o.references)),
        )
        for o in ev.objects
    )
    return attrs, tags, objs


def test_full_export_content(findings):
    exp = export_misp(findings, producer=REG.producer, now=NOW)
    ev = exp.event
    tags = {t.name for t in ev.tags}
    assert "tlp:amber" in tags
    for tid in ("T0049.003", "T0119", "T0084.001"):
        assert f'misp-galaxy:disarm-techniques="{disarm.technique(tid).name}"' in tags
    assert galaxy_tag("T0119") == (
        f'misp-galaxy:disarm-techniques="{disarm.technique("T0119").name}"'
    )
    names = [o.name for o in ev.objects]
    assert names.count("narrative") == 2
    assert names.count("user-account") == 5
    assert names.count("microblog") == 3
    assert sorted(a.value for a in ev.attributes if a.type == "url") == sorted([URL_A, URL_B])
    notes = {a.value for a in ev.attributes if a.type == "text" and a.comment.startswith("analyst")}
    assert notes == {PRIVATE_NOTE, PUBLIC_NOTE}
    assert int(ev.distribution) == 0  # AMBER, internal: organisation only
    for o in ev.objects:
        o._validate()  # required attributes per the PyMISP template
        assert {a.object_relation for a in o.attributes} <= set(o._definition["attributes"])
    mb = next(o for o in ev.objects if o.name == "microblog")
    assert mb.references and mb.references[0].relationship_type == "related-to"
    narr = next(o for o in ev.objects if o.name == "narrative")
    assert (
        "no attribution is claimed" in narr.get_attributes_by_relation("narrative-summary")[0].value
    )


@pytest.mark.parametrize("partner", REG.names())
def test_round_trip_to_json_and_back(findings, partner):
    p = REG.get(partner)
    tlp = TLP.CLEAR  # every partner may receive CLEAR: all forms are exercised
    exp = export_misp(findings, tlp=tlp, partner=p, now=NOW)
    text = exp.event.to_json()
    back = MISPEvent()
    back.load(text)
    assert _shape(back) == _shape(exp.event)
    assert back.uuid == exp.event.uuid and back.info == exp.event.info
    # the file written by write_misp loads too
    assert json.loads(exp.to_json())["Event"]["uuid"] == exp.event.uuid


def test_low_trust_event_has_no_handles_urls_or_posts(findings):
    exp = export_misp(findings, partner=REG.get("observatoire"), now=NOW)
    text = exp.event.to_json()
    for secret in ("kiki_1", "Kiki", URL_A, "leak.example", PRIVATE_NOTE, "Vote on Monday"):
        assert secret not in text, secret
    assert [o.name for o in exp.event.objects].count("microblog") == 0
    assert not [a for a in exp.event.attributes if a.type == "sha256"]  # a file-hash type
    hashes = sorted(a.value for a in exp.event.attributes if a.value.startswith("url-sha256:"))
    assert hashes == sorted(f"url-sha256:{hash_value(u)}" for u in (URL_A, URL_B))
    ids = {
        a.value
        for o in exp.event.objects
        if o.name == "user-account"
        for a in o.attributes
        if a.object_relation == "user-id"
    }
    assert hash_value("twitter:111") in ids and "111" not in ids


def test_distribution_mapping(findings):
    plat = REG.get("plateforme")  # has a sharing group
    obs = REG.get("observatoire")  # has none
    assert distribution_for(TLP.CLEAR, plat) == (3, None)
    assert distribution_for(TLP.GREEN, plat) == (4, "elections-platforms")
    assert distribution_for(TLP.GREEN, obs) == (1, None)
    assert distribution_for(TLP.AMBER, obs) == (0, None)
    # AMBER, AMBER+STRICT and RED never reach a sharing group (several organisations)
    assert distribution_for(TLP.AMBER, plat) == (0, None)
    assert distribution_for(TLP.AMBER_STRICT, plat) == (0, None)
    assert distribution_for(TLP.RED, REG.get("agence-etat")) == (0, None)
    assert distribution_for(TLP.RED, None) == (0, None)
    # (this export used to go to the partner's sharing group, distribution 4: a TLP breach)
    exp = export_misp(findings, tlp="AMBER+STRICT", partner=plat, now=NOW)
    back = MISPEvent()
    back.load(exp.event.to_json())
    assert int(back.distribution) == 0 and not back.get("SharingGroup")
    assert "tlp:amber+strict" in {t.name for t in back.tags}
    green = export_misp(findings, tlp="GREEN", partner=plat, now=NOW)
    back = MISPEvent()
    back.load(green.event.to_json())
    assert int(back.distribution) == 4 and back.SharingGroup.name == "elections-platforms"


def _distributions(event: MISPEvent) -> set[int]:
    """Distributions of every attribute and object of an event (not the event itself)."""
    out = {int(a.distribution) for a in event.attributes}
    for o in event.objects:
        out.add(int(o.distribution))
        out |= {int(a.distribution) for a in o.attributes}
    return out


# the widest MISP distribution each TLP 2.0 marking allows, written out independently of
# ALLOWED_DISTRIBUTIONS: 0 org, 1 community, 2 connected, 3 all, 4 sharing group
_WIDEST_OK = {
    TLP.CLEAR: {0, 1, 2, 3, 4},
    TLP.GREEN: {0, 1, 4},
    TLP.AMBER: {0},
    TLP.AMBER_STRICT: {0},
    TLP.RED: {0},
}


@pytest.mark.parametrize("tlp", list(TLP))
def test_no_event_wider_than_its_marking(findings, tlp):
    """Every registry partner (and unregistered/internal) x every marking: the policy-allowed
    exports never get a distribution wider than the marking, and objects inherit it."""
    assert ALLOWED_DISTRIBUTIONS == _WIDEST_OK
    exported = 0
    for partner in [None, *(REG.get(n) for n in REG.names())]:
        level, group = distribution_for(tlp, partner)
        assert level in _WIDEST_OK[tlp], (partner, tlp)
        assert (level == 4) == (group is not None)
        if partner is None:
            continue  # internal export; checked through distribution_for above
        if not decide(partner, tlp).allowed:
            with pytest.raises(VigieError):
                export_misp(findings, tlp=tlp, partner=partner, now=NOW)
            continue
        back = MISPEvent()
        back.load(export_misp(findings, tlp=tlp, partner=partner, now=NOW).event.to_json())
        assert int(back.distribution) in _WIDEST_OK[tlp], (partner.name, tlp)
        assert _distributions(back) == {5}  # every attribute and object inherits the event
        assert tlp.misp_tag in {t.name for t in back.tags}
        exported += 1
    assert exported == sum(decide(REG.get(n), tlp).allowed for n in REG.names())


def test_red_event_names_its_recipients(findings):
    agence = REG.get("agence-etat")
    one = export_misp(findings, tlp="RED", partner=agence, recipient="analyste.a@example.gouv")
    ev = one.event
    assert int(ev.distribution) == 0
    line = "TLP:RED, for the eyes of: analyste.a@example.gouv only."
    assert ev.info.endswith(line)
    named = [a for a in ev.attributes if a.comment == "TLP:RED named recipients"]
    assert [a.value for a in named] == [line]
    both = export_misp(findings, tlp="RED", partner=agence, now=NOW).event
    line = "TLP:RED, for the eyes of: analyste.a@example.gouv, analyste.b@example.gouv only."
    assert both.info.endswith(line)
    # the STIX export names the same people
    from vigie.share.stix_export import export_stix

    bundle = export_stix(findings, tlp="RED", partner=agence, now=NOW, validate=False).bundle
    grouping = next(o for o in bundle["objects"] if o["type"] == "grouping")
    assert grouping["description"].endswith(line)
    # a non-RED event names no one
    amber = export_misp(findings, tlp="AMBER", partner=agence, now=NOW).event
    assert "eyes of" not in amber.info
    assert not [a for a in amber.attributes if a.comment == "TLP:RED named recipients"]
    # a RED recipient the partner does not name is refused
    with pytest.raises(VigieError, match="not a named TLP:RED recipient"):
        export_misp(findings, tlp="RED", partner=agence, recipient="eve@example.org")


def test_reexport_identical_and_written(findings, tmp_path):
    a = export_misp(findings, now=NOW).to_json()
    b = export_misp(findings, now=NOW)
    assert a == b.to_json()
    out = write_misp(b, tmp_path / "event.json")
    assert json.loads(out.read_text()) == json.loads(a)


def test_one_id_on_two_platforms_in_a_group_is_two_accounts(findings):
    """Two members of one group with one id on two platforms (detection keeps them apart)
    are two user-account objects with uuids of their own; an id held once keeps its uuid."""
    import pyarrow.parquet as pq

    path = findings / "members.parquet"
    members = pq.read_table(path)
    extra = {n: None for n in members.column_names}
    extra.update(group_id="g0002", account_id="tg9", platform="twitter", strength=1.0, n_posts=1)
    rows = members.to_pylist() + [extra]
    before = export_misp(findings, producer=REG.producer, now=NOW).event
    pq.write_table(pa.Table.from_pylist(rows, schema=members.schema), path)
    ev = export_misp(findings, producer=REG.producer, now=NOW).event
    accounts = [o for o in ev.objects if o.name == "user-account"]
    assert len({o.uuid for o in ev.objects}) == len(ev.objects)
    tg9 = [o for o in accounts if any(a.value == "tg9" for a in o.attributes)]
    assert sorted(
        a.value for o in tg9 for a in o.attributes if a.object_relation == "description"
    ) == [
        "platform: telegram",
        "platform: twitter",
    ]
    uuids = {o.uuid for o in before.objects if o.name == "user-account"}
    kept = {o.uuid for o in accounts if not any(a.value == "tg9" for a in o.attributes)}
    assert kept <= uuids  # the accounts whose id is held once keep their uuids


def test_a_post_evidence_of_two_signals_is_one_object(findings):
    """A post that is evidence of two signals (a link and a hashtag shared in one reply) was
    two microblog objects with the post's one uuid: MISP holds a uuid once per event, so the
    partner's instance refused or merged them. One object now names both signals."""
    import pyarrow.parquet as pq

    path = findings / "evidence.parquet"
    rows = pq.read_table(path).to_pylist()
    twin = dict(next(r for r in rows if r["post_id"] == "p1"), kind="co_hashtag", object="vote")
    pq.write_table(pa.Table.from_pylist([*rows, twin], schema=pq.read_schema(path)), path)
    ev = export_misp(findings, producer=REG.producer, now=NOW).event
    uuids = [o.uuid for o in ev.objects] + [a.uuid for o in ev.objects for a in o.attributes]
    assert len(set(uuids)) == len(uuids)
    (p1,) = [o for o in ev.objects if o.name == "microblog" and "co_hashtag" in o.comment]
    assert p1.comment == "Evidence (co_link, co_hashtag) for coordinated group g0001"
