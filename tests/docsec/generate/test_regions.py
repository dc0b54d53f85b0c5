"""Magnified regions (loupe, microscope), UV 254 nm and the tools of each level."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest

from docsec.errors import InvalidComponent
from docsec.generate import document as document_mod
from docsec.generate import make_document
from docsec.generate.design import region_design, side_design
from docsec.generate.exercise import LEVEL_TOOLS, default_magnified, make_exercise
from docsec.generate.plan import Plan
from docsec.generate.regions import (
    LOUPE_REGIONS,
    MAG_DPI,
    REGIONS,
    loupe_dpi,
    region_box,
    region_views,
)
from docsec.generate.render import render_region
from docsec.models import MODEL_IDS, DocumentModel, get_model

REF = datetime.date(2026, 1, 15)
PAGE_DPI = 300
# A region drawn at 2400 dpi and area-averaged to the page's dpi differs from the page view
# only by how outlines rasterise at another size (glyph hinting, the weight of fine lines):
# after a blur of one page pixel the mean difference stays below this many levels ...
MATCH_MEAN = 6.0
# ... and the worst 1 % of pixels below this (a glyph edge a fraction of a pixel off).
MATCH_P99 = 64.0


def _plan_of(model_id: str, seed: int, defects: tuple[str, ...] = (),
             scenario: str | None = None) -> tuple[Any, Plan]:
    """A document and the plan it was rendered from."""
    captured: dict[str, Plan] = {}
    render = document_mod.render_views

    def spy(plan: Plan, *, views: Any = None) -> Any:
        captured["plan"] = plan
        return render(plan, views=views)

    document_mod.render_views = spy  # type: ignore[assignment]
    try:
        doc = make_document(model_id, rng=seed, reference_date=REF, dpi=PAGE_DPI,
                            defects=defects, scenario=scenario)
    finally:
        document_mod.render_views = render
    return doc, captured["plan"]


def _match(region: np.ndarray[Any, Any], page: np.ndarray[Any, Any]) -> tuple[float, float]:
    small = cv2.resize(region, (page.shape[1], page.shape[0]), interpolation=cv2.INTER_AREA)
    a = cv2.GaussianBlur(small.astype(np.float32), (0, 0), 1.0)
    b = cv2.GaussianBlur(page.astype(np.float32), (0, 0), 1.0)
    d = np.abs(a - b)
    return float(d.mean()), float(np.percentile(d, 99))


@pytest.mark.parametrize(("model_id", "defects", "scenario", "box_mm"), [
    ("uto_passport_td3", (), None, (40.0, 10.0, 24.0, 16.0)),
    ("uto_passport_td3", ("print.microprint_blurred",), None, (4.0, 60.0, 30.0, 8.0)),
    ("uto_passport_td3", (), "falsified.photo_substitution", (2.0, 12.0, 40.0, 20.0)),
    ("uto_id_td1", ("uv.fibres_printed",), None, (20.0, 5.0, 30.0, 20.0)),
    ("zza_passport_td3", ("personalisation.inkjet",), None, (30.0, 50.0, 60.0, 30.0)),
])
def test_region_at_2400_dpi_downsampled_matches_the_page(model_id: str, defects: tuple[str, ...],
                                                         scenario: str | None,
                                                         box_mm: tuple[float, float, float, float],
                                                         ) -> None:
    """Same document, same personalisation, same planted defects: the 2400 dpi crop seen at
    the page's dpi is the page view of that box, in every light."""
    doc, plan = _plan_of(model_id, 5, defects, scenario)
    lights = ("white", "uv365", "uv254", "ir", "transmitted", "tilt_2")
    region = render_region(plan, "front", box_mm, 2400, views=lights)
    x, y, w, h = DocumentModel.box_px(box_mm, PAGE_DPI)
    for light in lights:
        page = doc.views[light][y : y + h, x : x + w]
        mean, p99 = _match(region[light], page)
        assert mean < MATCH_MEAN and p99 < MATCH_P99, (light, mean, p99)
    # and another document of the model, seen in the same box, matches much worse
    other, _ = _plan_of(model_id, 6)
    own, _ = _match(region["white"], doc.views["white"][y : y + h, x : x + w])
    theirs, _ = _match(region["white"], other.views["white"][y : y + h, x : x + w])
    assert theirs > 1.5 * own


def test_region_costs_its_pixels_not_the_page() -> None:
    """A 2400 dpi field is composed over the field only (the whole page would be 98 MP)."""
    box = DocumentModel.box_px((60.0, 30.0, 5.0, 3.5), 2400)
    design = region_design("uto_passport_td3", "front", 2400, box, PAGE_DPI)
    assert design.under.shape[:2] == (box[3], box[2]) and box[2] * box[3] < 200_000
    assert design.origin_xy == box[:2]
    whole = side_design("uto_passport_td3", "front", 60)
    assert whole.origin_xy == (0, 0) and whole.uv254 is not None


def test_magnified_microprint_is_legible_and_its_copy_is_not() -> None:
    """At 2400 dpi genuine microprint has sharp letter strokes; the copied one is a blur."""
    _, genuine = _plan_of("uto_passport_td3", 5)
    _, copied = _plan_of("uto_passport_td3", 5, ("print.microprint_blurred",))
    side, box = region_box(get_model("uto_passport_td3"), "microprint", (5.0, 3.5)) or ("", ())
    sharp = render_region(genuine, side, box, MAG_DPI)["white"]
    blur = render_region(copied, side, box, MAG_DPI)["white"]

    def strokes(img: np.ndarray[Any, Any]) -> float:
        g = cv2.cvtColor(img, cv2.COLOR_RGB2GRAY).astype(np.float32)
        return float(np.abs(cv2.Laplacian(g, cv2.CV_32F)).mean())

    assert strokes(sharp) > 2 * strokes(blur)


