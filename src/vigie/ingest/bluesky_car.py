"""Bluesky account repositories: the CAR file of one account's whole repository.

Where they come from: ``com.atproto.sync.getRepo?did=<did>`` on the account's PDS (or
``bsky.social``, which answers for the PDSes it hosts), the app's "Export my data"
(Settings), and ``goat repo export``. Researchers of suspected bot networks save one
``<did>.car`` per account: every record the account holds, back to its first post, where the
API's feeds stop at what is still listed and Jetstream at what was streamed while listening.

The layout (atproto.com/specs/repository, "Repo Data Structure (v3)" and "CAR File
Serialization"; the container is CAR v1, ipld.io/specs/transport/car/carv1):
- the CAR: ``varint(len) | header`` (DAG-CBOR ``{"version": 1, "roots": [<commit CID>]}``),
  then sections ``varint(len) | CID | block``, in no defined order, duplicates allowed;
- the root block is the signed commit ``{"did", "version": 3, "data": <MST root>, "rev",
  "prev", "sig"}``: the account is its ``did``;
- the Merkle Search Tree's nodes are ``{"l": <subtree>|null, "e": [{"p", "k", "v", "t"}]}``:
  each entry's key is ``p`` bytes of the previous key in the node then the suffix ``k``, a
  repository path ``<collection>/<rkey>``; ``v`` is the record's CID, ``t`` the subtree of
  keys after it. The tree is walked from the commit's ``data``, left to right (keys in order);
  blocks the tree does not reach (an older commit's leftovers) are not read;
- records are DAG-CBOR maps; each is turned into its JSON form (the atproto data model's: a
  CID link as ``{"$link": "bafy..."}``, bytes as ``{"$bytes": base64}``), the very JSON that
  Jetstream streams for the same record.

What becomes what, as Jetstream's reader (``jetstream.create_row``) makes it, so that a post
read here and the same post streamed are one row (``post_id`` = ``at://<did>/<collection>/
<rkey>``):
- ``app.bsky.feed.post``: a post (facets, embeds, reply and quote as ``jetstream`` reads them);
- ``app.bsky.feed.repost``: a repost row (``repost_of`` = ``subject.uri``); one without
  ``createdAt`` is refused (Jetstream falls back on the event's time; a repository has none);
- ``app.bsky.actor.profile/self``: the account's display name, description and the
  profile's ``createdAt`` (accounts.parquet; the handle is not in a repository: it is the
  DID document's). Jetstream skips profiles; the API readers keep these fields;
- every other collection (likes, follows, blocks, lists, ...) is skipped and counted by
  collection; its blocks are not decoded.

What is refused, record by record (``rejected.jsonl``, the record named by its repository
path): a block that does not match its CID (damaged), one that is not DAG-CBOR or not a map,
a post without ``text`` or ``createdAt``. A record or subtree whose block is absent (a partial
export, a CAR slice) is skipped and counted. A file that is no CAR v1, is cut short, or whose
commit or tree cannot be read stops the source with one line naming the byte offset: the
tree is what says which records exist, so nothing after a damaged node can be trusted.

Memory: the file is memory-mapped and indexed block by block (CID -> offsets, ~230 bytes a
block, measured on a 27 MB repository of 127,000 blocks: about the file's own size); blocks
are decoded one at a time as the tree reaches them, and rows leave in batches.
"""

from __future__ import annotations

import base64
import hashlib
import mmap
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import cbor2

from vigie.errors import InputError
from vigie.ingest.bluesky import PLATFORM
from vigie.ingest.jetstream import POST, REPOST, create_row, flush_keyed
from vigie.ingest.model import BATCH_ROWS, Batch, Rejected, RowBuffer, excerpt, ts_from_iso

PROFILE = "app.bsky.actor.profile"
SKIP = "bluesky-car: "
MAX_HEADER_BYTES = 1 << 20
"""A CAR header holds a version and a few root CIDs: a larger one is no header."""
CAR_V2_PRAGMA = bytes.fromhex("0aa16776657273696f6e02")
"""The first 11 bytes of a CAR v2 file (``varint(10) | {"version": 2}``)."""
SHA2_256 = 0x12


