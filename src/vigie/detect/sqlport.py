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
- ``CAST(unnest(l) AS T)`` -> ``explode(CAST(l AS ARRAY<T>))``: Spark refuses a generator
  nested in an expression.
"""

from __future__ import annotations

import functools

import sqlglot
from sqlglot import exp

_RENAMES = {"hash": "xxhash64", "epoch_us": "unix_micros"}


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
