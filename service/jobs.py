"""Background jobs: stored in the service database, run by a bounded in-process worker pool.

A job is one row of ``jobs``: its owner, its kind (``check.batch``), its state
(``queued`` -> ``running`` -> ``done`` or ``failed``), its progress, its request (JSON) and
its results (JSON). Files a job needs (uploaded images) sit under
``DATA_DIR/jobs/<job id>/`` and are deleted when it ends, unless the caller asked to keep them.

:func:`run_job` is a plain function of a database and a job id: it loads the request, calls
the handler registered for the job's kind (:func:`register`) and stores the outcome, each
state change in its own transaction. :class:`JobRunner` submits it to a thread pool of
``DOCSEC_JOB_WORKERS`` threads with at most ``DOCSEC_JOB_QUEUE`` jobs waiting (beyond that
a new job is refused: the caller gets 503 and retries). A Celery or RQ worker can take over
by calling the same :func:`run_job` with the same id. Jobs left ``queued`` or ``running`` by
a crash are queued again when the service starts (:meth:`JobRunner.recover`): handlers
recompute every result from the stored request, so a second run gives the same answer.
"""

from __future__ import annotations

import datetime
import logging
import shutil
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, cast

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy import JSON, CursorResult, DateTime, ForeignKey, Integer, String, select, update
from sqlalchemy.orm import Mapped, mapped_column

from service.db import Database
from service.models import Base, new_id, utcnow

__all__ = [
    "Job",
    "JobRunner",
    "JobSettings",
    "QueueFull",
    "create_job",
    "job_dir",
    "register",
    "run_job",
]

log = logging.getLogger("docsec.service.jobs")

STATES = ("queued", "running", "done", "failed")

#: ``handler(request, files_dir, progress, context) -> results``: ``progress(done)`` records
#: progress; ``context`` holds what the worker process provides (``registry``: a callable
#: returning the stolen-vehicle registry).
Handler = Callable[[dict[str, Any], Path, Callable[[int], None], Mapping[str, Any]], list[Any]]
_HANDLERS: dict[str, Handler] = {}


class JobSettings(BaseSettings):
    """Limits of the lab checks and the job pool, from ``DOCSEC_*`` environment variables."""

    model_config = SettingsConfigDict(env_prefix="DOCSEC_", extra="ignore")

    job_workers: int = Field(default=2, ge=1, le=64)
    job_queue: int = Field(default=100, ge=1)
    check_workers: int = Field(default=2, ge=1, le=64)
    check_timeout_s: float = Field(default=30.0, gt=0)
    batch_max_items: int = Field(default=10_000, ge=1)
    batch_max_documents: int = Field(default=20, ge=0)
    job_lease_s: float = Field(default=600.0, gt=0)


class Job(Base):
    """A background job and its outcome."""

    __tablename__ = "jobs"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    owner_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(8), default="queued", index=True)
    total: Mapped[int] = mapped_column(Integer, default=0)
    done: Mapped[int] = mapped_column(Integer, default=0)
    keep_files: Mapped[bool] = mapped_column(default=False)
    request: Mapped[dict[str, Any]] = mapped_column(JSON)
    results: Mapped[list[Any] | None] = mapped_column(JSON, nullable=True)
    error: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime.datetime] = mapped_column(DateTime(timezone=True),
                                                          default=utcnow)
    started_at: Mapped[datetime.datetime | None] = mapped_column(DateTime(timezone=True),
                                                                 nullable=True)
    finished_at: Mapped[datetime.datetime | None] = mapped_column(DateTime(timezone=True),
                                                                  nullable=True)


