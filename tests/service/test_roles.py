"""Every training route against every role: who gets through, who gets 401, 403 or 404.

Trainees never reach answer keys, other trainees' assignments or unsubmitted feedback; labs
never reach training data; instructors reach only their own cohorts and exercises (another
instructor's answer 404, as if they did not exist). The lab routes have their own tests.
"""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from service.auth import issue_api_key
from service.models import User

ROLES = ("anon", "admin", "inst_a", "inst_b", "trainee_1", "trainee_2", "lab_key", "lab_token")
OWN_ROUTES = ("/api/v1/check", "/api/v1/jobs")  # the lab routes: tested in test_lab*.py


@pytest.fixture
def world(client: TestClient, app: FastAPI, make_account) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    acc = {
        "admin": make_account("admin", "root"),
        "inst_a": make_account("instructor", "ana"),
        "inst_b": make_account("instructor", "boris"),
        "trainee_1": make_account("trainee", "tom"),
        "trainee_2": make_account("trainee", "tanya"),
        "lab_token": make_account("lab", "lab1"),
    }
    with app.state.db.session() as s:
        key = issue_api_key(s, s.get(User, acc["lab_token"].id), 10_000)
    headers = {name: a.headers for name, a in acc.items()}
    headers["anon"] = {}
    headers["lab_key"] = {"X-API-Key": key}
    a = headers["inst_a"]
    cohort = client.post("/api/v1/cohorts", json={"name": "c", "trainees": ["tom"]},
                         headers=a).json()["id"]
    ex = client.post("/api/v1/exercises", json={"topic": "mixed", "count": 2, "dpi": 100,
                                                 "level": 2, "seed": 3}, headers=a).json()["id"]
    asg = client.post(f"/api/v1/exercises/{ex}/assignments", json={"cohorts": [cohort]},
                      headers=a).json()[0]["id"]
    r = client.post(f"/api/v1/assignments/{asg}/items/item-001/submission",
                    json={"decision": "accept", "time_spent_s": 3}, headers=headers["trainee_1"])
    assert r.status_code == 201
    files = client.get(f"/api/v1/assignments/{asg}", headers=headers["trainee_1"]).json()["files"]
    assert files, "the exercise has exercise-wide files"
    return {"h": headers, "cohort": cohort, "ex": ex, "asg": asg,
            "file": next(iter(files.values()))}


