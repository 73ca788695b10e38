"""The TAXII server's configuration file (YAML or TOML) and its validation.

Why a file: which collections exist, who may read or write them and how hard the server
defends itself are decisions to review and keep under change control, like the partners
registry itself. An example ships as ``vigie/share/taxii/server.example.yaml``
(``vigie share serve --print-example``).

Paths in the file (partners registry, SQLite database, comparison items) are relative to the
file's own folder. Every problem is reported at once with its location, e.g.
``server.yaml: api_roots[0].collections[1].max_tlp: 'PURPLE' is not a TLP 2.0 level``.
"""

from __future__ import annotations

import uuid
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from vigie.docload import DocModel, read_document, validate
from vigie.errors import InputError, VigieError
from vigie.share.tlp import TLP

DEFAULT_MAX_CONTENT_LENGTH = 10 * 1024 * 1024
COLLECTION_NAMESPACE = uuid.UUID("5c0d1a8e-7f2b-4e55-9a43-6b1f0c9d2e71")
"""Namespace of the uuid5 given to a collection declared without an ``id``."""


_Strict = DocModel
"""Unknown keys refused, numbers finite, values frozen (see ``vigie.docload``)."""


def _tlp(value: Any) -> TLP:
    return value if isinstance(value, TLP) else TLP.parse(str(value))


class CollectionConfig(_Strict):
    """One TAXII collection: who may see it (``min_trust``), the most restrictive marking it
    may hold (``max_tlp``), whether partners may add to it, and the marking assumed for
    objects that arrive without a TLP marking (``default_tlp``, see ``intake_tlp``)."""

    name: str = Field(min_length=1, max_length=100)
    id: str | None = None
    title: str | None = None
    description: str | None = None
    min_trust: int = Field(1, ge=1, le=4)
    max_tlp: TLP = TLP.AMBER
    default_tlp: TLP | None = None
    can_write: bool = True
    write_min_trust: int | None = Field(None, ge=1, le=4)

    @property
    def intake_tlp(self) -> TLP:
        """Marking assumed for objects received unmarked: ``default_tlp``, else AMBER capped
        at ``max_tlp`` (the TLP 2.0 advice for unmarked sensitive data, within the limit)."""
        if self.default_tlp is not None:
            return self.default_tlp
        return min(TLP.AMBER, self.max_tlp)

    @model_validator(mode="after")
    def _default_within_max(self) -> CollectionConfig:
        # checked here, not after the whole file, so it is reported with any other error
        if self.default_tlp is not None and self.default_tlp > self.max_tlp:
            raise ValueError(
                f"default_tlp {self.default_tlp.label} is above max_tlp {self.max_tlp.label}"
            )
        return self

    @field_validator("max_tlp", "default_tlp", mode="before")
    @classmethod
    def _parse_tlp(cls, value: Any) -> TLP | None:
        if value is None:
            return None
        try:
            return _tlp(value)
        except VigieError as exc:  # pydantic reports ValueError with the field's location
            raise ValueError(str(exc)) from None


class ApiRootConfig(_Strict):
    """One API root (``/{name}/``), typically one per trust group."""

    name: str = Field(pattern=r"^[A-Za-z0-9_-]{1,50}$")
    title: str | None = None
    description: str | None = None
    min_trust: int = Field(1, ge=1, le=4)
    collections: list[CollectionConfig] = Field(default_factory=list)


class RateConfig(_Strict):
    """Token bucket per partner (and per client address before authentication)."""

    requests_per_second: float = Field(10.0, gt=0)
    burst: int = Field(50, ge=1)


class GuardConfig(_Strict):
    """Defences of the server itself (availability and authentication).

    ``trusted_proxies``: addresses or networks of reverse proxies whose ``X-Forwarded-For``
    is believed; from anyone else the header is ignored (a client could otherwise pick the
    address the throttle and the audit log see). ``max_connections``: concurrent connections
    served (more get 503). ``body_timeout_s``: the longest a request body may take to arrive
    (slow-body attacks get 408). ``keep_alive_s``: idle keep-alive connections are closed
    after this. ``lockout_*``: failed logins per (account, address) before back-off, its
    first wait and its cap. ``address_failures_*``: a brake on failures per address for
    pairs not recently successful (it never blocks an analyst who logged in recently).
    """

    trusted_proxies: list[str] = Field(default_factory=list)
    max_connections: int = Field(200, ge=1)
    body_timeout_s: float = Field(30.0, gt=0)
    keep_alive_s: float = Field(5.0, gt=0)
    lockout_threshold: int = Field(5, ge=1)
    lockout_base_s: float = Field(2.0, gt=0)
    lockout_max_s: float = Field(900.0, gt=0)
    address_failures_per_second: float = Field(0.5, gt=0)
    address_failures_burst: int = Field(30, ge=1)

    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, value: list[str]) -> list[str]:
        import ipaddress

        for v in value:
            try:
                ipaddress.ip_network(v, strict=False)
            except ValueError:
                raise ValueError(f"{v!r} is not an IP address or network") from None
        return value