def _utc(value: datetime.datetime) -> datetime.datetime:
    """SQLite gives naive datetimes back: they are UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=datetime.UTC)


class QueueFull(RuntimeError):
    """The job queue holds its maximum of waiting jobs."""


def register(kind: str, handler: Handler) -> None:
    """Register the handler of jobs of ``kind``."""
    _HANDLERS[kind] = handler


def job_dir(data_dir: Path, job_id: str) -> Path:
    """Where the files of job ``job_id`` live."""
    return data_dir / "jobs" / job_id


def create_job(database: Database, *, owner_id: str, kind: str, request: dict[str, Any],
               total: int, keep_files: bool = False, job_id: str | None = None) -> Job:
    """Store a new queued job (committed) and return it."""
    if kind not in _HANDLERS:
        raise ValueError(f"no handler for jobs of kind {kind!r}")
    with database.session() as s:
        job = Job(id=job_id or new_id(), owner_id=owner_id, kind=kind, status="queued",
                  total=total, done=0, request=request, keep_files=keep_files, attempts=0)
        s.add(job)
        s.flush()
        s.expunge(job)
    return job


def run_job(database: Database, job_id: str, data_dir: Path,
            context: Mapping[str, Any] | None = None) -> str:
    """Run job ``job_id`` to its end; return its final state (``done`` or ``failed``).

    The job is claimed atomically (``queued`` -> ``running`` in one UPDATE), so when several
    processes are handed the same job only one runs it; a job not queued is left as it is.
    Any exception of the handler fails the job with a generic message (the details go to
    the log, never to the caller).
    """
    with database.session() as s:
        claimed = cast("CursorResult[Any]", s.execute(
            update(Job).where(Job.id == job_id, Job.status == "queued")
            .values(status="running", started_at=utcnow(), done=0, attempts=Job.attempts + 1)
        )).rowcount
        job = s.get(Job, job_id)
        if job is None:
            return "failed"
        if not claimed:
            return job.status
        kind, request, keep = job.kind, dict(job.request), job.keep_files
    files = job_dir(data_dir, job_id)

    def progress(done: int) -> None:
        with database.session() as s:
            s.execute(update(Job).where(Job.id == job_id).values(done=done))

    state = "failed"
    try:
        handler = _HANDLERS.get(kind)
        if handler is None:
            raise LookupError(f"no handler for jobs of kind {kind!r}")
        results = handler(request, files, progress, context or {})
        with database.session() as s:
            s.execute(update(Job).where(Job.id == job_id).values(
                status="done", results=results, done=len(results), finished_at=utcnow()))
        state = "done"
    except Exception:
        log.exception("job %s failed", job_id)
        with database.session() as s:
            s.execute(update(Job).where(Job.id == job_id).values(
                status="failed", finished_at=utcnow(),
                error={"code": "job_failed", "message": "the job failed; it has been logged"}))
    finally:
        if not keep:
            shutil.rmtree(files, ignore_errors=True)
    return state


class JobRunner:
    """A bounded pool of worker threads running :func:`run_job`."""

    def __init__(self, database: Database, data_dir: Path, settings: JobSettings,
                 context: Mapping[str, Any] | None = None) -> None:
        self.database = database
        self.context = dict(context or {})
        self.data_dir = data_dir
        self.settings = settings
        self._pool = ThreadPoolExecutor(max_workers=settings.job_workers,
                                        thread_name_prefix="docsec-job")
        self._slots = threading.BoundedSemaphore(settings.job_queue + settings.job_workers)

    def submit(self, job_id: str) -> None:
        """Queue ``job_id``; :class:`QueueFull` when the queue is at its limit."""
        if not self._slots.acquire(blocking=False):
            raise QueueFull(f"{self.settings.job_queue} jobs are waiting already")
        try:
            future = self._pool.submit(run_job, self.database, job_id, self.data_dir,
                                       self.context)
        except RuntimeError:  # the pool is shut down
            self._slots.release()
            raise QueueFull("the job pool is shutting down") from None
        future.add_done_callback(lambda _f: self._slots.release())

    def recover(self) -> int:
        """Queue again the jobs left queued, and those left running for longer than
        ``DOCSEC_JOB_LEASE_S`` (their process died: a live worker finishes a job sooner);
        return how many were queued."""
        stale = utcnow() - datetime.timedelta(seconds=self.settings.job_lease_s)
        with self.database.session() as s:
            rows = s.execute(select(Job.id, Job.status, Job.started_at)
                             .where(Job.status.in_(("queued", "running")))
                             .order_by(Job.created_at)).all()
            dead = [r.id for r in rows if r.status == "running"
                    and (r.started_at is None or _utc(r.started_at) < stale)]
            if dead:
                s.execute(update(Job).where(Job.id.in_(dead), Job.status == "running")
                          .values(status="queued"))
            ids = [r.id for r in rows if r.status == "queued" or r.id in dead]
        queued = 0
        for job_id in ids:
            try:
                self.submit(job_id)
                queued += 1
            except QueueFull:
                break  # the rest stay queued for the next start
        return queued

    def close(self, wait: bool = True) -> None:
        """Stop taking jobs; with ``wait`` let the running ones finish."""
        self._pool.shutdown(wait=wait, cancel_futures=True)
