"""STIX 2.1 export of a hand-made Findings folder: content, markings, redaction, validity."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from _findings import PRIVATE_NOTE, PUBLIC_NOTE, URL_A, URL_B, make_findings

from vigie import disarm
from vigie.errors import VigieError
from vigie.share.partners import example_partners_path, load_partners
from vigie.share.policy import hash_value
from vigie.share.stix_export import export_stix, validation_report, write_stix
from vigie.share.tlp import TLP, TLP2_EXTENSION_ID

NOW = datetime(2025, 3, 1, tzinfo=UTC)
REG = load_partners(example_partners_path())


@pytest.fixture
def findings(tmp_path):
    return make_findings(tmp_path)


def _by_type(bundle, kind):
    return [o for o in bundle["objects"] if o["type"] == kind]


def _text(bundle):
    return json.dumps(bundle, ensure_ascii=False)


# one partner per form (internal full, trust 4 full, trust 3 redacted, trust 2 hashed)
@pytest.mark.parametrize("partner", [None, "agence-etat", "plateforme", "observatoire"])
@pytest.mark.parametrize("tlp", list(TLP), ids=lambda t: t.key)
def test_every_allowed_export_is_validator_clean(findings, partner, tlp):
    p = REG.get(partner) if partner else None
    try:
        exp = export_stix(
            findings, tlp=tlp, partner=p, producer=REG.producer, now=NOW, validate=False
        )
    except VigieError as exc:
        assert "DENIED" in str(exc)
        return
    errors, _warnings = validation_report(exp.bundle)
    assert errors == []
    # every non-marking object is marked, and with the chosen level (DISARM patterns: CLEAR)
    for o in exp.bundle["objects"]:
        if o["type"] == "marking-definition":
            assert TLP2_EXTENSION_ID in o["extensions"]
        elif o["type"] == "attack-pattern":
            assert o["object_marking_refs"] == [TLP.CLEAR.stix_id]
        else:
            assert o["object_marking_refs"] == [tlp.stix_id], o["id"]


def test_full_export_maps_findings_to_stix(findings):
    exp = export_stix(findings, producer=REG.producer, now=NOW)
    b = exp.bundle
    assert exp.view.tlp is TLP.AMBER  # default marking of a Findings folder
    campaigns = _by_type(b, "campaign")
    assert sorted(c["name"] for c in campaigns) == [
        "Coordinated group g0001",
        "Coordinated group g0002",
    ]
    assert all("no attribution is claimed" in c["description"] for c in campaigns)
    # STIX Appendix A scale: two signals on 3 accounts at 0.93 → High; one on 2 → Low
    assert {c["confidence"] for c in campaigns} == {85, 15}
    accounts = _by_type(b, "user-account")
    assert sorted(a["user_id"] for a in accounts) == ["111", "222", "333", "tg8", "tg9"]
    assert {a.get("account_login") for a in accounts} == {
        "kiki_1",
        "lulu_2",
        "momo_3",
        "chan_nine",
        None,
    }
    assert sorted(u["value"] for u in _by_type(b, "url")) == sorted([URL_A, URL_B])
    patterns = sorted(i["pattern"] for i in _by_type(b, "indicator"))
    assert patterns == sorted(
        [f"[url:value = '{URL_A}']", "[url:value = 'https://leak.example/files?id=it\\'s']"]
    )
    aps = {a["external_references"][0]["external_id"]: a for a in _by_type(b, "attack-pattern")}
    assert set(aps) == {"T0049.003", "T0119", "T0084.001"}
    for tid, ap in aps.items():
        assert ap["id"] == disarm.technique(tid).stix_id
        assert ap["external_references"][0]["source_name"] == "DISARM"
        assert ap["name"] == disarm.technique(tid).name
    rels = {(r["relationship_type"]) for r in _by_type(b, "relationship")}
    assert rels == {"uses", "indicates", "based-on", "related-to"}
    uses = [
        r
        for r in _by_type(b, "relationship")
        if r["relationship_type"] == "uses" and r["target_ref"].startswith("attack-pattern--")
    ]
    assert len(uses) == 3
    notes = [n["content"] for n in _by_type(b, "note")]
    assert PRIVATE_NOTE in notes and PUBLIC_NOTE in notes
    assert any("Evidence sample" in n for n in notes)
    (grouping,) = _by_type(b, "grouping")
    skip = ("marking-definition", "grouping", "report")
    ids = {o["id"] for o in b["objects"] if o["type"] not in skip}
    assert set(grouping["object_refs"]) == ids
    assert exp.view.decision is None


def test_trust3_partner_gets_no_private_notes(findings):
    exp = export_stix(findings, partner=REG.get("plateforme"), now=NOW)
    text = _text(exp.bundle)
    assert PRIVATE_NOTE not in text and PUBLIC_NOTE in text
    assert "kiki_1" in text  # handles kept at trust 3
    assert exp.view.counts["notes_withheld"] == 1


def test_low_trust_partner_gets_hashed_indicators_and_no_handles(findings):
    exp = export_stix(findings, partner=REG.get("observatoire"), now=NOW)
    b, text = exp.bundle, _text(exp.bundle)
    for secret in (
        "kiki_1",
        "lulu_2",
        "Kiki",
        URL_A,
        "leak.example",
        PRIVATE_NOTE,
        "p1",
        "Vote on Monday",
    ):
        assert secret not in text, secret
    assert _by_type(b, "url") == []
    assert sorted(a["user_id"] for a in _by_type(b, "user-account")) == sorted(
        hash_value(f"{p}:{a}")
        for p, a in [
            ("twitter", "111"),
            ("twitter", "222"),
            ("twitter", "333"),
            ("telegram", "tg9"),
            ("telegram", "tg8"),
        ]
    )
    patterns = sorted(i["pattern"] for i in _by_type(b, "indicator"))
    assert patterns == sorted(f"[url:x_vigie_sha256 = '{hash_value(u)}']" for u in (URL_A, URL_B))
    assert PUBLIC_NOTE in text  # the analyst marked it shareable
    assert validation_report(b)[0] == []


def test_salted_hashes_differ_per_export(findings):
    a = export_stix(findings, partner=REG.get("observatoire"), salt="s1", now=NOW)
    b = export_stix(findings, partner=REG.get("observatoire"), salt="s2", now=NOW)
    ua = {o["user_id"] for o in _by_type(a.bundle, "user-account")}
    ub = {o["user_id"] for o in _by_type(b.bundle, "user-account")}
    assert ua.isdisjoint(ub) and hash_value("twitter:111", "s1") in ua


def test_denied_export_raises_with_reasons(findings):
    with pytest.raises(VigieError, match="TLP:AMBER to redaction: DENIED.*max_tlp"):
        export_stix(findings, partner=REG.get("redaction"), now=NOW)


def test_cannot_mark_below_the_findings_own_tlp(tmp_path):
    f = make_findings(tmp_path, tlp="AMBER+STRICT")
    assert export_stix(f, now=NOW).view.tlp is TLP.AMBER_STRICT
    with pytest.raises(VigieError, match="would downgrade"):
        export_stix(f, tlp="GREEN", now=NOW)


def test_reexport_is_identical_and_written_atomically(findings, tmp_path):
    a = export_stix(findings, now=NOW)
    b = export_stix(findings, now=NOW)
    assert a.to_json() == b.to_json()
    out = write_stix(a, tmp_path / "out" / "bundle.json")
    assert json.loads(out.read_text())["id"] == a.bundle["id"]
    # a different form gives different ids (a partner never gets two forms under one id)
    c = export_stix(findings, partner=REG.get("observatoire"), now=NOW)
    assert {o["id"] for o in _by_type(a.bundle, "campaign")}.isdisjoint(
        o["id"] for o in _by_type(c.bundle, "campaign")
    )


def test_bad_notes_file_is_named(findings):
    (findings / "notes.json").write_text(json.dumps([{"text": "ok"}, {"text": ""}]))
    with pytest.raises(VigieError, match=r"notes.json, record 1, field 'text': missing or empty"):
        export_stix(findings, now=NOW)


def test_red_export_names_its_recipients(findings):
    exp = export_stix(
        findings,
        tlp="RED",
        partner=REG.get("agence-etat"),
        recipient="analyste.a@example.gouv",
        now=NOW,
    )
    (grouping,) = _by_type(exp.bundle, "grouping")
    assert grouping["description"].endswith("for the eyes of: analyste.a@example.gouv only.")
    with pytest.raises(VigieError, match="not a named TLP:RED recipient"):
        export_stix(
            findings,
            tlp="RED",
            partner=REG.get("agence-etat"),
            recipient="someone@else.org",
            now=NOW,
        )


def test_fast_validation_gives_the_validators_own_answers(findings):
    from vigie.share.stix_validate import validation_report as report

    exp = export_stix(findings, now=NOW)
    bad = json.loads(json.dumps(exp.bundle))
    camp = next(o for o in bad["objects"] if o["type"] == "campaign")
    camp["created"] = "yesterday"
    camp["id"] = "campaign--not-a-uuid"
    next(o for o in bad["objects"] if o["type"] == "indicator")["pattern_type"] = 7
    fast, slow = report(bad, fast=True), report(bad, fast=False)
    assert fast == slow
    assert len(fast[0]) >= 3
    assert report(exp.bundle, fast=True) == report(exp.bundle, fast=False)


def test_detected_links_are_shared_as_full_urls(tmp_path):
    """Findings written by the detector keep co-link objects in the house canonical form
    (no scheme); the export must still share them, as ``https://`` URLs and indicators."""
    import pyarrow.parquet as pq

    from vigie.detect.pipeline import run_detection
    from vigie.exercise.generate import generate

    generate("tiny", 20_000, 12, tmp_path / "scenario", progress=False)
    findings = run_detection(tmp_path / "scenario", tmp_path / "findings", progress=False)
    ev = pq.read_table(findings.path / "evidence.parquet").to_pylist()
    linked = {e["object"] for e in ev if e["kind"] == "co_link"}
    assert linked and not any("://" in u for u in linked)  # canonical, scheme-less
    b = export_stix(findings.path, producer=REG.producer, now=NOW).bundle
    values = {u["value"] for u in _by_type(b, "url")}
    assert values >= {f"https://{u}" for u in linked}
    patterns = {i["pattern"] for i in _by_type(b, "indicator")}
    assert any(u in p for u in linked for p in patterns)
    assert validation_report(b)[0] == []


