"""Transliteration of visual-zone names (Doc 9303-3 §6), versioned table."""

from __future__ import annotations

import pytest

from docsec.errors import InvalidFormat
from docsec.mrz import TRANSLITERATION_VERSION, transliterate


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Müller", "MUELLER"),
        ("Gößmann", "GOESSMANN"),
        ("Åström", "AASTROEM"),
        ("Ørsted", "OERSTED"),
        ("Þórður", "THORDUR"),
        ("Łukasz Żółć", "LUKASZ<ZOLC"),
        ("Ștefan", "STEFAN"),
        ("José María", "JOSE<MARIA"),
        ("O'Brien-Smith", "OBRIEN<SMITH"),
    ],
)
def test_latin(text: str, expected: str) -> None:
    assert transliterate(text) == expected


@pytest.mark.parametrize(
    ("text", "expected", "language"),
    [
        # Russian (Doc 9303-3 table)
        ("Щербаков", "SHCHERBAKOV", None),
        ("Юлия Хорошилова", "IULIIA<KHOROSHILOVA", None),
        ("Пётр Жуков", "PETR<ZHUKOV", None),
        ("Царёв Ильич", "TSAREV<ILICH", None),
        ("Объедков", "OBIEEDKOV", None),
        # Kazakh
        ("Әйгерім Қасымова", "AIGERIM<KASYMOVA", "kk"),
        ("Ұлан Үсенов", "ULAN<USENOV", "kk"),
        ("Ғалым Һасен Өмір Ңa", "GALYM<HASEN<OMIR<NA", "kk"),
        # Kyrgyz
        ("Үмөт Ңурбек", "UMOT<NURBEK", "ky"),
        # Tajik
        ("Ҷамшед Қодиров", "JAMSHED<QODIROV", "tg"),
        ("Ғафуров Ҳусейн Зарӣ Рӯзӣ", "GHAFUROV<HUSEIN<ZARI<RUZI", "tg"),
        # Uzbek Cyrillic
        ("Ўткир Қодиров", "OTKIR<QODIROV", "uz"),
        ("Ғайрат Ҳамидов", "GAIRAT<HAMIDOV", "uz"),
        # Ukrainian exceptions
        ("Григорій", "HRYHORII", "uk"),
    ],
)
def test_cyrillic(text: str, expected: str, language: str | None) -> None:
    lang = None if language in ("kk", "ky") else language
    assert transliterate(text, language=lang) == expected


def test_language_overrides_differ_where_the_languages_do() -> None:
    assert transliterate("Қ") == "K"
    assert transliterate("Қ", language="tg") == "Q"
    assert transliterate("Ў") == "U"
    assert transliterate("Ў", language="uz") == "O"


def test_unknown_characters_are_never_dropped_silently() -> None:
    with pytest.raises(InvalidFormat):
        transliterate("李")
    with pytest.raises(InvalidFormat):
        transliterate("Anna", language="xx")


def test_version_is_recorded() -> None:
    assert TRANSLITERATION_VERSION == "docsec-translit-v1"
