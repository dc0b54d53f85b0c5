"""``/api/v1/check/*`` and ``/api/v1/jobs/{id}``: the checks labs call.

* ``POST /check/document`` (multipart): the view ``white`` plus any of ``uv365``, ``uv254``, ``ir``,
  ``transmitted``, ``tilt`` (several), ``vin_plate``, named as in ``docsec check``. Every view
  is decoded through :func:`docsec.imaging.load_image` (allow-listed formats, pixel cap from
  the header before decoding); the white view is read (:func:`docsec.read.read_document`)
  and the answer is a report in the shape of ``docsec check --json`` (``verdict``,
  ``reasons``, ``model``, ``findings``, ``reading``, ``timings_ms``): today its findings
  are those of the reading (``scope: "reading"``); the feature checks of
  :mod:`docsec.inspect` fill the same fields (``scope: "inspection"``).
* Document alert lists (lost, stolen and revoked documents, :mod:`docsec.alerts`, the CSV
  ``docsec check --alerts`` reads): the deployment's own list (``DOCSEC_ALERTS``, loaded
  once and again only when the file changes) and a list the request uploads (the multipart
  part ``alerts``; in a batch, the CSV text ``alerts`` for all its documents) are both
  looked up (``document.alert``). A bad uploaded list is a 422 ``invalid_alert_list`` whose
  message names the line; a configured list that cannot be read makes document checks 503
  ``alerts_unavailable`` (never a check silently made without it).
* ``POST /check/vin`` (JSON ``{"vins": [...]}``): :func:`docsec.vin.check` with the
  stolen-vehicle registry searched.
* ``POST /check/mrz`` (JSON ``{"lines": [...]}``): :func:`docsec.mrz.parse`.
* ``POST /check/batch`` (JSON): VINs, MRZs and documents (base64) checked in the background;
  the answer (202) is a job to poll at ``GET /jobs/{id}`` (:mod:`service.jobs`).

Who may call: lab accounts (``X-API-Key``, rate-limited per key, or a lab bearer token) and
admins. Trainees may not: the checker would mark their exercise items before they submit.
Instructors may not either: they get checks through their own exercise tools, and a
separate lab account keeps check traffic (and its rate limits) apart from training.

Hostile uploads: a body over the route's cap, or one view over ``DOCSEC_UPLOAD_MAX_BYTES``,
gets 413 (the body is counted as it streams in, never held whole in memory); more pixels
than ``DOCSEC_UPLOAD_MAX_PIXELS``, 413; a format outside the allow-list, 415; a corrupt or
truncated image, 422; a check over ``DOCSEC_CHECK_TIMEOUT_S``, or no worker free, 503.
Uploaded images are dropped after the check unless ``keep=true``.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import datetime as dt
import functools
import hashlib
import io
import logging
import math
import os
import threading
import time
from collections.abc import AsyncIterator, Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
from fastapi import APIRouter, Depends, FastAPI, File, Form, Request, Response, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.security import APIKeyHeader, OAuth2PasswordBearer
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, Strict
from sqlalchemy import select

from docsec.alerts import AlertListError, DocumentAlerts, read_alerts, read_alerts_file
from docsec.errors import ImageLoadError, NotAnMRZ
from service.auth import RateLimiter, lab_client
from service.db import Database
from service.deps import get_registry
from service.errors import ApiError
from service.errors import _doc as error_doc
from service.jobs import (
    Job,
    JobRunner,
    JobSettings,
    QueueFull,
    create_job,
    job_dir,
    register,
)
from service.models import ApiKey
from service.settings import Settings

__all__ = ["document_report", "router"]

log = logging.getLogger("docsec.service.lab")

#: The largest document-check request (all views together); each view is also held to
#: ``DOCSEC_UPLOAD_MAX_BYTES``.
DOCUMENT_MAX_BODY = 64 * 1024 * 1024
#: The largest batch request (documents travel base64-encoded in it).
BATCH_MAX_BODY = 64 * 1024 * 1024
#: The largest VIN or MRZ request.
TEXT_MAX_BODY = 1024 * 1024
#: The largest document alert list a request may upload: a national extract of some 100 000
#: documents at about 60 bytes a row (the deployment's own list, DOCSEC_ALERTS, has no cap).
ALERTS_MAX_BYTES = 8 * 1024 * 1024
SINGLE_VIEWS = ("white", "uv365", "uv254", "ir", "transmitted", "vin_plate")
_IMAGE_STATUS = {"too_large": 413, "unsupported_format": 415}
_IMAGE_CODES = {"too_large": "image_too_large", "unsupported_format": "unsupported_image_type"}
_FORMAT_EXT = {"PNG": "png", "JPEG": "jpg", "TIFF": "tif", "WEBP": "webp", "BMP": "bmp"}


_UPLOAD_ERRORS: dict[int | str, dict[str, Any]] = {
    413: error_doc("Body, view, alert list or pixel count over its limit"),
    415: error_doc("Image format not accepted (PNG, JPEG, TIFF, WebP, BMP)"),
    422: error_doc("A corrupt view (corrupt_image), an alert list that cannot be read "
                   "(invalid_alert_list, the line named) or another invalid input"),
    503: error_doc("Check over its time limit, no worker free, or the deployment's alert "
                   "list (DOCSEC_ALERTS) cannot be read (alerts_unavailable)"),
}
_TEXT_ERRORS: dict[int | str, dict[str, Any]] = {
    413: error_doc("Body over its limit"),
    503: error_doc("Registry unavailable"),
}


# --- state: check pool, job runner --------------------------------------------------------


def _job_settings(app: FastAPI) -> JobSettings:
    js: JobSettings | None = getattr(app.state, "job_settings", None)
    if js is None:
        js = app.state.job_settings = JobSettings()
    return js


def _single_threaded_cv() -> None:
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    import cv2

    cv2.setNumThreads(1)  # one image per worker: OpenCV's own threads only add latency


class _CheckPool:
    """A bounded pool for CPU-bound checks, with a bounded number of requests admitted."""

    def __init__(self, workers: int) -> None:
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="docsec-check",
                                       initializer=_single_threaded_cv)
        self.admitted = threading.BoundedSemaphore(workers * 4)


_state_lock = threading.Lock()


def _app_state(app: FastAPI, name: str, make: Callable[[], Any]) -> Any:
    """``app.state.<name>``, made once (thread-safe) on first use."""
    value = getattr(app.state, name, None)
    if value is None:
        with _state_lock:
            value = getattr(app.state, name, None)
            if value is None:
                value = make()
                setattr(app.state, name, value)
    return value


def _check_pool(app: FastAPI) -> _CheckPool:
    pool: _CheckPool = _app_state(app, "check_pool",
                                  lambda: _CheckPool(_job_settings(app).check_workers))
    return pool


def _new_runner(app: FastAPI) -> JobRunner:
    settings: Settings = app.state.settings
    runner = JobRunner(app.state.db, settings.data_dir, _job_settings(app),
                       context={"registry": lambda: _open_registry(app),
                                "alerts": lambda: deployment_alerts(app)})
    runner.recover()  # queue again the jobs a previous process left unfinished
    return runner


def _runner(app: FastAPI) -> JobRunner:
    runner: JobRunner = _app_state(app, "job_runner", lambda: _new_runner(app))
    return runner


def _optional_registry(app: FastAPI) -> Any:
    """The registry, or None when there is none (documents are then checked without it)."""
    try:
        return _open_registry(app)
    except ApiError:
        return None


def _open_registry(app: FastAPI) -> Any:
    class _Req:  # get_registry needs only request.app
        def __init__(self, a: FastAPI) -> None:
            self.app = a

    return get_registry(_Req(app))  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class _LoadedAlerts:
    """The deployment's alert list as loaded, with the file's state it was loaded from."""

    path: Path
    stamp: tuple[int, int]  # modification time (ns), size
    alerts: DocumentAlerts


_alerts_lock = threading.Lock()


def _alerts_unavailable(path: Path, why: str) -> ApiError:
    log.error("the deployment's document alert list %s cannot be used: %s", path, why)
    return ApiError(503, f"the deployment's document alert list (DOCSEC_ALERTS) cannot be "
                    f"used: {why}", code="alerts_unavailable")


def deployment_alerts(app: FastAPI) -> DocumentAlerts | None:
    """The deployment's document alert list (``DOCSEC_ALERTS``), None when none is set.

    Loaded on first use and kept; loaded again only when the file's modification time or
    size changes (a lab replaces its extract in place). Raises :class:`ApiError` 503
    ``alerts_unavailable`` when the file cannot be read or a line is malformed: a document
    check is never made without a list the deployment promises.
    """
    settings: Settings = app.state.settings
    if settings.alerts is None:
        return None
    path = Path(settings.alerts)
    try:
        st = path.stat()
    except OSError as exc:
        raise _alerts_unavailable(path, f"cannot read {path.name}: {exc.strerror or exc}"
                                  ) from None
    stamp = (st.st_mtime_ns, st.st_size)

    def cached() -> DocumentAlerts | None:
        loaded: _LoadedAlerts | None = getattr(app.state, "deployment_alerts", None)
        ok = loaded is not None and loaded.path == path and loaded.stamp == stamp
        return loaded.alerts if ok and loaded is not None else None

    hit = cached()
    if hit is not None:
        return hit
    with _alerts_lock:
        hit = cached()
        if hit is not None:
            return hit
        try:
            alerts = read_alerts_file(path)
        except AlertListError as exc:
            raise _alerts_unavailable(path, str(exc)) from None
        app.state.deployment_alerts = _LoadedAlerts(path, stamp, alerts)
        log.info("document alert list %s loaded: %d records", path, len(alerts))
        return alerts


def parse_alert_list(data: bytes, where: str) -> DocumentAlerts:
    """An uploaded alert list (UTF-8 CSV, with or without a byte-order mark); 422
    ``invalid_alert_list`` naming ``where`` and the line when it cannot be read."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ApiError(422, f"{where}: not UTF-8 text (byte {exc.start}); save the list as "
                       "\"CSV UTF-8\"", code="invalid_alert_list") from None
    try:
        return read_alerts(io.StringIO(text, newline=""))
    except AlertListError as exc:
        raise ApiError(422, f"{where}: {exc}", code="invalid_alert_list") from None


