"""CISO Assistant's study workbook (rows read by ``ciso_import``) -> a vigie study, sheet by
sheet in the order of the workshops, each step using the links the previous ones built.

Placeholders (where vigie needs a value CISO Assistant's file has no room for) and cells left
unread are counted and reported as notes at the end: nothing is dropped silently.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from vigie.risk import ciso_format as cf
from vigie.risk import scales
from vigie.risk.ciso_import import (
    GRAVITY_IN,
    ID_OK,
    LIKELIHOOD_IN,
    MODE_REF,
    PLACEHOLDER,
    Reader,
    Row,
    category_of,
    cell_flag,
    cell_int,
    cell_level,
    cell_rating,
    phase_of,
    pick_ids,
    slug,
)
from vigie.risk.model import SCHEMA_VERSION


class Converter:
    """One conversion: the reader's rows in, the study's plain data out (``run``)."""

    def __init__(self, rd: Reader, lang: str, marking: str) -> None:
        self.rd, self.lang, self.marking = rd, lang, marking
        self.filled: dict[str, int] = {}
        self.unread: dict[str, int] = {}
        self.out: dict[str, Any] = {"schema_version": SCHEMA_VERSION}

    def run(self) -> dict[str, Any]:
        self.study()
        self.assets()
        self.feared_events()
        self.baseline()
        self.pairs()
        self.stakeholders()
        self.strategic()
        self.controls()
        self.operational()
        for what, n in sorted(self.filled.items()):
            self.rd.notes.append(
                f"placeholder written for {n} {what}: not in CISO Assistant's file"
            )
        for what, n in sorted(self.unread.items()):
            self.rd.notes.append(
                f"{n} non-empty cell(s) of {what} not carried (vigie has no such field)"
            )
        return self.out

    def unused(self, row: Row, col: str) -> None:
        if row.text(col):
            self.count(self.unread, f"'{row.sheet}'.{col}")

    @staticmethod
    def count(counts: dict[str, int], what: str) -> None:
        counts[what] = counts.get(what, 0) + 1

    # --- 1.1 study ----------------------------------------------------------------------------
    def study(self) -> None:
        rd = self.rd
        st = rd.rows("study")[0] if rd.rows("study") else Row("1.1 Study", 2, {})
        self.title = st.text("name") or rd.path.stem
        sid = st.text("ref_id") if ID_OK.match(st.text("ref_id")) else slug(self.title)
        version = st.text("version")
        if not re.fullmatch(r"\d+\.\d+", version):
            if version:
                rd.notes.append(f"study version {version!r} is not x.y: written as 1.0")
            version = "1.0"
        for col in ("status", "eta", "observation"):
            self.unused(st, col)
        study: dict[str, Any] = {"id": sid, "title": self.title, "version": version,
                                 "marking": self.marking, "lang": self.lang}  # fmt: skip
        if st.text("description"):
            study["scope"] = st.text("description")
        if st.text("due_date"):
            try:
                study["review"] = {"next": dt.date.fromisoformat(st.text("due_date")[:10])}
            except ValueError:
                rd.error(st, "due_date", f"{st.get('due_date')!r} is not a date YYYY-MM-DD")
        self.out["study"] = study

    # --- 1.2 assets -> business values (primary) and supporting assets -----------------------
    def assets(self) -> None:
        rd, lang = self.rd, self.lang
        prim = [r for r in rd.rows("assets") if cf.norm(r.get("type")) in ("pr", "primary")]
        supp = [r for r in rd.rows("assets") if cf.norm(r.get("type")) in ("sp", "support")]
        for r in rd.rows("assets"):
            if r not in prim and r not in supp:
                rd.error(r, "type", f"{r.get('type')!r} is neither PR (primary) nor SP (support)")
        self.out["missions"] = [{
            "id": "MI1", "name": self.title,
            "description": "CISO Assistant has no missions: describe the study's here.",
        }]  # fmt: skip
        self.filled["missions (CISO Assistant has none)"] = 1
        bvs = []
        for bid, r in zip(pick_ids([r.text("ref_id") for r in prim], "BV"), prim, strict=True):
            bv = {"id": bid, "name": r.text("name"), "owner": PLACEHOLDER["owner"][lang],
                  "missions": ["MI1"]}  # fmt: skip
            if r.text("description"):
                bv["description"] = r.text("description")
            self.count(self.filled, "business value owners")
            bvs.append(bv)
        if not bvs:
            bvs.append({"id": "BV1", "name": self.title, "owner": PLACEHOLDER["owner"][lang],
                        "missions": ["MI1"]})  # fmt: skip
            self.filled["business value (no primary asset in the file)"] = 1
        self.bv_by_name = {cf.norm(b["name"]): b["id"] for b in bvs}
        sas = []
        for aid, r in zip(pick_ids([r.text("ref_id") for r in supp], "SA"), supp, strict=True):
            sa: dict[str, Any] = {"id": aid, "name": r.text("name")}
            if r.text("description"):
                sa["description"] = r.text("description")
            parent = cf.norm(r.get("parent_asset"))
            if parent and parent in self.bv_by_name:
                sa["business_values"] = [self.bv_by_name[parent]]
            elif parent:
                self.unused(r, "parent_asset")
            sas.append(sa)
        self.out["business_values"], self.out["supporting_assets"] = bvs, sas

    # --- 1.3 feared events -----------------------------------------------------------------
    def feared_events(self) -> None:
        rd = self.rd
        fe_rows = rd.rows("feared_events")
        fes: list[dict[str, Any]] = []
        self.fe_by_name: dict[str, str] = {}
        self.unselected: list[str] = []
        for fid, r in zip(
            pick_ids([r.text("ref_id") for r in fe_rows], "FE"), fe_rows, strict=True
        ):
            fe: dict[str, Any] = {"id": fid, "name": r.text("name")}
            links = []
            for a in cf.lines(r.get("assets")):
                if cf.norm(a) in self.bv_by_name:
                    links.append(self.bv_by_name[cf.norm(a)])
                else:
                    self.count(self.unread, "feared event assets that are not primary assets")
            if links:
                fe["business_values"] = links
            if cf.lines(r.get("description")):
                fe["impacts"] = cf.lines(r.get("description"))
            fe["severity"] = cell_level(rd, r, "gravity", GRAVITY_IN, "gravity")
            self.unused(r, "justification")
            if "is_selected" in r.cells and not cell_flag(rd, r, "is_selected"):
                self.unselected.append(fid)
            self.fe_by_name[cf.norm(fe["name"])] = fid
            fes.append(fe)
        if self.unselected:
            rd.notes.append(
                f"{len(self.unselected)} feared event(s) not selected in CISO Assistant "
                f"({', '.join(self.unselected)}): imported, but no scenario leads to them"
            )
        self.out["feared_events"] = fes

    # --- 1.4.x baseline ------------------------------------------------------------------------
    def baseline(self) -> None:
        rd = self.rd
        not_rated = {k for k, v in cf.RESULT_IN.items() if v is None}
        rows = [r for r in rd.rows("baseline") if cf.norm(r.get("result")) not in not_rated]
        skipped = len(rd.rows("baseline")) - len(rows)
        if skipped:
            rd.notes.append(
                f"{skipped} baseline requirement(s) not assessed or not applicable: skipped"
            )
        base = []
        for bid, r in zip(pick_ids([r.text("ref_id") for r in rows], "B"), rows, strict=True):
            status = cf.RESULT_IN.get(cf.norm(r.get("result")), "")
            if not status:
                rd.error(r, "result", f"{r.get('result')!r} is not a compliance result")
            item: dict[str, Any] = {"id": bid, "name": r.text("name"), "status": status}
            if r.text("description"):
                item["kind"] = r.text("description")
            gaps = []
            for line in cf.lines(r.get("observation")):
                d, _, j = line.partition(" — ")
                why = j.strip() or PLACEHOLDER["gap"][self.lang]
                gaps.append({"description": d.strip() or line, "justification": why})
            if gaps:
                item["gaps"] = gaps
            for col in ("urn", "applied_controls"):
                self.unused(r, col)
            base.append(item)
        self.out["baseline"] = base

    # --- 2.1 RO/TO couples -> risk sources and pairs ------------------------------------------
    def pairs(self) -> None:
        rd = self.rd
        sources: dict[str, dict[str, str]] = {}
        pairs = []
        self.pair_by_key: dict[tuple[str, str], str] = {}
        self.pair_fes: dict[str, list[str]] = {}
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
                just = PLACEHOLDER["justification"][self.lang]
                self.count(self.filled, "pair justifications")
            pairs.append({
                "id": pid, "source": sources[key]["id"], "objective": objective,
                "motivation": cell_rating(rd, r, "motivation", cf.MOTIVATION),
                "resources": cell_rating(rd, r, "resources", cf.RESOURCES),
                "activity": cell_rating(rd, r, "activity", cf.ACTIVITY),
                "retained": cell_flag(rd, r, "is_selected") if "is_selected" in r.cells else True,
                "justification": just,
            })  # fmt: skip
            self.pair_by_key[(key, cf.norm(objective))] = pid
            linked = []
            for name in cf.lines(r.get("feared_events")):
                fid = self.fe_by_name.get(cf.norm(name))
                if fid is None:
                    rd.error(r, "feared_events", f"no feared event named {name!r}")
                elif fid not in self.unselected:
                    linked.append(fid)
            self.pair_fes[pid] = linked
        self.out["risk_sources"], self.out["risk_pairs"] = list(sources.values()), pairs

    # --- 3.1 stakeholders ---------------------------------------------------------------------
    def stakeholders(self) -> None:
        rd = self.rd
        shs = []
        self.sh_by_label: dict[str, str] = {}
        for i, r in enumerate(rd.rows("stakeholders"), 1):
            sh: dict[str, Any] = {"id": f"SH{i}", "name": r.text("entity"),
                                  "category": category_of(r.text("category"))}  # fmt: skip
            if not sh["name"]:
                rd.error(r, "entity", "is empty")
            if "is_selected" in r.cells and cell_flag(rd, r, "is_selected"):
                sh["critical"] = True
            if r.text("justification"):
                sh["description"] = r.text("justification")
            cur = {k: cell_int(rd, r, f"current_{k}") for k in scales_ratings()}
            if all(cur.values()):
                sh.update(cur)
                res = {k: cell_int(rd, r, f"residual_{k}") for k in cur}
                diff = {k: v for k, v in res.items() if v and v != cur[k]}
                if diff:
                    sh["residual"] = diff
            elif cur["dependency"] or cur["penetration"]:
                rd.notes.append(
                    f"sheet '{r.sheet}' row {r.number}: stakeholder {sh['name']!r} partly rated "
                    "(a 0 dependency or penetration): imported as not rated"
                )
            shs.append(sh)
            self.sh_by_label[cf.norm(f"{r.text('entity')} ({r.text('category')})")] = sh["id"]
            self.sh_by_label.setdefault(cf.norm(r.text("entity")), sh["id"])
        self.out["stakeholders"] = shs

    def _stakeholder_ids(self, r: Row) -> list[str]:
        out = []
        for label in cf.lines(r.get("stakeholders")):
            sh_id = self.sh_by_label.get(cf.norm(label))
            if sh_id is None:
                self.rd.error(r, "stakeholders", f"no stakeholder {label!r} in '3.1 Stakeholders'")
            else:
                out.append(sh_id)
        return out

    # --- 3.2.1 strategic scenarios, 3.2.2 attack paths ----------------------------------------
    def strategic(self) -> None:
        rd = self.rd
        ss_rows = rd.rows("strategic_scenarios")
        sss: list[dict[str, Any]] = []
        ss_by_name: dict[str, dict[str, Any]] = {}
        for sid, r in zip(
            pick_ids([r.text("ref_id") for r in ss_rows], "SS"), ss_rows, strict=True
        ):
            pid = self.pair_by_key.get(
                (cf.norm(r.get("risk_origin")), cf.norm(r.get("target_objective")))
            )
            if pid is None:
                rd.error(r, "risk_origin", "no RO/TO couple with this risk origin and target "
                         f"objective ({r.text('risk_origin')!r}, "
                         f"{r.text('target_objective')!r})")  # fmt: skip
            elif not self.pair_fes[pid]:
                rd.error(r, "risk_origin", "its RO/TO couple leads to no selected feared "
                         "event; vigie needs at least one")  # fmt: skip
            ss: dict[str, Any] = {"id": sid, "name": r.text("name"), "pair": pid or "?",
                                  "feared_events": self.pair_fes.get(pid or "", []),
                                  "paths": []}  # fmt: skip
            if r.text("description"):
                ss["description"] = r.text("description")
            sss.append(ss)
            ss_by_name[cf.norm(r.get("name"))] = ss
        self.ap_by_name: dict[str, tuple[str, str]] = {}
        for r in rd.rows("attack_paths"):
            ss = ss_by_name.get(cf.norm(r.get("strategic_scenario")))
            if ss is None:
                rd.error(r, "strategic_scenario", "no strategic scenario named "
                         f"{r.text('strategic_scenario')!r}")  # fmt: skip
                continue
            ref = r.text("ref_id")
            if ref.startswith(ss["id"] + "."):
                ref = ref[len(ss["id"]) + 1 :]
            taken = [p["id"] for p in ss["paths"]]
            pid = ref if ref and ID_OK.match(ref) and ref not in taken else f"P{len(taken) + 1}"
            while pid in taken:
                pid += "x"
            path: dict[str, Any] = {"id": pid, "stakeholders": self._stakeholder_ids(r)}
            if r.text("description"):
                path["description"] = r.text("description")
            if "is_selected" in r.cells and not cell_flag(rd, r, "is_selected"):
                rd.notes.append(
                    f"attack path {r.text('name')!r} is not selected in CISO Assistant: "
                    "imported (vigie has no selection flag for paths)"
                )
            self.unused(r, "justification")
            ss["paths"].append(path)
            self.ap_by_name[cf.norm(r.get("name"))] = (ss["id"], pid)
        for ss, r in zip(sss, ss_rows, strict=True):
            if not ss["paths"]:
                rd.error(r, "name", "this strategic scenario has no attack path in '3.2.2 "
                         "Attack Paths'; vigie needs at least one (a direct path has no "
                         "stakeholder)")  # fmt: skip
        self.out["strategic_scenarios"] = sss

    # --- 3.3 stakeholder controls -> ecosystem measures ---------------------------------------
    def controls(self) -> None:
        rd = self.rd
        rows = rd.rows("stakeholder_controls")
        measures = []
        for mid, r in zip(pick_ids([r.text("ref_id") for r in rows], "M"), rows, strict=True):
            m: dict[str, Any] = {"id": mid, "name": r.text("name"), "category": "protection",
                                 "owner": PLACEHOLDER["owner"][self.lang]}  # fmt: skip
            self.count(self.filled, "measure owners and categories")
            if r.text("description"):
                m["description"] = r.text("description")
            status = cf.norm(r.get("status"))
            if status not in cf.CONTROL_STATUS_IN:
                rd.error(r, "status", f"{r.get('status')!r} is not an applied control status")
            elif cf.CONTROL_STATUS_IN[status]:
                m["status"] = cf.CONTROL_STATUS_IN[status]
            m["stakeholders"] = self._stakeholder_ids(r)
            measures.append(m)
        self.out["measures"] = measures

    # --- 4.0 elementary actions, 4.1.1 operational scenarios, 4.1.2 operating modes -----------
    def operational(self) -> None:
        from vigie.risk.check import technique_problem

        rd = self.rd
        ea: dict[str, tuple[str, str | None]] = {}
        for r in rd.rows("elementary_actions"):
            ref = r.text("ref_id")
            tech = ref if ref and technique_problem(ref) is None else None
            if ref and tech is None:
                self.unused(r, "ref_id")
            self.unused(r, "description")
            self.unused(r, "icon")
            ea[cf.norm(r.get("name"))] = (phase_of(rd, r), tech)
        ea_name = {cf.norm(r.get("name")): r.text("name") for r in rd.rows("elementary_actions")}
        modes_of: dict[str, list[Row]] = {}
        for r in rd.rows("operating_modes"):
            modes_of.setdefault(cf.norm(r.get("operational_scenario")), []).append(r)
        groups = self._groups(modes_of)
        wanted = [g if not g.startswith("#") else "" for g in groups]
        ss_name = {s["id"]: s["name"] for s in self.out["strategic_scenarios"]}
        oss = []
        for oid, (gid, members) in zip(pick_ids(wanted, "OS"), groups.items(), strict=True):
            first = members[0][0]
            liks = [
                cell_level(rd, r, "likelihood", LIKELIHOOD_IN, "likelihood") for r, _ in members
            ]
            liks = [x for x in liks if x]
            ss_id = members[0][1][0]
            os_: dict[str, Any] = {
                "id": oid,
                "name": first.text("name") if len(members) == 1 else ss_name.get(ss_id, ss_id),
                "strategic_scenario": ss_id,
                "paths": [ap[1] for _, ap in members],
                "method": "express",
                "likelihood": max(liks, key=scales.level_index) if liks else None,
            }
            if len(set(liks)) > 1:
                rd.notes.append(
                    f"operational scenarios of group {gid} have different likelihoods "
                    f"({', '.join(liks)}): the highest is kept"
                )
            if first.text("operating_modes_description"):
                os_["description"] = first.text("operating_modes_description")
            for r, _ in members:
                self.unused(r, "justification")
            actions = _actions(rd, modes_of.get(cf.norm(first.get("name")), []), ea, ea_name)
            if actions:
                os_["actions"] = actions
            oss.append(os_)
        self.out["operational_scenarios"] = oss

    def _groups(
        self, modes_of: dict[str, list[Row]]
    ) -> dict[str, list[tuple[Row, tuple[str, str]]]]:
        """CISO Assistant's scenarios (one per attack path) grouped back into vigie's: those
        whose operating modes all carry one vigie scenario id (``OS2.MO1``) and share a
        strategic scenario; any other stands alone (``#<row>``)."""
        groups: dict[str, list[tuple[Row, tuple[str, str]]]] = {}
        for i, r in enumerate(self.rd.rows("operational_scenarios"), 1):
            ap = self.ap_by_name.get(cf.norm(r.get("attack_path")))
            if ap is None:
                self.rd.error(r, "attack_path", f"no attack path named {r.text('attack_path')!r}")
                continue
            mine = modes_of.get(cf.norm(r.get("name")), [])
            refs = {MODE_REF.match(m.text("ref_id")) for m in mine}
            gid = f"#{i}"
            if mine and None not in refs and len({m.group("os") for m in refs if m}) == 1:
                gid = next(m.group("os") for m in refs if m)
                if groups.get(gid) and groups[gid][0][1][0] != ap[0]:
                    gid = f"#{i}"  # same mode ids under another strategic scenario: apart
            groups.setdefault(gid, []).append((r, ap))
        return groups


def scales_ratings() -> tuple[str, ...]:
    """The four ratings of a stakeholder, in CISO Assistant's column order."""
    return ("dependency", "penetration", "maturity", "trust")


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
