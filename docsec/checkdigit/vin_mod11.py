"""VIN check digit, position 9 (49 CFR 565.15(c); ISO 3779; GB 16735 in China).

Letters are transliterated (A-H 1-8, J-N 1-5, P 7, R 9, S-Z 2-9; I, O, Q are not in
the VIN alphabet), multiplied by the position weights
8 7 6 5 4 3 2 10 0 9 8 7 6 5 4 3 2, summed modulo 11; a remainder of 10 is written ``X``.

Whether the digit *must* compute depends on the region (mandatory in North America and
China only): that verdict belongs to :mod:`docsec.vin`, not to the arithmetic here.

>>> calc_check_digit('1M8GDM9AXKP042788')
'X'
>>> is_valid('1M8GDM9AXKP042788')
True
>>> is_valid('1M8GDM9A1KP042788')
False
"""

from __future__ import annotations

from docsec.errors import InvalidChecksum, InvalidFormat, InvalidLength

__all__ = ["ALPHABET", "TRANSLITERATION", "WEIGHTS", "calc_check_digit", "is_valid", "validate"]

ALPHABET = "0123456789ABCDEFGHJKLMNPRSTUVWXYZ"
WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
TRANSLITERATION: dict[str, int] = {
    **{str(d): d for d in range(10)},
    **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
    **dict(zip("JKLMN", range(1, 6), strict=True)),
    "P": 7,
    "R": 9,
    **dict(zip("STUVWXYZ", range(2, 10), strict=True)),
}
# Per-position weighted values: one dict lookup per character.
_TABLES = tuple({c: v * w for c, v in TRANSLITERATION.items()} for w in WEIGHTS)


def calc_check_digit(vin: str) -> str:
    """Check digit (``0``-``9`` or ``X``) of a 17-character VIN; position 9 is ignored."""
    if len(vin) != 17:
        raise InvalidLength(f"a VIN has 17 characters, got {len(vin)}")
    try:
        total = sum(t[c] for t, c in zip(_TABLES, vin, strict=True))
    except KeyError as exc:
        raise InvalidFormat(f"{exc.args[0]!r} is not a VIN character") from None
    rem = total % 11
    return "X" if rem == 10 else str(rem)


def validate(vin: str) -> str:
    """Return ``vin`` when position 9 holds its check digit, else raise InvalidChecksum."""
    expected = calc_check_digit(vin)
    if vin[8] != expected:
        raise InvalidChecksum(
            f"check digit is {vin[8]!r}, expected {expected!r}", expected=expected, found=vin[8]
        )
    return vin


def is_valid(vin: str) -> bool:
    """Whether :func:`validate` accepts the VIN (never raises)."""
    try:
        return bool(validate(vin))
    except (InvalidFormat, InvalidChecksum, TypeError):
        return False
