"""Request and response bodies shared by the routers (Pydantic)."""

from __future__ import annotations

import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from service.auth import USERNAME_PATTERN

Role = Literal["admin", "instructor", "trainee", "lab"]
Language = Literal["en", "ru"]


class Token(BaseModel):
    """An OAuth2 bearer token."""

    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int


class UserOut(BaseModel):
    """An account as others see it (never its password hash)."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    username: str
    role: Role
    language: Language
    active: bool
    created_at: datetime.datetime


class UserCreate(BaseModel):
    """A new account (admin only); a password is generated when none is given."""

    model_config = ConfigDict(extra="forbid")

    username: str = Field(pattern=USERNAME_PATTERN)
    role: Role
    password: str | None = Field(default=None, min_length=10, max_length=256)
    language: Language = "en"


class UserCreated(UserOut):
    """The new account, with its password when it was generated (shown once)."""

    password: str | None = None


class ApiKeyCreated(BaseModel):
    """A new lab API key (shown once; stored hashed)."""

    key: str
    key_id: str
    rate_limit_per_min: int
