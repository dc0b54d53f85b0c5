"""Rebuild ``docsec/mrz/data/countries.csv``: the MRZ issuer/nationality code lists.

Run with a Python that has ``pycountry`` installed (it is not a docsec dependency)::

    python scripts/build_mrz_countries.py

Four categories (see ``docsec/mrz/countries.py``):

* ``icao``: ISO 3166-1 alpha-3 codes (from pycountry) with the ICAO Doc 9303-3 modifications
  (``D`` for Germany replaces ``DEU``) and the special codes of 9303-3 (Part B-D).
* ``training``: fictional issuers used by docsec (ICAO specimen state Utopia, two invented states).
* ``non_icao``: codes seen on real documents or in readers but not endorsed by ICAO (warn).
* ``fantasy``: camouflage / fantasy-document issuers (fail, teach as red flags).
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import pycountry

OUT = Path(__file__).resolve().parents[1] / "docsec" / "mrz" / "data" / "countries.csv"

# Doc 9303-3: Germany uses the single letter D (printed D<<), not DEU.
ISO_REPLACED = {"DEU": ("D", "Germany")}

ICAO_SPECIAL = [
    ("GBD", "British Overseas Territories citizen"),
    ("GBN", "British National (Overseas)"),
    ("GBO", "British Overseas citizen"),
    ("GBP", "British protected person"),
    ("GBS", "British subject"),
    ("UNO", "United Nations Organization"),
    ("UNA", "Specialized agency of the United Nations"),
    ("UNK", "United Nations Interim Administration Mission in Kosovo"),
    ("XXA", "Stateless person"),
    ("XXB", "Refugee (1951 Convention)"),
    ("XXC", "Refugee (other than 1951 Convention)"),
    ("XXX", "Unspecified nationality"),
    ("EUE", "European Union"),
    ("XBA", "African Development Bank"),
    ("XEC", "Economic Community of West African States"),
    ("XOM", "Sovereign Military Order of Malta"),
    ("XPO", "International Criminal Police Organization (INTERPOL)"),
    ("XCC", "Caribbean Community (CARICOM)"),
    ("XCO", "Common Market for Eastern and Southern Africa (COMESA)"),
    ("XIM", "African Export-Import Bank"),
]

TRAINING = [
    ("UTO", "Utopia (ICAO specimen state)"),
    ("ZZA", "Republic of Zandaria (docsec training issuer, Cyrillic visual zone)"),
    ("ZZB", "Kingdom of Borealis (docsec training issuer)"),
]

NON_ICAO = [
    ("RKS", "Kosovo (code used by Kosovo, not ICAO-endorsed)"),
]

FANTASY = [
    ("WSA", "World Service Authority (fantasy document issuer)"),
]


def main() -> int:
    rows: list[tuple[str, str, str]] = []
    for country in pycountry.countries:
        code, name = ISO_REPLACED.get(country.alpha_3, (country.alpha_3, country.name))
        rows.append((code, "icao", name))
    rows += [(c, "icao", n) for c, n in ICAO_SPECIAL]
    rows += [(c, "training", n) for c, n in TRAINING]
    rows += [(c, "non_icao", n) for c, n in NON_ICAO]
    rows += [(c, "fantasy", n) for c, n in FANTASY]
    codes = [r[0] for r in rows]
    dupes = {c for c in codes if codes.count(c) > 1}
    if dupes:
        print(f"duplicate codes: {sorted(dupes)}", file=sys.stderr)
        return 1
    rows.sort()
    with OUT.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["code", "category", "name"])
        writer.writerows(rows)
    print(f"wrote {len(rows)} codes to {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
