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
from vigie.risk.model import SCHEMA_VERSION

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
    from vigie.risk.xlsx_read import open_workbook

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
        raise VigieError(
            f"{path}: no sheet '1.3 Feared Events' nor '2.1 RO-TO Couples': not a CISO Assistant "
            "EBIOS RM study export (sheets found: " + ", ".join(by_prefix.values()) + ")"
        )
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


def _level(rd: Reader, row: Row, col: str, table: dict[str, str], what: str) -> str | None:
    v = cf.norm(row.get(col))
    if v in ("", cf.NOT_RATED):
        rd.error(row, col, f"not rated; vigie needs a {what} (rate it in CISO Assistant)")
        return None
    if v not in table:
        rd.error(row, col, f"{row.get(col)!r} is not a {what} of the EBIOS RM 4x4 matrix")
        return None
    return table[v]


def _rating(rd: Reader, row: Row, col: str, labels: tuple[str, ...]) -> int | None:
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


def _flag(rd: Reader, row: Row, col: str) -> bool:
    v = cf.norm(row.get(col))
    if v in cf.TRUE_WORDS:
        return True
    if v in cf.FALSE_WORDS:
        return False
    rd.error(row, col, f"{row.get(col)!r} is not true or false")
    return False


def _ids(wanted: list[str], prefix: str) -> list[str]:
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


def _slug(text: str) -> str:
    s = re.sub(r"[^A-Za-z0-9_.\-]+", "_", text.strip().lower()).strip("_")
    return s or "other"


def _category(text: str) -> str:
    v = cf.norm(text)
    for cat, (term, fr) in cf.CATEGORY.items():
        if v in (cat, term, cf.norm(fr), cf.norm(term.replace("_", " "))):
            return cat
    for cat, labels in scales.STAKEHOLDER_CATEGORY.items():
        if v in {cf.norm(x) for x in labels.values()}:
            return cat
    return _slug(text)


def _phase(rd: Reader, row: Row) -> str:
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
    data = _convert(rd, lang, marking)
    if rd.errors:
        raise StudyError(str(path), rd.errors)
    _, rep = validate(data)
    if rep.errors:
        raise StudyError(f"{path} (as converted)", rep.errors)
    return data, rd.notes


def _placeholder(counts: dict[str, int], what: str) -> None:
    counts[what] = counts.get(what, 0) + 1


