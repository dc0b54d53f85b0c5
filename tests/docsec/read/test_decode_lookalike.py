"""A sure O for 0 (or 0 for O) in a field of letters and digits: swapped when it alone
makes a failing check digit pass, and then no surer than the look-alike's reading."""

from __future__ import annotations

from docsec.mrz.formats import MRZFormat
from docsec.read.decode import decode_cells

from .test_decode import TD3, _proba, _set


def test_sure_o_of_a_document_number_is_swapped_for_the_zero_its_digit_needs() -> None:
    # L898902C3: the 0 at column 6 read O at 0.988, the 0 a candidate at 0.011
    lines = [_proba(TD3[0]), _proba(TD3[1])]
    _set(lines[1], 5, O=0.988, **{"0": 0.011})
    d = decode_cells(lines, MRZFormat.TD3)
    assert d.lines == TD3
    assert d.checks_passed == d.checks_total
    assert [(c.column, c.found, c.chosen) for c in d.corrections] == [(6, "O", "0")]
    assert d.unsure == ()  # vouched for by the document number's digit and the composite


def test_swap_that_does_not_make_the_digit_pass_is_not_made() -> None:
    # the same O, and a check digit that fits neither reading (a forged digit stays visible)
    lines = [_proba(TD3[0]), _proba(TD3[1].replace("C36", "C37"))]
    _set(lines[1], 5, O=0.988, **{"0": 0.011})
    d = decode_cells(lines, MRZFormat.TD3)
    assert d.lines[1][5] == "O" and d.lines[1][9] == "7"
    assert d.checks_passed < d.checks_total


def test_of_two_look_alikes_the_one_swap_that_passes_is_made_and_stays_unsure() -> None:
    # a document number with two zeros, both read with O a candidate, one of them as O:
    # only the O's swap makes the digit pass (the other changes the sum the other way), so
    # it is made, but the digit chose it among two and does not vouch for it
    from docsec.checkdigit.icao9303 import calc_check_digit as cd

    number = "L808902C3"
    rest = TD3[1][10:]
    composite = number + cd(number) + rest[3:10] + rest[11:18] + rest[18:33]
    second = number + cd(number) + rest[:-1] + cd(composite)
    lines = [_proba(TD3[0]), _proba(second)]
    _set(lines[1], 5, O=0.988, **{"0": 0.011})
    _set(lines[1], 2, **{"0": 0.985, "O": 0.014})
    d = decode_cells(lines, MRZFormat.TD3)
    assert d.lines[1] == second
    assert [(c.column, c.found, c.chosen) for c in d.corrections] == [(6, "O", "0")]
    assert (1, 5) in d.unsure
    # with the one look-alike alone the swap is made and vouched for
    _set(lines[1], 2, **{"0": 0.99999})
    d = decode_cells(lines, MRZFormat.TD3)
    assert d.lines[1] == second and (1, 5) not in d.unsure


def test_two_look_alike_swaps_that_both_pass_are_left_alone() -> None:
    # a document number with a letter O and a 0, both read O (each with the other a
    # candidate) at places of the same 7-3-1 weight: either swap makes the digit pass, so
    # which one is wrong is not known and neither is made
    from docsec.checkdigit.icao9303 import calc_check_digit as cd

    number = "L8O8902C3"  # O at column 2 (weight 1), 0 at column 5 (weight 1)
    rest = TD3[1][10:]
    composite = number + cd(number) + rest[3:10] + rest[11:18] + rest[18:33]
    second = number + cd(number) + rest[:-1] + cd(composite)
    lines = [_proba(TD3[0]), _proba(second)]
    _set(lines[1], 5, O=0.988, **{"0": 0.011})
    _set(lines[1], 2, O=0.985, **{"0": 0.014})
    d = decode_cells(lines, MRZFormat.TD3)
    assert d.lines[1][2] == "O" and d.lines[1][5] == "O"
    assert not any(c.column in (3, 6) for c in d.corrections)
    assert d.checks_passed < d.checks_total


def test_sure_o_is_swapped_when_the_spans_unsure_characters_cannot_make_it_pass() -> None:
    # the O of the document number as above, and its C read unsurely (0.9, glare) with G
    # the runner-up: neither makes the digit pass, the swap does; both stay unsure (two
    # unsure characters in one span: the digit vouches for neither)
    lines = [_proba(TD3[0]), _proba(TD3[1])]
    _set(lines[1], 5, O=0.988, **{"0": 0.011})
    _set(lines[1], 7, C=0.9, G=0.09)
    d = decode_cells(lines, MRZFormat.TD3)
    assert d.lines == TD3
    assert [(c.column, c.found, c.chosen) for c in d.corrections] == [(6, "O", "0")]
    assert {(1, 5), (1, 7)} <= set(d.unsure)
