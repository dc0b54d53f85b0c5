"""ICAO Doc 9303 machine-readable zones: parse, check and render TD1, TD2, TD3, MRV-A and MRV-B.

>>> import datetime
>>> data = MRZData('I', 'UTO', 'D23145890', 'UTO', datetime.date(1974, 8, 12), 'F',
...                datetime.date(2012, 4, 15), 'Eriksson', 'Anna Maria')
>>> lines = render(data, MRZFormat.TD1)
>>> lines[0]
'I<UTOD231458907<<<<<<<<<<<<<<<'
>>> parse(lines, reference_date=datetime.date(2010, 1, 1)).valid
True

Every parse answers each check of :data:`CHECK_IDS` once (see :mod:`docsec.mrz.checks`).
"""

from __future__ import annotations

from docsec.mrz.checks import CHECK_IDS, CHECKS
from docsec.mrz.clean import normalize_typed
from docsec.mrz.formats import LAYOUTS, MRZFormat
from docsec.mrz.parse import MRZ, MRZField, parse
from docsec.mrz.render import MRZData, render
from docsec.mrz.translit import TRANSLITERATION_VERSION, transliterate

__all__ = [
    "CHECKS",
    "CHECK_IDS",
    "LAYOUTS",
    "MRZ",
    "TRANSLITERATION_VERSION",
    "MRZData",
    "MRZField",
    "MRZFormat",
    "normalize_typed",
    "parse",
    "render",
    "transliterate",
]
