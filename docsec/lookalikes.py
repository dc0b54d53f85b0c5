"""Look-alike characters: every table of confusable characters docsec uses, each with one meaning.

Three different questions are answered with three different tables; none stands in for another.

* :data:`REGISTRY_CLASSES`: characters an officer, an OCR engine or a forger confuses *within
  the VIN alphabet and its near neighbours* (``0/O/Q/D``, ``1/I/L``, ``2/Z``, ``5/S``, ``8/B``,
  ``6/G``, ``U/V``). A registry search calls two VINs *look-alike* when every difference is a
  substitution inside one of these classes or an adjacent transposition; any other
  difference makes them at most *near* (:mod:`docsec.registry.lookalike`).
* :data:`VIN_DIGIT_FOR_LETTER`: letters that can never appear in a VIN (49 CFR 565.15(a)) and
  the digit they are nearly always a misreading of (``O``/``Q`` -> ``0``, ``I`` -> ``1``).
  Used to *suggest* a corrected VIN, never to correct one silently.
* :data:`HOMOGLYPHS`: non-Latin capitals (Cyrillic, Greek) that print exactly like a Latin
  letter or a digit. Typed or read text is mapped to Latin before checking (VINs, plates,
  typed MRZ lines); this is about shape, not sound (transliteration writes ``Н`` as ``N``,
  this table maps it to ``H``).
* :data:`OCR_DIGIT_FOR` and :data:`OCR_LETTER_FOR`: what an OCR engine's reading of printed
  visual-zone text stands for where the field's format fixes the kind of character (a
  date's digits, a month's capitals, a document number's digits): ``O``/``D``/``Q``/``U``
  read in a digit's place are ``0``, ``I``/``L``/``|`` are ``1``, and so on; ``0`` read in
  a capital's place is ``O``. Applied only where the whole value then fits its format
  (:func:`docsec.read.viz.format_value`).
* :data:`PRINT_DIGIT_LOOKALIKES` and :data:`PRINT_LETTER_LOOKALIKES`: what a blurred
  sans-serif digit or capital of the visual zone is misread *as*, each way. They only
  propose candidate values, which the print decides (each candidate set in the field's
  typeface and compared with the ink: :mod:`docsec.read.vizmatch`); they never change a
  reading by themselves.
* :data:`PREFIX_LOOKALIKES`: digits a sans-serif capital of a document number's printed
  prefix is read as on blurred photos, accepted only in the prefix's place
  (:mod:`docsec.read.viz`).
* :data:`MRZ_SURE_SWAPS`: OCR-B characters the MRZ recogniser reads one for the other
  *surely* when another cut or printer made them. The decoder swaps the single such
  character of a check-digit span of letters and digits when that makes the failing digit
  pass, and counts it unsure after (:mod:`docsec.read.decode`).

>>> lookalike_class('O') == lookalike_class('0') == lookalike_class('D')
True
>>> lookalike_class('A') is None
True
>>> same_class('5', 'S'), same_class('5', '6')
(True, False)
>>> 'ХТА'.translate(str.maketrans(dict(HOMOGLYPHS)))
'XTA'
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

__all__ = [
    "HOMOGLYPHS",
    "MRZ_SURE_SWAPS",
    "OCR_DIGIT_FOR",
    "OCR_LETTER_FOR",
    "PREFIX_LOOKALIKES",
    "PRINT_DIGIT_LOOKALIKES",
    "PRINT_LETTER_LOOKALIKES",
    "REGISTRY_CLASSES",
    "VIN_DIGIT_FOR_LETTER",
    "lookalike_class",
    "same_class",
]

#: Registry look-alike classes; the first character of each class is its representative.
REGISTRY_CLASSES: tuple[str, ...] = ("0OQD", "1IL", "2Z", "5S", "8B", "6G", "UV")

#: Letters outside the VIN alphabet and the digit they are usually a misreading of.
VIN_DIGIT_FOR_LETTER: Mapping[str, str] = MappingProxyType({"O": "0", "Q": "0", "I": "1"})

#: Cyrillic and Greek capitals that print like a Latin capital or a digit (shape, not sound).
HOMOGLYPHS: Mapping[str, str] = MappingProxyType({
    # Cyrillic
    "А": "A", "В": "B", "С": "C", "Е": "E", "Н": "H", "К": "K", "М": "M", "О": "O",
    "Р": "P", "Т": "T", "Х": "X", "У": "Y", "З": "3", "Ѕ": "S", "І": "I", "Ј": "J",
    "Ԁ": "D", "Ԛ": "Q", "Ԝ": "W", "Ү": "Y", "Ӏ": "I", "Б": "6",
    # Greek
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M",
    "Ν": "N", "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
})  # fmt: skip

#: Visual-zone OCR: the digit a character read in a digit's place stands for.
OCR_DIGIT_FOR: Mapping[str, str] = MappingProxyType(dict(zip("ODQUIL|ZSBGT/", "0000111252877",
                                                             strict=True)))  # fmt: skip
#: Visual-zone OCR: the capital a digit read in a capital's place stands for.
OCR_LETTER_FOR: Mapping[str, str] = MappingProxyType(dict(zip("0158264", "OISBZGA", strict=True)))

#: Digits a blurred sans-serif digit is misread as (Tesseract on the generator's hard
#: photos: 2/7, 6/8, 4/5, 1/7, 0/8, 3/8, 5/6, 9/0), each way.
PRINT_DIGIT_LOOKALIKES: Mapping[str, str] = MappingProxyType({
    "0": "869",
    "1": "7",
    "2": "7",
    "3": "85",
    "4": "5",
    "5": "463",
    "6": "805",
    "7": "21",
    "8": "6034",
    "9": "08",
})

#: Capitals (and punctuation) a blurred sans-serif capital is misread as, each way
#: (Tesseract on the generator's hard photos: ``NOROHAVN``, ``SKARSY``, ``EASTMARLH``,
#: ``POUCE``, ``HILL.``).
PRINT_LETTER_LOOKALIKES: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "O": ("D", "Q", "C", "G", "0"),
    "D": ("O", "0"),
    "Q": ("O",),
    "G": ("C", "O", "6"),
    "C": ("G", "O", "L"),
    "S": ("B", "5", "8"),
    "B": ("S", "8", "R"),
    "U": ("LI", "V", "O"),
    "L": ("I", "C", "1"),
    "I": ("L", "1", "T"),
    "E": ("F",),
    "F": ("E", "P"),
    "H": ("R", "N", "M"),
    "R": ("H", "B", "P", "A"),
    "V": ("W", "Y", "U"),
    "W": ("V", "VV"),
    "N": ("M", "H"),
    "M": ("N", "H"),
    "K": ("X",),
    "X": ("K",),
    "T": ("I", "Y"),
    "Y": ("V", "T"),
    "P": ("R", "F"),
    "A": ("R",),
    "Z": ("2", "7"),
    ".": (",", ""),
    ",": (".", ""),
})

#: (read, printed) pairs of a number prefix's capitals on blurred photos: ``7`` for ``Z``,
#: ``1`` for ``L``.
PREFIX_LOOKALIKES: frozenset[tuple[str, str]] = frozenset({("7", "Z"), ("1", "L")})

#: MRZ characters read surely one for the other from another OCR-B cut or printer (the
#: Sharp cut's ``0`` read ``O`` at 0.988, its ``O`` read ``0`` at 0.977, in document
#: numbers and optional data of the independent reading set).
MRZ_SURE_SWAPS: Mapping[str, str] = MappingProxyType({"O": "0", "0": "O"})

_CLASS_OF = {c: i for i, cls in enumerate(REGISTRY_CLASSES) for c in cls}


def lookalike_class(char: str) -> int | None:
    """Index of the registry look-alike class of ``char`` in :data:`REGISTRY_CLASSES`, or None."""
    return _CLASS_OF.get(char)


def same_class(a: str, b: str) -> bool:
    """Whether two different characters are registry look-alikes of each other."""
    ca = _CLASS_OF.get(a)
    return ca is not None and ca == _CLASS_OF.get(b)