def combined_alerts(deployment: DocumentAlerts | None,
                    uploaded: DocumentAlerts | None) -> DocumentAlerts | None:
    """One list holding the records of both (either alone when the other is None)."""
    if deployment is None or uploaded is None:
        return deployment if uploaded is None else uploaded
    return DocumentAlerts((*deployment.records, *uploaded.records))


def _alert_counts(deployment: DocumentAlerts | None,
                  uploaded: DocumentAlerts | None) -> dict[str, int] | None:
    if deployment is None and uploaded is None:
        return None
    return {"deployment": len(deployment) if deployment is not None else 0,
            "uploaded": len(uploaded) if uploaded is not None else 0}


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    _runner(app)
    # the deployment's alert list read at start: a bad one is in the log at once (and
    # document checks answer 503 until the file is fixed)
    with contextlib.suppress(ApiError):
        await run_in_threadpool(deployment_alerts, app)
    yield
    with _state_lock:
        runner: JobRunner | None = getattr(app.state, "job_runner", None)
        pool: _CheckPool | None = getattr(app.state, "check_pool", None)
        app.state.job_runner = app.state.check_pool = None
    if runner is not None:
        runner.close(wait=False)
    if pool is not None:
        pool.pool.shutdown(wait=False, cancel_futures=True)


