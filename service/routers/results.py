"""``/api/v1/results``: instructors' results per trainee, item and defect, and cohort
statistics (hit rate, false-alarm rate, d′ and criterion, median time), as JSON or CSV.

Instructors see the submissions to their own exercises only (filters on another instructor's
cohort answer 404); admins see all.
"""

from __future__ import annotations

import csv
import io
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from docsec.scoring import summarize
from service import training
from service.auth import USERNAME_PATTERN, require_roles
from service.deps import DbSession
from service.models import User
from service.schemas import ID_PATTERN

router = APIRouter(prefix="/results", tags=["instructors"])
Instructor = Annotated[User, Depends(require_roles("instructor", "admin"))]
_CSV_COLUMNS = ("trainee", "exercise_id", "assignment_id", "item_id", "submitted_at",
                "decision", "signal", "outcome", "score", "time_spent_s", "over_time",
                "defects", "caught", "located", "missed", "false_findings")
_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/json": {}, "text/csv": {}},
          "description": "Results as JSON, or one CSV row per submission"},
}


def _cell(value: object) -> object:
    """A CSV cell that a spreadsheet will not run as a formula."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


@router.get("", response_model=None, responses=_RESPONSES)
def results(
    user: Instructor,
    session: DbSession,
    exercise: Annotated[str | None, Query(description="An exercise id",
                                          pattern=ID_PATTERN)] = None,
    cohort: Annotated[str | None, Query(description="A cohort id", pattern=ID_PATTERN)] = None,
    trainee: Annotated[str | None, Query(description="A trainee's username",
                                         pattern=USERNAME_PATTERN)] = None,
    format: Annotated[Literal["json", "csv"], Query()] = "json",
) -> dict[str, Any] | Response:
    """Results of your exercises: overall, per trainee, per item, per defect, per day."""
    rows = training.results_rows(training.visible_submissions(
        session, user, exercise_id=exercise, cohort_id=cohort, trainee=trainee))
    if format == "csv":
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=_CSV_COLUMNS, extrasaction="ignore",
                                lineterminator="\n")
        writer.writeheader()
        for r in rows:
            writer.writerow({k: _cell(";".join(v) if isinstance(v, list) else v)
                             for k, v in r.items()})
        return Response(buf.getvalue(), media_type="text/csv",
                        headers={"Content-Disposition": 'attachment; filename="results.csv"'})
    for r in rows:
        r["day"] = r["submitted_at"][:10]
        r["item"] = f"{r['exercise_id']}/{r['item_id']}"
    return {
        "filters": {"exercise": exercise, "cohort": cohort, "trainee": trainee},
        "overall": summarize(r["_result"] for r in rows).to_dict(),
        "by_trainee": training.grouped(rows, "trainee"),
        "by_item": training.grouped(rows, "item"),
        "by_defect": training.by_defect(rows),
        "by_day": training.grouped(rows, "day"),
        "submissions": [{k: v for k, v in r.items() if not k.startswith("_")} for r in rows],
    }
