"""The service's tables (SQLAlchemy 2 declarative models).

Public identifiers are random (UUID hex), so one tenant cannot enumerate another's objects;
every query for an object also filters on its owner.
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

__all__ = [
    "ROLES",
    "ApiKey",
    "Assignment",
    "Base",
    "Cohort",
    "CohortMember",
    "Exercise",
    "Submission",
    "User",
]

ROLES: tuple[str, ...] = ("admin", "instructor", "trainee", "lab")


def new_id() -> str:
    """A fresh random public identifier (32 hex digits)."""
    return uuid.uuid4().hex


def is_public_id(text: str) -> bool:
    """Whether ``text`` has the shape of a public identifier (others are never found)."""
    return len(text) == 32 and all(c in "0123456789abcdef" for c in text)


def utcnow() -> datetime.datetime:
    """The current UTC time (timezone-aware)."""
    return datetime.datetime.now(datetime.UTC)


class UtcDateTime(TypeDecorator[datetime.datetime]):
    """A timezone-aware UTC timestamp on every database (SQLite stores no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime.datetime | None,
                           dialect: Dialect) -> datetime.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: give a timezone-aware UTC time")
        return value.astimezone(datetime.UTC)

    def process_result_value(self, value: datetime.datetime | None,
                             dialect: Dialect) -> datetime.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=datetime.UTC) if value.tzinfo is None else value


class Base(DeclarativeBase):
    """Declarative base of the service tables."""

    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class User(Base):
    """An account: admin, instructor, trainee or lab."""

    __tablename__ = "users"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    username: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    language: Mapped[str] = mapped_column(String(8), default="en")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime.datetime] = mapped_column(UtcDateTime(),
                                                          default=utcnow)


class ApiKey(Base):
    """A lab's API key: a public key id and the SHA-256 of the secret part."""

    __tablename__ = "api_keys"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    key_id: Mapped[str] = mapped_column(String(32), unique=True, index=True)
    key_hash: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    rate_limit_per_min: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime.datetime] = mapped_column(UtcDateTime(),
                                                          default=utcnow)
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)

    user: Mapped[User] = relationship(lazy="joined")


class Cohort(Base):
    """A group of trainees owned by one instructor."""

    __tablename__ = "cohorts"
    __table_args__ = (UniqueConstraint("instructor_id", "name"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(100))
    instructor_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                               index=True)
    created_at: Mapped[datetime.datetime] = mapped_column(UtcDateTime(),
                                                          default=utcnow)


class CohortMember(Base):
    """A trainee in a cohort."""

    __tablename__ = "cohort_members"

    cohort_id: Mapped[str] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"),
                                           primary_key=True)
    trainee_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                            primary_key=True, index=True)


class Exercise(Base):
    """A generated exercise: its parameters, its trainee manifest and its answer key."""

    __tablename__ = "exercises"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    owner_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    topic: Mapped[str] = mapped_column(String(16))
    level: Mapped[int] = mapped_column(Integer)
    count: Mapped[int] = mapped_column(Integer)
    forgery_rate: Mapped[float] = mapped_column(Float)
    seed: Mapped[int] = mapped_column(BigInteger)
    reference_date: Mapped[datetime.date] = mapped_column(Date)
    time_limit_s: Mapped[int | None] = mapped_column(Integer, nullable=True)
    scenarios: Mapped[list[Any]] = mapped_column(JSON, default=list)
    directory: Mapped[str] = mapped_column(Text)
    # large and immutable: loaded on first use only (see service.training.exercise_docs)
    manifest: Mapped[dict[str, Any]] = mapped_column(JSON, deferred=True)
    answer_key: Mapped[dict[str, Any]] = mapped_column(JSON, deferred=True)
    created_at: Mapped[datetime.datetime] = mapped_column(UtcDateTime(),
                                                          default=utcnow)


class Assignment(Base):
    """An exercise given to one trainee (directly or through a cohort)."""

    __tablename__ = "assignments"
    __table_args__ = (UniqueConstraint("exercise_id", "trainee_id"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    exercise_id: Mapped[str] = mapped_column(ForeignKey("exercises.id", ondelete="CASCADE"),
                                             index=True)
    trainee_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                            index=True)
    cohort_id: Mapped[str | None] = mapped_column(
        ForeignKey("cohorts.id", ondelete="SET NULL"), nullable=True)
    created_at: Mapped[datetime.datetime] = mapped_column(UtcDateTime(),
                                                          default=utcnow)

    exercise: Mapped[Exercise] = relationship(lazy="joined")
    trainee: Mapped[User] = relationship(lazy="joined")


class Submission(Base):
    """A trainee's final answer for one item, with its score computed at submission."""

    __tablename__ = "submissions"
    __table_args__ = (UniqueConstraint("assignment_id", "item_id"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    assignment_id: Mapped[str] = mapped_column(
        ForeignKey("assignments.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[str] = mapped_column(String(64))
    decision: Mapped[str] = mapped_column(String(8))
    findings: Mapped[list[Any]] = mapped_column(JSON)
    time_spent_s: Mapped[float] = mapped_column(Float)
    result: Mapped[dict[str, Any]] = mapped_column(JSON)
    submitted_at: Mapped[datetime.datetime] = mapped_column(UtcDateTime(),
                                                            default=utcnow)