router = APIRouter(tags=["lab"], lifespan=_lifespan)


# --- callers --------------------------------------------------------------------------------

#: How long a verified API key is trusted without a database look-up (a revoked key or a
#: disabled lab account is refused at the latest this long after the change).
KEY_CACHE_TTL_S = 10.0
_KEY_CACHE_MAX = 10_000
_api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False)
_bearer = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)


@dataclass(frozen=True, slots=True)
class LabCaller:
    """Who calls a lab route: the account, the API key used (None with a bearer token)."""

    user_id: str
    key_id: str | None
    rate_limit_per_min: int | None
    expires: float


def _verify(request: Request, api_key: str | None, token: str | None) -> LabCaller:
    db: Database = request.app.state.db
    with db.sessions() as session:
        client = lab_client(request, session, api_key, token)
        rate = None
        if client.key_id is not None:
            rate = session.scalar(select(ApiKey.rate_limit_per_min)
                                  .where(ApiKey.key_id == client.key_id))
        return LabCaller(client.user.id, client.key_id, rate,
                         time.monotonic() + KEY_CACHE_TTL_S)


async def lab_caller(
    request: Request,
    api_key: Annotated[str | None, Depends(_api_key_header)],
    token: Annotated[str | None, Depends(_bearer)],
) -> LabCaller:
    """A lab caller (:func:`service.auth.lab_client`), with verified API keys remembered for
    :data:`KEY_CACHE_TTL_S` seconds (by the key's SHA-256) and rate-limited on every call."""
    app: FastAPI = request.app
    cache: dict[str, LabCaller] | None = getattr(app.state, "lab_key_cache", None)
    if cache is None:
        cache = app.state.lab_key_cache = {}
    digest = hashlib.sha256(api_key.encode()).hexdigest() if api_key else None
    if digest is not None:
        hit = cache.get(digest)
        if hit is not None and hit.expires > time.monotonic() and hit.rate_limit_per_min:
            limiter: RateLimiter = app.state.limiter
            wait = limiter.hit(f"key:{hit.key_id}", hit.rate_limit_per_min)
            if wait:
                raise ApiError(429, f"rate limit of {hit.rate_limit_per_min} requests a minute "
                               "reached for this key",
                               headers={"Retry-After": str(math.ceil(wait))})
            return hit
    caller = await run_in_threadpool(_verify, request, api_key, token)
    if digest is not None and caller.key_id is not None:
        if len(cache) >= _KEY_CACHE_MAX:
            cache.clear()
        cache[digest] = caller
    return caller


Lab = Annotated[LabCaller, Depends(lab_caller)]


# --- the library calls --------------------------------------------------------------------


def _image_error(view: str, exc: ImageLoadError) -> ApiError:
    reason = str(exc.context.get("reason", "corrupt"))
    status = _IMAGE_STATUS.get(reason, 422)
    code = _IMAGE_CODES.get(reason, "corrupt_image")
    return ApiError(status, f"view {view!r}: {exc}", code=code)