# Links as posts write them, which a URI may not hold (found by a fuzz of detect then share
# export: one of them made the validator refuse the whole bundle).
ODD_LINKS = (
    "x.yz.com/http:/a.b/ccc{{x}}[a@user",  # braces, a bracket, an at sign in the path
    "\u0131/10.0.0.1",  # a host in another script (dotless i)
    "b\u00fccher.example/s\u00e4tze?q=\u00e9t\u00e9#a#b",  # IRI; a second '#'
    "a.example/100%/x%2Fy",  # a '%' that escapes nothing, and one that does
    "u@v@host.example:80a/p q",  # two '@', a port that is not one, a space
    "https://host.example:8080/ok?a=1&b=2#frag",  # already a URI: unchanged
)


def test_links_that_are_not_uris_are_shared_as_uris(tmp_path):
    """Every link of a group is shared in its RFC 3986 form and the bundle validates; a link
    that is already a URI keeps its value (and so its indicator and hash)."""
    from urllib.parse import unquote

    from vigie.share.shareable import as_uri

    findings = make_findings(tmp_path, links=ODD_LINKS)
    exp = export_stix(findings, producer=REG.producer, now=NOW)
    assert validation_report(exp.bundle)[0] == []
    values = {u["value"] for u in _by_type(exp.bundle, "url")}
    assert values == {URL_A, URL_B} | {
        as_uri("https://" + u.removeprefix("https://")) for u in ODD_LINKS
    }
    assert ODD_LINKS[-1] in values and "https://%C4%B1/10.0.0.1" in values
    # nothing is lost: unescaping gives back what the post held
    assert unquote(as_uri("https://" + ODD_LINKS[2])) == "https://" + ODD_LINKS[2]
    for value in values:
        assert as_uri(value) == value  # a URI stays as it is
    patterns = " ".join(i["pattern"] for i in _by_type(exp.bundle, "indicator"))
    assert all(v.replace("'", "\\'") in patterns for v in values)


