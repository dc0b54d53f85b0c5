"""``/api/v1/exercises``: instructors generate exercises, assign them, read their answer keys.

An instructor reaches only the exercises they created (others' answer 404); an admin reaches
all. Trainees and labs get 403 on every route here.
"""

from __future__ import annotations

import shutil
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from service import training
from service.auth import require_roles
from service.deps import DbSession
from service.errors import ApiError
from service.models import (
    Assignment,
    CohortMember,
    Exercise,
    Submission,
    User,
    is_public_id,
)
from service.routers.cohorts import own_cohort, trainees_by_name
from service.schemas import AssignmentCreate, AssignmentOut, ExerciseCreate, ExerciseOut
from service.settings import Settings

router = APIRouter(prefix="/exercises", tags=["instructors"])
Instructor = Annotated[User, Depends(require_roles("instructor", "admin"))]


def own_exercise(session: Session, user: User, exercise_id: str) -> Exercise:
    """An exercise of the instructor (admins: any); 404 otherwise."""
    ex = session.get(Exercise, exercise_id) if is_public_id(exercise_id) else None
    if ex is None or (user.role != "admin" and ex.owner_id != user.id):
        raise ApiError(404, "no such exercise")
    return ex


def exercise_out(ex: Exercise) -> ExerciseOut:
    """The instructor's view of an exercise."""
    return ExerciseOut(
        id=ex.id, topic=ex.topic, level=ex.level, count=ex.count,
        forgery_rate=ex.forgery_rate, seed=ex.seed, reference_date=ex.reference_date,
        time_limit_s=ex.time_limit_s, scenarios=list(ex.scenarios),
        items=training.exercise_docs(ex).item_ids, created_at=ex.created_at,
    )  # fmt: skip


def assignment_out(session: Session, a: Assignment) -> AssignmentOut:
    """An assignment with its progress."""
    done = session.scalar(select(func.count()).select_from(Submission)
                          .where(Submission.assignment_id == a.id)) or 0
    ex = a.exercise
    return AssignmentOut(
        id=a.id, exercise_id=ex.id, trainee=a.trainee.username, cohort_id=a.cohort_id,
        topic=ex.topic, level=ex.level, items=ex.count,
        submitted=int(done), time_limit_s=ex.time_limit_s, reference_date=ex.reference_date,
        created_at=a.created_at,
    )  # fmt: skip


@router.post("", response_model=ExerciseOut, status_code=201)
def create_exercise(body: ExerciseCreate, request: Request, user: Instructor,
                    session: DbSession) -> ExerciseOut:
    """Generate an exercise (through docsec.generate) and store its answer key."""
    settings: Settings = request.app.state.settings
    if body.count > settings.exercise_max_items:
        raise ApiError(422, f"count: this service makes exercises of at most "
                       f"{settings.exercise_max_items} items", code="too_many_items")
    ex = training.create_exercise(
        session, settings, user, topic=body.topic, level=body.level, count=body.count,
        forgery_rate=body.forgery_rate, seed=body.seed, reference_date=body.reference_date,
        time_limit_s=body.time_limit_s, scenarios=body.scenarios, dpi=body.dpi,
    )  # fmt: skip
    try:
        session.commit()
    except BaseException:
        session.rollback()
        shutil.rmtree(settings.exercises_dir / ex.id, ignore_errors=True)
        raise
    return exercise_out(ex)


@router.get("", response_model=list[ExerciseOut])
def list_exercises(user: Instructor, session: DbSession) -> list[ExerciseOut]:
    """Your exercises (an admin sees all)."""
    stmt = select(Exercise).order_by(Exercise.created_at)
    if user.role != "admin":
        stmt = stmt.where(Exercise.owner_id == user.id)
    return [exercise_out(e) for e in session.scalars(stmt)]


@router.get("/{exercise_id}", response_model=ExerciseOut)
def get_exercise(exercise_id: str, user: Instructor, session: DbSession) -> ExerciseOut:
    """One of your exercises."""
    return exercise_out(own_exercise(session, user, exercise_id))


@router.get("/{exercise_id}/answer-key", response_model=dict[str, Any])
def answer_key(exercise_id: str, user: Instructor, session: DbSession) -> dict[str, Any]:
    """The answer key as generated (seed, parameters, per item its defects and regions)."""
    return dict(own_exercise(session, user, exercise_id).answer_key)


@router.post("/{exercise_id}/assignments", response_model=list[AssignmentOut], status_code=201)
def assign(exercise_id: str, body: AssignmentCreate, user: Instructor,
           session: DbSession) -> list[AssignmentOut]:
    """Give the exercise to trainees and/or your cohorts (already assigned ones are kept)."""
    ex = own_exercise(session, user, exercise_id)
    if not body.trainees and not body.cohorts:
        raise ApiError(422, "name at least one trainee or cohort")
    targets: dict[str, str | None] = {t.id: None for t in trainees_by_name(session, body.trainees)}
    for wanted in body.cohorts:
        cohort = own_cohort(session, user, wanted)
        for tid in session.scalars(select(CohortMember.trainee_id)
                                   .where(CohortMember.cohort_id == cohort.id)):
            targets.setdefault(tid, cohort.id)
    existing = {a.trainee_id: a for a in session.scalars(
        select(Assignment).where(Assignment.exercise_id == ex.id))}
    result = []
    for tid, cohort_id in targets.items():
        a = existing.get(tid)
        if a is None:
            a = Assignment(exercise_id=ex.id, trainee_id=tid, cohort_id=cohort_id)
            session.add(a)
        result.append(a)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise ApiError(409, "assigned concurrently; retry") from None
    return [assignment_out(session, a) for a in result]


@router.get("/{exercise_id}/assignments", response_model=list[AssignmentOut])
def list_assignments(exercise_id: str, user: Instructor,
                     session: DbSession) -> list[AssignmentOut]:
    """Who has the exercise and how far they are."""
    ex = own_exercise(session, user, exercise_id)
    rows = session.scalars(select(Assignment).where(Assignment.exercise_id == ex.id)
                           .order_by(Assignment.created_at))
    return [assignment_out(session, a) for a in rows]
