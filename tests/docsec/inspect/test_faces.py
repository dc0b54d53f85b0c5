"""Portrait checks: the ghost image against the portrait, the portrait against the person
presenting the document, and the portrait's edges; each fails on its defect and passes on
the genuine twin, as rendered and as scanned."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.typing import NDArray

from docsec.generate import make_document
from docsec.generate.capture import capture
from docsec.generate.faces import lookalike, make_face, render_face
from docsec.inspect import inspect_document
from docsec.inspect.faces import (
    HOLDER_DISTANCE_MAX,
    _face_table,
    _ghost_distance,
    _holder_distance,
)
from docsec.report import Status
from tests.docsec.inspect.conftest import REF

# --- the face comparisons on their own -------------------------------------------------------

_PORTRAIT_PX = (126, 165)  # a 32 x 42 mm portrait at 100 dpi
_TRAVELLER_PX = (276, 354)  # a 35 x 45 mm photo at 200 dpi


def _as_portrait(img: NDArray[np.uint8]) -> NDArray[np.float32]:
    import cv2

    return np.asarray(cv2.resize(img.astype(np.float32), _PORTRAIT_PX,
                                 interpolation=cv2.INTER_AREA), np.float32)  # fmt: skip


def test_the_holder_in_another_photo_is_near_and_a_look_alike_far() -> None:
    for seed in (3, 11, 29):
        portrait, face = make_face(seed, _PORTRAIT_PX)
        # the same person in another photo: another pose, clothes and background
        same = render_face(lookalike(face, seed + 100, strength=0.0), _TRAVELLER_PX)
        # another person resembling the holder (every identity trait moved by a quarter)
        other = render_face(lookalike(face, seed + 200, strength=0.25), _TRAVELLER_PX)
        near = _holder_distance(portrait.astype(np.float32), _as_portrait(same))
        far = _holder_distance(portrait.astype(np.float32), _as_portrait(other))
        assert near < HOLDER_DISTANCE_MAX < far, (seed, near, far)


def test_a_gray_photo_of_the_holder_is_compared_without_chroma() -> None:
    portrait, face = make_face(5, _PORTRAIT_PX)
    same = _as_portrait(render_face(lookalike(face, 105, strength=0.0), _TRAVELLER_PX))
    gray = same @ np.asarray([0.299, 0.587, 0.114], np.float32)
    assert _holder_distance(portrait.astype(np.float32), gray) < HOLDER_DISTANCE_MAX


def test_a_photo_without_a_face_is_far() -> None:
    portrait, _ = make_face(7, _PORTRAIT_PX)
    blank = np.full((_PORTRAIT_PX[1], _PORTRAIT_PX[0], 3), 200.0, np.float32)
    noise = np.random.default_rng(0).normal(128, 40, blank.shape).astype(np.float32)
    for person in (blank, noise):
        assert _holder_distance(portrait.astype(np.float32), person) > HOLDER_DISTANCE_MAX


def test_the_ghost_distance_adds_up_the_cues_of_the_lights_given() -> None:
    rng = np.random.default_rng(1)
    portrait = rng.normal(128, 30, (60, 48)).astype(np.float32)
    import cv2

    portrait = np.asarray(cv2.GaussianBlur(portrait, (0, 0), 1.5), np.float32)
    keep = np.ones(portrait.shape, bool)
    spreads = _face_table()["ghost_spread"]["default"]
    # ghosts come brought onto the portrait, their sign already turned (UV: inverted)
    same = {"uv365": portrait * 0.5 + 10.0, "white": portrait * 0.3}
    d_same, used = _ghost_distance(same, portrait, keep, spreads)
    assert used == 3 and d_same < 1e-3
    other = np.asarray(cv2.GaussianBlur(rng.normal(128, 30, (60, 48)).astype(np.float32),
                                        (0, 0), 1.5), np.float32)  # fmt: skip
    d_other, _ = _ghost_distance({"uv365": other, "white": other}, portrait, keep, spreads)
    assert d_other > float(_face_table()["ghost_distance_max"])
    _, used_white = _ghost_distance({"white": portrait}, portrait, keep, spreads)
    assert used_white == 1


def test_every_model_with_a_ghost_image_has_its_spreads() -> None:
    from docsec.models import MODEL_IDS, get_model

    table = _face_table()["ghost_spread"]
    for mid in MODEL_IDS:
        if get_model(mid).has_feature("ghost_image"):
            assert set(table[mid]) == set(table["default"]), mid
            assert all(v > 0 for v in table[mid].values())


# --- the checks on documents -----------------------------------------------------------------

#: A passport whose look-alike and impostor differ clearly (bench/inspection.py measures
#: the rates over many documents).
_MODEL, _SEED = "uto_passport_td3", 1018


def _views(defects: tuple[str, ...], mode: str) -> dict[str, NDArray[np.uint8]]:
    doc = make_document(_MODEL, rng=_SEED, defects=defects, reference_date=REF, dpi=200,
                        traveller=True)  # fmt: skip
    views = {k: doc.views[k] for k in ("white", "uv365", "traveller")}
    if mode == "scan":
        for k in ("white", "uv365"):
            views[k] = capture(views[k], kind="scan", level=1, rng=_SEED + 17).image
    return views


def _statuses(defects: tuple[str, ...], mode: str) -> dict[str, Status]:
    rep = inspect_document(_views(defects, mode), reference_date=REF, level=1, viz=False)
    assert rep.model is not None and rep.model.id == _MODEL
    ids = ("feature.ghost_image.matches_portrait", "feature.portrait.matches_holder",
           "feature.portrait.intact")
    out = {}
    for cid in ids:
        f = rep.finding(cid)
        assert f is not None and f.score is not None and f.threshold is not None, cid
        out[cid] = f.status
    return out


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["rendered", "scan"])
def test_each_portrait_check_fails_on_its_defect_and_passes_on_the_genuine_twin(
        mode: str) -> None:
    genuine = _statuses((), mode)
    assert set(genuine.values()) == {Status.PASS}, genuine
    cases = {
        "photo.substitution_lookalike": "feature.ghost_image.matches_portrait",
        "photo.substitution": "feature.ghost_image.matches_portrait",
        "photo.impostor": "feature.portrait.matches_holder",
        "photo.glue": "feature.portrait.intact",
        "photo.uv_bright_paper": "feature.portrait.intact",
    }
    for defect, cid in cases.items():
        got = _statuses((defect,), mode)
        assert got[cid] == Status.FAIL, (defect, mode, got)
        if defect == "photo.impostor":  # the document itself is genuine: its ghost matches
            assert got["feature.ghost_image.matches_portrait"] == Status.PASS, got
