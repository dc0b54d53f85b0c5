"""Build the OCR-B cell classifier (``docsec/ocr/data/ocrb_mlp.npz``) from ``fonts-ocr-b``.

Reproducible: everything is drawn from ``np.random.default_rng(SEED)`` and the network
is trained with a fixed ``random_state``. Steps:

1. render blocks of three MRZ-like lines of random ``A-Z0-9<`` in OCR-B
   (``/usr/share/fonts/opentype/ocr-b/OCRB.otf`` through FreeType) at a high resolution,
   with random stroke weight (dilation or erosion), cap height against pitch (ICAO's
   2.0-2.6 mm capitals on a 2.3-2.6 mm pitch), line spacing and a print process: offset
   or laser print, dot-matrix (the glyph sampled on a grid of round dots), laser
   engraving (thin strokes of uneven depth) or a hard-edged bitmap print;
2. degrade each block the way captures do: affine distortion (scale, aspect, shear,
   rotation) down to a pitch of 7-30 px, paper and ink levels, background gradient and
   pattern, Gaussian blur, noise, JPEG;
3. rectify every line to the canonical strip of :mod:`docsec.ocr.ocrb` with small
   errors in the line's start and end (as the reader's grid fit makes), normalise it and
   cut the character cells; half-pitch-shifted cells and cells of upside-down lines
   become the "junk" class;
   Training never sees the independent evaluation set of ``bench/independent``: that set
   prints the *Sharp* cut ``OCRBS.otf`` through its own polygon rasteriser, and none of
   this script's renderers or its seed. Nor is ``OCRBE.otf`` ever a training font: its
   style is "Inverted Sharp", the same Sharp outlines cut out of a box
   (``tests/docsec/ocr/test_train_ocrb.py`` checks the fonts opened by their style);
4. train a one-hidden-layer network (scikit-learn ``MLPClassifier``, a dev dependency)
   and save its weights as plain numpy arrays.

Usage: ``.venv/bin/python scripts/train_ocrb.py [--blocks N] [--out PATH]``
"""

from __future__ import annotations

import argparse
import io
import time
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from docsec.ocr.ocrb import (
    CLASSES,
    MARGIN,
    N_OUTPUTS,
    PITCH,
    STRIP_H,
    cell_features,
    normalise_strip,
    strip_width,
)

FONT = "/usr/share/fonts/opentype/ocr-b/OCRB.otf"
SEED = 20261126
VERSION = "ocrb-mlp-4"
HI_SIZE = 66  # font size of the high-resolution rendering
# Characters that look like another character (or themselves) when turned by 180 degrees.
ROTATION_AMBIGUOUS = set("HINOSXZ08MW69<")
JUNK = len(CLASSES)


def glyph_geometry(font: ImageFont.FreeTypeFont) -> tuple[float, float, float]:
    """Advance, and the offset from the drawing origin to the centre of the capitals."""
    advance = font.getlength("H")
    im = Image.new("L", (200, 200), 0)
    ImageDraw.Draw(im).text((50, 50), "H", font=font, fill=255)
    ys, xs = np.nonzero(np.asarray(im) > 127)
    return advance, (xs.min() + xs.max()) / 2 - 50, (ys.min() + ys.max()) / 2 - 50


_FONTS: dict[int, tuple[ImageFont.FreeTypeFont, tuple[float, float, float]]] = {}


def _font(size: int) -> tuple[ImageFont.FreeTypeFont, tuple[float, float, float]]:
    if size not in _FONTS:
        f = ImageFont.truetype(FONT, size)
        _FONTS[size] = (f, glyph_geometry(f))
    return _FONTS[size]


