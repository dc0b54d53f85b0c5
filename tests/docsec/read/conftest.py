from __future__ import annotations

import cv2
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


def turned(image: np.ndarray, angle: float) -> np.ndarray:
    """``image`` on a larger light canvas, turned counter-clockwise by ``angle``."""
    h, w = image.shape[:2]
    side = int(np.hypot(h, w)) + 10
    canvas = np.full((side, side, 3), 236, np.uint8)
    canvas[(side - h) // 2 : (side - h) // 2 + h, (side - w) // 2 : (side - w) // 2 + w] = image
    rot = cv2.getRotationMatrix2D((side / 2, side / 2), angle, 1.0)
    return cv2.warpAffine(canvas, rot, (side, side), borderValue=(236, 236, 236))
