"""Lab checks over HTTP: documents, VINs, MRZs, batch jobs; hostile uploads; who may call."""

from __future__ import annotations

import base64
import io
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from PIL import Image

from docsec.registry.mock import make_records
from docsec.registry.sql import SqlRegistry
from service.auth import issue_api_key
from service.jobs import Job, JobSettings
from service.models import User
from tests.service.conftest import _HASH

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
WHITE = (SAMPLES / "s01" / "capture_scan.jpg").read_bytes()
TD3 = ["P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
       "L898902C36UTO7408122F1204159ZE184226B<<<<<10"]  # fmt: skip
REF = "2010-01-01"


def _is_error(resp, status: int, code: str | None = None) -> dict:  # type: ignore[no-untyped-def,type-arg]
    assert resp.status_code == status, resp.text
    body = resp.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}
    assert body["error"]["message"]
    if code:
        assert body["error"]["code"] == code, body
    return body["error"]  # type: ignore[no-any-return]


def _lab_key(app: FastAPI, username: str, rate: int = 10_000) -> dict[str, str]:
    with app.state.db.session() as s:
        user = User(username=username, role="lab", password_hash=_HASH)
        s.add(user)
        s.flush()
        key = issue_api_key(s, user, rate)
    return {"X-API-Key": key}


@pytest.fixture
def lab(app: FastAPI) -> dict[str, str]:
    return _lab_key(app, "lab1")


@pytest.fixture
def stolen(app: FastAPI) -> list[str]:
    """A registry of 300 mock records; the VINs of the first three."""
    records = list(make_records(300, seed=11))
    reg = SqlRegistry(app.state.settings.registry_target, create=True)
    reg.add(records)
    reg.close()
    return [r.vin for r in records[:3]]


def _png(width: int, height: int) -> bytes:
    buf = io.BytesIO()
    Image.new("L", (width, height), 255).save(buf, "PNG", optimize=True)
    return buf.getvalue()


# --- MRZ --------------------------------------------------------------------------------------


def test_mrz_check(client: TestClient, lab: dict[str, str]) -> None:
    ok = client.post("/api/v1/check/mrz", json={"lines": TD3, "reference_date": REF}, headers=lab)
    assert ok.status_code == 200, ok.text
    body = ok.json()
    assert body["format"] == "TD3" and body["valid"] is True
    assert body["fields"]["primary_identifier"]["value"] == "ERIKSSON"
    wrong = [TD3[0], TD3[1][:-1] + "1"]  # composite check digit altered
    bad = client.post("/api/v1/check/mrz", json={"lines": wrong, "reference_date": REF},
                      headers=lab).json()
    assert bad["valid"] is False
    failed = {f["id"] for f in bad["findings"] if f["status"] == "fail"}
    assert "mrz.check_digit.composite" in failed
    _is_error(client.post("/api/v1/check/mrz", json={"lines": ["HELLO WORLD"]}, headers=lab),
              422, "not_an_mrz")
    _is_error(client.post("/api/v1/check/mrz", json={"lines": TD3, "score": 1}, headers=lab),
              422, "invalid_request")
    _is_error(client.post("/api/v1/check/mrz", content=b"{not json", headers={
        **lab, "Content-Type": "application/json"}), 422)


# --- VIN --------------------------------------------------------------------------------------


def test_vin_check_with_registry(client: TestClient, lab: dict[str, str],
                                 stolen: list[str]) -> None:
    with_o = "1M8GDM9AXKPO42788"  # 'O' where only '0' can be
    resp = client.post("/api/v1/check/vin", json={"vins": [stolen[0], with_o, "1M8GDM9AXKP042788"]},
                       headers=lab)
    assert resp.status_code == 200, resp.text
    hit, o, clean = resp.json()["results"]
    assert hit["registry"]["hits"][0]["match"] == "exact"
    assert hit["registry"]["hits"][0]["record"]["vin"] == stolen[0]
    assert o["valid"] is False and "vin.format.character" in o["errors"]
    assert o["suggestions"] == ["1M8GDM9AXKP042788"]
    assert clean["valid"] is True and clean["registry"]["hits"] == []
    no_reg = client.post("/api/v1/check/vin", json={"vins": [stolen[0]], "registry": False},
                         headers=lab).json()["results"][0]
    assert no_reg["registry"] is None
    _is_error(client.post("/api/v1/check/vin", json={"vins": []}, headers=lab), 422)
    _is_error(client.post("/api/v1/check/vin", json={"vins": ["X" * 201]}, headers=lab), 422)


