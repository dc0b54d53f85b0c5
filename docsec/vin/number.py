"""VIN as a number: the stdnum verb set (49 CFR 565.15; ISO 3779).

A Vehicle Identification Number has 17 characters from the digits and the capital
letters except ``I``, ``O`` and ``Q`` (49 CFR 565.15(a)). Position 9 holds a mod-11
check digit (arithmetic in :mod:`docsec.checkdigit.vin_mod11`) that is **mandatory in
North America and China only**; position 10 is the model-year code (never ``U``, ``Z``
or ``0``) where 49 CFR 565 applies.

``normalize`` (alias ``compact``) strips spaces and dashes, upper-cases and maps
Cyrillic/Greek/full-width look-alikes to Latin letters; ``validate`` returns the
canonical VIN or raises; ``is_valid`` never raises.

More information:

* 49 CFR 565.15 (content requirements, check digit, model-year table)
* ISO 3779:2009 (VIN content and structure), ISO 3780 (WMI)

>>> normalize(' 1m8-gdm9a xkp042788 ')
'1M8GDM9AXKP042788'
>>> validate('1M8GDM9AXKP042788')
'1M8GDM9AXKP042788'
>>> is_valid('1M8GDM9A1KP042788')
False
>>> validate('WVWZZZ1KZ6W000001')      # EU: position 9 is a filler, not a check digit
'WVWZZZ1KZ6W000001'
"""

from __future__ import annotations

import unicodedata
from typing import Literal

from docsec.checkdigit import vin_mod11
from docsec.errors import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength
from docsec.lookalikes import HOMOGLYPHS as _HOMOGLYPHS
from docsec.lookalikes import VIN_DIGIT_FOR_LETTER

__all__ = [
    "ALPHABET",
    "CHASSIS_LENGTHS",
    "HOMOGLYPHS",
    "LOOKALIKE_SUGGESTIONS",
    "MODEL_YEAR_CODES",
    "check_digit_required",
    "compact",
    "normalize",
    "normalize_with_changes",
    "is_valid",
    "suggest",
    "validate",
]

ALPHABET = vin_mod11.ALPHABET
_ALPHABET_SET = frozenset(ALPHABET)
#: 49 CFR 565.15 Table: the 30 model-year codes, 1980..2009 then again 2010..2039.
MODEL_YEAR_CODES = "ABCDEFGHJKLMNPRSTVWXY123456789"
#: Pre-1981 serials and Japanese frame numbers: searched as chassis numbers, not VINs.
CHASSIS_LENGTHS = range(11, 17)

#: Non-Latin characters that look like VIN characters (see :mod:`docsec.lookalikes`).
HOMOGLYPHS = _HOMOGLYPHS
_STRIP = frozenset(" \t\r\n\v\f-\u2010\u2011\u2012\u2013\u2014\u2212\u00a0\u202f")
_ASCII_STRIP = str.maketrans("", "", "".join(c for c in _STRIP if c.isascii()))

#: Letters outside the VIN alphabet and the digit they are usually a misreading of.
LOOKALIKE_SUGGESTIONS = VIN_DIGIT_FOR_LETTER

# Longest input analysed character by character (junk beyond this is a length error only).
_MAX_ANALYSED = 64


def normalize_with_changes(text: str) -> tuple[str, tuple[tuple[int, str, str], ...]]:
    """Normalise ``text`` and report the look-alike characters that were mapped.

    Returns the normalised string and ``(position, original, replacement)`` triples
    (1-based positions in the normalised string).

    >>> normalize_with_changes('ХТА21099')      # Cyrillic Х, Т, А
    ('XTA21099', ((1, 'Х', 'X'), (2, 'Т', 'T'), (3, 'А', 'A')))
    """
    if not isinstance(text, str):
        raise InvalidFormat(f"a VIN is text, got {type(text).__name__}")
    if text.isascii():  # fast path: no look-alikes possible
        return text.translate(_ASCII_STRIP).upper(), ()
    out: list[str] = []
    changes: list[tuple[int, str, str]] = []
    for raw in text:
        if raw in _STRIP:
            continue
        up = raw.upper()
        if len(up) != 1:
            up = raw
        mapped = HOMOGLYPHS.get(up)
        if mapped is None and not up.isascii():
            folded = unicodedata.normalize("NFKC", up)
            if len(folded) == 1 and folded.isascii() and folded.isalnum():
                mapped = folded.upper()
        if mapped is not None:
            changes.append((len(out) + 1, raw, mapped))
            out.append(mapped)
        else:
            out.append(up)
    return "".join(out), tuple(changes)


