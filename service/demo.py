"""The demonstration set-up behind ``docsec serve --demo`` (and ``make run``).

On every start: the schema is migrated; the demo accounts (``admin``, ``instructor``,
``trainee``, ``trainee-ru``, ``lab``) exist with freshly generated passwords, and the lab has a
new API key (earlier demo keys are revoked); the stolen-vehicle registry holds the library's
seeded mock list and the samples' registry extract; the instructor has a cohort with both
trainees and an exercise assigned to it. Nothing secret is fixed in the repository: the
passwords and the key are printed once, at start.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from docsec.registry.load import read_file
from docsec.registry.mock import make_records
from docsec.registry.sql import SqlRegistry
from service import training
from service.auth import create_user, hash_password, issue_api_key, new_password
from service.db import Database
from service.models import ApiKey, Assignment, Cohort, CohortMember, Exercise, User
from service.settings import Settings

__all__ = ["DemoSetup", "seed_demo"]

ACCOUNTS: tuple[tuple[str, str, str], ...] = (
    ("admin", "admin", "en"),
    ("instructor", "instructor", "en"),
    ("trainee", "trainee", "en"),
    ("trainee-ru", "trainee", "ru"),
    ("lab", "lab", "en"),
)
REGISTRY_RECORDS = 20_000
SAMPLES = Path(__file__).resolve().parent.parent / "samples"


@dataclass
class DemoSetup:
    """What the demo set-up made: passwords, the lab key, what was loaded."""

    passwords: dict[str, str] = field(default_factory=dict)
    lab_key: str = ""
    registry_records: int = 0
    exercise_id: str = ""
    notes: list[str] = field(default_factory=list)


def seed_demo(settings: Settings, *, exercise_count: int = 6,
              exercise_dpi: int | None = None) -> DemoSetup:
    """Prepare the demo accounts, registry and exercise (idempotent; passwords renewed)."""
    out = DemoSetup()
    db = Database(settings.resolved_database_url)
    try:
        db.migrate()
        with db.session() as s:
            users: dict[str, User] = {}
            for username, role, language in ACCOUNTS:
                password = new_password()
                user = s.scalar(select(User).where(User.username == username))
                if user is None:
                    user = create_user(s, username=username, role=role, password=password,
                                       language=language)
                else:
                    user.password_hash = hash_password(password)
                    user.role, user.active = role, True
                users[username] = user
                out.passwords[username] = password
            s.execute(update(ApiKey).where(ApiKey.user_id == users["lab"].id)
                      .values(revoked=True))
            out.lab_key = issue_api_key(s, users["lab"], settings.lab_rate_limit_per_min)
        out.registry_records = _seed_registry(settings, out)
        with db.session() as s:
            out.exercise_id = _seed_exercise(s, settings, exercise_count, exercise_dpi)
    finally:
        db.close()
    return out


def _seed_registry(settings: Settings, out: DemoSetup) -> int:
    reg = SqlRegistry(settings.registry_target, create=True)
    try:
        if reg.count() == 0:
            reg.add(make_records(REGISTRY_RECORDS, seed=0))
            extract = SAMPLES / "registry_extract.csv"
            if extract.is_file():
                reg.add(read_file(extract))
            else:
                out.notes.append(f"no samples at {SAMPLES}: registry holds the mock list only")
        return reg.count()
    finally:
        reg.close()


def _seed_exercise(s: Session, settings: Settings, count: int, dpi: int | None) -> str:
    instructor = s.scalar(select(User).where(User.username == "instructor"))
    assert instructor is not None
    cohort = s.scalar(select(Cohort).where(Cohort.instructor_id == instructor.id,
                                           Cohort.name == "demo"))
    if cohort is None:
        cohort = Cohort(name="demo", instructor_id=instructor.id)
        s.add(cohort)
        s.flush()
    members = set(s.scalars(select(CohortMember.trainee_id)
                            .where(CohortMember.cohort_id == cohort.id)))
    trainees = s.scalars(select(User).where(User.username.in_(("trainee", "trainee-ru"))))
    for t in trainees:
        if t.id not in members:
            s.add(CohortMember(cohort_id=cohort.id, trainee_id=t.id))
    exercise = s.scalar(select(Exercise).where(Exercise.owner_id == instructor.id)
                        .order_by(Exercise.created_at))
    if exercise is None:
        exercise = training.create_exercise(
            s, settings, instructor, topic="mixed", level=2, count=count, forgery_rate=0.5,
            seed=None, reference_date=None, time_limit_s=120, scenarios=(), dpi=dpi)
    s.flush()
    assigned = set(s.scalars(select(Assignment.trainee_id)
                             .where(Assignment.exercise_id == exercise.id)))
    for tid in s.scalars(select(CohortMember.trainee_id)
                         .where(CohortMember.cohort_id == cohort.id)):
        if tid not in assigned:
            s.add(Assignment(exercise_id=exercise.id, trainee_id=tid, cohort_id=cohort.id))
    return exercise.id


def instructions(setup: DemoSetup, base_url: str) -> str:
    """How to log in, printed at start."""
    width = max(len(u) for u in setup.passwords)
    lines = [
        "docsec training service: demo set-up",
        f"  API documentation: {base_url}/docs    health: {base_url}/healthz",
        f"  registry: {setup.registry_records} mock stolen-vehicle records (samples included)",
        f"  exercise {setup.exercise_id} assigned to the demo cohort (trainee, trainee-ru)",
        "  accounts (passwords are new at every start):",
        *(f"    {u:<{width}}  {p}" for u, p in setup.passwords.items()),
        f"  lab API key: {setup.lab_key}",
        "",
        "  log in:",
        f"    curl -s -X POST {base_url}/api/v1/auth/token "
        f"-d username=trainee -d password={setup.passwords.get('trainee', '...')}",
        f"    curl -s -H 'Authorization: Bearer TOKEN' {base_url}/api/v1/assignments",
        f"    curl -s -H 'X-API-Key: {setup.lab_key}' -H 'Content-Type: application/json' "
        f"-d '{{\"vins\": [\"1M8GDM9AXKP042788\"]}}' {base_url}/api/v1/check/vin",
        *(f"  note: {n}" for n in setup.notes),
    ]
    return "\n".join(lines)