# --- documents --------------------------------------------------------------------------------


def test_document_check_reads_the_white_view(client: TestClient, lab: dict[str, str],
                                             app: FastAPI) -> None:
    files = [("white", ("white.jpg", WHITE, "image/jpeg")),
             ("uv365", ("uv.jpg", (SAMPLES / "s01" / "uv365.jpg").read_bytes(), "image/jpeg")),
             ("uv254", ("uv254.jpg", (SAMPLES / "s01" / "uv254.jpg").read_bytes(),
                        "image/jpeg")),
             ("tilt", ("t1.jpg", (SAMPLES / "s01" / "tilt_1.jpg").read_bytes(), "image/jpeg")),
             ("tilt", ("t2.jpg", (SAMPLES / "s01" / "tilt_2.jpg").read_bytes(), "image/jpeg"))]
    resp = client.post("/api/v1/check/document", files=files,
                       data={"reference_date": "2026-01-15", "viz": "false"}, headers=lab)
    assert resp.status_code == 200, resp.text
    report = resp.json()
    # the full inspection (docsec.inspect): feature checks in every light, data rules, verdict
    assert report["scope"] == "inspection" and report["model"] == "uto_passport_td3"
    assert report["verdict"] in ("accept", "refer", "reject") and report["level"] == 3
    assert report["reading"]["front"]["mrz"]["lines"][0].startswith("P<UTOSANTOS<<NORA<MIRA<")
    assert set(report["views"]) == {"white", "uv365", "uv254", "tilt_1", "tilt_2"}
    ids = {f["id"] for f in report["findings"]}
    assert any(i.startswith("feature.") for i in ids) and any(i.startswith("mrz.") for i in ids)
    assert {f["view"] for f in report["findings"]} & {"uv365", "tilt_1", "tilt_2"}
    assert all(set(f["message"]) == {"en", "ru"} for f in report["findings"])
    assert report["stored"] is None
    # level 1 leaves the tilt frames out
    level1 = client.post("/api/v1/check/document", files=files, headers=lab,
                         data={"reference_date": "2026-01-15", "viz": "false", "level": "1"})
    assert level1.json()["level"] == 1
    on_tilt = [f for f in level1.json()["findings"] if str(f["view"]).startswith("tilt")]
    assert on_tilt and all(f["status"] == "not_applicable" for f in on_tilt)
    # a page of no known model: the reading alone, with the reason
    blank = io.BytesIO()
    Image.new("RGB", (600, 400), (250, 250, 250)).save(blank, "PNG")
    plain = client.post("/api/v1/check/document", headers=lab, data={"viz": "false"},
                        files={"white": ("p.png", blank.getvalue(), "image/png")}).json()
    assert plain["scope"] == "reading" and plain["verdict"] is None
    assert plain["reasons"][0]["id"] == "document.not_recognised"
    uploads = app.state.settings.data_dir / "uploads"
    assert not uploads.exists() or not any(uploads.iterdir())  # nothing kept unasked
    kept = client.post("/api/v1/check/document", files=files[:1],
                       data={"viz": "false", "keep": "true"}, headers=lab).json()
    folder = uploads / kept["stored"]["id"]
    assert (folder / "white.jpg").read_bytes() == WHITE


