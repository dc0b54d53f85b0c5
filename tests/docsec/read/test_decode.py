"""The image-free decoder: what a passing check digit vouches for, and what it does not."""

from __future__ import annotations

import numpy as np

from docsec.mrz.formats import MRZFormat
from docsec.ocr.ocrb import CLASSES
from docsec.read.decode import decode_cells
from docsec.read.params import TRUST

TD3 = (
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
    "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
)


def _proba(text: str, conf: float = 0.99999) -> np.ndarray:
    p = np.full((len(text), len(CLASSES)), (1 - conf) / (len(CLASSES) - 1))
    for i, c in enumerate(text):
        p[i, CLASSES.index(c)] = conf
    return p


def _set(p: np.ndarray, col: int, **probs: float) -> None:
    p[col] = 0.0005
    for ch, v in probs.items():
        p[col, CLASSES.index("<" if ch == "lt" else ch)] = v
    p[col] /= p[col].sum()


def test_sure_reading_is_trusted_with_nothing_unsure() -> None:
    d = decode_cells([_proba(TD3[0]), _proba(TD3[1])], MRZFormat.TD3)
    assert d.lines == TD3 and d.unsure == () and d.unverified_low == 0


def test_name_character_below_threshold_is_unsure() -> None:
    # DVORAKOVA read DVORAKOUA: the name has no check digit, only its confidence guards it
    lines = [_proba(TD3[0]), _proba(TD3[1])]
    _set(lines[0], 6, R=0.990, K=0.009)  # the R of ERIKSSON, not sure enough
    d = decode_cells(lines, MRZFormat.TD3)
    assert d.lines == TD3
    assert d.unsure == ((0, 6),)
    assert 0.95 < d.confidence[0][6] < TRUST.trust_unchecked


def test_two_unsure_characters_in_one_span_are_not_vouched_for() -> None:
    # optional data "ZE184226B": two misreads can cancel in the 7-3-1 sum
    lines = [_proba(TD3[0]), _proba(TD3[1])]
    _set(lines[1], 29, E=0.80, F=0.19)
    _set(lines[1], 31, **{"8": 0.85, "B": 0.14})
    d = decode_cells(lines, MRZFormat.TD3)
    assert d.checks_passed == d.checks_total
    assert {(1, 29), (1, 31)} <= set(d.unsure)


def test_one_unsure_character_is_vouched_for_by_its_digit() -> None:
    lines = [_proba(TD3[0]), _proba(TD3[1])]
    _set(lines[1], 31, **{"8": 0.85, "B": 0.14})
    d = decode_cells(lines, MRZFormat.TD3)
    assert d.unsure == ()


def test_digit_in_a_name_is_replaced_however_sure() -> None:
    lines = [_proba(TD3[0]), _proba(TD3[1])]
    _set(lines[0], 11, **{"0": 0.97, "O": 0.029})  # ERIKSS0N
    d = decode_cells(lines, MRZFormat.TD3)
    assert d.lines[0] == TD3[0]
    assert any(c.column == 12 and c.chosen == "O" for c in d.corrections)


def test_format_from_shape_and_document_code() -> None:
    from docsec.read.decode import format_for

    assert format_for(("P<UTO",), (2, 44)) is MRZFormat.TD3
    assert format_for(("V<UTO",), (2, 44)) is MRZFormat.MRVA
    assert format_for(("V<UTO",), (2, 36)) is MRZFormat.MRVB
    assert format_for(("I<UTO",), (2, 36)) is MRZFormat.TD2
    assert format_for(("I<UTO",), (3, 30)) is MRZFormat.TD1


def test_plausibility_needs_two_checks_over_data_and_dates() -> None:
    from docsec.read.decode import date_shaped

    assert date_shaped("740812") and date_shaped("74<<<<") and date_shaped("7408<<")
    assert not date_shaped("741312") and not date_shaped("740800") and not date_shaped("74O812")


def test_document_code_held_to_the_format_and_not_trusted() -> None:
    # a passport's P read as M (glare over the first cell): a TD3 code starts with P,
    # so the decoder puts it back, but nothing vouches for it - never trusted
    lines = [_proba(TD3[0]), _proba(TD3[1])]
    _set(lines[0], 0, M=0.97, P=0.02)
    d = decode_cells(lines, MRZFormat.TD3)
    assert d.lines == TD3
    assert [(c.line, c.column, c.found, c.chosen) for c in d.corrections][:1] == [(1, 1, "M", "P")]
    assert (0, 0) in d.unsure


def test_format_sharing_a_shape_follows_the_first_cell() -> None:
    from docsec.read.decode import format_for

    first = _proba("M")[0]
    first[CLASSES.index("V")] = 0.1  # a visa's V is the likelier document code
    assert format_for(["M" + "<" * 43, "<" * 44], (2, 44), first) is MRZFormat.MRVA
    assert format_for(["P" + "<" * 43, "<" * 44], (2, 44), first) is MRZFormat.TD3


TD2 = ("I<CZEOS<<UL<TI<<<<<<<<<<<<<<<<<<<<<<", "NKHFV0<<<6CZE8701233X240302952007617")


def _dot_matrix_td2() -> list[np.ndarray]:
    """A dot-matrix TD2 of the independent set (the recogniser's probabilities, rounded)."""
    lines = [_proba(TD2[0]), _proba(TD2[1])]
    _set(lines[1], 4, V=0.9)
    _set(lines[1], 5, O=0.476, **{"0": 0.473, "D": 0.02})
    _set(lines[1], 15, O=0.734, **{"0": 0.261})
    _set(lines[1], 20, X=0.852, Y=0.044)
    _set(lines[1], 21, **{"2": 0.306, "L": 0.161, "6": 0.03})
    _set(lines[1], 23, O=0.595, **{"0": 0.366})
    _set(lines[1], 25, O=0.829, **{"0": 0.161})
    _set(lines[1], 30, O=0.938, **{"0": 0.043})
    _set(lines[1], 31, O=0.538, **{"0": 0.46})
    return lines


def test_composite_does_not_undo_what_a_passing_digit_holds() -> None:
    # the document number's digit restores its 0; the composite must then be made to pass
    # by the unchecked optional data, not by turning that 0 back into O and re-reading the
    # expiry date, which makes both their own digits fail
    d = decode_cells(_dot_matrix_td2(), MRZFormat.TD2)
    assert d.lines == TD2
    assert d.checks_passed == d.checks_total


def test_checks_passed_counts_the_final_text() -> None:
    # whatever the decoder changes, the digits it counts as passing pass on its output
    from docsec.checkdigit.icao9303 import calc_check_digit

    lines = _dot_matrix_td2()
    _set(lines[1], 35, **{"7": 0.6, "3": 0.3})  # and the composite digit unsure too
    d = decode_cells(lines, MRZFormat.TD2)
    body = d.lines[1]
    passing = sum(
        calc_check_digit(data) == digit
        for data, digit in (
            (body[0:9], body[9]), (body[13:19], body[19]), (body[21:27], body[27]),
            (body[0:10] + body[13:20] + body[21:35], body[35]),
        )
    )  # fmt: skip
    assert d.checks_passed == passing
