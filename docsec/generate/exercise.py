"""Exercise sets: documents and vehicles with planted defects, captures, and two packages.

An exercise is chosen by topic (``document``, ``vehicle``, ``mixed``), the trainee's level
(1-3: the tools the trainee gets: :data:`LEVEL_TOOLS`: lights, a loupe, magnified views),
the capture
difficulty (1 clean flatbed scan, 2 degraded scan, 3 hard phone photo), the defects' highest
difficulty, a count and a forgery rate (the instructor's base rate: exactly
``round(count * rate)`` items carry a defect, so signal-detection scores are meaningful).
One seed gives byte-identical files; without a seed every exercise gets a fresh secret one.

:func:`generate_exercise` makes an exercise in memory and writes nothing (an
:class:`ExerciseSet`: items, answer key as data, trainee manifest and files);
:func:`write_exercise` writes it all at once; :func:`make_exercise` does both, writing each
file as soon as it is encoded (one item's views in memory at a time).

Files written under ``out``:

* ``trainee/``: what trainees get, and nothing else:
  ``<item>/<view>.png`` for every view the trainee's level allows (``uv254`` from level 2;
  ``loupe_<region>`` and, at level 3, ``mag_<region>`` for the same regions of every item of
  a model; with the examination device's sensor noise; stored uncompressed, so a file's size
  depends only on the view's dimensions) and, for documents with a portrait,
  ``traveller.png`` (a photo of the person presenting it); ``<item>/capture_<view>.jpg`` for
  the captured white light (both sides, and the VIN plate of a vehicle); ``registry.csv``,
  the mock stolen-vehicle registry extract (vehicle and mixed topics) where planted records
  have the format of the others; and ``manifest.json``: the exercise's public id, its
  reference date ("today"), the tools given, item ids and file paths. No seed, no
  parameters, no answers;
* ``instructor/answer_key.json``: the seed, the parameters, and per item ``id``, ``model``,
  ``format``, ``files``, ``mrz`` (as printed), ``fields``, ``genuine`` and ``defects`` (``id``,
  ``views``, ``region``, ``regions`` in view and in capture coordinates, ``checks``, feedback).

Drilling multi-document scenarios (:mod:`docsec.generate.bundles`) makes every item a
multi-document item: each document's files are prefixed with its role (``passport_white.png``,
``visa_capture_white.jpg``) and the item's answer says which document carries the forgery
(``defect_document``), with each document's own answer under ``documents``.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime
import functools
import io
import json
import secrets
import struct
import zlib
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any, Literal

import cv2
import numpy as np
from numpy.typing import NDArray
from PIL import Image

from docsec.errors import InvalidComponent, OutputError
from docsec.generate.bundles import BundleItem, bundle_scenarios, bundles, make_bundle
from docsec.generate.capture import Capture, capture, project_xy
from docsec.generate.defects import (
    DefectSpec,
    ScenarioSpec,
    applicable,
    catalogue,
    revealed_with,
    scenario_applicable,
    scenarios,
)
from docsec.generate.document import SyntheticDocument, make_document
from docsec.generate.reference import model_reference_files
from docsec.generate.regions import LOUPE_REGIONS, REGIONS, RegionView, region_views
from docsec.generate.render import view_family, view_names
from docsec.models import FANTASY_MODEL_IDS, MODEL_IDS, get_model
from docsec.outdir import check_target, staged_folder

__all__ = [
    "INSTRUCTOR_DIR",
    "LEVEL_TOOLS",
    "TOPICS",
    "FIXED_MAGNIFIED",
    "TRAINEE_DIR",
    "ExerciseItem",
    "ExerciseSet",
    "FileSink",
    "capture_bytes",
    "capture_file",
    "default_magnified",
    "device_noise",
    "document_alerts_csv",
    "generate_exercise",
    "jpeg_bytes",
    "make_exercise",
    "new_seed",
    "png_bytes",
    "registry_csv",
    "save_capture",
    "save_jpeg",
    "save_png",
    "write_document_alerts",
    "write_exercise",
    "write_registry",
]

Topic = Literal["document", "vehicle", "mixed"]
TOPICS: Mapping[str, tuple[str, ...]] = {
    "document": tuple(m for m in MODEL_IDS if m != "uto_vehicle_registration"),
    "vehicle": ("uto_vehicle_registration",),
    "mixed": MODEL_IDS,
}
TRAINEE_DIR = "trainee"
INSTRUCTOR_DIR = "instructor"
#: The tools a trainee of each level gets (DOMAIN.md §5): first line (1) white light, UV
#: 365 nm and a loupe (``loupe_<region>`` views: :data:`~docsec.generate.regions.
#: LOUPE_REGIONS` at 8 times the views' dpi); second line (2) adds infrared, transmitted
#: light, tilt and UV 254 nm; level 3 adds magnified views (``mag_<region>`` at
#: :data:`~docsec.generate.regions.MAG_DPI`) of the regions the instructor chooses and the
#: models' reference sheets (:data:`REFERENCE_LEVEL`).
LEVEL_TOOLS: Mapping[int, frozenset[str]] = {
    1: frozenset({"white", "uv365", "loupe"}),
    2: frozenset({"white", "uv365", "loupe", "ir", "transmitted", "tilt", "uv254"}),
    3: frozenset({"white", "uv365", "loupe", "ir", "transmitted", "tilt", "uv254", "mag"}),
}
#: From this trainee level on, the package holds the reference sheet of every model of the
#: topic (:mod:`docsec.generate.reference`), at :data:`REFERENCE_DPI`.
REFERENCE_LEVEL = 3
REFERENCE_DPI = 150
_CAPTURE: Mapping[int, tuple[Literal["scan", "photo"], Literal[1, 2, 3]]] = {
    1: ("scan", 1),
    2: ("scan", 2),
    3: ("photo", 3),
}
_REGISTRY_FIELDS = (
    "vin", "make", "model", "colour", "year", "plate", "plate_country", "engine_number",
    "reporting_country", "date_reported", "case_ref", "status",
)  # fmt: skip


def save_png(image: NDArray[np.uint8], path: Path, *, compress_level: int = 0) -> None:
    """Write a PNG with a fixed compression level and no metadata (byte-identical reruns).

    Level 0 (exercise views) stores the unfiltered rows without compression: the size of a
    file is then a function of the image's width, height and channels only, so it cannot give
    away what is printed (a planted defect), and nothing is spent compressing sensor noise,
    which deflate shrinks by only a quarter at its fastest level. Level 1 deflates the same
    rows at zlib's fastest level. Higher levels use Pillow's encoder (smaller files, for
    committed samples).
    """
    if compress_level > 1:
        Image.fromarray(image).save(path, format="PNG", compress_level=compress_level)
        return
    path.write_bytes(png_bytes(image, compress_level=compress_level))


def png_bytes(image: NDArray[np.uint8], *, compress_level: int = 0) -> bytes:
    """The PNG file of :func:`save_png` at level 0 (stored) or 1 (zlib's fastest), as bytes."""
    if compress_level not in (0, 1):
        raise InvalidComponent(f"compress level must be 0 or 1, got {compress_level}")
    rows, cols = image.shape[:2]
    channels = 1 if image.ndim == 2 else image.shape[2]
    raw = np.empty((rows, cols * channels + 1), np.uint8)
    raw[:, 0] = 0  # filter type None for every row
    raw[:, 1:] = image.reshape(rows, cols * channels)
    colour_type = {1: 0, 3: 2, 4: 6}[channels]
    header = struct.pack(">IIBBBBB", cols, rows, 8, colour_type, 0, 0, 0)

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(
            ">I", zlib.crc32(tag + data) & 0xFFFFFFFF
        )

    body = zlib.compress(raw.data, compress_level)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body)
            + chunk(b"IEND", b""))


