"""Rebuild ``docsec/vin/data/wmi.csv`` (World Manufacturer Identifiers, ISO 3780).

Facts come from two sources, merged in this order:

1. the WMI table of the ``vininfo`` dev dependency (``vininfo.dicts.wmi.WMI``), filtered:
   codes holding ``I``, ``O`` or ``Q`` (not in the VIN alphabet) are dropped, brand objects
   become their manufacturer name, 2-character entries are kept as prefix fall-backs;
2. the committed curated supplement ``scripts/data/wmi_supplement.csv``: corrections
   (a WMI names the *assembler*, not the brand: KMH is Hyundai, 1M8 is Motor Coach
   Industries, X96 is GAZ), vehicle types (needed for the 49 CFR 565.15 position-7
   rule, which applies to cars and light trucks only), whether the maker encodes the
   model year, 6-character WMIs of small manufacturers, and makers missing upstream.

Run: ``.venv/bin/python scripts/build_wmi.py`` (writes the CSV, prints a summary).
"""

from __future__ import annotations

import csv
from importlib.metadata import version
from pathlib import Path

from vininfo.dicts.wmi import WMI

ROOT = Path(__file__).resolve().parent.parent
SUPPLEMENT = ROOT / "scripts" / "data" / "wmi_supplement.csv"
OUT = ROOT / "docsec" / "vin" / "data" / "wmi.csv"
VIN_CHARS = set("0123456789ABCDEFGHJKLMNPRSTUVWXYZ")
FIELDS = ["wmi", "manufacturer", "makes", "vehicle_type", "model_year", "source"]


def _name(value: object) -> str:
    if isinstance(value, str):
        return value.strip()
    manufacturer = getattr(value, "manufacturer", None)
    return str(manufacturer or type(value).__name__).strip()


def main() -> None:
    rows: dict[str, dict[str, str]] = {}
    dropped = 0
    upstream = f"vininfo {version('vininfo')} dicts/wmi.py"
    for code, value in WMI.items():
        code = code.upper()
        if len(code) not in (2, 3) or not set(code) <= VIN_CHARS:
            dropped += 1
            continue
        name = _name(value)
        rows[code] = {
            "wmi": code,
            "manufacturer": name,
            "makes": name,
            "vehicle_type": "",
            "model_year": "",
            "source": upstream,
        }
    corrected = added = 0
    with SUPPLEMENT.open(newline="", encoding="utf-8") as fh:
        for sup in csv.DictReader(fh):
            code = sup["wmi"].upper()
            assert set(code) <= VIN_CHARS and len(code) in (3, 6), code
            if code in rows:
                corrected += 1
                source = f"curated supplement over {upstream}"
            else:
                added += 1
                source = "curated supplement"
            if sup["note"]:
                source += f": {sup['note']}"
            rows[code] = {
                "wmi": code,
                "manufacturer": sup["manufacturer"],
                "makes": sup["makes"],
                "vehicle_type": sup["vehicle_type"],
                "model_year": sup["model_year"],
                "source": source,
            }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=FIELDS, lineterminator="\n")
        writer.writeheader()
        for code in sorted(rows):
            writer.writerow(rows[code])
    full = sum(1 for c in rows if len(c) in (3, 6))
    print(
        f"wrote {OUT.relative_to(ROOT)}: {len(rows)} rows ({full} full WMIs, "
        f"{len(rows) - full} 2-character prefixes); supplement: {corrected} corrected, "
        f"{added} added; dropped {dropped} upstream codes outside the VIN alphabet"
    )


if __name__ == "__main__":
    main()
