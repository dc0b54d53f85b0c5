"""Instructors and trainees end to end: exercises, cohorts, assignments, views, submissions,
feedback, results and registry searches, with every tenant boundary checked."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from fastapi.testclient import TestClient

EXERCISE = {"topic": "mixed", "level": 2, "count": 3, "forgery_rate": 0.67, "seed": 5,
            "dpi": 100, "time_limit_s": 120}


def _centre(poly: list[list[float]]) -> list[float]:
    xs, ys = zip(*poly, strict=True)
    return [sum(xs) / len(xs), sum(ys) / len(ys)]


@pytest.fixture
def world(client: TestClient, make_account) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    w: dict[str, Any] = {
        "a": make_account("instructor", "ana"),
        "b": make_account("instructor", "boris"),
        "t1": make_account("trainee", "tom"),
        "t2": make_account("trainee", "tanya", language="ru"),
        "lab": make_account("lab", "lab1"),
        "admin": make_account("admin", "root"),
    }
    h = w["a"].headers
    resp = client.post("/api/v1/cohorts", json={"name": "spring", "trainees": ["tom", "tanya"]},
                       headers=h)
    assert resp.status_code == 201, resp.text
    w["cohort"] = resp.json()["id"]
    resp = client.post("/api/v1/exercises", json=EXERCISE, headers=h)
    assert resp.status_code == 201, resp.text
    w["exercise"] = resp.json()
    w["key"] = client.get(f"/api/v1/exercises/{w['exercise']['id']}/answer-key", headers=h).json()
    resp = client.post(f"/api/v1/exercises/{w['exercise']['id']}/assignments",
                       json={"cohorts": [w["cohort"]]}, headers=h)
    assert resp.status_code == 201, resp.text
    w["assignments"] = {a["trainee"]: a["id"] for a in resp.json()}
    return w


def test_exercise_is_generated_and_kept_from_trainees(client: TestClient, world, app) -> None:  # type: ignore[no-untyped-def]
    ex, key = world["exercise"], world["key"]
    assert ex["items"] == ["item-001", "item-002", "item-003"] and ex["seed"] == 5
    assert len(key["items"]) == 3 and sum(not i["genuine"] for i in key["items"]) == 2
    eid = ex["id"]
    # the answer key: its instructor and admins only
    assert client.get(f"/api/v1/exercises/{eid}/answer-key",
                      headers=world["admin"].headers).status_code == 200
    for who, status in (("b", 404), ("t1", 403), ("lab", 403)):
        assert client.get(f"/api/v1/exercises/{eid}/answer-key",
                          headers=world[who].headers).status_code == status, who
    assert client.get(f"/api/v1/exercises/{eid}/answer-key").status_code == 401
    # the key file is not among the files served to trainees
    root = app.state.settings.data_dir
    trainee_root = root / app.state.db.sessions().get(
        __import__("service.models", fromlist=["Exercise"]).Exercise, eid).directory
    assert not (trainee_root / "answer_key.json").exists()
    assert client.get("/api/v1/exercises", headers=world["b"].headers).json() == []


def test_trainee_sees_own_assignment_and_level_views(client: TestClient, world) -> None:  # type: ignore[no-untyped-def]
    t1 = world["t1"].headers
    mine = client.get("/api/v1/assignments", headers=t1).json()
    assert [a["id"] for a in mine] == [world["assignments"]["tom"]]
    aid = mine[0]["id"]
    detail = client.get(f"/api/v1/assignments/{aid}", headers=t1).json()
    assert detail["registry"] is True and len(detail["item_list"]) == 3
    views = detail["item_list"][1]["views"]
    assert {"white", "uv365", "ir", "capture_white"} <= set(views)  # level 2: IR given
    img = client.get(views["white"], headers=t1)
    assert img.status_code == 200 and img.headers["content-type"] == "image/png"
    assert img.content[:8] == b"\x89PNG\r\n\x1a\n"
    for bad in ("answer_key.json", "..%2F..%2Finstructor%2Fanswer_key.json", "mag_rainbow", "nope"):
        r = client.get(f"/api/v1/assignments/{aid}/items/item-002/views/{bad}", headers=t1)
        assert r.status_code == 404, bad
    # another trainee, an instructor, a lab: not this assignment
    assert client.get(f"/api/v1/assignments/{aid}", headers=world["t2"].headers).status_code == 404
    for who in ("a", "lab", "admin"):
        assert client.get(f"/api/v1/assignments/{aid}",
                          headers=world[who].headers).status_code == 403, who


def test_level_one_hides_second_line_lights(client: TestClient, world) -> None:  # type: ignore[no-untyped-def]
    h = world["a"].headers
    ex = client.post("/api/v1/exercises", json={**EXERCISE, "level": 1, "count": 1},
                     headers=h).json()
    client.post(f"/api/v1/exercises/{ex['id']}/assignments", json={"trainees": ["tom"]},
                headers=h)
    mine = client.get("/api/v1/assignments", headers=world["t1"].headers).json()
    aid = next(a["id"] for a in mine if a["exercise_id"] == ex["id"])
    views = client.get(f"/api/v1/assignments/{aid}/items/item-001",
                       headers=world["t1"].headers).json()["views"]
    assert "white" in views and not {"ir", "transmitted", "tilt_1"} & set(views)
    r = client.get(f"/api/v1/assignments/{aid}/items/item-001/views/ir",
                   headers=world["t1"].headers)
    assert r.status_code == 404


def _forged(key: dict[str, Any]) -> dict[str, Any]:
    return next(i for i in key["items"] if not i["genuine"]
                and any(len(r["polygon_xy"]) >= 3 for r in i["defects"][0]["regions"]))


def test_submission_feedback_and_finality(client: TestClient, world) -> None:  # type: ignore[no-untyped-def]
    t1, aid = world["t1"].headers, world["assignments"]["tom"]
    item = _forged(world["key"])
    defect = item["defects"][0]
    region = next(r for r in defect["regions"] if len(r["polygon_xy"]) >= 3)
    view = {"front": "white", "back": "white_back"}.get(region["space"], region["space"])
    base = f"/api/v1/assignments/{aid}/items/{item['id']}"
    r = client.get(f"{base}/feedback", headers=t1)
    assert r.status_code == 409 and r.json()["error"]["code"] == "not_submitted"
    body = {"decision": "reject", "time_spent_s": 42.5,
            "findings": [{"id": defect["id"], "view": view,
                          "point": _centre(region["polygon_xy"])},
                         {"id": "feature.made_up", "view": "white"}]}
    r = client.post(f"{base}/submission", json=body, headers=t1)
    assert r.status_code == 201, r.text
    again = client.post(f"{base}/submission", json={**body, "decision": "accept"}, headers=t1)
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_submitted"
    fb = client.get(f"{base}/feedback", headers=t1).json()
    assert fb["outcome"] == "hit" and fb["decision"] == "reject" and not fb["genuine"]
    assert fb["caught"][0]["id"] == defect["id"] and fb["caught"][0]["located"] is True
    assert fb["caught"][0]["explanation"] == defect["feedback"]["en"]
    assert fb["caught"][0]["regions"][view]
    assert fb["false_findings"] == [{"id": "feature.made_up", "view": "white"}]
    assert fb["score"] == 90.0 and fb["missed"] == []
    # others never reach this feedback
    assert client.get(f"{base}/feedback", headers=world["t2"].headers).status_code == 404
    assert client.get(f"{base}/feedback", headers=world["a"].headers).status_code == 403


def test_feedback_in_the_trainees_language_and_missed_defects(client: TestClient, world) -> None:  # type: ignore[no-untyped-def]
    t2, aid = world["t2"].headers, world["assignments"]["tanya"]
    item = _forged(world["key"])
    base = f"/api/v1/assignments/{aid}/items/{item['id']}"
    r = client.post(f"{base}/submission", json={"decision": "accept", "time_spent_s": 300},
                    headers=t2)
    assert r.status_code == 201
    fb = client.get(f"{base}/feedback", headers=t2).json()
    assert fb["outcome"] == "miss" and fb["score"] == 0.0 and fb["over_time"] is True
    assert fb["missed"][0]["explanation"] == item["defects"][0]["feedback"]["ru"]
    assert fb["expected"] and "accept" not in fb["expected"]


def test_bad_submissions_are_refused_and_store_nothing(client: TestClient, world) -> None:  # type: ignore[no-untyped-def]
    t1, aid = world["t1"].headers, world["assignments"]["tom"]
    base = f"/api/v1/assignments/{aid}/items/item-001"
    bad = [
        {"decision": "maybe", "time_spent_s": 1},
        {"decision": "accept", "time_spent_s": -1},
        {"decision": "accept"},
        {"decision": "accept", "time_spent_s": 1, "findings": [{"id": "x", "view": "mag_rainbow"}]},
        {"decision": "accept", "time_spent_s": 1, "findings": [{"id": "x", "point": [1, 2]}]},
        {"decision": "accept", "time_spent_s": 1, "findings": [{"id": "x", "box": [1, 2]}]},
        {"decision": "accept", "time_spent_s": 1, "extra": True},
    ]
    for body in bad:
        r = client.post(f"{base}/submission", json=body, headers=t1)
        assert r.status_code == 422 and set(r.json()) == {"error"}, body
    r = client.post(f"/api/v1/assignments/{aid}/items/item-999/submission",
                    json={"decision": "accept", "time_spent_s": 1}, headers=t1)
    assert r.status_code == 404
    assert client.get(f"{base}/feedback", headers=t1).status_code == 409
    assert client.post(f"{base}/submission", json={"decision": "accept", "time_spent_s": 1},
                       headers=t1).status_code == 201


def test_results_and_cohort_statistics(client: TestClient, world) -> None:  # type: ignore[no-untyped-def]
    key = world["key"]
    for who in ("t1", "t2"):
        aid = world["assignments"]["tom" if who == "t1" else "tanya"]
        for item in key["items"]:
            decision = "reject" if (who == "t1" and not item["genuine"]) else "accept"
            r = client.post(f"/api/v1/assignments/{aid}/items/{item['id']}/submission",
                            json={"decision": decision, "time_spent_s": 10 + len(item["id"])},
                            headers=world[who].headers)
            assert r.status_code == 201
    h = world["a"].headers
    res = client.get(f"/api/v1/results?cohort={world['cohort']}", headers=h).json()
    overall = res["overall"]
    assert (overall["items"], overall["signals"], overall["hits"], overall["noise"],
            overall["false_alarms"]) == (6, 4, 2, 2, 0)
    assert overall["hit_rate"] == 0.5 and overall["false_alarm_rate"] == 0.0
    assert overall["d_prime"] == pytest.approx(0.967, abs=1e-3)  # z(2.5/5) - z(0.5/3)
    assert overall["median_time_s"] == 18.0
    by_trainee = {r["trainee"]: r for r in res["by_trainee"]}
    assert by_trainee["tom"]["hits"] == 2 and by_trainee["tanya"]["hits"] == 0
    assert len(res["by_item"]) == 3 and res["by_defect"][0]["planted"] == 2
    csv_resp = client.get("/api/v1/results?format=csv", headers=h)
    assert csv_resp.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(csv_resp.text)))
    assert len(rows) == 6 and {r["trainee"] for r in rows} == {"tom", "tanya"}
    # another instructor sees none of it and cannot name the cohort
    b = world["b"].headers
    assert client.get("/api/v1/results", headers=b).json()["overall"]["items"] == 0
    assert client.get(f"/api/v1/results?cohort={world['cohort']}", headers=b).status_code == 404
    eid = world["exercise"]["id"]
    assert client.get(f"/api/v1/results?exercise={eid}", headers=b).status_code == 404
    mine = client.get(f"/api/v1/results?exercise={eid}&trainee=tom&format=csv", headers=h)
    assert len(mine.text.strip().splitlines()) == 1 + 3
    assert client.get(f"/api/v1/cohorts/{world['cohort']}", headers=b).status_code == 404
    assert client.get("/api/v1/results", headers=world["t1"].headers).status_code == 403
    assert client.get("/api/v1/results", headers=world["lab"].headers).status_code == 403


def test_registry_search_in_the_exercise_extract(client: TestClient, world, app) -> None:  # type: ignore[no-untyped-def]
    h = world["a"].headers
    ex = client.post("/api/v1/exercises", json={"topic": "vehicle", "count": 1, "dpi": 100},
                     headers=h).json()
    aid = client.post(f"/api/v1/exercises/{ex['id']}/assignments", json={"trainees": ["tom"]},
                      headers=h).json()[0]["id"]
    from service.models import Exercise

    with app.state.db.session() as s:
        folder = app.state.settings.data_dir / s.get(Exercise, ex["id"]).directory
    row = next(csv.DictReader(io.StringIO((folder / "registry.csv").read_text())))
    t1 = world["t1"].headers
    for query in ({"vin": row["vin"]}, {"last": row["vin"][-8:]}, {"plate": row["plate"]}):
        r = client.post("/api/v1/registry/search", json={**query, "assignment_id": aid},
                        headers=t1)
        assert r.status_code == 200, r.text
        answer = r.json()
        assert answer["advice"] and row["vin"] in [m["record"]["vin"] for m in answer["hits"]]
    for body in ({"vin": row["vin"], "plate": "X"}, {}, {"last": "123"}):
        r = client.post("/api/v1/registry/search", json={**body, "assignment_id": aid},
                        headers=t1)
        assert r.status_code == 422, body
    r = client.post("/api/v1/registry/search", json={"vin": row["vin"], "assignment_id": aid},
                    headers=world["t2"].headers)
    assert r.status_code == 404  # not her assignment
    assert client.post("/api/v1/registry/search", json={"vin": row["vin"]},
                       headers=world["lab"].headers).status_code == 403
    # the service's registry: 503 until one exists, then searched (seeded with the mock list)
    r = client.post("/api/v1/registry/search", json={"vin": row["vin"]}, headers=t1)
    assert r.status_code == 503 and r.json()["error"]["code"] == "registry_unavailable"
    from typer.testing import CliRunner

    from docsec.cli import app as cli
    from docsec.registry.mock import make_records

    target = app.state.settings.registry_target
    seeded = CliRunner().invoke(cli, ["registry", "seed", "--records", "50", "--seed", "1",
                                      "--registry", target])
    assert seeded.exit_code == 0, seeded.output
    rec = next(iter(make_records(50, seed=1)))
    r = client.post("/api/v1/registry/search", json={"vin": rec.vin}, headers=t1)
    assert r.status_code == 200 and r.json()["hits"][0]["record"]["vin"] == rec.vin
    # a near miss (a character that is no look-alike) is another vehicle unless asked for
    swap = "7" if rec.vin[12] != "7" else "3"
    other = rec.vin[:12] + swap + rec.vin[13:]
    plain = client.post("/api/v1/registry/search", json={"vin": other}, headers=t1).json()
    assert rec.vin not in [m["record"]["vin"] for m in plain["hits"]]
    asked = client.post("/api/v1/registry/search", json={"vin": other, "near": True},
                        headers=t1).json()
    assert [m["match"] for m in asked["hits"] if m["record"]["vin"] == rec.vin] == ["near"]


def test_concurrent_submissions_store_one_answer_per_item(client: TestClient, world) -> None:  # type: ignore[no-untyped-def]
    from concurrent.futures import ThreadPoolExecutor

    t1, aid = world["t1"].headers, world["assignments"]["tom"]

    def submit(k: int) -> int:
        item = f"item-00{1 + k % 3}"
        body = {"decision": ("accept", "refer", "reject")[k % 3], "time_spent_s": k}
        return client.post(f"/api/v1/assignments/{aid}/items/{item}/submission", json=body,
                           headers=t1).status_code

    with ThreadPoolExecutor(8) as pool:
        codes = list(pool.map(submit, range(24)))
    assert sorted(codes) == [201] * 3 + [409] * 21
    detail = client.get(f"/api/v1/assignments/{aid}", headers=t1).json()
    assert detail["submitted"] == 3 and all(i["submitted"] for i in detail["item_list"])


def test_exercise_of_forgery_scenarios(client: TestClient, make_account) -> None:  # type: ignore[no-untyped-def]
    h = make_account("instructor").headers
    body = {"topic": "document", "level": 2, "count": 2, "forgery_rate": 1.0, "dpi": 100,
            "scenarios": ["counterfeit.colour_copy"]}
    r = client.post("/api/v1/exercises", json=body, headers=h)
    assert r.status_code == 201, r.text
    ex = r.json()
    assert ex["scenarios"] == ["counterfeit.colour_copy"]
    key = client.get(f"/api/v1/exercises/{ex['id']}/answer-key", headers=h).json()
    assert all(len(i["defects"]) >= 2 for i in key["items"])  # a scenario: several symptoms
    tom = make_account("trainee", "tomas", language="ru")
    aid = client.post(f"/api/v1/exercises/{ex['id']}/assignments", json={"trainees": ["tomas"]},
                      headers=h).json()[0]["id"]
    base = f"/api/v1/assignments/{aid}/items/item-001"
    assert client.post(f"{base}/submission", json={"decision": "reject", "time_spent_s": 60},
                       headers=tom.headers).status_code == 201
    fb = client.get(f"{base}/feedback", headers=tom.headers).json()
    assert fb["scenario"]["id"] == "counterfeit.colour_copy" and fb["outcome"] == "hit"
    assert fb["expected"] == [key["items"][0]["expected_action"]]
    assert "УФ" in fb["scenario"]["explanation"] and len(fb["missed"]) >= 2
    r = client.post("/api/v1/exercises", json={**body, "scenarios": ["no.such.scenario"]},
                    headers=h)
    assert r.status_code == 422 and "no.such.scenario" in r.json()["error"]["message"]


def test_level_three_reference_sheets_and_alert_lists(client: TestClient, make_account) -> None:  # type: ignore[no-untyped-def]
    h = make_account("instructor").headers
    tom = make_account("trainee", "tomek")
    ex = client.post("/api/v1/exercises", json={"topic": "document", "level": 3, "count": 1,
                                                "dpi": 100}, headers=h).json()
    aid = client.post(f"/api/v1/exercises/{ex['id']}/assignments", json={"trainees": ["tomek"]},
                      headers=h).json()[0]["id"]
    files = client.get(f"/api/v1/assignments/{aid}", headers=tom.headers).json()["files"]
    sheets = [url for name, url in files.items() if name.startswith("reference_")]
    assert sheets and "registry" not in files
    page = client.get(sheets[0], headers=tom.headers)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    base = f"/api/v1/assignments/{aid}/files"
    for hidden in ("manifest.json", "registry.csv", "item-001/white.png",
                   "../instructor/answer_key.json", "..%2Finstructor%2Fanswer_key.json",
                   "reference", "nope.txt"):
        assert client.get(f"{base}/{hidden}", headers=tom.headers).status_code == 404, hidden
    other = make_account("trainee", "olga")
    assert client.get(sheets[0], headers=other.headers).status_code == 404
    assert client.get(sheets[0], headers=h).status_code == 403