def save_jpeg(image: NDArray[np.uint8], path: Path, *, quality: int = 90) -> None:
    """Write a baseline JPEG with fixed settings and no metadata (byte-identical reruns)."""
    path.write_bytes(jpeg_bytes(image, quality=quality))


def jpeg_bytes(image: NDArray[np.uint8], *, quality: int = 90) -> bytes:
    """The JPEG file of :func:`save_jpeg`, as bytes."""
    buf = io.BytesIO()
    Image.fromarray(image).save(buf, format="JPEG", quality=quality, optimize=False,
                                progressive=False, subsampling=2)
    return buf.getvalue()


@dataclasses.dataclass(frozen=True, slots=True)
class ExerciseItem:
    """One item of an exercise: its answer-key entry and trainee-manifest entry."""

    id: str
    answer: Mapping[str, Any]
    manifest: Mapping[str, Any]


@dataclasses.dataclass(frozen=True, slots=True)
class ExerciseSet:
    """A generated exercise: its items, the answer key as data and the trainee manifest.

    ``answer_key`` and ``manifest`` are the contents of ``instructor/answer_key.json`` and
    ``trainee/manifest.json``, so a service can store the key in its database and serve only
    the trainee package. ``files`` holds the trainee package's other files (path in the
    package -> bytes) of an exercise generated in memory (:func:`generate_exercise`); ``out``
    is the folder it was written to (:func:`write_exercise`, :func:`make_exercise`), None
    while it is only in memory.
    """

    out: Path | None
    items: tuple[ExerciseItem, ...]
    answer_key: Mapping[str, Any]
    manifest: Mapping[str, Any]
    files: Mapping[str, bytes] = dataclasses.field(default_factory=dict)

    def _written(self) -> Path:
        if self.out is None:
            raise OutputError("the exercise has not been written: use write_exercise")
        return self.out

    @property
    def trainee_dir(self) -> Path:
        """The trainee package (:class:`~docsec.errors.OutputError` if not written)."""
        return self._written() / TRAINEE_DIR

    @property
    def instructor_dir(self) -> Path:
        """The instructor package (:class:`~docsec.errors.OutputError` if not written)."""
        return self._written() / INSTRUCTOR_DIR

    def to_dict(self) -> dict[str, object]:
        """JSON-ready summary (no pixels, no answers)."""
        written = self.out is not None
        return {
            "out": str(self.out) if written else None,
            "trainee": str(self.trainee_dir) if written else None,
            "instructor": str(self.instructor_dir) if written else None,
            "items": len(self.items),
            "exercise": self.manifest["exercise"],
        }


def new_seed() -> int:
    """A fresh secret seed (63 bits from the operating system's CSPRNG)."""
    return secrets.randbits(63)


def _pick_forgery(model_id: str, defect_level: int, tools: frozenset[str],
                  rng: np.random.Generator) -> tuple[tuple[str, ...], str | None]:
    """Defects and scenario of a forged item: a forgery scenario half the time when one fits
    the model and the trainee's tools, otherwise a single-defect drill."""
    model = get_model(model_id)
    cats = scenarios()
    fitting = [s for s in _scenarios_for(model_id)
               if cats[s].difficulty <= defect_level and revealed_with(cats[s], tools)]
    if fitting and rng.random() < SCENARIO_SHARE:
        return (), fitting[int(rng.integers(len(fitting)))]
    specs = catalogue()
    ids = [d for d in applicable(model)
           if specs[d].difficulty <= defect_level and revealed_with(specs[d], tools)]
    if not ids:
        ids = [d for d in applicable(model) if revealed_with(specs[d], tools)]
    # Favour defects of the exercise's own difficulty (level 1 = obvious ones only).
    weights = np.asarray([3.0 if specs[d].difficulty == defect_level else 1.0 for d in ids])
    return (ids[int(rng.choice(len(ids), p=weights / weights.sum()))],), None


