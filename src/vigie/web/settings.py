"""Settings of the web workbench, as data (one dataclass, filled from CLI flags).

Why two modes: an analyst alone on a laptop should type ``vigie serve`` and work, with no
account to create; a team behind a reverse proxy needs people, roles and HTTPS-only cookies.
``team=False`` (single-user) therefore binds to loopback only, accepts only loopback Host
headers (a web page cannot reach it through DNS rebinding) and signs the local person in as
administrator; CSRF protection stays on in both modes, since any web page the analyst opens
could otherwise post forms to localhost.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")


@dataclass(frozen=True)
class WebSettings:
    """Everything the app needs to know; ``workspace`` is the folder it serves."""

    workspace: Path
    db_url: str | None = None  # default: the workspace's case store (SQLite in the folder)
    team: bool = False  # people sign in; otherwise the local person is admin
    secure_cookies: bool = False  # set behind HTTPS (team mode behind a proxy)
    trusted_proxies: tuple[str, ...] = ()  # peers whose X-Forwarded-For is believed
    allowed_hosts: tuple[str, ...] = field(default=LOOPBACK_HOSTS)
    session_ttl_s: int = 8 * 3600
    max_upload_bytes: int = 2 * 1024**3
    max_unpacked_bytes: int = 20 * 1024**3  # a compressed upload unpacked (decompression bombs)
    partners_path: Path | None = None  # share registry (default: the workspace's, else example)
    taxii_config: Path | None = None  # a `vigie share serve` configuration to publish into
