"""Document alert lists in the lab API: the deployment's (DOCSEC_ALERTS) and an uploaded one."""

from __future__ import annotations

import base64
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from service.app import create_app
from service.routers.lab import ALERTS_MAX_BYTES, deployment_alerts
from service.settings import Settings
from tests.service.test_lab import WHITE, _is_error, _lab_key, _wait

URL = "/api/v1/check/document"
HEADER = "document_number,issuing_state,document_type,status,date_reported,case_ref\n"
#: The sample's passport (samples/s01: UTO, number L24472024) reported stolen.
LISTED = HEADER + "L24472024,UTO,passport,stolen,2025-11-02,UTO-2025-0000042\n"
#: Two other documents, neither of them the sample's.
OTHERS = (HEADER + "PA1234567,UTO,passport,lost,2025-03-01,UTO-2025-0000001\n"
          "ZB7654321,ZZB,id_card,revoked_fraud,2024-12-24,\n")
FORM = {"reference_date": "2026-01-15", "viz": "false", "level": "1"}


def _alert(report: dict) -> dict:  # type: ignore[type-arg]
    found = [f for f in report["findings"] if f["id"] == "document.alert"]
    assert len(found) == 1, report["findings"]
    return found[0]  # type: ignore[no-any-return]


def _files(alerts: bytes | None = None) -> list[tuple[str, tuple[str, bytes, str]]]:
    files = [("white", ("white.jpg", WHITE, "image/jpeg"))]
    if alerts is not None:
        files.append(("alerts", ("alerts.csv", alerts, "text/csv")))
    return files


@pytest.fixture
def listed_app(settings: Settings, tmp_path: Path) -> Iterator[tuple[TestClient, Path]]:
    """An app whose deployment alert list (DOCSEC_ALERTS) lists the sample's passport."""
    path = tmp_path / "sltd.csv"
    path.write_text(LISTED, encoding="utf-8")
    app = create_app(settings.model_copy(update={"alerts": path}))
    with TestClient(app) as c:
        yield c, path


def test_uploaded_list_is_looked_up(client: TestClient, app: FastAPI) -> None:
    lab = _lab_key(app, "lab-alerts")
    # no list anywhere: the check says so
    plain = client.post(URL, files=_files(), data=FORM, headers=lab)
    assert plain.status_code == 200, plain.text
    assert plain.json()["alert_lists"] is None
    assert _alert(plain.json())["status"] == "not_applicable"
    # a list that names the document: a failing lead, with the record it matched
    hit = client.post(URL, files=_files(LISTED.encode()), data=FORM, headers=lab)
    assert hit.status_code == 200, hit.text
    body = hit.json()
    assert body["alert_lists"] == {"deployment": 0, "uploaded": 1}
    finding = _alert(body)
    assert finding["status"] == "fail" and "stolen" in finding["message"]["en"]
    assert body["verdict"] in ("refer", "reject")


def test_deployment_list_and_an_uploaded_one_are_both_looked_up(
        listed_app: tuple[TestClient, Path]) -> None:
    client, _ = listed_app
    lab = _lab_key(client.app, "lab-dep")  # type: ignore[arg-type]
    # the upload lists other documents: the deployment's hit still counts
    resp = client.post(URL, files=_files(("\ufeff" + OTHERS).encode()), data=FORM, headers=lab)
    assert resp.status_code == 200, resp.text
    assert resp.json()["alert_lists"] == {"deployment": 1, "uploaded": 2}
    assert _alert(resp.json())["status"] == "fail"


@pytest.mark.parametrize(("csv", "line"), [
    (HEADER + "L24472024,UTO,passport,stolen,2025-11-02,\nL1,UTO,passport,stolen,02/11/2025,\n",
     "line 3"),
    (HEADER + "L24472024,UTO,passport,misplaced,2025-11-02,\n", "line 2"),
    (HEADER + "L24472024,UTO,passport,stolen\n", "line 2"),
    ("number,state\nL24472024,UTO\n", "line 1"),
])
def test_a_bad_uploaded_list_is_422_naming_the_line(client: TestClient, app: FastAPI,
                                                     csv: str, line: str) -> None:
    lab = _lab_key(app, "lab-bad")
    err = _is_error(client.post(URL, files=_files(csv.encode()), data=FORM, headers=lab),
                    422, "invalid_alert_list")
    assert err["message"].startswith(f"alerts: {line}:"), err


