"""The workbook ``vigie risk export --xlsx`` writes, read back into a study.

Why: a steering committee or a security officer often edits the spreadsheet, not the YAML.
The workbook carries every input of the study (computed columns are shown beside them and
ignored here: vigie recomputes them), in English or French sheet names and headers. Labels
shown for codes (a phase "Rentrer", a measure category "Défense", a status "Applied") are read
back in either language.

Every cell used is checked: an unknown label, a number that is not one, a date that is not one
is an error naming the file, the sheet, the row and the column, all listed at once; the study
built is then checked as any study file (``check.validate``).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

from vigie.errors import VigieError
from vigie.json_guard import UNREADABLE, why
from vigie.risk import scales
from vigie.risk.export_xlsx import GAP_SEP, NO_PREDECESSOR, PATH_SEP, RESIDUAL
from vigie.risk.xlsx_labels import SHEET_IN, header_key

FORCED_ITEM = re.compile(r"^(?P<section>\w+)\[(?P<id>[^\]]+)\]\.(?P<name>\w+)$")
REQUIRED = ("Study", "Missions", "Business values", "Feared events", "Risk sources")


class Sheet:
    """One sheet's rows as ``{english header: cell}``, and the errors found reading them."""

    def __init__(self, key: str, title: str, rows: list[tuple[int, dict[str, Any]]]):
        self.key, self.title, self.rows = key, title, rows


class Book:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.sheets: dict[str, Sheet] = {}
        self.errors: list[str] = []

    def rows(self, key: str) -> list[tuple[int, dict[str, Any]]]:
        return self.sheets[key].rows if key in self.sheets else []

    def error(self, key: str, n: int, col: str, msg: str) -> None:
        title = self.sheets[key].title if key in self.sheets else key
        self.errors.append(f"sheet '{title}' row {n}, {col}: {msg}")


def _open(path: Path) -> Book:
    from vigie.workbook import open_workbook

    book = Book(path)
    with open_workbook(path) as wb:
        titles = list(wb.sheetnames)
        for title in titles:
            key = SHEET_IN.get(title.strip())
            if key is None:
                continue
            it = wb[title].iter_rows(values_only=True)
            head = [header_key(h) if h is not None else "" for h in next(it, ()) or ()]
            rows = []
            for n, values in enumerate(it, start=2):
                if values is None or all(_blank(v) for v in values):
                    continue
                rows.append((n, {h: v for h, v in zip(head, values, strict=False) if h}))
            book.sheets[key] = Sheet(key, title, rows)
    missing = [k for k in REQUIRED if k not in book.sheets]
    if missing:
        hint = ""
        if any(t.split(" ", 1)[0] in ("1.3", "2.1") for t in titles):  # CISO's numbered sheets
            hint = (
                "; it looks like a CISO Assistant EBIOS RM study export: read it with "
                f"vigie risk import-ciso {path}"
            )
        raise VigieError(
            f"{path}: no sheet {', '.join(repr(m) for m in missing)}: not a workbook written by "
            f"vigie risk export --xlsx{hint}"
        )
    return book


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def _s(v: Any) -> str | None:
    """A cell as text (None when empty); numbers typed in a text column come back as text."""
    if _blank(v):
        return None
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v).strip() if isinstance(v, str) else str(v)


def _ids(v: Any) -> list[str]:
    return [x.strip() for x in (_s(v) or "").split(",") if x.strip()]


def _lines(v: Any) -> list[str]:
    return [x.strip() for x in (_s(v) or "").splitlines() if x.strip()]


def _reverse(*tables: dict) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for table in tables:
        for code, labels in table.items():
            out[str(code).lower()] = code
            for label in labels.values():
                out[" ".join(label.split()).lower()] = code
    return out


PHASE_IN = _reverse(scales.PHASE)
CATEGORY_IN = _reverse(scales.MEASURE_CATEGORY)
STATUS_IN = _reverse(scales.MEASURE_STATUS)
BASELINE_IN = _reverse(scales.BASELINE_STATUS)