def _convert(rd: Reader, lang: str, marking: str) -> dict[str, Any]:
    filled: dict[str, int] = {}
    unread: dict[str, int] = {}

    def unused(row: Row, col: str) -> None:
        if row.text(col):
            key = f"'{row.sheet}'.{col}"
            unread[key] = unread.get(key, 0) + 1

    # --- 1.1 study ----------------------------------------------------------------------------
    st = rd.rows("study")[0] if rd.rows("study") else Row("1.1 Study", 2, {})
    title = st.text("name") or rd.path.stem
    sid = st.text("ref_id") if ID_OK.match(st.text("ref_id")) else _slug(title)
    version = st.text("version")
    if not re.fullmatch(r"\d+\.\d+", version):
        if version:
            rd.notes.append(f"study version {version!r} is not x.y: written as 1.0")
        version = "1.0"
    for col in ("status", "eta", "observation"):
        unused(st, col)
    study: dict[str, Any] = {"id": sid, "title": title, "version": version, "marking": marking,
                             "lang": lang}  # fmt: skip
    if st.text("description"):
        study["scope"] = st.text("description")
    if st.text("due_date"):
        import datetime as dt

        try:
            study["review"] = {"next": dt.date.fromisoformat(st.text("due_date")[:10])}
        except ValueError:
            rd.error(st, "due_date", f"{st.get('due_date')!r} is not a date YYYY-MM-DD")

    # --- 1.2 assets -> business values (primary) and supporting assets -----------------------
    prim = [r for r in rd.rows("assets") if cf.norm(r.get("type")) in ("pr", "primary")]
    supp = [r for r in rd.rows("assets") if cf.norm(r.get("type")) in ("sp", "support")]
    for r in rd.rows("assets"):
        if r not in prim and r not in supp:
            rd.error(r, "type", f"{r.get('type')!r} is neither PR (primary) nor SP (support)")
    mission = {
        "id": "MI1",
        "name": title,
        "description": "CISO Assistant has no missions: describe the study's here.",
    }
    filled["missions (CISO Assistant has none)"] = 1
    bv_ids = _ids([r.text("ref_id") for r in prim], "BV")
    bvs = []
    for bid, r in zip(bv_ids, prim, strict=True):
        bv = {"id": bid, "name": r.text("name"), "owner": PLACEHOLDER["owner"][lang],
              "missions": ["MI1"]}  # fmt: skip
        if r.text("description"):
            bv["description"] = r.text("description")
        _placeholder(filled, "business value owners")
        bvs.append(bv)
    if not bvs:
        bvs.append({"id": "BV1", "name": title, "owner": PLACEHOLDER["owner"][lang],
                    "missions": ["MI1"]})  # fmt: skip
        filled["business value (no primary asset in the file)"] = 1
    bv_by_name = {cf.norm(b["name"]): b["id"] for b in bvs}
    sa_ids = _ids([r.text("ref_id") for r in supp], "SA")
    sas = []
    for aid, r in zip(sa_ids, supp, strict=True):
        sa: dict[str, Any] = {"id": aid, "name": r.text("name")}
        if r.text("description"):
            sa["description"] = r.text("description")
        parent = cf.norm(r.get("parent_asset"))
        if parent and parent in bv_by_name:
            sa["business_values"] = [bv_by_name[parent]]
        elif parent:
            unused(r, "parent_asset")
        sas.append(sa)

    # --- 1.3 feared events -----------------------------------------------------------------
    fe_rows = rd.rows("feared_events")
    fe_ids = _ids([r.text("ref_id") for r in fe_rows], "FE")
    fes, fe_by_name, unselected = [], {}, []
    for fid, r in zip(fe_ids, fe_rows, strict=True):
        fe: dict[str, Any] = {"id": fid, "name": r.text("name")}
        links = []
        for a in cf.lines(r.get("assets")):
            if cf.norm(a) in bv_by_name:
                links.append(bv_by_name[cf.norm(a)])
            else:
                unread["feared event assets that are not primary assets"] = (
                    unread.get("feared event assets that are not primary assets", 0) + 1
                )
        if links:
            fe["business_values"] = links
        if cf.lines(r.get("description")):
            fe["impacts"] = cf.lines(r.get("description"))
        fe["severity"] = _level(rd, r, "gravity", GRAVITY_IN, "gravity")
        unused(r, "justification")
        if "is_selected" in r.cells and not _flag(rd, r, "is_selected"):
            unselected.append(fid)
        fe_by_name[cf.norm(fe["name"])] = fid
        fes.append(fe)
    if unselected:
        rd.notes.append(
            f"{len(unselected)} feared event(s) not selected in CISO Assistant "
            f"({', '.join(unselected)}): imported, but no scenario leads to them"
        )

    # --- 1.4.x baseline ------------------------------------------------------------------------
    base_rows = [r for r in rd.rows("baseline") if cf.norm(r.get("result")) not in
                 {k for k, v in cf.RESULT_IN.items() if v is None}]  # fmt: skip
    skipped = len(rd.rows("baseline")) - len(base_rows)
    if skipped:
        rd.notes.append(f"{skipped} baseline requirement(s) not assessed or not applicable: "
                        "skipped")  # fmt: skip
    base = []
    for bid, r in zip(_ids([r.text("ref_id") for r in base_rows], "B"), base_rows, strict=True):
        status = cf.RESULT_IN.get(cf.norm(r.get("result")), "")
        if not status:
            rd.error(r, "result", f"{r.get('result')!r} is not a compliance result")
        item: dict[str, Any] = {"id": bid, "name": r.text("name"), "status": status}
        if r.text("description"):
            item["kind"] = r.text("description")
        gaps = []
        for line in cf.lines(r.get("observation")):
            d, _, j = line.partition(" — ")
            gaps.append({"description": d.strip() or line,
                         "justification": j.strip() or PLACEHOLDER["gap"][lang]})  # fmt: skip
        if gaps:
            item["gaps"] = gaps
        for col in ("urn", "applied_controls"):
            unused(r, col)
        base.append(item)

    # --- 2.1 RO/TO couples -> risk sources and pairs ------------------------------------------
    sources: dict[str, dict[str, str]] = {}
    pairs, pair_by_key, pair_fes = [], {}, {}
    for i, r in enumerate(rd.rows("ro_to"), 1):
        origin = r.text("risk_origin")
        if not origin:
            rd.error(r, "risk_origin", "is empty")
        key = cf.norm(origin)
        if key not in sources:
            sources[key] = {"id": f"SR{len(sources) + 1}", "name": origin or "?"}
        objective = r.text("target_objective")
        if not objective:
            rd.error(r, "target_objective", "is empty")
        pid = f"RP{i}"
        just = r.text("justification")
        if not just:
            just = PLACEHOLDER["justification"][lang]
            _placeholder(filled, "pair justifications")
        pairs.append({
            "id": pid, "source": sources[key]["id"], "objective": objective,
            "motivation": _rating(rd, r, "motivation", cf.MOTIVATION),
            "resources": _rating(rd, r, "resources", cf.RESOURCES),
            "activity": _rating(rd, r, "activity", cf.ACTIVITY),
            "retained": _flag(rd, r, "is_selected") if "is_selected" in r.cells else True,
            "justification": just,
        })  # fmt: skip
        pair_by_key[(key, cf.norm(objective))] = pid
        linked = []
        for name in cf.lines(r.get("feared_events")):
            if cf.norm(name) not in fe_by_name:
                rd.error(r, "feared_events", f"no feared event named {name!r}")
            elif fe_by_name[cf.norm(name)] not in unselected:
                linked.append(fe_by_name[cf.norm(name)])
        pair_fes[pid] = linked

    # --- 3.1 stakeholders ---------------------------------------------------------------------
    shs, sh_by_label = [], {}
    for i, r in enumerate(rd.rows("stakeholders"), 1):
        sh: dict[str, Any] = {"id": f"SH{i}", "name": r.text("entity"),
                              "category": _category(r.text("category"))}  # fmt: skip
        if not sh["name"]:
            rd.error(r, "entity", "is empty")
        if "is_selected" in r.cells and _flag(rd, r, "is_selected"):
            sh["critical"] = True
        if r.text("justification"):
            sh["description"] = r.text("justification")
        cur = {k: _int(rd, r, f"current_{k}") for k in ("dependency", "penetration",
                                                         "maturity", "trust")}  # fmt: skip
        given = [v for v in cur.values() if v]
        if len(given) == 4:
            sh.update(cur)
            res = {k: _int(rd, r, f"residual_{k}") for k in cur}
            diff = {k: v for k, v in res.items() if v and v != cur[k]}
            if diff:
                sh["residual"] = diff
        elif cur["dependency"] or cur["penetration"]:
            rd.notes.append(
                f"sheet '{r.sheet}' row {r.number}: stakeholder {sh['name']!r} partly rated "
                "(a 0 dependency or penetration): imported as not rated"
            )
        shs.append(sh)
        sh_by_label[cf.norm(f"{r.text('entity')} ({r.text('category')})")] = sh["id"]
        sh_by_label.setdefault(cf.norm(r.text("entity")), sh["id"])

    # --- 3.2.1 strategic scenarios, 3.2.2 attack paths ----------------------------------------
    ss_rows = rd.rows("strategic_scenarios")
    sss, ss_by_name = [], {}
    for sid_, r in zip(_ids([r.text("ref_id") for r in ss_rows], "SS"), ss_rows, strict=True):
        key = (cf.norm(r.get("risk_origin")), cf.norm(r.get("target_objective")))
        pid = pair_by_key.get(key)
        if pid is None:
            rd.error(
                r,
                "risk_origin",
                "no RO/TO couple with this risk origin and target "
                f"objective ({r.text('risk_origin')!r}, {r.text('target_objective')!r})",
            )
        elif not pair_fes[pid]:
            rd.error(r, "risk_origin", "its RO/TO couple leads to no selected feared event; "
                     "vigie needs at least one")  # fmt: skip
        ss: dict[str, Any] = {
            "id": sid_,
            "name": r.text("name"),
            "pair": pid or "?",
            "feared_events": pair_fes.get(pid or "", []),
            "paths": [],
        }
        if r.text("description"):
            ss["description"] = r.text("description")
        sss.append(ss)
        ss_by_name[cf.norm(r.get("name"))] = ss
    ap_by_name: dict[str, tuple[str, str]] = {}
    for r in rd.rows("attack_paths"):
        ss = ss_by_name.get(cf.norm(r.get("strategic_scenario")))
        if ss is None:
            rd.error(r, "strategic_scenario", f"no strategic scenario named "
                     f"{r.text('strategic_scenario')!r}")  # fmt: skip
            continue
        ref = r.text("ref_id")
        if ref.startswith(ss["id"] + "."):
            ref = ref[len(ss["id"]) + 1 :]
        taken = [p["id"] for p in ss["paths"]]
        pid = ref if ref and ID_OK.match(ref) and ref not in taken else f"P{len(taken) + 1}"
        while pid in taken:
            pid += "x"
        path: dict[str, Any] = {"id": pid, "stakeholders": []}
        for label in cf.lines(r.get("stakeholders")):
            sh_id = sh_by_label.get(cf.norm(label))
            if sh_id is None:
                rd.error(r, "stakeholders", f"no stakeholder {label!r} in '3.1 Stakeholders'")
            else:
                path["stakeholders"].append(sh_id)
        if r.text("description"):
            path["description"] = r.text("description")
        if "is_selected" in r.cells and not _flag(rd, r, "is_selected"):
            rd.notes.append(f"attack path {r.text('name')!r} is not selected in CISO Assistant: "
                            "imported (vigie has no selection flag for paths)")  # fmt: skip
        unused(r, "justification")
        ss["paths"].append(path)
        ap_by_name[cf.norm(r.get("name"))] = (ss["id"], pid)
    for ss, r in zip(sss, ss_rows, strict=True):
        if not ss["paths"]:
            rd.error(
                r,
                "name",
                "this strategic scenario has no attack path in '3.2.2 Attack "
                "Paths'; vigie needs at least one (a direct path has no stakeholder)",
            )

    # --- 3.3 stakeholder controls -> ecosystem measures ---------------------------------------
    ctl_rows = rd.rows("stakeholder_controls")
    measures = []
    for mid, r in zip(_ids([r.text("ref_id") for r in ctl_rows], "M"), ctl_rows, strict=True):
        m: dict[str, Any] = {"id": mid, "name": r.text("name"), "category": "protection",
                             "owner": PLACEHOLDER["owner"][lang]}  # fmt: skip
        _placeholder(filled, "measure owners and categories")
        if r.text("description"):
            m["description"] = r.text("description")
        status = cf.norm(r.get("status"))
        if status not in cf.CONTROL_STATUS_IN:
            rd.error(r, "status", f"{r.get('status')!r} is not an applied control status")
        elif cf.CONTROL_STATUS_IN[status]:
            m["status"] = cf.CONTROL_STATUS_IN[status]
        m["stakeholders"] = []
        for label in cf.lines(r.get("stakeholders")):
            sh_id = sh_by_label.get(cf.norm(label))
            if sh_id is None:
                rd.error(r, "stakeholders", f"no stakeholder {label!r} in '3.1 Stakeholders'")
            else:
                m["stakeholders"].append(sh_id)
        measures.append(m)

    # --- 4.0 elementary actions, 4.1.1 operational scenarios, 4.1.2 operating modes -----------
    from vigie.risk.check import technique_problem

    ea: dict[str, tuple[str, str | None]] = {}
    for r in rd.rows("elementary_actions"):
        ref = r.text("ref_id")
        tech = ref if ref and technique_problem(ref) is None else None
        if ref and tech is None:
            unused(r, "ref_id")
        unused(r, "description")
        unused(r, "icon")
        ea[cf.norm(r.get("name"))] = (_phase(rd, r), tech)
    ea_name = {cf.norm(r.get("name")): r.text("name") for r in rd.rows("elementary_actions")}
    modes_of: dict[str, list[Row]] = {}
    for r in rd.rows("operating_modes"):
        modes_of.setdefault(cf.norm(r.get("operational_scenario")), []).append(r)
    groups: dict[str, list[tuple[Row, tuple[str, str]]]] = {}
    for i, r in enumerate(rd.rows("operational_scenarios"), 1):
        ap = ap_by_name.get(cf.norm(r.get("attack_path")))
        if ap is None:
            rd.error(r, "attack_path", f"no attack path named {r.text('attack_path')!r}")
            continue
        mine = modes_of.get(cf.norm(r.get("name")), [])
        refs = {MODE_REF.match(m.text("ref_id")) for m in mine}
        gid = f"#{i}"
        if mine and None not in refs and len({m.group("os") for m in refs if m}) == 1:
            gid = next(m.group("os") for m in refs if m)
            if groups.get(gid) and groups[gid][0][1][0] != ap[0]:
                gid = f"#{i}"  # same mode ids under another strategic scenario: keep apart
        groups.setdefault(gid, []).append((r, ap))
    wanted = [g if not g.startswith("#") else "" for g in groups]
    oss = []
    for oid, (gid, members) in zip(_ids(wanted, "OS"), groups.items(), strict=True):
        first = members[0][0]
        liks = [_level(rd, r, "likelihood", LIKELIHOOD_IN, "likelihood") for r, _ in members]
        liks = [x for x in liks if x]
        ss_id = members[0][1][0]
        ss_name = next((s["name"] for s in sss if s["id"] == ss_id), ss_id)
        os_: dict[str, Any] = {
            "id": oid,
            "name": first.text("name") if len(members) == 1 else ss_name,
            "strategic_scenario": ss_id,
            "paths": [ap[1] for _, ap in members],
            "method": "express",
            "likelihood": max(liks, key=scales.level_index) if liks else None,
        }
        if len(set(liks)) > 1:
            rd.notes.append(
                f"operational scenarios of group {gid} have different "
                f"likelihoods ({', '.join(liks)}): the highest is kept"
            )
        if first.text("operating_modes_description"):
            os_["description"] = first.text("operating_modes_description")
        for r, _ in members:
            unused(r, "justification")
        actions = _actions(rd, modes_of.get(cf.norm(first.get("name")), []), ea, ea_name)
        if actions:
            os_["actions"] = actions
        oss.append(os_)

    for what, n in sorted(filled.items()):
        rd.notes.append(f"placeholder written for {n} {what}: not in CISO Assistant's file")
    for what, n in sorted(unread.items()):
        rd.notes.append(f"{n} non-empty cell(s) of {what} not carried (vigie has no such field)")
    return {
        "schema_version": SCHEMA_VERSION,
        "study": study,
        "missions": [mission],
        "business_values": bvs,
        "supporting_assets": sas,
        "feared_events": fes,
        "baseline": base,
        "risk_sources": list(sources.values()),
        "risk_pairs": pairs,
        "stakeholders": shs,
        "strategic_scenarios": sss,
        "operational_scenarios": oss,
        "measures": measures,
    }