def _load_views(blobs: Mapping[str, bytes], max_pixels: int, max_bytes: int
                ) -> dict[str, np.ndarray]:
    from docsec.imaging import load_image

    images: dict[str, np.ndarray] = {}
    for name, data in blobs.items():
        try:
            images[name] = load_image(data, max_pixels=max_pixels, max_bytes=max_bytes)
        except ImageLoadError as exc:
            raise _image_error(name, exc) from None
    return images


def _finding(f: Mapping[str, Any], view: str | None) -> dict[str, Any]:
    """A reading's finding in the report's finding shape."""
    message = f.get("message")
    return {
        "id": f["id"],
        "status": f["status"],
        "view": f.get("view", view),
        "region": f.get("region"),
        "score": f.get("score"),
        "threshold": f.get("threshold"),
        "message": message if isinstance(message, dict) else {"en": message or "", "ru": None},
        "field": f.get("field"),
        "positions": f.get("positions", []),
        "expected": f.get("expected"),
        "found": f.get("found"),
    }


def _reading_report(reading: Any, note: dict[str, str | None] | None) -> dict[str, Any]:
    out = reading.to_dict()
    mrz = out.get("mrz")
    document = out.get("document") or {}
    side = getattr(reading.page, "side", None) or "front"
    return {
        "scope": "reading",
        "verdict": None,
        "reasons": [note] if note else [],
        "model": document.get("model") if isinstance(document, dict) else None,
        "level": None,
        "findings": [_finding(f, "white") for f in (mrz or {}).get("findings", [])],
        "reading": {side: out},
        "registration": None,
        "timings_ms": {f"read_{k}": round(v, 2) for k, v in reading.timings_ms.items()},
    }


def document_report(blobs: Mapping[str, bytes], *, max_pixels: int, max_bytes: int,
                    reference_date: dt.date | None, viz: bool, level: int = 3,
                    registry: Any = None, alerts: DocumentAlerts | None = None,
                    alert_counts: Mapping[str, int] | None = None) -> dict[str, Any]:
    """Decode every view and inspect the document: the report of ``POST /check/document``.

    The full inspection (:func:`docsec.inspect.inspect_document`: every feature check, the
    data rules, the verdict) when the white view shows a document of a known model; else the
    reading of the white view (:func:`docsec.read.read_document`) and its findings, with
    the reason. ``alerts`` is the document alert list looked up (``document.alert``);
    ``alert_counts`` the records it came from, by source, for the report. Raises
    :class:`ApiError` (413/415/422) for a view that cannot be decoded.
    """
    from docsec.errors import RegionNotFound
    from docsec.inspect import inspect_document
    from docsec.read import read_document

    t0 = time.perf_counter()
    images = _load_views(blobs, max_pixels, max_bytes)
    t1 = time.perf_counter()
    ref = reference_date or dt.date.today()
    note: dict[str, str | None] | None = None
    try:
        inspection = inspect_document(images, level=level, reference_date=ref,
                                      registry=registry, viz=viz, alerts=alerts)
    except RegionNotFound as exc:
        note = {"id": "document.not_recognised", "en": str(exc), "ru": None}
    except Exception:  # a defect in a check must not cost the caller the reading
        log.exception("inspection failed")
        note = {"id": "inspection.failed",
                "en": "the feature checks could not run; the reading alone is given",
                "ru": None}
    if note is None:
        report: dict[str, Any] = dict(inspection.to_dict())
        report["scope"] = "inspection"
        report["timings_ms"] = {f"inspect_{k}": v for k, v in report["timings_ms"].items()}
    else:
        reading = read_document(images["white"], name="white", viz=viz, reference_date=ref)
        report = _reading_report(reading, note)
    report["views"] = {name: {"width": int(img.shape[1]), "height": int(img.shape[0])}
                       for name, img in images.items()}
    report["alert_lists"] = dict(alert_counts) if alert_counts is not None else None
    report["timings_ms"]["decode"] = round((t1 - t0) * 1000, 2)
    report["timings_ms"]["total"] = round((time.perf_counter() - t0) * 1000, 2)
    return report


def vin_report(text: str, registry: Any, reference_year: int | None) -> dict[str, Any]:
    """:func:`docsec.vin.check` of one VIN, as JSON."""
    from docsec.vin import check

    return check(text, registry=registry, reference_year=reference_year).to_dict()


def mrz_report(lines: list[str], reference_date: dt.date | None, typed: bool) -> dict[str, Any]:
    """:func:`docsec.mrz.parse` of MRZ lines, as JSON (NotAnMRZ for text that is no MRZ)."""
    from docsec.mrz import normalize_typed, parse

    if typed:
        lines = [normalize_typed(line) for line in lines]
    return parse(lines, reference_date=reference_date).to_dict()


