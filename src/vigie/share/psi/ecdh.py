"""ECDH private set intersection with OpenMined's ``openmined.psi`` (the strong backend).

How it works (one round trip): the client blinds each of its elements with a secret
exponent (elliptic-curve Diffie–Hellman on P-256) and sends them; the server blinds them again
with its own secret, and sends back (a) those doubly-blinded values and (b) its own elements
blinded once, packed in a Golomb-compressed set. The client removes its blinding and counts
(or, when both sides consent, locates) the matches.

Guarantees (semi-honest peers): the server learns nothing about the client's elements except
their (padded) count; the client learns the intersection *size* (or, with ``reveal``, which of
its own elements are in it) and the server's padded count, and nothing else about the server's
elements — it cannot test an element it did not put in its own request. Without ``reveal``
the server shuffles its answer, so the client cannot tell *which* elements matched.

Residual risk, inherent to any PSI: a client may put *candidate* elements in its request
(e.g. every CVE of 2024) and learn how many the server holds; with ``reveal`` it learns which.
Rate limits, the size cap and padding bound this probing; they cannot remove it.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

FPR = 1e-9
"""False-positive rate of the compressed set: one spurious match in a billion comparisons."""


def available() -> bool:
    """Whether the ``openmined.psi`` wheel can be imported on this machine."""
    try:
        import private_set_intersection.python  # noqa: F401
    except ImportError:
        return False
    return True


def _psi():  # type: ignore[no-untyped-def]
    import private_set_intersection.python as psi

    return psi


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


@dataclass
class ClientSession:
    """The client's half: keeps the secret key and its padded elements between the two steps."""

    elements: list[str]
    reveal: bool

    def __post_init__(self) -> None:
        self._client = _psi().client.CreateWithNewKey(self.reveal)

    def request(self) -> str:
        """The blinded request to send (base64 of the protobuf)."""
        return _b64(self._client.CreateRequest(self.elements).SerializeToString())

    def _parse(self, setup: str, response: str):  # type: ignore[no-untyped-def]
        psi = _psi()
        s = psi.ServerSetup()
        s.ParseFromString(_unb64(setup))
        r = psi.Response()
        r.ParseFromString(_unb64(response))
        return s, r

    def size(self, setup: str, response: str) -> int:
        """How many of our elements the server also holds."""
        s, r = self._parse(setup, response)
        return int(self._client.GetIntersectionSize(s, r))

    def matches(self, setup: str, response: str) -> list[str]:
        """Which of our elements the server also holds (needs ``reveal`` on both sides)."""
        s, r = self._parse(setup, response)
        return [self.elements[i] for i in self._client.GetIntersection(s, r)]


def request_size(request_b64: str) -> int:
    """How many elements a serialised request holds (read before any costly step)."""
    psi = _psi()
    req = psi.Request()
    try:
        req.ParseFromString(_unb64(request_b64))
    except Exception as exc:  # protobuf DecodeError, binascii.Error
        raise ValueError(f"the PSI request does not parse ({exc})") from None
    return len(req.encrypted_elements)


def server_answer(
    elements: list[str], request_b64: str, reveal: bool, max_client: int
) -> dict[str, str | int]:
    """The server's step: setup message (its blinded set) and the re-blinded request.

    Raises ``ValueError`` for a request that does not parse or holds more than
    ``max_client`` elements (bigger requests would probe more candidates per query).
    """
    psi = _psi()
    server = psi.server.CreateWithNewKey(reveal)
    req = psi.Request()
    try:
        req.ParseFromString(_unb64(request_b64))
    except Exception as exc:  # protobuf DecodeError, binascii.Error
        raise ValueError(f"the PSI request does not parse ({exc})") from None
    client_size = len(req.encrypted_elements)
    if client_size == 0 or client_size > max_client:
        raise ValueError(f"the PSI request holds {client_size} elements (allowed 1..{max_client})")
    setup = server.CreateSetupMessage(FPR, client_size, elements, psi.DataStructure.GCS)
    response = server.ProcessRequest(req)
    return {
        "setup": _b64(setup.SerializeToString()),
        "response": _b64(response.SerializeToString()),
        "client_size": client_size,
    }
