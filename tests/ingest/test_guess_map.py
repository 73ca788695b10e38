"""The --map a generic table's column names suggest, in the refusal that asks for one."""

from __future__ import annotations

from pathlib import Path

import pytest

from vigie.errors import InputError
from vigie.ingest import ingest
from vigie.ingest.guess_map import as_options, suggest


@pytest.mark.parametrize(
    ("columns", "want"),
    [
        (
            ["tweet_id", "user_id", "date", "content"],
            {
                "post_id": "tweet_id",
                "account_id": "user_id",
                "created_at": "date",
                "text": "content",
            },
        ),
        (
            ["Post ID", "User Name", "Post Created", "Message", "Link"],
            {
                "post_id": "Post ID",
                "account_id": "User Name",
                "created_at": "Post Created",
                "text": "Message",
                "urls": "Link",
            },
        ),
        (
            ["postId", "authorId", "createdAt"],
            {"post_id": "postId", "account_id": "authorId", "created_at": "createdAt"},
        ),
        # the most specific name wins, and a column is suggested once
        (["id", "tweet_id", "author", "user_id"], {"post_id": "tweet_id", "account_id": "user_id"}),
        (["a", "b", "c"], {}),
        # "url" is most often the post's own address: not suggested as a shared link
        (["id", "url"], {"post_id": "id"}),
        # French, German and Spanish spreadsheets, accents and case aside
        (
            ["Identifiant", "Auteur", "Publié le", "Texte", "Liens", "Mots-dièses", "Langue"],
            {
                "post_id": "Identifiant",
                "account_id": "Auteur",
                "created_at": "Publié le",
                "text": "Texte",
                "urls": "Liens",
                "hashtags": "Mots-dièses",
                "lang": "Langue",
            },
        ),
        (
            ["ID", "Benutzer", "Erstellt am", "Inhalt", "Antwort auf"],
            {
                "post_id": "ID",
                "account_id": "Benutzer",
                "created_at": "Erstellt am",
                "text": "Inhalt",
                "reply_to": "Antwort auf",
            },
        ),
        (
            ["id_publicacion", "usuario", "fecha", "texto"],
            {
                "post_id": "id_publicacion",
                "account_id": "usuario",
                "created_at": "fecha",
                "text": "texto",
            },
        ),
    ],
)
def test_suggest_reads_the_names_collection_tools_use(columns, want):
    assert suggest(columns, {}) == want


def test_suggest_leaves_mapped_fields_and_columns_alone():
    got = suggest(["id", "user_id", "text", "date"], {"post_id": "user_id", "text": "text"})
    assert got == {"created_at": "date"}  # user_id is taken, id is left for no field


def test_options_are_quoted_for_the_shell_where_needed():
    assert (
        as_options({"post_id": "Post ID", "text": "body"})
        == "--map 'post_id=Post ID' --map text=body"
    )