# --- response and request bodies ----------------------------------------------------------


def _whole_number(value: Any) -> Any:
    """1963.0 is the integer 1963 (JSON Schema); a string or a bool stays refused."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


Year = Annotated[int, Strict(), Field(ge=1950, le=2100, description="inspection year"),
                 BeforeValidator(_whole_number)]


class ReportFinding(BaseModel):
    """One answered check (the shape of ``docsec check`` findings)."""

    id: str
    status: Literal["pass", "fail", "warn", "not_applicable", "error"]
    view: str | None
    region: dict[str, Any] | None
    score: float | None
    threshold: float | None
    message: dict[str, str | None]
    field: str | None = None
    positions: list[list[int]] = []
    expected: str | None = None
    found: str | None = None


class ViewInfo(BaseModel):
    """A view as received and decoded."""

    width: int
    height: int


class StoredUpload(BaseModel):
    """Where the uploaded views were kept (``keep=true``)."""

    id: str
    files: list[str]


class DocumentReport(BaseModel):
    """The answer of a document check (``docsec check --json`` shape)."""

    scope: Literal["reading", "inspection"] = Field(
        description="inspection: every feature check, the data rules and a verdict; reading: "
        "no document of a known model was recognised (or the checks could not run), so only "
        "the MRZ and visual zone were read and checked (the reason is in reasons)")
    verdict: Literal["accept", "refer", "reject"] | None
    reasons: list[dict[str, str | None]]
    model: str | None
    level: int | None
    reference_date: str | None = None
    findings: list[ReportFinding]
    reading: dict[str, Any] = Field(description="the reading of each side, by side")
    registration: dict[str, Any] | None
    views: dict[str, ViewInfo]
    alert_lists: dict[str, int] | None = Field(
        default=None, description="records of the document alert lists looked up, by source "
        "(deployment: DOCSEC_ALERTS; uploaded: the request's own); null when none was")
    timings_ms: dict[str, float]
    stored: StoredUpload | None = None


class VinCheckIn(BaseModel):
    """VINs (or pre-1981 chassis numbers) to check."""

    model_config = ConfigDict(extra="forbid")

    vins: list[Annotated[str, Field(max_length=200)]] = Field(min_length=1, max_length=1000)
    registry: bool = Field(default=True, strict=True,
                           description="search the stolen-vehicle registry")
    reference_year: Year | None = None


class VinResult(BaseModel):
    """One VIN's check (the JSON of ``docsec vin check``)."""

    input: str
    vin: str | None
    kind: Literal["vin", "chassis"]
    valid: bool
    errors: list[str]
    warnings: list[str]
    check_digit: dict[str, str | None]
    wmi: str | None
    region: str | None
    country: str | None
    manufacturer: str | None
    model_years: list[int]
    plant: str | None
    serial: str | None
    registry: dict[str, Any] | None
    suggestions: list[str]
    findings: list[dict[str, Any]]


class VinCheckOut(BaseModel):
    """The checks, in the order of the request."""

    results: list[VinResult]


class MrzCheckIn(BaseModel):
    """The lines of one machine-readable zone."""

    model_config = ConfigDict(extra="forbid")

    lines: list[Annotated[str, Field(max_length=100)]] = Field(min_length=1, max_length=3)
    reference_date: dt.date | None = Field(
        default=None, description="'today' for century inference and expiry")
    typed: bool = Field(default=False, strict=True,
                        description="typed input: fix Cyrillic look-alikes, case, spaces")


class MrzCheckOut(BaseModel):
    """The parsed zone: format, validity, fields and one finding per check."""

    format: str
    valid: bool
    lines: list[str]
    reference_date: str | None
    truncated_name: bool
    fields: dict[str, Any]
    findings: list[dict[str, Any]]


class BatchDocument(BaseModel):
    """One document's views, base64-encoded (as ``POST /check/document`` takes them)."""

    model_config = ConfigDict(extra="forbid")

    white: str = Field(max_length=BATCH_MAX_BODY, description="base64 image")
    uv365: str | None = Field(default=None, max_length=BATCH_MAX_BODY)
    uv254: str | None = Field(default=None, max_length=BATCH_MAX_BODY)
    ir: str | None = Field(default=None, max_length=BATCH_MAX_BODY)
    transmitted: str | None = Field(default=None, max_length=BATCH_MAX_BODY)
    tilt: list[str] = Field(default=[], max_length=8)
    vin_plate: str | None = Field(default=None, max_length=BATCH_MAX_BODY)


