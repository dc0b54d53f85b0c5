"""An evaluation set for MRZ reading that shares nothing with ``docsec.generate``.

Everything here is drawn by its own code: MRZ texts with their own 7-3-1 check digits
(:mod:`.mrztext`), OCR-B rasterised by renderers other than the FreeType one docsec
trains on and prints with (:mod:`.glyphs`: the *Sharp* cut ``OCRBS.otf`` filled from its
outlines by a polygon rasteriser at 4x supersampling, an aliased one-bit rendering, a
dot-matrix print and a thin laser-engraved print, at several stroke weights, letter
pitches of 2.3-2.6 mm and cap heights of 2.0-2.6 mm), pages with other layouts, colours
and visual-zone fonts (Liberation and FreeFont, :mod:`.pages`), re-creations of the five
ICAO Doc 9303 specimens (:mod:`.specimens`) and capture conditions of real counters
(:mod:`.capture`). Negatives are pages and scenes without any MRZ, some with ``<``
characters and MRZ-like decoy text.

:func:`build_set` returns the cases deterministically from a seed; images exist only
in memory (encoded bytes, as a file from a scanner or phone would be).
"""

from __future__ import annotations

from bench.independent.cases import Case, build_set

__all__ = ["Case", "build_set"]
