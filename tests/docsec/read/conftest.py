from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageFont

OCRB = "/usr/share/fonts/opentype/ocr-b/OCRB.otf"
TD3 = (
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
    "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
)
TD1 = (
    "I<UTOD231458907<<<<<<<<<<<<<<<",
    "7408122F1204159UTO<<<<<<<<<<<6",
    "ERIKSSON<<ANNA<MARIA<<<<<<<<<<",
)


def render_mrz_page(lines: tuple[str, ...], *, dpi: int = 200, turn: int = 0) -> np.ndarray:
    """A light page with a few words and the MRZ in OCR-B, turned clockwise by ``turn``."""
    pitch = 2.54 * dpi / 25.4
    n = len(lines[0])
    w, h = int(pitch * (n + 6)), int(pitch * (2.2 * len(lines) + 12))
    page = Image.new("RGB", (w, h), (236, 240, 232))
    draw = ImageDraw.Draw(page)
    font = ImageFont.truetype(OCRB, round(pitch / 0.72297))
    draw.text((3 * pitch, 2 * pitch), "UTOPIA SPECIMEN", font=font, fill=(40, 40, 90))
    top = h - pitch * (2.0 * len(lines) + 1.5)
    for j, text in enumerate(lines):
        for k, ch in enumerate(text):
            xy = (3 * pitch + (k + 0.5) * pitch, top + j * 2.0 * pitch)
            draw.text(xy, ch, font=font, fill=(25, 25, 25), anchor="mm")
    arr = np.asarray(page)
    return np.ascontiguousarray(np.rot90(arr, k=-(turn // 90)))
