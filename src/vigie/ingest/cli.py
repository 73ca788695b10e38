"""``vigie ingest``: read platform exports or generic tables into a Dataset folder."""

from __future__ import annotations

from pathlib import Path

import typer

FORMAT_HELP = (
    "auto (from name/content), x (twarc2 pages or flattened tweets), telegram (Desktop "
    "result.json), bluesky (getAuthorFeed/searchPosts output), csv, jsonl, parquet, xlsx "
    "(an Excel workbook's first sheet with data, read as a CSV); "
    "accounts (a csv/jsonl/parquet table of accounts: fills accounts.parquet only)."
)
FORMAT_HELP += " telegram-html (Telegram Desktop's HTML export: pass every messages*.html page)."
FORMAT_HELP += (
    " Also: jetstream (Bluesky Jetstream events), bluesky-car (a Bluesky account's whole"
    " repository: getRepo's .car, the app's data export), mastodon (API statuses), youtube"
    " (Data API commentThreads), tiktok (Research API videos), mcl (Meta Content Library posts)."
)
FORMAT_HELP += (
    " Listening tools: brandwatch, meltwater, talkwalker (Brandwatch Consumer Research,"
    " Meltwater Explore and Talkwalker mention exports, CSV or XLSX; see docs/ingest.md)."
)
FORMAT_HELP += (
    " And: x-v1 (X/Twitter API v1.1 tweets: twarc1, tweepy, Hydrator), x-archive (an"
    " account's own archive: data/tweets.js, with data/account.js beside it), x-io (Twitter's"
    " Information Operations archive CSV), x-io-users (its users CSV: accounts only),"
    " x-users (twarc2 users/followers/following/members output: accounts only),"
    " pushshift (Reddit submissions/comments NDJSON),"
    " crowdtangle (CrowdTangle Facebook/Instagram CSV export, or API posts: JSON pages,"
    " CooRnet's ct_shares CSV, minet's ct CSVs), twarc-csv (twarc2 csv output),"
    " rtweet (R rtweet CSV), twarc1-csv (twarc 1 json2csv.py), 4cat (4CAT dataset CSV export),"
    " telethon (Telegram messages as Telethon writes them: one per line or an array),"
    " twitwi (X CSV from médialab's minet or gazouilloire), twitwi-bluesky (minet's"
    " Bluesky CSV), minet (minet's YouTube comments or videos and TikTok CSVs),"
    " zeeschuimer (the Zeeschuimer browser extension's NDJSON: X, TikTok videos and comments,"
    " Instagram, Threads, Truth Social, Gab), snscrape (snscrape's Twitter JSON lines),"
    " ira-538 (the IRA troll tweets published by FiveThirtyEight and Clemson University),"
    " coortweet (CooRTweet's input table as CSV: object_id, account_id or id_user,"
    " content_id, timestamp_share), cnt (the Coordination Network Toolkit's CSV input:"
    " message_id, user_id, username, repost_id, reply_id, message, timestamp, urls),"
    " tags (a TAGS archive sheet, Martin Hawksey's Twitter Archiving Google Sheet, as CSV),"
    " nodexl (a NodeXL Twitter network's Edges sheet: the workbook or the sheet as CSV),"
    " nodexl-vertices (its Vertices sheet: the accounts' profiles),"
    " twint (twint's --json lines or --csv, 2018-2021),"
    " tcat (DMI-TCAT's tweet exports, CSV or TSV),"
    " academictwitter (academictwitteR's tidy tweets saved as CSV),"
    " pyktok (pyktok's TikTok video metadata CSV),"
    " vk (VKontakte API wall posts and comments, or 4CAT's VK items),"
    " apify (Apify dataset exports, JSON, JSON lines or CSV: Tweet Scraper V2's tweets,"
    " clockworks' TikTok videos, apify/instagram-scraper's Instagram posts)."
)
FORMAT_HELP += " threads (Threads API pages: keyword_search, user threads, replies, conversation)."
FORMAT_HELP += " yt-dlp (yt-dlp's -j lines, -J playlists, .info.json: YouTube, comments, TikTok)."
FORMAT_HELP += " ytdt (YouTube Data Tools' comments files, CSV or .tab)."
FORMAT_HELP += " instaloader (Instaloader's post, profile and comments JSON, .json or .json.xz)."
FORMAT_HELP += (
    " whatsapp (WhatsApp's 'Export chat' .txt, or its .zip; day/month order told from the dates,"
    " else --date-format %d/%m/%y or %m/%d/%y)."
)
MAP_HELP = (
    "FIELD=COLUMN for csv/jsonl/parquet, repeatable (e.g. --map text=body). Fields: post_id, "
    "account_id, created_at (ISO 8601 or POSIX seconds), platform (or prefix:COLUMN to read it "
    "from a fb_/tw_ prefix), text, lang, urls, hashtags, mentions, media (list, JSON array, "
    "space-separated, or one value per row: rows of the same post are merged), repost_of, "
    "reply_to, quote_of, client (posting app), handle, display_name, account_created_at, "
    "followers, following, "
    "posts_count, description. Columns named like a field need no mapping. Repeat --map for "
    "a list field to gather several columns (--map urls=link --map urls=domain). In JSON "
    "and Parquet, a dotted name is a path into nested records (--map "
    "account_id=peer_id.channel_id; through a list, every item's value: --map "
    "hashtags=entities.tag)."
)


