"""Training glue between the API and the library: exercises on disk and in the database,
what a trainee may see of an item, submissions and their scores, results tables.

Generation is :func:`docsec.generate.exercise.make_exercise`; scoring and statistics are
:mod:`docsec.scoring`. The answer key is stored in the database when the exercise is created
(feedback never depends on later generator changes) and the key file is kept out of the folder
trainees' files are served from.
"""

from __future__ import annotations

import datetime
import mimetypes
import secrets
import shutil
import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from docsec.generate.exercise import make_exercise
from docsec.scoring import allowed_views, summarize
from service.errors import ApiError
from service.models import (
    Assignment,
    Cohort,
    CohortMember,
    Exercise,
    Submission,
    User,
    is_public_id,
    new_id,
)
from service.settings import Settings

__all__ = [
    "create_exercise",
    "item_answer",
    "item_views",
    "results_rows",
    "view_path",
]

_IMAGE_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}


def create_exercise(session: Session, settings: Settings, owner: User, *, topic: str,
                    level: int, count: int, forgery_rate: float, seed: int | None,
                    reference_date: datetime.date | None, time_limit_s: int | None,
                    scenarios: Sequence[str], dpi: int | None) -> Exercise:
    """Generate an exercise under the data directory and record it (the caller commits).

    Without a seed, a fresh secret one is drawn (kept with the answer key only).
    """
    kwargs: dict[str, Any] = {
        "topic": topic, "level": level, "count": count, "forgery_rate": forgery_rate,
        "seed": seed if seed is not None else secrets.randbits(63),
        "reference_date": reference_date,
    }  # fmt: skip
    if dpi is not None:
        kwargs["dpi"] = dpi
    if scenarios:  # forged items carry one of these forgery scenarios or defect drills
        kwargs["drills"] = list(scenarios)
    ex_id = new_id()
    out = settings.exercises_dir / ex_id
    try:
        ex_set = make_exercise(out=out, **kwargs)
        root = ex_set.trainee_dir  # served to trainees; the key file is in instructor/
        answer_key = dict(ex_set.answer_key)
        ref = answer_key.get("reference_date") or ex_set.manifest.get("reference_date")
        exercise = Exercise(
            id=ex_id,
            owner_id=owner.id,
            topic=topic,
            level=level,
            count=count,
            forgery_rate=forgery_rate,
            seed=int(answer_key.get("seed", kwargs["seed"])),
            reference_date=datetime.date.fromisoformat(str(ref)),
            time_limit_s=time_limit_s,
            scenarios=list(scenarios),
            directory=str(root.relative_to(settings.data_dir)),
            manifest=dict(ex_set.manifest),
            answer_key=answer_key,
        )
        session.add(exercise)
        session.flush()
    except BaseException:
        shutil.rmtree(out, ignore_errors=True)
        raise
    return exercise


@dataclass(frozen=True, slots=True)
class ExerciseDocs:
    """An exercise's manifest and answer key, with their items by id (read-only)."""

    manifest: Mapping[str, Any]
    answer_key: Mapping[str, Any]
    items: Mapping[str, Mapping[str, Any]]
    answers: Mapping[str, Mapping[str, Any]]

    @property
    def item_ids(self) -> list[str]:
        """The items in order."""
        return list(self.items)


_DOCS: OrderedDict[str, ExerciseDocs] = OrderedDict()
_DOCS_LOCK = threading.Lock()
_DOCS_MAX = 64


def exercise_docs(exercise: Exercise) -> ExerciseDocs:
    """The exercise's manifest and key, parsed once per process (an exercise never changes
    after it is created, so a bounded cache by id is safe)."""
    with _DOCS_LOCK:
        docs = _DOCS.get(exercise.id)
        if docs is not None:
            _DOCS.move_to_end(exercise.id)
            return docs
    manifest, key = exercise.manifest, exercise.answer_key  # loads the deferred columns
    docs = ExerciseDocs(
        manifest=manifest,
        answer_key=key,
        items={str(i["id"]): i for i in manifest.get("items", [])},
        answers={str(i["id"]): i for i in key.get("items", [])},
    )
    with _DOCS_LOCK:
        _DOCS[exercise.id] = docs
        while len(_DOCS) > _DOCS_MAX:
            _DOCS.popitem(last=False)
    return docs


