"""CISO Assistant's EBIOS RM study workbook read back into a vigie study (see ``ciso_format``).

Every cell that is used is checked; a value that cannot be read is an error naming the file,
the sheet, the row and the column, and all errors are listed at once. What CISO Assistant's
file has no room for and vigie requires (a mission, a business value's owner, a pair's
justification, a measure's owner and category) is filled with a visible placeholder, and every
placeholder, every cell left unread and every row skipped is counted in the notes the command
prints: nothing is dropped silently.

The import reads the file CISO Assistant writes (links by name, levels by their matrix name in
English or French) and the one ``vigie risk export --ciso`` writes, which also lets it put back
a vigie scenario that covered several attack paths (see ``ciso_export``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vigie.errors import VigieError
from vigie.risk import ciso_format as cf
from vigie.risk import scales

ID_OK = re.compile(r"^[A-Za-z0-9_.\-]+$")
MODE_REF = re.compile(r"^(?P<os>[A-Za-z0-9_.\-]+)\.MO\d+$")
PLACEHOLDER = {
    "owner": {"en": "to be named", "fr": "à désigner"},
    "justification": {
        "en": "(none in CISO Assistant)",
        "fr": "(non renseignée dans CISO Assistant)",
    },
    "gap": {"en": "(not given)", "fr": "(non précisée)"},
}


@dataclass
class Row:
    sheet: str
    number: int
    cells: dict[str, Any]

    def get(self, col: str) -> Any:
        v = self.cells.get(col)
        return v.strip() if isinstance(v, str) else v

    def text(self, col: str) -> str:
        v = self.get(col)
        return "" if v is None else str(v).strip()


@dataclass
class Reader:
    """The workbook's rows per sheet, and the errors and notes gathered while converting."""

    path: Path
    sheets: dict[str, list[Row]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def error(self, row: Row, col: str, msg: str) -> None:
        self.errors.append(f"sheet '{row.sheet}' row {row.number}, {col}: {msg}")

    def rows(self, key: str) -> list[Row]:
        return self.sheets.get(key, [])


def _open(path: Path) -> Reader:
    from vigie.workbook import open_workbook

    rd = Reader(path)
    with open_workbook(path) as wb:
        by_prefix = {name.split(" ", 1)[0]: name for name in wb.sheetnames}
        for key, prefix in cf.PREFIX.items():
            if key == "baseline":  # one sheet per compliance assessment: 1.4.1, 1.4.2 …
                names = [n for p, n in by_prefix.items() if p.startswith("1.4")]
            else:
                names = [by_prefix[prefix]] if prefix in by_prefix else []
            rd.sheets[key] = []
            for n in names:
                rd.sheets[key] += _sheet_rows(rd, wb[n], n, key)
    if not rd.sheets["feared_events"] and not rd.sheets["ro_to"]:
        from vigie.risk.xlsx_labels import SHEET_IN

        ours = any(name.strip() in SHEET_IN for name in by_prefix.values())
        raise VigieError(
            f"{path}: no sheet '1.3 Feared Events' nor '2.1 RO-TO Couples': not a CISO Assistant "
            "EBIOS RM study export (sheets found: " + ", ".join(by_prefix.values()) + ")"
            + ("; it is a workbook written by vigie risk export: read it back with "
               f"vigie risk import-xlsx {path}" if ours else "")
        )  # fmt: skip
    return rd


def _sheet_rows(rd: Reader, ws: Any, name: str, key: str) -> list[Row]:
    it = ws.iter_rows(values_only=True)
    header = next(it, None)
    if header is None:
        return []
    cols = ["_".join(str(h).strip().lower().split()) if h is not None else "" for h in header]
    need = [c for c in cf.COLUMNS[key] if c in _REQUIRED.get(key, ())]
    missing = [c for c in need if c not in cols]
    if missing:
        rd.errors.append(f"sheet '{name}': missing column(s) {', '.join(missing)}")
        return []
    extra = [c for c in cols if c and c not in cf.COLUMNS[key]]
    if extra:
        rd.notes.append(f"sheet '{name}': column(s) not read: {', '.join(extra)}")
    out = []
    for n, values in enumerate(it, start=2):
        if values is None or all(v is None or str(v).strip() == "" for v in values):
            continue
        out.append(Row(name, n, {c: v for c, v in zip(cols, values, strict=False) if c}))
    return out


_REQUIRED: dict[str, tuple[str, ...]] = {
    "assets": ("name", "type"),
    "feared_events": ("name", "gravity"),
    "baseline": ("name", "result"),
    "ro_to": ("risk_origin", "target_objective", "motivation", "resources", "activity"),
    "stakeholders": ("entity", "category"),
    "strategic_scenarios": ("name", "risk_origin", "target_objective"),
    "attack_paths": ("name", "strategic_scenario", "stakeholders"),
    "stakeholder_controls": ("name", "stakeholders"),
    "elementary_actions": ("name", "attack_stage"),
    "operational_scenarios": ("attack_path", "likelihood"),
    "operating_modes": ("operational_scenario", "elementary_actions"),
}


def _level_map(ciso: dict[str, dict[str, str]], vigie: dict[str, dict[str, str]]) -> dict:
    out: dict[str, str] = {}
    for table in (vigie, ciso):  # CISO Assistant's names win ("Important" is its G3)
        for code, names in table.items():
            for name in names.values():
                out[cf.norm(name)] = code
    for code in (*ciso, *vigie):
        out[code.lower()] = code
    return out


GRAVITY_IN = _level_map(cf.GRAVITY, scales.SEVERITY)
LIKELIHOOD_IN = _level_map(cf.LIKELIHOOD, scales.LIKELIHOOD)


def cell_level(rd: Reader, row: Row, col: str, table: dict[str, str], what: str) -> str | None:
    v = cf.norm(row.get(col))
    if v in ("", cf.NOT_RATED):
        rd.error(row, col, f"not rated; vigie needs a {what} (rate it in CISO Assistant)")
        return None
    if v not in table:
        rd.error(row, col, f"{row.get(col)!r} is not a {what} of the EBIOS RM 4x4 matrix")
        return None
    return table[v]


def cell_rating(rd: Reader, row: Row, col: str, labels: tuple[str, ...]) -> int | None:
    raw = row.get(col)
    v = cf.norm(raw)
    if v in labels:
        n = labels.index(v)
    elif v.isdigit():
        n = int(v)
    else:
        rd.error(row, col, f"{raw!r} is not one of {', '.join(labels[1:])}")
        return None
    if not 1 <= n <= 4:
        rd.error(row, col, "not rated (undefined); vigie needs a rating 1..4")
        return None
    return n


def cell_flag(rd: Reader, row: Row, col: str) -> bool:
    v = cf.norm(row.get(col))
    if v in cf.TRUE_WORDS:
        return True
    if v in cf.FALSE_WORDS:
        return False
    rd.error(row, col, f"{row.get(col)!r} is not true or false")
    return False


def pick_ids(wanted: list[str], prefix: str) -> list[str]:
    """Ids from ``ref_id`` cells where they are usable ids and unique, else ``<prefix><n>``."""
    out: list[str] = []
    for i, w in enumerate(wanted, 1):
        cand = w if w and ID_OK.match(w) and w not in out and wanted.count(w) == 1 else ""
        if not cand:
            cand = f"{prefix}{i}"
            while cand in out or cand in wanted:
                cand += "x"
        out.append(cand)
    return out


def slug(text: str) -> str:
    s = re.sub(r"[^A-Za-z0-9_.\-]+", "_", text.strip().lower()).strip("_")
    return s or "other"


def category_of(text: str) -> str:
    v = cf.norm(text)
    for cat, (term, fr) in cf.CATEGORY.items():
        if v in (cat, term, cf.norm(fr), cf.norm(term.replace("_", " "))):
            return cat
    for cat, labels in scales.STAKEHOLDER_CATEGORY.items():
        if v in {cf.norm(x) for x in labels.values()}:
            return cat
    return slug(text)


def phase_of(rd: Reader, row: Row) -> str:
    v = re.sub(r"[^a-zàâçéèêëîïôûùüÿ]", "", cf.norm(row.get("attack_stage")))
    for phase, words in cf.STAGE_WORDS.items():
        if any(w.replace(" ", "") in v for w in words):
            return phase
    rd.error(row, "attack_stage", f"{row.get('attack_stage')!r} is not an EBIOS RM attack stage")
    return "know"


def _guess_lang(rd: Reader) -> str:
    fr = en = 0
    cells = [r.get("gravity") for r in rd.rows("feared_events")]
    cells += [r.get("likelihood") for r in rd.rows("operational_scenarios")]
    fr_names = {cf.norm(n["fr"]) for t in (cf.GRAVITY, cf.LIKELIHOOD) for n in t.values()}
    en_names = {cf.norm(n["en"]) for t in (cf.GRAVITY, cf.LIKELIHOOD) for n in t.values()}
    for c in cells:
        v = cf.norm(c)
        fr += v in fr_names - en_names
        en += v in en_names - fr_names
    return "fr" if fr > en else "en"


def read_ciso(
    path: str | Path, *, lang: str | None = None, marking: str = "TLP:AMBER"
) -> tuple[dict[str, Any], list[str]]:
    """The study (plain data, checked) from CISO Assistant's workbook, and the notes."""
    from vigie.risk.check import StudyError, validate

    path = Path(path)
    rd = _open(path)
    lang = lang or _guess_lang(rd)
    from vigie.risk.ciso_convert import Converter

    data = Converter(rd, lang, marking).run()
    if rd.errors:
        raise StudyError(str(path), rd.errors)
    _, rep = validate(data)
    if rep.errors:
        raise StudyError(f"{path} (as converted)", rep.errors)
    return data, rd.notes


def cell_int(rd: Reader, row: Row, col: str) -> int | None:
    raw = row.get(col)
    if raw is None or raw == "":
        return None
    try:
        n = int(float(raw))
    except (TypeError, ValueError):
        rd.error(row, col, f"{raw!r} is not a number 0..4")
        return None
    if not 0 <= n <= 4:
        rd.error(row, col, f"{n} is outside 0..4")
        return None
    return n or None
