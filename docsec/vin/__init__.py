"""Vehicle Identification Numbers: normalise, validate, decode, check (49 CFR 565; ISO 3779/3780).

>>> from docsec.vin import check
>>> result = check('1M8GDM9AXKP042788')
>>> result.valid, result.check_digit.status.value, result.manufacturer
(True, 'pass', 'Motor Coach Industries')
"""

from docsec.vin.check import CheckDigitVerdict, VINCheck, check
from docsec.vin.decode import VINDecode, WMIEntry, decode, load_wmi, model_years
from docsec.vin.number import (
    ALPHABET,
    MODEL_YEAR_CODES,
    check_digit_required,
    compact,
    is_valid,
    normalize,
    suggest,
    validate,
)

__all__ = [
    "ALPHABET",
    "MODEL_YEAR_CODES",
    "CheckDigitVerdict",
    "VINCheck",
    "VINDecode",
    "WMIEntry",
    "check",
    "check_digit_required",
    "compact",
    "decode",
    "is_valid",
    "load_wmi",
    "model_years",
    "normalize",
    "suggest",
    "validate",
]
