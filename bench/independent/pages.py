"""Document pages and MRZ-less pages drawn with their own layouts, colours and fonts.

Visual-zone text uses Liberation and GNU FreeFont (Debian ``fonts-liberation2`` and
``fonts-freefont-ttf``); page tints, patterns, photo and signature are drawn here. The
MRZ sits at the page foot as Doc 9303 places it, on a tinted band or on plain white.
"""

from __future__ import annotations

from functools import cache

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from bench.independent.glyphs import PrintStyle, render_mrz

#: Page sizes (width, height) in mm by MRZ format (ID-1, ID-2, ID-3, visa sticker A, B).
SIZES_MM = {"TD1": (85.6, 54.0), "TD2": (105.0, 74.0), "TD3": (125.0, 88.0),
            "MRVA": (120.0, 80.0), "MRVB": (105.0, 74.0)}  # fmt: skip
_LIB = "/usr/share/fonts/truetype/liberation2/"
_FREE = "/usr/share/fonts/truetype/freefont/"
FONTS = (
    _LIB + "LiberationSans-Regular.ttf", _LIB + "LiberationSans-Bold.ttf",
    _LIB + "LiberationSerif-Regular.ttf", _LIB + "LiberationSerif-Bold.ttf",
    _FREE + "FreeSans.ttf", _FREE + "FreeSansBold.ttf", _FREE + "FreeSerif.ttf",
    _FREE + "FreeSerifItalic.ttf",
)  # fmt: skip
MONO = (_LIB + "LiberationMono-Regular.ttf", _FREE + "FreeMono.ttf", _FREE + "FreeMonoBold.ttf")
#: Paper tints of the drawn pages (RGB), none of them a colour docsec's designs use.
TINTS = ((236, 244, 226), (246, 236, 246), (250, 242, 222), (228, 238, 248), (244, 244, 236),
         (238, 230, 220), (226, 246, 240), (252, 252, 252))  # fmt: skip
INKS = ((70, 40, 110), (20, 90, 70), (120, 50, 40), (40, 60, 130), (90, 90, 40))
LABELS = ("Surname / Nom", "Given names / Prenoms", "Nationality", "Date of birth", "Sex",
          "Place of birth", "Date of issue", "Authority", "Date of expiry", "Document no.",
          "Type", "Code", "Height", "Residence")  # fmt: skip
_WORDS = ("NORTH", "RIVER", "ALPHA", "KESTREL", "MARROW", "VILLE", "LAKE", "OAK", "STONE",
          "ADMIN", "OFFICE", "BUREAU", "MINISTRY", "HARBOUR", "GATE", "ZONE", "PERMIT")


@cache
def _font(path: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, max(size, 6))


def _words(rng: np.random.Generator, k: int) -> str:
    return " ".join(str(w) for w in rng.choice(_WORDS, size=k))


def _pattern(img: np.ndarray, rng: np.random.Generator, ppm: float) -> None:
    """Fine wave lines (a simple guilloche) in a colour a little darker than the paper."""
    h, w = img.shape[:2]
    base = np.array(img[0, 0], dtype=np.int32)
    colour = tuple(int(c) for c in np.clip(base - rng.integers(14, 40, 3), 0, 255))
    xs = np.arange(0, w, 2, dtype=np.float64)
    period = rng.uniform(6, 18) * ppm
    amp = rng.uniform(1.5, 5) * ppm
    step = rng.uniform(1.2, 3.0) * ppm
    phase = rng.uniform(0, 6.3)
    for k, y0 in enumerate(np.arange(-amp, h + amp, step)):
        ys = y0 + amp * np.sin(xs / period * 2 * np.pi + phase + 0.35 * k)
        pts = np.column_stack([xs, ys]).astype(np.int32)
        cv2.polylines(img, [pts], False, colour, 1, lineType=cv2.LINE_AA)