class BatchIn(BaseModel):
    """Checks to run in the background."""

    model_config = ConfigDict(extra="forbid")

    vins: list[Annotated[str, Field(max_length=200)]] = Field(default=[], max_length=10_000)
    mrz: list[Annotated[list[Annotated[str, Field(max_length=100)]],
                        Field(min_length=1, max_length=3)]] = Field(default=[],
                                                                    max_length=10_000)
    documents: list[BatchDocument] = Field(default=[], max_length=50)
    registry: bool = Field(default=True, strict=True)
    reference_date: dt.date | None = None
    reference_year: Year | None = None
    viz: bool = Field(default=False, strict=True)
    keep: bool = Field(default=False, strict=True,
                       description="keep the uploaded images after the job")
    alerts: str | None = Field(
        default=None, max_length=ALERTS_MAX_BYTES,
        description="a document alert list (lost, stolen and revoked documents) as CSV text, "
        "the columns of docsec check --alerts; looked up for every document of the batch, "
        "with the deployment's own list")


class JobError(BaseModel):
    """Why a job or an item failed."""

    code: str
    message: str


class BatchItem(BaseModel):
    """One item's outcome: its report, or the error that kept it from one."""

    index: int
    kind: Literal["vin", "mrz", "document"]
    report: dict[str, Any] | None
    error: JobError | None


class JobOut(BaseModel):
    """A job: its state, progress and, once done, its results."""

    id: str
    kind: str
    status: Literal["queued", "running", "done", "failed"]
    total: int
    done: int
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    results: list[BatchItem] | None
    error: JobError | None


# --- routes -------------------------------------------------------------------------------


async def _read_upload(upload: UploadFile, name: str, max_bytes: int, *,
                       what: str = "view", code: str = "image_too_large") -> bytes:
    size = upload.size
    if size is not None and size > max_bytes:
        raise ApiError(413, f"{what} {name!r} is {size} bytes, more than the limit of "
                       f"{max_bytes}", code=code)
    data = await upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ApiError(413, f"{what} {name!r} is more than the limit of {max_bytes} bytes",
                       code=code)
    return data