class Cells:
    """Typed reading of one row; each bad cell becomes an error naming sheet, row, column."""

    def __init__(self, book: Book, key: str, n: int, row: dict[str, Any]) -> None:
        self.book, self.key, self.n, self.row = book, key, n, row

    def s(self, col: str) -> str | None:
        return _s(self.row.get(col))

    def label(self, col: str, table: dict[str, Any]) -> Any:
        v = self.s(col)
        if v is None:
            return None
        code = table.get(" ".join(v.split()).lower())
        if code is None:
            self.book.error(self.key, self.n, col, f"{v!r} is not one of its labels")
        return code

    def int(self, col: str) -> int | None:
        v = self.row.get(col)
        if _blank(v):
            return None
        if isinstance(v, bool):
            self.book.error(self.key, self.n, col, f"{v!r} is not a whole number")
            return None
        try:
            f = float(str(v).replace(",", ".").strip())
        except ValueError:
            self.book.error(self.key, self.n, col, f"{v!r} is not a number")
            return None
        if not f.is_integer():
            self.book.error(self.key, self.n, col, f"{v!r} is not a whole number")
            return None
        return int(f)

    def flag(self, col: str) -> bool | None:
        v = self.row.get(col)
        if _blank(v):
            return None
        if isinstance(v, bool):
            return v
        t = str(v).strip().lower()
        if t in ("true", "vrai", "yes", "oui", "1", "x"):
            return True
        if t in ("false", "faux", "no", "non", "0"):
            return False
        self.book.error(self.key, self.n, col, f"{v!r} is not true or false")
        return None

    def date(self, col: str) -> dt.date | None:
        v = self.row.get(col)
        if _blank(v):
            return None
        if isinstance(v, dt.datetime):
            return v.date()
        if isinstance(v, dt.date):
            return v
        try:
            return dt.date.fromisoformat(str(v).strip()[:10])
        except ValueError:
            self.book.error(self.key, self.n, col, f"{v!r} is not a date YYYY-MM-DD")
            return None

    def value(self, col: str) -> Any:
        """A forced value as typed: a number stays a number, a code stays text."""
        v = self.row.get(col)
        if _blank(v):
            return None
        if isinstance(v, str):
            return v.strip()
        if isinstance(v, float) and v.is_integer():
            return int(v)
        return v


def _put(d: dict[str, Any], **kv: Any) -> dict[str, Any]:
    """Set only the values given: an empty cell leaves the field to its default."""
    for k, v in kv.items():
        if v is not None and v != []:
            d[k] = v
    return d


def read_xlsx(path: str | Path) -> dict[str, Any]:
    """The study (plain data, checked) from the workbook ``vigie risk export --xlsx`` wrote."""
    from vigie.risk.check import StudyError, validate

    path = Path(path)
    book = _open(path)
    data = _study(book)
    if book.errors:
        raise StudyError(str(path), book.errors)
    _, rep = validate(data)
    if rep.errors:
        raise StudyError(f"{path} (as read)", rep.errors)
    return data


def _cells(book: Book, key: str) -> list[Cells]:
    return [Cells(book, key, n, row) for n, row in book.rows(key)]