def _int(rd: Reader, row: Row, col: str) -> int | None:
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


def _actions(
    rd: Reader, modes: list[Row], ea: dict[str, tuple[str, str | None]], names: dict[str, str]
) -> list[dict[str, Any]]:
    """The graph of actions rebuilt from the operating modes: each mode is a chain, shared
    actions are one node, an action follows every action it follows in some mode (OR)."""
    order: list[str] = []
    preds: dict[str, list[str]] = {}
    for m in modes:
        prev = None
        for name in cf.lines(m.get("elementary_actions")):
            key = cf.norm(name)
            if key not in ea:
                rd.error(m, "elementary_actions", f"no elementary action named {name!r} in "
                         "'4.0 Elementary Actions'")  # fmt: skip
                continue
            if key not in preds:
                order.append(key)
                preds[key] = []
            if prev is not None and prev not in preds[key] and prev != key:
                preds[key].append(prev)
            prev = key
    aid = {k: f"A{i}" for i, k in enumerate(order, 1)}
    out = []
    for i, k in enumerate(order):
        phase, tech = ea[k]
        a: dict[str, Any] = {"id": aid[k], "phase": phase, "description": names.get(k, k)}
        if tech:
            a["technique"] = tech
        default = [order[i - 1]] if i else []
        if preds[k] != default:
            a["after"] = [aid[p] for p in preds[k]]
        out.append(a)
    return out
