"""``vigie watch``: follow an election day by day from files dropped in a folder.

Each tick: ingest the files that are new (or changed) since the last tick into one Dataset of
the workspace, re-detect into ``runs/<time>/``, register the run (stable ids, decisions
carried over), diff it against the previous run and alert on new and grown groups — a
console line per group, an optional webhook POST (JSON) and a row in the workspace's
hash-chained audit log (``vigie share audit``).

Why a state file (``watch/<dataset>.json``): a restart must not ingest the same exports
again; a file is known by name, size and SHA-256, so a file rewritten in place is taken
again (ingest de-duplicates posts). A file still being written is left for the next tick:
it is taken only when it has not been modified for ``settle`` seconds. A file that cannot be
ingested is reported, recorded with its error, and not retried until it changes.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vigie.atomic import atomic_file
from vigie.atomic import file_sha256 as _sha256  # the name test_watch patches
from vigie.errors import VigieError
from vigie.json_guard import UNREADABLE, why
from vigie.names import safe_name

if TYPE_CHECKING:
    from vigie.cases.diff import RunDiff
    from vigie.cases.records import Run
    from vigie.cases.workspace import Workspace


@dataclass
class Tick:
    """What one tick did."""

    ingested: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    waiting: list[str] = field(default_factory=list)  # changed within ``settle`` seconds
    run: Run | None = None
    diff: RunDiff | None = None
    alerts: list[dict[str, Any]] = field(default_factory=list)
    webhook: str | None = None  # "sent" / error text / None


def check_webhook(url: str | None) -> None:
    """Only http(s) URLs: a ``file:`` or other scheme would read or write local things."""
    if url is None:
        return
    from urllib.parse import urlparse

    u = urlparse(url)
    if u.scheme not in ("http", "https") or not u.netloc:
        raise VigieError(f"--webhook {url!r}: expected an http:// or https:// URL")


def post_webhook(url: str, payload: dict[str, Any], timeout: float = 10.0) -> str:
    """POST ``payload`` as JSON; returns "sent" or the reason it failed (never raises: an
    unreachable receiver must not stop the watch)."""
    data = json.dumps(payload, ensure_ascii=False, default=str).encode("utf-8")
    req = urllib.request.Request(
        url, data=data, method="POST", headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310 (checked scheme)
            return "sent" if 200 <= resp.status < 300 else f"HTTP {resp.status}"
    except urllib.error.HTTPError as exc:
        return f"HTTP {exc.code}"
    except (urllib.error.URLError, OSError) as exc:
        return f"failed ({getattr(exc, 'reason', exc)})"


def _host(url: str | None) -> str | None:
    """The webhook's host only: its path or query may hold a secret token."""
    if url is None:
        return None
    from urllib.parse import urlparse

    return urlparse(url).netloc