def test_an_uploaded_list_that_is_not_utf8_or_too_large(client: TestClient,
                                                        app: FastAPI) -> None:
    lab = _lab_key(app, "lab-enc")
    latin1 = (HEADER + "L24472024,UTO,passport,stolen,2025-11-02,Müller\n").encode("latin-1")
    err = _is_error(client.post(URL, files=_files(latin1), data=FORM, headers=lab),
                    422, "invalid_alert_list")
    assert "UTF-8" in err["message"]
    big = (HEADER + "X" * ALERTS_MAX_BYTES).encode()
    _is_error(client.post(URL, files=_files(big), data=FORM, headers=lab),
              413, "alert_list_too_large")


def test_only_labs_and_admins_upload_a_list(client: TestClient, make_account) -> None:  # type: ignore[no-untyped-def]
    _is_error(client.post(URL, files=_files(LISTED.encode()), data=FORM), 401, "unauthorized")
    for role in ("trainee", "instructor"):
        # refused for the role before the list is even read (a bad list changes nothing)
        _is_error(client.post(URL, files=_files(b"\xff not a list"), data=FORM,
                              headers=make_account(role).headers), 403, "forbidden")
        _is_error(client.post("/api/v1/check/batch", headers=make_account(role).headers,
                              json={"vins": ["1M8GDM9AXKP042788"], "alerts": LISTED}),
                  403, "forbidden")


def test_a_broken_deployment_list_is_503_then_reloaded_when_fixed(
        listed_app: tuple[TestClient, Path]) -> None:
    client, path = listed_app
    app: FastAPI = client.app  # type: ignore[assignment]
    lab = _lab_key(app, "lab-broken")
    first = deployment_alerts(app)
    assert first is not None and len(first) == 1
    assert deployment_alerts(app) is first  # loaded once, kept
    path.write_text(LISTED + "L2,UTO,passport,stolen,yesterday,\n", encoding="utf-8")
    err = _is_error(client.post(URL, files=_files(), data=FORM, headers=lab),
                    503, "alerts_unavailable")
    assert "line 3" in err["message"] and "DOCSEC_ALERTS" in err["message"]
    path.write_text(OTHERS, encoding="utf-8")
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    fixed = deployment_alerts(app)
    assert fixed is not None and len(fixed) == 2
    path.unlink()
    _is_error(client.post(URL, files=_files(), data=FORM, headers=lab),
              503, "alerts_unavailable")


def test_batch_documents_take_an_alert_list(client: TestClient, app: FastAPI) -> None:
    lab = _lab_key(app, "lab-batch")
    doc = {"white": base64.b64encode(WHITE).decode()}
    bad = HEADER + "L24472024,UTO,passport,stolen,2025-11-02,\n,UTO,passport,lost,2025-01-01,\n"
    err = _is_error(client.post("/api/v1/check/batch", headers=lab,
                                json={"documents": [doc], "alerts": bad}),
                    422, "invalid_alert_list")
    assert err["message"].startswith("alerts: line 3:")
    resp = client.post("/api/v1/check/batch", headers=lab,
                       json={"documents": [doc], "alerts": LISTED,
                             "reference_date": "2026-01-15"})
    assert resp.status_code == 202, resp.text
    done = _wait(client, resp.json()["id"], lab)
    assert done["status"] == "done", done
    report = done["results"][0]["report"]
    assert report["alert_lists"] == {"deployment": 0, "uploaded": 1}
    assert _alert(report)["status"] == "fail"
    folder = app.state.settings.data_dir / "jobs" / resp.json()["id"]
    deadline = time.monotonic() + 10
    while folder.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not folder.exists()  # the uploaded list goes with the job's files


def test_openapi_declares_the_alert_list(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    post = spec["paths"]["/api/v1/check/document"]["post"]
    ref = post["requestBody"]["content"]["multipart/form-data"]["schema"]["$ref"]
    form = spec["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert "alerts" in form["properties"]
    assert {"413", "422", "503"} <= set(post["responses"])
    assert "alerts" in spec["components"]["schemas"]["BatchIn"]["properties"]
    assert "alert_lists" in spec["components"]["schemas"]["DocumentReport"]["properties"]


def test_a_bad_deployment_list_is_logged_at_start(settings: Settings, tmp_path: Path,
                                                  caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "sltd.csv"
    path.write_text(HEADER + "L24472024,UTO,passport,stolen,2025-13-02,\n", encoding="utf-8")
    app = create_app(settings.model_copy(update={"alerts": path}))
    with caplog.at_level("ERROR", logger="docsec.service.lab"), TestClient(app) as c:
        assert c.get("/healthz").status_code == 200  # the service runs
    assert any("line 2" in r.getMessage() and "sltd.csv" in r.getMessage()
               for r in caplog.records), caplog.records
