"""``/api/v1/cohorts``: an instructor's groups of trainees (instructors see only their own)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from sqlalchemy import select
from sqlalchemy.orm import Session

from service.auth import require_roles
from service.deps import DbSession
from service.errors import ApiError
from service.models import Cohort, CohortMember, User, is_public_id
from service.schemas import CohortCreate, CohortMembers, CohortOut

router = APIRouter(prefix="/cohorts", tags=["instructors"])
Instructor = Annotated[User, Depends(require_roles("instructor", "admin"))]


def trainees_by_name(session: Session, names: list[str]) -> list[User]:
    """The trainee accounts named (422 naming the unknown or non-trainee ones)."""
    wanted = sorted(set(names))
    if not wanted:
        return []
    found = {u.username: u for u in session.scalars(
        select(User).where(User.username.in_(wanted), User.role == "trainee"))}
    missing = [n for n in wanted if n not in found]
    if missing:
        raise ApiError(422, f"not trainee accounts: {', '.join(missing[:20])}",
                       code="unknown_trainees")
    return [found[n] for n in wanted]


def own_cohort(session: Session, user: User, cohort_id: str) -> Cohort:
    """A cohort of the instructor (admins: any); 404 otherwise."""
    cohort = session.get(Cohort, cohort_id) if is_public_id(cohort_id) else None
    if cohort is None or (user.role != "admin" and cohort.instructor_id != user.id):
        raise ApiError(404, "no such cohort")
    return cohort


def _out(session: Session, cohort: Cohort) -> CohortOut:
    names = session.scalars(
        select(User.username).join(CohortMember, CohortMember.trainee_id == User.id)
        .where(CohortMember.cohort_id == cohort.id).order_by(User.username)).all()
    return CohortOut(id=cohort.id, name=cohort.name, trainees=list(names),
                     created_at=cohort.created_at)


@router.post("", response_model=CohortOut, status_code=201,
             responses={409: {"description": "Name already used"}})
def create_cohort(body: CohortCreate, user: Instructor, session: DbSession) -> CohortOut:
    """Create a cohort, optionally with trainees (by username)."""
    if session.scalar(select(Cohort.id).where(Cohort.instructor_id == user.id,
                                              Cohort.name == body.name)):
        raise ApiError(409, f"you already have a cohort named {body.name!r}")
    members = trainees_by_name(session, body.trainees)
    cohort = Cohort(name=body.name, instructor_id=user.id)
    session.add(cohort)
    session.flush()
    session.add_all(CohortMember(cohort_id=cohort.id, trainee_id=m.id) for m in members)
    session.commit()
    return _out(session, cohort)


@router.get("", response_model=list[CohortOut])
def list_cohorts(user: Instructor, session: DbSession) -> list[CohortOut]:
    """Your cohorts (an admin sees all)."""
    stmt = select(Cohort).order_by(Cohort.created_at)
    if user.role != "admin":
        stmt = stmt.where(Cohort.instructor_id == user.id)
    return [_out(session, c) for c in session.scalars(stmt)]


@router.get("/{cohort_id}", response_model=CohortOut)
def get_cohort(cohort_id: str, user: Instructor, session: DbSession) -> CohortOut:
    """One of your cohorts."""
    return _out(session, own_cohort(session, user, cohort_id))


@router.post("/{cohort_id}/members", response_model=CohortOut)
def add_members(cohort_id: str, body: CohortMembers, user: Instructor,
                session: DbSession) -> CohortOut:
    """Add trainees to one of your cohorts (already present ones are kept)."""
    cohort = own_cohort(session, user, cohort_id)
    present = set(session.scalars(select(CohortMember.trainee_id)
                                  .where(CohortMember.cohort_id == cohort.id)))
    for m in trainees_by_name(session, body.trainees):
        if m.id not in present:
            session.add(CohortMember(cohort_id=cohort.id, trainee_id=m.id))
    session.commit()
    return _out(session, cohort)