def _photo(img: np.ndarray, box: tuple[int, int, int, int], rng: np.random.Generator) -> None:
    x, y, w, h = box
    bg = tuple(int(c) for c in rng.integers(150, 230, 3))
    cv2.rectangle(img, (x, y), (x + w, y + h), bg, -1)
    skin = tuple(int(c) for c in rng.integers(90, 210, 3))
    cv2.ellipse(img, (x + w // 2, y + int(0.4 * h)), (int(0.24 * w), int(0.3 * h)), 0, 0, 360,
                skin, -1, lineType=cv2.LINE_AA)  # fmt: skip
    cloth = tuple(int(c) for c in rng.integers(20, 120, 3))
    cv2.ellipse(img, (x + w // 2, y + h), (int(0.48 * w), int(0.3 * h)), 0, 180, 360, cloth, -1)


def _signature(img: np.ndarray, x: int, y: int, w: int, rng: np.random.Generator) -> None:
    t = np.linspace(0, 1, 60)
    ys = y + np.cumsum(rng.normal(0, w * 0.02, t.size))
    pts = np.column_stack([x + t * w, ys + w * 0.08 * np.sin(t * rng.uniform(8, 20))])
    cv2.polylines(img, [pts.astype(np.int32)], False, (20, 30, 90), 2, lineType=cv2.LINE_AA)


def _text_block(img: np.ndarray, rng: np.random.Generator, box: tuple[int, int, int, int],
                ppm: float, ink: tuple[int, ...], with_lt: bool = False) -> None:  # fmt: skip
    """Label/value pairs filling ``box`` (x, y, w, h)."""
    x, y, w, h = box
    pil = Image.fromarray(img)
    draw = ImageDraw.Draw(pil)
    label_font = _font(str(rng.choice(FONTS)), int(1.6 * ppm))
    value_font = _font(str(rng.choice(FONTS)), int(2.6 * ppm))
    row = y
    while row + 5 * ppm < y + h:
        col = x
        while col + 20 * ppm < x + w:
            draw.text((col, row), str(rng.choice(LABELS)), font=label_font, fill=ink)
            value = _words(rng, int(rng.integers(1, 3)))
            if with_lt and rng.random() < 0.3:
                value = "<<" + value.replace(" ", "<") + "<<<"
            draw.text((col, row + 1.9 * ppm), value, font=value_font, fill=(25, 25, 30))
            col += int(rng.uniform(24, 40) * ppm)
        row += int(rng.uniform(6, 8) * ppm)
    img[:] = np.asarray(pil)


def blank_page(size_mm: tuple[float, float], ppm: float, rng: np.random.Generator,
               white: bool = False) -> np.ndarray:  # fmt: skip
    w, h = (int(round(v * ppm)) for v in size_mm)
    tint = (252, 252, 250) if white else TINTS[int(rng.integers(len(TINTS)))]
    img = np.empty((h, w, 3), np.uint8)
    img[:] = tint
    if not white:
        _pattern(img, rng, ppm)
    return img


def draw_document(fmt: str, lines: tuple[str, ...], ppm: float, rng: np.random.Generator,
                  style: PrintStyle | None = None, band: str = "tint",
                  white_page: bool = False) -> tuple[np.ndarray, tuple[int, int, int, int]]:
    """A document page of ``fmt`` with ``lines`` as its MRZ, ``ppm`` pixels a millimetre,
    and the MRZ block's box ``(x, y, w, h)`` in page pixels."""
    size = SIZES_MM[fmt]
    white = white_page or (band == "white" and rng.random() < 0.5)
    img = blank_page(size, ppm, rng, white=white)
    h, w = img.shape[:2]
    ink = INKS[int(rng.integers(len(INKS)))]
    style = style or PrintStyle.random(rng)
    mrz = render_mrz(lines, style, ppm, rng)
    mh, mw = mrz.shape
    top = h - mh - int(rng.uniform(0.5, 2.5) * ppm)
    left = max(0, (w - mw) // 2 + int(rng.uniform(-1.5, 1.5) * ppm))
    mw = min(mw, w - left)
    # visual zone above the MRZ
    pil = Image.fromarray(img)
    title_font = _font(str(rng.choice(FONTS)), int(rng.uniform(3.0, 4.5) * ppm))
    ImageDraw.Draw(pil).text((int(3 * ppm), int(2 * ppm)), "REPUBLIC OF " + _words(rng, 1),
                             font=title_font, fill=ink)  # fmt: skip
    img[:] = np.asarray(pil)
    photo_w = int(0.28 * w)
    photo_left = rng.random() < 0.7
    px = int(3 * ppm) if photo_left else w - photo_w - int(3 * ppm)
    py = int(9 * ppm)
    ph = max(int(min(1.3 * photo_w, top - py - 4 * ppm)), 10)
    _photo(img, (px, py, photo_w, ph), rng)
    tx = px + photo_w + int(3 * ppm) if photo_left else int(3 * ppm)
    _text_block(img, rng, (tx, py, w - photo_w - int(9 * ppm), top - py - int(7 * ppm)), ppm, ink)
    # Doc 9303-3 keeps the MRZ clear of other print: the signature stays above it
    _signature(img, tx, top - int(9 * ppm), int(25 * ppm), rng)
    if band == "tint":
        colour = np.array(TINTS[int(rng.integers(len(TINTS)))], np.float32) - rng.uniform(0, 25)
        img[top:, :] = (0.5 * img[top:, :] + 0.5 * colour).astype(np.uint8)
    elif band == "white":
        img[top:, :] = 250
    ink_rgb = np.array(rng.integers(0, 60, 3), np.float32)
    region = img[top : top + mh, left : left + mw].astype(np.float32)
    cover = mrz[:, :mw, None]
    printed = region * (1 - cover) + ink_rgb * cover
    img[top : top + mh, left : left + mw] = printed.astype(np.uint8)
    return img, (left, top, mw, mh)


def draw_negative(kind: str, ppm: float, rng: np.random.Generator) -> np.ndarray:
    """A page without an MRZ: ``form``, ``letter``, ``card`` or ``ticket``."""
    if kind == "card":
        img = blank_page(SIZES_MM["TD1"], ppm, rng)
        h, w = img.shape[:2]
        _photo(img, (int(3 * ppm), int(8 * ppm), int(24 * ppm), int(30 * ppm)), rng)
        _text_block(img, rng, (int(30 * ppm), int(8 * ppm), w - int(33 * ppm), h - int(10 * ppm)),
                    ppm, INKS[0], with_lt=True)  # fmt: skip
        return img
    size = (148.0, 105.0) if kind in ("form", "ticket") else (105.0, 148.0)
    img = blank_page(size, ppm, rng, white=kind == "letter")
    h, w = img.shape[:2]
    ink = INKS[int(rng.integers(len(INKS)))]
    if kind == "form":
        for k in range(int(rng.integers(3, 7))):
            y = int((15 + 12 * k) * ppm)
            cv2.line(img, (int(4 * ppm), y), (w - int(4 * ppm), y), ink, 1)
        _text_block(img, rng, (int(5 * ppm), int(6 * ppm), w - int(10 * ppm), h - int(12 * ppm)),
                    ppm, ink, with_lt=True)  # fmt: skip
    pil = Image.fromarray(img)
    draw = ImageDraw.Draw(pil)
    mono = _font(str(rng.choice(MONO)), int(rng.uniform(2.2, 3.2) * ppm))
    if kind == "letter":
        body = _font(str(rng.choice(FONTS)), int(2.6 * ppm))
        for k in range(int(rng.integers(12, 20))):
            text = _words(rng, 5) + " <" + _words(rng, 2)
            draw.text((int(8 * ppm), int((10 + 6 * k) * ppm)), text, font=body, fill=(30, 30, 30))
    # decoy: monospaced lines full of fillers, but no MRZ (wrong lengths, no check digits)
    y = h - int(rng.uniform(14, 22) * ppm)
    for _ in range(int(rng.integers(1, 4))):
        decoy = "<".join(_words(rng, 4).split()) + "<<" + "".join(
            str(d) for d in rng.integers(0, 10, int(rng.integers(4, 12)))
        )  # fmt: skip
        decoy = (decoy + "<" * int(rng.integers(3, 20)))[: int(rng.integers(20, 48))]
        draw.text((int(6 * ppm), y), decoy, font=mono, fill=(20, 20, 20))
        y += int(rng.uniform(3.5, 5) * ppm)
    if kind == "ticket":
        for k in range(int(rng.integers(40, 80))):
            x = int((6 + k * 1.3) * ppm)
            if x < w - 4:
                draw.line([(x, int(60 * ppm)), (x, int(75 * ppm))], fill=(0, 0, 0),
                          width=int(rng.integers(1, 4)))  # fmt: skip
        draw.text((int(6 * ppm), int(10 * ppm)), "BOARDING PASS " + _words(rng, 2),
                  font=_font(FONTS[1], int(4 * ppm)), fill=ink)  # fmt: skip
    return np.asarray(pil).copy()
