"""The app skeleton: health, OpenAPI, the error shape, log-in and tokens, accounts."""

from __future__ import annotations

import datetime
from typing import Any

import jwt
from fastapi.testclient import TestClient

from service.app import create_app
from service.settings import Settings
from tests.service.conftest import PASSWORD


def _is_error(resp, status: int, code: str | None = None) -> None:  # type: ignore[no-untyped-def]
    assert resp.status_code == status, resp.text
    body = resp.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}
    if code:
        assert body["error"]["code"] == code


def test_health_and_openapi(client: TestClient) -> None:
    assert client.get("/healthz").json()["status"] == "ok"
    spec = client.get("/openapi.json").json()
    assert "/api/v1/auth/token" in spec["paths"]
    token_op = spec["paths"]["/api/v1/auth/token"]["post"]
    assert token_op["responses"]["422"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/ErrorBody")
    assert client.get("/docs").status_code == 200


def test_every_error_has_the_json_shape(client: TestClient, make_account) -> None:  # type: ignore[no-untyped-def]
    _is_error(client.get("/no/such/page"), 404, "not_found")
    _is_error(client.get("/api/v1/users"), 401, "unauthorized")
    _is_error(client.post("/api/v1/auth/token", data={}), 422, "invalid_request")
    admin = make_account("admin")
    _is_error(client.post("/api/v1/users", json={"username": "x"}, headers=admin.headers), 422)
    _is_error(client.put("/healthz"), 405)


def test_unexpected_errors_leak_no_traceback(settings: Settings) -> None:
    app = create_app(settings)

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("secret internals")

    with TestClient(app, raise_server_exceptions=False) as c:
        resp = c.get("/boom")
    _is_error(resp, 500, "internal_error")
    assert "secret" not in resp.text and "Traceback" not in resp.text


def test_login_token_and_roles(client: TestClient, make_account) -> None:  # type: ignore[no-untyped-def]
    admin = make_account("admin", "root")
    resp = client.post("/api/v1/auth/token", data={"username": "root", "password": PASSWORD})
    assert resp.status_code == 200, resp.text
    token = resp.json()["access_token"]
    me = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"}).json()
    assert me == {**me, "username": "root", "role": "admin"} and "password_hash" not in me
    _is_error(client.post("/api/v1/auth/token", data={"username": "root", "password": "nope"}),
              401)
    _is_error(client.post("/api/v1/auth/token", data={"username": "ghost", "password": "x"}),
              401)
    # admin creates a trainee with a generated password; the trainee may not list users
    made = client.post("/api/v1/users", json={"username": "tina", "role": "trainee"},
                       headers=admin.headers)
    assert made.status_code == 201 and len(made.json()["password"]) >= 10
    _is_error(client.post("/api/v1/users", json={"username": "tina", "role": "trainee"},
                          headers=admin.headers), 409, "conflict")
    login = client.post("/api/v1/auth/token",
                        data={"username": "tina", "password": made.json()["password"]})
    trainee = {"Authorization": f"Bearer {login.json()['access_token']}"}
    _is_error(client.get("/api/v1/users", headers=trainee), 403, "forbidden")
    assert client.get("/api/v1/users", headers=admin.headers).status_code == 200


def test_expired_forged_and_revoked_tokens(client: TestClient, app, make_account) -> None:  # type: ignore[no-untyped-def]
    acct = make_account("instructor")
    now = datetime.datetime.now(datetime.UTC)
    claims = {"sub": acct.id, "iat": now - datetime.timedelta(hours=2),
              "exp": now - datetime.timedelta(hours=1)}
    old = jwt.encode(claims, app.state.signing_key, algorithm="HS256")
    _is_error(client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {old}"}), 401)
    claims["exp"] = now + datetime.timedelta(hours=1)
    forged = jwt.encode(claims, "not-the-service-key-but-long-enough-for-hs256", algorithm="HS256")
    _is_error(client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {forged}"}), 401)
    assert client.get("/api/v1/auth/me", headers=acct.headers).status_code == 200
    from service.auth import hash_password
    from service.models import User

    with app.state.db.session() as s:  # a password change revokes earlier tokens
        s.get(User, acct.id).password_hash = hash_password("a new password!")
    _is_error(client.get("/api/v1/auth/me", headers=acct.headers), 401)


def test_login_attempts_are_rate_limited(settings: Settings) -> None:
    app = create_app(settings.model_copy(update={"login_rate_limit_per_min": 3}))
    with TestClient(app) as c:
        codes = [c.post("/api/v1/auth/token", data={"username": "u", "password": "p"}).status_code
                 for _ in range(4)]
    assert codes == [401, 401, 401, 429]


def _start(settings: Settings, barrier: Any = None, out: Any = None) -> str:
    if barrier is not None:
        barrier.wait()
    try:
        app = create_app(settings)
        app.state.db.close()
        key = str(app.state.signing_key)
    except Exception as exc:  # reported to the parent
        key = f"failed: {exc!r}"
    if out is not None:
        out.put(key)
    return key


def test_workers_starting_together_share_one_key_and_schema(settings: Settings) -> None:
    import multiprocessing

    ctx = multiprocessing.get_context("fork")
    barrier, out = ctx.Barrier(6), ctx.Queue()
    procs = [ctx.Process(target=_start, args=(settings, barrier, out)) for _ in range(6)]
    for p in procs:
        p.start()
    keys = [out.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(30)
    assert len(set(keys)) == 1 and len(keys[0]) >= 40, keys
    assert _start(settings) == keys[0]
    assert [p.name for p in settings.data_dir.iterdir() if p.name.startswith(".secret")] == []


def test_secret_key_generated_once_and_private(settings: Settings) -> None:
    key = settings.signing_key()
    path = settings.data_dir / "secret_key"
    assert path.stat().st_mode & 0o077 == 0
    assert settings.signing_key() == key and len(key) >= 40


def test_own_profile_and_admin_changes(client: TestClient, make_account) -> None:  # type: ignore[no-untyped-def]
    admin, tom = make_account("admin", "root"), make_account("trainee", "tom")
    r = client.patch("/api/v1/auth/me", json={"language": "ru"}, headers=tom.headers)
    assert r.status_code == 200 and r.json()["language"] == "ru"
    _is_error(client.patch("/api/v1/auth/me", json={"password": "a brand new one"},
                           headers=tom.headers), 403, "wrong_password")
    _is_error(client.patch("/api/v1/auth/me", json={"password": "a brand new one",
                                                    "current_password": "nope"},
                           headers=tom.headers), 403)
    _is_error(client.patch("/api/v1/auth/me", json={"language": "de"}, headers=tom.headers), 422)
    r = client.patch("/api/v1/auth/me", json={"password": "a brand new one",
                                              "current_password": PASSWORD}, headers=tom.headers)
    assert r.status_code == 200
    _is_error(client.get("/api/v1/auth/me", headers=tom.headers), 401)  # old token revoked
    login = client.post("/api/v1/auth/token", data={"username": "tom",
                                                    "password": "a brand new one"})
    tom_headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
    # an admin locks tom out: his token stops working at once; then promotes and restores him
    r = client.patch("/api/v1/users/tom", json={"active": False}, headers=admin.headers)
    assert r.status_code == 200 and r.json()["active"] is False
    _is_error(client.get("/api/v1/auth/me", headers=tom_headers), 401)
    client.patch("/api/v1/users/tom", json={"active": True, "role": "instructor"},
                 headers=admin.headers)
    assert client.get("/api/v1/auth/me", headers=tom_headers).json()["role"] == "instructor"
    _is_error(client.patch("/api/v1/users/root", json={"active": False},
                           headers=admin.headers), 409)
    _is_error(client.patch("/api/v1/users/ghost", json={"active": False},
                           headers=admin.headers), 404)
    _is_error(client.patch("/api/v1/users/tom", json={"active": "no"},
                           headers=admin.headers), 422)
