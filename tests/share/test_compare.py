"""Private comparison between two vigie instances on loopback, with known overlaps."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from hypothesis import given, settings
from hypothesis import strategies as st

from vigie.errors import VigieError
from vigie.share import compare as cmp
from vigie.share.audit import AuditLog
from vigie.share.compare import CompareService, compare_with_peer
from vigie.share.partners import parse_partners
from vigie.share.psi import ecdh
from vigie.share.psi.canon import canonical, canonical_set, load_items
from vigie.share.psi.padding import bucket_size, pad
from vigie.share.taxii.app import build_state, create_app
from vigie.share.taxii.auth import set_password
from vigie.share.taxii.config import parse_config
from vigie.share.taxii.server import BackgroundServer

CHEAP = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
KEY = "correct horse battery staple 42"

# what each side holds; the overlap is known: 4 identifiers, written differently on each side
SIDE_A = [
    "CVE-2024-3094",
    "cwe-79",
    "nginx:nginx:1.25.3",
    "https://www.Example.org/fake-news?utm_source=x",
    "CVE-2023-0001",
    "198.51.100.7",
]
SIDE_B = [
    "cve-2024-3094",
    "CWE_079",
    "cpe:2.3:a:nginx:nginx:1.25.3:*:*:*:*:*:*:*",
    "example.org/fake-news",
    "CVE-2022-9999",
    "t0049.003",
]
OVERLAP = sorted(
    canonical(v)
    for v in ("CVE-2024-3094", "CWE-79", "nginx:nginx:1.25.3", "https://example.org/fake-news")
)

REGISTRY = parse_partners(
    {
        "partners": [
            {"name": "alpha", "sector": "state", "trust": 4, "max_tlp": "RED"},
            {"name": "beta", "sector": "ngo", "trust": 2, "max_tlp": "AMBER"},
        ]
    }
)
PW = {"alpha": "alpha-password-12", "beta": "beta-password-123"}


def items(values: list[str], name: str):
    return canonical_set(list(enumerate(values, start=1)), name)


def instance(tmp: Path, values: list[str], name: str, **service: Any) -> Any:
    """One vigie instance: its own database, credentials and comparison service."""
    config = parse_config(
        {"db_url": f"sqlite:///{name}.db", "api_roots": [{"name": "community"}]}, base_dir=tmp
    )
    state = build_state(config, REGISTRY)
    for user, pw in PW.items():
        set_password(state.store, user, pw, hasher=CHEAP)
    state.compare = CompareService(items(values, name), audit=state.audit, **service)
    return state


@pytest.fixture
def two(tmp_path: Path) -> Iterator[Any]:
    """Factory starting instance A and B on loopback with the given service options."""
    servers: list[BackgroundServer] = []

    def start(a: dict[str, Any] | None = None, b: dict[str, Any] | None = None) -> Any:
        sa = instance(tmp_path, SIDE_A, "a", **(a or {}))
        sb = instance(tmp_path, SIDE_B, "b", **(b or {}))
        out = []
        for state in (sa, sb):
            srv = BackgroundServer(create_app(state, taxii=False))
            servers.append(srv)
            out.append((srv.__enter__(), state))
        return out

    yield start
    for srv in servers:
        srv.__exit__()


def test_canonical_forms_known_answers() -> None:
    assert canonical("cve-2024-3094") == "cve:CVE-2024-3094"
    assert canonical("CWE_079") == "cwe:CWE-79"
    assert canonical("cpe:2.3:a:Apache:HTTP Server:2.4.1:*:*:*:*:*:*:*") == (
        "software:apache:http_server:2.4.1"
    )
    assert canonical("::ffff:198.51.100.7") == canonical("198.51.100.7") == "ip:198.51.100.7"
    assert canonical("Example.ORG.") == "domain:example.org"
    assert canonical("https://www.example.org/a?utm_source=x") == "url:example.org/a"
    assert canonical("just some words") is None
    s = canonical_set([(1, "CVE-2024-1234"), (2, "cve-2024-1234"), (3, "??")], "t")
    assert s.items == ["cve:CVE-2024-1234"] and s.duplicates == 1 and s.skipped == [(3, "??")]


def test_load_items_reports_skipped_lines(tmp_path: Path) -> None:
    f = tmp_path / "items.txt"
    f.write_text("# our weaknesses\nCVE-2024-3094\n\nnot an id\nCWE-79  # xss\n", "utf-8")
    s = load_items(f)
    assert s.items == ["cve:CVE-2024-3094", "cwe:CWE-79"]
    assert s.skipped == [(4, "not an id")]
    with pytest.raises(VigieError, match="record 4"):
        load_items(f, strict=True)


def test_padding_hides_exact_sizes() -> None:
    assert [bucket_size(n, 64) for n in (0, 1, 64, 65, 1000)] == [64, 64, 64, 128, 1024]
    padded = pad(["a", "b"], 8)
    assert len(padded) == 8 and set(padded) >= {"a", "b"}


@pytest.mark.skipif(not ecdh.available(), reason="openmined.psi not installed")
def test_ecdh_size_only_by_default_both_directions(two: Any) -> None:
    (url_a, state_a), (url_b, state_b) = two()
    mine_a, mine_b = items(SIDE_A, "a"), items(SIDE_B, "b")
    ab = compare_with_peer(url_b, mine_a, user="alpha", password=PW["alpha"])
    ba = compare_with_peer(url_a, mine_b, user="beta", password=PW["beta"])
    assert ab.backend == ba.backend == "ecdh"
    assert ab.size == ba.size == len(OVERLAP)
    assert ab.matches is None and ab.peer_padded == 64 and ab.our_padded == 64
    logged = [r.as_dict() for r in AuditLog(state_b.store).rows(action="compare.answered")]
    assert [(r["actor"], r["detail"]["reveal"]) for r in logged] == [("alpha", False)]


@pytest.mark.skipif(not ecdh.available(), reason="openmined.psi not installed")
def test_items_revealed_only_with_both_consents(two: Any) -> None:
    (_, _), (url_b, state_b) = two(b={"reveal": False})
    with pytest.raises(VigieError, match="403"):
        compare_with_peer(
            url_b, items(SIDE_A, "a"), user="alpha", password=PW["alpha"], reveal=True
        )
    refused = list(AuditLog(state_b.store).rows(action="compare.refused"))
    assert refused and refused[0].as_dict()["detail"]["status"] == 403


@pytest.mark.skipif(not ecdh.available(), reason="openmined.psi not installed")
def test_items_revealed_when_both_consent(two: Any) -> None:
    (_, _), (url_b, _) = two(b={"reveal": True})
    res = compare_with_peer(
        url_b, items(SIDE_A, "a"), user="alpha", password=PW["alpha"], reveal=True
    )
    assert res.size == len(OVERLAP) and res.matches == OVERLAP
    # server consents but the asker did not ask: still size only
    res = compare_with_peer(url_b, items(SIDE_A, "a"), user="alpha", password=PW["alpha"])
    assert res.matches is None and res.size == len(OVERLAP)


def test_keyed_fallback_forced_by_env(two: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(cmp.BACKEND_ENV, "keyed")
    key = KEY.encode()
    (_, _), (url_b, _) = two(a={"key": key}, b={"key": key, "reveal": True})
    res = compare_with_peer(url_b, items(SIDE_A, "a"), user="alpha", password=PW["alpha"], key=key)
    assert res.backend == "keyed" and res.size == len(OVERLAP) and res.matches is None
    assert "WEAKER" in res.guarantee
    res = compare_with_peer(
        url_b, items(SIDE_A, "a"), user="alpha", password=PW["alpha"], key=key, reveal=True
    )
    assert res.matches == OVERLAP


def test_keyed_backend_only_when_asked_for_by_name(
    two: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(cmp.BACKEND_ENV, raising=False)
    monkeypatch.setattr(ecdh, "available", lambda: False)
    key = KEY.encode()
    (_, _), (url_b, _) = two(a={"key": key}, b={"key": key})
    with pytest.raises(VigieError, match="WEAKER"):  # never a silent downgrade
        compare_with_peer(url_b, items(SIDE_A, "a"), user="alpha", password=PW["alpha"], key=key)
    res = compare_with_peer(
        url_b, items(SIDE_A, "a"), user="alpha", password=PW["alpha"], key=key, backend="keyed"
    )
    assert res.backend == "keyed" and res.size == len(OVERLAP)
    # a wrong key finds no overlap: digests are keyed
    other = compare_with_peer(
        url_b,
        items(SIDE_A, "a"),
        user="alpha",
        password=PW["alpha"],
        key=b"x" * 32,
        backend="keyed",
    )
    assert other.size == 0


def test_rate_limit_and_authentication(two: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(cmp.BACKEND_ENV, "keyed")
    key = KEY.encode()
    (_, _), (url_b, _) = two(a={"key": key}, b={"key": key, "burst": 2, "per_hour": 1})
    mine = items(SIDE_A, "a")
    for _ in range(2):
        compare_with_peer(url_b, mine, user="alpha", password=PW["alpha"], key=key)
    with pytest.raises(VigieError, match=r"429.*retry after \d+ s"):
        compare_with_peer(url_b, mine, user="alpha", password=PW["alpha"], key=key)
    # another partner has its own bucket
    assert compare_with_peer(url_b, mine, user="beta", password=PW["beta"], key=key).size == 4
    with pytest.raises(VigieError, match="401"):
        compare_with_peer(url_b, mine, user="alpha", password="wrong-password", key=key)


def test_plain_http_to_another_machine_is_refused() -> None:
    with pytest.raises(VigieError, match="in clear"):
        compare_with_peer(
            "http://192.0.2.10:8765", items(SIDE_A, "a"), user="alpha", password="x" * 12
        )


def test_partners_below_min_trust_cannot_compare(two: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(cmp.BACKEND_ENV, "keyed")
    key = KEY.encode()
    (_, _), (url_b, _) = two(a={"key": key}, b={"key": key, "min_trust": 3})
    with pytest.raises(VigieError, match="404"):
        compare_with_peer(url_b, items(SIDE_A, "a"), user="beta", password=PW["beta"], key=key)
    assert compare_with_peer(
        url_b, items(SIDE_A, "a"), user="alpha", password=PW["alpha"], key=key
    ).size == len(OVERLAP)


@settings(max_examples=200, deadline=None)
@given(
    st.one_of(
        st.builds(
            lambda y, n, up: (f"cve-{y}-{n:04d}").upper() if up else f"cve-{y}-{n:04d}",
            st.integers(1999, 2030),
            st.integers(1, 999_999),
            st.booleans(),
        ),
        st.builds(lambda n: f"CWE_{n:03d}", st.integers(1, 2000)),
        st.ip_addresses().map(str),
        st.from_regex(r"[a-z]{1,10}:[a-z0-9_]{1,10}:[0-9.]{1,8}", fullmatch=True),
        st.from_regex(r"https?://(www\.)?[a-z]{1,10}\.(org|fr|de)/[a-z0-9]{0,10}", fullmatch=True),
    )
)
def test_canonical_is_idempotent(value: str) -> None:
    once = canonical(value)
    assert once is not None
    assert canonical(once) == once
