"""Tilt-frame checks with each frame's own exposure, white balance and lamp taken out."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np
import pytest

from docsec.generate import SyntheticDocument
from docsec.inspect import inspect_document, tilt
from docsec.inspect.context import Context
from docsec.inspect.features import hologram_dynamic, hologram_present, latent_image_present
from docsec.inspect.tilt import (
    TILT_THRESHOLDS,
    feature_offset,
    laminate_bubbles,
    laminate_intact,
    local_fit,
    ovi_shift,
    plane_fit,
)
from docsec.models import feature_checks
from docsec.report import Finding, Status

from .conftest import REF

MakeDoc = Callable[..., SyntheticDocument]
CHECKS: dict[str, Callable[[Context], Finding]] = {
    "feature.laminate.intact": laminate_intact,
    "feature.laminate.no_bubbles": laminate_bubbles,
    "feature.ovi.shift": ovi_shift,
}


def _page(h: int = 120, w: int = 180, seed: int = 3) -> np.ndarray:
    """A page of paper with print of several colours (float RGB)."""
    rng = np.random.default_rng(seed)
    img = np.full((h, w, 3), 225.0, np.float32)
    for _ in range(40):
        y, x = int(rng.integers(0, h - 8)), int(rng.integers(0, w - 20))
        img[y : y + 3, x : x + 20] = rng.uniform(30, 200, 3)
    return img


def test_ids_are_declared_and_thresholded() -> None:
    assert set(CHECKS) <= set(feature_checks())
    assert set(CHECKS) == set(TILT_THRESHOLDS)


def test_plane_fit_takes_out_a_shots_exposure_white_balance_and_lamp() -> None:
    page = _page()
    h, w = page.shape[:2]
    xx = np.mgrid[0:h, 0:w][1].astype(np.float32) / w
    lamp = (1.0 - 0.2 * xx)[..., None]
    shot = page * lamp * np.asarray([1.04, 0.97, 1.01], np.float32) + 3.0
    keep = np.ones((h, w), bool)
    fitted = plane_fit(page, shot, keep)
    assert float(np.abs(fitted - shot).max()) < 0.5
    # raw, the same shot differs by far more
    assert float(np.abs(page - shot).mean()) > 10


def test_local_fit_leaves_a_bubble_and_takes_a_soft_glare_spot() -> None:
    page = _page()
    h, w = page.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    soft = 40.0 * np.exp(-((xx - 60) ** 2 + (yy - 60) ** 2) / (2 * 30.0**2))
    disc = ((xx - 140) ** 2 + (yy - 40) ** 2 < 4**2).astype(np.float32) * 25.0
    shot = page * 1.05 + (soft + disc)[..., None]
    keep = np.ones((h, w), bool)
    d = (shot - local_fit(page, shot, keep, 12.0)).mean(axis=2)
    assert float(d[36:45, 136:145].max()) > 12  # the bubble stays
    assert float(np.abs(d[40:80, 40:80]).max()) < 6  # the soft glare spot goes


def _views_with_own_exposure(views: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Every tilt frame with its own exposure, white balance and lamp fall-off."""
    out = dict(views)
    rng = np.random.default_rng(5)
    for name, img in views.items():
        if not name.startswith("tilt_") or img.ndim != 3:
            continue
        h, w = img.shape[:2]
        xx = np.mgrid[0:h, 0:w][1].astype(np.float32) / w
        gain = rng.uniform(0.95, 1.05) * rng.uniform(0.97, 1.03, 3).astype(np.float32)
        lamp = (1.0 - rng.uniform(0.05, 0.15) * xx)[..., None]
        out[name] = np.clip(img.astype(np.float32) * gain * lamp, 0, 255).astype(np.uint8)
    return out


def _context(views: dict[str, np.ndarray]) -> Context:
    rep = inspect_document(views, reference_date=REF, level=3, viz=False)
    assert rep.model is not None
    return Context(model=rep.model, views=rep.views, supplied=frozenset(views),
                   readings=rep.readings, mrz=None, reference_date=REF, level=3)


@pytest.mark.slow
def test_genuine_frames_with_their_own_exposure_pass(make_doc: MakeDoc) -> None:
    ctx = _context(_views_with_own_exposure(dict(make_doc("uto_card_td2").views)))
    for cid, fn in CHECKS.items():
        f = fn(ctx)
        assert f.id == cid
        assert f.status == Status.PASS, f
        assert f.threshold == TILT_THRESHOLDS[cid]


#: The frame-comparing checks of features.py judged beside the tilt module's.
FRAME_CHECKS: dict[str, Callable[[Context], Finding]] = {
    **CHECKS,
    "feature.hologram.present": hologram_present,
    "feature.hologram.dynamic": hologram_dynamic,
    "feature.latent_image.present": latent_image_present,
}


def _with_lamp_glare(views: dict[str, np.ndarray], name: str,
                     at: tuple[float, float] = (0.45, 0.5)) -> dict[str, np.ndarray]:
    """``name`` with a lamp's soft glare spot (45 levels, 12 mm Gaussian at 200 dpi) added
    at ``at`` (shares of the width and height) and clipped, as a camera on a stand takes it
    now and then."""
    out = dict(views)
    img = views[name].astype(np.float32)
    h, w = img.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    r = 12 * 200 / 25.4
    spot = 45.0 * np.exp(-((xx - at[0] * w) ** 2 + (yy - at[1] * h) ** 2) / (2 * r * r))
    out[name] = np.clip(img + spot[..., None], 0, 255).astype(np.uint8)
    return out