#: Share of forged items that carry a whole forgery scenario rather than one defect.
SCENARIO_SHARE = 0.5


def _scenarios_for(model_id: str) -> list[str]:
    """Scenarios for an item drawn as ``model_id``: the model's own, and those of a fantasy
    document of the same kind (the item then becomes that fantasy document)."""
    kind = get_model(model_id).kind
    out = list(scenario_applicable(get_model(model_id)))
    for fantasy in FANTASY_MODEL_IDS:
        if get_model(fantasy).kind == kind:
            out += [s for s in scenario_applicable(get_model(fantasy)) if s not in out]
    return out


def _applies(drill: str, model_id: str) -> bool:
    model = get_model(model_id)
    return drill in applicable(model) or drill in scenario_applicable(model)


def _model_for(drill: str, model_id: str) -> str:
    """``model_id``, or the fantasy model of its kind that a fantasy defect or scenario
    needs."""
    if _applies(drill, model_id):
        return model_id
    kind = get_model(model_id).kind
    return next(m for m in FANTASY_MODEL_IDS
                if get_model(m).kind == kind and _applies(drill, m))


def _fits(drill: str, model_id: str) -> bool:
    kind = get_model(model_id).kind
    return _applies(drill, model_id) or any(
        get_model(m).kind == kind and _applies(drill, m) for m in FANTASY_MODEL_IDS)


def _region_in_capture(poly: Sequence[Sequence[float]], homography: NDArray[np.float64],
                       ) -> list[list[float]]:
    pts = project_xy(np.asarray(poly, np.float64), homography)
    return [[round(float(x), 1), round(float(y), 1)] for x, y in pts]


def _collect_listings(doc: SyntheticDocument, registry_rows: list[dict[str, Any]],
                      alerts: list[dict[str, Any]]) -> None:
    """Add the document's planted stolen-vehicle record and document alert, if any, to the
    exercise's registry and alert extracts."""
    record = (doc.vehicle or {}).get("registry_record")
    if isinstance(record, Mapping):
        registry_rows.append(dict(record))
    if doc.alert is not None:
        alerts.append(dict(doc.alert))


def _check_level(name: str, value: int) -> None:
    if value not in (1, 2, 3):
        raise InvalidComponent(f"{name} must be 1, 2 or 3, got {value!r}")


@dataclasses.dataclass(frozen=True, slots=True)
class _Params:
    """An exercise's checked parameters."""

    topic: str
    level: int
    capture_level: int
    defect_level: int
    count: int
    forgery_rate: float
    seed: int
    drills: tuple[str, ...]
    reference_date: datetime.date
    dpi: int
    magnify: tuple[str, ...] = ()


def _params(*, topic: str, level: int, count: int, forgery_rate: float, seed: int | None,
            capture_level: int | None, defect_level: int | None, drills: Sequence[str] | None,
            reference_date: datetime.date | None, dpi: int,
            magnify: Sequence[str] | None = None) -> _Params:
    """Check the parameters of an exercise (raising :class:`InvalidComponent`); draw a fresh
    secret seed when none is given."""
    if topic not in TOPICS:
        raise InvalidComponent(f"topic must be one of {sorted(TOPICS)}, got {topic!r}")
    _check_level("level", level)
    cap_choice = level if capture_level is None else capture_level
    defect_choice = level if defect_level is None else defect_level
    _check_level("capture level", cap_choice)
    _check_level("defect level", defect_choice)
    if not 1 <= count <= 1000:
        raise InvalidComponent(f"count must be between 1 and 1000, got {count}")
    if not 0.0 <= forgery_rate <= 1.0:
        raise InvalidComponent(f"forgery rate must be between 0 and 1, got {forgery_rate}")
    if not 50 <= dpi <= 1200:
        raise InvalidComponent(f"dpi must be between 50 and 1200, got {dpi}")
    drill_ids = tuple(drills or ())
    specs: dict[str, DefectSpec | ScenarioSpec] = {**catalogue(), **scenarios()}
    multi = bundle_scenarios()
    if any(d in multi for d in drill_ids):
        # multi-document items: every item is one, so their presence says nothing
        for d in drill_ids:
            if d not in multi:
                raise InvalidComponent(f"{d!r}: multi-document scenarios are drilled alone "
                                       "(every item of the exercise is a multi-document item)")
            models_needed = {m for _, m in bundles()[multi[d].bundle].documents}
            if not models_needed <= set(TOPICS[topic]):
                raise InvalidComponent(f"{d!r} needs models outside topic {topic!r}")
            if not multi[d].revealed_with(LEVEL_TOOLS[level]):
                raise InvalidComponent(f"{d!r} cannot be found with the tools of level {level}")
        drill_ids = tuple(dict.fromkeys(drill_ids))
    for d in (x for x in drill_ids if x not in multi):
        if d not in specs:
            raise InvalidComponent(f"unknown defect or scenario {d!r}; docsec generate --list "
                                   "shows them")
        if not any(_fits(d, m) for m in TOPICS[topic]):
            raise InvalidComponent(f"{d!r} applies to no model of topic {topic!r}")
        if not revealed_with(specs[d], LEVEL_TOOLS[level]):
            raise InvalidComponent(
                f"{d!r} cannot be found with the tools of level {level} "
                f"({', '.join(sorted(LEVEL_TOOLS[level]))})")
    regions = default_magnified() if magnify is None else tuple(dict.fromkeys(magnify))
    for r in regions:
        if r not in REGIONS:
            raise InvalidComponent(f"unknown region {r!r} to magnify; regions: "
                                   f"{', '.join(REGIONS)}")
    return _Params(topic=topic, level=level, capture_level=cap_choice,
                   defect_level=defect_choice, count=count, forgery_rate=forgery_rate,
                   seed=new_seed() if seed is None else seed, drills=drill_ids,
                   reference_date=reference_date or datetime.date(2026, 1, 15), dpi=dpi,
                   magnify=regions)