def test_an_evidence_post_is_shared_with_its_own_platform(findings):
    """One id on two platforms in one group (detection keeps them apart, and writes each
    evidence row's platform): the shared evidence took the platform of whichever member of
    that id came last, so a post by telegram:tg9 lost its handle (and, hashed, would have
    been hashed as twitter:tg9's)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from vigie.share.shareable import prepare

    path = findings / "members.parquet"
    members = pq.read_table(path)
    extra = {n: None for n in members.column_names}
    extra.update(group_id="g0002", account_id="tg9", platform="twitter", strength=1.0, n_posts=1)
    pq.write_table(pa.Table.from_pylist([*members.to_pylist(), extra], schema=members.schema), path)
    path = findings / "evidence.parquet"
    ev = pq.read_table(path)
    rows = ev.to_pylist()
    for r in rows:
        r["platform"] = "telegram" if r["account_id"].startswith("tg") else "twitter"
    second = {**next(r for r in rows if r["post_id"] == "t1"), "post_id": "t2"}
    second["platform"] = "twitter"
    rows.append(second)
    schema = (
        ev.schema
        if "platform" in ev.column_names
        else ev.schema.append(pa.field("platform", pa.string()))
    )
    pq.write_table(pa.Table.from_pylist(rows, schema=schema), path)
    view = prepare(findings)  # internal, full: each post with its author's handle
    (g2,) = [g for g in view.groups if g.group_id == "g0002"]
    by_post = {e.post_id: (e.account, e.handle) for e in g2.evidence}
    assert by_post == {"t1": ("tg9", "chan_nine"), "t2": ("tg9", None)}
