"""Service test fixtures: an app on a fresh database (SQLite, and PostgreSQL when
``DOCSEC_TEST_PG_URL`` is set), accounts with tokens, a small seeded registry."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from service import auth
from service.app import create_app
from service.auth import hash_password, issue_token
from service.models import User
from service.settings import Settings

# Cheap Argon2 parameters for the tests (the service uses argon2-cffi's defaults).
auth._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
PASSWORD = "correct horse battery"
PG_SCHEMA = "docsec_service_test"
_HASH = hash_password(PASSWORD)


def _fresh_postgres_schema(url: str) -> str:
    """An empty schema of its own for the service tests; the URL that uses it."""
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {PG_SCHEMA} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {PG_SCHEMA}"))
    engine.dispose()
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}options=-csearch_path%3D{PG_SCHEMA}"


@pytest.fixture(params=["sqlite", "postgresql"])
def settings(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    """Settings on a fresh database under a temporary data directory."""
    url = None
    if request.param == "postgresql":
        url = os.environ.get("DOCSEC_TEST_PG_URL")
        if not url:
            pytest.skip("set DOCSEC_TEST_PG_URL to run the service tests on PostgreSQL")
        url = _fresh_postgres_schema(url)
    return Settings(data_dir=tmp_path / "data", database_url=url,
                    registry=str(tmp_path / "registry.sqlite"))


@pytest.fixture
def app(settings: Settings) -> FastAPI:
    return create_app(settings)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as c:
        yield c


@dataclass
class Account:
    id: str
    username: str
    role: str
    headers: dict[str, str]


@pytest.fixture
def make_account(app: FastAPI):  # type: ignore[no-untyped-def]
    """``make_account(role, username=None, language="en")`` -> Account with a bearer token."""
    counter = iter(range(1, 10_000))

    def make(role: str, username: str | None = None, language: str = "en") -> Account:
        name = username or f"{role}{next(counter)}"
        with app.state.db.session() as s:
            user = User(username=name, role=role, password_hash=_HASH, language=language)
            s.add(user)
            s.flush()
            token, _ = issue_token(user, app.state.signing_key, 600)
            uid = user.id
        return Account(uid, name, role, {"Authorization": f"Bearer {token}"})

    return make
