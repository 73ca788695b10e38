"""Rebuild ``src/vigie/disarm/data/disarm.json`` from the DISARM sources.

Why a build step: the package must run without ``../shared``; we ship a compact catalogue
(tactics, techniques, English and French names) with its CC BY-SA 4.0 attribution.

The French names come from VIGINUM's translation of DISARM v1.3 (one sheet laid out as a
grid: row 1 holds the tactic headers "TA01 : French\\nEnglish"; below it, every even column
holds an English cell "T0081.004 Identify Existing Fissures\\n<description>" and the odd
column to its right the French cell, which may or may not repeat the id, with or without a
colon or a space: "T0081.004 Identifier …", "T0049.003Amplifier …", "Amplifier …").
The shipped framework is newer (DISARM 2025), so a French name is taken only where the English
name in the translation matches the shipped English name, or where a rename was reviewed below;
any other mismatch stops the build, so a data update cannot silently attach a French name to a
technique whose meaning changed.

Usage: python scripts/build_disarm.py ../shared/data/disarm
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import openpyxl

TACTIC_RE = re.compile(r"^\s*(TA\d{2})\s*:?\s*")
TECH_RE = re.compile(r"^\s*(T\d{4}(?:\.\d{1,3})?)\s*:?\s*")
# A French cell may start with a (sometimes truncated, e.g. "T0132.00") copy of the id.
FR_ID_PREFIX = re.compile(r"^\s*T\d{4}(?:\.\d{0,3})?\s*:?\s*")

# Cells of the translation that are not French names (checked by hand in the xlsx).
NOT_A_TRANSLATION = {
    "T0049.005": "the French cell is a translator's note ('Pas de traduction …'), not a name",
    "T0084.003": "the French cell repeats the English cell verbatim",
}
# Rows where VIGINUM typed the wrong id: (id, English name) as in the xlsx -> DISARM id.
ID_CORRECTIONS = {("T0114.001", "Traditional Media"): "T0114.002"}
# DISARM renamed these ids after v1.3. Reviewed by hand against the 2025 descriptions:
# True keeps the French name (same technique, reworded); False drops it (the meaning changed),
# so the catalogue falls back to the English name.
RENAMED = {
    "T0039": True,  # "Bait legitimate influencers" -> "Bait Influencer"
    "T0049": True,  # "Flooding the Information Space" -> "Flood Information Space"
    "T0049.002": True,  # "Hijack existing hashtag" -> "Flood Existing Hashtag"
    "T0136.005": True,  # DISARM typo: "Cultvate Support for Initiative"
    "T0097": False,  # "Create Personas" -> "Present Persona" (now the parent of persona types)
}


@dataclass(frozen=True)
class Row:
    """One English/French pair of the translation grid."""

    id: str
    name_en: str
    name_fr: str | None
    cell: str


def _first_line(text: str) -> str:
    return text.strip().split("\n")[0].strip()


def clean_french(text: str | None) -> str | None:
    """The French name in a cell: first line, without the id copy, spaces collapsed."""
    if not isinstance(text, str):
        return None
    name = FR_ID_PREFIX.sub("", _first_line(text))
    name = re.sub(r"\s+", " ", name).strip()
    if name.endswith(".") and not name.endswith(".."):
        name = name[:-1].rstrip()
    return name or None


def read_translation(xlsx: Path) -> tuple[dict[str, str], list[Row]]:
    """Tactic French names and the technique rows of VIGINUM's translation, in sheet order."""
    wb = openpyxl.load_workbook(xlsx, read_only=True)
    tactics: dict[str, str] = {}
    rows: list[Row] = []
    for ws in wb.worksheets:
        for r, row in enumerate(ws.iter_rows(values_only=True), start=1):
            for c, cell in enumerate(row):
                if not isinstance(cell, str):
                    continue
                if r == 1:
                    m = TACTIC_RE.match(cell)
                    if m:
                        tactics.setdefault(m.group(1), _first_line(TACTIC_RE.sub("", cell)))
                    continue
                if c % 2:
                    continue  # French column, read with its English neighbour
                m = TECH_RE.match(_first_line(cell))
                if not m:
                    raise SystemExit(f"{xlsx.name}: unexpected English cell at row {r}, col {c}")
                fr = row[c + 1] if c + 1 < len(row) else None
                name_en = TECH_RE.sub("", _first_line(cell)).strip()
                rows.append(Row(m.group(1), name_en, clean_french(fr), f"{ws.title}!R{r}C{c}"))
    return tactics, rows


def _norm(name: str) -> str:
    """Compare English names across DISARM versions: case, punctuation, UK/US spelling."""
    s = re.sub(r"[^a-z0-9]", "", name.lower()).replace("z", "s")
    return s.replace("behaviour", "behavior").replace("programmes", "programs")


