"""The study templates shipped as package data (``vigie/risk/templates/*.yaml``).

Why copy the text rather than dump a model: the templates are commented for the analyst who
edits them by hand, and the comments must survive ``vigie risk new`` (and ``vigie risk
evidence --accept``, which edits only the changed fields: see ``roundtrip.py``).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from vigie.atomic import atomic_file
from vigie.errors import VigieError
from vigie.suggest import meant

TEMPLATES: dict[str, str] = {
    "election-fr": "election-fr.yaml",
    "election-en": "election-en.yaml",
    "guide-example": "guide-example.yaml",
    "agency-en": "agency-en.yaml",
    "platform-en": "platform-en.yaml",
    "agency-fr": "agency-fr.yaml",
    "platform-fr": "platform-fr.yaml",
}
"""Template name -> file under ``vigie/risk/templates``."""


_WORDS = {
    "campaign": ["election-en"],
    "campagne": ["election-fr"],
    "election": ["election-fr", "election-en"],
    "elections": ["election-fr", "election-en"],
    "agency": ["agency-en"],
    "agence": ["agency-fr"],
    "platform": ["platform-en"],
    "plateforme": ["platform-fr"],
    "guide": ["guide-example"],
    "example": ["guide-example"],
    "exemple": ["guide-example"],
}
"""What an analyst calls a template that vigie names otherwise (the words of the help)."""


def template_text(name: str) -> str:
    """The YAML text of template ``name``."""
    try:
        fname = TEMPLATES[name]
    except KeyError:
        raise VigieError(
            f"unknown template {name!r}{meant(name, TEMPLATES, aliases=_WORDS, n=2)}; "
            f"choose one of: {', '.join(TEMPLATES)}"
        ) from None
    return resources.files("vigie.risk").joinpath("templates", fname).read_text("utf-8")


def write_template(name: str, out: str | Path, *, overwrite: bool = False) -> Path:
    """Write template ``name`` to ``out`` (atomically); refuse to overwrite unless asked."""
    out = Path(out)
    text = template_text(name)  # a wrong name is the mistake to say first
    if out.exists() and not overwrite:
        raise VigieError(f"{out}: already exists (use --force to overwrite it)")
    if out.suffix.lower() == ".json":  # the same study as JSON (comments cannot follow)
        import json

        import yaml

        text = json.dumps(yaml.safe_load(text), indent=2, ensure_ascii=False, default=str) + "\n"
    with atomic_file(out) as fh:
        fh.write(text)
    return out
