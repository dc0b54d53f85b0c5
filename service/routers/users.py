"""``/api/v1/users``: accounts and lab API keys (admin only)."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from sqlalchemy import select

from service.auth import (
    USERNAME_PATTERN,
    create_user,
    issue_api_key,
    new_password,
    require_roles,
)
from service.deps import DbSession
from service.errors import ApiError
from service.models import User
from service.schemas import ApiKeyCreated, UserCreate, UserCreated, UserOut, UserUpdate
from service.settings import Settings

router = APIRouter(prefix="/users", tags=["users"])
Admin = Annotated[User, Depends(require_roles("admin"))]


@router.get("", response_model=list[UserOut])
def list_users(_admin: Admin, session: DbSession) -> list[UserOut]:
    """Every account."""
    users = session.scalars(select(User).order_by(User.username)).all()
    return [UserOut.model_validate(u) for u in users]


@router.post("", response_model=UserCreated, status_code=201,
             responses={409: {"description": "Username taken"}})
def add_user(body: UserCreate, _admin: Admin, session: DbSession) -> UserCreated:
    """Create an account (a password is generated and returned once when none is given)."""
    password = body.password or new_password()
    try:
        user = create_user(session, username=body.username, role=body.role, password=password,
                           language=body.language)
    except LookupError as exc:
        raise ApiError(409, str(exc)) from None
    except ValueError as exc:
        raise ApiError(422, str(exc)) from None
    session.commit()
    out = UserCreated.model_validate(user)
    out.password = None if body.password else password
    return out


@router.patch("/{username}", response_model=UserOut)
def update_user(username: str, body: UserUpdate, admin: Admin, session: DbSession) -> UserOut:
    """Change an account's role, language or active flag (inactive: locked out at once)."""
    user = (session.scalar(select(User).where(User.username == username))
            if re.fullmatch(USERNAME_PATTERN, username) else None)
    if user is None:
        raise ApiError(404, f"no user {username!r}")
    if user.id == admin.id and (body.active is False or body.role not in (None, "admin")):
        raise ApiError(409, "an admin cannot lock out or demote their own account")
    for name in ("role", "language", "active"):
        value = getattr(body, name)
        if value is not None:
            setattr(user, name, value)
    session.commit()
    return UserOut.model_validate(user)


@router.post("/{username}/api-keys", response_model=ApiKeyCreated, status_code=201)
def add_api_key(username: str, request: Request, _admin: Admin,
                session: DbSession) -> ApiKeyCreated:
    """Create an API key for a lab account (the key is shown once)."""
    user = (session.scalar(select(User).where(User.username == username))
            if re.fullmatch(USERNAME_PATTERN, username) else None)
    if user is None:
        raise ApiError(404, f"no user {username!r}")
    settings: Settings = request.app.state.settings
    try:
        key = issue_api_key(session, user, settings.lab_rate_limit_per_min)
    except ValueError as exc:
        raise ApiError(422, str(exc)) from None
    session.commit()
    return ApiKeyCreated(key=key, key_id=key.split("_")[1],
                         rate_limit_per_min=settings.lab_rate_limit_per_min)