def render_block(
    rng: np.random.Generator, font: ImageFont.FreeTypeFont, geom: tuple[float, float, float]
) -> tuple[np.ndarray, list[str], np.ndarray, float, float]:
    """High-resolution ink mask of three lines; their texts, first centres, advance, spacing.

    Cells are one advance of the reference font wide; the glyphs are drawn from a font
    scaled by 0.88-1.03, from "one advance per cell" down to ICAO's 2.42 mm capitals on
    the 2.54 mm pitch (about 0.94, the docsec generator's choice).
    """
    advance = geom[0]
    font, (_, ox, oy) = _font(int(round(HI_SIZE * rng.uniform(0.80, 1.08))))
    n = int(rng.integers(30, 45))
    spacing = advance * rng.uniform(1.4, 2.1)
    texts = []
    for _ in range(3):
        weights = np.ones(len(CLASSES))
        weights[CLASSES.index("<")] = rng.uniform(1, 12)  # MRZ lines hold runs of fillers
        weights /= weights.sum()
        texts.append("".join(rng.choice(list(CLASSES), size=n, p=weights)))
    pad = 2 * advance
    width = int(pad * 2 + advance * n)
    height = int(pad * 2 + spacing * 2 + advance)
    im = Image.new("L", (width, height), 0)
    draw = ImageDraw.Draw(im)
    starts = np.zeros((3, 2))
    for line, text in enumerate(texts):
        y0 = pad + line * spacing
        for k, ch in enumerate(text):
            draw.text((pad + k * advance, y0), ch, font=font, fill=255)
        starts[line] = (pad + ox, y0 + oy)
    mask: np.ndarray = np.asarray(im, dtype=np.uint8)
    weight = rng.integers(-3, 4)
    if weight:
        kernel = np.ones((abs(weight) + 1, abs(weight) + 1), np.uint8)
        mask = cv2.dilate(mask, kernel) if weight > 0 else cv2.erode(mask, kernel)
    process = rng.choice(PROCESSES, p=PROCESS_WEIGHTS)
    out = mask.astype(np.float32) / 255.0
    if process == "dotmatrix":
        out = dot_matrix(out, advance * rng.uniform(0.09, 0.13))
    elif process == "engraved":
        thin = cv2.erode(mask, np.ones((3, 3), np.uint8), iterations=int(rng.integers(1, 3)))
        depth = cv2.GaussianBlur(rng.uniform(0.4, 1.0, mask.shape).astype(np.float32), (0, 0), 3)
        out = np.clip(thin.astype(np.float32) / 255.0 * (0.5 + 0.7 * depth), 0, 1)
    return out, texts, starts, advance, spacing


PROCESSES = ("print", "dotmatrix", "engraved")
PROCESS_WEIGHTS = (0.65, 0.175, 0.175)


def dot_matrix(mask: np.ndarray, step: float) -> np.ndarray:
    """The ink mask re-printed as round dots on a square grid ``step`` pixels apart."""
    rows, cols = mask.shape
    grid = cv2.resize(mask, (max(1, int(cols / step)), max(1, int(rows / step))),
                      interpolation=cv2.INTER_AREA)  # fmt: skip
    on = (grid > 0.25).astype(np.float32)
    spots = np.zeros_like(mask)
    ys, xs = np.nonzero(on)
    spots[((ys + 0.5) * step).astype(int).clip(0, rows - 1),
          ((xs + 0.5) * step).astype(int).clip(0, cols - 1)] = 1.0  # fmt: skip
    r = max(1, int(round(0.55 * step)))
    disc = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1, 2 * r + 1))
    return np.asarray(cv2.dilate(spots, disc), dtype=np.float32)