def test_hostile_uploads(client: TestClient, lab: dict[str, str]) -> None:
    url = "/api/v1/check/document"
    # a PNG of a few kB that decodes to 100 megapixels
    bomb = _png(10_000, 10_000)
    assert len(bomb) < 200_000
    _is_error(client.post(url, files={"white": ("b.png", bomb, "image/png")}, headers=lab),
              413, "image_too_large")
    truncated = WHITE[: len(WHITE) // 2]
    _is_error(client.post(url, files={"white": ("t.jpg", truncated, "image/jpeg")}, headers=lab),
              422, "corrupt_image")
    _is_error(client.post(url, files={"white": ("x.gif", b"GIF89a" + b"\0" * 100, "image/gif")},
                          headers=lab), 415, "unsupported_image_type")
    _is_error(client.post(url, files={"white": ("x.txt", b"just some text", "text/plain")},
                          headers=lab), 415, "unsupported_image_type")
    _is_error(client.post(url, files={"white": ("e.png", b"", "image/png")}, headers=lab),
              422, "corrupt_image")
    # a bad second view is named in the message
    err = _is_error(client.post(url, files=[("white", ("w.jpg", WHITE, "image/jpeg")),
                                            ("ir", ("ir.jpg", truncated, "image/jpeg"))],
                                headers=lab), 422, "corrupt_image")
    assert "'ir'" in err["message"]
    _is_error(client.post(url, data={"viz": "false"}, headers=lab), 422)  # no white view


def test_view_over_the_byte_limit(settings, lab_app_client) -> None:  # type: ignore[no-untyped-def]
    client, lab = lab_app_client
    limit = client.app.state.settings.upload_max_bytes
    big = b"\xff\xd8" + b"\0" * (limit + 10)
    _is_error(client.post("/api/v1/check/document", files={"white": ("b.jpg", big, "image/jpeg")},
                          headers=lab), 413, "image_too_large")


@pytest.fixture
def lab_app_client(settings) -> Iterator[tuple[TestClient, dict[str, str]]]:  # type: ignore[no-untyped-def]
    from service.app import create_app

    small = settings.model_copy(update={"upload_max_bytes": 64 * 1024})
    app = create_app(small)
    with TestClient(app) as c:
        yield c, _lab_key(app, "lab-small")


@pytest.fixture
def live_server(app: FastAPI) -> Iterator[int]:
    """The app under uvicorn on a loopback port (a real HTTP server, in a thread)."""
    import socket
    import threading

    import uvicorn

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                           log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    yield port
    server.should_exit = True
    thread.join(10)


def _stream_upload(port: int, headers: dict[str, str], total: int) -> tuple[int, bytes]:
    """Send a multipart body of ``total`` bytes in 1 MiB chunks (chunked transfer encoding)
    until the server answers; return the bytes sent and the answer."""
    import select
    import socket

    chunk = b"\0" * (1024 * 1024)
    head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    sent = 0
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall((f"POST /api/v1/check/document HTTP/1.1\r\nHost: x\r\n{head}"
                      "Content-Type: multipart/form-data; boundary=B\r\n\r\n").encode())
        part = (b'--B\r\nContent-Disposition: form-data; name="white"; filename="w.png"\r\n'
                b"Content-Type: image/png\r\n\r\n")
        answer = b""
        try:
            if "Content-Length" not in headers:
                sock.sendall(b"%x\r\n%s\r\n" % (len(part), part))
            while sent < total:
                readable, _, _ = select.select([sock], [], [], 0)
                if readable:
                    break
                if "Content-Length" in headers:
                    sock.sendall(chunk)
                else:
                    sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                sent += len(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass
        sock.settimeout(10)
        try:
            while b"\r\n\r\n" not in answer or not answer.rstrip().endswith(b"}"):
                data = sock.recv(65536)
                if not data:
                    break
                answer += data
        except (ConnectionResetError, TimeoutError):
            pass
    return sent, answer


@pytest.mark.slow
def test_ten_gigabyte_stream_is_refused_without_buffering(live_server: int,
                                                          lab: dict[str, str]) -> None:
    from service.routers.lab import DOCUMENT_MAX_BODY

    ten_gb = 10 * 1024**3
    # chunked, no length given: counted as it streams in, refused at the route's cap
    sent, answer = _stream_upload(live_server, {**lab, "Transfer-Encoding": "chunked"}, ten_gb)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert b'"code":"payload_too_large"' in answer.replace(b" ", b"")
    assert sent <= DOCUMENT_MAX_BODY + 64 * 1024 * 1024  # socket buffers hold a few MiB more
    # a declared length over the cap is refused before the body is read
    sent, answer = _stream_upload(live_server, {**lab, "Content-Length": str(ten_gb)}, ten_gb)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert sent <= 64 * 1024 * 1024


def test_check_over_its_time_limit_is_503(app: FastAPI, client: TestClient,
                                          lab: dict[str, str]) -> None:
    app.state.job_settings = JobSettings(check_timeout_s=0.001)
    _is_error(client.post("/api/v1/check/document", files={"white": ("w.jpg", WHITE, "image/jpeg")},
                          data={"viz": "false"}, headers=lab), 503, "timeout")


# --- roles ------------------------------------------------------------------------------------

LAB_ROUTES = [
    ("post", "/api/v1/check/mrz", {"json": {"lines": TD3}}),
    ("post", "/api/v1/check/vin", {"json": {"vins": ["1M8GDM9AXKP042788"], "registry": False}}),
    ("post", "/api/v1/check/batch", {"json": {"vins": ["1M8GDM9AXKP042788"]}}),
    ("post", "/api/v1/check/document", {"files": {"white": ("w.jpg", WHITE, "image/jpeg")}}),
    ("get", "/api/v1/jobs/0123456789abcdef0123456789abcdef", {}),
]


@pytest.mark.parametrize(("method", "path", "kwargs"), LAB_ROUTES)
def test_only_labs_and_admins_call_lab_routes(client: TestClient, make_account, lab,  # type: ignore[no-untyped-def]
                                              method, path, kwargs) -> None:
    _is_error(getattr(client, method)(path, **kwargs), 401, "unauthorized")
    _is_error(getattr(client, method)(path, headers={"X-API-Key": "dsk_nope_nope"}, **kwargs),
              401)
    for role in ("trainee", "instructor"):
        _is_error(getattr(client, method)(path, headers=make_account(role).headers, **kwargs),
                  403, "forbidden")
    expected = 404 if path.startswith("/api/v1/jobs") else (202 if "batch" in path else 200)
    for headers in (lab, make_account("lab").headers, make_account("admin").headers):
        assert getattr(client, method)(path, headers=headers, **kwargs).status_code == expected


def test_labs_never_reach_training_data(app: FastAPI, client: TestClient,
                                        lab: dict[str, str]) -> None:
    """Every route outside the lab's own answers a lab key with 401 or 403."""
    own = ("/api/v1/check/", "/api/v1/jobs/", "/api/v1/auth/token")
    public = {"/healthz", "/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc"}
    checked = 0
    for path, operations in client.get("/openapi.json").json()["paths"].items():
        if path in public or path.startswith(own):
            continue
        for method in operations:
            url = path
            for part in path.split("/"):
                if part.startswith("{"):
                    url = url.replace(part, "0123456789abcdef0123456789abcdef")
            resp = client.request(method.upper(), url, headers=lab, json={})
            assert resp.status_code in (401, 403), (method, path, resp.status_code)
            checked += 1
    assert checked >= 2


def test_rate_limit_per_key(app: FastAPI, client: TestClient) -> None:
    slow = _lab_key(app, "lab-slow", rate=3)
    codes = [client.post("/api/v1/check/mrz", json={"lines": TD3}, headers=slow).status_code
             for _ in range(4)]
    assert codes == [200, 200, 200, 429]


# --- batch jobs -------------------------------------------------------------------------------


def _wait(client: TestClient, job_id: str, headers: dict[str, str]) -> dict:  # type: ignore[type-arg]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        job = client.get(f"/api/v1/jobs/{job_id}", headers=headers).json()
        if job["status"] in ("done", "failed"):
            return job  # type: ignore[no-any-return]
        time.sleep(0.05)
    raise AssertionError("the job did not finish")


def test_batch_job(app: FastAPI, client: TestClient, lab: dict[str, str],
                   stolen: list[str]) -> None:
    body = {
        "vins": [stolen[1], "1M8GDM9AXKPO42788"],
        "mrz": [TD3, ["NOT AN MRZ"]],
        "documents": [{"white": base64.b64encode(WHITE).decode()},
                      {"white": base64.b64encode(WHITE[:5000]).decode()}],
        "reference_date": "2026-01-15",
    }
    resp = client.post("/api/v1/check/batch", json=body, headers=lab)
    assert resp.status_code == 202, resp.text
    job = resp.json()
    assert resp.headers["Location"] == f"/api/v1/jobs/{job['id']}"
    assert job["total"] == 6 and job["results"] is None
    done = _wait(client, job["id"], lab)
    assert done["status"] == "done" and done["done"] == 6
    r = done["results"]
    assert [i["kind"] for i in r] == ["vin", "vin", "mrz", "mrz", "document", "document"]
    assert r[0]["report"]["registry"]["hits"][0]["record"]["vin"] == stolen[1]
    assert r[1]["report"]["valid"] is False
    assert r[2]["report"]["valid"] is False  # 2010 passport expired on 2026-01-15
    assert r[3]["report"] is None and r[3]["error"]["code"] == "not_an_mrz"
    assert r[4]["report"]["reading"]["front"]["mrz"]["lines"][0].startswith("P<UTOSANTOS<<NORA")
    assert r[5]["error"]["code"] == "corrupt_image"
    # uploaded images are deleted as the job ends (just after its results are stored)
    folder = app.state.settings.data_dir / "jobs" / job["id"]
    deadline = time.monotonic() + 10
    while folder.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not folder.exists()
    # another lab cannot see the job
    other = _lab_key(app, "lab2")
    _is_error(client.get(f"/api/v1/jobs/{job['id']}", headers=other), 404, "not_found")
    _is_error(client.post("/api/v1/check/batch", json={}, headers=lab), 422)
    _is_error(client.post("/api/v1/check/batch", json={"documents": [{"white": "###"}]},
                          headers=lab), 422, "invalid_base64")


def test_jobs_left_by_a_crash_run_on_restart(settings, app: FastAPI, lab) -> None:  # type: ignore[no-untyped-def]
    from service.app import create_app
    from service.jobs import create_job

    with app.state.db.session() as s:
        owner = s.query(User).filter(User.username == "lab1").one().id
    job = create_job(app.state.db, owner_id=owner, kind="check.batch", total=1,
                     request={"vins": ["1M8GDM9AXKP042788"], "mrz": [], "documents": [],
                              "registry": False})
    with app.state.db.session() as s:
        s.get(Job, job.id).status = "running"  # the process died mid-job
    app.state.db.close()
    restarted = create_app(settings)
    with TestClient(restarted) as c:
        done = _wait(c, job.id, lab)
    assert done["status"] == "done"
    assert done["results"][0]["report"]["valid"] is True


def test_queue_full_is_503(app: FastAPI, client: TestClient, lab: dict[str, str]) -> None:
    from service.routers import lab as lab_module

    runner = lab_module._runner(app)
    held = 0
    while runner._slots.acquire(blocking=False):  # every slot taken
        held += 1
    try:
        _is_error(client.post("/api/v1/check/batch", json={"vins": ["1M8GDM9AXKP042788"]},
                              headers=lab), 503, "busy")
    finally:
        for _ in range(held):
            runner._slots.release()
    with app.state.db.session() as s:
        assert s.query(Job).count() == 0  # the refused job left nothing behind



def test_revoked_key_is_refused_once_its_cache_entry_expires(app: FastAPI, client: TestClient,
                                                               lab: dict[str, str]) -> None:
    from service.models import ApiKey
    from service.routers import lab as lab_module

    url, body = "/api/v1/check/mrz", {"lines": TD3}
    assert client.post(url, json=body, headers=lab).status_code == 200
    key_id = lab["X-API-Key"].split("_")[1]
    with app.state.db.session() as s:
        s.query(ApiKey).filter(ApiKey.key_id == key_id).update({"revoked": True})
    # remembered for at most KEY_CACHE_TTL_S seconds
    assert lab_module.KEY_CACHE_TTL_S <= 10
    for entry in list(app.state.lab_key_cache):
        old = app.state.lab_key_cache[entry]
        app.state.lab_key_cache[entry] = lab_module.LabCaller(
            old.user_id, old.key_id, old.rate_limit_per_min, time.monotonic() - 1)
    _is_error(client.post(url, json=body, headers=lab), 401, "unauthorized")


def test_a_job_runs_once_when_two_processes_recover_it(app: FastAPI, lab) -> None:  # type: ignore[no-untyped-def]
    from service.jobs import JobRunner, create_job, run_job
    from service.models import utcnow

    with app.state.db.session() as s:
        owner = s.query(User).filter(User.username == "lab1").one().id
    request = {"vins": ["1M8GDM9AXKP042788"], "mrz": [], "documents": [], "registry": False}
    job = create_job(app.state.db, owner_id=owner, kind="check.batch", total=1, request=request)
    data = app.state.settings.data_dir
    assert run_job(app.state.db, job.id, data) == "done"
    assert run_job(app.state.db, job.id, data) == "done"  # not claimed again
    with app.state.db.session() as s:
        assert s.get(Job, job.id).attempts == 1
    # a job another live process has just started is not taken over on start-up
    live = create_job(app.state.db, owner_id=owner, kind="check.batch", total=1, request=request)
    with app.state.db.session() as s:
        row = s.get(Job, live.id)
        row.status, row.started_at = "running", utcnow()
    runner = JobRunner(app.state.db, data, JobSettings())
    try:
        assert runner.recover() == 0
    finally:
        runner.close()
    with app.state.db.session() as s:
        assert s.get(Job, live.id).status == "running"
