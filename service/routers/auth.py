"""``/api/v1/auth``: log in (OAuth2 password form), who am I, my language and password."""

from __future__ import annotations

import math
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.security import OAuth2PasswordRequestForm

from service.auth import (
    CurrentUser,
    RateLimiter,
    authenticate,
    hash_password,
    issue_token,
    verify_password,
)
from service.deps import DbSession
from service.errors import ApiError
from service.schemas import ProfileUpdate, Token, UserOut
from service.settings import Settings

router = APIRouter(prefix="/auth", tags=["auth"])


@router.post("/token", response_model=Token)
def login(
    request: Request,
    session: DbSession,
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
) -> Token:
    """Exchange a username and password for an expiring bearer token."""
    settings: Settings = request.app.state.settings
    limiter: RateLimiter = request.app.state.limiter
    wait = limiter.hit(f"login:{form.username.lower()}", settings.login_rate_limit_per_min)
    if wait:
        raise ApiError(429, "too many login attempts; wait and retry",
                       headers={"Retry-After": str(math.ceil(wait))})
    user = authenticate(session, form.username, form.password)
    if user is None:
        raise ApiError(401, "wrong username or password",
                       headers={"WWW-Authenticate": "Bearer"})
    session.commit()  # a re-hashed password, if the parameters changed
    token, lifetime = issue_token(user, request.app.state.signing_key,
                                  settings.token_lifetime_s)
    return Token(access_token=token, expires_in=lifetime)


@router.get("/me", response_model=UserOut)
def me(user: CurrentUser) -> UserOut:
    """The logged-in account."""
    return UserOut.model_validate(user)


@router.patch("/me", response_model=UserOut)
def update_me(body: ProfileUpdate, user: CurrentUser, session: DbSession) -> UserOut:
    """Change your feedback language or your password (which ends your other sessions)."""
    if body.password is not None:
        if body.current_password is None or not verify_password(user.password_hash,
                                                                 body.current_password):
            raise ApiError(403, "the current password is wrong or missing",
                           code="wrong_password")
        user.password_hash = hash_password(body.password)
    if body.language is not None:
        user.language = body.language
    session.commit()
    return UserOut.model_validate(user)
