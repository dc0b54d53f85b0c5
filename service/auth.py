"""Accounts, passwords, bearer tokens, lab API keys and role checks.

* Passwords are hashed with Argon2id (argon2-cffi, its default parameters), re-hashed when
  the parameters change.
* ``POST /api/v1/auth/token`` (OAuth2 password form) returns a signed JWT (PyJWT, HS256) that
  expires after ``DOCSEC_TOKEN_LIFETIME_S``; it names the user and a fingerprint of the
  password hash, so changing a password revokes the user's tokens. Every request reloads the
  user: a disabled account or a changed role takes effect at once.
* Lab API keys (``X-API-Key: dsk_<key id>_<secret>``) are random 256-bit secrets stored as
  SHA-256 digests (a fast hash suits a high-entropy key; Argon2 would cost ~50 ms a request);
  each key has its own rate limit per minute (429 with ``Retry-After`` beyond it), counted in
  the server process (``docsec serve`` runs one; under N worker processes a key gets up to N
  times its limit).
"""

from __future__ import annotations

import collections
import datetime
import hashlib
import hmac
import math
import re
import secrets
import string
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from fastapi import Depends, Request
from fastapi.security import APIKeyHeader, OAuth2PasswordBearer
from sqlalchemy import select
from sqlalchemy.orm import Session

from service.deps import DbSession
from service.errors import ApiError
from service.models import ROLES, ApiKey, User

__all__ = [
    "CurrentUser",
    "LabClient",
    "RateLimiter",
    "create_user",
    "current_user",
    "hash_password",
    "issue_api_key",
    "issue_token",
    "lab_client",
    "require_roles",
    "verify_password",
]

_hasher = PasswordHasher()
_ALGORITHM = "HS256"
_bearer = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)
_api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False)
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))
USERNAME_PATTERN = r"^[A-Za-z0-9_.@-]{3,64}$"
MIN_PASSWORD = 10


def hash_password(password: str) -> str:
    """An Argon2id hash of ``password``."""
    return _hasher.hash(password)


def verify_password(stored: str, password: str) -> bool:
    """Whether ``password`` matches the stored hash (constant work for unknown users too)."""
    try:
        return _hasher.verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


_PASSWORD_ALPHABET = string.ascii_letters + string.digits


def new_password() -> str:
    """A random password: 16 letters and digits (about 95 bits), easy to paste anywhere."""
    return "".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(16))


def create_user(session: Session, *, username: str, role: str, password: str,
                language: str = "en") -> User:
    """Add a user (the caller commits); ValueError for a bad role, name or password."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}, got {role!r}")
    if not re.fullmatch(USERNAME_PATTERN, username):
        raise ValueError("username: 3-64 letters, digits or . _ @ -")
    if len(password) < MIN_PASSWORD:
        raise ValueError(f"password: at least {MIN_PASSWORD} characters")
    if language not in ("en", "ru"):
        raise ValueError("language must be en or ru")
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise LookupError(f"user {username!r} already exists")
    user = User(username=username, role=role, password_hash=hash_password(password),
                language=language)
    session.add(user)
    session.flush()
    return user


def _fingerprint(user: User) -> str:
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def issue_token(user: User, key: str, lifetime_s: int) -> tuple[str, int]:
    """A signed bearer token for ``user`` and its lifetime in seconds."""
    now = datetime.datetime.now(datetime.UTC)
    claims = {
        "sub": user.id,
        "role": user.role,
        "pwd": _fingerprint(user),
        "iat": now,
        "exp": now + datetime.timedelta(seconds=lifetime_s),
    }
    return jwt.encode(claims, key, algorithm=_ALGORITHM), lifetime_s


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The active user with these credentials, or None."""
    if not re.fullmatch(USERNAME_PATTERN, username):
        verify_password(_DUMMY_HASH, password)
        return None
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        verify_password(_DUMMY_HASH, password)  # same cost as for a real account
        return None
    if not user.active or not verify_password(user.password_hash, password):
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


