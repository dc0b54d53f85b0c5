"""The print checks under magnification (guilloche, rainbow, microprint): each fails on its
copy and passes on the genuine twin, rendered and scanned; a capture too coarse to show a
dot screen is not applicable; the noise floor is the white view's own; the microprint line
is found where a registration off across it puts it, and its letters are judged against
the capture's own blur."""

from __future__ import annotations

from collections.abc import Callable

import cv2
import numpy as np
import pytest

from docsec.generate import SyntheticDocument
from docsec.generate.capture import capture
from docsec.inspect import inspect_document, prints
from docsec.inspect.prints import _letter_texture, _third_colour
from docsec.report import Status
from tests.docsec.inspect.conftest import REF
from tests.docsec.inspect.test_transmitted import _misregistered

MakeDoc = Callable[..., SyntheticDocument]

#: (check, the generator's copy that must fail it, a model carrying the feature)
CASES = [
    ("feature.guilloche.continuous", "print.guilloche_scan_print", "uto_passport_td3"),
    ("feature.rainbow.smooth", "print.rainbow_halftone", "uto_passport_td3"),
    ("feature.microprint.sharp", "print.microprint_blurred", "uto_visa_mrva"),
]
#: The views the print checks read (white light, both sides) and the UV view.
_LIGHTS = ("white", "white_back", "uv365", "uv365_back")


def _views(doc: SyntheticDocument, mode: str) -> dict[str, np.ndarray]:
    views = {k: v for k, v in doc.views.items() if k in _LIGHTS}
    if mode == "rendered":
        return views
    # one clean flatbed scan from one position (the same seed for every view)
    return {k: capture(v, kind="scan", level=1, rng=5).image for k, v in views.items()}


def _status(views: dict[str, np.ndarray], check_id: str) -> tuple[Status, str]:
    rep = inspect_document(views, reference_date=REF, level=3, viz=False)
    f = rep.finding(check_id)
    assert f is not None, check_id
    return f.status, f.message


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["rendered", "scan"])
@pytest.mark.parametrize(("check_id", "defect", "model"), CASES)
def test_copy_fails_and_genuine_twin_passes(make_doc: MakeDoc, check_id: str, defect: str,
                                            model: str, mode: str) -> None:
    # at 200 dpi the microprint is passed by no check (prints._MICRO_PASS_DPI): its genuine
    # twin must not fail there, and passes at 300 dpi (test below)
    want = Status.NOT_APPLICABLE if check_id == "feature.microprint.sharp" else Status.PASS
    assert _status(_views(make_doc(model), mode), check_id)[0] == want
    assert _status(_views(make_doc(model, defect), mode), check_id)[0] == Status.FAIL


def test_third_colour_is_noise_on_one_ink_and_large_on_a_cmy_screen() -> None:
    rng = np.random.default_rng(3)
    h, w = 60, 120
    yy, xx = np.mgrid[0:h, 0:w]
    # thin lines of one ink over a tinted paper: every pixel mixes the two colours
    cover = (np.abs(np.sin(xx / 3.0 + yy / 7.0)) > 0.9).astype(np.float32)[..., None]
    cover = cv2.GaussianBlur(cover, (0, 0), 0.6)[..., None]
    paper, ink = np.array([236, 230, 242], np.float32), np.array([70, 90, 160], np.float32)
    line = paper * (1 - cover) + ink * cover + rng.normal(0, 1.5, (h, w, 3))
    # the same tone printed as cyan, magenta and yellow dots at their own angles
    dots = np.stack([(rng.random((h, w)) < 0.35) for _ in range(3)], axis=-1)
    screen = np.where(dots, 255 - np.array([200, 180, 120]), 255).astype(np.float32)
    screen = screen + rng.normal(0, 1.5, (h, w, 3))
    one = float(np.median(_third_colour(line.astype(np.float32))))
    cmy = float(np.median(_third_colour(screen.astype(np.float32))))
    assert one < 1.5 * 1.5**2  # the sensor noise (sigma 1.5) alone
    assert cmy > 20 * one