#: Regions magnified for every item whatever its defects (level 3), beside those the
#: catalogue's magnification-revealed defects declare (:func:`default_magnified`).
FIXED_MAGNIFIED = ("portrait",)
#: The region a feature-state or effect of a defect shows up in, when magnified.
_EFFECT_REGION = {"microprint": "microprint", "rainbow": "rainbow", "guilloche": "guilloche",
                  "personalisation_ink": "personalisation"}


def default_magnified() -> tuple[str, ...]:
    """The regions magnified when the instructor names none: the fixed set and every region
    a defect of the catalogue revealed by magnification declares, the same for every item,
    so which views an item has says nothing about its defects."""
    out = list(FIXED_MAGNIFIED)
    for spec in catalogue().values():
        if "mag" not in spec.reveal_views:
            continue
        for e in spec.effects:
            region = _EFFECT_REGION.get(str(e.params.get("feature", e.name)))
            if region is not None and region not in out:
                out.append(region)
    return tuple(r for r in REGIONS if r in out)


#: Receives each file of the trainee package: its path in the package and its bytes (called
#: from worker threads, every path once).
FileSink = Callable[[str, bytes], None]


def _generate(p: _Params, put: FileSink, progress: Callable[[int, int], None] | None,
              ) -> tuple[tuple[ExerciseItem, ...], dict[str, Any], dict[str, Any]]:
    """Generate the exercise of ``p``: hand every trainee file to ``put``; return the items,
    the trainee manifest and the answer key."""
    seq = np.random.SeedSequence(p.seed)
    plan_seq, registry_seq, *item_seqs = seq.spawn(p.count + 2)
    plan_rng = np.random.default_rng(plan_seq)
    # The exercise's public name: drawn from the seed, shows nothing of it.
    exercise_id = plan_rng.bytes(8).hex()
    models = TOPICS[p.topic]
    n_forged = round(p.count * p.forgery_rate)
    forged = set(plan_rng.permutation(p.count)[:n_forged].tolist())
    tools = LEVEL_TOOLS[p.level]
    kind, cap_level = _CAPTURE[p.capture_level]
    registry_rows: list[dict[str, Any]] = []
    alerts: list[dict[str, Any]] = []
    # Capturing (OpenCV) and encoding (zlib, libjpeg) release the GIL: captures and files are
    # made by worker threads while the next document renders. Every capture has its own seed
    # and every file its own path, so the bytes do not depend on the threads' order.
    with ThreadPoolExecutor(max_workers=3) as pool:
        pending: list[Future[Any]] = []
        builders: list[Callable[[], ExerciseItem]] = []
        bundle_drills = [d for d in p.drills if d in bundle_scenarios()]
        for i in range(p.count):
            item_rng = np.random.default_rng(item_seqs[i])
            doc_seed, defect_seed, capture_seed, noise_seed = (
                int(x) for x in item_rng.integers(0, 2**63, 4))
            item_id = f"item-{i + 1:03d}"
            if bundle_drills:
                # every item is a multi-document item of a drilled kind, genuine or not
                drill = bundle_drills[int(plan_rng.integers(len(bundle_drills)))]
                bsc = bundle_scenarios()[drill]
                bundle_item = make_bundle(
                    bsc.bundle, rng=doc_seed, reference_date=p.reference_date, dpi=p.dpi,
                    scenario=drill if i in forged else None,
                    views=lambda m: _views_for(m, tools),
                    regions=lambda m: _regions_for(m, tools, p.magnify, p.dpi), traveller=True)
                builders.append(_queue_bundle(put, item_id, bundle_item, kind, cap_level,
                                              capture_seed, noise_seed, pool, pending))
                for _, bdoc in bundle_item.documents:
                    _collect_listings(bdoc, registry_rows, alerts)
                if progress is not None:
                    progress(i + 1, p.count)
                continue
            model_id = models[int(plan_rng.integers(len(models)))]
            defects: tuple[str, ...] = ()
            scenario: str | None = None
            if i in forged and p.drills:
                drill = p.drills[int(plan_rng.integers(len(p.drills)))]
                fits = [m for m in models if _fits(drill, m)]
                model_id = fits[int(plan_rng.integers(len(fits)))]
                if drill in catalogue():
                    defects = (drill,)
                else:
                    scenario = drill
                model_id = _model_for(drill, model_id)
            elif i in forged:
                defects, scenario = _pick_forgery(model_id, p.defect_level, tools,
                                                  np.random.default_rng(defect_seed))
                if scenario is not None:
                    model_id = _model_for(scenario, model_id)
            doc = make_document(model_id, rng=doc_seed, defects=defects,
                                reference_date=p.reference_date, dpi=p.dpi,
                                views=_views_for(model_id, tools), scenario=scenario,
                                traveller=True,
                                regions=_regions_for(model_id, tools, p.magnify, p.dpi))
            builders.append(_queue_item(put, item_id, doc, kind, cap_level, capture_seed,
                                        noise_seed, pool, pending))
            _collect_listings(doc, registry_rows, alerts)
            if progress is not None:
                progress(i + 1, p.count)
        for fut in pending:
            fut.result()
        items = tuple(build() for build in builders)
    files_common: dict[str, str] = {}
    if p.topic in ("vehicle", "mixed"):
        files_common["registry"] = "registry.csv"
        put("registry.csv", registry_csv(registry_rows, np.random.default_rng(registry_seq),
                                         reference_date=p.reference_date).encode())
    if p.topic in ("document", "mixed"):
        files_common["document_alerts"] = "document_alerts.csv"
        put("document_alerts.csv", document_alerts_csv(
            alerts, np.random.default_rng(registry_seq.spawn(1)[0]),
            reference_date=p.reference_date).encode())
    if p.level >= REFERENCE_LEVEL:
        # The genuine specimen of every model of the topic, numbered (the same for every
        # exercise, so it says nothing about the items).
        for model_id in models:
            rel = f"reference/{model_id}"
            for name, data in model_reference_files(model_id, REFERENCE_DPI).items():
                put(f"{rel}/{name}", data)
            files_common[f"reference_{model_id}"] = f"{rel}/index.html"
    manifest = {
        "exercise": exercise_id,
        "reference_date": p.reference_date.isoformat(),
        "views": sorted(tools),
        "files": files_common,
        "items": [dict(it.manifest) for it in items],
    }
    parameters = {
        "topic": p.topic,
        "level": p.level,
        "capture_level": p.capture_level,
        "defect_level": p.defect_level,
        "count": p.count,
        "forgery_rate": p.forgery_rate,
        "reference_date": p.reference_date.isoformat(),
        "dpi": p.dpi,
        "capture": {"kind": kind, "level": cap_level},
        "magnify": list(p.magnify) if "mag" in tools else [],
    }
    answer_key = {
        "exercise": exercise_id,
        "seed": p.seed,
        "parameters": parameters,
        **parameters,
        "forged": n_forged,
        "items": [dict(it.answer) for it in items],
    }
    return items, manifest, answer_key


