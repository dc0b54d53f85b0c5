"""``/api/v1/assignments``: a trainee's exercises, items, views, submissions and feedback.

Only the trainee an assignment belongs to reaches it (anyone else gets 404). Items show only
the views the exercise's level allows; the answer key never reaches a trainee, and feedback
exists only once the item is submitted. A submission is final: stored in one transaction,
a second one for the same item gets 409.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from docsec.errors import InvalidComponent
from docsec.scoring import Finding, score_item
from service import training
from service.auth import require_roles
from service.deps import DbSession
from service.errors import ApiError
from service.models import Assignment, Submission, User, is_public_id, new_id, utcnow
from service.routers.exercises import assignment_out
from service.schemas import (
    AssignmentDetail,
    AssignmentOut,
    Feedback,
    ItemOut,
    SubmissionIn,
    SubmissionOut,
)
from service.settings import Settings

router = APIRouter(prefix="/assignments", tags=["trainees"])
Trainee = Annotated[User, Depends(require_roles("trainee"))]
_IMAGE: dict[int | str, dict[str, Any]] = {200: {"content": {"image/png": {}, "image/jpeg": {}},
                "description": "The view's image"}}


def own_assignment(session: Session, user: User, assignment_id: str) -> Assignment:
    """The trainee's assignment; 404 for anyone else's."""
    a = session.get(Assignment, assignment_id) if is_public_id(assignment_id) else None
    if a is None or a.trainee_id != user.id:
        raise ApiError(404, "no such assignment")
    return a


def _submitted(session: Session, a: Assignment, item_id: str | None = None) -> set[str]:
    """The ids of the submitted items (of one item only when given)."""
    stmt = select(Submission.item_id).where(Submission.assignment_id == a.id)
    if item_id is not None:
        stmt = stmt.where(Submission.item_id == item_id)
    return set(session.scalars(stmt))


def _item_out(a: Assignment, item_id: str, done: bool) -> ItemOut:
    ex = a.exercise
    entry = training.manifest_item(ex, item_id)
    base = f"/api/v1/assignments/{a.id}/items/{item_id}/views"
    return ItemOut(id=item_id, model=entry.get("model"),
                   views={v: f"{base}/{v}" for v in training.item_views(ex, item_id)},
                   submitted=done)


@router.get("", response_model=list[AssignmentOut])
def my_assignments(user: Trainee, session: DbSession) -> list[AssignmentOut]:
    """Your assignments and how far you are."""
    rows = session.scalars(select(Assignment).where(Assignment.trainee_id == user.id)
                           .order_by(Assignment.created_at))
    return [assignment_out(session, a) for a in rows]


@router.get("/{assignment_id}", response_model=AssignmentDetail)
def assignment_detail(assignment_id: str, request: Request, user: Trainee,
                      session: DbSession) -> AssignmentDetail:
    """An assignment with its items (views your level allows)."""
    a = own_assignment(session, user, assignment_id)
    done = _submitted(session, a)
    settings: Settings = request.app.state.settings
    items = [_item_out(a, i, i in done)
             for i in training.exercise_docs(a.exercise).item_ids]
    base = f"/api/v1/assignments/{a.id}/files"
    files = {k: f"{base}/{v}" for k, v in training.package_files(a.exercise).items()}
    return AssignmentDetail(**assignment_out(session, a).model_dump(), item_list=items,
                            registry=training.registry_file(settings, a.exercise) is not None,
                            files=files)


@router.get("/{assignment_id}/files/{path:path}", response_class=FileResponse,
            responses={200: {"description": "A file of the exercise's trainee package"}})
def package_file(assignment_id: str, path: str, request: Request, user: Trainee,
                 session: DbSession) -> FileResponse:
    """An exercise-wide file: a reference sheet (HTML and its images) or an alert list."""
    a = own_assignment(session, user, assignment_id)
    file, media = training.package_file(request.app.state.settings, a.exercise, path)
    return FileResponse(file, media_type=media, headers={"Cache-Control": "private, max-age=3600"})


@router.get("/{assignment_id}/items/{item_id}", response_model=ItemOut)
def item(assignment_id: str, item_id: str, user: Trainee, session: DbSession) -> ItemOut:
    """One item: its views and whether you submitted it."""
    a = own_assignment(session, user, assignment_id)
    return _item_out(a, item_id, item_id in _submitted(session, a, item_id))


@router.get("/{assignment_id}/items/{item_id}/views/{view}", response_class=FileResponse,
            responses=_IMAGE)
def view_image(assignment_id: str, item_id: str, view: str, request: Request, user: Trainee,
               session: DbSession) -> FileResponse:
    """The image of one view (PNG or JPEG)."""
    a = own_assignment(session, user, assignment_id)
    path, media = training.view_path(request.app.state.settings, a.exercise, item_id, view)
    return FileResponse(path, media_type=media, headers={"Cache-Control": "private, max-age=3600"})


@router.post("/{assignment_id}/items/{item_id}/submission", response_model=SubmissionOut,
             status_code=201, responses={409: {"description": "Already submitted"}})
def submit(assignment_id: str, item_id: str, body: SubmissionIn, user: Trainee,
           session: DbSession) -> SubmissionOut:
    """Submit your final decision and findings for an item (scored at once, final)."""
    a = own_assignment(session, user, assignment_id)
    ex = a.exercise
    views = set(training.item_views(ex, item_id))
    for f in body.findings:
        if f.view is not None and f.view not in views:
            raise ApiError(422, f"finding {f.id!r}: no view {f.view!r} for this item")
        if (f.point is not None or f.box is not None) and f.view is None:
            raise ApiError(422, f"finding {f.id!r}: a point or box needs its view")
    findings = [Finding(id=f.id, view=f.view, point=f.point, box=f.box) for f in body.findings]
    try:
        result = score_item(training.item_answer(ex, item_id), body.decision, findings,
                            body.time_spent_s).to_dict()
    except InvalidComponent as exc:
        raise ApiError(422, str(exc)) from None
    result["over_time"] = bool(ex.time_limit_s is not None and body.time_spent_s > ex.time_limit_s)
    submitted_at = utcnow()
    try:
        # one INSERT in its own transaction (Core: no unit-of-work bookkeeping on this path)
        session.execute(insert(Submission).values(
            id=new_id(), assignment_id=a.id, item_id=item_id, decision=body.decision,
            findings=[f.model_dump() for f in body.findings], time_spent_s=body.time_spent_s,
            result=result, submitted_at=submitted_at))
        session.commit()
    except IntegrityError:
        session.rollback()
        raise ApiError(409, "this item is already submitted; submissions are final",
                       code="already_submitted") from None
    return SubmissionOut(assignment_id=a.id, item_id=item_id, decision=body.decision,
                         time_spent_s=body.time_spent_s, submitted_at=submitted_at,
                         feedback=f"/api/v1/assignments/{a.id}/items/{item_id}/feedback")


@router.get("/{assignment_id}/items/{item_id}/feedback", response_model=Feedback,
            responses={409: {"description": "Not submitted yet"}})
def feedback(assignment_id: str, item_id: str, user: Trainee, session: DbSession) -> Feedback:
    """After you submitted an item: score, what you caught, missed and flagged wrongly."""
    a = own_assignment(session, user, assignment_id)
    ex = a.exercise
    answer = training.item_answer(ex, item_id)
    sub = session.scalar(select(Submission).where(Submission.assignment_id == a.id,
                                                  Submission.item_id == item_id))
    if sub is None:
        raise ApiError(409, "feedback comes after you submit this item", code="not_submitted")
    r = sub.result
    views = training.item_views(ex, item_id)
    defects = {str(d["id"]): d for d in answer.get("defects") or []}
    lang = user.language

    def entry(defect_id: str, **extra: object) -> dict[str, object]:
        return {**training.feedback_entry(defects[defect_id], lang, views), **extra}

    expected = ["refer", "reject"] if defects else ["accept"]
    actions = {d.get("action") for d in defects.values() if d.get("action")}
    if answer.get("expected_action"):
        expected = [str(answer["expected_action"])]
    elif actions:
        expected = sorted(str(x) for x in actions)
    return Feedback(
        item_id=item_id, score=r["score"], decision=sub.decision, outcome=r["outcome"],
        genuine=not defects, expected=expected, time_spent_s=sub.time_spent_s,
        over_time=bool(r.get("over_time")),
        caught=[entry(c["id"], located=c["located"], named_as=c["named_as"])
                for c in r["caught"]],
        missed=[entry(m) for m in r["missed"]],
        false_findings=list(r["false_findings"]),
        scenario=training.scenario_entry(answer.get("scenario"), lang),
    )  # fmt: skip
