"""Request dependencies shared by the routers: settings, database session, registry."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from docsec.errors import RegistryError
from docsec.registry.sql import SqlRegistry
from service.db import Database
from service.errors import ApiError
from service.settings import Settings

__all__ = ["DbSession", "get_db", "get_registry", "get_settings"]

_registry_lock = threading.Lock()


def get_settings(request: Request) -> Settings:
    """The app's settings."""
    settings: Settings = request.app.state.settings
    return settings


def get_database(request: Request) -> Database:
    """The app's database."""
    db: Database = request.app.state.db
    return db


def get_db(request: Request) -> Iterator[Session]:
    """A session for this request (handlers commit what they change)."""
    with get_database(request).sessions() as session:
        yield session


def get_registry(request: Request) -> SqlRegistry:
    """The stolen-vehicle registry (opened on first use; 503 when it cannot be opened)."""
    reg: SqlRegistry | None = getattr(request.app.state, "registry", None)
    if reg is not None:
        return reg
    with _registry_lock:
        reg = getattr(request.app.state, "registry", None)
        if reg is None:
            try:
                reg = SqlRegistry(get_settings(request).registry_target)
            except RegistryError as exc:
                raise ApiError(503, f"the stolen-vehicle registry is unavailable: {exc}",
                               code="registry_unavailable") from None
            request.app.state.registry = reg
    return reg


DbSession = Annotated[Session, Depends(get_db)]
