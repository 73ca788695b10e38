"""URL canonicalisation and entity extraction (known answers)."""

from __future__ import annotations

import pytest

from vigie.ingest.urls import (
    canonical_url,
    canonical_urls,
    clean_hashtags,
    hashtags_in_text,
    mentions_in_text,
    urls_in_text,
)


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        (
            "https://www.lemonde.fr/politique/a.html?utm_source=tw#top",
            "lemonde.fr/politique/a.html",
        ),
        ("http://Example.org/a?b=1&utm_medium=x", "example.org/a?b=1"),
        ("example.org/a", "example.org/a"),  # already canonical: unchanged
        ("23678", "23678"),  # an opaque id, not a URL: kept verbatim
    ],
)
def test_canonical_url(raw: str, canonical: str) -> None:
    assert canonical_url(raw) == canonical
    assert canonical_url(canonical) == canonical  # idempotent


def test_lists_are_cleaned_and_deduplicated_in_order() -> None:
    assert canonical_urls(["https://www.a.org/x", "a.org/x", "b.org"]) == ["a.org/x", "b.org"]
    assert clean_hashtags(["#Wahl", "wahl", "#BTW21"]) == ["wahl", "btw21"]


def test_extraction_from_text() -> None:
    text = "Seht #Wahl2021 und #AfD! @Anna_B https://www.example.org/x?fbclid=9 ok"
    assert urls_in_text(text) == ["example.org/x"]
    assert hashtags_in_text(text) == ["afd", "wahl2021"]
    assert mentions_in_text(text) == ["anna_b"]
    assert urls_in_text(None) == [] and hashtags_in_text("no tags") == []
