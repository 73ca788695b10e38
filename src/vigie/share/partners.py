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
from typing import Any

import yaml

from vigie.errors import InputError, VigieError
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
            known = ", ".join(self.names()) or "none"
            raise VigieError(f"{self.source}: no partner named {name!r} (known: {known})")
        return p

    def names(self) -> list[str]:
        return [p.name for p in self.partners]

    def __iter__(self) -> Iterator[Partner]:
        return iter(self.partners)

    def __len__(self) -> int:
        return len(self.partners)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self.find(name) is not None


class PartnersError(InputError):
    """An invalid partners registry; the message lists every problem with its path."""

    def __init__(self, source: str, problems: list[str]) -> None:
        super().__init__("; ".join(problems), file=source)
        self.problems = problems
        self.args = (f"{source}: " + "; ".join(problems),)


_FIELDS = {
    "name",
    "organisation",
    "sector",
    "trust",
    "max_tlp",
    "red_recipients",
    "contact",
    "misp_sharing_group",
}
_REQUIRED = ("name", "sector", "trust", "max_tlp")


def _opt_str(value: Any, where: str, problems: list[str]) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        problems.append(f"{where}: expected a non-empty text, got {value!r}")
        return None
    return value.strip()


def _parse_partner(raw: Any, where: str, problems: list[str]) -> Partner | None:
    if not isinstance(raw, Mapping):
        problems.append(f"{where}: expected a mapping of fields, got {type(raw).__name__}")
        return None
    n_before = len(problems)
    for key in raw:
        if not isinstance(key, str) or (key not in _FIELDS and not key.startswith("x_")):
            allowed = ", ".join(sorted(_FIELDS))
            problems.append(f"{where}.{key}: unknown field (allowed: {allowed}, or x_*)")
    for key in _REQUIRED:
        if raw.get(key) is None:
            problems.append(f"{where}.{key}: missing (required)")

    name = _opt_str(raw.get("name"), f"{where}.name", problems)

    sector = None
    if raw.get("sector") is not None:
        try:
            sector = Sector(str(raw["sector"]).strip().lower())
        except ValueError:
            allowed = " / ".join(s.value for s in Sector)
            problems.append(f"{where}.sector: {raw['sector']!r} is not one of {allowed}")

    trust = raw.get("trust")
    if trust is not None:
        if isinstance(trust, bool) or not isinstance(trust, int):
            problems.append(f"{where}.trust: {trust!r} is not a whole number")
            trust = None
        elif not TRUST_MIN <= trust <= TRUST_MAX:
            problems.append(f"{where}.trust: {trust} is outside {TRUST_MIN}..{TRUST_MAX}")
            trust = None

    max_tlp = None
    if raw.get("max_tlp") is not None:
        try:
            max_tlp = TLP.parse(str(raw["max_tlp"]))
        except VigieError as exc:
            problems.append(f"{where}.max_tlp: {exc}")

    recipients: list[str] = []
    rr = raw.get("red_recipients")
    if rr is not None:
        if not isinstance(rr, list):
            problems.append(f"{where}.red_recipients: expected a list of names, got {rr!r}")
        else:
            for i, r in enumerate(rr):
                s = _opt_str(r, f"{where}.red_recipients[{i}]", problems)
                if s is not None:
                    recipients.append(s)

    contact = _opt_str(raw.get("contact"), f"{where}.contact", problems)
    organisation = _opt_str(raw.get("organisation"), f"{where}.organisation", problems)
    group = _opt_str(raw.get("misp_sharing_group"), f"{where}.misp_sharing_group", problems)

    if len(problems) > n_before:
        return None
    assert name is not None and sector is not None and trust is not None and max_tlp is not None
    return Partner(
        name=name,
        sector=sector,
        trust=trust,
        max_tlp=max_tlp,
        red_recipients=tuple(recipients),
        contact=contact,
        organisation=organisation,
        misp_sharing_group=group,
        extra={k: v for k, v in raw.items() if isinstance(k, str) and k.startswith("x_")},
    )


def parse_partners(data: Any, source: str = "<partners>") -> Registry:
    """Validate a loaded registry mapping; raise ``PartnersError`` listing every problem."""
    problems: list[str] = []
    if not isinstance(data, Mapping):
        raise PartnersError(source, ["expected a mapping with a 'partners' list at the top"])
    for key in data:
        if key not in ("partners", "producer") and not str(key).startswith("x_"):
            problems.append(f"{key}: unknown top-level key (allowed: partners, producer)")
    producer = Producer()
    if data.get("producer") is not None:
        raw = data["producer"]
        if not isinstance(raw, Mapping):
            problems.append("producer: expected a mapping with name and contact")
        else:
            for key in raw:
                if key not in ("name", "contact"):
                    problems.append(f"producer.{key}: unknown field (allowed: name, contact)")
            pname = _opt_str(raw.get("name"), "producer.name", problems)
            pcontact = _opt_str(raw.get("contact"), "producer.contact", problems)
            producer = Producer(name=pname or "vigie", contact=pcontact)
    raw_partners = data.get("partners")
    partners: list[Partner] = []
    if raw_partners is None:
        problems.append("partners: missing (a list of partners is required)")
    elif not isinstance(raw_partners, list):
        problems.append(f"partners: expected a list, got {type(raw_partners).__name__}")
    else:
        seen: dict[str, int] = {}
        for i, raw in enumerate(raw_partners):
            p = _parse_partner(raw, f"partners[{i}]", problems)
            name = raw.get("name") if isinstance(raw, Mapping) else None
            if isinstance(name, str) and name.strip():
                key = name.strip().casefold()
                if key in seen:
                    problems.append(
                        f"partners[{i}].name: {name.strip()!r} already used by "
                        f"partners[{seen[key]}]"
                    )
                    continue
                seen[key] = i
            if p is not None:
                partners.append(p)
    if problems:
        raise PartnersError(source, problems)
    return Registry(partners=tuple(partners), producer=producer, source=source)


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
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise VigieError(f"{p}: partners registry not found") from None
    except OSError as exc:
        raise VigieError(f"{p}: cannot read the partners registry ({exc})") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" at line {mark.line + 1}" if mark is not None else ""
        raise InputError(f"not valid YAML{line} ({exc})", file=str(p)) from None
    return parse_partners(data, source=str(p))