def _cases(w: dict[str, Any]) -> list[tuple[str, str, str, Any, dict[str, int]]]:
    """(method, route template, url, json body, expected status per role; default 403)."""
    names = (f"user{i}" for i in itertools.count())
    inst = {"admin": 200, "inst_a": 200, "inst_b": 200}
    own = {"admin": 200, "inst_a": 200, "inst_b": 404}
    mine = {"trainee_1": 200, "trainee_2": 404}
    c, ex, asg = w["cohort"], w["ex"], w["asg"]
    item = f"/api/v1/assignments/{asg}/items/item-001"
    return [
        ("GET", "/api/v1/auth/me", "/api/v1/auth/me", None,
         {r: 200 for r in ROLES if r not in ("anon", "lab_key")}),
        ("PATCH", "/api/v1/auth/me", "/api/v1/auth/me", {"language": "en"},
         {r: 200 for r in ROLES if r not in ("anon", "lab_key")}),
        ("GET", "/api/v1/users", "/api/v1/users", None, {"admin": 200}),
        ("PATCH", "/api/v1/users/{username}", "/api/v1/users/tanya", {"language": "ru"},
         {"admin": 200}),
        ("POST", "/api/v1/users", "/api/v1/users",
         lambda: {"username": next(names), "role": "trainee"}, {"admin": 201}),
        ("POST", "/api/v1/users/{username}/api-keys", "/api/v1/users/lab1/api-keys", None,
         {"admin": 201}),
        ("POST", "/api/v1/cohorts", "/api/v1/cohorts", lambda: {"name": next(names)},
         {"admin": 201, "inst_a": 201, "inst_b": 201}),
        ("GET", "/api/v1/cohorts", "/api/v1/cohorts", None, inst),
        ("GET", "/api/v1/cohorts/{cohort_id}", f"/api/v1/cohorts/{c}", None, own),
        ("POST", "/api/v1/cohorts/{cohort_id}/members", f"/api/v1/cohorts/{c}/members",
         {"trainees": ["tanya"]}, own),
        ("POST", "/api/v1/exercises", "/api/v1/exercises",
         {"topic": "document", "count": 1, "dpi": 100}, {"admin": 201, "inst_a": 201,
                                                         "inst_b": 201}),
        ("GET", "/api/v1/exercises", "/api/v1/exercises", None, inst),
        ("GET", "/api/v1/exercises/{exercise_id}", f"/api/v1/exercises/{ex}", None, own),
        ("GET", "/api/v1/exercises/{exercise_id}/answer-key",
         f"/api/v1/exercises/{ex}/answer-key", None, own),
        ("POST", "/api/v1/exercises/{exercise_id}/assignments",
         f"/api/v1/exercises/{ex}/assignments", {"trainees": ["tanya"]},
         {"admin": 201, "inst_a": 201, "inst_b": 404}),
        ("GET", "/api/v1/exercises/{exercise_id}/assignments",
         f"/api/v1/exercises/{ex}/assignments", None, own),
        ("GET", "/api/v1/results", "/api/v1/results", None, inst),
        ("GET", "/api/v1/assignments", "/api/v1/assignments", None,
         {"trainee_1": 200, "trainee_2": 200}),
        ("GET", "/api/v1/assignments/{assignment_id}", f"/api/v1/assignments/{asg}", None,
         mine),
        ("GET", "/api/v1/assignments/{assignment_id}/items/{item_id}", item, None, mine),
        ("GET", "/api/v1/assignments/{assignment_id}/files/{path}", w["file"], None, mine),
        ("GET", "/api/v1/assignments/{assignment_id}/items/{item_id}/views/{view}",
         f"{item}/views/white", None, mine),
        ("GET", "/api/v1/assignments/{assignment_id}/items/{item_id}/feedback",
         f"{item}/feedback", None, mine),
        ("POST", "/api/v1/assignments/{assignment_id}/items/{item_id}/submission",
         f"/api/v1/assignments/{asg}/items/item-002/submission",
         {"decision": "refer", "time_spent_s": 9}, {"trainee_1": 201, "trainee_2": 404}),
        ("POST", "/api/v1/registry/search", "/api/v1/registry/search",
         {"plate": "UT 1234 A", "assignment_id": asg},
         {"trainee_1": 200, "trainee_2": 404, "admin": 422, "inst_a": 422, "inst_b": 422}),
    ]


def test_every_route_and_role(client: TestClient, app: FastAPI, world: dict[str, Any]) -> None:
    cases = _cases(world)
    covered = {(m, t) for m, t, *_ in cases}
    paths = app.openapi()["paths"]
    routes = {(m.upper(), p) for p, ops in paths.items() for m in ops
              if p.startswith("/api/v1") and not p.startswith(OWN_ROUTES)
              and p != "/api/v1/auth/token"}
    assert len(routes) >= 20 and routes == covered, routes ^ covered
    failures = []
    for method, template, url, body, allowed in cases:
        for role in ROLES:
            expected = allowed.get(role, 401 if role in ("anon", "lab_key") else 403)
            payload = body() if callable(body) else body
            resp = client.request(method, url, json=payload, headers=world["h"][role])
            if resp.status_code != expected:
                failures.append(f"{method} {template} as {role}: {resp.status_code} "
                                f"(expected {expected}) {resp.text[:120]}")
            if resp.status_code >= 400:
                assert set(resp.json()) == {"error"}
            if role.startswith("trainee") and resp.status_code < 300 \
                    and "json" in resp.headers.get("content-type", "") \
                    and not template.endswith("/feedback"):  # feedback: after submitting
                text = resp.text
                assert "defects" not in text and "genuine" not in text and "seed" not in text, (
                    f"{template} shows answers to a trainee")
    assert not failures, "\n".join(failures)