def test_letter_texture_separates_letters_from_a_blurred_line() -> None:
    rng = np.random.default_rng(5)
    h, w = 30, 400
    img = np.full((h, w, 3), 235.0, np.float32)
    letters = rng.random((4, w)) < 0.5  # 0.25 mm letters at 200 dpi: 2-pixel strokes
    img[13:17] = np.where(letters[..., None], 60.0, 235.0)
    blurred = img.copy()
    blurred[13:17] = cv2.GaussianBlur(img, (0, 0), sigmaX=2.0, sigmaY=0.7)[13:17]
    for a in (img, blurred):
        a += rng.normal(0, 1.5, a.shape).astype(np.float32)
    assert _letter_texture(img, 13, 17) > 0.15
    assert _letter_texture(blurred, 13, 17) < 0.05


def test_a_capture_too_coarse_for_a_screen_is_not_applicable(make_doc: MakeDoc) -> None:
    doc = make_doc("uto_passport_td3")
    # the page sampled at 140 dpi (a distant photo): no 100-150 lpi screen can show
    views = {k: cv2.resize(v, None, fx=0.7, fy=0.7, interpolation=cv2.INTER_AREA)
             for k, v in doc.views.items() if k in _LIGHTS}  # fmt: skip
    rep = inspect_document(views, reference_date=REF, level=3, viz=False)
    for cid in ("feature.guilloche.continuous", "feature.rainbow.smooth",
                "feature.microprint.sharp"):
        f = rep.finding(cid)
        assert f is not None and f.status == Status.NOT_APPLICABLE, (cid, f)
        assert "dpi" in f.message and "140 dpi" in f.message, f.message


def test_rainbow_noise_floor_is_the_white_views_own(make_doc: MakeDoc) -> None:
    """A comparator whose white view is noisier than its UV view (the UV view smoothed by
    JPEG) does not make a genuine rainbow look screened."""
    doc = make_doc("uto_passport_td3")
    rng = np.random.default_rng(9)
    views = {k: v for k, v in doc.views.items() if k in _LIGHTS}
    noisy = views["white"].astype(np.float32) + rng.normal(0, 2.0, views["white"].shape)
    views["white"] = np.clip(noisy, 0, 255).astype(np.uint8)
    status, msg = _status(views, "feature.rainbow.smooth")
    assert status == Status.PASS, msg


def test_least_letter_texture_follows_the_captures_blur() -> None:
    levels = [prints._micro_min(s) for s in (0.9, 0.97, 1.0, 1.05, 1.1, 1.15)]
    assert levels == sorted(levels, reverse=True) and levels[0] > 1.4 * levels[-1]
    assert prints._micro_min(None) == prints._micro_min(prints._MICRO_MAX_SIGMA)


def test_line_shift_finds_a_line_moved_across_its_length() -> None:
    ref = np.full((60, 200), 235.0, np.float32)
    ref[28:32] = 150.0
    mine = np.full((60, 200), 228.0, np.float32)
    mine[16:20] = 140.0  # 12 rows up (1.5 mm at 200 dpi)
    mine[40:46] = 60.0  # a text line beside it that the reference does not have
    assert prints._line_shift(mine, ref, 28, 32, 16, 12) == -12


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["rendered", "scan"])
def test_microprint_judged_through_a_registration_off_across_the_line(
        make_doc: MakeDoc, mode: str) -> None:
    off = {"turn_deg": 0.0, "stretch": 1.0, "shift_mm": (0.0, 1.6)}
    # the genuine line is not failed; at 200 dpi no line is passed (prints._MICRO_PASS_DPI)
    for defect, want in (((), Status.NOT_APPLICABLE),
                         (("print.microprint_blurred",), Status.FAIL)):  # fmt: skip
        views = _views(make_doc("uto_visa_mrva", *defect), mode)
        f = prints.microprint_sharp(_misregistered(views, **off))  # type: ignore[arg-type]
        assert f.status == want, (defect, mode, f.score)