def test_inkjet_personalisation_shows_drops_when_magnified() -> None:
    _, genuine = _plan_of("uto_passport_td3", 5)
    _, inkjet = _plan_of("uto_passport_td3", 5, ("personalisation.inkjet",))
    side, box = region_box(get_model("uto_passport_td3"), "personalisation", (5.0, 3.5)) or (
        "", ())

    def edges(img: np.ndarray[Any, Any]) -> tuple[float, int]:
        """Share of the ink on its edge (ragged drops) and the gaps of paper between ink."""
        ink = (cv2.cvtColor(img, cv2.COLOR_RGB2GRAY) < 110).astype(np.uint8)
        rim = ink - cv2.erode(ink, np.ones((3, 3), np.uint8))
        return float(rim.sum() / max(1, ink.sum())), int(cv2.connectedComponents(1 - ink)[0])

    rim_i, gaps_i = edges(render_region(inkjet, side, box, MAG_DPI)["white"])
    rim_g, gaps_g = edges(render_region(genuine, side, box, MAG_DPI)["white"])
    assert rim_i > 1.4 * rim_g and gaps_i > 10 * gaps_g


def test_uv254_responds_otherwise_than_uv365() -> None:
    doc = make_document("uto_passport_td3", rng=2, reference_date=REF, dpi=100)
    uv365, uv254 = doc.views["uv365"].astype(float), doc.views["uv254"].astype(float)
    assert uv254.mean() < uv365.mean()  # the substrate is duller under short-wave light
    model = get_model("uto_passport_td3")
    x, y, w, h = DocumentModel.box_px(model.feature("uv_emblem").box_mm, 100)
    # the emblem's dual-fluorescent ink: another hue under 254 nm
    e365 = uv365[y : y + h, x : x + w].reshape(-1, 3).mean(axis=0)
    e254 = uv254[y : y + h, x : x + w].reshape(-1, 3).mean(axis=0)
    assert np.argmax(e365) != np.argmax(e254)
    printed = make_document("uto_passport_td3", rng=2, reference_date=REF, dpi=100,
                            defects=["uv.fibres_printed"])
    (planted,) = printed.answer_key
    assert "uv254" in planted.views


def test_regions_of_every_model_lie_on_the_side() -> None:
    for model_id in MODEL_IDS:
        model = get_model(model_id)
        for view in region_views(model, loupe=LOUPE_REGIONS, magnified=REGIONS, view_dpi=200):
            x, y, w, h = view.box_mm
            assert x >= 0 and y >= 0 and x + w <= model.size_mm[0] + 1e-6
            assert y + h <= model.size_mm[1] + 1e-6 and view.side in model.sides
        assert region_box(model, "microprint", (5.0, 3.5)) is not None
    with pytest.raises(InvalidComponent):
        region_box(get_model("uto_passport_td3"), "hologram_corner", (5.0, 3.5))
    assert loupe_dpi(300) == 2400 and loupe_dpi(60) == 480


def test_bad_regions_are_refused() -> None:
    _, plan = _plan_of("uto_passport_td3", 5)
    with pytest.raises(InvalidComponent):
        render_region(plan, "back", (0, 0, 5, 5), 1200)
    with pytest.raises(InvalidComponent):
        render_region(plan, "front", (200, 200, 5, 5), 1200)
    with pytest.raises(InvalidComponent):
        render_region(plan, "front", (0, 0, 5, 5), 4800)
    with pytest.raises(InvalidComponent):
        render_region(plan, "front", (0, 0, 5, 5), 1200, views=("x-ray",))


def test_tools_of_each_level(tmp_path: Path) -> None:
    assert LEVEL_TOOLS[1] == {"white", "uv365", "loupe"}
    assert LEVEL_TOOLS[2] == LEVEL_TOOLS[1] | {"ir", "transmitted", "tilt", "uv254"}
    assert LEVEL_TOOLS[3] == LEVEL_TOOLS[2] | {"mag"}
    ex = make_exercise(topic="document", level=3, count=2, forgery_rate=0.0, seed=3,
                       out=tmp_path / "a", dpi=50, magnify=["mrz", "microprint"])
    for item in ex.manifest["items"]:
        names = set(item["files"])
        assert {n for n in names if n.startswith("mag_")} <= {"mag_mrz", "mag_mrz_back",
                                                                "mag_microprint"}
        assert any(n.startswith("mag_mrz") for n in names)
        assert {"loupe_microprint", "uv254"} <= names
    assert ex.answer_key["parameters"]["magnify"] == ["mrz", "microprint"]
    with pytest.raises(InvalidComponent):
        make_exercise(topic="document", level=3, count=1, forgery_rate=0.0, seed=3,
                      out=tmp_path / "b", dpi=50, magnify=["elbow"])


def test_default_magnified_regions_are_those_of_magnified_defects() -> None:
    assert set(default_magnified()) == {"microprint", "rainbow", "guilloche", "personalisation",
                                        "portrait"}
