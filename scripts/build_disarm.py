"""Rebuild ``src/vigie/disarm/data/disarm.json`` from the DISARM sources.

Why a build step: the package must run without ``../shared``; we ship a compact catalogue
(tactics, techniques, English and French names) with its CC BY-SA 4.0 attribution.

Usage: python scripts/build_disarm.py ../shared/data/disarm
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import openpyxl

ID_RE = re.compile(r"^\s*(T\d{4}(?:\.\d{3})?|TA\d{2})\s*:?\s*")


def french_labels(xlsx: Path) -> dict[str, str]:
    """Map DISARM id -> French name from VIGINUM's translation (pairs of EN/FR columns)."""
    wb = openpyxl.load_workbook(xlsx, read_only=True)
    labels: dict[str, str] = {}
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            for cell in row:
                # tactic headers hold both languages in one cell: "TA01 : Planifier…\nPlan…"
                if isinstance(cell, str) and cell.strip().startswith("TA"):
                    m = ID_RE.match(cell)
                    if m:
                        labels.setdefault(m.group(1), ID_RE.sub("", cell).split("\n")[0].strip())
            for i in range(0, len(row) - 1):
                en, fr = row[i], row[i + 1]
                if not isinstance(en, str) or not isinstance(fr, str):
                    continue
                m = ID_RE.match(en)
                if not m or ID_RE.match(fr) is None and "\n" not in fr and len(fr) > 120:
                    continue
                ident = m.group(1)
                fr_id = re.match(r"^\s*(T\d{4}(?:\.\d{1,3})?)", fr)
                if fr_id and not ident.startswith(fr_id.group(1)):
                    continue  # the cell to the right is another English technique
                first = fr.strip().split("\n")[0]
                first = ID_RE.sub("", first).strip()
                first = re.sub(r"^(T\d{4})?(\.\d{0,3})?\s*", "", first).strip()
                if first and ident not in labels and not en.strip().startswith(fr.strip()[:10]):
                    labels[ident] = first
    return labels


def main(src: Path, out: Path) -> None:
    bundle = json.loads((src / "DISARM.json").read_text(encoding="utf-8"))
    fr = french_labels(src / "disarm_red_fr_viginum.xlsx")
    objs = bundle["objects"]
    tactics = {}
    short_to_tactic = {}
    for o in objs:
        if o["type"] == "x-mitre-tactic":
            tid = o["external_references"][0]["external_id"]
            tactics[tid] = {
                "id": tid,
                "name": o["name"],
                "name_fr": fr.get(tid),
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
    data = {
        "source": "DISARM Foundation, DISARMframeworks generated_files/DISARM.json, "
        "commit 49df5f649e16dfbf11e3859913c256c875c02692 (2025-02-10); French labels from "
        "VIGINUM-FR/DISARM-FR commit 5244207738b28a9e99fdcf2de2a5bad2ff263ced",
        "licence": "CC BY-SA 4.0",
        "attribution": "DISARM Foundation; French translation by VIGINUM",
        "tactics": dict(sorted(tactics.items())),
        "techniques": dict(sorted(techniques.items())),
    }
    out.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    n_fr = sum(1 for t in techniques.values() if t["name_fr"])
    print(
        f"{len(tactics)} tactics, {len(techniques)} techniques ({n_fr} with French names) -> {out}"
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path("src/vigie/disarm/data/disarm.json"))