class CarError(Exception):
    """A CAR that cannot be read on: what is wrong and the byte offset where it was seen."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.offset = offset


@dataclass(frozen=True)
class Link:
    """A DAG-CBOR CID link (tag 42): the CID's binary form, without the multibase 0x00."""

    cid: bytes


def _tag(a: Any, b: Any) -> Any:
    """cbor2's ``tag_hook`` for DAG-CBOR: tag 42 is a CID link, any other tag is no DAG-CBOR.

    Why both arguments are looked at: cbor2 5 calls ``hook(decoder, tag)`` and cbor2 6
    ``hook(tag, immutable)``; the tag is whichever is a ``CBORTag``."""
    tag = a if isinstance(a, cbor2.CBORTag) else b
    value = tag.value
    if tag.tag == 42 and isinstance(value, bytes) and value[:1] == b"\x00" and len(value) > 1:
        return Link(bytes(value[1:]))
    raise ValueError(f"CBOR tag {tag.tag} (DAG-CBOR has tag 42 only, for CID links)")


def _decode(data: bytes) -> Any:
    """A DAG-CBOR block decoded, CID links as ``Link``; ValueError when it is no CBOR."""
    try:
        return cbor2.loads(data, tag_hook=_tag)
    except (cbor2.CBORError, ValueError, TypeError, RecursionError, OverflowError) as exc:
        raise ValueError(f"not DAG-CBOR ({exc})") from None


def cid_text(cid: bytes) -> str:
    """A CID as atproto writes it in JSON: multibase base32, lower case (``bafy...``).

    A CIDv0 (a bare sha2-256 multihash, IPFS's old form; never written by atproto) is shown
    as the CIDv1 of the same hash (dag-pb), which names the same content."""
    if cid[:2] == b"\x12\x20":
        cid = b"\x01\x70" + cid
    return "b" + base64.b32encode(cid).decode("ascii").lower().rstrip("=")


