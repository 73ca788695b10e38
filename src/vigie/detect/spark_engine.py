"""The detection engine on Apache Spark: the detectors' own SQL, run in a Spark session.

Why this shape: every detector talks to its engine through a DuckDB-like connection
(``execute``, ``sql``, ``register``); :class:`SparkConnection` offers the same calls on a
SparkSession, translating each statement with :mod:`vigie.detect.sqlport`. The detectors
are not copied: the SQL that runs on Spark is the SQL that runs on DuckDB. What a DuckDB
``CREATE TABLE`` is becomes a checkpointed temporary view (computed once, its plan cut so
that later queries stay small), a ``CREATE VIEW`` a lazy temporary view.

The NumPy parts run where their data is: copypasta's MinHash and LSH bands per partition
(``mapInArrow``, :meth:`SparkEngine.cluster_texts`), the co-action pairs per partition of
objects and counted by Spark (:class:`SparkPairs`); the near-duplicate media and look-alike
domain matching on the driver over the distinct values (small: distinct hashes and host
names, not posts); the graph stage on the driver over the kept pairs. docs/spark.md says
how large those driver-side results grow.

Nothing here is imported unless ``--engine spark`` is asked for: the default install needs
neither Java nor PySpark.
"""

from __future__ import annotations

import itertools
import os
import re
import sys
import tempfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from vigie.detect.engine import (
    REQUIRED,
    Engine,
    creation_dates_unread,
    shared_post_ids_query,
)
from vigie.detect.sqlport import CTE_TOKEN, split_ctes, tables_read, to_spark
from vigie.errors import VigieError
from vigie.schema import EARLIEST_CREATION

# What the detectors asked of Spark in this process, by kind (benchmarks/spark_scale.py
# prints it beside the number of Spark jobs): table, view, query, count, insert...
STATEMENTS: Counter[str] = Counter()
# What the executors did in place of the driver, in rows (printed beside STATEMENTS): the
# actions the co-action pairs were drawn from, the candidate pairs they counted, the
# actions sent to the driver, the texts copypasta clustered
SPREAD: Counter[str] = Counter()

# The paraphrase embedder of this Python worker, loaded once (a worker runs many tasks)
_WORKER_MODEL: list[Any] = []

_CREATE = re.compile(
    r"^\s*CREATE\s+(?:OR\s+REPLACE\s+)?(?:TEMP\s+|TEMPORARY\s+)?(TABLE|VIEW)\s+(\w+)\s+AS\s+(.*)$",
    re.IGNORECASE | re.DOTALL,
)
_DROP = re.compile(r"^\s*DROP\s+(?:TABLE|VIEW)\s+(?:IF\s+EXISTS\s+)?(\w+)\s*$", re.IGNORECASE)
_INSERT = re.compile(r"^\s*INSERT\s+INTO\s+(\w+)\s+(.*)$", re.IGNORECASE | re.DOTALL)
_DESCRIBE = re.compile(r"^\s*DESCRIBE\s+(.*)$", re.IGNORECASE | re.DOTALL)
_PARQUET = re.compile(r"read_parquet\('((?:[^']|'')*)'\)")
_TRACE = os.environ.get("VIGIE_SPARK_TRACE") not in (None, "", "0")
_COUNT = re.compile(r"^\s*SELECT\s+count\(\*\)\s+FROM\s+(\w+)\s*$", re.IGNORECASE)
_TABLES = re.compile(r"duckdb_tables\(\)", re.IGNORECASE)
_PROBE = re.compile(r"^\s*SELECT\s+1\s+FROM\s+(\w+)\s+LIMIT\s+0\s*$", re.IGNORECASE)
_SHOW = re.compile(r"^\s*SHOW\s+TABLES\s*$", re.IGNORECASE)
# one number per statement whose CTEs are stored: their views' names never collide
_CTE_SEQ = itertools.count()
# ``--spark-conf spark.vigie.storeCtes=true``: store CTEs read twice (see ``_frame``)
STORE_CTES = "spark.vigie.storeCtes"
# A table registered from the driver's Arrow up to this size is also kept there: a query
# reading only such tables runs on the driver (see ``SparkConnection._on_driver``)
_LOCAL_MAX_BYTES = 64 * 2**20


def _duck_type(dt: Any) -> str:
    """A Spark type named as DuckDB names it (detectors test ``endswith('[]')``)."""
    from pyspark.sql import types as T

    if isinstance(dt, T.ArrayType):
        return _duck_type(dt.elementType) + "[]"
    names = {
        T.StringType: "VARCHAR",
        T.LongType: "BIGINT",
        T.IntegerType: "INTEGER",
        T.ShortType: "SMALLINT",
        T.ByteType: "TINYINT",
        T.DoubleType: "DOUBLE",
        T.FloatType: "FLOAT",
        T.BooleanType: "BOOLEAN",
        T.TimestampType: "TIMESTAMP WITH TIME ZONE",
        T.DateType: "DATE",
        T.BinaryType: "BLOB",
    }
    for cls, name in names.items():
        if isinstance(dt, cls):
            return name
    return dt.simpleString().upper()


def _plain(table: pa.Table) -> pa.Table:
    """Spark's Arrow as DuckDB's: 32-bit offsets (strings, lists), as the detectors expect."""
    fields = []
    changed = False
    for f in table.schema:
        t = f.type
        if pa.types.is_large_string(t):
            t = pa.string()
        elif pa.types.is_large_list(t):
            v = pa.string() if pa.types.is_large_string(t.value_type) else t.value_type
            t = pa.list_(v)
        changed |= t != f.type
        fields.append(pa.field(f.name, t))
    return table.cast(pa.schema(fields)) if changed else table


def _to_arrow(df: Any) -> pa.Table:
    """A DataFrame collected to the driver as Arrow (PySpark 4 and 3.5)."""
    if hasattr(df, "toArrow"):
        return _plain(df.toArrow())
    batches = df._collect_as_arrow()  # PySpark 3.5
    schema = batches[0].schema if batches else None
    if schema is None:
        from pyspark.sql.pandas.types import to_arrow_schema

        schema = to_arrow_schema(df.schema)
    return _plain(pa.Table.from_batches(batches, schema=schema))


class SparkResult:
    """What ``execute`` returns: rows or Arrow on demand, like a DuckDB relation."""

    def __init__(
        self,
        df: Any = None,
        rows: list[tuple] | None = None,
        release: Callable[[], None] | None = None,
        table: pa.Table | None = None,
    ) -> None:
        self._df, self._rows, self._release, self._table = df, rows, release, table

    def _done(self) -> None:
        """The statement's stored CTEs are no longer needed once its rows are out (a second
        fetch recomputes them from their plan: the same rows, more work)."""
        if self._release is not None:
            release, self._release = self._release, None
            release()

    def fetchall(self) -> list[tuple]:
        if self._rows is None and self._table is not None:
            cols = [c.to_pylist() for c in self._table.columns]  # names may repeat
            self._rows = list(zip(*cols, strict=True)) if cols else []
        if self._rows is None:
            self._rows = [tuple(r) for r in self._df.collect()] if self._df is not None else []
            self._done()
        return self._rows

    def fetchone(self) -> tuple | None:
        rows = self.fetchall()
        return rows[0] if rows else None

    def to_arrow_table(self) -> pa.Table:
        if self._table is not None:
            return self._table
        table = _to_arrow(self._df)
        self._done()
        return table

    arrow = to_arrow_table


