"""The shared one-row-per-element tables (``exploded.rows``) hold what each reader expects.

Why: co-link, co-hashtag, co-domain, co-media, co-rare and lockstep used to unnest the
lists each in its own words; they now read one table per column, so what that table keeps
(the empty URL co-domain counts, hashtags lower-cased without ``#``, trimmed images, no
reposts by default) decides every one of their answers.
"""

from __future__ import annotations

from pathlib import Path

from vigie.detect.config import load_config
from vigie.detect.engine import open_engine
from vigie.detect.exploded import rows
from vigie.schema import Dataset

from .test_objects import MediaBuilder


def _engine(tmp_path: Path):
    b = MediaBuilder(seed=3)
    b.post("a", 0, urls=["x.com/1", ""], hashtags=["#Vote", "vote", "#", ""], media=[" AB ", " "])
    b.post("b", 5, urls=["x.com/1"], hashtags=["#VOTE"], media=["ab"], post_id="orig")
    b.post("c", 9, urls=["x.com/2"], hashtags=["#Other"], media=["cd"], repost_of="orig")
    ds = b.write(tmp_path / "ds")
    return open_engine(Dataset(ds).check(), load_config(None)["general"])


def _values(engine, table: str) -> list[tuple[str, str]]:
    q = f"SELECT a.account_id, x.obj FROM {table} x JOIN acc a USING (aid) ORDER BY 1, 2"
    return [(str(r[0]), str(r[1])) for r in engine.con.execute(q).fetchall()]


def test_rows_keep_what_each_reader_expects(tmp_path):
    engine = _engine(tmp_path)
    try:
        # the empty URL stays (co-domain counts it); reposts are left out
        assert _values(engine, rows(engine, "urls", False)) == [
            ("a", ""),
            ("a", "x.com/1"),
            ("b", "x.com/1"),
        ]
        # lower-case, no '#', empty ones left out
        assert _values(engine, rows(engine, "hashtags", False)) == [
            ("a", "vote"),
            ("a", "vote"),
            ("b", "vote"),
        ]
        # trimmed, blank ones left out; the case is the readers' to fold
        assert _values(engine, rows(engine, "media", False)) == [("a", "AB"), ("b", "ab")]
        assert ("c", "x.com/2") in _values(engine, rows(engine, "urls", True))
    finally:
        engine.close()


def test_rows_are_made_once(tmp_path):
    engine = _engine(tmp_path)
    try:
        name = rows(engine, "hashtags", False)
        engine.con.execute(f"DELETE FROM {name}")  # a second call must not make it again
        assert rows(engine, "hashtags", False) == name
        assert engine.con.execute(f"SELECT count(*) FROM {name}").fetchall()[0][0] == 0
        assert sorted(engine.lists) == [("hashtags", False)]
    finally:
        engine.close()


def test_turkish_i_is_one_hashtag(tmp_path):
    """``İ`` lowered by Python's full case rule carries a combining dot (``i̇stanbul``): a
    Dataset written by another tool (or by vigie before) holding it, and ``#İSTANBUL`` and
    ``#istanbul``, give co-hashtag one hashtag, as on the platforms."""
    b = MediaBuilder(seed=3)
    b.post("a", 0, hashtags=["#i\u0307stanbul"])
    b.post("b", 5, hashtags=["#İSTANBUL"])
    b.post("c", 9, hashtags=["istanbul"])
    ds = b.write(tmp_path / "ds")
    engine = open_engine(Dataset(ds).check(), load_config(None)["general"])
    try:
        got = _values(engine, rows(engine, "hashtags", False))
        assert got == [("a", "istanbul"), ("b", "istanbul"), ("c", "istanbul")]
    finally:
        engine.close()