def manifest_item(exercise: Exercise, item_id: str) -> Mapping[str, Any]:
    """The manifest entry of an item (404 when the exercise has no such item)."""
    item = exercise_docs(exercise).items.get(item_id)
    if item is None:
        raise ApiError(404, f"no item {item_id!r} in this exercise")
    return item


def item_answer(exercise: Exercise, item_id: str) -> Mapping[str, Any]:
    """The answer-key entry of an item."""
    item = exercise_docs(exercise).answers.get(item_id)
    if item is None:
        raise ApiError(404, f"no item {item_id!r} in this exercise")
    return item


def item_views(exercise: Exercise, item_id: str) -> list[str]:
    """The views of an item that the exercise's level allows, with files to serve."""
    files = manifest_item(exercise, item_id).get("files", {})
    names = [n for n, rel in files.items() if Path(str(rel)).suffix.lower() in _IMAGE_TYPES]
    return allowed_views(exercise.level, names)


def view_path(settings: Settings, exercise: Exercise, item_id: str,
              view: str) -> tuple[Path, str]:
    """The file of an allowed view and its media type (404 otherwise)."""
    if view not in item_views(exercise, item_id):
        raise ApiError(404, f"no view {view!r} for this item at this level")
    rel = str(manifest_item(exercise, item_id)["files"][view])
    root = (settings.data_dir / exercise.directory).resolve()
    path = (root / rel).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        raise ApiError(404, f"the file of view {view!r} is missing")
    return path, _IMAGE_TYPES[path.suffix.lower()]


def package_files(exercise: Exercise) -> dict[str, str]:
    """The exercise-wide files of the trainee package by name (reference sheets, alert
    lists), without the registry extract, which trainees query rather than read."""
    files = exercise_docs(exercise).manifest.get("files") or {}
    return {str(k): str(v) for k, v in files.items() if k != "registry"}


def package_file(settings: Settings, exercise: Exercise, rel: str) -> tuple[Path, str]:
    """A file of the trainee package outside the items' folders (a reference sheet and its
    images, an alert list) and its media type; 404 for anything else, the registry extract
    and the manifest included (views are served per item, by level)."""
    root = (settings.data_dir / exercise.directory).resolve()
    path = (root / rel).resolve()
    inside = path.is_relative_to(root) and path.is_file()
    parts = path.relative_to(root).parts if inside else ()
    if (not parts or parts[0] in exercise_docs(exercise).items
            or path == registry_file(settings, exercise) or parts == ("manifest.json",)):
        raise ApiError(404, f"no file {rel!r} in this exercise")
    media = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return path, media


def registry_file(settings: Settings, exercise: Exercise) -> Path | None:
    """The exercise's registry extract, if it has one."""
    rel = (exercise_docs(exercise).manifest.get("files") or {}).get("registry")
    if not rel:
        return None
    root = (settings.data_dir / exercise.directory).resolve()
    path = (root / str(rel)).resolve()
    return path if path.is_relative_to(root) and path.is_file() else None


def feedback_entry(defect: Mapping[str, Any], language: str,
                   views: Iterable[str]) -> dict[str, Any]:
    """A defect as feedback shows it: regions in the trainee's views, explanation, terms."""
    from docsec.scoring import key_regions

    fb = defect.get("feedback") or {}
    regions = {v: key_regions(defect, v) for v in views}
    return {
        "id": defect.get("id"),
        "explanation": fb.get(language) or fb.get("en") or "",
        "prado": defect.get("prado"),
        "forgery_type": defect.get("forgery_type"),
        "reveal_views": defect.get("reveal_views") or defect.get("views") or [],
        "action": defect.get("action"),
        "regions": {v: [[list(p) for p in poly] for poly in polys]
                    for v, polys in regions.items() if polys},
    }


