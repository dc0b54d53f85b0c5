"""Transliteration of visual-zone text into MRZ characters (ICAO Doc 9303-3 §6).

The table is data (``data/translit_v1.csv``, rebuilt by ``scripts/build_mrz_translit.py``) and is
versioned: store :data:`TRANSLITERATION_VERSION` with anything generated from it, because tables
differ between 9303 editions and between issuers.

Latin letters lose their diacritics except the ICAO multi-letter cases (Ä AE, Å AA, Ö/Ø OE, Ü UE,
ß SS, Þ TH ...). Cyrillic follows the 9303 table for Russian (Ж ZH, Х KH, Ц TS, Щ SHCH, Ю IU, Я IA,
Ь dropped ...) plus versioned docsec decisions for Kazakh, Kyrgyz, Tajik and Uzbek letters;
``language`` selects per-language overrides (``'uk'``, ``'tg'``, ``'uz'``). Spaces and hyphens
become the filler ``<``; apostrophes are dropped.

>>> transliterate('Müller')
'MUELLER'
>>> transliterate('Gößmann')
'GOESSMANN'
>>> transliterate('Щербаков')
'SHCHERBAKOV'
>>> transliterate('Қайрат'), transliterate('Қодиров', language='tg')
('KAIRAT', 'QODIROV')
>>> transliterate("O'Brien-Smith")
'OBRIEN<SMITH'
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Mapping
from functools import cache
from importlib.resources import files

from docsec.errors import InvalidFormat

__all__ = ["LANGUAGES", "TRANSLITERATION_VERSION", "transliterate"]

TRANSLITERATION_VERSION = "docsec-translit-v1"
"""Version of the table in ``data/translit_v1.csv``; record it with every generated document."""

LANGUAGES = ("uk", "tg", "uz")
"""Languages with overrides in the table (the ``*`` rows apply to every language)."""

_PLAIN = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<")


@cache
def _tables() -> Mapping[str, Mapping[str, str]]:
    text = files("docsec.mrz").joinpath("data/translit_v1.csv").read_text(encoding="utf-8")
    tables: dict[str, dict[str, str]] = {}
    for row in csv.DictReader(io.StringIO(text)):
        tables.setdefault(row["language"], {})[row["char"]] = row["mrz"]
    base = tables["*"]
    out: dict[str, Mapping[str, str]] = {"*": base}
    for lang, overrides in tables.items():
        if lang != "*":
            out[lang] = {**base, **overrides}
    return out


def transliterate(text: str, *, language: str | None = None) -> str:
    """Transliterate visual-zone ``text`` (any supported script) to MRZ characters ``A-Z0-9<``.

    Lower-case ASCII letters are upper-cased. Characters the table does not cover raise
    :class:`~docsec.errors.InvalidFormat` (never dropped silently); so does an unknown
    ``language``.
    """
    tables = _tables()
    table = tables.get(language or "*")
    if table is None:
        raise InvalidFormat(f"no transliteration overrides for language {language!r}")
    out: list[str] = []
    for ch in unicodedata.normalize("NFC", text):
        up = ch.upper() if "a" <= ch <= "z" else ch
        if up in _PLAIN:
            out.append(up)
            continue
        mapped = table.get(ch)
        if mapped is None:
            raise InvalidFormat(
                f"{ch!r} (U+{ord(ch):04X}) has no MRZ transliteration in {TRANSLITERATION_VERSION}",
                character=ch,
            )
        out.append(mapped)
    return "".join(out)