@pytest.mark.slow
def test_a_lamps_soft_glare_spot_is_no_damaged_laminate(make_doc: MakeDoc) -> None:
    views = _views_with_own_exposure(dict(make_doc("uto_card_td2").views))
    ctx = _context(_with_lamp_glare(views, "tilt_2"))
    for fn in (laminate_intact, laminate_bubbles):
        f = fn(ctx)
        assert f.status == Status.PASS, f


@pytest.mark.slow
def test_a_frozen_ovi_under_a_lamps_glare_keeps_its_hue(make_doc: MakeDoc) -> None:
    """Glare brightens every channel alike: the OVI's change is judged on its hue, so a
    glare spot over a frozen OVI in the frame that judges it is no colour shift."""
    views = _views_with_own_exposure(dict(make_doc("uto_card_td2", "ovd.ovi_static").views))
    at = (85 / 105, 48 / 74)  # the OVI's centre on the card
    for name in ("tilt_1", "tilt_2", "tilt_3"):
        views = _with_lamp_glare(views, name, at)
    f = ovi_shift(_context(views))
    assert f.status == Status.FAIL, f


@pytest.mark.slow
def test_genuine_frames_with_their_own_exposure_show_the_ovds_change(make_doc: MakeDoc) -> None:
    ctx = _context(_views_with_own_exposure(dict(make_doc("uto_card_td2").views)))
    for cid in ("feature.hologram.present", "feature.hologram.dynamic",
                "feature.latent_image.present"):
        f = FRAME_CHECKS[cid](ctx)
        assert f.status == Status.PASS, f


@pytest.mark.slow
@pytest.mark.parametrize(("defect", "check_id"), [
    ("laminate.relaminated", "feature.laminate.no_bubbles"),
    ("ovd.ovi_static", "feature.ovi.shift"),
    ("ovd.hologram_static", "feature.hologram.dynamic"),
    ("ovd.hologram_missing", "feature.hologram.present"),
    ("print.latent_image_missing", "feature.latent_image.present"),
])
def test_tilt_defect_fails_with_its_own_exposure(make_doc: MakeDoc, defect: str,
                                                 check_id: str) -> None:
    ctx = _context(_views_with_own_exposure(dict(make_doc("uto_card_td2", defect).views)))
    f = FRAME_CHECKS[check_id](ctx)
    assert f.status == Status.FAIL, f
    assert f.message and f.message_ru


def _registered_off(ctx: Context, dx_mm: float, dy_mm: float) -> Context:
    """``ctx`` with every view's registration off by (dx, dy) mm: the page point p is looked
    for where p + (dx, dy) lies (a bent card's corner a page-wide fit leaves off)."""
    move = np.array([[1.0, 0.0, dx_mm], [0.0, 1.0, dy_mm], [0.0, 0.0, 1.0]])
    views = {n: dataclasses.replace(v, mm_to_capture=v.mm_to_capture @ move, _cache={})
             for n, v in ctx.views.items() if v.mm_to_capture is not None}
    return dataclasses.replace(ctx, views=views, memo={})


@pytest.mark.slow
def test_optically_variable_features_are_found_where_the_capture_shows_them(
        make_doc: MakeDoc, monkeypatch: pytest.MonkeyPatch) -> None:
    """A registration 2.5 mm off at the hologram takes half the patch out of its box: each
    feature is looked for where the capture shows it, and passes; judged in place it would
    not have."""
    ctx = _registered_off(_context(dict(make_doc("uto_id_td1").views)), 2.5, -1.5)
    holo = next(f for f in ctx.model.features if f.kind == "hologram")
    white = ctx.view("white")
    assert white is not None
    dx, dy = feature_offset(ctx, white, holo.box_mm)
    assert abs(dx + 2.5) < 0.3 and abs(dy - 1.5) < 0.3
    found = {cid: FRAME_CHECKS[cid](ctx) for cid in ("feature.hologram.present",
                                                     "feature.ovi.shift")}
    for f in found.values():
        assert f.status == Status.PASS, f
    monkeypatch.setattr(tilt, "feature_offset", lambda *_: (0.0, 0.0))
    in_place = FRAME_CHECKS["feature.hologram.present"](_registered_off(ctx, 0.0, 0.0))
    assert (in_place.score or 0.0) < (found["feature.hologram.present"].score or 0.0) - 0.1



def test_tilt_checks_need_their_views(make_doc: MakeDoc) -> None:
    views = {k: v for k, v in make_doc("uto_passport_td3").views.items()
             if not k.startswith("tilt_")}
    ctx = _context(views)
    for fn in CHECKS.values():
        f = fn(ctx)
        assert f.status == Status.NOT_APPLICABLE, f
        assert "tilt_1" in f.message


@pytest.mark.slow
def test_an_emblem_printed_in_visible_ink_is_seen_on_a_registration_off(
        make_doc: MakeDoc) -> None:
    """The emblem's fine lines decorrelate 1-2 mm off: the white-light tint is compared
    where the capture shows the box's design, and a visible emblem still fails."""
    from docsec.inspect.uvir import uv_emblem_invisible_in_white

    forged = _context(dict(make_doc("uto_card_td2", "uv.emblem_visible_in_white").views))
    genuine = _context(dict(make_doc("uto_card_td2").views))
    assert uv_emblem_invisible_in_white(_registered_off(forged, 1.8, 0.0)).status == Status.FAIL
    assert uv_emblem_invisible_in_white(_registered_off(genuine, 1.8, 0.0)).status == Status.PASS
