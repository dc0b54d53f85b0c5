"""Capture conditions of real counters, applied to a drawn page.

* ``scan_clean``: flat scan, MRZ pitch 16-30 px (about 200-300 dpi), PNG or JPEG 92-97;
* ``scan_mild``: any quarter turn plus up to 5 degrees, slight tilt, pitch 13-22 px,
  light blur and colour cast, JPEG 70-90;
* ``photo_hard``: a phone photo: a cluttered scene with decoy MRZ-like text, any rotation,
  perspective from a camera tilted up to 30 degrees, page curl or booklet bend, MRZ pitch
  9-21 px, hard shadows and glare across the MRZ, motion blur up to 9 px, colour casts,
  photos of a screen with moire, JPEG 35-60.

Every function takes the page and the pixel pitch of its MRZ and returns the encoded
bytes (what a scanner or phone would hand over).
"""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np
from PIL import Image, ImageDraw

from bench.independent.pages import FONTS, MONO, _font, _words


def encode(img: np.ndarray, fmt: str, quality: int = 90) -> bytes:
    ok, buf = cv2.imencode(".png" if fmt == "png" else ".jpg", img[:, :, ::-1],
                           [] if fmt == "png" else [cv2.IMWRITE_JPEG_QUALITY, quality])  # fmt: skip
    assert ok
    return bytes(buf)


def _place(page: np.ndarray, dst: np.ndarray, size: tuple[int, int], bg: np.ndarray,
           interp: int = cv2.INTER_AREA) -> np.ndarray:  # fmt: skip
    h, w = page.shape[:2]
    src = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
    hom = cv2.getPerspectiveTransform(src, dst.astype(np.float32))
    scale = float(np.sqrt(abs(np.linalg.det(hom[:2, :2]))))
    if scale < 0.7:  # area-average first: warpPerspective samples (aliasing)
        small = cv2.resize(page, None, fx=scale * 1.1, fy=scale * 1.1, interpolation=cv2.INTER_AREA)
        hom = hom @ np.diag([w / small.shape[1], h / small.shape[0], 1.0])
        page = small
    warped = cv2.warpPerspective(page, hom, size, flags=cv2.INTER_LINEAR)
    mask = cv2.warpPerspective(np.full(page.shape[:2], 255, np.uint8), hom, size)
    alpha = (mask.astype(np.float32) / 255.0)[:, :, None]
    return np.asarray(warped * alpha + bg * (1 - alpha), dtype=np.uint8)


def _rect_dst(w: float, h: float, angle_deg: float, centre: tuple[float, float]) -> np.ndarray:
    a = np.deg2rad(angle_deg)
    rot = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
    pts = np.array([[-w / 2, -h / 2], [w / 2, -h / 2], [w / 2, h / 2], [-w / 2, h / 2]])
    return np.asarray(pts @ rot.T + np.array(centre), dtype=np.float64)


def scan_clean(page: np.ndarray, pitch_px: float, rng: np.random.Generator) -> bytes:
    s = rng.uniform(16, 30) / pitch_px
    h, w = page.shape[:2]
    W, H = int(w * s + rng.uniform(20, 120)), int(h * s + rng.uniform(20, 120))
    bg = np.full((H, W, 3), rng.uniform(235, 255), np.float32)
    dst = _rect_dst(w * s, h * s, rng.uniform(-0.7, 0.7), (W / 2, H / 2))
    img = _place(page, dst, (W, H), bg)
    img = np.clip(img + rng.normal(0, 1.5, img.shape), 0, 255).astype(np.uint8)
    if rng.random() < 0.5:
        return encode(img, "png")
    return encode(img, "jpg", int(rng.integers(92, 98)))


