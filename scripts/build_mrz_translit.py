"""Rebuild ``docsec/mrz/data/translit_v1.csv``: the versioned VIZ -> MRZ transliteration table.

Run with the project venv: ``.venv/bin/python scripts/build_mrz_translit.py``.

Sources of the decisions (facts, not code):

* Latin: ICAO Doc 9303-3 §6 "Transliteration of national characters": letters with diacritics
  lose them, except the multi-letter mappings listed in ``LATIN_SPECIAL`` (Ä AE, Å AA, Æ AE,
  Ö/Ø OE, Ü UE, ß SS, Þ TH ...). Plain diacritic removal is derived from the Unicode canonical
  decomposition (NFD) for Latin-1 Supplement, Latin Extended-A and the Romanian comma-below letters.
* Cyrillic: the Doc 9303-3 table for Russian (Ж ZH, Х KH, Ц TS, Ч CH, Ш SH, Щ SHCH, Ъ IE, Ы Y,
  Ь dropped, Э E, Ю IU, Я IA, Й I), the Ukrainian exceptions of the 7th edition (Г H, И Y), and
  docsec decisions (version 1) for the letters of Kazakh, Kyrgyz, Tajik and Uzbek Cyrillic,
  following each country's passport practice where the languages disagree (Қ K in Kazakh, Q in
  Tajik and Uzbek; Ғ G, but GH in Tajik; Ў U, but O in Uzbek).
* Punctuation: apostrophes are dropped, hyphens and spaces become the filler ``<`` (9303-3 §4.6).

Language ``*`` rows apply to every text; ``uk``, ``tg``, ``uz`` rows override them when
``transliterate(text, language=...)`` names that language.
"""

from __future__ import annotations

import csv
import unicodedata
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "docsec" / "mrz" / "data" / "translit_v1.csv"

LATIN_SPECIAL = {
    "Ä": "AE", "Å": "AA", "Æ": "AE", "Ö": "OE", "Ø": "OE", "Ü": "UE", "Þ": "TH", "Œ": "OE",
    "Ĳ": "IJ", "Ð": "D", "Đ": "D", "Ħ": "H", "Ł": "L", "Ŀ": "L", "Ŋ": "N", "Ŧ": "T",
    "ẞ": "SS", "ß": "SS", "ı": "I", "ĸ": "K",
}  # fmt: skip

CYRILLIC = {
    "А": "A", "Б": "B", "В": "V", "Г": "G", "Д": "D", "Е": "E", "Ё": "E", "Ж": "ZH", "З": "Z",
    "И": "I", "Й": "I", "К": "K", "Л": "L", "М": "M", "Н": "N", "О": "O", "П": "P", "Р": "R",
    "С": "S", "Т": "T", "У": "U", "Ф": "F", "Х": "KH", "Ц": "TS", "Ч": "CH", "Ш": "SH",
    "Щ": "SHCH", "Ъ": "IE", "Ы": "Y", "Ь": "", "Э": "E", "Ю": "IU", "Я": "IA",
    # Ukrainian / Belarusian letters
    "Ґ": "G", "Є": "IE", "І": "I", "Ї": "I", "Ў": "U",
    # Kazakh and Kyrgyz
    "Ә": "A", "Ғ": "G", "Қ": "K", "Ң": "N", "Ө": "O", "Ұ": "U", "Ү": "U", "Һ": "H",
    # Tajik and Uzbek
    "Ҳ": "H", "Ҷ": "J", "Ӣ": "I", "Ӯ": "U",
}  # fmt: skip

OVERRIDES = {
    "uk": {"Г": "H", "И": "Y"},
    "tg": {"Ғ": "GH", "Қ": "Q", "Ҳ": "H", "Ҷ": "J", "Ӣ": "I", "Ӯ": "U"},
    "uz": {"Ў": "O", "Қ": "Q", "Ғ": "G", "Ҳ": "H"},
}

PUNCTUATION = {
    " ": ("<", "space"), "-": ("<", "hyphen"), "\u2010": ("<", "hyphen"),
    "'": ("", "apostrophe"), "\u2019": ("", "apostrophe"), "\u02bb": ("", "modifier turned comma"),
    "\u02bc": ("", "modifier apostrophe"), "`": ("", "grave accent"), ".": ("", "full stop"),
    ",": ("", "comma"),
}  # fmt: skip


def _latin_rows() -> dict[str, str]:
    table: dict[str, str] = {}
    code_points = [*range(0xC0, 0x100), *range(0x100, 0x180), *range(0x218, 0x21C)]
    for cp in code_points:
        ch = chr(cp)
        if not ch.isalpha():
            continue
        special = LATIN_SPECIAL.get(ch) or LATIN_SPECIAL.get(ch.upper())
        if special:
            table[ch] = special
            continue
        base = unicodedata.normalize("NFD", ch)[0].upper()
        if "A" <= base <= "Z":
            table[ch] = base
    for ch, mrz in LATIN_SPECIAL.items():
        table.setdefault(ch, mrz)
    return table


def _with_lower(table: dict[str, str]) -> dict[str, str]:
    out = dict(table)
    for ch, mrz in table.items():
        low = ch.lower()
        if len(low) == 1 and low != ch:
            out.setdefault(low, mrz)
    return out


def main() -> int:
    rows: list[tuple[str, str, str, str]] = []
    for ch, mrz in sorted(_with_lower(_latin_rows()).items()):
        rows.append(("*", ch, mrz, unicodedata.name(ch)))
    for ch, mrz in sorted(_with_lower(CYRILLIC).items()):
        rows.append(("*", ch, mrz, unicodedata.name(ch)))
    for lang, table in sorted(OVERRIDES.items()):
        for ch, mrz in sorted(_with_lower(table).items()):
            rows.append((lang, ch, mrz, unicodedata.name(ch)))
    for ch, (mrz, note) in PUNCTUATION.items():
        rows.append(("*", ch, mrz, note))
    with OUT.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["language", "char", "mrz", "note"])
        writer.writerows(rows)
    print(f"wrote {len(rows)} rows to {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
