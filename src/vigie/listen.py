"""Whether a server can listen where it was told, found out before it says it listens.

Why: ``uvicorn.run`` prints its own ``ERROR: [Errno 98] ... address already in use`` and
exits with code 3 after vigie has already printed "workbench on http://...": a person sees
an address that answers nothing. Binding once first turns the usual causes (a port in use,
a privileged port, an address no interface has, a name that does not resolve) into one line
that says what to do, with the command line's exit code 2.
"""

from __future__ import annotations

import errno
import socket

from vigie.errors import VigieError


def ensure_can_listen(host: str, port: int) -> None:
    """Raise ``VigieError`` naming the fix when ``host:port`` cannot be listened on now."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise VigieError(
            f"--host {host}: not an address this machine can resolve ({reason})"
        ) from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
        try:
            sock.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                why = "is already in use: stop what listens there, or give another --port"
            elif exc.errno == errno.EACCES:
                why = "needs privileges this account lacks: give a port above 1023"
            elif exc.errno == errno.EADDRNOTAVAIL:
                why = "cannot be listened on: no network interface of this machine has that address"
            else:
                why = f"cannot be listened on ({exc.strerror or exc})"
            raise VigieError(f"{host}:{port} {why}") from None