def scan_mild(page: np.ndarray, pitch_px: float, rng: np.random.Generator) -> bytes:
    s = rng.uniform(13, 22) / pitch_px
    h, w = page.shape[:2]
    diag = np.hypot(w, h) * s
    W, H = int(diag + rng.uniform(30, 150)), int(diag + rng.uniform(30, 150))
    bg = np.full((H, W, 3), rng.uniform(200, 250), np.float32)
    angle = 90 * int(rng.integers(0, 4)) + rng.uniform(-5, 5)
    dst = _rect_dst(w * s, h * s, angle, (W / 2, H / 2))
    dst += rng.normal(0, 0.01 * diag, dst.shape)  # slight tilt
    img: Any = _place(page, dst, (W, H), bg).astype(np.float32)
    img = cv2.GaussianBlur(img, (0, 0), rng.uniform(0.3, 1.0))
    img *= rng.uniform(0.93, 1.05, 3)
    img += rng.normal(0, 3, img.shape)
    return encode(np.clip(img, 0, 255).astype(np.uint8), "jpg", int(rng.integers(70, 91)))


def _bend(page: np.ndarray, rng: np.random.Generator, pitch_px: float,
          labels: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray | None]:
    """Page curl (a bulge along the lines) or a booklet bend (near the spine); ``labels``
    (an image of the page's character cells, see :func:`_cell_labels`) moves with it."""
    h, w = page.shape[:2]
    xs = np.arange(w, dtype=np.float32) / w
    amp = rng.uniform(0.3, 1.0) * pitch_px
    if rng.random() < 0.5:
        dy = amp * np.sin(np.pi * xs)  # curl: the middle of each line lifted
    else:
        spine = rng.uniform(0.0, 0.25)
        dy = amp * np.clip((spine + 0.3 - xs) / 0.3, 0, 1) ** 2  # bend at the spine side
    shade = 1.0 - 0.12 * dy / max(amp, 1e-6)
    map_x, map_y = np.meshgrid(np.arange(w, dtype=np.float32), np.arange(h, dtype=np.float32))
    map_y = map_y - dy[None, :]
    out = cv2.remap(page, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    if labels is not None:
        labels = cv2.remap(labels, map_x, map_y, cv2.INTER_NEAREST, borderValue=0)
    return np.asarray(out * shade[None, :, None], dtype=np.uint8), labels


def scene_background(H: int, W: int, rng: np.random.Generator, decoys: bool) -> np.ndarray:
    """A table top: colour, grain, objects, printed papers and decoy MRZ-like text."""
    base = rng.uniform(40, 200, 3)
    grain = cv2.GaussianBlur(rng.normal(0, 25, (H, W)).astype(np.float32), (0, 0), 6)
    bg = np.clip(base[None, None, :] + grain[:, :, None], 0, 255).astype(np.uint8)
    pil = Image.fromarray(bg)
    draw = ImageDraw.Draw(pil)
    for _ in range(int(rng.integers(2, 6))):
        x, y = int(rng.integers(0, W)), int(rng.integers(0, H))
        colour = tuple(int(c) for c in rng.integers(0, 255, 3))
        draw.rectangle([x, y, x + int(rng.integers(20, W // 3)), y + int(rng.integers(20, H // 3))],
                       fill=colour)  # fmt: skip
    if decoys:
        size = int(rng.uniform(10, 24))
        for _ in range(int(rng.integers(1, 4))):
            x, y = int(rng.integers(0, W // 2)), int(rng.integers(0, H))
            text_font = _font(str(rng.choice(MONO + FONTS)), size)
            for k in range(int(rng.integers(1, 4))):
                line = "<".join(_words(rng, 3).split()) + "<<<<" + "".join(
                    str(d) for d in rng.integers(0, 10, 8))  # fmt: skip
                draw.text((x, float(y + k * 1.6 * size)), line, font=text_font,
                          fill=tuple(int(c) for c in rng.integers(0, 80, 3)))  # fmt: skip
    return np.asarray(pil).astype(np.float32)


def _camera(w: float, h: float, tilt_deg: float, roll_deg: float, rng: np.random.Generator
            ) -> np.ndarray:  # fmt: skip
    """Page corners seen by a camera tilted by ``tilt_deg`` (perspective), rolled."""
    t = np.deg2rad(tilt_deg)
    axis = rng.uniform(0, 2 * np.pi)
    ux, uy = np.cos(axis), np.sin(axis)
    # rotation about an in-plane axis (ux, uy, 0) by t (Rodrigues)
    k = np.array([[0, 0, uy], [0, 0, -ux], [-uy, ux, 0]])
    rot = np.eye(3) + np.sin(t) * k + (1 - np.cos(t)) * (k @ k)
    pts = np.array([[-w / 2, -h / 2, 0], [w / 2, -h / 2, 0], [w / 2, h / 2, 0], [-w / 2, h / 2, 0]])
    f = 1.6 * max(w, h)
    cam = pts @ rot.T + np.array([0, 0, f])
    proj = f * cam[:, :2] / cam[:, 2:3]
    r = np.deg2rad(roll_deg)
    roll = np.array([[np.cos(r), -np.sin(r)], [np.sin(r), np.cos(r)]])
    return np.asarray(proj @ roll.T)


#: Ink darker than this (grey level) inside the MRZ box is a character's print: the set's
#: MRZ inks are 0-60 on bands no darker than a light tint.
_INK_MAX = 110
#: A character is erased when at least this share of its print is clipped to white in every
#: colour channel: glare and print both saturate there, so no reader can see it.
_ERASED_SHARE = 0.6


def _cell_labels(page: np.ndarray, box: tuple[int, int, int, int], cells: tuple[int, int]
                 ) -> np.ndarray:  # fmt: skip
    """The page's MRZ print labelled by character cell (1 + line * length + column; 0 off the
    print): lines split the print's rows evenly, columns each line's ink span evenly (the
    MRZ is monospaced and every line starts and ends with a printed character)."""
    rows, length = cells
    x, y, bw, bh = box
    labels = np.zeros(page.shape[:2], np.float32)  # integers; remap takes floats
    ink = page[y : y + bh, x : x + bw].mean(axis=2) < _INK_MAX
    ys = np.flatnonzero(ink.any(axis=1))
    if ys.size == 0:
        return labels
    edges = np.linspace(ys[0], ys[-1] + 1, rows + 1)
    for i in range(rows):
        band = ink[int(edges[i]) : int(edges[i + 1])]
        xs = np.flatnonzero(band.any(axis=0))
        if xs.size == 0:
            continue
        col = np.floor((np.arange(bw) - xs[0]) * length / (xs[-1] + 1 - xs[0])).astype(np.int32)
        col = np.clip(col, 0, length - 1)
        cell = np.where(band, 1 + i * length + col[None, :], 0).astype(np.float32)
        labels[y + int(edges[i]) : y + int(edges[i + 1]), x : x + bw] = cell
    return labels


def _erased(img: np.ndarray, labels: np.ndarray, n_cells: int) -> int:
    """How many character cells have :data:`_ERASED_SHARE` of their print clipped white."""
    white = (img >= 255.0).all(axis=2)
    ids = np.rint(labels).astype(np.int64)
    total = np.bincount(ids.ravel(), minlength=n_cells + 1)[1:]
    gone = np.bincount(ids[white].ravel(), minlength=n_cells + 1)[1:]
    seen = total > 0
    return int(np.sum(gone[seen] >= _ERASED_SHARE * total[seen]))


def photo_hard(page: np.ndarray, pitch_px: float, mrz_box: tuple[int, int, int, int] | None,
               rng: np.random.Generator) -> bytes:  # fmt: skip
    """A phone photo of ``page`` (``mrz_box``: the MRZ in page pixels, for glare/shadow)."""
    return photo_hard_erased(page, pitch_px, mrz_box, rng)[0]


def photo_hard_erased(page: np.ndarray, pitch_px: float,
                      mrz_box: tuple[int, int, int, int] | None, rng: np.random.Generator,
                      cells: tuple[int, int] | None = None
                      ) -> tuple[bytes, int | None]:  # fmt: skip
    """:func:`photo_hard`, and with ``cells`` (the MRZ's lines and line length) the number
    of its characters the photo erased (glare clipping print and paper alike to white);
    the image is the same whether or not it is counted."""
    labels = _cell_labels(page, mrz_box, cells) if cells and mrz_box else None
    if rng.random() < 0.6:
        page, labels = _bend(page, rng, pitch_px, labels)
    h, w = page.shape[:2]
    target = rng.uniform(9, 14) if rng.random() < 0.45 else rng.uniform(14, 21)
    s = target / pitch_px
    quad = _camera(w * s, h * s, rng.uniform(0, 30), rng.uniform(0, 360), rng)
    span = quad.max(axis=0) - quad.min(axis=0)
    W, H = (int(v * rng.uniform(1.15, 1.6)) + 40 for v in span)
    off = np.array([rng.uniform(20, W - span[0] - 20), rng.uniform(20, H - span[1] - 20)])
    quad = quad - quad.min(axis=0) + off
    bg = scene_background(H, W, rng, decoys=rng.random() < 0.6)
    img: Any = _place(page, quad, (W, H), bg).astype(np.float32)
    src = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
    hom = cv2.getPerspectiveTransform(src, quad.astype(np.float32))
    yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
    if mrz_box is not None:
        x, y, bw, bh = mrz_box
        centre = cv2.perspectiveTransform(
            np.array([[[x + rng.uniform(0.1, 0.9) * bw, y + bh / 2]]], np.float32), hom)[0, 0]
    else:
        centre = np.array([rng.uniform(0, W), rng.uniform(0, H)])
    if rng.random() < 0.5:  # hard shadow: a straight edge across the MRZ
        a = rng.uniform(0, np.pi)
        side = (xx - centre[0]) * np.cos(a) + (yy - centre[1]) * np.sin(a) > rng.normal(0, 5)
        soft = cv2.GaussianBlur(side.astype(np.float32), (0, 0), rng.uniform(0.8, 3))
        img *= (1 - rng.uniform(0.3, 0.55) * soft)[:, :, None]
    if rng.random() < 0.5:  # glare: a saturated specular spot on the MRZ
        r = rng.uniform(1.5, 4) * target
        spot = np.exp(-((xx - centre[0]) ** 2 + (yy - centre[1]) ** 2) / (2 * r * r))
        img += (rng.uniform(120, 260) * spot)[:, :, None]
    img *= rng.uniform(0.8, 1.15, 3)  # colour cast
    if rng.random() < 0.15:  # a photo of a screen: pixel grid and moire
        period = rng.uniform(2.2, 4.5)
        ang = rng.uniform(0, np.pi)
        u = xx * np.cos(ang) + yy * np.sin(ang)
        v = -xx * np.sin(ang) + yy * np.cos(ang)
        grid = 0.5 + 0.25 * (np.cos(2 * np.pi * u / period) + np.cos(2 * np.pi * v / period))
        img *= (0.75 + 0.25 * grid)[:, :, None]
    if rng.random() < 0.5:  # motion blur 3-9 px
        length = int(rng.integers(3, 10))
        kernel: Any = np.zeros((length, length), np.float32)
        kernel[length // 2, :] = 1.0
        rot = cv2.getRotationMatrix2D((length / 2 - 0.5, length / 2 - 0.5), rng.uniform(0, 180), 1)
        kernel = cv2.warpAffine(kernel, rot, (length, length))
        img = cv2.filter2D(img, -1, kernel / max(float(kernel.sum()), 1e-6))
    else:
        img = cv2.GaussianBlur(img, (0, 0), rng.uniform(0.4, 1.2))
    img += rng.normal(0, rng.uniform(2, 7), img.shape)
    erased = None
    if labels is not None and cells is not None:
        seen = cv2.warpPerspective(labels, hom, (W, H), flags=cv2.INTER_NEAREST, borderValue=0)
        erased = _erased(img, seen, cells[0] * cells[1])
    data = encode(np.clip(img, 0, 255).astype(np.uint8), "jpg", int(rng.integers(35, 61)))
    return data, erased