def generate_exercise(
    *,
    topic: str,
    level: int,
    count: int,
    forgery_rate: float,
    seed: int | None = None,
    capture_level: int | None = None,
    defect_level: int | None = None,
    drills: Sequence[str] | None = None,
    reference_date: datetime.date | None = None,
    dpi: int = 200,
    progress: Callable[[int, int], None] | None = None,
    magnify: Sequence[str] | None = None,
) -> ExerciseSet:
    """Generate an exercise in memory, writing nothing: the trainee package's files
    (:attr:`ExerciseSet.files`), its manifest and the answer key as data.

    :func:`write_exercise` writes it; :func:`make_exercise` does both while keeping only one
    item's views in memory at a time (the trainee files of an item take about the raw size of
    its views: some 10 MB at 200 dpi). Parameters as for :func:`make_exercise`.

    Raises
    ------
    InvalidComponent
        For an unknown topic or drill, or an out-of-range level, count, rate or dpi.
    """
    p = _params(topic=topic, level=level, count=count, forgery_rate=forgery_rate, seed=seed,
                capture_level=capture_level, defect_level=defect_level, drills=drills,
                reference_date=reference_date, dpi=dpi, magnify=magnify)
    files: dict[str, bytes] = {}
    items, manifest, answer_key = _generate(p, files.__setitem__, progress)
    return ExerciseSet(out=None, items=items, answer_key=answer_key, manifest=manifest,
                       files={k: files[k] for k in sorted(files)})


def write_exercise(ex: ExerciseSet, out: Path | str, *, force: bool = False) -> ExerciseSet:
    """Write a generated exercise (:func:`generate_exercise`) under ``out``: ``trainee/`` (its
    files and ``manifest.json``) and ``instructor/answer_key.json``; return it with ``out``.

    Written all at once (:func:`docsec.outdir.staged_folder`): ``out`` must be absent or empty
    unless ``force``; an error or an interrupt leaves it as it was.

    Raises
    ------
    OutputError
        ``out`` is a file, a non-empty folder without ``force``, or cannot be written.
    """
    root = check_target(out, force=force)
    with staged_folder(root, force=force) as stage:
        put = _folder_sink(stage / TRAINEE_DIR)
        for rel, data in ex.files.items():
            put(rel, data)
        _write_packages(stage, ex.manifest, ex.answer_key)
    return dataclasses.replace(ex, out=root)


def _folder_sink(folder: Path) -> FileSink:
    """A :data:`FileSink` writing into ``folder`` (sub-folders created as needed)."""
    folder.mkdir(exist_ok=True)

    def put(rel: str, data: bytes) -> None:
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)

    return put


def _write_packages(stage: Path, manifest: Mapping[str, Any],
                    answer_key: Mapping[str, Any]) -> None:
    """The trainee manifest and the instructor's answer key, in their two folders."""
    (stage / TRAINEE_DIR).mkdir(exist_ok=True)
    (stage / INSTRUCTOR_DIR).mkdir(exist_ok=True)
    _write_json(stage / TRAINEE_DIR / "manifest.json", manifest)
    _write_json(stage / INSTRUCTOR_DIR / "answer_key.json", answer_key)