def degrade(
    rng: np.random.Generator, mask: np.ndarray, advance: float
) -> tuple[np.ndarray, np.ndarray]:
    """Low-resolution gray capture of an ink mask and the 2x3 affine map high -> low."""
    pitch = float(np.exp(rng.uniform(np.log(7.0), np.log(32.0))))
    s = pitch / advance
    sx, sy = s * rng.uniform(0.95, 1.05), s * rng.uniform(0.95, 1.05)
    shear = rng.uniform(-0.1, 0.1)
    theta = np.deg2rad(rng.uniform(-3, 3))
    rot = np.array([[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]])
    lin = rot @ np.array([[sx, shear * sx], [0.0, sy]])
    h, w = mask.shape
    corners = np.array([[0, 0], [w, 0], [0, h], [w, h]], dtype=np.float64) @ lin.T
    offset = -corners.min(axis=0) + 2
    size = np.ceil(corners.max(axis=0) + offset + 2).astype(int)
    affine = np.hstack([lin, offset[:, None]])
    low = cv2.warpAffine(mask, affine, (int(size[0]), int(size[1])), flags=cv2.INTER_AREA)
    if rng.random() < 0.15:  # hard-edged bitmap print: no grey levels at the glyph edges
        low = (low > rng.uniform(0.35, 0.65)).astype(np.float32)
    rows, cols = low.shape
    paper = rng.uniform(140, 250)
    ink = rng.uniform(0, max(paper - 60, 1))
    yy, xx = np.mgrid[0:rows, 0:cols].astype(np.float32)
    gradient = rng.uniform(-30, 30) * (xx / cols) + rng.uniform(-20, 20) * (yy / rows)
    period = rng.uniform(3, 40)
    pattern = rng.uniform(0, 18) * np.sin((xx * rng.uniform(-1, 1) + yy) / period * 2 * np.pi)
    img = paper + gradient + pattern - (paper - ink) * low
    sigma = rng.uniform(0, 1.6)
    if sigma > 0.3:
        img = cv2.GaussianBlur(img, (0, 0), sigma)
    if rng.random() < 0.35:  # camera shake: a line kernel up to 0.45 pitch long
        length = max(2, int(round(rng.uniform(0.1, 0.45) * pitch)))
        kernel = np.zeros((length * 2 + 1, length * 2 + 1), np.float32)
        ang = rng.uniform(0, np.pi)
        dx, dy = np.cos(ang) * length, np.sin(ang) * length
        cv2.line(kernel, (int(round(length - dx)), int(round(length - dy))),
                 (int(round(length + dx)), int(round(length + dy))), 1.0, 1)  # fmt: skip
        img = cv2.filter2D(img, -1, kernel / kernel.sum())
    img += rng.normal(0, rng.uniform(0, 9), img.shape)
    img8 = np.clip(img, 0, 255).astype(np.uint8)
    if rng.random() < 0.6:
        buf = io.BytesIO()
        Image.fromarray(img8).save(buf, format="JPEG", quality=int(rng.integers(30, 96)))
        img8 = np.asarray(Image.open(buf).convert("L"))
    return img8, affine


def canonical_strip(
    rng: np.random.Generator,
    low: np.ndarray,
    first_low: np.ndarray,
    step_low: np.ndarray,
    perp_low: np.ndarray,
    n: int,
    shift: float,
) -> np.ndarray:
    """Rectify one line to the canonical strip, with grid-fit errors at its two ends."""
    pitch_len = float(np.hypot(*step_low))
    err0 = np.clip(rng.normal(0, 0.07, 2), -0.2, 0.2) * pitch_len
    err1 = np.clip(rng.normal(0, 0.07, 2), -0.2, 0.2) * pitch_len
    c0 = first_low + err0 + step_low * shift
    c1 = first_low + step_low * (n - 1) + err1 + step_low * shift
    step = (c1 - c0) / (n - 1)
    perp = perp_low * (1 + rng.normal(0, 0.04))
    # canonical (u, v) -> low: c0 + ((u - MARGIN) / PITCH - 0.5) * step + (v - mid) / PITCH * perp
    a = np.column_stack([step / PITCH, perp / PITCH])
    origin = c0 - a @ np.array([MARGIN + PITCH * 0.5, STRIP_H / 2])
    affine = np.hstack([a, origin[:, None]])
    return cv2.warpAffine(
        low, affine, (strip_width(n), STRIP_H),
        flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP, borderMode=cv2.BORDER_REPLICATE,
    )