class SparkConnection:
    """A DuckDB-like connection over a SparkSession (see the module docstring)."""

    def __init__(self, spark: Any, owner: bool) -> None:
        self.spark = spark
        self.owner = owner
        self._views: set[str] = set()
        self._parquet: dict[str, str] = {}
        self._is_cursor = False
        self._counts: dict[str, int] = {}
        self._tables: set[str] = set()
        self._local: dict[str, pa.Table] = {}

    # -- the calls the detectors make ---------------------------------------------------
    def execute(self, query: str, params: list[Any] | None = None) -> SparkResult:
        if not _TRACE:
            return self._execute(query, params)
        import time

        t0 = time.perf_counter()
        try:
            res = self._execute(query, params)
            if res._df is not None:
                res.fetchall() if "count(" in query[:40].lower() else None
            return res
        finally:
            took = time.perf_counter() - t0
            print(f"[spark] {took:6.2f} s  {' '.join(query.split())[:150]}", file=sys.stderr)

    def _execute(self, query: str, params: list[Any] | None = None) -> SparkResult:
        query = query.strip().rstrip(";")
        if m := _CREATE.match(query):
            kind, name, body = m.groups()
            df, release = self._frame(body)
            self._local.pop(name, None)
            self._counts.pop(name, None)
            self._tables.discard(name)
            STATEMENTS[kind.lower()] += 1
            if kind.upper() == "TABLE":
                # computed once here, its lineage cut: an eager checkpoint runs the query's
                # own stages only, where a lazy one plus ``count()`` planned, compiled and
                # ran a second query per table (most tables are never counted)
                df = df.localCheckpoint(eager=True)
                self._tables.add(name)
            elif release is not None:
                # a lazy view over stored CTEs would lose them when they are released:
                # computed now instead (no detector makes a view with a CTE read twice)
                df = df.localCheckpoint(eager=True)
            self._name(df, name)
            if release is not None:
                release()
            return SparkResult(rows=[])
        if (m := _COUNT.match(query)) and m.group(1) in self._tables:
            # a checkpointed table's count, kept: detectors ask for it more than once
            name = m.group(1)
            STATEMENTS["count"] += 1
            if name not in self._counts:
                STATEMENTS["count computed"] += 1
                self._counts[name] = int(self.spark.table(name).count())
            return SparkResult(rows=[(self._counts[name],)])
        if m := _DROP.match(query):
            self.unregister(m.group(1))
            return SparkResult(rows=[])
        if m := _INSERT.match(query):
            name, body = m.groups()
            STATEMENTS["insert"] += 1
            new, release = self._frame(body)
            df = self.spark.table(name).unionByName(new)
            self._local.pop(name, None)
            self._counts.pop(name, None)
            self._name(df.localCheckpoint(eager=True), name)
            if release is not None:
                release()
            return SparkResult(rows=[])
        if m := _DESCRIBE.match(query):
            schema = self.spark.sql(self._spark_sql(m.group(1))).schema
            return SparkResult(rows=[(f.name, _duck_type(f.dataType)) for f in schema])
        if query.upper().startswith("SET "):
            return SparkResult(rows=[])
        if _SHOW.match(query):
            # DuckDB's ``SHOW TABLES``: one column, the names of tables and views, sorted
            shown = self.spark.sql("SHOW TABLES").collect()  # a catalog command: no Spark job
            names = sorted(r["tableName"] for r in shown if r["isTemporary"])
            return SparkResult(rows=[(n,) for n in names])
        if _TABLES.search(query):
            # ``SELECT count(*) FROM duckdb_tables() WHERE table_name = ?``: is it there?
            name = (params or [""])[0]
            return SparkResult(rows=[(int(self.spark.catalog.tableExists(name)),)])
        if params:
            raise NotImplementedError("spark engine: query parameters are not supported")
        if (m := _PROBE.match(query)) and not self.spark.catalog.tableExists(m.group(1)):
            # ``SELECT 1 FROM v LIMIT 0``: does ``v`` exist? Answered from the catalog (Spark
            # would log the missing view as an error before raising)
            raise LookupError(f"spark engine: no table or view {m.group(1)}")
        STATEMENTS["query"] += 1
        local = self._on_driver(query)
        if local is not None:
            STATEMENTS["query on the driver"] += 1
            return SparkResult(table=local)
        df, release = self._frame(query)
        return SparkResult(df, release=release)

    def sql(self, query: str) -> SparkResult:
        return self.execute(query)

    def register(self, name: str, table: pa.Table) -> None:
        self._name(self.spark_frame(table), name)
        if table.nbytes <= _LOCAL_MAX_BYTES:
            self._local[name] = table
        else:
            self._local.pop(name, None)

    def unregister(self, name: str) -> None:
        self.spark.catalog.dropTempView(name)
        self._counts.pop(name, None)
        self._tables.discard(name)
        self._views.discard(name)
        self._local.pop(name, None)

    def cursor(self) -> SparkConnection:
        """A second handle on the same session (temporary views are per session, and a
        session runs jobs from several threads); closing it closes nothing."""
        cur = SparkConnection(self.spark, owner=False)
        cur._views, cur._parquet, cur._is_cursor = self._views, self._parquet, True
        cur._counts, cur._tables, cur._local = self._counts, self._tables, self._local
        return cur

    def close(self) -> None:
        if self._is_cursor:
            return
        for name in list(self._views) + list(self._parquet.values()):
            self.spark.catalog.dropTempView(name)
        self._views.clear()
        self._parquet.clear()
        self._local.clear()
        if self.owner:
            self.spark.stop()

    # -- helpers ------------------------------------------------------------------------
    def spark_frame(self, table: pa.Table) -> Any:
        """An Arrow table as a DataFrame (uint64, which Spark lacks, kept bit for bit)."""
        cols = []
        for col in table.columns:
            if pa.types.is_uint64(col.type):
                col = pa.array(np.asarray(col, dtype=np.uint64).view(np.int64), pa.int64())
            cols.append(col)
        table = pa.table(cols, names=table.column_names)
        try:
            return self.spark.createDataFrame(table)
        except (TypeError, ValueError):  # PySpark 3.5 takes pandas, not Arrow
            return self.spark.createDataFrame(table.to_pandas())

    def _name(self, df: Any, name: str) -> None:
        df.createOrReplaceTempView(name)
        self._views.add(name)

    def _spark_sql(self, duck_sql: str) -> str:
        return to_spark(self._parquet_views(duck_sql))

    def _parquet_views(self, duck_sql: str) -> str:
        """``read_parquet('path')`` as a temporary view over Spark's reader of the path."""

        def view(m: re.Match[str]) -> str:
            path = m.group(1).replace("''", "'")
            if path not in self._parquet:
                name = f"vigie_parquet_{len(self._parquet)}"
                self.spark.read.parquet(path).createOrReplaceTempView(name)
                self._parquet[path] = name
            return self._parquet[path]

        return _PARQUET.sub(view, duck_sql)

    def _on_driver(self, duck_sql: str) -> pa.Table | None:
        """The rows of a query that reads only tables the driver registered from Arrow
        (and still holds), computed there by DuckDB; None for any other query.

        Why: the detectors join small driver-side tables (the kept pairs of a signal
        against those of the others, a few hundred rows); Spark would plan and schedule
        each as a distributed job with its shuffles, for rows that never left the driver.
        The statement is the detectors' own DuckDB text, run by DuckDB: the DuckDB engine's
        own answer. Queries that call a function whose value differs between the engines
        (``hash``) stay on Spark (``sqlport.tables_read``).
        """
        names = tables_read(duck_sql)
        if not names or not names <= self._local.keys():
            return None
        import duckdb

        from vigie.detect.engine import fetch

        con = duckdb.connect()
        try:
            for name in names:
                con.register(name, self._local[name])
            return fetch(con, duck_sql)
        finally:
            con.close()

    def _frame(self, duck_sql: str) -> tuple[Any, Callable[[], None] | None]:
        """One query as a DataFrame, its CTEs read more than once stored first.

        Why: Spark inlines a CTE at each reference (DuckDB computes it once);
        ``sqlport.split_ctes`` names the CTEs worth storing. Each is a cached temporary
        view, filled by the first task that reads it and read from memory by the others;
        the returned ``release`` drops the views and frees the cache once the statement's
        result has been taken (None when nothing was stored). Off unless the session sets
        ``spark.vigie.storeCtes=true``: measured at 100k posts it saved no job and no CPU
        (AQE already reuses the identical shuffles of a CTE read twice) and the stored
        copies added jobs (docs/spark.md); kept for clusters to measure on their data.
        """
        duck_sql = self._parquet_views(duck_sql)
        if self.spark.conf.get(STORE_CTES, "false").lower() != "true":
            return self.spark.sql(to_spark(duck_sql)), None
        steps, rest = split_ctes(duck_sql)
        if not steps:
            return self.spark.sql(to_spark(duck_sql)), None
        tag = f"vigie_cte{next(_CTE_SEQ)}_"
        held: list[tuple[str, Any]] = []
        for view, sql in steps:
            name = view.replace(CTE_TOKEN, tag)
            df = self.spark.sql(to_spark(sql).replace(CTE_TOKEN, tag)).persist()
            df.createOrReplaceTempView(name)
            held.append((name, df))
            STATEMENTS["cte stored"] += 1

        def release() -> None:
            for name, df in held:
                self.spark.catalog.dropTempView(name)
                df.unpersist(blocking=False)

        try:
            return self.spark.sql(to_spark(rest).replace(CTE_TOKEN, tag)), release
        except Exception:
            release()
            raise


