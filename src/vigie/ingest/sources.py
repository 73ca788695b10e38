"""The readers of the platform sources added beside X, Telegram and Bluesky, by --format name.

Each takes ``(path, platform)``; ``platform`` is ``--platform`` when the format covers several
(Meta Content Library: facebook or instagram) and is ignored otherwise.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from vigie.ingest import (
    academictwitter,
    apify,
    bluesky_car,
    cnt_input,
    coortweet_input,
    crowdtangle,
    fourcat,
    instaloader,
    ira538,
    jetstream,
    listening,
    mastodon,
    mcl,
    minet_csv,
    nodexl,
    pushshift,
    pyktok,
    snscrape_x,
    tags,
    tcat,
    telegram_html,
    telethon,
    threads_api,
    tiktok,
    twint,
    twitwi_files,
    vk,
    whatsapp,
    x_archive,
    x_csv,
    x_io_archive,
    x_users,
    x_v1,
    youtube,
    ytdlp,
    ytdt,
    zeeschuimer,
)
from vigie.ingest.model import Batch

READERS: dict[str, Callable[[Path, str | None], Iterator[Batch]]] = {
    "jetstream": lambda path, platform: jetstream.read(path),
    "bluesky-car": lambda path, platform: bluesky_car.read(path),
    "mastodon": mastodon.read,
    "youtube": youtube.read,
    "tiktok": tiktok.read,
    "mcl": mcl.read,
    "x-users": x_users.read,
    "x-v1": x_v1.read,
    "x-archive": x_archive.read,
    "x-io": x_io_archive.read,
    "x-io-users": x_io_archive.read_users,
    "pushshift": pushshift.read,
    "crowdtangle": crowdtangle.read,
    **listening.READERS,  # brandwatch, meltwater, talkwalker
    "twarc-csv": x_csv.read_twarc_csv,
    "rtweet": x_csv.read_rtweet,
    "twarc1-csv": x_csv.read_twarc1_csv,
    "4cat": fourcat.read,
    "telethon": telethon.read,
    "telegram-html": telegram_html.read,
    "twitwi": twitwi_files.read_tweets,
    "twitwi-bluesky": twitwi_files.read_bluesky,
    "zeeschuimer": zeeschuimer.read,
    "minet": minet_csv.read,
    "snscrape": snscrape_x.read,
    "ira-538": ira538.read,
    "coortweet": coortweet_input.read,
    "cnt": cnt_input.read,
    "tags": tags.read,
    "twint": twint.read,
    "instaloader": instaloader.read,
    "tcat": tcat.read,
    "academictwitter": academictwitter.read,
    "pyktok": pyktok.read,
    "ytdt": ytdt.read,
    "nodexl": nodexl.read,
    "nodexl-vertices": nodexl.read_vertices,
    "vk": vk.read,
    "apify": apify.read,
    "threads": threads_api.read,
    "yt-dlp": ytdlp.read,
    "whatsapp": lambda path, platform: whatsapp.read(path),  # dates: see api._plan
}
