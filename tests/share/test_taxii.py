"""The TAXII 2.1 server driven by the official ``taxii2-client`` over loopback HTTP."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from argon2 import PasswordHasher
from taxii2client.v21 import ApiRoot, Collection, Server, as_pages

from vigie.share.audit import AuditLog
from vigie.share.partners import parse_partners
from vigie.share.policy import hash_account, hash_value
from vigie.share.taxii.app import build_state, create_app
from vigie.share.taxii.auth import set_password
from vigie.share.taxii.config import collection_id, load_config, parse_config
from vigie.share.taxii.server import BackgroundServer
from vigie.share.tlp import TLP

CHEAP = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)  # fast tests only

PW = {
    "state": "state-password-123",
    "state/alice@example.gouv": "alice-password-123",
    "ngo": "ngo-password-12345",
    "newsroom": "newsroom-pass-1234",
}

REGISTRY = {
    "partners": [
        {
            "name": "state",
            "sector": "state",
            "trust": 4,
            "max_tlp": "RED",
            "red_recipients": ["alice@example.gouv"],
        },
        {"name": "ngo", "sector": "ngo", "trust": 2, "max_tlp": "AMBER"},
        {"name": "newsroom", "sector": "media", "trust": 1, "max_tlp": "GREEN"},
    ]
}

CONFIG = {
    "title": "test server",
    "db_url": "sqlite:///taxii.db",
    "page_size": 50,
    "rate_limit": {"requests_per_second": 1000, "burst": 1000},
    "api_roots": [
        {
            "name": "community",
            "min_trust": 1,
            "collections": [
                {"name": "shared", "min_trust": 1, "max_tlp": "RED", "default_tlp": "GREEN"},
                {"name": "public", "max_tlp": "GREEN", "default_tlp": "GREEN"},
                {"name": "readonly", "can_write": False},
            ],
        },
        {
            "name": "inner",
            "min_trust": 3,
            "collections": [{"name": "findings", "min_trust": 3, "max_tlp": "RED"}],
        },
    ],
}


def indicator(n: int, tlp: TLP | None = TLP.GREEN, **extra: Any) -> dict[str, Any]:
    obj = {
        "type": "indicator",
        "spec_version": "2.1",
        "id": f"indicator--{uuid.UUID(int=n, version=4)}",
        "created": "2026-01-01T00:00:00.000Z",
        "modified": "2026-01-01T00:00:00.000Z",
        "pattern": f"[url:value = 'https://example.org/{n}']",
        "pattern_type": "stix",
        "valid_from": "2026-01-01T00:00:00Z",
    }
    if tlp is not None:
        obj["object_marking_refs"] = [tlp.stix_id]
    obj.update(extra)
    return obj


@pytest.fixture
def server(tmp_path: Path) -> Iterator[dict[str, Any]]:
    config = parse_config(CONFIG, base_dir=tmp_path)
    registry = parse_partners(REGISTRY)
    state = build_state(config, registry)
    for user, pw in PW.items():
        set_password(state.store, user, pw, hasher=CHEAP)
    with BackgroundServer(create_app(state)) as url:
        yield {
            "url": url,
            "state": state,
            "shared": collection_id("community", config.api_roots[0].collections[0]),
            "findings": collection_id("inner", config.api_roots[1].collections[0]),
            "public": collection_id("community", config.api_roots[0].collections[1]),
            "readonly": collection_id("community", config.api_roots[0].collections[2]),
        }
    state.store.dispose()


def coll(
    server: dict[str, Any], user: str, root: str = "community", name: str = "shared"
) -> Collection:
    cid = server[name]
    return Collection(f"{server['url']}/{root}/collections/{cid}/", user=user, password=PW[user])


def test_discovery_roots_and_collections_follow_trust(server: dict[str, Any]) -> None:
    url = server["url"]
    state_srv = Server(f"{url}/taxii2/", user="state", password=PW["state"])
    assert state_srv.title == "test server"
    assert [r.url for r in state_srv.api_roots] == [f"{url}/community/", f"{url}/inner/"]
    ngo_srv = Server(f"{url}/taxii2/", user="ngo", password=PW["ngo"])
    assert [r.url for r in ngo_srv.api_roots] == [f"{url}/community/"]

    root = ApiRoot(f"{url}/community/", user="ngo", password=PW["ngo"])
    assert root.versions == ["application/taxii+json;version=2.1"]
    assert root.max_content_length == 10 * 1024 * 1024
    assert [c.id for c in root.collections] == [
        server["shared"],
        server["public"],
        server["readonly"],
    ]
    assert root.collections[0].can_read and root.collections[0].can_write

    # the trusted root is hidden from a trust-2 partner, even when it knows the URL
    with pytest.raises(requests.HTTPError) as err:
        ApiRoot(f"{url}/inner/", user="ngo", password=PW["ngo"]).refresh()
    assert err.value.response.status_code == 404


def test_add_and_get_objects_with_filters_and_paging(server: dict[str, Any]) -> None:
    writer = coll(server, "state")
    objects = [indicator(i) for i in range(1, 8)]
    objects.append(
        {
            "type": "identity",
            "spec_version": "2.1",
            "id": f"identity--{uuid.UUID(int=99, version=4)}",
            "created": "2026-01-01T00:00:00.000Z",
            "modified": "2026-01-01T00:00:00.000Z",
            "name": "CERT",
            "identity_class": "organization",
            "object_marking_refs": [TLP.CLEAR.stix_id],
        }
    )
    status = writer.add_objects({"objects": objects})
    assert status.status == "complete"
    assert (status.total_count, status.success_count, status.failure_count) == (8, 8, 0)
    again = writer.add_objects({"objects": objects[:2]})  # idempotent: nothing duplicated
    assert again.success_count == 2

    reader = coll(server, "newsroom")
    everything = reader.get_objects()
    assert len(everything["objects"]) == 8 and everything["more"] is False
    only = reader.get_objects(type="identity")
    assert [o["id"] for o in only["objects"]] == [objects[-1]["id"]]
    by_id = reader.get_objects(id=objects[2]["id"])
    assert [o["id"] for o in by_id["objects"]] == [objects[2]["id"]]

    pages = list(as_pages(reader.get_objects, per_request=3))
    assert [len(p.get("objects", [])) for p in pages] == [3, 3, 2]
    ids = [o["id"] for p in pages for o in p["objects"]]
    assert ids == [o["id"] for o in objects]

    # added_after: a second batch only
    resp = requests.get(
        reader.objects_url,
        auth=("newsroom", PW["newsroom"]),
        headers={"Accept": "application/taxii+json;version=2.1"},
    )
    last = resp.headers["X-TAXII-Date-Added-Last"]
    assert resp.headers["X-TAXII-Date-Added-First"] <= last
    writer.add_objects({"objects": [indicator(50)]})
    newer = reader.get_objects(added_after=last)
    assert [o["id"] for o in newer["objects"]] == [indicator(50)["id"]]

    one = reader.get_object(objects[0]["id"])  # trust 1 reads the hashed form
    digest = hash_value("https://example.org/1")
    assert one["objects"][0]["pattern"] == f"[url:x_vigie_sha256 = '{digest}']"
    full = writer.get_object(objects[0]["id"])  # trust 4 reads it as written
    assert full["objects"][0]["pattern"] == objects[0]["pattern"]
    manifest = reader.get_manifest()
    assert len(manifest["objects"]) == 9
    assert manifest["objects"][0]["media_type"] == "application/stix+json;version=2.1"


def test_versions_last_first_all(server: dict[str, Any]) -> None:
    writer = coll(server, "state")
    v1 = indicator(7)
    v2 = indicator(7, modified="2026-02-01T00:00:00.000Z", name="second")
    writer.add_objects({"objects": [v1, v2]})
    assert [o.get("name") for o in writer.get_objects()["objects"]] == ["second"]
    assert writer.get_objects(version="first")["objects"][0]["modified"] == v1["modified"]
    assert len(writer.get_objects(version="all")["objects"]) == 2
    versions = writer.object_versions(v1["id"])
    assert versions["versions"] == ["2026-01-01T00:00:00.000000Z", "2026-02-01T00:00:00.000000Z"]
    # a timestamp filter matches whatever the precision it is written with
    exact = writer.get_objects(version="2026-02-01T00:00:00Z")["objects"]
    assert [o["name"] for o in exact] == ["second"]
    r = requests.get(
        writer.objects_url,
        params={"match[version]": "yesterday"},
        auth=("state", PW["state"]),
        headers={"Accept": "application/taxii+json;version=2.1"},
    )
    assert r.status_code == 400 and "match[version]" in r.json()["description"]


def test_policy_filters_objects_by_tlp_and_trust(server: dict[str, Any]) -> None:
    writer = coll(server, "state")
    marked = {tlp: indicator(10 + int(tlp), tlp) for tlp in TLP}
    unmarked = indicator(30, None)  # takes the collection's default_tlp (GREEN)
    writer.add_objects({"objects": [*marked.values(), unmarked]})

    def seen(user: str) -> set[TLP | None]:
        got = {o["id"] for o in coll(server, user).get_objects().get("objects", [])}
        out: set[TLP | None] = {t for t, o in marked.items() if o["id"] in got}
        if unmarked["id"] in got:
            out.add(None)
        return out

    assert seen("newsroom") == {TLP.CLEAR, TLP.GREEN, None}
    assert seen("ngo") == {TLP.CLEAR, TLP.GREEN, TLP.AMBER, None}
    assert seen("state") == {TLP.CLEAR, TLP.GREEN, TLP.AMBER, TLP.AMBER_STRICT, None}
    assert seen("state/alice@example.gouv") == set(TLP) | {None}

    red_id = marked[TLP.RED]["id"]
    with pytest.raises(requests.HTTPError) as err:
        coll(server, "ngo").get_object(red_id)
    assert err.value.response.status_code == 404


def test_refusals_unauthenticated_wrong_password_cross_partner(server: dict[str, Any]) -> None:
    url = server["url"]
    objects_url = f"{url}/community/collections/{server['shared']}/objects/"
    accept = {"Accept": "application/taxii+json;version=2.1"}
    r = requests.get(objects_url, headers=accept)
    assert r.status_code == 401 and r.headers["WWW-Authenticate"].startswith("Basic")
    assert r.json()["http_status"] == "401"
    assert requests.get(objects_url, headers=accept, auth=("ngo", "wrong")).status_code == 401
    # one partner's password does not open another partner's account
    assert requests.get(objects_url, headers=accept, auth=("state", PW["ngo"])).status_code == 401
    # a RED recipient that the registry does not name
    assert (
        requests.get(objects_url, headers=accept, auth=("state/eve@x", PW["state"])).status_code
        == 401
    )
    # trust-2 partner: the trusted collection does not exist for it; it may not write there
    inner = f"{url}/inner/collections/{server['findings']}/objects/"
    assert requests.get(inner, headers=accept, auth=("ngo", PW["ngo"])).status_code == 404
    r = requests.post(
        inner,
        json={"objects": [indicator(1)]},
        headers={**accept, "Content-Type": "application/taxii+json;version=2.1"},
        auth=("ngo", PW["ngo"]),
    )
    assert r.status_code == 404
    # status resources are private to their poster
    status = coll(server, "state").add_objects({"objects": [indicator(2)]})
    r = requests.get(
        f"{url}/community/status/{status.id}/", headers=accept, auth=("ngo", PW["ngo"])
    )
    assert r.status_code == 404
    r = requests.get(
        f"{url}/community/status/{status.id}/", headers=accept, auth=("state", PW["state"])
    )
    assert r.status_code == 200 and r.json()["success_count"] == 1

    audit = AuditLog(server["state"].store)
    refused = [row for row in audit.rows(action="auth.refused")]
    assert [row.actor for row in refused] == ["-", "ngo", "state", "state/eve@x"]
    assert audit.verify().ok


def test_audit_records_who_what_when_marking(server: dict[str, Any]) -> None:
    writer = coll(server, "state")
    amber = indicator(40, TLP.AMBER)
    green = indicator(41, TLP.GREEN)
    writer.add_objects({"objects": [amber, green]})
    coll(server, "newsroom").get_objects()
    audit = AuditLog(server["state"].store)
    received = {(r.actor, r.object_id, r.marking) for r in audit.rows(action="object.received")}
    assert received == {("state", amber["id"], "amber"), ("state", green["id"], "green")}
    served = [(r.actor, r.object_id, r.marking) for r in audit.rows(action="object.served")]
    assert served == [("newsroom", green["id"], "green")]  # AMBER withheld from trust 1
    row = next(audit.rows(action="object.served"))
    assert row.as_dict()["detail"]["form"] == "hashed"
    assert row.ts is not None and audit.verify().ok
    # what was served in the hashed form is the hashed indicator, not the raw URL
    served_obj = coll(server, "newsroom").get_object(green["id"])["objects"][0]
    assert "https://example.org/41" not in json.dumps(served_obj)
    assert served_obj["pattern"] == (
        f"[url:x_vigie_sha256 = '{hash_value('https://example.org/41')}']"
    )


CLEAR_URL = "https://leak.example/files?id=it's"  # a quote, escaped in the pattern
OTHER_URL = "https://news.example/article-1"


def partner_objects() -> list[dict[str, Any]]:
    """What a partner may add: a URL indicator, a URL and an account observable (also
    embedded in an observed-data), an account-id indicator, a note quoting a URL."""
    marking = {"object_marking_refs": [TLP.GREEN.stix_id]}
    stamp = {"created": "2026-01-01T00:00:00.000Z", "modified": "2026-01-01T00:00:00.000Z"}
    escaped = CLEAR_URL.replace("'", "\\'")
    return [
        indicator(
            70,
            pattern=f"[url:value = '{escaped}']",
            name=f"pushed link {CLEAR_URL}",
            description=f"Seen at {OTHER_URL}.",
        ),
        indicator(
            71,
            pattern="[user-account:user_id = '9876543210' AND "
            "user-account:account_type = 'twitter']",
            description="Posts by account 9876543210.",
        ),
        {
            "type": "url",
            "spec_version": "2.1",
            "id": f"url--{uuid.UUID(int=72, version=4)}",
            "value": OTHER_URL,
            **marking,
        },
        {
            "type": "user-account",
            "spec_version": "2.1",
            "id": f"user-account--{uuid.UUID(int=73, version=4)}",
            "user_id": "9876543210",
            "account_type": "twitter",
            "account_login": "troll_farm_42",
            "display_name": "Troll Farm",
            **marking,
        },
        {
            "type": "observed-data",
            "spec_version": "2.1",
            "id": f"observed-data--{uuid.UUID(int=74, version=4)}",
            **stamp,
            "first_observed": "2026-01-01T00:00:00Z",
            "last_observed": "2026-01-01T00:00:00Z",
            "number_observed": 1,
            "objects": {"0": {"type": "url", "value": CLEAR_URL}},
            **marking,
        },
        {
            "type": "note",
            "spec_version": "2.1",
            "id": f"note--{uuid.UUID(int=75, version=4)}",
            **stamp,
            "content": f"Coordinated push of {OTHER_URL}.",
            "object_refs": [f"indicator--{uuid.UUID(int=70, version=4)}"],
            **marking,
        },
    ]


@pytest.mark.filterwarnings("ignore:The 'objects' property of observed-data is deprecated")
def test_hashed_reader_never_gets_clear_urls_or_account_ids(server: dict[str, Any]) -> None:
    objects = partner_objects()
    status = coll(server, "state").add_objects({"objects": objects})
    assert status.success_count == len(objects)
    clear = (CLEAR_URL, "leak.example", OTHER_URL, "news.example", "9876543210")
    handles = ("troll_farm_42", "Troll Farm")

    full = {o["id"]: o for o in coll(server, "state").get_objects()["objects"]}
    assert full == {o["id"]: o for o in objects}  # trust 4: exactly as added

    for user in ("newsroom", "ngo"):  # trust 1 and 2: hashed form
        got = coll(server, user).get_objects()["objects"]
        assert {o["id"] for o in got} == {o["id"] for o in objects}  # ids kept for matching
        text = json.dumps(got, ensure_ascii=False)
        for value in (*clear, *handles):
            assert value not in text, (user, value)
        by_id = {o["id"]: o for o in got}
        url_hash, other_hash = hash_value(CLEAR_URL), hash_value(OTHER_URL)
        account_hash = hash_account("twitter", "9876543210")
        # the same hashes as our own hashed exports (policy.hash_value / hash_account)
        assert by_id[objects[0]["id"]]["pattern"] == f"[url:x_vigie_sha256 = '{url_hash}']"
        assert by_id[objects[0]["id"]]["description"] == f"Seen at sha256 {other_hash}."
        assert by_id[objects[0]["id"]]["name"] == f"pushed link sha256 {url_hash}"
        assert by_id[objects[1]["id"]]["pattern"] == (
            f"[user-account:user_id = '{account_hash}' AND user-account:account_type = 'twitter']"
        )
        assert by_id[objects[1]["id"]]["description"] == f"Posts by account sha256 {account_hash}."
        assert by_id[objects[2]["id"]]["x_vigie_sha256"] == other_hash
        account = by_id[objects[3]["id"]]
        assert account["user_id"] == account_hash and account["x_vigie_hashed"] == ["user_id"]
        assert "account_login" not in account and "display_name" not in account
        assert by_id[objects[4]["id"]]["objects"]["0"]["x_vigie_sha256"] == url_hash
        assert by_id[objects[5]["id"]]["content"] == f"Coordinated push of sha256 {other_hash}."


ACCEPT = {"Accept": "application/taxii+json;version=2.1"}
POST = {**ACCEPT, "Content-Type": "application/taxii+json;version=2.1"}


def test_partner_cannot_version_another_partners_object(server: dict[str, Any]) -> None:
    original = indicator(60, TLP.GREEN)
    assert coll(server, "state").add_objects({"objects": [original]}).success_count == 1
    forged = indicator(60, TLP.GREEN, modified="2027-01-01T00:00:00.000Z", name="forged")
    status = coll(server, "ngo").add_objects({"objects": [forged]})
    assert (status.success_count, status.failure_count) == (0, 1)
    assert "another partner" in status.failures[0]["message"]
    # the same partner through its named-recipient credential may version it
    newer = indicator(60, TLP.GREEN, modified="2026-06-01T00:00:00.000Z", name="newer")
    assert coll(server, "state/alice@example.gouv").add_objects({"objects": [newer]}).success_count
    assert coll(server, "newsroom").get_object(original["id"])["objects"][0]["name"] == "newer"


def test_toml_configuration(tmp_path: Path) -> None:
    toml = tmp_path / "server.toml"
    toml.write_text(
        'db_url = "sqlite:///t.db"\n'
        'partners = "partners.yaml"\n'
        '[[api_roots]]\nname = "community"\n'
        '[[api_roots.collections]]\nname = "shared"\nmax_tlp = "GREEN"\n',
        "utf-8",
    )
    cfg = load_config(toml)
    assert cfg.api_roots[0].collections[0].max_tlp is TLP.GREEN
    assert cfg.resolved_db_url() == f"sqlite:///{tmp_path / 't.db'}"
    assert cfg.partners_path() == tmp_path / "partners.yaml"


def test_content_negotiation(server: dict[str, Any]) -> None:
    url = f"{server['url']}/community/collections/{server['shared']}/objects/"
    auth = ("ngo", PW["ngo"])
    r = requests.get(url, auth=auth, headers={"Accept": "application/taxii+json;version=2.0"})
    assert r.status_code == 406 and r.headers["Content-Type"].startswith("application/taxii+json")
    assert "version=2.1" in r.json()["description"]
    assert requests.get(url, auth=auth, headers={"Accept": "text/html"}).status_code == 406
    assert requests.get(url, auth=auth, headers={"Accept": "*/*"}).status_code == 200
    env = {"objects": [indicator(1)]}
    r = requests.post(url, auth=("state", PW["state"]), json=env, headers=ACCEPT)
    assert r.status_code == 415  # application/json is not the TAXII media type


def test_malformed_envelopes_name_index_and_field(server: dict[str, Any]) -> None:
    url = f"{server['url']}/community/collections/{server['shared']}/objects/"
    auth = ("state", PW["state"])
    r = requests.post(url, auth=auth, data=b"{not json", headers=POST)
    assert r.status_code == 400 and "not valid JSON" in r.json()["description"]
    r = requests.post(url, auth=auth, json=[indicator(1)], headers=POST)
    assert r.status_code == 400 and '{"objects"' in r.json()["description"]

    bad_id = indicator(2, id="indicator--not-a-uuid")
    no_spec = {k: v for k, v in indicator(3).items() if k != "spec_version"}
    bad_pattern = indicator(4, valid_from="yesterday")
    # stix2 itself raised on these two (UnboundLocalError, AttributeError): a 500 before
    empty_pattern = indicator(5, pattern="")
    bad_extensions = indicator(6, extensions="x")
    env = {"objects": [indicator(1), bad_id, no_spec, bad_pattern, empty_pattern, bad_extensions]}
    r = requests.post(url, auth=auth, json=env, headers=POST)
    assert r.status_code == 422
    problems = r.json()["details"]["problems"]
    assert problems[0].startswith("objects[1].id:")
    assert problems[1].startswith("objects[2].spec_version: missing")
    assert problems[2].startswith("objects[3]") and "valid_from" in problems[2]
    assert problems[3].startswith("objects[4]") and problems[4].startswith("objects[5]")
    # all or nothing: the valid object was not stored either
    assert coll(server, "state").get_objects().get("objects") is None
    refused = list(AuditLog(server["state"].store).rows(action="bundle.refused"))
    assert len(refused) == 1 and refused[0].actor == "state"


def test_marking_above_collection_limit_is_a_failure(server: dict[str, Any]) -> None:
    public = coll(server, "state", name="public")
    status = public.add_objects({"objects": [indicator(1, TLP.GREEN), indicator(2, TLP.AMBER)]})
    assert (status.success_count, status.failure_count) == (1, 1)
    failure = status.failures[0]
    assert failure["id"] == indicator(2)["id"] and "TLP:GREEN" in failure["message"]
    assert [o["id"] for o in public.get_objects()["objects"]] == [indicator(1)["id"]]
    refused = list(AuditLog(server["state"].store).rows(action="object.refused"))
    assert [(r.object_id, r.marking) for r in refused] == [(indicator(2)["id"], "amber")]


def test_write_permission_and_size_limit(server: dict[str, Any]) -> None:
    url = server["url"]
    # trust-3 collection writable only at trust 4 in this config: ngo cannot even see it,
    # and the read-only collection refuses writes with 403
    ro = f"{url}/community/collections/{server['readonly']}/objects/"
    r = requests.post(
        ro, auth=("state", PW["state"]), json={"objects": [indicator(1)]}, headers=POST
    )
    assert r.status_code == 403
    assert not coll(server, "state", name="readonly").can_write
    big = b'{"objects": [' + b" " * (server["state"].config.max_content_length + 1) + b"]}"
    shared = f"{url}/community/collections/{server['shared']}/objects/"
    r = requests.post(shared, auth=("state", PW["state"]), data=big, headers=POST)
    assert r.status_code == 413 and r.json()["http_status"] == "413"


def test_rate_limit_answers_429_with_retry_after(tmp_path: Path) -> None:
    config = parse_config(
        {**CONFIG, "rate_limit": {"requests_per_second": 0.01, "burst": 3}}, base_dir=tmp_path
    )
    state = build_state(config, parse_partners(REGISTRY))
    set_password(state.store, "ngo", PW["ngo"], hasher=CHEAP)
    with BackgroundServer(create_app(state)) as url:
        codes = [
            requests.get(f"{url}/taxii2/", auth=("ngo", PW["ngo"]), headers=ACCEPT)
            for _ in range(4)
        ]
    assert [r.status_code for r in codes] == [200, 200, 200, 429]
    assert int(codes[-1].headers["Retry-After"]) >= 1
    state.store.dispose()


def test_repeated_failures_lock_the_account_at_this_address(server: dict[str, Any]) -> None:
    url = f"{server['url']}/taxii2/"
    codes = [requests.get(url, auth=("ngo", f"guess-{i}"), headers=ACCEPT) for i in range(7)]
    assert [r.status_code for r in codes] == [401] * 5 + [429] * 2
    assert int(codes[-1].headers["Retry-After"]) >= 1
    # while locked out, even the right password is not checked for this account and address
    assert requests.get(url, auth=("ngo", PW["ngo"]), headers=ACCEPT).status_code == 429
    # another partner behind the same address is not locked out
    assert requests.get(url, auth=("state", PW["state"]), headers=ACCEPT).status_code == 200
    refused = list(AuditLog(server["state"].store).rows(action="auth.refused"))
    assert len(refused) == 5  # a flood does not flood the audit log