def make_exercise(
    *,
    topic: str,
    level: int,
    count: int,
    forgery_rate: float,
    out: Path | str,
    seed: int | None = None,
    capture_level: int | None = None,
    defect_level: int | None = None,
    drills: Sequence[str] | None = None,
    reference_date: datetime.date | None = None,
    dpi: int = 200,
    progress: Callable[[int, int], None] | None = None,
    force: bool = False,
    magnify: Sequence[str] | None = None,
) -> ExerciseSet:
    """Generate an exercise and write its trainee and instructor packages under ``out``.

    The same files as ``write_exercise(generate_exercise(...), out)``, written as they are
    encoded, so only the item being made is held in memory (:attr:`ExerciseSet.files` of the
    result is empty).

    Parameters
    ----------
    topic : {"document", "vehicle", "mixed"}
    level : {1, 2, 3}
        The trainee's level: the tools (lights) the trainee package holds (:data:`LEVEL_TOOLS`);
        also the default of ``capture_level`` and ``defect_level``.
    count : int
        Number of items (1-1000).
    forgery_rate : float
        Fraction of items with a planted defect (0-1); exactly ``round(count * rate)``.
    out : path
        Output directory (``trainee/`` and ``instructor/`` are created in it). Written all at
        once (:func:`docsec.outdir.staged_folder`): it must be absent or empty unless
        ``force``, which replaces its content; an error or an interrupt leaves it as it was.
    seed : int, optional
        The exercise's seed (same seed, same bytes). When None, a fresh secret seed is drawn;
        it is written only to the instructor package.
    capture_level : {1, 2, 3}, optional
        Capture difficulty: 1 clean flatbed scan, 2 degraded scan, 3 hard phone photo.
    defect_level : {1, 2, 3}, optional
        Highest difficulty of the planted defects.
    drills : sequence of str, optional
        Defect IDs to drill: forged items carry one of these (on a model it applies to)
        instead of a defect drawn from the catalogue by difficulty.
    reference_date : datetime.date, optional
        The exercise's "today" (default 2026-01-15); trainees get it in the manifest.
    dpi : int
        Resolution of the views (50-1200).
    progress : callable, optional
        Called with ``(done, total)`` after each item.
    force : bool
        Replace the content of a non-empty ``out``.
    magnify : sequence of str, optional
        Level 3: the regions (:data:`~docsec.generate.regions.REGIONS`) every item gets a
        magnified view of (``mag_<region>.png``); by default :func:`default_magnified`.

    Raises
    ------
    InvalidComponent
        For an unknown topic, drill or region, or an out-of-range level, count, rate or dpi.
    OutputError
        ``out`` is a file, a non-empty folder without ``force``, or cannot be written.
    """
    p = _params(topic=topic, level=level, count=count, forgery_rate=forgery_rate, seed=seed,
                capture_level=capture_level, defect_level=defect_level, drills=drills,
                reference_date=reference_date, dpi=dpi, magnify=magnify)
    root = check_target(out, force=force)  # refuse a used folder before any work
    # Everything is written into a temporary folder beside ``out`` and moved in at the end:
    # an error or Ctrl-C leaves ``out`` as it was, never half an exercise.
    with staged_folder(root, force=force) as stage:
        items, manifest, answer_key = _generate(p, _folder_sink(stage / TRAINEE_DIR), progress)
        _write_packages(stage, manifest, answer_key)
    return ExerciseSet(out=root, items=items, answer_key=answer_key, manifest=manifest)


def _views_for(model_id: str, tools: frozenset[str]) -> list[str]:
    """The model's views that a trainee with ``tools`` gets (the VIN plate always)."""
    names = view_names(get_model(model_id))
    return [v for v in names if v == "vin_plate" or view_family(v) in tools]


def _regions_for(model_id: str, tools: frozenset[str], magnify: Sequence[str],
                 dpi: int) -> list[RegionView]:
    """The loupe and magnified views a trainee with ``tools`` gets of a model: the same
    regions for every item of the model."""
    return region_views(get_model(model_id),
                        loupe=LOUPE_REGIONS if "loupe" in tools else (),
                        magnified=magnify if "mag" in tools else (), view_dpi=dpi)


def _write_json(path: Path, data: Mapping[str, Any]) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def _queue_item(put: FileSink, item_id: str, doc: SyntheticDocument,
                kind: Literal["scan", "photo"], level: Literal[1, 2, 3], capture_seed: int,
                noise_seed: int, pool: ThreadPoolExecutor, pending: list[Future[Any]],
                prefix: str = "") -> Callable[[], ExerciseItem]:
    """Queue the files of one item (encoded and handed to ``put`` by the worker threads);
    return the function that builds its entries afterwards."""
    files: dict[str, str] = {}
    noise_rng = np.random.default_rng(noise_seed)
    for name, image in doc.views.items():
        rel = f"{item_id}/{prefix}{name}.png"
        sigma = float(noise_rng.uniform(*NOISE_SIGMA))
        view_seed = int(noise_rng.integers(0, 2**63))
        pending.append(pool.submit(_put_png, put, rel, image, sigma, view_seed))
        files[f"{prefix}{name}"] = rel
    seeds = np.random.SeedSequence(capture_seed).spawn(3)
    futures: dict[str, Future[Capture]] = {}
    for k, name in enumerate(("white", "white_back", "vin_plate")):
        if name not in doc.views:
            continue
        rel = f"{item_id}/{prefix}capture_{name}.jpg"
        futures[name] = pool.submit(_put_capture, put, rel, doc.views[name],
                                    kind if name != "vin_plate" else "photo", level,
                                    np.random.default_rng(seeds[k]))
        pending.append(futures[name])
        files[f"{prefix}capture_{name}"] = rel
    return functools.partial(_entries, item_id, doc, files, futures, prefix)


def _queue_bundle(put: FileSink, item_id: str, item: BundleItem,
                  kind: Literal["scan", "photo"], level: Literal[1, 2, 3], capture_seed: int,
                  noise_seed: int, pool: ThreadPoolExecutor, pending: list[Future[Any]],
                  ) -> Callable[[], ExerciseItem]:
    """Queue the files of a multi-document item (each document's views prefixed with its
    role: ``passport_white.png``, ``visa_uv365.png``); return the function that builds its
    entries: one answer for the item, saying which document carries the forgery."""
    n = len(item.documents)
    cap_seeds = np.random.SeedSequence(capture_seed).spawn(n)
    noise_seeds = np.random.SeedSequence(noise_seed).spawn(n)
    parts = [
        (role, _queue_item(put, item_id, doc, kind, level,
                           int(cap_seeds[k].generate_state(1)[0]),
                           int(noise_seeds[k].generate_state(1)[0]), pool, pending,
                           prefix=f"{role}_"))
        for k, (role, doc) in enumerate(item.documents)
    ]

    def build() -> ExerciseItem:
        subs = [(role, make()) for role, make in parts]
        files = {k: v for _, sub in subs for k, v in sub.manifest["files"].items()}
        defects = [{**d, "document": role} for role, sub in subs for d in sub.answer["defects"]]
        defects += [dict(f) for f in item.findings]
        answer = {
            "id": item_id,
            "bundle": item.bundle,
            "model": "+".join(str(sub.answer["model"]) for _, sub in subs),
            "files": files,
            "genuine": item.genuine,
            "scenario": item.scenario,
            "defect_document": item.carrier,
            "expected_action": item.expected_action(),
            "defects": defects,
            "documents": [{"role": role, **{k: v for k, v in sub.answer.items()
                                            if k not in ("id", "files")}}
                          for role, sub in subs],
        }
        return ExerciseItem(id=item_id, answer=answer, manifest={"id": item_id, "files": files})

    return build