class RateLimiter:
    """Sliding-window counters per key (one process; thread-safe)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._hits: dict[str, collections.deque[float]] = {}
        self._lock = threading.Lock()
        self._clock = clock

    def hit(self, key: str, limit: int, window_s: float = 60.0) -> float:
        """Count one request; return 0 if allowed, else the seconds until one is."""
        now = self._clock()
        with self._lock:
            q = self._hits.setdefault(key, collections.deque())
            while q and q[0] <= now - window_s:
                q.popleft()
            if len(q) >= limit:
                return max(q[0] + window_s - now, 0.001)
            q.append(now)
            return 0.0

    def reset(self, key: str) -> None:
        """Forget the counts of ``key``."""
        with self._lock:
            self._hits.pop(key, None)


def _unauthorized(message: str) -> ApiError:
    return ApiError(401, message, headers={"WWW-Authenticate": "Bearer"})


def _user_from_token(request: Request, session: Session, token: str) -> User:
    key: str = request.app.state.signing_key
    try:
        claims = jwt.decode(token, key, algorithms=[_ALGORITHM],
                            options={"require": ["exp", "iat", "sub"]})
    except jwt.ExpiredSignatureError:
        raise _unauthorized("the token has expired; log in again") from None
    except jwt.PyJWTError:
        raise _unauthorized("invalid token") from None
    user = session.get(User, str(claims["sub"]))
    if user is None or not user.active or claims.get("pwd") != _fingerprint(user):
        raise _unauthorized("invalid token")
    return user


def current_user(
    request: Request,
    session: DbSession,
    token: Annotated[str | None, Depends(_bearer)],
) -> User:
    """The user of the bearer token (401 without a valid one)."""
    if not token:
        raise _unauthorized("not authenticated: send Authorization: Bearer <token>")
    return _user_from_token(request, session, token)


CurrentUser = Annotated[User, Depends(current_user)]


def require_roles(*roles: str) -> Callable[..., User]:
    """A dependency that admits only users with one of ``roles`` (403 otherwise)."""
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles: {sorted(unknown)}")

    def dependency(user: CurrentUser) -> User:
        if user.role not in roles:
            raise ApiError(403, f"this needs the role {' or '.join(roles)}")
        return user

    return dependency


def _key_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def issue_api_key(session: Session, user: User, rate_limit_per_min: int) -> str:
    """Create an API key for a lab user; return the key (shown once, stored hashed)."""
    if user.role != "lab":
        raise ValueError(f"API keys are for lab accounts; {user.username} is {user.role}")
    key_id = secrets.token_hex(8)
    key = f"dsk_{key_id}_{secrets.token_urlsafe(32)}"
    session.add(ApiKey(key_id=key_id, key_hash=_key_digest(key), user_id=user.id,
                       rate_limit_per_min=rate_limit_per_min))
    session.flush()
    return key


@dataclass(frozen=True, slots=True)
class LabClient:
    """Who calls a lab route: the lab user and the API key used (None with a bearer token)."""

    user: User
    key_id: str | None


def lab_client(
    request: Request,
    session: DbSession,
    api_key: Annotated[str | None, Depends(_api_key_header)],
    token: Annotated[str | None, Depends(_bearer)],
) -> LabClient:
    """A lab caller: an ``X-API-Key`` (rate-limited per key) or a lab/admin bearer token."""
    if api_key:
        parts = api_key.split("_", 2)  # the secret may hold "_" (URL-safe base64)
        if len(parts) != 3 or parts[0] != "dsk":
            raise ApiError(401, "invalid API key")
        row = session.scalar(select(ApiKey).where(ApiKey.key_id == parts[1]))
        if (row is None or row.revoked or not row.user.active or row.user.role != "lab"
                or not hmac.compare_digest(row.key_hash, _key_digest(api_key))):
            raise ApiError(401, "invalid API key")
        limiter: RateLimiter = request.app.state.limiter
        wait = limiter.hit(f"key:{row.key_id}", row.rate_limit_per_min)
        if wait:
            raise ApiError(429, f"rate limit of {row.rate_limit_per_min} requests a minute "
                           "reached for this key", headers={"Retry-After": str(math.ceil(wait))})
        return LabClient(user=row.user, key_id=row.key_id)
    if token:
        user = _user_from_token(request, session, token)
        if user.role not in ("lab", "admin"):
            raise ApiError(403, "this needs the role lab or admin")
        return LabClient(user=user, key_id=None)
    raise ApiError(401, "not authenticated: send X-API-Key or Authorization: Bearer <token>",
                   headers={"WWW-Authenticate": "Bearer"})