def expand_patterns(sources: list[Path]) -> list[Path]:
    """Each source as given, but a file pattern the shell left as typed (Windows' cmd and
    PowerShell pass ``exports\\*.jsonl`` to the program, as every shell does a quoted
    ``"exports/*.jsonl"``) becomes the files it matches, sorted: it answered "no such
    file". A pattern that matches no file is an error naming it; a file whose name holds
    ``*`` or ``[`` is read as that file."""
    import glob

    from vigie.errors import VigieError

    out: list[Path] = []
    for src in sources:
        text = str(src)
        if src.exists() or not any(c in text for c in "*?["):
            out.append(src)
            continue
        found = sorted(Path(p) for p in glob.glob(text, recursive=True) if Path(p).is_file())
        if not found:
            raise VigieError(f"{text}: no file matches this pattern")
        out.extend(found)
    return out


def ingest(
    sources: list[Path] = typer.Argument(..., help="Files to ingest."),
    into: Path = typer.Option(
        None, "--into", help="Dataset folder (created or appended to); not needed with --dry-run."
    ),
    fmt: str = typer.Option("auto", "--format", "-f", help=FORMAT_HELP),
    mapping: list[str] = typer.Option([], "--map", "-m", help=MAP_HELP),
    platform: str = typer.Option(
        None, "--platform", help="Platform of every row of a generic file (x, facebook, ...)."
    ),
    memory_limit: str = typer.Option(
        "1GB", "--memory-limit", help="DuckDB memory limit for the de-duplication merge."
    ),
    dry_run: bool = typer.Option(
        False,
        "--dry-run",
        help="Preview the mapping on the first rows (what each field gets, what is left "
        "unmapped, what would be refused) and write nothing.",
    ),
    max_reject_share: float = typer.Option(
        1.0,
        "--max-reject-share",
        help="Fail (exit 2, nothing written) when a source has more than this share of its "
        "records refused; 1 (the default) fails only when every record is refused.",
    ),
    date_format: str = typer.Option(
        None,
        "--date-format",
        help="strptime pattern of created_at text, e.g. '%d/%m/%Y %H:%M' (naive times are UTC); "
        "epoch-ms, epoch-us or epoch-ns for numbers of that unit since 1970 (epoch: seconds).",
    ),
    dayfirst: bool = typer.Option(
        False, "--dayfirst", help="Read created_at like 31/12/2024 [23:59[:59]] (day first)."
    ),
    encoding: str = typer.Option(
        None,
        "--encoding",
        help="Encoding of CSV and JSON sources (CSV default: BOM, else UTF-8, else Latin-1; "
        "JSON: UTF-8).",
    ),
    delimiter: str = typer.Option(
        None, "--delimiter", help="CSV delimiter (default: sniffed among , ; tab |); 'tab' for tab."
    ),
    sheet: str = typer.Option(
        None,
        "--sheet",
        help="The sheet of an Excel workbook to read (default: the first with data).",
    ),
) -> None:
    """Ingest SOURCES into the Dataset folder: append, de-duplicate on (platform, post_id),
    refuse malformed records into DATASET/rejected.jsonl; the previous Dataset stays intact
    if anything fails."""
    from vigie.ingest.api import ingest as run
    from vigie.ingest.api import preview
    from vigie.ingest.summary import print_preview, print_summary

    sources = expand_patterns(sources)
    read_options = dict(
        date_format=date_format,
        dayfirst=dayfirst,
        encoding=encoding,
        delimiter=delimiter,
        sheet=sheet,
    )
    if dry_run:
        print_preview(preview(sources, fmt, mapping, platform, **read_options))
        return
    if into is None:
        from vigie.errors import VigieError

        hint = ""
        last = Path(sources[-1]) if sources else None
        if last is not None and len(sources) > 1 and (not last.exists() or last.is_dir()):
            # `vigie ingest posts.csv mydata`, as cp would read it: name the fix
            hint = f" (did you mean: --into {sources[-1]}?)"
        raise VigieError(f"missing --into DATASET: the Dataset folder to create or append to{hint}")
    report = run(
        sources,
        into,
        fmt=fmt,
        mapping=mapping,
        platform=platform,
        memory_limit=memory_limit,
        max_reject_share=max_reject_share,
        **read_options,
    )
    print_summary(report)
