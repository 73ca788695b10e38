"""Importing partners' bundles: provenance, markings, de-duplication, bad input."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime

import pytest
from _findings import make_findings

from vigie.errors import InputError, VigieError
from vigie.share.stix_export import export_stix, write_stix
from vigie.share.stix_import import BundleStore, load_bundle
from vigie.share.tlp import TLP

NOW = datetime(2025, 3, 1, tzinfo=UTC)


@pytest.fixture
def bundle(tmp_path):
    exp = export_stix(make_findings(tmp_path), now=NOW)
    return write_stix(exp, tmp_path / "bundle.json"), exp.bundle


def test_import_records_provenance_and_dedups(tmp_path, bundle):
    path, data = bundle
    n = len(data["objects"])
    with BundleStore(tmp_path / "store.sqlite") as store:
        r1 = store.import_bundle(path, source="agence-etat", received_at=NOW)
        assert (r1.n_objects, r1.added, r1.duplicates) == (n, n, 0)
        later = datetime(2025, 3, 2, tzinfo=UTC)
        r2 = store.import_bundle(data, source="plateforme", received_at=later)
        assert (r2.added, r2.duplicates) == (0, n)
        assert len(store.objects()) == n
        campaign = store.objects(type="campaign")[0]
        prov = store.provenance(campaign["id"])
        assert [(p.source, p.tlp) for p in prov] == [
            ("agence-etat", TLP.AMBER),
            ("plateforme", TLP.AMBER),
        ]
        assert prov[0].received_at.startswith("2025-03-01")
        # the DISARM attack-patterns came marked CLEAR, and the two TLP definitions are public
        assert r1.by_tlp["TLP:CLEAR"] == len(store.objects(type="attack-pattern")) + 2
        assert len(store.objects(max_tlp=TLP.GREEN)) == r1.by_tlp["TLP:CLEAR"]
        assert [i["source"] for i in store.imports()] == ["agence-etat", "plateforme"]
        assert store.objects(source="plateforme") == []


def test_new_version_is_kept_beside_the_old(tmp_path, bundle):
    _, data = bundle
    with BundleStore(tmp_path / "s.sqlite") as store:
        store.import_bundle(data, source="a", received_at=NOW)
        v2 = copy.deepcopy(data)
        camp = next(o for o in v2["objects"] if o["type"] == "campaign")
        camp["modified"] = "2025-03-05T00:00:00.000Z"
        camp["description"] = "updated"
        r = store.import_bundle(v2, source="a", received_at=NOW, validate=False)
        assert r.added == 1
        assert store.get(camp["id"])["description"] == "updated"


IDENTITY = {
    "type": "identity",
    "spec_version": "2.1",
    "id": "identity--11111111-1111-4111-8111-111111111111",
    "created": "2025-01-01T00:00:00.000Z",
    "modified": "2025-01-01T00:00:00.000Z",
    "name": "Someone",
}


def test_unmarked_objects_take_the_bundle_marking_or_amber(tmp_path):
    ident = dict(IDENTITY)
    b = {"type": "bundle", "id": "bundle--22222222-2222-4222-8222-222222222222", "objects": [ident]}
    with BundleStore(tmp_path / "s.sqlite") as store:
        r = store.import_bundle(b, source="x", received_at=NOW)
        assert r.by_tlp == {"TLP:AMBER": 1}
        assert store.provenance(ident["id"])[0].tlp is TLP.AMBER
    # beside the TLP:CLEAR marking-definition (public, marking nothing itself): still AMBER
    clear = {
        "type": "marking-definition",
        "spec_version": "2.1",
        "id": "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
        "created": "2022-10-01T00:00:00.000Z",
        "definition_type": "statement",
        "name": "TLP:CLEAR",
        "definition": {"statement": "TLP:CLEAR"},
    }
    with BundleStore(tmp_path / "s2.sqlite") as store:
        r = store.import_bundle({**b, "objects": [clear, ident]}, source="x", validate=False)
        assert store.provenance(ident["id"])[0].tlp is TLP.AMBER


def test_markings_that_are_no_tlp_never_read_as_clear(tmp_path):
    """An object marked only by a marking we do not know (a partner's statement, PAP, a TLP
    under another id) was read as TLP:CLEAR, the least restrictive, and so could be passed
    on to anyone. It now takes the bundle's strictest TLP, and never less than AMBER; the
    TLP marking-definitions themselves stay public."""
    unknown = "marking-definition--33333333-3333-4333-8333-333333333333"  # no TLP
    ident = dict(IDENTITY, object_marking_refs=[unknown])
    clear = "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487"  # TLP:CLEAR (2.0)
    public = dict(
        ident, id="identity--44444444-4444-4444-8444-444444444444", object_marking_refs=[clear]
    )
    red = dict(ident, id="identity--55555555-5555-4555-8555-555555555555")
    red["object_marking_refs"] = ["marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"]
    b = {"type": "bundle", "id": "bundle--22222222-2222-4222-8222-222222222222"}
    with BundleStore(tmp_path / "s.sqlite") as store:
        store.import_bundle(
            {**b, "objects": [ident, public]}, source="x", received_at=NOW, validate=False
        )
        assert store.provenance(ident["id"])[0].tlp is TLP.AMBER
        assert store.provenance(public["id"])[0].tlp is TLP.CLEAR
        # beside a TLP:RED object, the unknown marking takes RED, the bundle's strictest
        store.import_bundle(
            {**b, "objects": [dict(ident, modified="2025-01-02T00:00:00.000Z"), red]},
            source="x",
            received_at=NOW,
            validate=False,
        )
        assert [p.tlp for p in store.provenance(ident["id"])][-1] is TLP.RED


def test_a_bundle_nested_too_deeply_is_one_line(tmp_path):
    """A thousand nested arrays made Python's json raise RecursionError, which the handler of
    ValueError let through: a traceback from `vigie share import`."""
    deep = tmp_path / "deep.json"
    deep.write_text('{"type": "bundle", "objects": [' + "[" * 100_000 + "]" * 100_000 + "]}")
    with pytest.raises(InputError, match="deep.json: not valid JSON \\(nested too deeply"):
        load_bundle(deep)


def test_bad_bundles_are_refused_with_the_file_named(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(InputError, match="bad.json: not valid JSON"):
        load_bundle(bad)
    bad.write_text(json.dumps({"type": "report"}))
    with pytest.raises(InputError, match="not a STIX bundle"):
        load_bundle(bad)
    broken = {
        "type": "bundle",
        "id": "bundle--22222222-2222-4222-8222-222222222222",
        "objects": [{"type": "campaign", "id": "campaign--x", "spec_version": "2.1"}],
    }
    bad.write_text(json.dumps(broken))
    with pytest.raises(InputError, match="not valid STIX 2.1"):
        load_bundle(bad)
    with BundleStore(tmp_path / "s.sqlite") as store:
        with pytest.raises(InputError):
            store.import_bundle(bad, source="x")
        assert store.objects() == [] and store.imports() == []


@pytest.mark.parametrize(
    ("where", "value"),
    [
        ("created", 17),  # the validator matched a regex on it: TypeError
        ("type", {"a": 1}),  # it hashed it: TypeError
        ("created", None),
        ("external_references", ["x"]),  # it read .get on each: AttributeError
    ],
)
def test_a_bundle_the_validator_fails_on_is_refused_naming_the_object(
    tmp_path, bundle, where, value
):
    """stix2-validator raises, instead of reporting, on some wrongly typed properties (found
    by a fuzz of ``share import`` on exported bundles); the import refuses such a bundle
    with the object named, and every other object's own errors, never with a traceback."""
    _path, data = bundle
    broken = copy.deepcopy(data)
    campaign = next(o for o in broken["objects"] if o["type"] == "campaign")
    campaign[where] = value
    bad = tmp_path / "broken.json"
    bad.write_text(json.dumps(broken))
    with pytest.raises(InputError, match="broken.json: not valid STIX 2.1: ") as err:
        load_bundle(bad)
    assert campaign["id"] in str(err.value)
    with BundleStore(tmp_path / "s.sqlite") as store:
        with pytest.raises(InputError):
            store.import_bundle(bad, source="x")
        assert store.objects() == []