def make_samples(blocks: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    font = ImageFont.truetype(FONT, HI_SIZE)
    geom = glyph_geometry(font)
    feats: list[np.ndarray] = []
    labels: list[np.ndarray] = []
    for _ in range(blocks):
        mask, texts, starts, advance, _spacing = render_block(rng, font, geom)
        low, affine = degrade(rng, mask, advance)
        lin = affine[:, :2]
        step_low = lin @ np.array([advance, 0.0])
        perp_low = lin @ np.array([0.0, advance])
        n = len(texts[0])
        for line, text in enumerate(texts):
            first_low = lin @ starts[line] + affine[:, 2]
            strip = canonical_strip(rng, low, first_low, step_low, perp_low, n, 0.0)
            norm = normalise_strip(strip)
            f = cell_features(norm, n, dx=float(rng.integers(-1, 2)))
            y = np.array([CLASSES.index(c) for c in text])
            feats.append(f)
            labels.append(y)
            # junk: cells shifted by half a pitch, and cells of the line turned by 180 degrees
            if rng.random() < 0.35:
                shifted = canonical_strip(
                    rng, low, first_low, step_low, perp_low, n, float(rng.choice([-0.5, 0.5]))
                )
                fj = cell_features(normalise_strip(shifted), n)
                pick = rng.random(n) < 0.3
                feats.append(fj[pick])
                labels.append(np.full(int(pick.sum()), JUNK))
            if rng.random() < 0.35:
                turned = np.ascontiguousarray(norm[::-1, ::-1])
                fr = cell_features(turned, n)
                rev = text[::-1]
                pick = np.array([c not in ROTATION_AMBIGUOUS for c in rev]) & (
                    rng.random(n) < 0.5
                )
                feats.append(fr[pick])
                labels.append(np.full(int(pick.sum()), JUNK))
    return np.vstack(feats), np.concatenate(labels)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--blocks", type=int, default=1600)
    parser.add_argument("--hidden", type=int, default=192)
    parser.add_argument(
        "--out", type=Path,
        default=Path(__file__).resolve().parent.parent / "docsec/ocr/data/ocrb_mlp.npz",
    )
    args = parser.parse_args()
    from sklearn.neural_network import MLPClassifier

    t0 = time.perf_counter()
    x, y = make_samples(args.blocks, SEED)
    xv, yv = make_samples(max(args.blocks // 8, 20), SEED + 1)
    print(f"samples: train {len(y)}, validation {len(yv)} ({time.perf_counter() - t0:.1f} s)")
    mean = x.mean(axis=0)
    scale = 1.0 / (x.std(axis=0) + 0.05)
    clf = MLPClassifier(
        hidden_layer_sizes=(args.hidden,), alpha=1e-4, batch_size=256, learning_rate_init=1e-3,
        max_iter=32, random_state=SEED, early_stopping=False, tol=1e-5,
    )
    clf.fit((x - mean) * scale, y)
    proba = clf.predict_proba((xv - mean) * scale)
    pred = clf.classes_[proba.argmax(axis=1)]
    real = yv != JUNK
    acc = float((pred[real] == yv[real]).mean())
    print(f"validation accuracy on characters: {acc:.5f}; junk recall "
          f"{float((pred[~real] == JUNK).mean()):.3f} ({time.perf_counter() - t0:.1f} s)")
    if list(clf.classes_) != list(range(N_OUTPUTS)):
        raise SystemExit("a class is missing from the training set")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        args.out,
        mean=mean.astype(np.float32), scale=scale.astype(np.float32),
        w1=clf.coefs_[0].astype(np.float32), b1=clf.intercepts_[0].astype(np.float32),
        w2=clf.coefs_[1].astype(np.float32), b2=clf.intercepts_[1].astype(np.float32),
        classes=np.array(CLASSES), version=np.array(VERSION),
    )
    print(f"wrote {args.out} ({args.out.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
