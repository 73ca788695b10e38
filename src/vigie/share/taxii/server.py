"""Running the server: uvicorn on loopback by default, or in a background thread for tests.

Why loopback by default: HTTP Basic sends the password with every request; on anything but
127.0.0.1 it must travel inside TLS. ``serve`` therefore refuses a non-loopback address
unless a certificate is given (or ``allow_plain_http`` is set explicitly, e.g. behind a
TLS-terminating reverse proxy on the same host).
"""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

from vigie.errors import VigieError
from vigie.share.netaddr import is_loopback
from vigie.share.partners import Registry, load_partners
from vigie.share.store import Store
from vigie.share.taxii.app import create_app
from vigie.share.taxii.config import ServerConfig
from vigie.share.taxii.state import ServerState, build_state


def state_from_config(
    config: ServerConfig, registry: Registry | None = None, store: Store | None = None
) -> ServerState:
    """Load the registry named by the config (unless given) and open the database."""
    if registry is None:
        registry = load_partners(config.partners_path())
    return build_state(config, registry, store)


def serve(
    state: ServerState,
    host: str = "127.0.0.1",
    port: int = 8765,
    *,
    ssl_certfile: Path | None = None,
    ssl_keyfile: Path | None = None,
    allow_plain_http: bool = False,
    log_level: str = "info",
) -> None:
    """Run the server in the foreground until interrupted."""
    import uvicorn

    if not is_loopback(host) and ssl_certfile is None and not allow_plain_http:
        raise VigieError(
            f"refusing to serve on {host} without TLS: passwords would cross the network in "
            "clear. Give --ssl-certfile/--ssl-keyfile, or --allow-plain-http behind a TLS proxy."
        )
    guard = state.config.guard
    uvicorn.run(
        create_app(state),
        host=host,
        port=port,
        log_level=log_level,
        # X-Forwarded-For is read by the app itself, and only from guard.trusted_proxies
        # (uvicorn would believe it from 127.0.0.1, i.e. from anyone on this host)
        proxy_headers=False,
        limit_concurrency=guard.max_connections,
        timeout_keep_alive=max(1, int(guard.keep_alive_s)),
        ssl_certfile=str(ssl_certfile) if ssl_certfile else None,
        ssl_keyfile=str(ssl_keyfile) if ssl_keyfile else None,
        server_header=False,
    )


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port free on ``host`` right now (for tests and throw-away servers)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


class BackgroundServer:
    """uvicorn serving an ASGI app in a daemon thread on 127.0.0.1 (used by tests).

    ``with BackgroundServer(app) as url: ...`` starts it, waits until it accepts
    connections, and stops it on exit.
    """

    def __init__(self, app: object, host: str = "127.0.0.1", port: int | None = None) -> None:
        import uvicorn

        if not is_loopback(host):
            raise VigieError("BackgroundServer only binds loopback addresses")
        self.host = host
        self.port = port or free_port(host)
        config = uvicorn.Config(
            app, host=host, port=self.port, log_level="warning", proxy_headers=False
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def __enter__(self) -> str:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the test server did not start")
            time.sleep(0.02)
        return self.url

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