OLD_SCHEMA = """
CREATE TABLE objects (
    id TEXT NOT NULL, modified TEXT NOT NULL, type TEXT NOT NULL, tlp TEXT NOT NULL,
    json TEXT NOT NULL, first_source TEXT NOT NULL, first_received TEXT NOT NULL,
    PRIMARY KEY (id, modified));
CREATE TABLE provenance (
    object_id TEXT NOT NULL, modified TEXT NOT NULL, source TEXT NOT NULL,
    received_at TEXT NOT NULL, tlp TEXT NOT NULL, bundle_id TEXT, import_id TEXT NOT NULL);
CREATE TABLE imports (
    import_id TEXT PRIMARY KEY, bundle_id TEXT, source TEXT NOT NULL, received_at TEXT NOT NULL,
    sha256 TEXT NOT NULL, tlp TEXT, n_objects INTEGER NOT NULL, added INTEGER NOT NULL,
    duplicates INTEGER NOT NULL);
"""


def test_a_store_written_by_the_old_sqlite3_code_opens_unchanged(tmp_path, bundle):
    """Store files made before the one shared store (stdlib sqlite3) keep working."""
    import sqlite3

    _, data = bundle
    camp = next(o for o in data["objects"] if o["type"] == "campaign")
    path = tmp_path / "old.sqlite"
    db = sqlite3.connect(path)
    db.executescript(OLD_SCHEMA)
    row = (camp["id"], camp["modified"], "campaign", "TLP:AMBER", json.dumps(camp), "old", "t0")
    db.execute("INSERT INTO objects VALUES (?,?,?,?,?,?,?)", row)
    db.execute(
        "INSERT INTO provenance VALUES (?,?,?,?,?,?,?)",
        (camp["id"], camp["modified"], "old", "2025-01-01T00:00:00+00:00", "TLP:AMBER", None, "i0"),
    )
    db.commit()
    db.close()
    with BundleStore(path) as store:
        r = store.import_bundle(data, source="new", received_at=NOW)
        assert r.duplicates == 1 and r.added == len(data["objects"]) - 1
        assert [p.source for p in store.provenance(camp["id"])] == ["old", "new"]
        assert store.get(camp["id"]) == camp