def normalize(text: str) -> str:
    """Strip spaces and dashes, upper-case, map non-Latin look-alikes to Latin.

    Parameters
    ----------
    text : str
        A VIN as typed, read or printed.

    Returns
    -------
    str
        The canonical form (it may still be invalid: see :func:`validate`).

    Raises
    ------
    InvalidFormat
        When ``text`` is not a string.
    """
    return normalize_with_changes(text)[0]


compact = normalize


def check_digit_required(vin: str) -> bool:
    """Whether the position-9 check digit is mandatory for this VIN.

    Mandatory for North America (49 CFR 565.15(c); WMI first character 1-5, and the
    7F-70 United States range) and China (GB 16735; WMI L and H). Elsewhere (ISO 3779)
    position 9 is free: EU makers put a filler ``Z`` or a model code there.

    >>> check_digit_required('1M8GDM9AXKP042788'), check_digit_required('WVWZZZ1KZ6W000001')
    (True, False)
    """
    if not vin:
        return False
    first = vin[0]
    if first in "12345LH":
        return True
    return first == "7" and len(vin) > 1 and vin[1] not in "ABCDE"


def suggest(text: str) -> tuple[str, ...]:
    """Candidate VINs for a 17-character string holding ``I``, ``O`` or ``Q``.

    Each of those letters is replaced by the digit it is usually a misreading of
    (``O``/``Q`` -> ``0``, ``I`` -> ``1``). Returned only when the result is in the VIN
    alphabet and, where the check digit is mandatory, computes.

    >>> suggest('1M8GDM9AXKPO42788')
    ('1M8GDM9AXKP042788',)
    """
    vin = normalize(text)
    if len(vin) != 17:
        return ()
    fixed = "".join(LOOKALIKE_SUGGESTIONS.get(c, c) for c in vin)
    if fixed == vin or not set(fixed) <= _ALPHABET_SET:
        return ()
    if check_digit_required(fixed) and not vin_mod11.is_valid(fixed):
        return ()
    return (fixed,)


def validate(
    text: str, *, check_digit: Literal["auto", "require", "ignore"] = "auto"
) -> str:
    """Return the canonical 17-character VIN or raise.

    Parameters
    ----------
    text : str
        The VIN (normalised first: spaces, dashes, case, look-alikes).
    check_digit : {"auto", "require", "ignore"}
        ``auto`` enforces the position-9 check digit only where it is mandatory
        (North America, China), ``require`` everywhere, ``ignore`` nowhere.

    Raises
    ------
    InvalidLength
        Not 17 characters (11-16 characters is a pre-1981 chassis number: use
        :func:`docsec.vin.check`, which reports it as such).
    InvalidFormat
        A character outside the VIN alphabet (``I``, ``O`` and ``Q`` included).
    InvalidComponent
        Position 10 is not a model-year code (``U``, ``Z``, ``0``) on a North-American VIN.
    InvalidChecksum
        The check digit does not compute where it is enforced.
    """
    vin = normalize(text)
    if len(vin) != 17:
        hint = " (a chassis number: use docsec.vin.check)" if len(vin) in CHASSIS_LENGTHS else ""
        raise InvalidLength(f"a VIN has 17 characters, got {len(vin)}{hint}", length=len(vin))
    if not _ALPHABET_SET.issuperset(vin):
        bad = [(i + 1, c) for i, c in enumerate(vin) if c not in _ALPHABET_SET]
        pos, char = bad[0]
        digit = LOOKALIKE_SUGGESTIONS.get(char)
        extra = f"; did you mean {digit!r}?" if digit else ""
        raise InvalidFormat(
            f"{char!r} at position {pos} is not a VIN character{extra}",
            position=pos,
            found=char,
            suggestions=suggest(vin),
        )
    mandatory = check_digit_required(vin)
    if mandatory and vin[9] not in MODEL_YEAR_CODES:
        raise InvalidComponent(
            f"position 10 {vin[9]!r} is not a model-year code (49 CFR 565.15)",
            position=10,
            found=vin[9],
        )
    if check_digit == "require" or (check_digit == "auto" and mandatory):
        vin_mod11.validate(vin)
    return vin


def is_valid(
    text: object, *, check_digit: Literal["auto", "require", "ignore"] = "auto"
) -> bool:
    """Whether :func:`validate` accepts ``text`` (never raises).

    >>> is_valid(None), is_valid(''), is_valid('1M8GDM9AXKP042788')
    (False, False, True)
    """
    if not isinstance(text, str) or len(text) > _MAX_ANALYSED:
        return False
    try:
        validate(text, check_digit=check_digit)
    except (InvalidFormat, InvalidChecksum, InvalidComponent):
        return False
    return True
