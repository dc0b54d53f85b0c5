"""The service database: one SQLAlchemy 2 engine and session factory per app.

SQLite (the default) runs in WAL mode with a busy timeout and foreign keys on, so readers
never block the writer and concurrent writers wait rather than fail; PostgreSQL is reached
through psycopg 3 (``postgresql+psycopg://...``). The schema is created and upgraded by the
packaged Alembic migrations (``service/migrations``), run programmatically on start.
"""

from __future__ import annotations

import contextlib
import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session, sessionmaker

from docsec.registry.sql import SUPPORTED_BACKENDS, mask_url

__all__ = ["Database", "migrate"]

MIGRATIONS = Path(__file__).with_name("migrations")


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def make_engine(url: str) -> Engine:
    """An engine for ``url``: SQLite files get WAL, a busy timeout and foreign keys.

    Raises ValueError for a URL that is no SQLAlchemy URL or names another database than
    SQLite or PostgreSQL (the password masked in the message).
    """
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ValueError(f"DOCSEC_DATABASE_URL is no database URL: {url!r}") from None
    if parsed.get_backend_name() not in SUPPORTED_BACKENDS:
        raise ValueError(
            f"unsupported database {mask_url(url)}: use an SQLite file or PostgreSQL "
            "(postgresql+psycopg://user:password@host/db)")
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


_PG_MIGRATION_LOCK = 0x646F6373  # "docs": an advisory lock id of our own


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest migration (``alembic upgrade head``).

    Several processes may start at once (uvicorn workers): they migrate one after the other
    (an advisory lock on PostgreSQL, a file lock beside an SQLite file), so the later ones
    find the schema current.
    """
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    url = engine.url
    with contextlib.ExitStack() as stack:
        if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
            lock = stack.enter_context(open(f"{url.database}.migrate-lock", "a"))  # noqa: SIM115
            fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
        with engine.begin() as conn:
            if url.get_backend_name() == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"),
                             {"k": _PG_MIGRATION_LOCK})
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")


class Database:
    """An engine and its session factory."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    def migrate(self) -> None:
        """Create or upgrade the schema."""
        migrate(self.engine)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session; commits when the block ends normally, rolls back otherwise."""
        with self.sessions() as s, s.begin():
            yield s

    def close(self) -> None:
        """Release the connection pool."""
        self.engine.dispose()
