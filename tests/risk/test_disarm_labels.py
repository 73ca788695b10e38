"""French DISARM labels: the shipped catalogue carries every name VIGINUM's translation gives.

Why here: the risk reports and workbooks label techniques in the study's language, so a
missing French name shows as English in a French report.
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path

import openpyxl
import pytest

from vigie import disarm

ROOT = Path(__file__).resolve().parents[2]
# Ids the translation lists that get no French name on purpose (see scripts/build_disarm.py):
# a translator's note, an English copy, an empty cell, and a technique whose meaning changed.
NO_FRENCH_ON_PURPOSE = {"T0049.005", "T0084.003", "T0084.004", "T0097"}


def _counts() -> dict[str, tuple[int, int]]:
    techs = disarm.techniques()
    tacs = disarm.tactics()
    top = [t for t in techs.values() if t.parent is None]
    sub = [t for t in techs.values() if t.parent is not None]
    return {
        "tactics": (sum(1 for t in tacs.values() if t.name_fr), len(tacs)),
        "techniques": (sum(1 for t in top if t.name_fr), len(top)),
        "sub_techniques": (sum(1 for t in sub if t.name_fr), len(sub)),
    }


def test_french_coverage_matches_manifest_and_docstring() -> None:
    counts = _counts()
    assert counts == {"tactics": (16, 16), "techniques": (89, 103), "sub_techniques": (160, 288)}
    assert disarm.french_coverage() == counts
    doc = " ".join((disarm.__doc__ or "").split())
    assert "all 16 tactics, 89 of 103 techniques and 160 of 288 sub-techniques" in doc
    assert "249 of 391" in doc


def test_french_falls_back_to_english_and_election_template_ids() -> None:
    assert disarm.technique("T0081.004").label("fr") == "Identifier les sujets de discorde"
    # T0143.002 (Fabricated Persona) is newer than VIGINUM's translation (DISARM v1.3).
    fabricated = disarm.technique("T0143.002")
    assert fabricated.name_fr is None
    assert fabricated.label("fr") == fabricated.name == "Fabricated Persona"
    # VIGINUM typed T0114.001 twice; the second row is T0114.002 (Traditional Media).
    assert disarm.technique("T0114.001").name_fr == "Réseaux sociaux"
    assert disarm.technique("T0114.002").name_fr == "Médias traditionnels"
    # Cleaned: no id copy glued to the name, no doubled spaces, no translator's notes.
    assert disarm.technique("T0049.003").name_fr.startswith("Amplifier via")
    assert disarm.technique("T0066").name_fr == "Dégrader l'image de l'adversaire"
    assert disarm.technique("T0049.005").name_fr is None


def _translation_pairs(xlsx: Path) -> dict[str, str]:
    """Id -> French cell text, read independently of the build script (even col EN, odd FR)."""
    ws = openpyxl.load_workbook(xlsx, read_only=True).worksheets[0]
    pairs: dict[str, str] = {}
    for r, row in enumerate(ws.iter_rows(values_only=True)):
        for c in range(0, len(row) - 1, 2):
            en, fr = row[c], row[c + 1]
            if r == 0 or not isinstance(en, str):
                continue
            m = re.match(r"\s*(T\d{4}(?:\.\d{3})?)", en)
            if m and isinstance(fr, str):
                pairs.setdefault(m.group(1), " ".join(fr.split()))
    return pairs


def test_every_translated_technique_has_its_french_name(shared_data: Path) -> None:
    pairs = _translation_pairs(shared_data / "disarm" / "disarm_red_fr_viginum.xlsx")
    techs = disarm.techniques()
    covered = {tid for tid in pairs if tid in techs} | {"T0114.002"}  # the mistyped row
    missing = sorted(tid for tid in covered - NO_FRENCH_ON_PURPOSE if not techs[tid].name_fr)
    assert missing == []
    for tid in covered - NO_FRENCH_ON_PURPOSE - {"T0114.002"}:
        assert techs[tid].name_fr in pairs[tid], tid
    with_fr = {tid for tid, t in techs.items() if t.name_fr}
    assert with_fr == covered - NO_FRENCH_ON_PURPOSE


def test_build_script_is_deterministic_and_catalogue_up_to_date(
    shared_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = importlib.util.spec_from_file_location("build_disarm", ROOT / "scripts/build_disarm.py")
    assert spec and spec.loader
    build = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "build_disarm", build)  # its dataclass needs the module
    spec.loader.exec_module(build)
    shipped = (ROOT / "src/vigie/disarm/data/disarm.json").read_bytes()
    for name in ("a.json", "b.json"):
        build.main(shared_data / "disarm", tmp_path / name)
        assert (tmp_path / name).read_bytes() == shipped
    assert json.loads(shipped)["french_coverage"]["sub_techniques"] == [160, 288]