class SparkPairs:
    """One co-action kind's pairs, drawn and counted where its actions are.

    Why: drawing on the driver would bring it every action on an object acted on 2 to
    ``max_object_actions`` times, and every co-action row of every candidate pair, the
    largest results of a run. Here the actions (``query``) are hashed by object so that
    each partition holds whole objects, sorted by (object, time) as one machine sorts
    them, and kept (persisted) for the kind's whole run:

    1. each executor draws its objects' co-actions at every time scale with
       ``copairs.pair_keys`` (the drawing ``candidate_rows`` does on one machine) and
       emits each pair's rows; Spark sums them per pair, which gives each scale's family
       of tests (the pairs that co-acted at all) and its candidates (``min_obs`` rows or
       more), whose keys are broadcast;
    2. each executor emits its share of the candidates' co-action rows
       (``copairs.coactions_of``: pair, the two posts, the object, the two times, the
       object's rarity) and Spark counts them per pair as ``copairs.pair_counts`` does
       (distinct posts of each side, distinct objects, rows, summed rarity, first and last
       time): the driver receives one row per candidate pair;
    3. once the chance control has kept its pairs, the actions of the kept pairs'
       co-actions (``copairs.involved_rows``) come to the driver, which draws their rows
       with ``candidate_rows`` exactly as from every action (whether two actions co-act
       depends on those two alone) for the evidence.
    """

    def __init__(
        self, con: SparkConnection, query: str, windows: list[tuple[float, int]], min_obs: int
    ) -> None:
        from pyspark import StorageLevel
        from pyspark.sql import functions as F

        spark = con.spark
        self.windows = windows
        df, release = con._frame(query)
        parts = max(1, int(spark.conf.get("spark.sql.shuffle.partitions", "200")))
        self.acts = (
            df.repartition(parts, "oid")
            .sortWithinPartitions("oid", "t", "aid", "pid")
            .persist(StorageLevel.MEMORY_AND_DISK)
        )
        self._bc: list[Any] = []
        try:
            SPREAD["co-action actions drawn on the executors"] += self.acts.count()
            drawn = self.acts.mapInArrow(
                _partition_pairs(windows), "scale INT, key BIGINT, rows BIGINT"
            )
            agg = (
                drawn.groupBy("scale", "key")
                .agg(F.sum("rows").alias("rows"))
                .persist(StorageLevel.MEMORY_AND_DISK)
            )
            try:
                counted = dict(tuple(r) for r in agg.groupBy("scale").count().collect())
                self.family = [int(counted.get(i, 0)) for i in range(len(windows))]
                cand = _to_arrow(agg.where(F.col("rows") >= max(min_obs, 1)).select("scale", "key"))
            finally:
                agg.unpersist()
            keys = _keys_by_scale(cand, len(windows))
            shared = self._broadcast(spark, keys)
            rows = self.acts.mapInArrow(
                _partition_coactions(windows, shared),
                "scale INT, key BIGINT, pu BIGINT, pv BIGINT, oid BIGINT, tu DOUBLE, "
                "tv DOUBLE, rarity BIGINT",
            )
            self.table = _to_arrow(
                rows.groupBy("scale", "key")
                .agg(
                    F.count(F.lit(1)).alias("rows_"),
                    F.countDistinct("pu").alias("du"),
                    F.countDistinct("pv").alias("dv"),
                    F.countDistinct("oid").alias("dob"),
                    F.sum("rarity").alias("rarity_fx"),
                    F.min(F.least("tu", "tv")).alias("first_t"),
                    F.max(F.greatest("tu", "tv")).alias("last_t"),
                )
                .orderBy("scale", "key")
            )
            SPREAD["candidate pairs counted on the executors"] += self.table.num_rows
        except BaseException:
            self.close()
            raise
        finally:
            if release is not None:
                release()

    def _broadcast(self, spark: Any, value: Any) -> Any:
        shared = spark.sparkContext.broadcast(value)
        self._bc.append(shared)
        return shared

    def counts(self, i: int, by_object: bool) -> tuple[np.ndarray, dict[str, np.ndarray], int]:
        """Scale ``i``'s candidate pairs (keys ascending), their counts as
        ``copairs.pair_counts`` gives them, and the scale's family of tests."""
        scale = np.asarray(self.table.column("scale"), dtype=np.int64)
        at = np.flatnonzero(scale == i)

        def col(name: str, dtype: Any) -> np.ndarray:
            return np.asarray(self.table.column(name), dtype=dtype)[at]

        du, dv, dob = col("du", np.int64), col("dv", np.int64), col("dob", np.int64)
        observed = np.minimum(du, dv)
        if by_object:
            observed = np.minimum(observed, dob)
        counts = {
            "observed": observed,
            "n_objects": dob,
            "rows_": col("rows_", np.int64),
            "rarity_fx": col("rarity_fx", np.int64),
            "first_t": col("first_t", np.float64),
            "last_t": col("last_t", np.float64),
        }
        return col("key", np.int64), counts, self.family[i]

    def kept_actions(self, kept: list[np.ndarray]) -> pa.Table:
        """The actions of the co-actions of the pairs ``kept`` at each scale, sorted by
        (object, time, account, post) as ``coaction._acts_from`` reads them."""
        shared = self._broadcast(self.acts.sparkSession, kept)
        got = _to_arrow(
            self.acts.mapInArrow(_partition_involved(self.windows, shared), self.acts.schema)
        )
        SPREAD["co-action actions sent to the driver"] += got.num_rows
        return got.sort_by([(c, "ascending") for c in ("oid", "t", "aid", "pid")])

    def close(self) -> None:
        """Free the persisted actions and the broadcast keys."""
        for shared in self._bc:
            shared.unpersist()
        self._bc = []
        self.acts.unpersist()


