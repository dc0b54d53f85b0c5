"""Captures of a document in every light from one fixed position, by code of its own.

A document examined on a desk comparator (or scanned light by light without being moved)
shows the same geometry in every view of a side: one placement, one homography. What
differs from light to light is the lamp: its evenness, colour, exposure and the sensor
noise at that exposure. Two kinds:

* ``scan``: a flatbed / comparator scan: the page laid on the glass, turned up to 2
  degrees, sampled at 0.95-1.35 times the render's resolution, a contact-image sensor's row
  gain ripple, light optical blur, one per-channel calibration gain for every pass and an
  exposure within 2% per pass, sensor noise (stronger in the dim UV views), JPEG 85-95 or
  PNG;
* ``photo``: a camera on a stand: perspective from a tilt of up to 10 degrees, any roll up
  to 8 degrees, 0.8-1.1 times the render's resolution, a lamp falling off across the page
  by 10-30% and a vignette (each light its own lamp), the room's colour temperature, white
  balance within 3% and exposure within 5% per shot, a soft glare spot in white light now
  and then, blur, noise, JPEG 70-88.

The background around the page is what each light shows there: the scanner lid or the
desk in white light, dark in UV and IR, the bare light box (saturated) in transmitted
light. The VIN plate is a photo of the car's plate on its own; the photo of the traveller
is passed through. Outputs are decoded arrays (as a file from the device would decode).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

KINDS = ("scan", "photo")
NOT_LIGHTS = ("vin_plate", "traveller")


def _light(name: str) -> str:
    base = name.removesuffix("_back")
    return "tilt" if base.startswith("tilt_") else base


def _codec(img: NDArray[np.uint8], fmt: str, quality: int) -> NDArray[np.uint8]:
    """Encode and decode (the device's file)."""
    arr = img if img.ndim == 2 else img[:, :, ::-1]
    params = [] if fmt == "png" else [cv2.IMWRITE_JPEG_QUALITY, quality]
    ok, buf = cv2.imencode(".png" if fmt == "png" else ".jpg", arr, params)
    if not ok:
        raise RuntimeError("encoding failed")
    dec: Any = cv2.imdecode(buf, cv2.IMREAD_UNCHANGED)
    if dec is None:
        raise RuntimeError("decoding failed")
    if dec.ndim == 3:
        dec = dec[:, :, ::-1]
    return np.ascontiguousarray(dec, np.uint8)


#: Background level around the page by light (what the device sees where there is no page).
_BACKGROUND = {"white": (215.0, 250.0), "tilt": (200.0, 245.0), "uv365": (8.0, 30.0),
               "uv254": (8.0, 30.0), "ir": (30.0, 70.0), "transmitted": (250.0, 255.0)}
#: Sensor noise (grey levels, sigma) by light: the UV views are dim and amplified.
_NOISE = {"white": (1.2, 2.5), "tilt": (1.2, 2.5), "uv365": (2.5, 5.0), "uv254": (3.0, 6.0),
          "ir": (2.0, 3.5), "transmitted": (1.5, 3.0)}  # fmt: skip




def _corners(w: int, h: int) -> NDArray[np.float32]:
    return np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)


def _placement(kind: str, w: int, h: int, rng: np.random.Generator
               ) -> tuple[NDArray[np.float64], tuple[int, int]]:  # fmt: skip
    """The homography from page pixels to the capture and the capture's size."""
    if kind == "scan":
        s = rng.uniform(0.95, 1.35)
        a = np.deg2rad(rng.uniform(-2.0, 2.0))
        pts = np.array([[-w / 2, -h / 2], [w / 2, -h / 2], [w / 2, h / 2], [-w / 2, h / 2]]) * s
        rot = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
        dst = pts @ rot.T
        margin = rng.uniform(20, 80, 4)
    else:
        s = rng.uniform(0.8, 1.1)
        t = np.deg2rad(rng.uniform(0, 10))
        axis = rng.uniform(0, 2 * np.pi)
        ux, uy = np.cos(axis), np.sin(axis)
        k = np.array([[0, 0, uy], [0, 0, -ux], [-uy, ux, 0]])
        r3 = np.eye(3) + np.sin(t) * k + (1 - np.cos(t)) * (k @ k)
        pts3 = np.array([[-w / 2, -h / 2, 0], [w / 2, -h / 2, 0], [w / 2, h / 2, 0],
                         [-w / 2, h / 2, 0]]) * s  # fmt: skip
        f = 2.0 * max(w, h) * s
        cam = pts3 @ r3.T + np.array([0, 0, f])
        dst = f * cam[:, :2] / cam[:, 2:3]
        a = np.deg2rad(rng.uniform(-8, 8))
        dst = dst @ np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]]).T
        margin = rng.uniform(40, 150, 4)
    dst = dst - dst.min(axis=0) + margin[:2]
    size = (int(dst[:, 0].max() + margin[2]), int(dst[:, 1].max() + margin[3]))
    hom = cv2.getPerspectiveTransform(_corners(w, h), dst.astype(np.float32))
    return np.asarray(hom, np.float64), size


def _place(page: NDArray[np.uint8], hom: NDArray[np.float64], size: tuple[int, int],
           background: Any) -> NDArray[np.float32]:  # fmt: skip
    warped = cv2.warpPerspective(page, hom, size, flags=cv2.INTER_LINEAR)
    alpha = cv2.warpPerspective(np.full(page.shape[:2], 1.0, np.float32), hom, size,
                                flags=cv2.INTER_LINEAR)  # fmt: skip
    if page.ndim == 3:
        alpha = alpha[..., None]
    return np.asarray(warped.astype(np.float32) * alpha + background * (1 - alpha), np.float32)


