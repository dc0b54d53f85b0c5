"""Synthetic documents of fictitious issuers: views, planted defects, answer keys, captures.

>>> import datetime
>>> doc = make_document("uto_passport_td3", rng=7, reference_date=datetime.date(2026, 11, 26),
...                     dpi=100, views=["white"])
>>> doc.views["white"].shape, doc.genuine, len(doc.mrz_lines)
((346, 492, 3), True, 2)
"""

from docsec.generate.document import (
    PlantedDefect,
    SyntheticDocument,
    make_document,
    reference_views,
)

__all__ = ["PlantedDefect", "SyntheticDocument", "make_document", "reference_views"]