async def _run_check(app: FastAPI, work: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    pool = _check_pool(app)
    timeout = _job_settings(app).check_timeout_s
    if not pool.admitted.acquire(blocking=False):
        raise ApiError(503, "every check worker is busy; retry shortly", code="busy",
                       headers={"Retry-After": "1"})
    loop = asyncio.get_running_loop()
    future = loop.run_in_executor(pool.pool, work)
    future.add_done_callback(lambda _f: pool.admitted.release())
    try:
        return await asyncio.wait_for(asyncio.shield(future), timeout)
    except TimeoutError:
        raise ApiError(503, f"the check took longer than its limit of {timeout:g} s",
                       code="timeout", headers={"Retry-After": "5"}) from None


def _keep(settings: Settings, blobs: Mapping[str, bytes]) -> StoredUpload:
    from PIL import Image

    upload_id = os.urandom(16).hex()
    folder = settings.data_dir / "uploads" / upload_id
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for name, data in blobs.items():
        import io

        try:
            with Image.open(io.BytesIO(data)) as im:
                ext = _FORMAT_EXT.get(str(im.format), "bin")
        except Exception:  # decoded already: only the extension is at stake
            ext = "bin"
        target = folder / f"{name}.{ext}"
        target.write_bytes(data)
        files.append(target.name)
    return StoredUpload(id=upload_id, files=files)


@router.post(
    "/check/document",
    response_model=DocumentReport,
    responses=_UPLOAD_ERRORS,
    max_body_size=DOCUMENT_MAX_BODY,
    summary="Check a document from its views",
)
async def check_document(
    request: Request,
    client: Lab,
    white: Annotated[UploadFile, File(description="white-light view (required)")],
    uv365: Annotated[UploadFile | None, File(description="UV 365 nm view")] = None,
    uv254: Annotated[UploadFile | None, File(description="UV 254 nm view")] = None,
    ir: Annotated[UploadFile | None, File(description="infrared view")] = None,
    transmitted: Annotated[UploadFile | None, File(description="transmitted-light view")] = None,
    tilt: Annotated[list[UploadFile] | None, File(description="tilt frames, in order")] = None,
    vin_plate: Annotated[UploadFile | None, File(description="VIN plate photo")] = None,
    alerts: Annotated[UploadFile | None, File(
        description="document alert list (lost, stolen and revoked documents): CSV, UTF-8, "
        "the columns of docsec check --alerts; looked up with the deployment's own list")
    ] = None,
    reference_date: Annotated[dt.date | None, Form(description="'today' for expiry")] = None,
    level: Annotated[int, Form(ge=1, le=3, description="lights used: 1 white and UV 365; "
                               "2 also UV 254, IR, transmitted, tilt; 3 everything")] = 3,
    viz: Annotated[bool, Form(description="also read the visual zone (Tesseract)")] = True,
    keep: Annotated[bool, Form(description="keep the uploaded images")] = False,
) -> DocumentReport:
    """Decode every view, read the white one: the reading and its findings."""
    settings: Settings = request.app.state.settings
    max_bytes = settings.upload_max_bytes
    blobs: dict[str, bytes] = {"white": await _read_upload(white, "white", max_bytes)}
    for name, upload in (("uv365", uv365), ("uv254", uv254), ("ir", ir),
                         ("transmitted", transmitted),
                         ("vin_plate", vin_plate)):
        if upload is not None:
            blobs[name] = await _read_upload(upload, name, max_bytes)
    for k, upload in enumerate(tilt or (), start=1):
        blobs[f"tilt_{k}"] = await _read_upload(upload, f"tilt_{k}", max_bytes)
    del client
    uploaded = None
    if alerts is not None:
        data = await _read_upload(alerts, "alerts", ALERTS_MAX_BYTES, what="alert list",
                                  code="alert_list_too_large")
        uploaded = await run_in_threadpool(parse_alert_list, data, "alerts")
    listed = await run_in_threadpool(deployment_alerts, request.app)
    alert_list = combined_alerts(listed, uploaded)
    counts = _alert_counts(listed, uploaded)
    registry = _optional_registry(request.app)
    report = await _run_check(request.app, lambda: document_report(
        blobs, max_pixels=settings.upload_max_pixels, max_bytes=max_bytes,
        reference_date=reference_date, viz=viz, level=level, registry=registry,
        alerts=alert_list, alert_counts=counts))
    out = DocumentReport.model_validate(report)
    if keep:
        out.stored = _keep(settings, blobs)
    return out


@router.post(
    "/check/vin",
    response_model=VinCheckOut,
    responses=_TEXT_ERRORS,
    max_body_size=TEXT_MAX_BODY,
    summary="Check VINs and search the stolen-vehicle registry",
)
async def check_vin(request: Request, client: Lab, body: VinCheckIn) -> dict[str, Any]:
    """Validate and decode each VIN; search the registry (a hit is a lead, never a verdict)."""
    del client
    registry = get_registry(request) if body.registry else None

    def work() -> dict[str, Any]:
        return {"results": [vin_report(v, registry, body.reference_year) for v in body.vins]}

    if registry is None or (len(body.vins) <= 10 and registry.url.startswith("sqlite")):
        return work()  # a few local look-ups (about a millisecond each): no thread hop
    return await run_in_threadpool(work)


@router.post(
    "/check/mrz",
    response_model=MrzCheckOut,
    responses={413: _TEXT_ERRORS[413]},
    max_body_size=TEXT_MAX_BODY,
    summary="Parse and check a machine-readable zone",
)
async def check_mrz(client: Lab, body: MrzCheckIn) -> dict[str, Any]:
    """Parse the lines (TD1, TD2, TD3, MRV-A, MRV-B); 422 when the text is no MRZ at all."""
    del client
    try:
        return mrz_report(list(body.lines), body.reference_date, body.typed)
    except NotAnMRZ as exc:
        raise ApiError(422, f"not an MRZ: {exc}", code="not_an_mrz") from None


def _b64(text: str, where: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise ApiError(422, f"{where}: not valid base64", code="invalid_base64") from None


#: The batch's uploaded alert list, in its job folder.
_BATCH_ALERTS = "alerts.csv"


def _job_out(job: Job) -> JobOut:
    finished = job.status in ("done", "failed")
    return JobOut(
        id=job.id, kind=job.kind, status=job.status,  # type: ignore[arg-type]
        total=job.total, done=job.done, created_at=job.created_at,
        started_at=job.started_at, finished_at=job.finished_at,
        results=job.results if finished and job.results is not None else None,
        error=job.error,  # type: ignore[arg-type]
    )


@router.post(
    "/check/batch",
    response_model=JobOut,
    status_code=202,
    responses={413: _UPLOAD_ERRORS[413], 503: error_doc("Job queue full: retry later")},
    max_body_size=BATCH_MAX_BODY,
    summary="Queue a batch of checks",
)
def check_batch(request: Request, response: Response, client: Lab, body: BatchIn) -> JobOut:
    """Queue VIN, MRZ and document checks; poll ``GET /api/v1/jobs/{id}`` for the results."""
    app: FastAPI = request.app
    settings: Settings = app.state.settings
    limits = _job_settings(app)
    total = len(body.vins) + len(body.mrz) + len(body.documents)
    if total == 0:
        raise ApiError(422, "the batch is empty: give vins, mrz or documents",
                       code="invalid_request")
    if total > limits.batch_max_items:
        raise ApiError(413, f"{total} items, more than the limit of {limits.batch_max_items}")
    if len(body.documents) > limits.batch_max_documents:
        raise ApiError(413, f"{len(body.documents)} documents, more than the limit of "
                       f"{limits.batch_max_documents}")
    if body.alerts is not None:
        parse_alert_list(body.alerts.encode("utf-8"), "alerts")  # 422 before any work
    job_id = os.urandom(16).hex()
    folder = job_dir(settings.data_dir, job_id)
    documents = []
    for i, doc in enumerate(body.documents):
        views = {name: getattr(doc, name) for name in SINGLE_VIEWS if getattr(doc, name)}
        views.update({f"tilt_{k}": t for k, t in enumerate(doc.tilt, start=1)})
        names = {}
        for name, text in views.items():
            data = _b64(text, f"documents[{i}].{name}")
            if len(data) > settings.upload_max_bytes:
                raise ApiError(413, f"documents[{i}].{name} is {len(data)} bytes, more than "
                               f"the limit of {settings.upload_max_bytes}",
                               code="image_too_large")
            target = folder / str(i) / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            names[name] = f"{i}/{name}"
        documents.append(names)
    if body.alerts is not None:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / _BATCH_ALERTS).write_text(body.alerts, encoding="utf-8", newline="")
    payload = {
        "vins": list(body.vins),
        "mrz": [list(lines) for lines in body.mrz],
        "documents": documents,
        "registry": body.registry,
        "reference_date": body.reference_date.isoformat() if body.reference_date else None,
        "reference_year": body.reference_year,
        "viz": body.viz,
        "alerts": _BATCH_ALERTS if body.alerts is not None else None,
        "max_pixels": settings.upload_max_pixels,
        "max_bytes": settings.upload_max_bytes,
    }
    runner = _runner(app)
    job = create_job(app.state.db, owner_id=client.user_id, kind="check.batch",
                     request=payload, total=total, keep_files=body.keep, job_id=job_id)
    try:
        runner.submit(job.id)
    except QueueFull as exc:
        with app.state.db.session() as s:
            s.query(Job).filter(Job.id == job.id).delete()
        import shutil

        shutil.rmtree(folder, ignore_errors=True)
        raise ApiError(503, f"the job queue is full ({exc}); retry later", code="busy",
                       headers={"Retry-After": "10"}) from None
    response.headers["Location"] = f"/api/v1/jobs/{job.id}"
    return _job_out(job)


@router.get("/jobs/{job_id}", response_model=JobOut, summary="A job's state and results")
def get_job(request: Request, client: Lab, job_id: str) -> JobOut:
    """The job, if it is the caller's (404 otherwise)."""
    db: Database = request.app.state.db
    with db.session() as s:
        job = s.get(Job, job_id)
        if job is None or job.owner_id != client.user_id:
            raise ApiError(404, "no such job")
        s.expunge(job)
    return _job_out(job)


# --- the batch handler --------------------------------------------------------------------


def _item_error(exc: Exception) -> dict[str, str]:
    if isinstance(exc, ApiError):
        return {"code": exc.code, "message": str(exc.detail)}
    if isinstance(exc, NotAnMRZ):
        return {"code": "not_an_mrz", "message": f"not an MRZ: {exc}"}
    code = getattr(exc, "code", None)
    return {"code": code if isinstance(code, str) else "check_failed", "message": str(exc)}


def run_batch(request: dict[str, Any], files: Path, progress: Callable[[int], None],
              context: Mapping[str, Any]) -> list[Any]:
    """Run every check of a batch job; one outcome per item, in request order."""
    from docsec.errors import DocsecError

    ref_date = (dt.date.fromisoformat(request["reference_date"])
                if request.get("reference_date") else None)
    registry = None
    if request.get("registry"):
        try:
            registry = context["registry"]()
        except ApiError:  # no registry: VINs are checked without it, and say so
            registry = None
    out: list[dict[str, Any]] = []

    def run(kind: str, fn: Callable[[], dict[str, Any]]) -> None:
        try:
            out.append({"index": len(out), "kind": kind, "report": fn(), "error": None})
        except (DocsecError, ApiError) as exc:
            out.append({"index": len(out), "kind": kind, "report": None,
                        "error": _item_error(exc)})
        if len(out) % 100 == 0 or kind == "document":
            progress(len(out))

    for vin in request.get("vins", []):
        run("vin", functools.partial(vin_report, vin, registry, request.get("reference_year")))
    for lines in request.get("mrz", []):
        run("mrz", functools.partial(mrz_report, lines, ref_date, False))
    uploaded: DocumentAlerts | None = None
    if request.get("documents") and request.get("alerts"):
        uploaded = parse_alert_list((files / str(request["alerts"])).read_bytes(), "alerts")
    for doc in request.get("documents", []):
        def check(d: Mapping[str, str] = doc) -> dict[str, Any]:
            listed = context["alerts"]() if "alerts" in context else None
            blobs = {name: (files / rel).read_bytes() for name, rel in d.items()}
            return document_report(blobs, max_pixels=int(request["max_pixels"]),
                                   max_bytes=int(request["max_bytes"]),
                                   reference_date=ref_date, viz=bool(request.get("viz")),
                                   registry=registry, alerts=combined_alerts(listed, uploaded),
                                   alert_counts=_alert_counts(listed, uploaded))

        run("document", check)
    return out


register("check.batch", run_batch)
