"""The partners registry: who we share with, how far we trust them, what they may receive.

Why a registry file rather than flags: sharing decisions must be reviewable before anything
leaves the house. One YAML file, kept under change control, says for each ally its sector,
its trust level and the highest TLP it may receive; the policy (``vigie.share.policy``)
reads only this file, so an audit can replay every decision from it.

File format (``partners.yaml``; an example ships as ``vigie/share/data/partners.example.yaml``)::

    producer:                      # optional: who we are (STIX identity, MISP org)
      name: CERT-Elections
      contact: cert@example.org
    partners:
      - name: viginum              # unique key, used by --partner (case-insensitive)
        organisation: VIGINUM (SGDSN)      # optional display name
        sector: state              # state | platform | ngo | media | campaign | company
        trust: 4                   # 1..4, the EBIOS RM stakeholder trust scale
        max_tlp: RED               # highest TLP 2.0 level it may ever receive
        red_recipients: [analyst.a@example.gouv.fr]   # named people for TLP:RED
        contact: soc@example.gouv.fr                  # optional
        misp_sharing_group: elections-fr              # optional MISP sharing group name
        x_anything: ...            # keys starting with x_ are kept, unvalidated, in .extra

Trust follows EBIOS RM's 1–4 scale for stakeholders (1 = low: little known, unproven;
2 = moderate; 3 = high: proven relationship, sound practices; 4 = very high: long-standing,
vetted, with named contacts).

Errors name the file and the exact path of the bad value, e.g.
``partners.yaml: partners[2].trust: 7 is outside 1..4`` (indices count from 0); every
problem in the file is reported at once.

Public API (stable; the TAXII/audit half of ``vigie.share`` imports it):

- ``Sector`` (``StrEnum``), ``Partner`` (frozen dataclass: ``name``, ``sector``, ``trust``,
  ``max_tlp``, ``red_recipients``, ``contact``, ``organisation``, ``misp_sharing_group``,
  ``extra``; ``partner.key`` is the case-folded name), ``Producer``.
- ``Registry`` (frozen): ``.partners``, ``.producer``, ``.source``; ``.get(name)`` raises a
  ``VigieError`` listing the known names; ``.find(name)`` returns ``None``; iterable, ``len``,
  ``in``.
- ``parse_partners(data, source=…)`` validates an already-loaded mapping;
  ``load_partners(path=None)`` reads a YAML file (``None``: see ``resolve_partners_path``);
  ``resolve_partners_path(path)`` → explicit path, else ``$VIGIE_PARTNERS``, else
  ``./partners.yaml``, else the shipped example (``is_example_path`` tells which);
  ``example_warning(path, given_as=…)`` → the warning to show when that resolves to the
  shipped example, worded after how it was reached (``None`` otherwise).
- ``example_partners_path()`` — the shipped example file.
- ``PartnersError`` — the ``InputError`` raised for an invalid file.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, ClassVar

from pydantic import BeforeValidator, model_validator

from vigie.docload import DocModel, DocProblem, DocumentError, read_document, validate
from vigie.errors import VigieError
from vigie.share.tlp import TLP

PARTNERS_ENV = "VIGIE_PARTNERS"
"""Environment variable naming the registry file when ``--partners`` is not given."""

TRUST_MIN, TRUST_MAX = 1, 4


class Sector(StrEnum):
    """The kinds of allies an election protection team shares with."""

    STATE = "state"
    PLATFORM = "platform"
    NGO = "ngo"
    MEDIA = "media"
    CAMPAIGN = "campaign"
    COMPANY = "company"


@dataclass(frozen=True)
class Partner:
    """One ally in the registry."""

    name: str
    sector: Sector
    trust: int
    max_tlp: TLP
    red_recipients: tuple[str, ...] = ()
    contact: str | None = None
    organisation: str | None = None
    misp_sharing_group: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict, hash=False, compare=False)

    @property
    def key(self) -> str:
        """The case-folded name, used for look-ups."""
        return self.name.casefold()

    @property
    def display_name(self) -> str:
        return self.organisation or self.name


@dataclass(frozen=True)
class Producer:
    """Who we are, as shown to partners (STIX identity, MISP organisation)."""

    name: str = "vigie"
    contact: str | None = None


@dataclass(frozen=True)
class Registry:
    """A validated partners registry."""

    partners: tuple[Partner, ...]
    producer: Producer = Producer()
    source: str = "<partners>"

    def find(self, name: str) -> Partner | None:
        key = name.strip().casefold()
        for p in self.partners:
            if p.key == key:
                return p
        return None

    def get(self, name: str) -> Partner:
        """The partner called ``name`` (case-insensitive), or a clear error."""
        p = self.find(name)
        if p is None:
            from vigie.suggest import did_you_mean

            known = ", ".join(self.names()) or "none"
            hint = did_you_mean(name, self.names())
            raise VigieError(
                f"{self.source}: no partner named {name!r}{'; ' + hint if hint else ''} "
                f"(known: {known})"
            )
        return p

    def names(self) -> list[str]:
        return [p.name for p in self.partners]

    def __iter__(self) -> Iterator[Partner]:
        return iter(self.partners)

    def __len__(self) -> int:
        return len(self.partners)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self.find(name) is not None


class PartnersError(DocumentError):
    """An invalid partners registry; the message lists every problem with its path."""


# --- the file's schema (validated by ``vigie.docload``) -----------------------------------------


def _text(value: Any) -> str:
    if value is None:
        raise DocProblem("missing (required)")
    if not isinstance(value, str) or not value.strip():
        raise DocProblem(f"expected a non-empty text, got {value!r}")
    return value.strip()


def _opt_text(value: Any) -> str | None:
    return None if value is None else _text(value)


def _sector(value: Any) -> Sector:
    if value is None:
        raise DocProblem("missing (required)")
    try:
        return Sector(str(value).strip().lower())
    except ValueError:
        allowed = " / ".join(s.value for s in Sector)
        raise DocProblem(f"{value!r} is not one of {allowed}") from None


def _trust(value: Any) -> int:
    if value is None:
        raise DocProblem("missing (required)")
    if isinstance(value, bool) or not isinstance(value, int):
        raise DocProblem(f"{value!r} is not a whole number")
    if not TRUST_MIN <= value <= TRUST_MAX:
        raise DocProblem(f"{value} is outside {TRUST_MIN}..{TRUST_MAX}")
    return value


def _max_tlp(value: Any) -> TLP:
    if value is None:
        raise DocProblem("missing (required)")
    try:
        return TLP.parse(str(value))
    except VigieError as exc:
        raise DocProblem(str(exc)) from None


def _recipients(value: Any) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise DocProblem(f"expected a list of names, got {value!r}")
    return value


Text = Annotated[str, BeforeValidator(_text)]
OptText = Annotated[str | None, BeforeValidator(_opt_text)]


def _keep_x_keys(data: Any) -> Any:
    """Move ``x_*`` keys (kept unvalidated) into ``x_keys``."""
    if not isinstance(data, Mapping):
        return data
    out = {k: v for k, v in data.items() if not (isinstance(k, str) and k.startswith("x_"))}
    out["x_keys"] = {k: v for k, v in data.items() if isinstance(k, str) and k.startswith("x_")}
    return out


class PartnerDoc(DocModel):
    """One entry of ``partners:`` as written in the file."""

    allow_x_keys: ClassVar[bool] = True

    name: Annotated[str, BeforeValidator(_text)]
    organisation: OptText = None
    sector: Annotated[Sector, BeforeValidator(_sector)]
    trust: Annotated[int, BeforeValidator(_trust)]
    max_tlp: Annotated[TLP, BeforeValidator(_max_tlp)]
    red_recipients: Annotated[list[Text], BeforeValidator(_recipients)] = []
    contact: OptText = None
    misp_sharing_group: OptText = None
    x_keys: dict[str, Any] = {}

    _x = model_validator(mode="before")(_keep_x_keys)

    def partner(self) -> Partner:
        return Partner(
            name=self.name,
            sector=self.sector,
            trust=self.trust,
            max_tlp=self.max_tlp,
            red_recipients=tuple(self.red_recipients),
            contact=self.contact,
            organisation=self.organisation,
            misp_sharing_group=self.misp_sharing_group,
            extra=dict(self.x_keys),
        )


class ProducerDoc(DocModel):
    name: OptText = None
    contact: OptText = None


class RegistryDoc(DocModel):
    """The whole file: ``partners`` (required), ``producer``, and ``x_*`` keys (ignored)."""

    allow_x_keys: ClassVar[bool] = True

    partners: list[PartnerDoc]
    producer: ProducerDoc | None = None
    x_keys: dict[str, Any] = {}

    _x = model_validator(mode="before")(_keep_x_keys)


def _duplicate_names(data: Any) -> list[str]:
    """Names used twice (case-insensitive), read from the raw mapping so that they are
    reported together with every other problem."""
    raw = data.get("partners") if isinstance(data, Mapping) else None
    if not isinstance(raw, list):
        return []
    problems = []
    seen: dict[str, int] = {}
    for i, entry in enumerate(raw):
        name = entry.get("name") if isinstance(entry, Mapping) else None
        if isinstance(name, str) and name.strip():
            key = name.strip().casefold()
            if key in seen:
                problems.append(
                    f"partners[{i}].name: {name.strip()!r} already used by partners[{seen[key]}]"
                )
            else:
                seen[key] = i
    return problems


def parse_partners(data: Any, source: str = "<partners>") -> Registry:
    """Validate a loaded registry mapping; raise ``PartnersError`` listing every problem."""
    if not isinstance(data, Mapping):
        raise PartnersError(source, ["expected a mapping with a 'partners' list at the top"])
    try:
        doc = validate(RegistryDoc, dict(data), source, problems=_duplicate_names(data))
    except DocumentError as exc:
        raise PartnersError(source, exc.problems) from None
    producer = Producer()
    if doc.producer is not None:
        producer = Producer(name=doc.producer.name or "vigie", contact=doc.producer.contact)
    return Registry(
        partners=tuple(p.partner() for p in doc.partners), producer=producer, source=source
    )


def example_partners_path() -> Path:
    """The example registry shipped with vigie (fictional organisations)."""
    return Path(str(resources.files("vigie.share").joinpath("data/partners.example.yaml")))


def is_example_path(path: Path) -> bool:
    return Path(path).resolve() == example_partners_path().resolve()


def resolve_partners_path(path: str | Path | None = None) -> Path:
    """Where to read the registry: ``path``, ``$VIGIE_PARTNERS``, ``./partners.yaml``, else
    the shipped example (callers should say so when they fall back to it)."""
    if path is not None:
        return Path(path)
    env = os.environ.get(PARTNERS_ENV)
    if env:
        return Path(env)
    local = Path("partners.yaml")
    if local.exists():
        return local
    return example_partners_path()


def example_warning(
    path: str | Path | None = None,
    *,
    given_as: str = "--partners",
    hint: str = "Pass --partners or set $VIGIE_PARTNERS.",
) -> str | None:
    """The warning for a registry that resolves to the shipped example, or ``None``.

    Why worded by source: the example names fictional partners, so using it deserves a
    warning, but telling someone who set ``$VIGIE_PARTNERS`` (or ``--partners``) that "no
    registry was given" is false and sends them looking for the wrong mistake. ``given_as``
    names how ``path`` was given (a CLI flag, a config key); ``hint`` says how to give one.
    """
    resolved = resolve_partners_path(path)
    if not is_example_path(resolved):
        return None
    if path is not None:
        source = given_as
    elif os.environ.get(PARTNERS_ENV):
        source = f"${PARTNERS_ENV}"
    else:
        return (
            f"no partners registry given (no {given_as}, ${PARTNERS_ENV} unset, no "
            f"./partners.yaml): using the shipped example (fictional partners). {hint}"
        )
    return (
        f"{source} names the shipped example registry (fictional partners); copy it and "
        "edit it before sharing with real partners."
    )


def load_partners(path: str | Path | None = None) -> Registry:
    """Read and validate a partners YAML file (see the module docstring for the format)."""
    p = resolve_partners_path(path)
    return parse_partners(read_document(p, what="partners registry", fmt="yaml"), str(p))