def _keys_by_scale(table: pa.Table, n_scales: int) -> list[np.ndarray]:
    """(scale, key) rows as each scale's keys, ascending."""
    scale = np.asarray(table.column("scale"), dtype=np.int64)
    key = np.asarray(table.column("key"), dtype=np.int64)
    return [np.sort(key[scale == i]) for i in range(n_scales)]


@dataclass
class SparkEngine(Engine):
    """:class:`Engine` whose connection is a :class:`SparkConnection`."""

    def cluster_texts(self, cfg: dict[str, Any], seed: int) -> tuple[int, int]:
        """Copypasta's clusters of near-duplicate texts made in Spark, into ``cp_map(th,
        cid, multi)``; the number of clusters and the largest one's texts (what
        ``copypasta._cluster_here`` does on one machine).

        Why here: the signatures (264 bytes per distinct text) were the largest thing the
        driver received (~160 GB at a billion posts). Each executor signs its texts with
        ``copypasta.minhash`` (words hashed by DuckDB's ``hash``, as on one machine) and
        cuts each signature into band keys (``copypasta.band_key``). The keys are hashed to
        partitions by (band, key), so that each bucket is whole in one, where every text of
        a bucket of two or more is linked to the bucket's head (``_bucket_links``). Spark
        then checks each link on the two signatures (``copypasta.agreeing_needed`` values
        equal) and labels each text with the lowest head it holds to.

        One machine orders the texts by DuckDB's hash of the text and names a bucket's head
        and a cluster by the lowest. Here each text carries that hash with its top bit
        flipped (``o``), whose signed order is that unsigned order, so heads and clusters
        are the same texts. A cluster's ``cid`` is its text's ``o`` rather than its rank:
        only its identity reaches the Findings. The kept links come back to the driver,
        which joins chains of them (``copypasta.link_labels``); the signatures and texts
        never do.
        """
        from pyspark import StorageLevel
        from pyspark.sql import functions as F

        from vigie.detect.copypasta import agreeing_needed

        k, num_perm, bands = int(cfg["shingle"]), int(cfg["num_perm"]), int(cfg["bands"])
        need = agreeing_needed(float(cfg["threshold"]), num_perm)
        spark = self.con.spark
        sigs = (
            spark.table("cp_u")
            .mapInArrow(_sign_texts(k, num_perm, seed), "th BIGINT, o BIGINT, sig BINARY")
            .persist(StorageLevel.MEMORY_AND_DISK)
        )
        try:
            # each bucket (band, key) lands whole in one partition: its links are made there
            parts = max(1, int(spark.conf.get("spark.sql.shuffle.partitions", "200")))
            links = (
                sigs.mapInArrow(_band_keys(num_perm, bands), "band INT, key BIGINT, o BIGINT")
                .repartition(parts, "band", "key")
                .mapInArrow(_bucket_links, "src BIGINT, dst BIGINT")
                .distinct()
            )
            side = sigs.select("o", "sig")
            pairs = links.join(side.withColumnsRenamed({"o": "src", "sig": "ss"}), "src").join(
                side.withColumnsRenamed({"o": "dst", "sig": "sd"}), "dst"
            )
            kept = pairs.mapInArrow(_agreeing_links(num_perm, need), "src BIGINT, dst BIGINT")
            label = self._chain_labels(kept, int(cfg["chain_max_texts"]))
            base = sigs.select("th", "o")
            texts = base.join(label, base.o == label.src, "left")
            texts = texts.select("th", F.coalesce("cid", "o").alias("cid"))
            size = texts.groupBy("cid").agg(F.count(F.lit(1)).alias("size"))
            cp_map = _checkpoint(
                texts.join(size, "cid").select("th", "cid", (F.col("size") > 1).alias("multi")),
                "cp_map",
            )
            self.con._views.add("cp_map")
            row = (
                cp_map.groupBy("cid")
                .count()
                .agg(F.count(F.lit(1)), F.max("count"), F.sum("count"))
                .first()
            )
        finally:
            sigs.unpersist()
        SPREAD["copypasta texts clustered on the executors"] += int(row[2] or 0)
        return int(row[0] or 0), int(row[1] or 0)

    def _chain_labels(self, kept: Any, max_texts: int) -> Any:
        """``(src, cid)`` for every linked text: its cluster by ``copypasta.link_labels``.

        Why on the driver: joining chains is connected components, iterative in Spark (a
        join per hop); the kept links are few (two integers each: 76,000 for 604,000
        distinct texts at 1M posts), so they are labelled in one pass where the machine's
        own rule runs. Texts in no link keep their own ``o`` (the caller's coalesce)."""
        from vigie.arrays import sorted_unique
        from vigie.detect.copypasta import link_labels

        links = _to_arrow(kept)
        src = np.asarray(links.column("src").to_numpy(), dtype=np.int64)
        dst = np.asarray(links.column("dst").to_numpy(), dtype=np.int64)
        nodes = sorted_unique(np.concatenate([src, dst]))
        labels = link_labels(
            nodes.size, np.searchsorted(nodes, src), np.searchsorted(nodes, dst), max_texts
        )
        moved = labels != np.arange(nodes.size)
        if not moved.any():  # no schema to infer from no rows
            return self.con.spark.createDataFrame([], "src BIGINT, cid BIGINT")
        return self.con.spark_frame(pa.table({"src": nodes[moved], "cid": nodes[labels[moved]]}))

    def pair_drawing(self, query: str, scales: list[tuple[float, int]], min_obs: int) -> SparkPairs:
        """The co-action engine's pairs drawn and counted per partition of objects
        (``coaction._drawing``; see :class:`SparkPairs`)."""
        return SparkPairs(self.con, query, [(float(w), int(c)) for w, c in scales], min_obs)

    def spread_embedding(self, u: pa.Table, embedder: Any = None) -> tuple[pa.Table, Any]:
        """Paraphrase's distinct texts in DuckDB's order, and an embedder that runs on the
        executors (``paraphrase.detect`` calls it as it calls its own on one machine).

        Why the order: ``pp_u`` is ordered by the texts' hash, and Spark's hash is not
        DuckDB's; the claim labels (smallest index of a component) and the centring of the
        embeddings follow the order, so the driver reorders the texts by DuckDB's own hash
        of the same lower-cased text (what ``th`` is on DuckDB). Why whole batches: the
        sentence encoder's floats depend on which texts share a batch (by ~1e-7), so the
        texts travel in the slices of ``paraphrase._BATCH`` that one machine would embed
        together, one slice per row, each embedded whole by an executor: the embeddings are
        bit for bit DuckDB's. ``embedder``: the test's or caller's (shipped to executors,
        it must pickle); None loads ``paraphrase.default_embedder`` once per worker.
        """
        import duckdb

        from vigie.detect.engine import fetch

        con = duckdb.connect()
        con.register("u", u)
        u = fetch(con, "SELECT th, text FROM u ORDER BY hash(lower(text))")
        con.close()
        spark = self.con.spark

        def embed(texts: list[str]) -> np.ndarray:
            from vigie.detect import paraphrase

            chunk = int(getattr(paraphrase, "_BATCH", 256))
            rows = [texts[lo : lo + chunk] for lo in range(0, len(texts), chunk)]
            table = pa.table(
                {
                    "b": pa.array(np.arange(len(rows), dtype=np.int64)),
                    "texts": pa.array(rows, pa.list_(pa.string())),
                }
            )
            parts = max(1, min(len(rows), spark.sparkContext.defaultParallelism))
            df = self.con.spark_frame(table).repartition(parts)
            got = _to_arrow(df.mapInArrow(_embed_slices(embedder), "b BIGINT, emb BINARY"))
            order = np.argsort(np.asarray(got.column("b"), dtype=np.int64), kind="stable")
            if order.size != len(rows):
                raise RuntimeError(f"paraphrase: embedded {order.size} slices of {len(rows)}")
            blobs = got.column("emb").to_pylist()
            flat = np.frombuffer(b"".join(blobs[i] for i in order), dtype=np.float32)
            return flat.reshape(len(texts), -1) if texts else flat.reshape(0, 512)

        return u, embed

    @property
    def manifest_notes(self) -> dict[str, Any]:
        """What the manifest says of the engine (the Findings say where they came from)."""
        sc = self.con.spark.sparkContext
        return {"engine": {"name": "spark", "spark": sc.version, "master": sc.master}}

    def authenticity_dataset(self, members: pa.Table) -> Any:
        """A local Dataset holding only what the authenticity check reads: the members'
        posts, the posts they repost, and the profiles of both.

        Why: that check runs in DuckDB on the driver; the whole collection may be far
        larger than the driver's disk, or on s3a:// where DuckDB cannot reach. The slice
        gives it the same rows it would select from the whole, so the same answer.
        """
        from vigie.schema import Dataset

        ids = sorted({str(a) for a in members.column("account_id").to_pylist()})
        if not ids:
            return self.dataset
        spark = self.con.spark
        self.con.register("vigie_want", pa.table({"account_id": pa.array(ids, pa.string())}))
        member = "CAST(account_id AS STRING) IN (SELECT account_id FROM vigie_want)"
        originals = ""
        if "repost_of" in self.columns:
            originals = f"""OR CAST(post_id AS STRING) IN (
                SELECT repost_of FROM vigie_posts WHERE {member} AND repost_of IS NOT NULL)"""
        posts = spark.sql(f"SELECT * FROM vigie_posts WHERE {member} {originals}")
        posts = posts.localCheckpoint(eager=True)
        root = Path(self.tmpdir.name) / "authenticity"
        root.mkdir(parents=True, exist_ok=True)
        import pyarrow.parquet as pq

        pq.write_table(_to_arrow(posts), root / "posts.parquet")
        if self.dataset.accounts_path.exists():
            posts.createOrReplaceTempView("vigie_slice")
            accounts = spark.read.parquet(self.dataset.accounts_path.as_posix())
            accounts.createOrReplaceTempView("vigie_accounts_all")
            by_handle = ""
            if self.reposts_by_text and {"handle", "text"} <= {
                *accounts.columns,
                *posts.columns,
            }:
                # the accounts the members' text reposts name ("RT @handle:"), found by handle
                from vigie.detect.textreposts import TEXT_REPOST_HANDLE

                pattern = TEXT_REPOST_HANDLE.replace("\\", "\\\\")
                by_handle = f"""OR lower(CAST(handle AS STRING)) IN (
                    SELECT lower(regexp_extract(text, '{pattern}', 1)) FROM vigie_slice
                    WHERE text IS NOT NULL)"""
            acc = spark.sql(
                f"""SELECT * FROM vigie_accounts_all WHERE CAST(account_id AS STRING) IN (
                    SELECT CAST(account_id AS STRING) FROM vigie_slice) {by_handle}"""
            )
            pq.write_table(_to_arrow(acc), root / "accounts.parquet")
            for name in ("vigie_slice", "vigie_accounts_all"):
                spark.catalog.dropTempView(name)
        self.con.unregister("vigie_want")
        return Dataset(root)