def test_imports_and_the_taxii_server_share_one_database(tmp_path, bundle):
    from vigie.share.audit import AuditLog
    from vigie.share.store import Store, sqlite_url

    _, data = bundle
    path = tmp_path / "one.sqlite"
    with BundleStore(path) as store:
        store.import_bundle(data, source="a", received_at=NOW)
    server = Store(sqlite_url(path))  # the TAXII server's store on the same file
    AuditLog(server).append("a", "object.received", object_id="x--1")
    assert [r.action for r in AuditLog(server).rows()] == ["object.received"]
    server.dispose()
    with BundleStore(path) as store:
        assert len(store.objects()) == len(data["objects"])


def test_a_file_that_is_not_a_database_is_named(tmp_path):
    bad = tmp_path / "notes.sqlite"
    bad.write_text("these are notes, not a database\n" * 50)
    with pytest.raises(VigieError, match="notes.sqlite: not a vigie store"):
        BundleStore(bad)


def test_what_is_sent_instead_of_a_bundle_is_named(tmp_path):
    """One STIX object or a list was "not a STIX bundle" and no more: the refusal now says
    what the file is and what to ask for (a MISP event is converted: below)."""
    cases = {
        "one.json": (
            json.dumps({"type": "indicator", "spec_version": "2.1", "id": "indicator--1"}),
            "it is one STIX object (indicator), not a bundle",
        ),
        "list.json": ("[]", "it is a JSON list"),
    }
    for name, (text, said) in cases.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        with pytest.raises(InputError, match="not a STIX bundle") as err:
            load_bundle(tmp_path / name)
        assert said in str(err.value), str(err.value)


def test_a_partners_misp_event_is_converted_and_stored(tmp_path, monkeypatch):
    """A MISP event (what many CERTs and platforms send) was refused with "ask the partner
    for STIX 2.1". It is converted by the MISP project's own converter (misp-stix) and
    stored with its provenance; its TLP tag becomes the objects' marking. The bare event
    object reads alike, and a MISP search's answer (several events); a missing converter is
    the extra to install, in one line."""
    import sys

    from vigie.errors import MissingExtraError
    from vigie.share.misp_export import export_misp

    pytest.importorskip("misp_stix_converter")
    findings = make_findings(tmp_path / "x")
    event = json.loads(export_misp(findings).to_json())
    (tmp_path / "event.json").write_text(json.dumps(event), encoding="utf-8")
    (tmp_path / "bare.json").write_text(json.dumps(event["Event"]), encoding="utf-8")
    data = load_bundle(tmp_path / "event.json")
    assert data["type"] == "bundle" and len(data["objects"]) > 10
    with BundleStore(tmp_path / "s.sqlite") as store:
        r = store.import_bundle(tmp_path / "event.json", source="plateforme", received_at=NOW)
        assert r.added > 10 and set(r.by_tlp) <= {"TLP:AMBER", "TLP:CLEAR"}
        assert r.by_tlp["TLP:AMBER"] > 10  # the event's tlp:amber tag, on its objects
        again = store.import_bundle(tmp_path / "bare.json", source="plateforme")
        assert again.added == 0 and again.duplicates == again.n_objects
    search = tmp_path / "search.json"  # what a MISP search answers: several events
    search.write_text(json.dumps({"response": [event, event]}), encoding="utf-8")
    assert len(load_bundle(search)["objects"]) > len(data["objects"])
    monkeypatch.setitem(sys.modules, "misp_stix_converter", None)
    with pytest.raises(MissingExtraError, match=r"misp_stix.*vigie\[share\]"):
        load_bundle(tmp_path / "event.json")


def test_a_saved_taxii_envelope_is_read_as_a_bundle(tmp_path, bundle):
    """A collection's answer saved to a file (``curl …/objects/ > page.json``: a TAXII 2.1
    envelope, ``{"more": false, "objects": [...]}``) was "not a STIX bundle"; its objects are
    read as one. Anything else without a ``type`` is still refused."""
    path, data = bundle
    page = tmp_path / "page.json"
    page.write_text(json.dumps({"more": False, "objects": data["objects"]}), encoding="utf-8")
    assert load_bundle(page)["objects"] == data["objects"]
    with BundleStore(tmp_path / "s.sqlite") as store:
        assert store.import_bundle(page, source="plateforme").added == len(data["objects"])
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"objects": data["objects"], "note": "x"}), encoding="utf-8")
    with pytest.raises(InputError, match="not a STIX bundle"):
        load_bundle(other)
