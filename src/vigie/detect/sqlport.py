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
- ``len(list)`` -> ``size(list)``: the detectors call ``len`` on lists only, and Spark's
  ``length`` is for strings.
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


def _rewrite(node: exp.Expression) -> exp.Expression:
    if isinstance(node, exp.Anonymous) and str(node.this).lower() in _RENAMES:
        return exp.Anonymous(this=_RENAMES[str(node.this).lower()], expressions=node.expressions)
    if isinstance(node, exp.Length):
        return exp.Anonymous(this="size", expressions=[node.this])
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
    return tree.transform(_rewrite).sql(dialect="spark")