#: Range of the examination device's sensor noise (standard deviation, 8-bit levels), drawn
#: per view (each light has its own exposure and gain). Every trainee view carries it, so no
#: two frames are byte-identical and a file's size says more about the device's noise than
#: about what is printed.
NOISE_SIGMA = (2.0, 6.0)
_TILE = 1024


@functools.cache
def _noise_tile(channels: int) -> NDArray[np.int16]:
    """Unit Gaussian noise in 1/16 levels, one fixed tile per channel count (read-only,
    shared by threads)."""
    tile = np.random.default_rng(0x5E750).normal(0.0, 16.0, (_TILE, _TILE, 3))
    out = np.clip(np.rint(tile), -127, 127).astype(np.int16)
    if channels == 1:
        out = np.ascontiguousarray(out[..., 0])
    out.setflags(write=False)
    return out


def _wrapped(length: int, offset: int) -> list[tuple[int, int, int]]:
    """Spans ``(start in the image, start in the tile, length)`` covering ``length`` pixels
    read from the tile from ``offset`` on, wrapping around it."""
    spans = []
    pos = 0
    while pos < length:
        start = (offset + pos) % _TILE
        n = min(length - pos, _TILE - start)
        spans.append((pos, start, n))
        pos += n
    return spans


def device_noise(image: NDArray[np.uint8], sigma: float,
                 rng: np.random.Generator) -> NDArray[np.uint8]:
    """``image`` with the sensor noise of an examination device (standard deviation ``sigma``).

    The noise is a fixed Gaussian tile read at a random offset (rows and columns wrap around
    it), scaled and added with saturation in one pass per block (OpenCV's ``addWeighted``,
    which releases the GIL).
    """
    rows, cols = image.shape[:2]
    channels = 1 if image.ndim == 2 else image.shape[2]
    tile = _noise_tile(1 if channels == 1 else 3)
    if channels not in (1, 3):
        raise InvalidComponent(f"device noise needs a grey or RGB image, got {channels} channels")
    oy, ox = (int(v) for v in rng.integers(0, _TILE, 2))
    out = np.empty_like(image)
    for y, ty, h in _wrapped(rows, oy):
        for x, tx, w in _wrapped(cols, ox):
            out[y : y + h, x : x + w] = cv2.addWeighted(
                image[y : y + h, x : x + w], 1.0, tile[ty : ty + h, tx : tx + w], sigma / 16.0,
                0.0, dtype=cv2.CV_8U)
    return out


def _put_png(put: FileSink, rel: str, image: NDArray[np.uint8], sigma: float,
             seed: int) -> None:
    put(rel, png_bytes(device_noise(image, sigma, np.random.default_rng(seed))))


def _put_capture(put: FileSink, rel: str, image: NDArray[np.uint8],
                 kind: Literal["scan", "photo"], level: Literal[1, 2, 3],
                 rng: np.random.Generator) -> Capture:
    c, data = capture_bytes(image, kind, level, rng)
    put(rel, data)
    return c


def capture_file(image: NDArray[np.uint8], kind: Literal["scan", "photo"],
                 level: Literal[1, 2, 3], rng: np.random.Generator, path: Path) -> Capture:
    """Capture ``image`` and write it as the JPEG a trainee gets.

    A capture that is not already JPEG (the clean scan) is encoded at a quality drawn from
    :data:`SCAN_JPEG_QUALITY`, as a scanner's automatic compression would.
    """
    c, data = capture_bytes(image, kind, level, rng)
    path.write_bytes(data)
    return c


def capture_bytes(image: NDArray[np.uint8], kind: Literal["scan", "photo"],
                  level: Literal[1, 2, 3], rng: np.random.Generator) -> tuple[Capture, bytes]:
    """The capture of :func:`capture_file` and its JPEG file, as bytes."""
    c = capture(image, kind=kind, level=level, rng=rng)
    if c.jpeg_bytes is not None:
        return c, c.jpeg_bytes
    lo, hi = SCAN_JPEG_QUALITY
    return c, jpeg_bytes(c.image, quality=int(rng.integers(lo, hi + 1)))


#: JPEG quality range of clean scans in an exercise.
SCAN_JPEG_QUALITY = (84, 95)


def save_capture(c: Capture, path: Path) -> None:
    """Write a capture as JPEG: its own encoded file when it has one (no second compression)."""
    if c.jpeg_bytes is not None:
        path.write_bytes(c.jpeg_bytes)
    else:
        save_jpeg(c.image, path)


def _entries(item_id: str, doc: SyntheticDocument, files: dict[str, str],
             futures: Mapping[str, Future[Capture]], prefix: str = "") -> ExerciseItem:
    """Answer-key and manifest entries of one item (captures done)."""
    captures = {name: fut.result() for name, fut in futures.items()}
    specs = catalogue()
    defects = []
    for d in doc.answer_key:
        entry = d.to_dict(dpi=doc.dpi)
        per_capture: dict[str, list[dict[str, Any]]] = {}
        for view, c in captures.items():
            space = "vin_plate" if view == "vin_plate" else (
                "back" if view.endswith("_back") else "front")
            polys = [
                {"polygon_xy": _region_in_capture(poly, c.homography)}
                for s, poly in d.regions
                if s == space and poly
            ]
            if polys:
                per_capture[f"{prefix}capture_{view}"] = polys
        entry["capture_regions"] = per_capture
        spec = specs[d.id]
        entry["prado"] = spec.prado
        entry["forgery_type"] = spec.forgery_type
        entry["difficulty"] = spec.difficulty
        entry["reveal_views"] = list(spec.reveal_views)
        entry["feedback"] = dict(spec.feedback)
        defects.append(entry)
    answer = {
        "id": item_id,
        "model": doc.model_id,
        "format": doc.format,
        "files": files,
        "captures": {f"{prefix}capture_{k}": c.to_dict() for k, c in captures.items()},
        "mrz": list(doc.mrz_lines) if doc.mrz_lines else None,
        "fields": dict(doc.fields),
        "genuine": doc.genuine,
        "scenario": doc.scenario,
        "expected_action": _expected_action(doc),
        "defects": defects,
        "vehicle": _jsonable(doc.vehicle),
        "transliteration_version": doc.transliteration_version,
    }
    manifest = {"id": item_id, "files": files}
    return ExerciseItem(id=item_id, answer=answer, manifest=manifest)


