"""The ``--map`` a generic table's column names suggest, for the refusal that asks for one.

Why a suggestion and not a reading: a column named ``date`` may be the post's time or the
collection's, ``author`` a handle or an id. A table whose required fields have no column is
refused (``tabular.resolve_spec``); the refusal now says which columns look like them, as a
``--map`` to paste after checking it with ``--dry-run``, instead of leaving a non-programmer
to match ``tweet_id`` to ``post_id`` from a list of names.
"""

from __future__ import annotations

import re
import unicodedata

SYNONYMS: dict[str, tuple[str, ...]] = {
    # the names collection tools, exports and spreadsheets use, most specific first
    "post_id": (
        "post_id",
        "tweet_id",
        "tweetid",
        "status_id",
        "message_id",
        "msg_id",
        "comment_id",
        "video_id",
        "item_id",
        "postid",
        # French, German, Spanish, Italian spreadsheets (accents and case fold away)
        "id_publication",
        "identifiant_publication",
        "id_message",
        "beitrags_id",
        "id_publicacion",
        "id_pubblicazione",
        "id",
        "identifiant",
    ),
    "account_id": (
        "account_id",
        "user_id",
        "userid",
        "author_id",
        "authorid",
        "channel_id",
        "page_id",
        "owner_id",
        "from_id",
        "sender_id",
        "screen_name",
        "username",
        "user_name",
        "handle",
        "author",
        "user",
        "account",
        "channel",
        "sender",
        "id_utilisateur",
        "identifiant_utilisateur",
        "id_compte",
        "id_auteur",
        "nom_utilisateur",
        "nom_d_utilisateur",
        "auteur",
        "compte",
        "utilisateur",
        "pseudo",
        "benutzer",
        "nutzer",
        "autor",
        "usuario",
        "cuenta",
        "utente",
        "autore",
    ),
    "created_at": (
        "created_at",
        "createdat",
        "created_time",
        "create_time",
        "published_at",
        "publish_date",
        "post_date",
        "post_created",
        "creation_time",
        "date_posted",
        "tweet_time",
        "datetime",
        "timestamp",
        "date",
        "time",
        "created",
        "published",
        "date_de_publication",
        "date_publication",
        "publie_le",
        "date_heure",
        "horodatage",
        "heure",
        "erstellt_am",
        "datum",
        "zeitstempel",
        "fecha_de_publicacion",
        "fecha",
        "data_pubblicazione",
    ),
    "text": (
        "text",
        "full_text",
        "content",
        "body",
        "message",
        "post_text",
        "tweet",
        "caption",
        "description",
        "title",
        "texte",
        "contenu",
        "legende",
        "inhalt",
        "nachricht",
        "beitrag",
        "texto",
        "contenido",
        "mensaje",
        "testo",
        "messaggio",
    ),
    "repost_of": (
        "repost_of",
        "retweet_id",
        "retweeted_id",
        "retweet_of",
        "retweeted_status_id",
        "shared_post_id",
        "forwarded_from",
        "id_retweet",
        "partage_de",
    ),
    "reply_to": (
        "reply_to",
        "in_reply_to_status_id",
        "in_reply_to",
        "reply_to_id",
        "parent_id",
        "en_reponse_a",
        "reponse_a",
        "antwort_auf",
        "respuesta_a",
    ),
    # not "url": in exports it is most often the post's own address, not a link it shares
    "urls": ("urls", "links", "expanded_urls", "link", "liens", "lien", "enlaces", "collegamenti"),
    "hashtags": ("hashtags", "hashtag", "tags", "mots_dieses", "mot_diese"),
    "mentions": ("mentions", "user_mentions", "mentioned"),
    "lang": ("lang", "language", "langue", "sprache", "idioma", "lingua"),
}


def _key(name: str) -> str:
    """``Post ID``, ``post-id`` and ``postId`` compare as ``post_id``; ``Publié le`` as
    ``publie_le`` (accents dropped: spreadsheets in French, German or Spanish name their
    columns in those languages)."""
    plain = "".join(
        c for c in unicodedata.normalize("NFKD", name.strip()) if not unicodedata.combining(c)
    )
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", plain)
    return re.sub(r"[^a-z0-9]+", "_", spaced.lower()).strip("_")


def suggest(columns: list[str], mapped: dict[str, str]) -> dict[str, str]:
    """Canonical field -> the column its name suggests, for the fields ``mapped`` lacks;
    each column is suggested once, to the field it names most specifically."""
    taken = set(mapped.values())
    by_key: dict[str, str] = {}
    for col in columns:
        by_key.setdefault(_key(col), col)
    out: dict[str, str] = {}
    for field, names in SYNONYMS.items():
        if field in mapped:
            continue
        for name in names:
            col = by_key.get(name)
            if col is not None and col not in taken:
                out[field] = col
                taken.add(col)
                break
    return out


_PROFILE_NAMES = frozenset(
    {
        "handle", "screen_name", "username", "user_name", "display_name", "name",
        "followers", "followers_count", "following", "friends_count", "following_count",
        "description", "bio", "posts_count", "statuses_count", "verified", "location",
    }
)  # fmt: skip
_ACCOUNT_ID_NAMES = frozenset({"account_id", "user_id", "author_id"})
_POST_NAMES = frozenset(
    [n for n in SYNONYMS["post_id"] if n not in ("id", "identifiant")]  # profiles have one too
    + [n for n in SYNONYMS["text"] if n not in ("description", "title")]  # and a bio
)


def looks_like_accounts(columns: list[str]) -> bool:
    """Whether a table's columns are a table of accounts (profiles) rather than of posts:
    an account id, two or more profile columns, and no column named as a post id or text
    would be (the names ``suggest`` reads, compared as it compares them).

    Why: ``vigie generate`` and many collectors write the profiles in a file of their own;
    given to ``vigie ingest`` without ``--format accounts``, it was refused for want of a
    ``post_id`` column with a suggestion to map one, which cannot be right."""
    names = {_key(c) for c in columns}
    return (
        bool(names & _ACCOUNT_ID_NAMES)
        and len(names & _PROFILE_NAMES) >= 2
        and not names & _POST_NAMES
    )


def as_options(guess: dict[str, str]) -> str:
    """``--map post_id=tweet_id --map ...`` (quoted where the shell needs it)."""
    parts = []
    for field, col in guess.items():
        value = f"{field}={col}"
        parts.append(f"--map '{value}'" if re.search(r"[^\w.=:/-]", value) else f"--map {value}")
    return " ".join(parts)