def _lamp(size: tuple[int, int], rng: np.random.Generator, strength: float,
          vignette: float) -> NDArray[np.float32]:  # fmt: skip
    """Illumination across the frame: a lamp falling off along one direction, a vignette."""
    w, h = size
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    cx, cy = w / 2, h / 2
    a = rng.uniform(0, 2 * np.pi)
    diag = float(np.hypot(w, h))
    ramp = 1 + strength * ((xx - cx) * np.cos(a) + (yy - cy) * np.sin(a)) / diag
    r2 = ((xx - cx) ** 2 + (yy - cy) ** 2) / (diag / 2) ** 2
    return np.asarray(ramp * (1 - vignette * r2), np.float32)


def _one(page: NDArray[np.uint8], name: str, kind: str, hom: NDArray[np.float64],
         size: tuple[int, int], desk: NDArray[np.float64], rng: np.random.Generator,
         device: NDArray[np.float64] | None = None) -> NDArray[np.uint8]:  # fmt: skip
    """One view captured; ``device`` is the per-channel gain the device gives every view
    of the side (its calibration, or the room's colour temperature)."""
    if device is None:
        device = np.ones(3)
    lt = _light(name)
    lo, hi = _BACKGROUND.get(lt, (200.0, 240.0))
    if lt in ("white", "tilt") and kind == "photo":
        bg: Any = desk
    else:
        bg = np.full(3, rng.uniform(lo, hi))
    if page.ndim == 2:
        bg = float(np.mean(bg))
    img: Any = _place(page, hom, size, bg)
    w, h = size
    field: Any
    if kind == "scan":
        rows = cv2.GaussianBlur(rng.normal(0, 0.004, (h, 1)).astype(np.float32), (1, 0), 1.5)
        field = (1 + rows) * (1 + 0.02 * (np.arange(w, dtype=np.float32)[None, :] / w - 0.5))
        blur = rng.uniform(0.45, 0.85)
        # one lamp and one calibration for every pass: only the exposure moves a little
        cast = device * rng.uniform(0.98, 1.02)
    else:
        field = _lamp(size, rng, rng.uniform(0.1, 0.3), rng.uniform(0.08, 0.22))
        blur = rng.uniform(0.6, 1.2)
        # the room's colour temperature, and the camera's white balance and exposure per shot
        cast = device * rng.uniform(0.97, 1.03, 3) * rng.uniform(0.95, 1.05)
    if lt != "transmitted":  # the light box is the source itself: no lamp fall-off
        img = img * (field[..., None] if img.ndim == 3 else field)
    if img.ndim == 3:
        img = img * cast
        if lt.startswith("uv") and kind == "photo":  # the lamp's violet reflection
            img = img + np.array([rng.uniform(3, 10), 0.0, rng.uniform(6, 18)], np.float32)
    if kind == "photo" and lt in ("white", "tilt") and rng.random() < 0.3:
        yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
        gx, gy = rng.uniform(0.2, 0.8) * w, rng.uniform(0.2, 0.8) * h
        r = rng.uniform(0.08, 0.15) * float(np.hypot(w, h))
        spot = rng.uniform(25, 60) * np.exp(-((xx - gx) ** 2 + (yy - gy) ** 2) / (2 * r * r))
        img = img + (spot[..., None] if img.ndim == 3 else spot)
    img = cv2.GaussianBlur(img, (0, 0), blur)
    lo_n, hi_n = _NOISE.get(lt, (1.5, 3.0))
    img = img + rng.normal(0, rng.uniform(lo_n, hi_n), img.shape).astype(np.float32)
    out = np.clip(img, 0, 255).astype(np.uint8)
    if kind == "scan":
        if rng.random() < 0.3:
            return _codec(out, "png", 0)
        return _codec(out, "jpg", int(rng.integers(85, 96)))
    return _codec(out, "jpg", int(rng.integers(70, 89)))


def _plate_photo(plate: NDArray[np.uint8], rng: np.random.Generator) -> NDArray[np.uint8]:
    """A hand-held photo of the VIN plate on the car: its own geometry and light."""
    h, w = plate.shape[:2]
    hom, size = _placement("photo", w, h, rng)
    desk = np.array(rng.uniform(40, 140, 3))
    return _one(plate, "white", "photo", hom, size, desk, rng)


def capture_views(views: Mapping[str, NDArray[np.uint8]], kind: str,
                  rng: np.random.Generator | int) -> dict[str, NDArray[np.uint8]]:  # fmt: skip
    """Every view of ``views`` captured as ``kind`` (``scan`` or ``photo``): the lights of
    one side from one fixed position (one homography), each with its own lamp and noise."""
    if kind not in KINDS:
        raise ValueError(f"capture kind must be one of {KINDS}, got {kind!r}")
    gen = np.random.default_rng(rng)
    out: dict[str, NDArray[np.uint8]] = {}
    sides: dict[str, list[str]] = {}
    for name in views:
        if name in NOT_LIGHTS:
            continue
        sides.setdefault("back" if name.endswith("_back") else "front", []).append(name)
    for side in sorted(sides):
        names = sorted(sides[side])
        h, w = views[names[0]].shape[:2]
        hom, size = _placement(kind, w, h, gen)
        desk = np.array(gen.uniform(60, 200, 3))
        device = gen.uniform(0.96, 1.04, 3) if kind == "scan" else gen.uniform(0.9, 1.08, 3)
        for name in names:
            if views[name].shape[:2] != (h, w):
                raise ValueError(f"view {name!r} is not the size of the other views of its side")
            out[name] = _one(views[name], name, kind, hom, size, desk, gen, device)
    if "vin_plate" in views:
        out["vin_plate"] = _plate_photo(views["vin_plate"], gen)
    if "traveller" in views:
        out["traveller"] = np.array(views["traveller"], copy=True)
    return out
