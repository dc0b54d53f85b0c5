"""Motion blur taken out of an MRZ band before it is read again.

A hand-held phone smears every point of a capture into a short straight streak; at
arm's length the streak is 7-11 px on a 9-14 px character pitch, long enough to run the
characters of a line into one another, so neither the grid nor the recogniser finds them.
Such a streak lowers the capture's gradients along its own direction only, so the band's
gradient structure tensor (over the band itself: page edges beside it must not count)
points along the streak: its smallest eigenvector gives the direction, and the ratio of
its eigenvalues says whether there is a streak at all (printed OCR-B lines alone stay
below :attr:`DeblurParams.min_anisotropy`). The streak's length is not measured: a
few lengths in shares of the band's pitch are tried (:attr:`DeblurParams.lengths`), each
removed by a Wiener filter over the band's surroundings only, and the reader keeps
whichever reading is best.

A reading of a deblurred band is never trusted on its recogniser's confidence alone
(:func:`docsec.read.decode.decode_cells` with every cell treated as misplaced): the
filter's ringing is not what the recogniser was calibrated on, so only characters a
passing check digit vouches for can be sure.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from docsec.read.locate import BandCandidate

__all__ = ["DEBLUR", "DeblurParams", "MotionBlur", "estimate_motion_blur", "remove_motion_blur"]


@dataclass(frozen=True, slots=True)
class DeblurParams:
    """When and how a band's motion blur is removed, each with its reason."""

    #: Largest over smallest eigenvalue of the band's gradient structure tensor above which
    #: the band is streaked: sharp or lightly blurred OCR-B bands of the independent set's
    #: photos measured 1.04-1.71 (their upright strokes alone), streaks of 7-9 px on a 9-13
    #: px pitch 2.25-4.5.
    min_anisotropy: float = 2.0
    #: Streak lengths tried, in shares of the band's character pitch: 7-11 px streaks on a
    #: 9-14 px pitch, the blur that runs characters together.
    lengths: tuple[float, ...] = (0.55, 0.8)
    #: Wiener filter's noise-to-signal ratio: JPEG at quality 35-60 and sensor noise; lower
    #: rings around every edge, higher leaves the characters joined.
    noise_ratio: float = 0.01
    #: The band's surroundings filtered, in character heights beyond the band (the reader's
    #: patch reaches 2.6 of them across the lines) ...
    margin: float = 3.0
    #: ... plus this share of the band's length: a band found over part of a blurred line
    #: is extended by the reader by up to 0.6 of its length on each side.
    extend: float = 0.6
    #: Gaussian smoothing (pixels) before the gradients: JPEG's block edges are sharper
    #: than any printed stroke a 9 px pitch leaves.
    presmooth: float = 0.7
    #: Pixels eroded off the band's outline before the gradients are taken: the outline
    #: itself cuts through ink.
    inset: int = 2


DEBLUR = DeblurParams()


@dataclass(frozen=True, slots=True)
class MotionBlur:
    """A streak found over a band: its direction in the capture (degrees, modulo 180,
    clockwise from the x axis) and the tensor's eigenvalue ratio."""

    angle_deg: float
    anisotropy: float


