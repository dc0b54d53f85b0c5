"""Text rasterisation for documents: visual-zone fonts (DejaVu) and the OCR-B MRZ at ICAO pitch.

The MRZ is printed in OCR-B at a fixed pitch of 2.54 mm (10 characters per inch, ICAO Doc 9303
Part 3 §4.2); every character is placed on its own cell so the pitch is exact at any dpi. The
visual zone uses DejaVu Sans (Latin and Cyrillic; Debian ``fonts-dejavu-core``). Each string is
drawn into an 8-bit coverage mask the size of its box, clipped to the box, so a field never
spills outside the region the answer key declares.

>>> m = text_mask("UTOPIA", (120, 30), font="sans", size_px=20)
>>> m.shape, m.dtype, int(m.max()) > 200
((30, 120), dtype('uint8'), True)
"""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageDraw, ImageFont

from docsec.errors import DocsecError
from docsec.models import FONT_FILES as MODEL_FONT_FILES
from docsec.models import MRZ_LEFT_MM, MRZ_LINE_PITCH_MM, MRZ_PITCH_MM

__all__ = ["FONT_FILES", "MRZ_PITCH_MM", "font", "mrz_mask", "text_mask"]

#: The models' typefaces and the OCR-B the MRZ is printed in (Debian ``fonts-ocr-b``).
FONT_FILES = {**MODEL_FONT_FILES, "ocrb": Path("/usr/share/fonts/opentype/ocr-b/OCRB.otf")}

Mask = NDArray[np.uint8]


@functools.cache
def font(name: str, size_px: int) -> ImageFont.FreeTypeFont:
    """The font ``name`` (a key of :data:`FONT_FILES`) at ``size_px`` pixels (cached).

    Raises :class:`~docsec.errors.DocsecError` when the font file is not installed (install the
    Debian packages ``fonts-dejavu-core`` and ``fonts-ocr-b``).
    """
    path = FONT_FILES.get(name)
    if path is None:
        raise DocsecError(f"unknown font {name!r}; use one of {sorted(FONT_FILES)}")
    try:
        return ImageFont.truetype(str(path), max(4, size_px))
    except OSError as exc:
        raise DocsecError(
            f"font file {path} is missing: install fonts-dejavu-core and fonts-ocr-b"
        ) from exc


def text_mask(
    text: str,
    size_xy: tuple[int, int],
    *,
    font: str = "sans",
    size_px: int,
    offset_xy: tuple[int, int] = (0, 0),
    window: tuple[int, int, int, int] | None = None,
) -> Mask:
    """Coverage mask (0-255) of ``text`` drawn at ``offset_xy`` in a ``size_xy`` box (clipped).

    With ``window`` (``x, y, w, h`` in the box), only that part of the box is drawn and
    returned (a magnified crop of a field costs the pixels of the crop).
    """
    w, h = size_xy
    wx, wy, ww, wh = _window(window, w, h)
    img = Image.new("L", (max(1, ww), max(1, wh)), 0)
    if text:
        ImageDraw.Draw(img).text((offset_xy[0] - wx, offset_xy[1] - wy), text, fill=255,
                                 font=_font(font, size_px))
    return np.asarray(img, dtype=np.uint8)


def _window(window: tuple[int, int, int, int] | None, w: int,
            h: int) -> tuple[int, int, int, int]:
    if window is None:
        return 0, 0, w, h
    x, y, ww, wh = window
    if ww <= 0 or wh <= 0 or x < 0 or y < 0 or x + ww > max(1, w) or y + wh > max(1, h):
        raise DocsecError(f"window {window} is not inside the {w} x {h} box")
    return window


_font = font


def mrz_mask(
    lines: tuple[str, ...] | list[str],
    size_xy: tuple[int, int],
    *,
    dpi: int,
    font_name: str = "ocrb",
    pitch_mm: float = MRZ_PITCH_MM,
    line_pitch_mm: float = MRZ_LINE_PITCH_MM,
    window: tuple[int, int, int, int] | None = None,
) -> Mask:
    """Coverage mask of the MRZ lines in a ``size_xy`` box: one character per 2.54 mm cell.

    Lines are centred vertically in the box at ``line_pitch_mm`` (or closer if the box is
    short); the first character starts :data:`MRZ_LEFT_MM` from the left edge of the box.
    With ``window`` (``x, y, w, h`` in the box) only that part is drawn and returned.
    """
    w, h = size_xy
    wx, wy, ww, wh = _window(window, w, h)
    img = Image.new("L", (max(1, ww), max(1, wh)), 0)
    draw = ImageDraw.Draw(img)
    pitch = pitch_mm * dpi / 25.4
    # OCR-B is drawn for 10 characters per inch: its advance is 0.723 em, so the font size
    # that makes one advance one 2.54 mm cell is the size the font was designed for.
    f = _font(font_name, round(pitch / 0.723))
    top, bottom = f.getbbox("M")[1], f.getbbox("M")[3]
    cap = bottom - top
    n = max(1, len(lines))
    step = min(line_pitch_mm * dpi / 25.4, h / n)
    block = step * (n - 1) + cap
    y0 = (h - block) / 2 - top
    x0 = MRZ_LEFT_MM * dpi / 25.4
    for i, line in enumerate(lines):
        y = y0 + i * step - wy
        if y + bottom < 0 or y + top > wh:
            continue
        for j, ch in enumerate(line):
            x = x0 + j * pitch - wx
            if ch == " " or x + pitch < 0 or x - pitch > ww:
                continue
            draw.text((x, y), ch, fill=255, font=f)
    return np.asarray(img, dtype=np.uint8)