def _expected_action(doc: SyntheticDocument) -> str:
    """``accept`` a genuine item; otherwise ``reject`` when any defect calls for it, else
    ``refer`` (to second-line examination, or for a database hit to be confirmed)."""
    if doc.genuine:
        return "accept"
    actions = {d.action for d in doc.answer_key}
    if doc.scenario is not None:
        actions.add(scenarios()[doc.scenario].action)
    return "reject" if "reject" in actions else "refer"


def _jsonable(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def write_registry(path: Path, planted: list[dict[str, Any]],
                   seed: int | np.random.Generator, *,
                   reference_date: datetime.date | None = None, size: int = 40) -> None:
    """Registry extract: generated stolen-list records with the planted ones mixed in.

    Every row has the same format whether generated or planted (case references
    ``CCC-YYYY-NNNNNNN`` numbered in one sequence, colours in lower case) and, with
    ``reference_date``, every record was reported before that day.
    """
    path.write_text(registry_csv(planted, seed, reference_date=reference_date, size=size),
                    encoding="utf-8")


def registry_csv(planted: list[dict[str, Any]], seed: int | np.random.Generator, *,
                 reference_date: datetime.date | None = None, size: int = 40) -> str:
    """The text of :func:`write_registry`'s extract."""
    from docsec.registry.mock import make_records

    rng = np.random.default_rng(seed)
    rows: list[dict[str, Any]] = []
    for r in make_records(size * 3, seed=int(rng.integers(0, 2**63))):
        if reference_date is not None and r.date_reported >= reference_date:
            continue
        rows.append({
            "vin": r.vin, "make": r.make, "model": r.model, "colour": r.colour,
            "year": r.year if r.year is not None else "", "plate": r.plate,
            "plate_country": r.plate_country, "engine_number": r.engine_number,
            "reporting_country": r.reporting_country,
            "date_reported": r.date_reported.isoformat(), "case_ref": "",
            "status": r.status,
        })  # fmt: skip
        if len(rows) == size:
            break
    for rec in planted:
        row = {f: rec.get(f, "") for f in _REGISTRY_FIELDS}
        row["colour"] = str(row["colour"]).lower()
        rows.insert(int(rng.integers(0, len(rows) + 1)), row)
    return _extract_csv(rows, _REGISTRY_FIELDS, "reporting_country", rng)


def _extract_csv(rows: list[dict[str, Any]], fields: Sequence[str], country: str,
                 rng: np.random.Generator) -> str:
    """A list extract as CSV text, every row numbered in one case-reference sequence
    (``CCC-YYYY-NNNNNNN``: the ``country`` column, the year reported) in the extract's order,
    so planted rows are numbered like the others."""
    serial = int(rng.integers(1, 9_000_000))
    for k, row in enumerate(rows):
        row["case_ref"] = f"{row[country]}-{str(row['date_reported'])[:4]}-{serial + k:07d}"
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(fields), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


_ALERT_FIELDS = ("document_number", "issuing_state", "document_type", "status",
                 "date_reported", "case_ref")
_ALERT_STATUSES = ("lost", "stolen", "stolen_blank", "revoked_fraud", "invalidated")


def write_document_alerts(path: Path, planted: list[dict[str, Any]],
                          seed: int | np.random.Generator, *,
                          reference_date: datetime.date, size: int = 40) -> None:
    """Lost, stolen and revoked documents extract (an SLTD-like list): generated records of
    the training issuers with the planted ones (stolen blanks, documents revoked as obtained
    by fraud) mixed in, every row in one format and reported before ``reference_date``."""
    path.write_text(document_alerts_csv(planted, seed, reference_date=reference_date, size=size),
                    encoding="utf-8")


def document_alerts_csv(planted: list[dict[str, Any]], seed: int | np.random.Generator, *,
                        reference_date: datetime.date, size: int = 40) -> str:
    """The text of :func:`write_document_alerts`'s extract."""
    from docsec.models import load_models

    rng = np.random.default_rng(seed)
    issuers = sorted({(m.issuer, m.kind, m.number_prefix) for m in load_models().values()
                      if m.mrz is not None})
    rows: list[dict[str, Any]] = []
    for _ in range(size):
        issuer, kind, prefix = issuers[int(rng.integers(len(issuers)))]
        digits = "".join(str(int(d)) for d in rng.integers(0, 10, 9 - len(prefix)))
        day = reference_date - datetime.timedelta(days=int(rng.integers(15, 2500)))
        rows.append({"document_number": f"{prefix}{digits}", "issuing_state": issuer,
                     "document_type": kind,
                     "status": _ALERT_STATUSES[int(rng.integers(len(_ALERT_STATUSES)))],
                     "date_reported": day.isoformat()})
    for rec in planted:
        rows.insert(int(rng.integers(0, len(rows) + 1)), {f: rec.get(f, "") for f in
                                                         _ALERT_FIELDS})
    return _extract_csv(rows, _ALERT_FIELDS, "issuing_state", rng)