def _json(value: Any) -> Any:
    """A decoded record in the atproto data model's JSON form (what Jetstream streams).

    Raises ValueError on what DAG-CBOR cannot hold (a map key that is no string, a value
    cbor2 decodes from a tag DAG-CBOR does not allow, e.g. a datetime): such a block is a
    malformed record, refused alone."""
    if isinstance(value, Link):
        return {"$link": cid_text(value.cid)}
    if isinstance(value, bytes):
        return {"$bytes": base64.b64encode(value).decode("ascii").rstrip("=")}
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if not isinstance(k, str):
                raise ValueError(f"a map key that is no string: {k!r}"[:200])
            out[k] = _json(v)
        return out
    if isinstance(value, list | tuple):
        return [_json(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise ValueError(f"a {type(value).__name__} value (not in DAG-CBOR)")


# --- the CAR v1 framing ---------------------------------------------------------------------


def _varint(buf: bytes | mmap.mmap, pos: int, end: int) -> tuple[int, int]:
    """An unsigned LEB128 varint at ``pos``: (value, position after it)."""
    value, shift, start = 0, 0, pos
    while True:
        if pos >= end:
            raise CarError("the file ends inside a length (varint)", start)
        byte = buf[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, pos
        shift += 7
        if shift > 63:
            raise CarError("a length (varint) longer than 9 bytes", start)


def _cid_end(buf: bytes | mmap.mmap, pos: int, end: int) -> int:
    """Where the binary CID starting at ``pos`` ends: CIDv1 is ``version | codec |
    multihash(code | length | digest)``, CIDv0 a bare 34-byte sha2-256 multihash."""
    if buf[pos : pos + 2] == b"\x12\x20":
        stop = pos + 34
    elif (
        end - pos >= 36
        and buf[pos] == 1
        and buf[pos + 1] < 0x80
        and buf[pos + 2 : pos + 4] == b"\x12\x20"
    ):
        stop = pos + 36  # the usual CIDv1: one-byte codec, sha2-256 (no varint loop)
    else:
        version, p = _varint(buf, pos, end)
        if version != 1:
            raise CarError(f"a CID of version {version} (CIDs are version 0 or 1)", pos)
        _, p = _varint(buf, p, end)  # codec
        _, p = _varint(buf, p, end)  # hash function
        size, p = _varint(buf, p, end)
        stop = p + size
    if stop > end:
        raise CarError("a CID runs past the end of its section", pos)
    return stop


def _digest_ok(cid: bytes, block: bytes) -> bool:
    """Whether ``block`` hashes to ``cid`` (sha2-256 CIDs; others are taken as they are).

    Why check: a damaged download changes bytes, not lengths, and the framing alone would
    pass a flipped byte in a post's text as a valid (wrong) post."""
    if cid[:2] == b"\x12\x20":
        return hashlib.sha256(block).digest() == cid[2:]
    if len(cid) == 36 and cid[0] == 1 and cid[1] < 0x80 and cid[2:4] == b"\x12\x20":
        return hashlib.sha256(block).digest() == cid[4:]  # the usual CIDv1, read directly
    try:
        _, p = _varint(cid, 0, len(cid))
        _, p = _varint(cid, p, len(cid))
        code, p = _varint(cid, p, len(cid))
        size, p = _varint(cid, p, len(cid))
    except CarError:
        return False
    if code != SHA2_256 or size != 32:
        return True
    return hashlib.sha256(block).digest() == cid[p:]


def _header(buf: bytes | mmap.mmap, size: int) -> tuple[list[bytes], int]:
    """The header's root CIDs and where the first section starts."""
    if size >= len(CAR_V2_PRAGMA) and buf[: len(CAR_V2_PRAGMA)] == CAR_V2_PRAGMA:
        raise CarError(
            "a CAR v2 file: vigie reads CAR v1 (what getRepo, the app's export and goat "
            "write); extract the v1 payload (e.g. go-car's `car extract`)",
            0,
        )
    length, pos = _varint(buf, 0, size)
    if not 0 < length <= MAX_HEADER_BYTES or pos + length > size:
        raise CarError(f"no CAR v1 header (a header of {length:,} bytes declared)", 0)
    try:
        header = _decode(bytes(buf[pos : pos + length]))
    except ValueError as exc:
        raise CarError(f"no CAR v1 header: {exc}", pos) from None
    if not isinstance(header, dict) or header.get("version") != 1:
        raise CarError("no CAR v1 header (no 'version': 1)", pos)
    roots = header.get("roots")
    if not isinstance(roots, list) or not roots or not all(isinstance(r, Link) for r in roots):
        raise CarError("a CAR header without root CIDs", pos)
    return [r.cid for r in roots], pos + length


def is_car(head: bytes) -> bool:
    """Whether a file's first bytes are a CAR header (v1, or v2's pragma: its reader says
    what to do with one). Binary: told before any text sniffing sees it."""
    if head.startswith(CAR_V2_PRAGMA):
        return True
    try:
        _header(head, len(head))
    except CarError:
        return False
    return True


class Blocks:
    """The CAR's blocks by CID, read from the memory-mapped file when asked for."""

    def __init__(self, buf: mmap.mmap, start: int, size: int) -> None:
        self.buf = buf
        self.where: dict[bytes, tuple[int, int]] = {}
        pos = start
        while pos < size:
            length, data = _varint(buf, pos, size)
            if length == 0:
                raise CarError("an empty section (a section holds a CID and a block)", pos)
            end = data + length
            if end > size:
                raise CarError(
                    f"cut short: a section of {length:,} bytes declared, the file ends "
                    f"{size - data:,} bytes later (an interrupted download?)",
                    pos,
                )
            cid_end = _cid_end(buf, data, end)
            self.where.setdefault(bytes(buf[data:cid_end]), (cid_end, end))
            pos = end

    def get(self, cid: bytes) -> tuple[bytes, int] | None:
        """The block of ``cid`` and its offset in the file, or None when the CAR lacks it."""
        at = self.where.get(cid)
        return None if at is None else (self.buf[at[0] : at[1]], at[0])


# --- the repository: commit, tree, records --------------------------------------------------


def _structural(blocks: Blocks, cid: bytes, what: str) -> tuple[Any, int] | None:
    """A block the walk stands on (the commit, a tree node), decoded, and its offset; None
    when the CAR lacks it. Why it stops the file when damaged, where a damaged record is
    refused alone: without it the records below it cannot be found, nor told to be missing."""
    found = blocks.get(cid)
    if found is None:
        return None
    data, offset = found
    if not _digest_ok(cid, data):
        raise CarError(f"{what} does not match its CID (damaged)", offset)
    try:
        return _decode(data), offset
    except ValueError as exc:
        raise CarError(f"{what} is {exc}", offset) from None


def _commit(blocks: Blocks, root: bytes) -> tuple[str, bytes]:
    """The account's DID and its tree's root CID, from the commit the CAR's root names."""
    found = _structural(blocks, root, "the commit block")
    if found is None:
        raise CarError(f"the root block (the commit, {cid_text(root)}) is not in the file", 0)
    commit, offset = found
    did = commit.get("did") if isinstance(commit, dict) else None
    tree = commit.get("data") if isinstance(commit, dict) else None
    if not isinstance(did, str) or not did.startswith("did:") or not isinstance(tree, Link):
        raise CarError(
            "the root block is no repository commit (no 'did' and 'data'): not an atproto "
            "repository export",
            offset,
        )
    return did, tree.cid


def _node(blocks: Blocks, cid: bytes) -> tuple[Any, list[tuple[bytes, bytes, Any]], int] | None:
    """An MST node as (left subtree, [(key, record CID, right subtree)], offset); None when
    its block is not in the CAR. Keys are rebuilt from their prefix compression."""
    found = _structural(blocks, cid, "a tree node")
    if found is None:
        return None
    node, offset = found
    entries = node.get("e") if isinstance(node, dict) else None
    left = node.get("l") if isinstance(node, dict) else None
    if not isinstance(entries, list) or not isinstance(left, Link | None):
        raise CarError("a tree node without its 'e' entries (not an MST node)", offset)
    out, prev = [], b""
    for e in entries:
        ok = isinstance(e, dict) and isinstance(e.get("k"), bytes)
        p = e.get("p") if ok else None
        ok = ok and isinstance(p, int) and not isinstance(p, bool) and 0 <= p <= len(prev)
        ok = ok and isinstance(e.get("v"), Link) and isinstance(e.get("t"), Link | None)
        if not ok:
            raise CarError("a tree entry is malformed (p, k, v, t)", offset)
        prev = prev[:p] + e["k"]
        out.append((prev, e["v"].cid, e.get("t")))
    return left, out, offset


def _entries(blocks: Blocks, buf: RowBuffer, top: bytes) -> Iterator[tuple[str, bytes]]:
    """Every (repository path, record CID) of the tree under ``top``, in key order.

    Without recursion (a deep tree is no stack risk); a subtree whose node is absent is
    skipped and counted; keys out of order or a node reached twice mean a damaged tree."""
    stack: list[tuple[bytes, Any, int]] = [(b"", Link(top), 0)]
    seen: set[bytes] = set()
    last: bytes | None = None
    while stack:
        key, item, offset = stack.pop()
        if not isinstance(item, Link):  # a record: its CID, from the node at ``offset``
            if last is not None and key <= last:
                raise CarError(f"tree keys out of order at {key[:100]!r}", offset)
            last = key
            yield key.decode("utf-8", "replace"), item
            continue
        if item.cid in seen:
            raise CarError("a tree node is reached twice (a loop in the tree)", offset)
        seen.add(item.cid)
        node = _node(blocks, item.cid)
        if node is None:
            buf.records += 1
            buf.skip(SKIP + "tree node missing (a partial export): the records under it")
            continue
        left, entries, at = node
        todo: list[tuple[bytes, Any, int]] = [(b"", left, at)] if left else []
        for path, record, right in entries:
            todo.append((path, record, at))
            if right:
                todo.append((b"", right, at))
        stack.extend(reversed(todo))


def _profile(did: str, record: dict[str, Any]) -> dict[str, Any]:
    """The account row of the profile record (no handle: a repository does not hold it)."""

    def text(key: str) -> str | None:
        value = record.get(key)
        return value if isinstance(value, str) and value else None

    created: datetime | None = None
    if text("createdAt"):
        try:
            created = ts_from_iso(str(record["createdAt"]))
        except ValueError:
            created = None
    return {
        "account_id": did,
        "platform": PLATFORM,
        "display_name": text("displayName"),
        "description": text("description"),
        "created_at": created,
    }


def _record(buf: RowBuffer, path: Path, blocks: Blocks, did: str, key: str, cid: bytes) -> None:
    """Read the record at ``key`` into ``buf``: a row, a refusal, or a count of its kind."""
    buf.records += 1
    collection, _, rkey = key.partition("/")
    if collection in (POST, REPOST, PROFILE) and (not rkey or "/" in rkey):
        buf.rejected.append(
            Rejected(str(path), key, "invalid repository path", None, "not <collection>/<rkey>")
        )
        return
    if collection not in (POST, REPOST, PROFILE):
        buf.skip(f"{SKIP}{collection} (not a post, repost or profile)")
        return
    found = blocks.get(cid)
    if found is None:
        buf.skip(f"{SKIP}{collection} record missing (a partial export)")
        return
    data, _ = found

    def refuse(reason: str, detail: str, raw: Any) -> None:
        buf.rejected.append(Rejected(str(path), key, reason, None, detail, excerpt(raw)))

    if not _digest_ok(cid, data):
        refuse("damaged record", f"the block does not match its CID {cid_text(cid)}", data)
        return
    try:
        record = _json(_decode(data))
    except (ValueError, RecursionError) as exc:
        refuse("invalid record", str(exc)[:300], data)
        return
    if not isinstance(record, dict):
        refuse("invalid record", f"a {type(record).__name__}, not a map", record)
        return
    if collection == PROFILE:
        buf.accounts.append(_profile(did, record))
        buf.skip(f"{SKIP}{PROFILE} (kept in accounts)")
        return
    commit = {"operation": "create", "collection": collection, "rkey": rkey, "record": record}
    row = create_row(buf, path, key, did, commit, None, record)
    if row is not None:
        if not buf.accounts:  # the account once a batch (every post is the same DID's)
            buf.accounts.append({"account_id": did, "platform": PLATFORM})
        buf.posts.append(row)


def _mapped(path: Path) -> tuple[mmap.mmap, int]:
    try:
        with open(path, "rb") as fh:
            size = fh.seek(0, 2)
            if size == 0:
                raise InputError("empty file: nothing to ingest", file=str(path))
            return mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ), size
    except OSError as exc:
        raise InputError(f"cannot read file: {exc}", file=str(path)) from exc


def read(path: Path) -> Iterator[Batch]:
    """Yield canonical batches from one account's repository CAR.

    The file is indexed whole first (a CAR's block order is not defined: the tree's nodes
    may come after the records they name), so a framing fault stops it before any row is
    written; a fault in the tree stops it where the walk meets it."""
    buf, size = _mapped(path)
    try:
        yield from _read(path, buf, size)
    except CarError as exc:
        raise InputError(f"{exc} (at byte {exc.offset:,})", file=str(path)) from None
    finally:
        buf.close()


def _read(path: Path, data: mmap.mmap, size: int) -> Iterator[Batch]:
    roots, start = _header(data, size)
    blocks = Blocks(data, start, size)
    did, tree = _commit(blocks, roots[0])
    buf = RowBuffer()
    for key, cid in _entries(blocks, buf, tree):
        _record(buf, path, blocks, did, key, cid)
        if len(buf) >= BATCH_ROWS:
            yield flush_keyed(buf)
    if len(buf) or buf.records or buf.skipped or buf.accounts:
        yield flush_keyed(buf)
