"""Long work (ingest, detection) in the background, with a state the pages poll.

Why one worker thread: the machine an analyst has is often two cores, and DuckDB already uses
all of them; two detections at once would only both be slower. Jobs queue, each page shows
where its job stands, and a failure keeps its one-line reason (never a traceback on screen).
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from vigie.errors import VigieError


@dataclass
class Job:
    """One piece of background work and what became of it."""

    id: str
    kind: str
    title: str
    owner: str
    state: str = "queued"  # queued, running, done, failed
    stage: str = ""
    message: str = ""
    result_url: str | None = None
    started: float = field(default_factory=time.time)
    finished: float | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "title": self.title,
            "state": self.state,
            "stage": self.stage,
            "message": self.message,
            "result_url": self.result_url,
            "elapsed_s": round((self.finished or time.time()) - self.started, 1),
        }


class Jobs:
    """A queue of jobs run one at a time on a worker thread."""

    def __init__(self, shown: Callable[[str], str] = str) -> None:
        """``shown``: how a failure's message may be shown (``Folders.shown``)."""
        self._shown = shown
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="vigie-job")
        self._jobs: dict[str, Job] = {}
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    def submit(self, kind: str, title: str, owner: str, work: Callable[[Job], str | None]) -> Job:
        """Queue ``work(job)``; it returns the URL of its result (or None)."""
        with self._lock:
            job = Job(id=f"j{next(self._ids)}", kind=kind, title=title, owner=owner)
            self._jobs[job.id] = job

        def run() -> None:
            job.state = "running"
            try:
                job.result_url = work(job)
                job.state = "done"
            except VigieError as exc:
                job.state, job.message = "failed", self._shown(str(exc))
            except OSError as exc:
                why = f"{exc.filename or ''} {exc.strerror or exc}"
                job.state, job.message = "failed", self._shown(why)
            except Exception as exc:  # noqa: BLE001 - shown as one line, kept on the job
                job.state, job.message = "failed", self._shown(f"{type(exc).__name__}: {exc}")
            finally:
                job.finished = time.time()

        self._pool.submit(run)
        return job

    def get(self, job_id: str) -> Job | None:
        return self._jobs.get(job_id)

    def recent(self, n: int = 20) -> list[Job]:
        return sorted(self._jobs.values(), key=lambda j: j.started, reverse=True)[:n]

    def wait(self, job_id: str, timeout_s: float = 600.0) -> Job | None:
        """Block until the job ends (tests and the CLI use this)."""
        end = time.time() + timeout_s
        job = self.get(job_id)
        while job is not None and job.state in ("queued", "running") and time.time() < end:
            time.sleep(0.05)
        return job

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
