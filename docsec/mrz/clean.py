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

__all__ = ["HOMOGLYPHS", "normalize_typed"]

HOMOGLYPHS = {
    # Cyrillic capitals and small letters that print like Latin capitals
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C",
    "Т": "T", "Х": "X", "У": "Y", "І": "I", "Ј": "J", "Ѕ": "S", "Ү": "Y",
    "а": "A", "в": "B", "е": "E", "к": "K", "м": "M", "н": "H", "о": "O", "р": "P", "с": "C",
    "т": "T", "х": "X", "у": "Y", "і": "I", "ј": "J", "ѕ": "S", "ү": "Y",
    # Greek capitals of the same shape
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N",
    "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
    # Filler look-alikes
    "«": "<", "‹": "<", "＜": "<",
}  # fmt: skip
_LOWER = {chr(c): chr(c - 32) for c in range(ord("a"), ord("z") + 1)}
_TABLE = str.maketrans({**HOMOGLYPHS, **_LOWER, " ": "", "\t": ""})


def normalize_typed(text: str) -> str:
    """Map look-alike characters of typed MRZ text to MRZ characters (line breaks are kept)."""
    return "\n".join(line.translate(_TABLE) for line in text.splitlines())
