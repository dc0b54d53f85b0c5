"""Issuing-state and nationality codes of the MRZ (ICAO Doc 9303-3, Parts B-D).

Codes are ISO 3166-1 alpha-3 "with modifications": Germany is the single letter ``D`` (printed
``D<<``), and ICAO adds special codes for British nationals (``GBD`` ... ``GBS``), United Nations
bodies (``UNO``, ``UNA``, ``UNK``), stateless persons and refugees (``XXA``, ``XXB``, ``XXC``,
``XXX``), the European Union (``EUE``) and other organisations (``XBA``, ``XEC``, ``XOM``, ``XPO``,
``XCC``, ``XCO``, ``XIM``).

docsec keeps four categories in ``data/countries.csv`` (rebuilt by
``scripts/build_mrz_countries.py``):

* ``icao``: valid codes;
* ``training``: the fictional issuers docsec generates (``UTO`` Utopia, the ICAO specimen state;
  ``ZZA`` Republic of Zandaria; ``ZZB`` Kingdom of Borealis): accepted, with an informational note;
* ``non_icao``: codes found on real documents but not endorsed by ICAO (``RKS``): a warning;
* ``fantasy``: issuers of fantasy / camouflage documents (``WSA``): a failure.

>>> category('D'), category('UTO'), category('RKS'), category('WSA'), category('QQQ')
('icao', 'training', 'non_icao', 'fantasy', None)
>>> country_name('ZZA')
'Republic of Zandaria (docsec training issuer, Cyrillic visual zone)'
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from functools import cache
from importlib.resources import files
from typing import Literal

__all__ = ["Category", "category", "codes", "country_name"]

Category = Literal["icao", "training", "non_icao", "fantasy"]
_CATEGORIES = ("icao", "training", "non_icao", "fantasy")


@cache
def _table() -> Mapping[str, tuple[Category, str]]:
    text = files("docsec.mrz").joinpath("data/countries.csv").read_text(encoding="utf-8")
    out: dict[str, tuple[Category, str]] = {}
    for row in csv.DictReader(io.StringIO(text)):
        cat = row["category"]
        if cat == "icao":
            out[row["code"]] = ("icao", row["name"])
        elif cat == "training":
            out[row["code"]] = ("training", row["name"])
        elif cat == "non_icao":
            out[row["code"]] = ("non_icao", row["name"])
        elif cat == "fantasy":
            out[row["code"]] = ("fantasy", row["name"])
        else:
            raise ValueError(f"countries.csv: unknown category {cat!r}")
    return out


def category(code: str) -> Category | None:
    """Category of an MRZ code without its fillers (``'D'``, ``'UTO'``), or None if unknown."""
    entry = _table().get(code)
    return entry[0] if entry else None


def country_name(code: str) -> str | None:
    """Name of the state or organisation behind ``code``, or None if unknown."""
    entry = _table().get(code)
    return entry[1] if entry else None


def codes(kind: Category = "icao") -> tuple[str, ...]:
    """All codes of one category, sorted."""
    return tuple(sorted(c for c, (cat, _) in _table().items() if cat == kind))