def estimate_motion_blur(gray: np.ndarray, band: BandCandidate) -> MotionBlur | None:
    """The streak over ``band`` in the ``uint8`` gray capture, or None when the band is
    not streaked (:attr:`DeblurParams.min_anisotropy`) or lies off the capture."""
    corners = band.corners_xy()
    h, w = gray.shape[:2]
    x0, y0 = (max(int(v), 0) for v in np.floor(corners.min(axis=0)))
    x1, y1 = (min(int(v), n) for v, n in zip(np.ceil(corners.max(axis=0)), (w, h), strict=True))
    if x1 - x0 < 8 or y1 - y0 < 8:
        return None
    crop = cv2.GaussianBlur(gray[y0:y1, x0:x1].astype(np.float32), (0, 0), DEBLUR.presmooth)
    mask = np.zeros(crop.shape, np.uint8)
    cv2.fillConvexPoly(mask, np.round(corners - [x0, y0]).astype(np.int32), 1)
    side = 2 * DEBLUR.inset + 1
    inside = cv2.erode(mask, np.ones((side, side), np.uint8)) > 0
    if int(inside.sum()) < 64:
        return None
    gx = cv2.Sobel(crop, cv2.CV_32F, 1, 0)[inside]
    gy = cv2.Sobel(crop, cv2.CV_32F, 0, 1)[inside]
    tensor = np.array([[np.mean(gx * gx), np.mean(gx * gy)], [np.mean(gx * gy), np.mean(gy * gy)]])
    values, vectors = np.linalg.eigh(tensor)
    if values[0] <= 0:
        return None
    ratio = float(values[1] / values[0])
    if ratio < DEBLUR.min_anisotropy:
        return None
    along = vectors[:, 0]
    return MotionBlur(math.degrees(math.atan2(along[1], along[0])) % 180.0, ratio)


def _streak(length: float, angle_deg: float, supersample: int = 8) -> np.ndarray:
    """A straight streak ``length`` pixels long at ``angle_deg``, summing to one (drawn
    ``supersample`` times larger and reduced: sub-pixel lengths and any angle)."""
    size = int(math.ceil(length)) + 2
    size += size % 2 == 0
    big = np.zeros((size * supersample, size * supersample), np.float32)
    centre = size * supersample / 2
    t = math.radians(angle_deg)
    dx, dy = length * supersample / 2 * math.cos(t), length * supersample / 2 * math.sin(t)
    start, end = (round(centre - dx), round(centre - dy)), (round(centre + dx), round(centre + dy))
    cv2.line(big, start, end, 1.0, supersample)
    kernel = cv2.resize(big, (size, size), interpolation=cv2.INTER_AREA)
    return np.asarray(kernel / kernel.sum(), dtype=np.float32)


def _wiener(image: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """``image`` (``uint8``) with ``kernel``'s blur removed by a Wiener filter (edges
    mirrored first so that the filter's wrap-around does not ring)."""
    pad = 2 * kernel.shape[0]
    f = cv2.copyMakeBorder(image.astype(np.float32), pad, pad, pad, pad, cv2.BORDER_REFLECT)
    h, w = f.shape
    otf = np.zeros((h, w), np.float32)
    kh, kw = kernel.shape
    otf[:kh, :kw] = kernel
    otf = np.roll(otf, (-(kh // 2), -(kw // 2)), axis=(0, 1))
    spectrum = np.fft.rfft2(otf)
    gain = np.conj(spectrum) / (np.abs(spectrum) ** 2 + DEBLUR.noise_ratio)
    out = np.fft.irfft2(gain * np.fft.rfft2(f), s=(h, w))[pad:-pad, pad:-pad]
    return np.asarray(np.clip(out, 0, 255), dtype=np.uint8)


def remove_motion_blur(
    gray: np.ndarray, band: BandCandidate, blur: MotionBlur, length_px: float
) -> np.ndarray:
    """A copy of the ``uint8`` gray capture with a streak of ``length_px`` pixels in the
    direction ``blur`` found removed around ``band`` (the rest of the capture unchanged)."""
    corners = band.corners_xy()
    reach = DEBLUR.margin * band.thickness + DEBLUR.extend * band.length
    h, w = gray.shape[:2]
    x0, y0 = (max(int(v), 0) for v in np.floor(corners.min(axis=0) - reach))
    x1, y1 = (
        min(int(v), n) for v, n in zip(np.ceil(corners.max(axis=0) + reach), (w, h), strict=True)
    )
    out = gray.copy()
    if x1 - x0 < 8 or y1 - y0 < 8:
        return out
    out[y0:y1, x0:x1] = _wiener(gray[y0:y1, x0:x1], _streak(length_px, blur.angle_deg))
    return out