def _study(book: Book) -> dict[str, Any]:
    info: dict[str, Any] = {}
    review: dict[str, Any] = {}
    data: dict[str, Any] = {}
    for c in _cells(book, "Study"):
        field = c.s("field")
        if field is None:
            continue
        c.row[field] = c.row.get("value")
        if field in ("date", "review.last", "review.next"):
            v: Any = c.date(field)
        elif field == "review.cadence_days":
            v = c.int(field)
        elif field == "authors":
            v = _lines(c.row.get(field))
        elif field == "settings":
            v = None
            if c.s(field):
                try:
                    data["settings"] = json.loads(c.s(field) or "")
                except json.JSONDecodeError as exc:
                    book.error("Study", c.n, "settings", f"not valid JSON ({exc.msg})")
                except UNREADABLE as exc:  # an integer too long for Python, too deep
                    book.error("Study", c.n, "settings", f"not valid JSON ({why(exc)})")
        else:
            v = c.s(field)
        if field == "schema_version":
            data["schema_version"] = v
        elif field.startswith("review."):
            _put(review, **{field[7:]: v})
        elif field != "settings":
            _put(info, **{field: v})
    if review:
        info["review"] = review
    data = {"schema_version": data.get("schema_version"), "study": info, **data}
    data["missions"] = [
        _put({}, id=c.s("id"), name=c.s("name"), description=c.s("description"))
        for c in _cells(book, "Missions")
    ]
    data["business_values"] = [
        _put({}, id=c.s("id"), name=c.s("name"), nature=c.s("nature"), owner=c.s("owner"),
             missions=_ids(c.row.get("missions")), description=c.s("description"))
        for c in _cells(book, "Business values")
    ]  # fmt: skip
    data["supporting_assets"] = [
        _put({}, id=c.s("id"), name=c.s("name"), owner=c.s("owner"),
             business_values=_ids(c.row.get("business values")), description=c.s("description"))
        for c in _cells(book, "Supporting assets")
    ]  # fmt: skip
    data["feared_events"] = [
        _put({}, id=c.s("id"), name=c.s("name"), business_values=_ids(c.row.get("business values")),
             impacts=_lines(c.row.get("impacts")), severity=c.s("severity"))
        for c in _cells(book, "Feared events")
    ]  # fmt: skip
    data["baseline"] = []
    for c in _cells(book, "Baseline"):
        gaps = []
        for line in _lines(c.row.get("gaps (description — justification)")):
            d, sep, j = line.partition(GAP_SEP.strip())
            gaps.append({"description": d.strip(), "justification": j.strip()} if sep else
                        {"description": line, "justification": ""})  # fmt: skip
        data["baseline"].append(_put({}, id=c.s("id"), name=c.s("name"), kind=c.s("kind"),
                                     status=c.label("status", BASELINE_IN), gaps=gaps))  # fmt: skip
    data["risk_sources"] = [
        _put({}, id=c.s("id"), name=c.s("name"), description=c.s("description"))
        for c in _cells(book, "Source list")
    ]
    data["risk_pairs"] = [
        _put({}, id=c.s("pair"), source=c.s("source"), objective=c.s("objective"),
             motivation=c.int("motivation"), resources=c.int("resources"),
             activity=c.int("activity"), retained=c.flag("retained"),
             justification=c.s("justification"))
        for c in _cells(book, "Risk sources")
    ]  # fmt: skip
    data["stakeholders"] = []
    for c in _cells(book, "Ecosystem"):
        residual = _put({}, **{k: c.int(f"residual {k}") for k in RESIDUAL})
        data["stakeholders"].append(_put(
            {}, id=c.s("id"), name=c.s("name"), category=c.s("category"),
            critical=c.flag("critical"), description=c.s("description"),
            dependency=c.int("dependency"), penetration=c.int("penetration"),
            maturity=c.int("maturity"), trust=c.int("trust"), residual=residual or None,
        ))  # fmt: skip
    data["strategic_scenarios"] = []
    by_ss: dict[str, dict[str, Any]] = {}
    for c in _cells(book, "Strategic scenarios"):
        sid = c.s("id") or f"?row{c.n}"
        if sid not in by_ss:
            by_ss[sid] = _put({}, id=c.s("id"), name=c.s("name"), pair=c.s("pair"),
                              description=c.s("description"),
                              feared_events=_ids(c.row.get("feared events")))  # fmt: skip
            by_ss[sid]["paths"] = []
            data["strategic_scenarios"].append(by_ss[sid])
        stk = [x.strip() for x in (c.s("stakeholders") or "").split(PATH_SEP.strip()) if x.strip()]
        by_ss[sid]["paths"].append(_put({}, id=c.s("path"), stakeholders=stk,
                                        description=c.s("path description")))  # fmt: skip
    data["operational_scenarios"] = []
    by_os: dict[str, dict[str, Any]] = {}
    for c in _cells(book, "Operational scenarios"):
        o = _put({}, id=c.s("id"), name=c.s("name"), strategic_scenario=c.s("strategic scenario"),
                 paths=_ids(c.row.get("paths")), description=c.s("description"),
                 method=c.s("method"), likelihood=c.s("likelihood (express)"))  # fmt: skip
        data["operational_scenarios"].append(o)
        by_os[str(o.get("id"))] = o
    for c in _cells(book, "Operational actions"):
        o = by_os.get(str(c.s("scenario")))
        if o is None:
            msg = f"{c.s('scenario')!r} is not in the operational scenarios sheet"
            book.error("Operational actions", c.n, "scenario", msg)
            continue
        after_cell = c.s("after")
        after = None
        if after_cell is not None:
            after = [] if after_cell == NO_PREDECESSOR else _ids(after_cell)
        tech = (c.s("technique") or "").split(" ")[0]
        a = _put({}, id=c.s("action"), phase=c.label("phase", PHASE_IN),
                 description=c.s("description"), technique=tech if tech not in ("", "—") else None,
                 success=c.int("success"), difficulty=c.int("difficulty"))  # fmt: skip
        if after is not None:
            a["after"] = after
        if c.s("join") and c.s("join") != "or":
            a["join"] = c.s("join")
        o.setdefault("actions", []).append(a)
    data["measures"] = []
    for c in _cells(book, "Measures"):
        refs = []
        for x in _ids(c.row.get("attack paths")):
            scen, sep, p = x.partition("/")
            if not sep:
                book.error("Measures", c.n, "attack paths", f"{x!r} is not scenario/path")
            refs.append({"scenario": scen, "path": p})
        data["measures"].append(_put(
            {}, id=c.s("id"), name=c.s("name"), category=c.label("category", CATEGORY_IN),
            description=c.s("description"), owner=c.s("owner"), owners=_lines(c.row.get("owners")),
            status=c.label("status", STATUS_IN), cost=c.s("cost"), deadline=c.date("deadline"),
            deadline_months=c.int("deadline (months)"), progress=c.int("progress %"),
            stakeholders=_ids(c.row.get("stakeholders")), attack_paths=refs,
        ))  # fmt: skip
    data["risks"] = []
    for c in _cells(book, "Risks"):
        r = _put({}, id=c.s("risk"), operational_scenario=c.s("scenario"),
                 strategy=c.s("strategy"), measures=_ids(c.row.get("measures")))  # fmt: skip
        acc = _put({}, by=c.s("accepted by"), date=c.date("acceptance date"),
                   decision=c.s("decision"), comment=c.s("acceptance comment"))  # fmt: skip
        res = _put({}, justification=c.s("residual justification"),
                   severity=c.s("residual severity (set)"),
                   likelihood=c.s("residual likelihood (set)"),
                   description=c.s("residual description"),
                   vulnerabilities=_lines(c.row.get("vulnerabilities")),
                   monitoring=c.s("monitoring"), acceptance=acc or None)  # fmt: skip
        if res:
            r["residual"] = res
        data["risks"].append(r)
    _forced(book, data)
    data["notes"] = [
        _put({}, date=c.date("date"), author=c.s("author"), text=c.s("text"))
        for c in _cells(book, "Notes")
    ]
    return data


def _forced(book: Book, data: dict[str, Any]) -> None:
    """Forced values go back on their item (``stakeholders[SH1].threat``)."""
    for c in _cells(book, "Forced values"):
        m = FORCED_ITEM.match(c.s("item") or "")
        section = m and data.get(m.group("section"))
        item = None
        if m and isinstance(section, list):
            item = next((x for x in section if x.get("id") == m.group("id")), None)
        if item is None:
            book.error("Forced values", c.n, "item",
                       f"{c.s('item')!r} names no item of the study")  # fmt: skip
            continue
        item.setdefault("forced", {})[m.group("name")] = _put(
            {}, value=c.value("retained"), justification=c.s("justification"),
            source=c.s("source"), date=c.date("date"), author=c.s("author"),
        )  # fmt: skip
