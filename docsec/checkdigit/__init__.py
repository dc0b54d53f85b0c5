"""All check-digit arithmetic of docsec lives in this package, and nowhere else.

* :mod:`docsec.checkdigit.icao9303`: ICAO Doc 9303 Part 3 §4.9, weights 7-3-1, modulus 10.
* :mod:`docsec.checkdigit.vin_mod11`: 49 CFR 565.15(c) / ISO 3779 VIN check digit, modulus 11.
"""

from docsec.checkdigit import icao9303, vin_mod11

__all__ = ["icao9303", "vin_mod11"]
