"""Hostile and malformed input on the training routes gets a precise 4xx in the JSON shape
(never a 500, on SQLite or PostgreSQL), and what was stored survives a restart."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from service.app import create_app
from service.settings import Settings


@pytest.fixture
def setup(client: TestClient, make_account) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    inst, tr = make_account("instructor", "ana"), make_account("trainee", "tom")
    ex = client.post("/api/v1/exercises", json={"topic": "document", "count": 1, "dpi": 100},
                     headers=inst.headers).json()["id"]
    asg = client.post(f"/api/v1/exercises/{ex}/assignments", json={"trainees": ["tom"]},
                      headers=inst.headers).json()[0]["id"]
    return {"inst": inst.headers, "tr": tr.headers, "ex": ex, "asg": asg,
            "admin": make_account("admin").headers}


def _check(resp, *allowed: int) -> None:  # type: ignore[no-untyped-def]
    assert resp.status_code in allowed, (resp.request.url, resp.status_code, resp.text[:200])
    if resp.status_code >= 400:
        body = resp.json()
        assert set(body) == {"error"} and body["error"]["code"] and body["error"]["message"]


def test_malformed_ids_and_names(client: TestClient, setup: dict[str, Any]) -> None:
    inst, tr, admin = setup["inst"], setup["tr"], setup["admin"]
    for bad in ("%00", "x" * 500, "0" * 32, "%E2%80%AE", "..", "%27%3B--"):
        _check(client.get(f"/api/v1/exercises/{bad}", headers=inst), 404)
        _check(client.get(f"/api/v1/cohorts/{bad}", headers=inst), 404)
        _check(client.get(f"/api/v1/assignments/{bad}", headers=tr), 404)
        _check(client.post(f"/api/v1/users/{bad}/api-keys", headers=admin), 404)
        _check(client.get(f"/api/v1/results?exercise={bad}", headers=inst), 404, 422)
        _check(client.get(f"/api/v1/results?trainee={bad}", headers=inst), 200, 422)
    _check(client.post("/api/v1/auth/token", data={"username": "a\x00b", "password": "x"}), 401)
    _check(client.post("/api/v1/auth/token", data={"username": "é" * 300, "password": "x"}), 401)
    for body in ({"name": "a\x00b"}, {"name": ""}, {"name": "x", "trainees": ["a\x00"]},
                 {"name": "x", "trainees": ["nobody"]}, {"name": 5}, [], "x"):
        _check(client.post("/api/v1/cohorts", json=body, headers=inst), 422)
    _check(client.post("/api/v1/cohorts", content=b"{not json", headers={
        **inst, "Content-Type": "application/json"}), 422)


def test_malformed_exercises(client: TestClient, setup: dict[str, Any]) -> None:
    inst = setup["inst"]
    for body in ({"topic": "weather"}, {"topic": "document", "level": 4},
                 {"topic": "document", "count": 0}, {"topic": "document", "count": 10_000},
                 {"topic": "document", "forgery_rate": 1.5},
                 {"topic": "document", "reference_date": "0001-01-01"},
                 {"topic": "document", "reference_date": "not a date"},
                 {"topic": "document", "seed": -1}, {"topic": "document", "seed": 2**64},
                 {"topic": "document", "scenarios": ["a\x00"]},
                 {"topic": "document", "scenarios": ["counterfeit"], "count": 1, "dpi": 100},
                 {"topic": "document", "dpi": 5000}, {"topic": "document", "colour": "red"}):
        _check(client.post("/api/v1/exercises", json=body, headers=inst), 201, 422)
    ex = setup["ex"]
    for body in ({}, {"trainees": ["nobody"]}, {"cohorts": ["0" * 32]}, {"cohorts": ["zz"]},
                 {"trainees": ["ana"]}):  # an instructor is not a trainee
        _check(client.post(f"/api/v1/exercises/{ex}/assignments", json=body, headers=inst),
               404, 422)


def test_malformed_submissions(client: TestClient, setup: dict[str, Any]) -> None:
    tr, asg = setup["tr"], setup["asg"]
    url = f"/api/v1/assignments/{asg}/items/item-001/submission"
    raw = [b'{"decision": "accept", "time_spent_s": NaN}',
           b'{"decision": "accept", "time_spent_s": 1, "findings": [{"id": "x", "view": "white",'
           b' "point": [NaN, Infinity]}]}',
           b'{"decision": "accept", "time_spent_s": 1e400}',
           b'{"decision": "accept", "time_spent_s": 1, "findings": [{"id": "a\\u0000b"}]}',
           b'{"decision": "accept", "time_spent_s": 1, "findings": [{"id": "x", "view": "../x"}]}',
           b'{"decision": "accept", "time_spent_s": 1, "findings": ' + b"[" + b",".join(
               [b'{"id": "x"}'] * 51) + b"]}"]
    for body in raw:
        _check(client.post(url, content=body, headers={**tr, "Content-Type": "application/json"}),
               422)
    for item in ("%00", "item-999", "x" * 300):
        _check(client.post(f"/api/v1/assignments/{asg}/items/{item}/submission",
                           json={"decision": "accept", "time_spent_s": 1}, headers=tr), 404)
        _check(client.get(f"/api/v1/assignments/{asg}/items/{item}/views/white", headers=tr),
               404)
    for body in ({"vin": "\x00" * 17}, {"plate": "'; DROP TABLE users; --"},
                 {"engine": "é" * 64}, {"vin": "A" * 65}, {"last": "1234567", "limit": 0}):
        _check(client.post("/api/v1/registry/search", json={**body, "assignment_id": asg},
                           headers=tr), 200, 404, 422)


def test_numbers_and_flags_as_json_gives_them(client: TestClient, setup: dict[str, Any]) -> None:
    inst, tr, asg = setup["inst"], setup["tr"], setup["asg"]
    for body in ({"topic": "document", "count": "1"}, {"topic": "document", "count": True},
                 {"topic": "document", "seed": 1.5}, {"topic": "document", "forgery_rate": "0.5"},
                 {"topic": "document", "reference_date": 1700000000}):
        _check(client.post("/api/v1/exercises", json=body, headers=inst), 422)
    url = f"/api/v1/assignments/{asg}/items/item-001/submission"
    for body in ({"decision": "accept", "time_spent_s": "5"},
                 {"decision": "accept", "time_spent_s": False},
                 {"decision": "accept", "time_spent_s": 1, "findings": [
                     {"id": "x", "view": "white", "point": ["1", 2]}]}):
        _check(client.post(url, json=body, headers=tr), 422)
    _check(client.post("/api/v1/registry/search", json={"plate": "AB123", "fuzzy": "yes"},
                       headers=tr), 422)


def test_method_not_allowed_names_every_method(client: TestClient) -> None:
    r = client.request("OPTIONS", "/api/v1/exercises")
    _check(r, 405)
    assert r.headers["Allow"] == "GET, POST"
    assert client.put("/healthz").headers["Allow"] == "GET"


def test_stored_data_survives_a_restart(settings: Settings, make_account,  # type: ignore[no-untyped-def]
                                        client: TestClient, setup: dict[str, Any]) -> None:
    tr, asg = setup["tr"], setup["asg"]
    r = client.post(f"/api/v1/assignments/{asg}/items/item-001/submission",
                    json={"decision": "refer", "time_spent_s": 7}, headers=tr)
    assert r.status_code == 201
    client.app.state.db.close()  # type: ignore[attr-defined]
    with TestClient(create_app(settings)) as again:
        fb = again.get(f"/api/v1/assignments/{asg}/items/item-001/feedback", headers=tr)
        assert fb.status_code == 200 and fb.json()["decision"] == "refer"
        r = again.post(f"/api/v1/assignments/{asg}/items/item-001/submission",
                       json={"decision": "accept", "time_spent_s": 7}, headers=tr)
        assert r.status_code == 409


def test_csv_cells_never_run_as_formulas(client: TestClient, setup: dict[str, Any],
                                         make_account) -> None:  # type: ignore[no-untyped-def]
    at = make_account("trainee", "@SUM")
    aid = client.post(f"/api/v1/exercises/{setup['ex']}/assignments",
                      json={"trainees": ["@SUM"]}, headers=setup["inst"]).json()[0]["id"]
    assert client.post(f"/api/v1/assignments/{aid}/items/item-001/submission",
                       json={"decision": "accept", "time_spent_s": 1},
                       headers=at.headers).status_code == 201
    text = client.get("/api/v1/results?format=csv", headers=setup["inst"]).text
    assert "\n'@SUM," in text and "\n@SUM" not in text


def test_a_deployment_caps_exercise_size(settings: Settings, make_account) -> None:  # type: ignore[no-untyped-def]
    inst = make_account("instructor", "ana").headers  # the same database and signing key
    app = create_app(settings.model_copy(update={"exercise_max_items": 1}))
    with TestClient(app) as c:
        r = c.post("/api/v1/exercises", json={"topic": "document", "count": 2, "dpi": 100},
                   headers=inst)
        _check(r, 422)
        assert r.json()["error"]["code"] == "too_many_items"
        assert not any(settings.exercises_dir.glob("*/trainee"))  # refused before any work
