"""ICAO Doc 9303 check digits (Part 3, §4.9).

Each character gets a value (``0``-``9`` their value, ``A``-``Z`` 10-35, the filler
``<`` 0); the values are multiplied by the repeating weights 7, 3, 1; the check
digit is the sum modulo 10.

More information:

* ICAO Doc 9303 Part 3, "Check digits in the MRZ"

>>> calc_check_digit('L898902C3')
'6'
>>> validate('7408122')
'7408122'
>>> is_valid('7408123')
False
"""

from __future__ import annotations

from docsec.errors import InvalidChecksum, InvalidFormat, InvalidLength

__all__ = ["ALPHABET", "WEIGHTS", "calc_check_digit", "char_value", "is_valid", "validate"]

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ<"
WEIGHTS = (7, 3, 1)

_VALUE = {c: (i if c != "<" else 0) for i, c in enumerate(ALPHABET)}
# Weighted values per weight phase: one dict lookup per character in the hot loop.
_PHASE = tuple({c: (v * w) for c, v in _VALUE.items()} for w in WEIGHTS)


def char_value(char: str) -> int:
    """Value of one MRZ character (``<`` is 0, ``A`` is 10 ... ``Z`` is 35).

    >>> char_value('Z'), char_value('<'), char_value('7')
    (35, 0, 7)
    """
    try:
        return _VALUE[char]
    except KeyError:
        raise InvalidFormat(f"{char!r} is not an MRZ character (A-Z, 0-9, <)") from None


def calc_check_digit(data: str) -> str:
    """Return the 7-3-1 check digit of ``data`` as a one-character string.

    Raises :class:`~docsec.errors.InvalidFormat` for characters outside A-Z, 0-9, ``<``.
    """
    p0, p1, p2 = _PHASE
    try:
        total = sum(p0[c] for c in data[0::3])
        total += sum(p1[c] for c in data[1::3])
        total += sum(p2[c] for c in data[2::3])
    except KeyError as exc:
        raise InvalidFormat(
            f"{exc.args[0]!r} is not an MRZ character (A-Z, 0-9, <)"
        ) from None
    return str(total % 10)


def validate(data_with_check_digit: str) -> str:
    """Check the last character against the check digit of the rest; return the input.

    Raises :class:`~docsec.errors.InvalidChecksum` on a mismatch.
    """
    if len(data_with_check_digit) < 2:
        raise InvalidLength("need at least one data character and the check digit")
    data, digit = data_with_check_digit[:-1], data_with_check_digit[-1]
    expected = calc_check_digit(data)
    if digit != expected:
        raise InvalidChecksum(
            f"check digit is {digit!r}, expected {expected!r}", expected=expected, found=digit
        )
    return data_with_check_digit


def is_valid(data_with_check_digit: str) -> bool:
    """Whether :func:`validate` accepts the value (never raises)."""
    try:
        return bool(validate(data_with_check_digit))
    except (InvalidFormat, InvalidChecksum, TypeError):
        return False