def scenario_entry(scenario_id: object, language: str) -> dict[str, Any] | None:
    """A forgery scenario as feedback shows it: its id, type, action and explanation."""
    if not scenario_id:
        return None
    from docsec.generate.defects import scenarios

    entry: dict[str, Any] = {"id": str(scenario_id)}
    spec = scenarios().get(str(scenario_id))
    if spec is not None:
        fb = dict(spec.feedback)
        entry.update(forgery_type=spec.forgery_type, action=spec.action,
                     explanation=fb.get(language) or fb.get("en") or "")
    return entry


# ---------------------------------------------------------------- results


def visible_submissions(session: Session, viewer: User, *, exercise_id: str | None = None,
                        cohort_id: str | None = None,
                        trainee: str | None = None) -> list[tuple[Submission, Assignment]]:
    """Submissions the viewer may see (admin: all; instructor: of their own exercises)."""
    stmt = (select(Submission, Assignment)
            .join(Assignment, Submission.assignment_id == Assignment.id)
            .join(Exercise, Assignment.exercise_id == Exercise.id))
    if viewer.role != "admin":
        stmt = stmt.where(Exercise.owner_id == viewer.id)
    if exercise_id is not None:
        ex = session.get(Exercise, exercise_id) if is_public_id(exercise_id) else None
        if ex is None or (viewer.role != "admin" and ex.owner_id != viewer.id):
            raise ApiError(404, "no such exercise")
        stmt = stmt.where(Assignment.exercise_id == exercise_id)
    if cohort_id is not None:
        cohort = session.get(Cohort, cohort_id) if is_public_id(cohort_id) else None
        if cohort is None or (viewer.role != "admin" and cohort.instructor_id != viewer.id):
            raise ApiError(404, "no such cohort")
        members = select(CohortMember.trainee_id).where(CohortMember.cohort_id == cohort_id)
        stmt = stmt.where(Assignment.trainee_id.in_(members))
    if trainee is not None:
        stmt = stmt.join(User, Assignment.trainee_id == User.id).where(User.username == trainee)
    stmt = stmt.order_by(Submission.submitted_at)
    return [(s, a) for s, a in session.execute(stmt).all()]


def results_rows(pairs: Sequence[tuple[Submission, Assignment]]) -> list[dict[str, Any]]:
    """One flat row per submission."""
    rows = []
    for sub, asg in pairs:
        r = sub.result
        rows.append({
            "trainee": asg.trainee.username,
            "exercise_id": asg.exercise_id,
            "assignment_id": asg.id,
            "item_id": sub.item_id,
            "submitted_at": sub.submitted_at.isoformat(),
            "decision": sub.decision,
            "signal": r["signal"],
            "outcome": r["outcome"],
            "score": r["score"],
            "time_spent_s": sub.time_spent_s,
            "over_time": r.get("over_time", False),
            "defects": r["defects"],
            "caught": [c["id"] for c in r["caught"]],
            "located": [c["id"] for c in r["caught"] if c["located"]],
            "missed": r["missed"],
            "false_findings": [f["id"] for f in r["false_findings"]],
            "_result": r,
        })  # fmt: skip
    return rows


def grouped(rows: Sequence[Mapping[str, Any]], key: str) -> list[dict[str, Any]]:
    """Summaries (counts, hit and false-alarm rates, d′, c, median time) per value of key."""
    groups: dict[Any, list[Mapping[str, Any]]] = {}
    for r in rows:
        groups.setdefault(r[key], []).append(r["_result"])
    return [{key: k, **summarize(v).to_dict()} for k, v in sorted(groups.items())]


def by_defect(rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Per planted defect: how often it was caught, located and missed."""
    stats: dict[str, dict[str, int]] = {}
    for r in rows:
        for d in r["defects"]:
            s = stats.setdefault(d, {"planted": 0, "caught": 0, "located": 0, "missed": 0})
            s["planted"] += 1
            s["caught"] += d in r["caught"]
            s["located"] += d in r["located"]
            s["missed"] += d in r["missed"]
    return [{"defect": d, **s, "catch_rate": s["caught"] / s["planted"]}
            for d, s in sorted(stats.items())]
