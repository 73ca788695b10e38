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