def french_labels(xlsx: Path, english: dict[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """Map DISARM id -> French name for the techniques the translation covers.

    ``english`` maps every shipped id to its English name. Returns the labels and, for ids of
    the translation that get no label, the reason (for the build log).
    """
    _, rows = read_translation(xlsx)
    labels: dict[str, str] = {}
    skipped: dict[str, str] = {}
    for row in rows:
        tid = ID_CORRECTIONS.get((row.id, row.name_en), row.id)
        if tid not in english:
            skipped[tid] = "not in the shipped (newer) DISARM framework"
            continue
        if tid in NOT_A_TRANSLATION:
            skipped[tid] = NOT_A_TRANSLATION[tid]
            continue
        if row.name_fr is None:
            skipped[tid] = "the French cell is empty"
            continue
        if _norm(row.name_en) != _norm(english[tid]):
            if tid not in RENAMED:
                raise SystemExit(
                    f"{row.cell}: {tid} is {row.name_en!r} in the translation but "
                    f"{english[tid]!r} in DISARM; review it and add it to RENAMED"
                )
            if not RENAMED[tid]:
                skipped[tid] = f"renamed {row.name_en!r} -> {english[tid]!r}, meaning changed"
                continue
        if tid in labels and labels[tid] != row.name_fr:
            raise SystemExit(f"{row.cell}: {tid} translated twice ({labels[tid]!r})")
        labels[tid] = row.name_fr
    return labels, skipped


def _external_id(obj: dict) -> str:
    """The DISARM id (T0081.004) of a STIX object: its first reference that has one."""
    return next(r for r in obj["external_references"] if r.get("external_id"))["external_id"]


def main(src: Path, out: Path) -> None:
    """Write the catalogue from the STIX bundle and the translation found in ``src``."""
    bundle = json.loads((src / "DISARM.json").read_text(encoding="utf-8"))
    objs = bundle["objects"]
    english = {_external_id(o): o["name"] for o in objs if o["type"] == "attack-pattern"}
    tactic_fr, _ = read_translation(src / "disarm_red_fr_viginum.xlsx")
    fr, skipped = french_labels(src / "disarm_red_fr_viginum.xlsx", english)
    tactics = {}
    short_to_tactic = {}
    for o in objs:
        if o["type"] == "x-mitre-tactic":
            tid = o["external_references"][0]["external_id"]
            tactics[tid] = {
                "id": tid,
                "name": o["name"],
                "name_fr": tactic_fr.get(tid),
                "shortname": o["x_mitre_shortname"],
                "description": o.get("description", ""),
            }
            short_to_tactic[o["x_mitre_shortname"]] = tid
    techniques = {}
    for o in objs:
        if o["type"] != "attack-pattern":
            continue
        ref = next(r for r in o["external_references"] if r.get("external_id"))
        tid = ref["external_id"]
        phases = [p["phase_name"] for p in o.get("kill_chain_phases", [])]
        techniques[tid] = {
            "id": tid,
            "name": o["name"],
            "name_fr": fr.get(tid),
            "description": o.get("description", ""),
            "tactics": [short_to_tactic[p] for p in phases if p in short_to_tactic],
            "parent": tid.split(".")[0] if "." in tid else None,
            "stix_id": o["id"],
            "url": ref.get("url"),
        }
    coverage = {
        "tactics": [sum(1 for t in tactics.values() if t["name_fr"]), len(tactics)],
        "techniques": [
            sum(1 for k, t in techniques.items() if t["name_fr"] and "." not in k),
            sum(1 for k in techniques if "." not in k),
        ],
        "sub_techniques": [
            sum(1 for k, t in techniques.items() if t["name_fr"] and "." in k),
            sum(1 for k in techniques if "." in k),
        ],
    }
    data = {
        "source": "DISARM Foundation, DISARMframeworks generated_files/DISARM.json, "
        "commit 49df5f649e16dfbf11e3859913c256c875c02692 (2025-02-10); French labels from "
        "VIGINUM-FR/DISARM-FR commit 5244207738b28a9e99fdcf2de2a5bad2ff263ced",
        "licence": "CC BY-SA 4.0",
        "attribution": "DISARM Foundation; French translation by VIGINUM",
        "french_coverage": coverage,
        "tactics": dict(sorted(tactics.items())),
        "techniques": dict(sorted(techniques.items())),
    }
    out.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    for tid, why in sorted(skipped.items()):
        if tid in techniques:
            print(f"  no French name for {tid}: {why}")
    print(
        f"{len(tactics)} tactics, {len(techniques)} techniques; French names: "
        + ", ".join(f"{k} {a}/{b}" for k, (a, b) in coverage.items())
        + f" -> {out}"
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path("src/vigie/disarm/data/disarm.json"))
