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
# Value of every byte (255 for non-MRZ characters): str.encode + bytes.translate turn a string
# into its character values in C, and the weight phases are then summed over bytes slices, also
# in C. MRZ parsing computes 4-5 check digits per document, so this dominates parse time.
_NOT_MRZ = 255
_BYTE_VALUE = bytes(_VALUE.get(chr(b), _NOT_MRZ) for b in range(256))
_DIGITS = "0123456789"


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
    if not isinstance(data, str):
        raise TypeError(f"check-digit input must be str, not {type(data).__name__}")
    try:
        values = data.encode("ascii").translate(_BYTE_VALUE)
    except UnicodeEncodeError:
        values = bytes([_NOT_MRZ])
    if _NOT_MRZ in values:
        bad = next(c for c in data if c not in _VALUE)
        raise InvalidFormat(f"{bad!r} is not an MRZ character (A-Z, 0-9, <)")
    w0, w1, w2 = WEIGHTS
    total = w0 * sum(values[0::3]) + w1 * sum(values[1::3]) + w2 * sum(values[2::3])
    return _DIGITS[total % 10]


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