def _signatures(column: pa.Array, num_perm: int) -> np.ndarray:
    """A batch's signatures (``num_perm`` 32-bit values each, as bytes) as texts x values."""
    flat = np.frombuffer(b"".join(column.to_pylist()), dtype=np.uint32)
    return flat.reshape(-1, num_perm)


def _sign_texts(k: int, num_perm: int, seed: int) -> Any:
    """The executors' MinHash of :meth:`SparkEngine.cluster_texts`: per text of ``cp_u``
    its ``th``, DuckDB's hash of the text with the top bit flipped (``o``: its signed order
    is the one machine's unsigned order of the texts) and its signature as bytes."""

    def run(batches: Any) -> Any:
        import duckdb

        from vigie.detect.copypasta import minhash, signed_words_sql

        con = duckdb.connect()
        for batch in batches:
            if batch.num_rows == 0:
                continue
            con.register("b", pa.Table.from_batches([batch]))
            t = con.sql(
                f"SELECT th, hash(norm) AS dh, {signed_words_sql('norm')} AS hw FROM b"
            ).fetch_arrow_table()
            con.unregister("b")
            hw = t.column("hw").combine_chunks()
            lengths = np.asarray(hw.value_lengths(), dtype=np.int64)
            values = np.asarray(hw.flatten(), dtype=np.uint64)
            s = np.ascontiguousarray(minhash(values, lengths, k, num_perm, seed))
            raw = pa.array([r.tobytes() for r in s], pa.binary())
            o = (np.asarray(t.column("dh"), dtype=np.uint64) ^ np.uint64(1 << 63)).view(np.int64)
            yield pa.RecordBatch.from_arrays(
                [t.column("th").combine_chunks(), pa.array(o), raw], names=["th", "o", "sig"]
            )

    return run


def _band_keys(num_perm: int, bands: int) -> Any:
    """The executors' LSH bands of :meth:`SparkEngine.cluster_texts`: per text and band,
    the band's key (``copypasta.band_key``, as one machine computes it)."""

    def run(batches: Any) -> Any:
        from vigie.detect.copypasta import band_key, band_mult

        rows = num_perm // bands
        mult = band_mult(rows)
        for batch in batches:
            if batch.num_rows == 0:
                continue
            by_hash = _signatures(batch.column("sig"), num_perm).T
            o = batch.column("o")
            for band in range(bands):
                key = band_key(by_hash[band * rows : (band + 1) * rows], mult)
                yield pa.RecordBatch.from_arrays(
                    [pa.array(np.full(key.size, band, np.int32)), pa.array(key.view(np.int64)), o],
                    names=["band", "key", "o"],
                )

    return run


def _bucket_links(batches: Any) -> Any:
    """The executors' LSH buckets of :meth:`SparkEngine.cluster_texts`: in a partition
    holding whole buckets (hashed by band and key), every text of a bucket of two or more
    linked to the bucket's head, its lowest ``o`` (``copypasta._band_links``' star)."""
    table = _whole_partition(batches)
    if table is None:
        return
    band = np.asarray(table.column("band").to_numpy(), dtype=np.int64)
    key = np.asarray(table.column("key").to_numpy(), dtype=np.int64)
    o = np.asarray(table.column("o").to_numpy(), dtype=np.int64)
    order = np.lexsort((key, band))
    band, key, o = band[order], key[order], o[order]
    start = np.flatnonzero(np.r_[True, (band[1:] != band[:-1]) | (key[1:] != key[:-1])])
    size = np.diff(np.r_[start, o.size])
    head = np.repeat(np.minimum.reduceat(o, start), size)
    link = (np.repeat(size, size) > 1) & (o != head)
    if link.any():
        yield pa.RecordBatch.from_arrays(
            [pa.array(o[link]), pa.array(head[link])], names=["src", "dst"]
        )


