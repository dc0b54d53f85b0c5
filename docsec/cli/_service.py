"""What the service commands (``serve``, ``users``) share: settings and the database, opened
so that a wrong ``DOCSEC_*`` value or an unreachable database is one line and exit 2."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from service.db import Database
    from service.settings import Settings


def fail(message: str, code: int = 2) -> typer.Exit:
    """Print ``error: message`` on stderr; the Exit to raise (usage and settings: 2)."""
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code)


def load_settings() -> Settings:
    """The service settings from ``DOCSEC_*``; a value out of range names the variable."""
    from pydantic import ValidationError

    from service.settings import Settings

    try:
        return Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        name = "DOCSEC_" + "_".join(str(p) for p in first["loc"]).upper()
        raise fail(f"{name}: {first['msg']}") from None


@contextmanager
def open_database(settings: Settings) -> Iterator[Database]:
    """The service database, migrated; closed at the end of the block."""
    from sqlalchemy.exc import SQLAlchemyError

    from docsec.registry.sql import mask_url
    from service.db import Database

    url = settings.resolved_database_url
    try:
        db = Database(url)
    except (ValueError, ModuleNotFoundError) as exc:
        raise fail(str(exc)) from None
    try:
        try:
            db.migrate()
        except (SQLAlchemyError, OSError) as exc:
            raise fail(f"database {mask_url(url)} cannot be opened: "
                       f"{type(exc).__name__}") from None
        yield db
    finally:
        db.close()
