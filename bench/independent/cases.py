"""The cases of the independent set, built deterministically from a seed."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bench.independent.capture import encode, photo_hard, photo_hard_erased, scan_clean, scan_mild
from bench.independent.glyphs import PrintStyle
from bench.independent.mrztext import compose
from bench.independent.pages import draw_document, draw_negative
from bench.independent.specimens import SPECIMENS, specimen_page

#: Formats in rotation; TD3 most common, as at a border.
FORMATS = ("TD3", "TD1", "TD3", "TD2", "MRVA", "TD3", "MRVB", "TD1", "TD3", "TD2")
TIERS = ("clean", "mild", "hard")
NEGATIVE_KINDS = ("form", "letter", "card", "ticket")


@dataclass(frozen=True)
class Case:
    """One image of the set: its tier, what is printed on it, the encoded bytes."""

    tier: str  # clean, mild, hard, specimen, negative
    fmt: str  # MRZ format, "none" for a negative
    lines: tuple[str, ...]
    data: bytes
    note: str  # renderer, capture, or specimen width; hard photos: erasedK, the characters
    # the photo's glare clipped to white with the paper (no reader can see them)


def _capture(tier: str, page: np.ndarray, pitch_px: float, box: tuple[int, int, int, int] | None,
             rng: np.random.Generator) -> bytes:  # fmt: skip
    if tier == "clean":
        return scan_clean(page, pitch_px, rng)
    if tier == "mild":
        return scan_mild(page, pitch_px, rng)
    return photo_hard(page, pitch_px, box, rng)


def build_set(per_tier: int = 100, negatives: int = 30, seed: int = 9303) -> list[Case]:
    """``per_tier`` documents in each capture tier, the five specimens at 640 and 1200 px
    (ten images), and ``negatives`` MRZ-less pages spread over the three tiers."""
    rng = np.random.default_rng(seed)
    cases = []
    for tier in TIERS:
        for i in range(per_tier):
            fmt = FORMATS[i % len(FORMATS)]
            lines = compose(fmt, rng)
            style = PrintStyle.random(rng)
            ppm = float(rng.uniform(8.0, 11.0))
            band = str(rng.choice(["tint", "white", "none"]))
            page, box = draw_document(fmt, lines, ppm, rng, style=style, band=band)
            note = f"{style.renderer} w{style.weight}"
            if tier == "hard":
                cells = (len(lines), len(lines[0]))
                data, erased = photo_hard_erased(page, style.pitch_mm * ppm, box, rng, cells)
                note += f" erased{erased}"
            else:
                data = _capture(tier, page, style.pitch_mm * ppm, box, rng)
            cases.append(Case(tier, fmt, lines, data, note))
    for width in (640, 1200):
        for fmt in SPECIMENS:
            page = specimen_page(fmt, width)
            cases.append(Case("specimen", fmt, SPECIMENS[fmt], encode(page, "png"), f"{width}px"))
    for i in range(negatives):
        tier = TIERS[i % 3]
        kind = NEGATIVE_KINDS[i % len(NEGATIVE_KINDS)]
        ppm = float(rng.uniform(7.0, 10.0))
        page = draw_negative(kind, ppm, rng)
        data = _capture(tier, page, 2.5 * ppm, None, rng)
        cases.append(Case("negative", "none", (), data, f"{kind}/{tier}"))
    return cases
