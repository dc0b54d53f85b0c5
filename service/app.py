"""The FastAPI application factory.

``create_app()`` reads the settings, opens the database, runs the migrations and mounts the
routers under ``/api/v1``; ``/healthz`` answers without authentication; the OpenAPI document
is at ``/openapi.json`` and its pages at ``/docs``. Every error has the JSON shape of
:mod:`service.errors`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI
from pydantic import BaseModel
from sqlalchemy import text

from docsec import __version__
from service.auth import RateLimiter
from service.db import Database
from service.errors import ERROR_RESPONSES, install_handlers
from service.settings import Settings

__all__ = ["create_app"]

API_PREFIX = "/api/v1"


class Health(BaseModel):
    """Liveness and database reachability."""

    status: str
    version: str
    database: str


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the service: settings, database (migrated), routers, error handlers."""
    settings = settings or Settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    db = Database(settings.resolved_database_url)
    db.migrate()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        registry = getattr(app.state, "registry", None)
        if registry is not None:
            registry.close()
        db.close()

    app = FastAPI(
        title="docsec training service",
        version=__version__,
        description=(
            "Synthetic travel documents and stolen-vehicle checks for training: instructors "
            "create and assign exercises, trainees inspect and are scored, labs call checks. "
            "Log in at POST /api/v1/auth/token; labs send X-API-Key."
        ),
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.db = db
    app.state.signing_key = settings.signing_key()
    app.state.limiter = RateLimiter()
    install_handlers(app)

    @app.get("/healthz", response_model=Health, tags=["health"],
             responses={500: ERROR_RESPONSES[500]})
    def healthz() -> Health:
        """The service is up and its database answers."""
        with db.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return Health(status="ok", version=__version__, database=db.engine.dialect.name)

    api = APIRouter(prefix=API_PREFIX, responses=ERROR_RESPONSES)
    from service.routers import assignments, cohorts, exercises, registry, results
    from service.routers import auth as auth_router
    from service.routers import lab as lab_router
    from service.routers import users as users_router

    # routes are matched in order: the lab checks (the high-volume calls) first
    api.include_router(lab_router.router)
    api.include_router(auth_router.router)
    api.include_router(users_router.router)
    api.include_router(cohorts.router)
    api.include_router(exercises.router)
    api.include_router(assignments.router)
    api.include_router(results.router)
    api.include_router(registry.router)
    app.include_router(api)
    return app