class Watcher:
    """Watch ``folder`` into the Dataset ``dataset`` of workspace ``ws``."""

    def __init__(
        self,
        ws: Workspace,
        folder: Path,
        *,
        dataset: str = "watched",
        fmt: str = "auto",
        config: Path | None = None,
        webhook: str | None = None,
        settle: float = 5.0,
        author: str | None = None,
    ) -> None:
        from vigie.cases.decisions import current_author

        if not folder.is_dir():
            raise VigieError(f"{folder}: no such folder to watch")
        check_webhook(webhook)
        self.ws = ws
        self.folder = folder
        self.dataset = ws.datasets_dir / safe_name(dataset, "--dataset")
        self.fmt = fmt
        self.config = config
        self.webhook = webhook
        self.settle = settle
        self.author = current_author(author)
        assert ws.root is not None
        self.state_path = ws.root / "watch" / f"{dataset}.json"

    def _state(self) -> dict[str, Any]:
        if not self.state_path.exists():
            return {"files": {}}
        try:
            return json.loads(self.state_path.read_text(encoding="utf-8"))
        except (OSError, *UNREADABLE) as exc:  # ValueError: also a too long integer
            raise VigieError(f"{self.state_path}: unreadable watch state ({why(exc)})") from None

    def _save(self, state: dict[str, Any]) -> None:
        self.state_path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_file(self.state_path) as fh:
            json.dump(state, fh, indent=2, sort_keys=True)
            fh.write("\n")

    def pending(self, waiting: list[str] | None = None) -> list[Path]:
        """Files new or changed since they were last taken, and settled; the names of those
        not settled yet are added to ``waiting`` (said, so that a look that takes nothing
        does not read as an empty folder)."""
        known = self._state()["files"]
        now = time.time()
        out = []
        try:
            names = sorted(self.folder.iterdir())
        except OSError as exc:  # the folder unmounted or removed while watched
            raise VigieError(f"{self.folder}: cannot list the watched folder ({exc})") from None
        for p in names:
            try:
                if not p.is_file() or p.name.startswith("."):
                    continue
                st = p.stat()
                prev = known.get(p.name)
                if now - st.st_mtime < self.settle:
                    if waiting is not None and (prev is None or prev.get("size") != st.st_size):
                        waiting.append(p.name)
                    continue  # still being written, perhaps: next tick
                if prev and prev.get("size") == st.st_size and prev.get("sha256") == _sha256(p):
                    continue
            except OSError:  # moved away or removed between the listing and the read
                continue
            out.append(p)
        return out

    def tick(self) -> Tick:
        """Ingest what is new, detect, register, diff and alert (see module docstring)."""
        from vigie.detect.pipeline import run_detection
        from vigie.ingest.api import ingest

        t = Tick()
        files = self.pending(t.waiting)
        state = self._state()
        if not files and not state.get("detect_pending"):
            return t
        for p in files:
            fmt = "accounts" if "accounts" in p.stem.lower() and self.fmt == "auto" else self.fmt
            try:
                entry = {"size": p.stat().st_size, "sha256": _sha256(p), "format": fmt}
            except OSError:  # gone since this look listed it: the next look says
                continue
            try:
                ingest(p, self.dataset, fmt=fmt)
                t.ingested.append(p.name)
                entry["ingested"] = True
            except VigieError as exc:
                t.failed[p.name] = str(exc)
                entry["error"] = str(exc)
            state["files"][p.name] = entry
        # what was ingested is detected on, at this look or, if detection fails (a full
        # disk, a settings file being edited), at the next one: the files are not new then
        state["detect_pending"] = bool(t.ingested) or bool(state.get("detect_pending"))
        self._save(state)
        if not state["detect_pending"]:
            return t
        out = self.ws.new_run_dir()
        run_detection(self.dataset, out, config=self.config, progress=False)
        t.run = self.ws.register_run(out, label=f"watch {self.folder.name}")
        state["detect_pending"] = False
        self._save(state)
        runs = self.ws.list_runs()
        if len(runs) >= 2:
            t.diff = self.ws.diff(runs[-2], runs[-1])
            changes = t.diff.alerts()
        else:  # the first run: every group is new
            changes = []
            for g in self.ws.groups(t.run):
                changes.append(
                    {
                        "id": g.id,
                        "change": "new",
                        "size_a": 0,
                        "size_b": g.n_members,
                        "status": g.status,
                        "score_b": g.score,
                        "members_in": [],
                        "related": [],
                    }
                )
        t.alerts = [c if isinstance(c, dict) else c.as_dict() for c in changes]
        if t.alerts:
            self._audit(t)
            if self.webhook:
                t.webhook = post_webhook(self.webhook, self.payload(t))
        return t

    def payload(self, t: Tick) -> dict[str, Any]:
        assert t.run is not None
        return {
            "source": "vigie watch",
            "workspace": str(self.ws.root),
            "run": t.run.id,
            "ingested": t.ingested,
            "alerts": [
                {
                    k: a.get(k)
                    for k in ("id", "change", "size_a", "size_b", "status", "score_b", "related")
                }
                | {"members_in": (a.get("members_in") or [])[:50]}
                for a in t.alerts
            ],
        }

    def _audit(self, t: Tick) -> None:
        from vigie.share.audit import AuditEntry, AuditLog
        from vigie.share.taxii.store import Store

        assert t.run is not None
        store = Store(self.ws.db_url)
        try:
            AuditLog(store).append_many(
                [
                    AuditEntry(
                        actor=self.author,
                        action="watch.alert",
                        object_id=a["id"],
                        collection=t.run.id,
                        detail={
                            "change": a["change"],
                            "size_a": a.get("size_a"),
                            "size_b": a.get("size_b"),
                            "status": a.get("status"),
                            "webhook": _host(self.webhook),
                        },
                    )
                    for a in t.alerts
                ]
            )
        finally:
            store.dispose()
