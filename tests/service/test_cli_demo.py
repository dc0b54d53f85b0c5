"""``docsec users``, lab API keys and their rate limit, and the demo set-up of ``make run``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import pytest
from fastapi import Depends
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from docsec.cli import app as cli
from service import demo
from service.app import create_app
from service.auth import LabClient, lab_client
from service.settings import Settings


def _login(c: TestClient, user: str, password: str) -> int:
    return c.post("/api/v1/auth/token", data={"username": user, "password": password}).status_code


def _app_with_lab_route(settings: Settings):  # type: ignore[no-untyped-def]
    app = create_app(settings)

    @app.get("/lab-probe")
    def probe(client: Annotated[LabClient, Depends(lab_client)]) -> dict[str, str | None]:
        return {"user": client.user.username, "key": client.key_id}

    return app


def test_users_cli_and_api_keys(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCSEC_DATA_DIR", str(settings.data_dir))
    if settings.database_url:
        monkeypatch.setenv("DOCSEC_DATABASE_URL", settings.database_url)
    run = CliRunner().invoke
    made = run(cli, ["users", "create", "--role", "instructor", "--username", "ivan"])
    assert made.exit_code == 0, made.output
    password = made.output.split("password: ")[1].strip()
    assert run(cli, ["users", "create", "--role", "lab", "--username", "lab1",
                     "--password", "lab password 1"]).exit_code == 0
    for bad in (["--role", "boss", "--username", "x1x"],
                ["--role", "lab", "--username", "lab1"],
                ["--role", "lab", "--username", "lab2", "--password", "short"]):
        r = run(cli, ["users", "create", *bad])
        assert r.exit_code == 2 and "error:" in r.output, bad
    assert run(cli, ["users", "api-key", "--username", "ivan"]).exit_code == 2  # not a lab
    key = run(cli, ["users", "api-key", "--username", "lab1", "--rate-limit", "2"]).output.strip()
    assert key.startswith("dsk_")
    with TestClient(_app_with_lab_route(settings)) as c:
        assert _login(c, "ivan", password) == 200
        assert _login(c, "lab1", "lab password 1") == 200
        ok = c.get("/lab-probe", headers={"X-API-Key": key})
        assert ok.status_code == 200 and ok.json()["user"] == "lab1"
        assert c.get("/lab-probe", headers={"X-API-Key": key}).status_code == 200
        limited = c.get("/lab-probe", headers={"X-API-Key": key})
        assert limited.status_code == 429 and int(limited.headers["Retry-After"]) >= 1
        assert limited.json()["error"]["code"] == "rate_limited"
        for wrong in (key[:-1] + ("A" if key[-1] != "A" else "B"), "dsk_nope_x", "junk", ""):
            r = c.get("/lab-probe", headers={"X-API-Key": wrong})
            assert r.status_code == 401, wrong
        token = c.post("/api/v1/auth/token",
                       data={"username": "ivan", "password": password}).json()["access_token"]
        r = c.get("/lab-probe", headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 403  # an instructor is not a lab


def test_demo_setup(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(demo, "REGISTRY_RECORDS", 300)
    first = demo.seed_demo(settings, exercise_count=2, exercise_dpi=100)
    assert set(first.passwords) == {"admin", "instructor", "trainee", "trainee-ru", "lab"}
    assert first.registry_records >= 300 + 40  # the mock list and the samples' extract
    second = demo.seed_demo(settings, exercise_count=2, exercise_dpi=100)
    assert second.exercise_id == first.exercise_id
    assert second.passwords["trainee"] != first.passwords["trainee"]
    text = demo.instructions(second, "http://127.0.0.1:8000")
    assert second.passwords["admin"] in text and second.lab_key in text
    with TestClient(_app_with_lab_route(settings)) as c:
        assert _login(c, "trainee", first.passwords["trainee"]) == 401
        token = c.post("/api/v1/auth/token", data={
            "username": "trainee", "password": second.passwords["trainee"]}).json()
        mine = c.get("/api/v1/assignments",
                     headers={"Authorization": f"Bearer {token['access_token']}"}).json()
        assert [a["exercise_id"] for a in mine] == [first.exercise_id]
        assert c.get("/lab-probe", headers={"X-API-Key": first.lab_key}).status_code == 401
        assert c.get("/lab-probe", headers={"X-API-Key": second.lab_key}).status_code == 200
    sample = (Path(demo.__file__).parent.parent / "samples" / "registry_extract.csv")
    vin = sample.read_text().splitlines()[1].split(",")[0]
    from docsec.registry.sql import SqlRegistry

    reg = SqlRegistry(settings.registry_target)
    assert reg.search(vin=vin).hits
    reg.close()


@pytest.mark.parametrize(("env", "args", "message"), [
    ({"DOCSEC_DATABASE_URL": "mysql://lab:s3cret@db/docsec"},
     ["users", "create", "--role", "lab", "--username", "lab9"], "mysql://lab:***@db/docsec"),
    ({"DOCSEC_DATABASE_URL": "not a url"},
     ["users", "api-key", "--username", "lab9"], "no database URL"),
    ({"DOCSEC_DATABASE_URL": "postgresql+psycopg://lab:s3cret@127.0.0.1:1/docsec"},
     ["users", "api-key", "--username", "lab9"], "cannot be opened"),
    ({"DOCSEC_TOKEN_LIFETIME_S": "5"}, ["serve", "--port", "8999"], "DOCSEC_TOKEN_LIFETIME_S"),
])
def test_service_commands_refuse_bad_settings_in_one_line(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, env: dict[str, str],
        args: list[str], message: str) -> None:
    monkeypatch.setenv("DOCSEC_DATA_DIR", str(tmp_path / "data"))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    r = CliRunner().invoke(cli, args)
    assert r.exit_code == 2, r.output
    lines = r.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:") and message in lines[0]
    assert "s3cret" not in r.output
    assert not (tmp_path / "data").exists() or not any((tmp_path / "data").rglob("*.sqlite"))
