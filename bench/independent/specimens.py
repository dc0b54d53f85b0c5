"""Re-creations of the five ICAO Doc 9303 specimens (Utopia, ERIKSSON ANNA MARIA).

The MRZ texts are Doc 9303's (DOMAIN.md §1). The pages are drawn as the specimen images
that circulate in open MRZ projects' test data look: flat, white, 600-1200 px wide,
an MRZ pitch of about 12-13 px at 600-700 px, thin OCR-B strokes with wide spacing.
"""

from __future__ import annotations

import numpy as np

from bench.independent.glyphs import PrintStyle
from bench.independent.pages import draw_document

SPECIMENS: dict[str, tuple[str, ...]] = {
    "TD1": ("I<UTOD231458907<<<<<<<<<<<<<<<", "7408122F1204159UTO<<<<<<<<<<<6",
            "ERIKSSON<<ANNA<MARIA<<<<<<<<<<"),
    "TD2": ("I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<", "D231458907UTO7408122F1204159<<<<<<<6"),
    "TD3": ("P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
            "L898902C36UTO7408122F1204159ZE184226B<<<<<10"),
    "MRVA": ("V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
             "L8988901C4XXX4009078F96121096ZE184226B<<<<<<"),
    "MRVB": ("V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<", "L8988901C4XXX4009078F9612109<<<<<<<<"),
}  # fmt: skip


def specimen_page(fmt: str, width_px: int, seed: int = 0) -> np.ndarray:
    """The specimen of ``fmt`` as a clean white page ``width_px`` wide."""
    from bench.independent.pages import SIZES_MM

    rng = np.random.default_rng(seed)
    ppm = width_px / SIZES_MM[fmt][0]
    style = PrintStyle("outline", -1, 2.6, 2.1, 4.2)  # thin strokes, wide spacing
    page, _ = draw_document(fmt, SPECIMENS[fmt], ppm, rng, style=style, band="white",
                            white_page=True)  # fmt: skip
    return page
