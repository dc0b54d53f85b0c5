"""Normalise MRZ text typed by trainees before parsing (keyboard-layout look-alikes).

Officers in the region type on Russian/Kazakh keyboard layouts, so a typed MRZ often holds
Cyrillic letters that look exactly like Latin ones (DOMAIN.md §1.6): ``А В Е К М Н О Р С Т Х``
and friends. :func:`normalize_typed` maps those look-alikes (and Greek capitals of the same
shape) to the Latin letter they imitate, upper-cases ASCII letters, removes spaces inside a line
and turns the guillemet ``«`` into the filler; it does not guess anything else, so real errors
still reach :func:`docsec.mrz.parse` and show up as findings.

This is not transliteration: ``Н`` becomes ``H`` (its shape), where
:func:`~docsec.mrz.translit.transliterate` writes ``N`` (its sound).

>>> normalize_typed('р<utoеriksson<<аnna')
'P<UTOERIKSSON<<ANNA'
>>> normalize_typed('L898902C3 6UTO')
'L898902C36UTO'
"""

from __future__ import annotations

from docsec.lookalikes import HOMOGLYPHS as _SHAPES

__all__ = ["HOMOGLYPHS", "normalize_typed"]

#: Typed look-alikes: Cyrillic and Greek letters shaped like MRZ characters (either case; the
#: shared table of :mod:`docsec.lookalikes`) and the filler's look-alikes.
HOMOGLYPHS: dict[str, str] = {
    **_SHAPES,
    **{k.lower(): v for k, v in _SHAPES.items() if k.lower() != k},
    "«": "<", "‹": "<", "＜": "<",
}  # fmt: skip
_LOWER = {chr(c): chr(c - 32) for c in range(ord("a"), ord("z") + 1)}
_TABLE = str.maketrans({**HOMOGLYPHS, **_LOWER, " ": "", "\t": ""})


def normalize_typed(text: str) -> str:
    """Map look-alike characters of typed MRZ text to MRZ characters (line breaks are kept)."""
    return "\n".join(line.translate(_TABLE) for line in text.splitlines())
