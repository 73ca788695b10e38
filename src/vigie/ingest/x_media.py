"""One ``media`` value per X video or GIF, the same from every reader and every collection.

Why: a photo's URL (``pbs.twimg.com/media/<name>.jpg``) is stable, but a video is served as a
set of variants (``video.twimg.com/ext_tw_video/<id>/pu/vid/avc1/1280x720/<name>.mp4?tag=12``)
that X re-encodes and extends over time: the best-bitrate variant of one video differs between
two collections made months apart, between the v1.1 and the v2 readers, or between a page and
its flattened copy, and co-media could not tie two accounts that posted the same video. What
does not change is the video's **media id**, which every shape X writes carries:

- API v2 ``media_key``: ``7_<id>`` (a video), ``13_<id>`` (an "amplify" video), ``16_<id>``
  (an animated GIF); v1.1 (and the GraphQL ``legacy`` part Zeeschuimer keeps) ``id_str`` of a
  media object whose ``type`` is ``video`` or ``animated_gif`` (recent ones carry the
  ``media_key`` too);
- the variant URLs ``video.twimg.com/ext_tw_video/<id>/...`` and ``amplify_video/<id>/...``,
  and their previews ``pbs.twimg.com/ext_tw_video_thumb/<id>/...``,
  ``amplify_video_thumb/<id>/...`` (a v1.1 ``entities.media`` lists a video as a ``photo``
  with this preview as its URL);
- a GIF's ``video.twimg.com/tweet_video/<name>.mp4`` and ``pbs.twimg.com/tweet_video_thumb/
  <name>.jpg``: its 15-character ``<name>`` is the URL-safe base64 of 11 bytes whose first 8
  are the media id, big-endian (checked on public tweets: ``GbejICPaYAAhMPY`` is
  ``16_1853129130122043392``).

The canonical value is ``x-media:<id>`` (``PREFIX``, decimal id). Why not a URL such as
``video.twimg.com/ext_tw_video/<id>``: no such address exists (nor for GIFs, whose URLs hold a
name, nor for amplify videos), so a URL-shaped key would look openable and lead nowhere, and
would have to pick one kind of path for ids that come from a ``media_key`` or an ``id_str``
alone. An opaque key is what co-media expects of anything that is not a perceptual hash (it
compares it exactly); ``x-media:`` cannot be mistaken for a hash or a URL, holds no letter that
co-rare's and lockstep's lower-casing would merge, and names its platform. A media id is unique
across photos, videos and GIFs, so the kind is not part of the key.

Photos keep their URL (their media id could be read the same way, but their URL is already a
stable key and photo-only Datasets stay byte-identical). A value of any other shape (a video
URL X never wrote, a test's made-up one) is kept as it was: never dropped, only not merged. A
known limit: an amplify video's preview can be a separate photo (``pbs.twimg.com/media/...``),
so an amplify video known by nothing but that preview stays a photo URL.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterable
from typing import Any

PREFIX = "x-media:"
VIDEO_TYPES = frozenset({"video", "animated_gif"})
"""``type`` of a v1.1 or v2 media object whose id is its key (``photo`` keeps its URL)."""
VIDEO_KINDS = frozenset({"7", "13", "16"})
"""``media_key`` prefixes of a video, an amplify video and a GIF (``3`` is a photo)."""
_HOST = r"^(?:https?://)?(?:[a-z0-9-]+\.)*twimg\.com/"
_BY_ID = re.compile(_HOST + r"(?:ext_tw_video|amplify_video)(?:_thumb)?/([0-9]+)(?:[/?#]|$)", re.I)
_GIF = re.compile(_HOST + r"tweet_video(?:_thumb)?/([A-Za-z0-9_-]{15})(?:[./?#:]|$)", re.I)
_DIGITS = re.compile(r"[0-9]{1,20}")


def key_of_id(media_id: str) -> str:
    """The canonical value of the video or GIF with this (decimal) media id."""
    return f"{PREFIX}{int(media_id)}"


def key_of_url(url: Any) -> str | None:
    """The canonical value of a video's or GIF's variant or preview URL; None for any other
    string (a photo, an unknown shape), which the caller keeps as it was."""
    if not isinstance(url, str):
        return None
    m = _BY_ID.match(url)
    if m:
        return key_of_id(m.group(1))
    m = _GIF.match(url)
    if m:
        raw = base64.urlsafe_b64decode(m.group(1) + "=")
        return key_of_id(str(int.from_bytes(raw[:8], "big")))
    return None


def _id_text(value: Any) -> str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int) and value >= 0:
        return str(value)
    if isinstance(value, str) and _DIGITS.fullmatch(value):
        return value
    return None


def key_of_object(media: dict[str, Any], urls: Iterable[Any] = ()) -> str | None:
    """The canonical value of a media object of API v1.1 or v2 when it is a video or a GIF:
    from its ``media_key`` (``7_``/``13_``/``16_``, or any prefix with a video ``type``), else
    its ``id_str``/``id`` when its ``type`` says video or GIF, else the first of ``urls`` (its
    variants', then its preview's) whose shape holds the id. None for a photo or a video known
    by none of these (the caller keeps its URL as before)."""
    kind = media.get("type")
    mk = media.get("media_key")
    if isinstance(mk, str):
        prefix, _, num = mk.partition("_")
        if _DIGITS.fullmatch(num) and (prefix in VIDEO_KINDS or kind in VIDEO_TYPES):
            return key_of_id(num)
    if kind in VIDEO_TYPES:
        ident = _id_text(media.get("id_str")) or _id_text(media.get("id"))
        if ident is not None:
            return key_of_id(ident)
    for url in urls:
        key = key_of_url(url)
        if key is not None:
            return key
    return None