def test_the_refusal_names_the_suggested_map(tmp_path: Path) -> None:
    """A table without the house names is refused, and the refusal gives the --map its
    names suggest; with that --map the same file ingests."""
    src = tmp_path / "export.csv"
    src.write_text(
        "tweet_id,user_id,date,content\n1,u1,2024-05-01 10:00:00,hi https://example.org/a\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as exc:
        ingest([src], tmp_path / "ds", platform="x")
    said = str(exc.value)
    assert "--map post_id=tweet_id --map account_id=user_id --map created_at=date" in said
    assert "--dry-run" in said
    mapping = ["post_id=tweet_id", "account_id=user_id", "created_at=date", "text=content"]
    assert ingest([src], tmp_path / "ds", platform="x", mapping=mapping).posts == 1


def test_a_table_of_accounts_is_told_to_use_format_accounts(tmp_path: Path) -> None:
    """The generator's accounts.parquet (and a collector's profiles table) ingested without
    ``--format accounts`` is refused as a table of accounts, not with a ``--map post_id``
    that cannot be right; with the format it is read. A posts table missing its id, or a
    table with profile columns and a text, still gets the usual refusal."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from vigie.ingest.guess_map import looks_like_accounts

    acc = tmp_path / "accounts.parquet"
    pq.write_table(
        pa.table(
            {
                "account_id": ["a1", "a2"],
                "platform": ["x", "x"],
                "handle": ["h1", "h2"],
                "followers": [3, 4],
            }
        ),
        acc,
    )
    with pytest.raises(
        InputError, match=r"accounts.parquet: its columns .* are a table of accounts"
    ):
        ingest([acc], tmp_path / "ds")
    ingest([acc], tmp_path / "ds", fmt="accounts")
    assert pq.read_table(tmp_path / "ds" / "accounts.parquet").num_rows == 2
    assert looks_like_accounts(["user_id", "screen_name", "followers_count", "bio"])
    assert not looks_like_accounts(["user_id", "screen_name", "followers_count", "text"])
    assert not looks_like_accounts(["account_id", "created_at", "content"])
    assert not looks_like_accounts(["handle", "followers"])  # no account id


@pytest.mark.parametrize(
    ("fmt", "suggested"),
    [("csvv", "did you mean csv?"), ("twitter", "did you mean x or twarc-csv?"), ("zzz", "")],
)
def test_an_unknown_format_suggests_the_nearest_names(tmp_path: Path, fmt, suggested) -> None:
    """A typo or an everyday name (X was Twitter) gets the formats meant first, then the
    list; a name like none of them gets the list alone. The dry run says the same."""
    from vigie.errors import VigieError
    from vigie.ingest.api import preview

    src = tmp_path / "a.csv"
    src.write_text("post_id\n1\n")
    for call in (lambda: ingest([src], tmp_path / "ds", fmt=fmt), lambda: preview([src], fmt)):
        with pytest.raises(VigieError) as exc:
            call()
        said = str(exc.value)
        assert said.startswith(f"--format '{fmt}': {suggested}")
        assert "expected one of auto, x," in said
        assert ("did you mean" in said) == bool(suggested)


@pytest.mark.parametrize("suffix", ["csv", "jsonl", "parquet"])
def test_ids_that_say_their_platform_are_suggested_as_the_platform(
    tmp_path: Path, suffix: str
) -> None:
    """CooRTweet's German 2021 sample keys accounts ``fb_…`` and ``tw_…`` and has no platform
    column: the refusal named three ways to give a platform, not the one the file calls for
    (``--map platform=prefix:account_id``). Ids without such a prefix get no suggestion."""
    import json

    import pyarrow as pa
    import pyarrow.parquet as pq

    def write(name: str, ids: list[str]) -> Path:
        rows = [
            {"post_id": f"p{i}", "account_id": a, "timestamp": 1_630_000_000 + i}
            for i, a in enumerate(ids)
        ]
        path = tmp_path / f"{name}.{suffix}"
        if suffix == "csv":
            path.write_text(
                "post_id,account_id,timestamp\n"
                + "".join(f"{r['post_id']},{r['account_id']},{r['timestamp']}\n" for r in rows)
            )
        elif suffix == "jsonl":
            path.write_text("".join(json.dumps(r) + "\n" for r in rows))
        else:
            pq.write_table(pa.Table.from_pylist(rows), path)
        return path

    for name, ids, said in (
        ("prefixed", ["fb_1", "tw_2", "fb_3", "tw_4"], "its account_id values start with "
         "fb_ (facebook), tw_ (x): --map platform=prefix:account_id"),
        ("plain", ["1", "2", "a_3", "4"], None),
    ):  # fmt: skip
        with pytest.raises(InputError) as err:
            ingest(write(name, ids), tmp_path / "ds", mapping=["created_at=timestamp"])
        text = str(err.value)
        assert "no platform: pass --platform NAME" in text
        if said is None:
            assert "prefix:account_id" not in text, text
        else:
            assert said in text, text