def _jpeg(img: np.ndarray, quality: int) -> np.ndarray:
    """Encoded and decoded as a scanner's JPEG (4:2:0 chroma)."""
    arr = np.clip(img, 0, 255).astype(np.uint8)[..., ::-1]
    ok, buf = cv2.imencode(".jpg", arr, [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    return np.asarray(cv2.imdecode(buf, cv2.IMREAD_COLOR)[..., ::-1], np.float32)


@pytest.mark.parametrize("quality", [85, 95])
def test_one_ink_microprint_in_a_jpeg_is_one_ink_and_a_cmy_line_is_not(quality: int) -> None:
    rng = np.random.default_rng(quality)
    h, w, top, bottom = 36, 400, 16, 20
    paper = np.array([238, 232, 226], np.float32)
    line = np.empty((h, w, 3), np.float32)
    line[:] = paper
    letters = rng.random((bottom - top, w)) < 0.5  # 0.25 mm letters at 200 dpi
    line[top:bottom] = np.where(letters[..., None], paper - (70, 65, 40), paper)
    line = cv2.GaussianBlur(line, (0, 0), 0.8) + rng.normal(0, 2.0, line.shape)
    # the JPEG takes the noise's colour off the paper (third colour about 0.02), not off
    # the letters' edges: the floor keeps that from reading as a screen (4.1-7.4 without)
    assert prints._line_screen(_jpeg(line, quality), top, bottom) < prints._MICRO_RANK_MAX
    # the same line through cyan, magenta and yellow dots
    cmy = np.empty((h, w, 3), np.float32)
    cmy[:] = paper
    dots = np.stack([rng.random((bottom - top, w)) < 0.4 for _ in range(3)], axis=-1)
    cmy[top:bottom] = np.where(dots, paper - (150, 140, 120), paper)
    cmy = cv2.GaussianBlur(cmy, (0, 0), 0.8) + rng.normal(0, 2.0, cmy.shape)
    assert prints._line_screen(cmy.astype(np.float32), top, bottom) > prints._MICRO_RANK_MAX


def test_microprint_of_a_capture_whose_blur_cannot_be_measured_is_not_judged(
        make_doc: MakeDoc, monkeypatch: pytest.MonkeyPatch) -> None:
    # a soft capture with no text edges to measure its blur on (glare, a registration that
    # misses the fields): its letters cannot be held to any level, so no fail
    views = {k: cv2.GaussianBlur(v, (0, 0), 1.3) for k, v in make_doc("uto_visa_mrva").views.items()
             if k in _LIGHTS}  # fmt: skip
    monkeypatch.setattr(prints, "_edge_sigma", lambda *a: None)
    status, message = _status(views, "feature.microprint.sharp")
    assert status == Status.NOT_APPLICABLE, (status, message)
    assert "sharpness could not be measured" in message


def test_microprint_on_a_paper_whose_red_channel_clips_is_one_ink_and_its_copy_is_not() -> None:
    """A pale pink paper saturates the scanner's red channel: clipping takes the noise off
    the paper beside the line (third colour 0.0) but not off the letters, whose pixels are
    darker; the line is held to the noise of unclipped pixels, not to the clipped paper."""
    rng = np.random.default_rng(52)
    h, w, top, bottom = 36, 500, 14, 20
    paper = np.array([262, 228, 222], np.float32)  # red past the sensor's range: clips at 255
    img = np.empty((h, w, 3), np.float32)
    img[:] = paper
    img[31:] = (205, 210, 222)  # a pale blue-grey print at the foot: not clipped
    letters = rng.random((bottom - top, w)) < 0.5  # 0.25 mm letters at 200 dpi
    genuine = img.copy()
    genuine[top:bottom] = np.where(letters[..., None], paper - (90, 100, 96), paper)
    dots = np.stack([rng.random((bottom - top, w)) < 0.4 for _ in range(3)], axis=-1)
    copy = img.copy()
    copy[top:bottom] = np.where(dots, paper - (160, 140, 120), paper)
    for a in (genuine, copy):
        a[:] = cv2.GaussianBlur(a, (0, 0), 0.8) + rng.normal(0, 1.8, a.shape)
    genuine, copy = (np.clip(a, 0, 255).astype(np.float32) for a in (genuine, copy))
    assert prints._line_screen(genuine, top, bottom) < prints._MICRO_RANK_MAX
    assert prints._line_screen(copy, top, bottom) > prints._MICRO_RANK_MAX


def _pale_lines(rng: np.random.Generator) -> np.ndarray:
    """A guilloche tile at 200 dpi: wavy pale-green lines two pixels wide on a cream paper."""
    h = w = 64
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    phase = yy + 3.0 * np.sin(xx / 5.0 + rng.uniform(0, 6))
    cover = cv2.GaussianBlur((np.abs(((phase % 7.0) - 3.5)) < 1.0).astype(np.float32), (0, 0), 0.5)
    paper, ink = np.array([240, 236, 226], np.float32), np.array([170, 200, 185], np.float32)
    return np.asarray(paper * (1 - cover[..., None]) + ink * cover[..., None], np.float32)


def _faded(tile: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """What a colour copy's dot screen leaves of ``tile``'s pale lines (the independent set's
    copies, scanned: paper 248 against 240 and lines at a third of their depth): the light
    tints fall between the screen's smallest dots, the paper whitens, and a few dots stay."""
    paper = np.array([240, 236, 226], np.float32)
    white = np.array([248, 246, 240], np.float32)
    dots = (rng.random(tile.shape[:2]) < 0.08)[..., None] * np.array([60, 40, 50], np.float32)
    return np.asarray(white + (tile - paper) * 0.35 - dots, np.float32)


def test_line_cover_keeps_a_scanned_guilloche_and_drops_a_copys_faded_lines() -> None:
    rng = np.random.default_rng(11)
    ref = _pale_lines(rng)
    free = np.ones(ref.shape[:2], bool)

    def scanned(img: np.ndarray, gain: float) -> np.ndarray:
        # a flatbed: its own blur, exposure and noise, the dot screen's colour averaged away
        out = cv2.GaussianBlur(img, (0, 0), 0.8) * gain + rng.normal(0, 2.0, img.shape)
        return np.clip(out, 0, 255).astype(np.float32)

    genuine = prints._line_cover(scanned(ref, 0.97), ref, free)
    copy = prints._line_cover(scanned(_faded(ref, rng), 0.97), ref, free)
    # a tenth of margin each way (the copy's 0.42 against the level 0.47: the level sits
    # low, where genuine photos' flare leaves it)
    assert genuine is not None and genuine > prints._COVER_MIN * 1.1, genuine
    assert copy is not None and copy < prints._COVER_MIN / 1.1, copy
    # exposed into clipping: the paper reads 255 and the pale tints cannot be judged
    assert prints._line_cover(scanned(ref, 1.12), ref, free) is None


def _screened(part: np.ndarray, rng: np.random.Generator, dpi: int,
              lpi: float = 150.0) -> np.ndarray:  # fmt: skip
    """``part`` (RGB at ``dpi``) through a colour copier: scanned (0.08 mm of blur), printed
    as cyan, magenta and yellow dots of a ``lpi`` screen at 15, 75 and 0 degrees (drawn at
    three times the resolution) and seen again at ``dpi``."""
    k = 3
    h, w = part.shape[:2]
    big = cv2.resize(part.astype(np.float32) / 255, (w * k, h * k), interpolation=cv2.INTER_CUBIC)
    big = cv2.GaussianBlur(big, (0, 0), 0.08 * dpi * k / 25.4)
    yy, xx = np.mgrid[0 : h * k, 0 : w * k].astype(np.float32)
    period = dpi * k / lpi
    out = np.empty_like(big)
    for c, deg in enumerate((15.0, 75.0, 0.0)):
        a = np.deg2rad(deg + rng.uniform(-3, 3))
        u = (xx * np.cos(a) + yy * np.sin(a)) * 2 * np.pi / period
        v = (-xx * np.sin(a) + yy * np.cos(a)) * 2 * np.pi / period
        out[..., c] = big[..., c] > 0.5 + 0.25 * (np.cos(u) + np.cos(v))
    out = cv2.GaussianBlur(out, (0, 0), 0.6)
    small = cv2.resize(out, (w, h), interpolation=cv2.INTER_AREA)
    return np.asarray(np.clip(small * 255, 0, 255), np.uint8)


def _microprint_copied(doc: SyntheticDocument, rng: np.random.Generator,
                       dpi: int) -> dict[str, np.ndarray]:  # fmt: skip
    """The document's white views with the microprint line (and 0.4 mm of paper around it)
    replaced by its colour copy (:func:`_screened`)."""
    from docsec.models import get_model

    f = next(f for f in get_model(doc.model_id).features if f.kind == "microprint")
    name = "white" if f.side == "front" else "white_back"
    views = {k: v.copy() for k, v in doc.views.items() if k in _LIGHTS}
    ppm = dpi / 25.4
    x, y, w, h = f.box_mm
    x0, y0 = max(0, round((x - 0.4) * ppm)), max(0, round((y - 0.4) * ppm))
    x1, y1 = round((x + w + 0.4) * ppm), round((y + h + 0.4) * ppm)
    views[name][y0:y1, x0:x1] = _screened(views[name][y0:y1, x0:x1], rng, dpi)
    return views


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["rendered", "scan"])
def test_colour_copied_microprint_is_passed_only_where_its_screen_can_show(
        mode: str) -> None:
    """A colour copy of the microprint line fails at 300 dpi (its screen's colours show)
    and its genuine twin passes; at 200 dpi, where a copy can leave both marks within the
    genuine range, the genuine line is not passed but said not applicable (300 dpi, loupe)."""
    from docsec.generate import make_document

    doc = make_document("uto_id_td1", rng=7, reference_date=REF, dpi=300)
    genuine = _views(doc, mode)
    copied = _microprint_copied(doc, np.random.default_rng(3), 300)
    if mode == "scan":
        copied = {k: capture(v, kind="scan", level=1, rng=5).image for k, v in copied.items()}
    status, message = _status(genuine, "feature.microprint.sharp")
    assert status == Status.PASS, message
    status, message = _status(copied, "feature.microprint.sharp")
    assert status == Status.FAIL, message
    low = {k: cv2.resize(v, None, fx=2 / 3, fy=2 / 3, interpolation=cv2.INTER_AREA)
           for k, v in genuine.items()}  # fmt: skip
    status, message = _status(low, "feature.microprint.sharp")
    assert status == Status.NOT_APPLICABLE and "300 dpi" in message, (status, message)


def test_rainbow_in_a_capture_whose_noise_lost_its_colour_is_not_passed(
        make_doc: MakeDoc) -> None:
    """A scan keeps its noise's colour and the genuine rainbow passes; the same scan saved
    as a JPEG (colour at half resolution) keeps the noise but not its colour: a copy's dot
    screen could not show there either, so the rainbow is not applicable, not passed."""
    views = _views(make_doc("uto_passport_td3"), "scan")
    status, message = _status(views, "feature.rainbow.smooth")
    assert status == Status.PASS, message
    jpeg = {k: np.clip(_jpeg(v.astype(np.float32), 85), 0, 255).astype(np.uint8)
            if k == "white" else v for k, v in views.items()}  # fmt: skip
    status, message = _status(jpeg, "feature.rainbow.smooth")
    assert status == Status.NOT_APPLICABLE and "JPEG" in message, (status, message)