class CompareConfig(_Strict):
    """Private comparison: what we compare, whether we consent to reveal items, and limits."""

    items: str | None = None
    min_trust: int = Field(1, ge=1, le=4)
    reveal: bool = False
    backend: Literal["auto", "ecdh", "keyed"] = "auto"
    key_env: str = "VIGIE_PSI_KEY"
    max_items: int = Field(100_000, ge=1)
    min_bucket: int = Field(64, ge=1)
    per_hour: float = Field(6.0, gt=0)
    burst: int = Field(3, ge=1)
    # elements compared per partner and period (each is one candidate probed)
    budget_elements: int = Field(65_536, ge=1)
    budget_period_h: float = Field(24.0, gt=0)


class ServerConfig(_Strict):
    """The whole server configuration (see ``server.example.yaml``)."""

    title: str = "vigie TAXII 2.1 server"
    description: str | None = None
    contact: str | None = None
    partners: str | None = None
    db_url: str = "sqlite:///vigie-share.db"
    max_content_length: int = Field(DEFAULT_MAX_CONTENT_LENGTH, ge=1024)
    page_size: int = Field(100, ge=1, le=10_000)
    rate_limit: RateConfig = RateConfig()
    api_roots: list[ApiRootConfig] = Field(min_length=1)
    compare: CompareConfig = CompareConfig()
    guard: GuardConfig = GuardConfig()
    checkpoint_key: str | None = None
    base_dir: str = "."

    def partners_path(self) -> Path | None:
        return None if self.partners is None else _resolve(self.base_dir, self.partners)

    def checkpoint_key_path(self) -> Path | None:
        """The key file signing audit checkpoints (``vigie share audit checkpoint``)."""
        key = self.checkpoint_key
        return None if key is None else _resolve(self.base_dir, key)

    def compare_items_path(self) -> Path | None:
        items = self.compare.items
        return None if items is None else _resolve(self.base_dir, items)

    def resolved_db_url(self) -> str:
        """Relative SQLite paths are taken from the config file's folder."""
        prefix = "sqlite:///"
        url = self.db_url
        if url.startswith(prefix) and not url.startswith(prefix + "/") and url != prefix:
            rest = url[len(prefix) :]
            if rest and rest != ":memory:":
                return prefix + str(_resolve(self.base_dir, rest))
        return url


def _resolve(base: str, p: str) -> Path:
    path = Path(p).expanduser()
    return path if path.is_absolute() else Path(base) / path


def collection_id(root: str, coll: CollectionConfig) -> str:
    """The collection's TAXII id: its configured ``id`` or a stable uuid5 of root/name."""
    return coll.id or str(uuid.uuid5(COLLECTION_NAMESPACE, f"{root}/{coll.name}"))


RESERVED_ROOTS = ("taxii2", "compare")
"""Path segments the server uses itself (discovery, private comparison)."""


def _root_name_problems(data: dict[str, Any]) -> list[str]:
    """Reserved and duplicate API root names, read from the raw mapping.

    Why from the raw data: these checks do not need the rest of the file to be valid, so they
    are reported together with any schema error instead of only on the next run.
    """
    roots = data.get("api_roots")
    if not isinstance(roots, list):
        return []
    problems = []
    seen: set[str] = set()
    for i, root in enumerate(roots):
        name = root.get("name") if isinstance(root, dict) else None
        if not isinstance(name, str):
            continue
        if name in RESERVED_ROOTS:
            problems.append(f"api_roots[{i}].name: {name!r} is reserved")
        if name in seen:
            problems.append(f"api_roots[{i}].name: {name!r} used twice")
        seen.add(name)
    return problems


def parse_config(data: Any, source: str = "<config>", base_dir: str | Path = ".") -> ServerConfig:
    """Validate a loaded mapping; raise ``InputError`` naming the file and every problem
    (schema errors and the checks across fields, all in one message)."""
    if not isinstance(data, dict):
        raise InputError("expected a mapping at the top of the file", file=source)
    cfg = validate(
        ServerConfig,
        {**data, "base_dir": str(base_dir)},
        source,
        problems=_root_name_problems(data),
    )
    problems: list[str] = []
    seen_colls: dict[str, str] = {}
    for i, root in enumerate(cfg.api_roots):
        for j, coll in enumerate(root.collections):
            cid = collection_id(root.name, coll)
            where = f"api_roots[{i}].collections[{j}]"
            if cid in seen_colls:
                problems.append(f"{where}: collection id {cid} already used by {seen_colls[cid]}")
            seen_colls[cid] = where
    if problems:
        raise InputError("; ".join(problems), file=source)
    return cfg


def load_config(path: str | Path) -> ServerConfig:
    """Read a YAML (``.yaml``/``.yml``) or TOML (``.toml``) server configuration."""
    p = Path(path)
    data = read_document(p, what="server configuration")
    return parse_config(data, source=str(p), base_dir=p.resolve().parent)


def example_config_path() -> Path:
    """The example configuration shipped with vigie."""
    return Path(str(resources.files("vigie.share.taxii").joinpath("server.example.yaml")))
