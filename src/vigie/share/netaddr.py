"""Address checks shared by the server and the comparison client."""

from __future__ import annotations

import ipaddress
from typing import Any


def is_loopback(host: str) -> bool:
    """Whether ``host`` names this machine (``localhost`` or a loopback address): the only
    place where HTTP Basic may travel without TLS."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def parse_networks(entries: list[str] | tuple[str, ...]) -> list[Any]:
    """Addresses or networks (``10.0.0.0/8``) as ``ip_network`` objects; a bad entry raises
    ``ValueError`` naming it."""
    return [ipaddress.ip_network(e, strict=False) for e in entries]


def _in(addr: str, networks: list[Any]) -> bool:
    try:
        ip = ipaddress.ip_address(addr)
    except ValueError:
        return False
    return any(ip in net for net in networks)


def client_addresses(request: Any, proxies: list[Any]) -> tuple[str, str]:
    """``(client, peer)``: the TCP peer, and the client it speaks for.

    ``X-Forwarded-For`` counts only when the peer is a trusted proxy; then the client is the
    right-most address in it that is not itself a trusted proxy (the left part is whatever
    the client chose to write). From anyone else the header is ignored, so rotating it
    neither dodges the throttle nor writes a false address into the audit log. Used by the
    TAXII server and the web workbench alike.
    """
    peer = request.client.host if request.client else "-"
    if not proxies or not _in(peer, proxies):
        return peer, peer
    hops = [h.strip() for h in ",".join(request.headers.getlist("x-forwarded-for")).split(",")]
    for hop in reversed([h for h in hops if h]):
        if not _in(hop, proxies):
            try:
                return ipaddress.ip_address(hop).compressed, peer
            except ValueError:
                return peer, peer  # garbage from the proxy's own client: keep the real peer
    return peer, peer
