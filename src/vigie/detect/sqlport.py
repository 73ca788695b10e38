"""The detectors' SQL, written once in DuckDB's dialect, translated for Spark SQL.

Why a translation and not a second copy: every detector's logic (episodes, the sorted
window join, the chance control's sums, the evidence) is one SQL text. A hand-written Spark
twin would drift from it with the first fix made on one side only. sqlglot parses the
DuckDB text and writes Spark SQL; the few functions whose meaning differs between the two
engines are rewritten here, each for a stated reason, and ``tests/detect/test_spark.py``
checks that both engines give the same answers.

Rewrites beyond sqlglot's own:

- ``hash(x)`` -> ``xxhash64(x)``: DuckDB's ``hash`` is 64 bits, Spark's ``hash`` only 32
  (a million objects would collide ~100 times); the detectors use hashes as join keys only,
  never as values that reach the Findings (copypasta's text order is handled apart, see
  ``spark_engine.SparkEngine.sign_texts``).
- ``len(list)`` -> ``size(list)``: Spark's ``length`` is for strings. sqlglot reads DuckDB's
  ``len`` and ``length`` as one function, so the argument decides: a string-valued
  expression (``array_to_string``, ``lower``, ``replace``, a ``||`` concatenation, a cast
  to a string...) keeps ``length``, anything else (the detectors' list columns and list
  functions) becomes ``size``.
- ``regexp_full_match(s, 'p')`` -> ``s RLIKE '^(?:p)\\z'``: Spark has no full-match
  function and its ``RLIKE`` finds the pattern anywhere; ``\\z`` (end of input), not ``$``,
  which in Java also matches before a final line break.
- ``quantile_cont(x, q)`` -> ``percentile(x, q)``: both interpolate linearly between the
  closest ranks (Spark's ``percentile_cont`` wants ``WITHIN GROUP`` syntax).
- ``epoch_us(ts)`` -> ``unix_micros(ts)``.
- ``strlen(s)`` -> ``octet_length(s)``: both count a string's UTF-8 bytes.
- ``CAST(unnest(l) AS T)`` -> ``explode(CAST(l AS ARRAY<T>))``: Spark refuses a generator
  nested in an expression.
- ``regexp_replace(s, p, r, 'g')`` with a group in ``r``: RE2 writes the group ``\\1``, Java
  ``$1`` (where ``\\1`` is a plain ``1``, and ``$`` must be escaped).
"""

from __future__ import annotations

import functools
import re
from collections import Counter

import sqlglot
from sqlglot import exp

_RENAMES = {"hash": "xxhash64", "epoch_us": "unix_micros", "strlen": "octet_length"}


# expressions whose value is a string: ``length`` of them stays ``length`` (see above)
_STRINGS = (
    exp.ArrayToString,
    exp.Lower,
    exp.Upper,
    exp.Trim,
    exp.Substring,
    exp.Concat,
    exp.DPipe,
    exp.RegexpReplace,
    exp.RegexpExtract,
    exp.Left,
    exp.Right,
    exp.Replace,
)


def _is_string(node: exp.Expression) -> bool:
    if isinstance(node, _STRINGS):
        return True
    if isinstance(node, exp.Cast | exp.TryCast):
        return node.to.is_type(*exp.DataType.TEXT_TYPES)
    return isinstance(node, exp.Literal) and node.is_string


def _rewrite(node: exp.Expression) -> exp.Expression:
    if isinstance(node, exp.Anonymous) and str(node.this).lower() in _RENAMES:
        return exp.Anonymous(this=_RENAMES[str(node.this).lower()], expressions=node.expressions)
    if isinstance(node, exp.Length):
        if _is_string(node.this):
            return node
        return exp.Anonymous(this="size", expressions=[node.this])
    if isinstance(node, exp.RegexpFullMatch):
        pat = node.expression
        if isinstance(pat, exp.Literal) and pat.is_string:
            anchored: exp.Expression = exp.Literal.string(f"^(?:{pat.this})\\z")
        else:
            anchored = exp.DPipe(
                this=exp.DPipe(this=exp.Literal.string("^(?:"), expression=pat),
                expression=exp.Literal.string(")\\z"),
            )
        return exp.RegexpLike(this=node.this, expression=anchored)
    if isinstance(node, exp.RegexpReplace) and not node.meta.get("java_replacement"):
        rep = node.args.get("replacement")
        if isinstance(rep, exp.Literal) and rep.is_string and re.search(r"[\\$]", rep.this):
            java = re.sub(
                r"\\(\d)|\$", lambda m: f"${m.group(1)}" if m.group(1) else "\\$", rep.this
            )
            new = node.copy()
            new.set("replacement", exp.Literal.string(java))
            new.meta["java_replacement"] = True  # rewritten once: the loop below repeats
            return new
    if isinstance(node, exp.PercentileCont):
        return exp.Anonymous(this="percentile", expressions=[node.this, node.expression])
    if isinstance(node, exp.Cast) and isinstance(node.this, exp.Explode):
        inner = node.this.this
        to = exp.DataType(this=exp.DataType.Type.ARRAY, expressions=[node.to], nested=True)
        return exp.Explode(this=exp.Cast(this=inner, to=to))
    return node