def _agreeing_links(num_perm: int, need: int) -> Any:
    """The executors' check of :meth:`SparkEngine.cluster_texts`: the links whose two
    signatures share at least ``need`` values (``copypasta.lsh_clusters``' rule)."""

    def run(batches: Any) -> Any:
        for batch in batches:
            if batch.num_rows == 0:
                continue
            ss = _signatures(batch.column("ss"), num_perm)
            sd = _signatures(batch.column("sd"), num_perm)
            ok = np.count_nonzero(ss == sd, axis=1) >= need
            if ok.any():
                keep = pa.array(ok)
                yield pa.RecordBatch.from_arrays(
                    [batch.column("src").filter(keep), batch.column("dst").filter(keep)],
                    names=["src", "dst"],
                )

    return run


def _whole_partition(batches: Any) -> pa.Table | None:
    """A partition's batches as one table (the NumPy steps see all its rows at once: whole
    objects, whole buckets); None when the partition is empty."""
    held = [b for b in batches if b.num_rows]
    return pa.Table.from_batches(held) if held else None


def _partition_arrays(batches: Any) -> tuple[pa.Table | None, dict[str, np.ndarray]]:
    """A partition's actions (whole objects, sorted by object and time) as one table and
    the NumPy columns the drawing reads; None when the partition is empty."""
    table = _whole_partition(batches)
    if table is None:
        return None, {}
    cols = {
        "aid": np.asarray(table.column("aid").to_numpy(), dtype=np.int64),
        "oid": np.asarray(table.column("oid").to_numpy()),
        "t": np.asarray(table.column("t").to_numpy(), dtype=np.float64),
        "n": np.asarray(table.column("n").to_numpy(), dtype=np.float64),
    }
    return table, cols


def _partition_pairs(windows: list[tuple[float, int]]) -> Any:
    """The executors' first pass of :class:`SparkPairs`: per time scale, every
    pair that co-acted in the partition and its co-action rows (module level: it pickles
    small)."""

    def run(batches: Any) -> Any:
        from vigie.detect.copairs import pair_keys

        table, c = _partition_arrays(batches)
        if table is None:
            return
        for i, (window, cap) in enumerate(windows):
            sub = np.flatnonzero(c["n"] <= cap)
            keys, rows = pair_keys(c["aid"][sub], c["oid"][sub], c["t"][sub], window)
            if keys.size:
                yield pa.RecordBatch.from_arrays(
                    [pa.array(np.full(keys.size, i, np.int32)), pa.array(keys), pa.array(rows)],
                    names=["scale", "key", "rows"],
                )

    return run


def _partition_coactions(windows: list[tuple[float, int]], shared: Any) -> Any:
    """The executors' second pass of :class:`SparkPairs`: the partition's co-action rows of
    the candidate pairs (``shared``: their keys per scale, broadcast), each with what
    ``copairs.pair_counts`` counts: the pair, both posts (``pid``), the object, both
    times and the object's rarity."""

    def run(batches: Any) -> Any:
        from vigie.detect.copairs import coactions_of

        table, c = _partition_arrays(batches)
        if table is None:
            return
        keys = shared.value
        pid = np.asarray(table.column("pid").to_numpy(), dtype=np.int64)
        rarity = np.asarray(table.column("rarity_fx").to_numpy(), dtype=np.int64)
        for i, (window, cap) in enumerate(windows):
            if not keys[i].size:
                continue
            sub = np.flatnonzero(c["n"] <= cap)
            key, iu, iv = coactions_of(c["aid"][sub], c["oid"][sub], c["t"][sub], window, keys[i])
            if not key.size:
                continue
            iu, iv = sub[iu], sub[iv]
            yield pa.RecordBatch.from_arrays(
                [
                    pa.array(np.full(key.size, i, np.int32)),
                    pa.array(key),
                    pa.array(pid[iu]),
                    pa.array(pid[iv]),
                    pa.array(c["oid"][iu]),
                    pa.array(c["t"][iu]),
                    pa.array(c["t"][iv]),
                    pa.array(rarity[iu]),
                ],
                names=["scale", "key", "pu", "pv", "oid", "tu", "tv", "rarity"],
            )

    return run


def _partition_involved(windows: list[tuple[float, int]], shared: Any) -> Any:
    """The executors' last pass of :class:`SparkPairs`: the partition's actions that take
    part in a co-action of a kept pair at any scale (``shared``: the kept pairs' keys per
    scale, broadcast)."""

    def run(batches: Any) -> Any:
        from vigie.detect.copairs import involved_rows

        table, c = _partition_arrays(batches)
        if table is None:
            return
        keys = shared.value
        keep = np.zeros(table.num_rows, bool)
        for i, (window, cap) in enumerate(windows):
            if not keys[i].size:
                continue
            sub = np.flatnonzero(c["n"] <= cap)
            hit = involved_rows(c["aid"][sub], c["oid"][sub], c["t"][sub], window, keys[i])
            keep[sub[hit]] = True
        if keep.any():
            yield from table.filter(pa.array(keep)).to_batches()

    return run


def _embed_slices(embedder: Any) -> Any:
    """The executors' side of :meth:`SparkEngine.spread_embedding`: each row's slice of
    texts embedded whole, as float32 bytes (a module-level function: it pickles small)."""

    def run(batches: Any) -> Any:
        from vigie.detect import spark_engine

        model = embedder
        if model is None:
            if not spark_engine._WORKER_MODEL:
                from vigie.detect.paraphrase import default_embedder

                spark_engine._WORKER_MODEL.append(default_embedder())
            model = spark_engine._WORKER_MODEL[0]
        for batch in batches:
            for b, texts in zip(
                batch.column("b").to_pylist(), batch.column("texts").to_pylist(), strict=True
            ):
                emb = np.ascontiguousarray(model([str(t) for t in texts]), dtype=np.float32)
                yield pa.RecordBatch.from_arrays(
                    [pa.array([b], pa.int64()), pa.array([emb.tobytes()], pa.binary())],
                    names=["b", "emb"],
                )

    return run


@dataclass(frozen=True)
class SparkOptions:
    """How to reach Spark: a master URL (None: spark-submit's, else ``local[*]``), extra
    ``spark.*`` settings, or an already open session (tests, notebooks)."""

    master: str | None = None
    conf: tuple[tuple[str, str], ...] = ()
    session: Any = None


def parse_conf(items: list[str] | None) -> tuple[tuple[str, str], ...]:
    """``k=v`` strings from ``--spark-conf`` as pairs; a malformed one is a clear error."""
    out = []
    for item in items or ():
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise VigieError(
                f"--spark-conf {item!r}: expected KEY=VALUE (e.g. spark.executor.memory=8g)"
            )
        out.append((key.strip(), value.strip()))
    return tuple(out)