@functools.lru_cache(maxsize=4096)
def to_spark(sql: str) -> str:
    """``sql`` (one DuckDB statement) as Spark SQL; cached, the detectors repeat texts."""
    tree = sqlglot.parse_one(sql, read="duckdb")
    # sqlglot does not look inside a node a rewrite returned: repeat until nothing changes
    # (each rewrite's output matches no rewrite, so this ends after nesting depth passes)
    out = tree.sql(dialect="spark")
    while True:
        tree = tree.transform(_rewrite)
        new = tree.sql(dialect="spark")
        if new == out:
            return out
        out = new


# A CTE whose body does one of these is worth computing once; a plain projection or
# filter of one table is cheaper to read twice than to store (one job more).
_WORK = (exp.Join, exp.Group, exp.AggFunc, exp.Window, exp.Distinct, exp.SetOperation)

# The placeholder in the names of materialised CTEs: the caller swaps it for a name unique
# to one execution (a session runs statements from several threads, and views are shared)
CTE_TOKEN = "vigie_cte__"


def _with(tree: exp.Expression) -> exp.With | None:
    w = tree.args.get("with_", tree.args.get("with"))
    return w if isinstance(w, exp.With) else None


def _refs(node: exp.Expression, names: set[str]) -> Counter[str]:
    """How many times ``node`` reads each of ``names`` as an unqualified table."""
    got: Counter[str] = Counter()
    for tb in node.find_all(exp.Table):
        if not tb.args.get("db") and not tb.args.get("catalog") and tb.name in names:
            got[tb.name] += 1
    return got


@functools.lru_cache(maxsize=4096)
def split_ctes(sql: str) -> tuple[tuple[tuple[str, str], ...], str]:
    """``sql`` (one DuckDB query) as the CTEs to compute first and the rest.

    Why: DuckDB computes a CTE read more than once a single time; Spark inlines a CTE at
    every reference, so each read recomputes it with all its shuffles (the chance
    control's expectation query read its two CTEs twice each: 29 % of a run's Spark jobs).
    Returns ``((view, duck_sql), ...), rest``: each ``duck_sql`` computes one CTE (with
    the CTEs it needs inlined, earlier materialised ones read from their views), to be
    stored once under ``view`` (a name holding :data:`CTE_TOKEN`); ``rest`` is ``sql``
    reading those views. Only CTEs read at least twice whose body does real work (a join,
    a grouping, a window, DISTINCT, a set operation) are split off; a statement with
    nothing to split, a recursive WITH, or a CTE name reused in a nested scope comes back
    whole (``((), sql)``).
    """
    tree = sqlglot.parse_one(sql, read="duckdb")
    w = _with(tree)
    if w is None or w.args.get("recursive"):
        return (), sql
    ctes = list(w.expressions)
    names = {c.alias for c in ctes}
    # a nested WITH that reuses a top-level name would make renaming ambiguous: leave it
    for inner in tree.find_all(exp.With):
        if inner is not w and names & {c.alias for c in inner.expressions}:
            return (), sql
    uses = _refs(tree, names)
    deps = {c.alias: set(_refs(c.this, names)) for c in ctes}
    chosen = [c.alias for c in ctes if uses[c.alias] >= 2 and c.this.find(*_WORK) is not None]
    if not chosen:
        return (), sql
    view = {name: f"{CTE_TOKEN}{name}" for name in chosen}

    def rename(node: exp.Expression) -> exp.Expression:
        if (
            isinstance(node, exp.Table)
            and node.name in view
            and not node.args.get("db")
            and not node.args.get("catalog")
        ):
            out = exp.to_table(view[node.name])
            alias = node.args.get("alias") or exp.TableAlias(this=exp.to_identifier(node.name))
            out.set("alias", alias)
            return out
        return node

    by_name = {c.alias: c for c in ctes}
    steps = []
    for name in chosen:
        # the non-materialised CTEs this one needs, transitively, in their own order
        need, todo = set(), list(deps[name])
        while todo:
            d = todo.pop()
            if d not in view and d not in need:
                need.add(d)
                todo.extend(deps[d])
        body = by_name[name].this.copy()
        inner = [by_name[c.alias].copy() for c in ctes if c.alias in need]
        if inner:
            body.set("with_" if "with_" in body.arg_types else "with", exp.With(expressions=inner))
        steps.append((view[name], body.transform(rename).sql(dialect="duckdb")))
    rest = tree.copy()
    rw = _with(rest)
    kept = [c for c in rw.expressions if c.alias not in view]
    if kept:
        rw.set("expressions", kept)
    else:
        rest.set("with_" if "with_" in rest.arg_types else "with", None)
    return tuple(steps), rest.transform(rename).sql(dialect="duckdb")


@functools.lru_cache(maxsize=4096)
def tables_read(sql: str) -> frozenset[str] | None:
    """The tables and views ``sql`` (one DuckDB query) reads, its own CTEs left out; None
    when it calls a table function (``read_parquet``, ``range``...) or a function whose
    value differs between the engines (``hash``: a value computed by DuckDB on the driver
    could later meet one computed by Spark), or is not a plain query."""
    try:
        tree = sqlglot.parse_one(sql, read="duckdb")
    except sqlglot.errors.ParseError:
        return None
    if not isinstance(tree, exp.Query):
        return None
    for fn in tree.find_all(exp.Anonymous):
        if str(fn.this).lower() in _RENAMES:
            return None
    ctes = {c.alias for c in tree.find_all(exp.CTE)}
    names = set()
    for tb in tree.find_all(exp.Table):
        if not isinstance(tb.this, exp.Identifier) or tb.args.get("db") or tb.args.get("catalog"):
            return None
        if tb.name not in ctes:
            names.add(tb.name)
    return frozenset(names)