def local_cores(master: str) -> int | None:
    """The worker threads of a ``local``, ``local[N]``, ``local[*]`` or ``local[N,F]``
    master; None for a cluster master (yarn, k8s://, spark://)."""
    m = re.fullmatch(r"local(?:\[(\*|\d+)(?:,\s*\d+)?\])?", master.strip())
    if m is None:
        return None
    n = m.group(1)
    if n is None:
        return 1
    return (os.cpu_count() or 1) if n == "*" else max(1, int(n))


def local_defaults(master: str) -> dict[str, str]:
    """Settings for Spark's local mode, where the driver JVM is the whole cluster.

    Why: Spark's defaults are made for clusters. 200 shuffle partitions on two cores make
    every shuffle 200 tiny tasks (a full run issues hundreds of queries, each with several
    shuffles), the web UI's listeners record every task, and the driver's heap is 1 GiB
    whatever the machine has. On a cluster master none of these is set: the cluster's own
    configuration (or ``--spark-conf``) decides, see docs/spark.md. Each can be overridden
    with ``--spark-conf KEY=VALUE``.
    """
    cores = local_cores(master)
    if cores is None:
        return {}
    parts = str(max(2, 2 * cores))
    try:
        ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (OSError, ValueError):
        ram = 4 * 2**30
    heap = max(1, min(8, ram // 4 // 2**30))
    return {
        "spark.sql.shuffle.partitions": parts,
        "spark.default.parallelism": parts,
        # a shuffle partition is worth its task only above a few MB: merge the small ones
        "spark.sql.adaptive.coalescePartitions.enabled": "true",
        "spark.sql.adaptive.advisoryPartitionSizeInBytes": "32m",
        "spark.ui.enabled": "false",
        "spark.sql.execution.arrow.pyspark.enabled": "true",
        "spark.driver.memory": f"{heap}g",
        # results collected to the driver (kept pairs, copypasta's signatures: 264 bytes per
        # distinct text, 1.6 GB at 10M posts) are capped at 1 GiB by default, a cluster's
        # guard; in local mode the driver is the whole cluster, so its heap is the bound
        "spark.driver.maxResultSize": f"{heap}g",
        # PySpark gives its Python workers OMP_NUM_THREADS=1; the driver's BLAS runs with
        # one thread per core, and matrix products sum in another order with another count:
        # the paraphrase encoder's floats (~1e-7 apart) then differ from the DuckDB engine's
        "spark.executorEnv.OMP_NUM_THREADS": str(_blas_threads()),
    }


def failure_line(exc: BaseException) -> str | None:
    """One line, with the setting to change, for a Spark job that failed for want of room on
    the driver (the results that come back to it: docs/spark.md, "How large the driver-side
    results get"); None for any other error.

    Why: PySpark raises these as a Py4J error carrying the JVM's whole stack trace, while
    the user's fix is one ``--spark-conf``."""
    text = str(exc)
    if "maxResultSize" in text:
        m = re.search(
            r"Total size of serialized results of .*?\(([^)]*)\) is bigger than "
            r"spark\.driver\.maxResultSize \(([^)]*)\)",
            text,
        )
        sizes = f" ({m.group(1)} against {m.group(2)})" if m else ""
        return (
            f"Spark: the results sent to the driver outgrew spark.driver.maxResultSize{sizes}; "
            "raise it, e.g. --spark-conf spark.driver.maxResultSize=8g (0 = no limit), with "
            "spark.driver.memory to match (docs/spark.md: how large the driver-side results get)"
        )
    if "java.lang.OutOfMemoryError" in text:
        where = "GC overhead limit" if "GC overhead" in text else "Java heap space"
        return (
            f"Spark ran out of memory ({where}); raise --spark-conf spark.driver.memory=16g "
            "(and spark.executor.memory on a cluster), or split the collection by month "
            "(docs/spark.md: how large the driver-side results get)"
        )
    return None


def _blas_threads() -> int:
    """The threads OpenBLAS starts with in this process (its own rule: the environment,
    else one per usable core)."""
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"):
        if (os.environ.get(var) or "").strip().isdigit():
            return max(1, int(os.environ[var]))
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def spark_session(opts: SparkOptions) -> tuple[Any, bool]:
    """(session, whether we own it): the given one, the active one, or a new one."""
    if opts.session is not None:
        return opts.session, False
    try:
        from pyspark import SparkConf
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise VigieError(
            "--engine spark needs PySpark: pip install 'vigie[spark]' (and a Java runtime)"
        ) from exc
    active = SparkSession.getActiveSession()
    if active is not None and opts.master is None and not opts.conf:
        return active, False
    # executors in local mode run this interpreter (its venv has vigie and NumPy)
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    try:
        conf = SparkConf()
        if opts.master:
            conf.setMaster(opts.master)
        elif not conf.contains("spark.master"):
            conf.setMaster("local[*]")
        conf.setIfMissing("spark.app.name", "vigie-detect")
        conf.setIfMissing("spark.ui.showConsoleProgress", "false")
        conf.set("spark.sql.session.timeZone", "UTC")  # times are UTC seconds everywhere
        given = {key for key, _ in opts.conf}
        for key, value in local_defaults(conf.get("spark.master", "")).items():
            if key not in given:
                conf.setIfMissing(key, value)
        for key, value in opts.conf:
            conf.set(key, value)
        spark = SparkSession.builder.config(conf=conf).getOrCreate()
    except Exception as exc:  # noqa: BLE001 - no Java, a bad master URL: one line, not a trace
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise VigieError(f"cannot start Spark ({first})") from exc
    spark.sparkContext.setLogLevel("ERROR")
    return spark, True


def spark_dataset(path: str | Path, cfg: dict[str, Any], opts: SparkOptions) -> Any:
    """The Dataset to run on Spark: a checked local folder, or a Hadoop URI (read by Spark
    only)."""
    if not is_uri(path):
        from vigie.schema import Dataset

        return Dataset(Path(path)).check()
    return RemoteDataset(str(path))


class RemoteDataset:
    """A Dataset named by a Hadoop URI (s3a://, abfss://, hdfs://, file://): its Parquet
    files are read by Spark only. Paths answer ``as_posix`` like a local ``Path``."""

    KIND = "dataset"

    def __init__(self, uri: str) -> None:
        self.uri = uri.rstrip("/")
        self.path = self.uri
        self.posts_path = _Uri(f"{self.uri}/posts.parquet")
        self.accounts_path = _Uri(f"{self.uri}/accounts.parquet")


class _Uri(str):
    """A file URI that can say whether it exists (through Hadoop's FileSystem)."""

    def as_posix(self) -> str:
        return str(self)

    def exists(self) -> bool:
        from pyspark.sql import SparkSession

        spark = SparkSession.getActiveSession()
        if spark is None:
            raise RuntimeError(f"{self}: no Spark session to look it up")  # engine invariant
        hpath = spark._jvm.org.apache.hadoop.fs.Path(str(self))
        fs = hpath.getFileSystem(spark._jsc.hadoopConfiguration())
        return bool(fs.exists(hpath))


def is_uri(path: str | Path) -> bool:
    """A Hadoop-style URI (``scheme://...``) rather than a local folder."""
    return "://" in str(path)


def _offsets(counts: list[tuple[Any, ...]]) -> tuple[list[tuple[int, int]], int]:
    """Each range partition's first account number, from its (part, rows, ...) counts in
    partition order, and the rows of all: the numbering's offsets, without a one-partition
    window."""
    offsets, run = [], 0
    for part, n, *_ in counts:
        offsets.append((part, run))
        run += n
    return offsets, run


def _checkpoint(df: Any, name: str) -> Any:
    df = df.localCheckpoint(eager=True)
    df.createOrReplaceTempView(name)
    return df


def open_spark_engine(dataset: Any, general: dict[str, Any], opts: SparkOptions) -> SparkEngine:
    """Open Spark on ``dataset`` and build the base tables ``acc``, ``pr``, ``p`` (and
    ``acc_created``) exactly as ``engine.open_engine`` builds them in DuckDB."""
    spark, owner = spark_session(opts)
    # times are UTC seconds everywhere (a session handed in may have another zone)
    spark.conf.set("spark.sql.session.timeZone", "UTC")
    con = SparkConnection(spark, owner)
    try:
        return _base_tables(con, dataset)
    except VigieError:
        con.close()
        raise
    except Exception as exc:
        con.close()
        if "AnalysisException" in type(exc).__name__ or "PATH_NOT_FOUND" in str(exc):
            first = str(exc).strip().splitlines()[0]
            raise VigieError(f"{dataset.posts_path}: cannot be read as Parquet ({first})") from exc
        raise


def _base_tables(con: SparkConnection, dataset: Any) -> SparkEngine:
    spark = con.spark
    posts = dataset.posts_path.as_posix()
    raw = spark.read.parquet(posts)
    raw.createOrReplaceTempView("vigie_posts")
    con._views.add("vigie_posts")
    cols = set(raw.columns)
    missing = [c for c in REQUIRED if c not in cols]
    if missing:
        raise VigieError(f"{dataset.posts_path}: missing column(s) {', '.join(missing)}")
    platform = "platform" if "platform" in cols else "'unknown'"
    # aid: the rank of account_id, as DuckDB's row_number() OVER (ORDER BY account_id) - 1,
    # without a one-partition window: sort (range partitions), count each partition, offset
    srt = _checkpoint(
        spark.sql(
            f"""SELECT account_id, platform, CAST(platform <> platform_max AS INT) AS several,
                   spark_partition_id() AS part FROM (
            SELECT account_id, min({platform}) AS platform, max({platform}) AS platform_max
            FROM vigie_posts
            WHERE account_id IS NOT NULL GROUP BY account_id ORDER BY account_id)"""
        ),
        "vigie_acc_sorted",
    )
    from pyspark.sql import functions as F

    per_part = srt.groupBy("part").agg(F.count("*"), F.sum("several"))
    counts = sorted(tuple(r) for r in per_part.collect())
    offsets, run = _offsets(counts)
    several = sum(int(k or 0) for _, _, k in counts)  # counted in the same job
    order = "s.account_id"
    by_platform = several > 0  # as on DuckDB (``open_engine``): (platform, id) accounts
    if by_platform:
        spark.catalog.dropTempView("vigie_acc_sorted")
        srt = _checkpoint(
            spark.sql(
                f"""SELECT account_id, platform, spark_partition_id() AS part FROM (
                SELECT DISTINCT account_id, {platform} AS platform FROM vigie_posts
                WHERE account_id IS NOT NULL
                ORDER BY account_id, platform NULLS LAST)"""
            ),
            "vigie_acc_sorted",
        )
        offsets, run = _offsets(sorted(tuple(r) for r in srt.groupBy("part").count().collect()))
        order = "s.account_id, s.platform NULLS LAST"
    off = spark.createDataFrame(offsets or [(0, 0)], "part INT, off BIGINT")
    off.createOrReplaceTempView("vigie_acc_off")
    _checkpoint(
        spark.sql(
            f"""SELECT CAST(o.off + row_number() OVER (PARTITION BY s.part ORDER BY {order})
                       - 1 AS INT) AS aid, s.account_id, s.platform
            FROM vigie_acc_sorted s JOIN vigie_acc_off o ON s.part = o.part"""
        ),
        "acc",
    )
    for name in ("vigie_acc_sorted", "vigie_acc_off"):
        spark.catalog.dropTempView(name)
    con._views.add("acc")

    def col(name: str, fallback: str) -> str:
        return f"r.{name}" if name in cols else fallback

    null_list, null_str = "CAST(NULL AS ARRAY<STRING>)", "CAST(NULL AS STRING)"
    same = "AND r.platform <=> a.platform" if by_platform else ""
    shared_posts = 0
    if "platform" in cols:  # post ids two platforms share, as on DuckDB (``open_engine``)
        multi = several > 0 or bool(
            spark.sql("SELECT min(platform) <> max(platform) FROM acc").collect()[0][0]
        )
        if multi:
            shared_posts = int(spark.sql(shared_post_ids_query("vigie_posts")).collect()[0][0])
    by_post = shared_posts > 0

    def target(name: str) -> str:
        if name not in cols:
            return null_str
        if not by_post:
            return f"r.{name}"
        value = f"CAST(r.{name} AS STRING)"
        return (
            f"CASE WHEN {value} IS NULL OR {value} = '' THEN {value} "
            f"ELSE concat(coalesce(r.platform, ''), ':', {value}) END"
        )

    pid = "CAST(r.post_id AS STRING)"
    if by_post:
        pid = f"concat(coalesce(r.platform, ''), ':', {pid})"
    spark.sql(
        f"""SELECT {pid} AS post_id, a.aid,
               unix_micros(CAST(r.created_at AS TIMESTAMP)) / 1e6 AS t,
               {col("text", null_str)} AS text,
               {col("urls", null_list)} AS urls,
               {col("hashtags", null_list)} AS hashtags,
               {target("repost_of")} AS repost_of,
               {target("reply_to")} AS reply_to,
               {target("quote_of")} AS quote_of
        FROM vigie_posts r JOIN acc a ON r.account_id = a.account_id {same}
        WHERE r.created_at IS NOT NULL AND r.post_id IS NOT NULL"""
    ).createOrReplaceTempView("pr")
    con._views.add("pr")
    p = _checkpoint(spark.table("pr").drop("text"), "p")
    con._views.add("p")
    n_posts = p.count()
    n_acc = run  # the accounts counted per partition above: no second job
    has_accounts = dataset.accounts_path.exists()
    unread = 0
    if has_accounts:
        araw = spark.read.parquet(dataset.accounts_path.as_posix())
        has_accounts = {"account_id", "created_at"} <= set(araw.columns)
        if has_accounts:
            araw.createOrReplaceTempView("vigie_accounts")
            con._views.add("vigie_accounts")
            a_same = same if "platform" in araw.columns else ""
            _checkpoint(
                spark.sql(
                    f"""SELECT a.aid, unix_micros(CAST(min(r.created_at) AS TIMESTAMP)) / 1e6
                           AS created
                    FROM vigie_accounts r JOIN acc a ON r.account_id = a.account_id {a_same}
                    WHERE r.created_at IS NOT NULL
                      AND CAST(r.created_at AS TIMESTAMP) >= TIMESTAMP '{EARLIEST_CREATION}'
                    GROUP BY a.aid"""
                ),
                "acc_created",
            )
            con._views.add("acc_created")
            unread = creation_dates_unread(dataset.accounts_path.as_posix())
    tmp = tempfile.TemporaryDirectory(prefix="vigie-detect-spark-")
    return SparkEngine(
        con,  # type: ignore[arg-type]
        dataset,
        cols,
        int(n_posts),
        int(n_acc),
        tmp,
        has_accounts,
        ids_on_several_platforms=several,
        post_ids_on_several_platforms=shared_posts,
        creation_dates_unread=unread,
    )
