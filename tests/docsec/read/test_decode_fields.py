"""What a field can hold decides a character the recogniser is unsure of: a date's month
and day tens digits (Doc 9303-3 §4.2.2.3), and the look-alike of a digit read where only
letters go when the recogniser gives no letter any weight."""

from __future__ import annotations

from docsec.mrz.formats import MRZFormat
from docsec.read.decode import decode_cells

from .test_decode import TD3, _proba, _set


def test_day_tens_digit_no_date_holds_is_read_as_the_digit_a_date_can_hold() -> None:
    # expiry 120415: its day's tens digit (column 25) read 8, the true 1 the runner-up
    lines = [_proba(TD3[0]), _proba(TD3[1])]
    _set(lines[1], 25, **{"8": 0.9, "1": 0.08})
    d = decode_cells(lines, MRZFormat.TD3)
    assert d.lines == TD3
    assert d.checks_passed == d.checks_total
    assert [(c.column, c.found, c.chosen) for c in d.corrections] == [(26, "8", "1")]


def test_sure_digit_no_date_holds_is_replaced_unsurely() -> None:
    # the month's tens digit (column 23) read 9 surely and the day's tens (column 25) read
    # 8 unsurely: both replaced by digits a date can hold; two unsure characters in one
    # span, so the expiry's check digit vouches for neither
    lines = [_proba(TD3[0]), _proba(TD3[1])]
    _set(lines[1], 23, **{"9": 0.99, "0": 0.005})
    _set(lines[1], 25, **{"8": 0.9, "1": 0.08})
    d = decode_cells(lines, MRZFormat.TD3)
    assert d.lines == TD3
    assert {(1, 23), (1, 25)} <= set(d.unsure)
    # a month's tens digit a date can hold is left as read
    lines = [_proba(TD3[0]), _proba(TD3[1])]
    _set(lines[1], 23, **{"0": 0.9, "9": 0.09})
    assert decode_cells(lines, MRZFormat.TD3).corrections == ()


def test_zero_read_surely_in_a_name_is_the_letter_o_and_stays_unsure() -> None:
    # the O of ERIKSSON (column 11) read as 0 at 0.99, no letter above the floor
    lines = [_proba(TD3[0]), _proba(TD3[1])]
    _set(lines[0], 11, **{"0": 0.99})
    d = decode_cells(lines, MRZFormat.TD3)
    assert d.lines == TD3
    assert (0, 11) in d.unsure  # a name has no check digit: never read surely this way
    # a letter with some weight is chosen over the look-alike
    _set(lines[0], 11, **{"0": 0.9, "Q": 0.08})
    assert decode_cells(lines, MRZFormat.TD3).lines[0][11] == "Q"


def test_a_look_alike_read_surely_is_not_swapped_to_make_a_check_digit_pass() -> None:
    # the 0 of the document number (column 6) read as O at 0.999, its 0 below the
    # candidate floor: the swap would make the digit pass, but a swap the recogniser gives
    # no weight would as well make a forged check digit pass on any number holding an O or
    # a 0 (a visa of the inspection benchmark), so the reading stands and the digit fails
    lines = [_proba(TD3[0]), _proba(TD3[1])]
    _set(lines[1], 5, O=0.999, **{"0": 0.0008})
    d = decode_cells(lines, MRZFormat.TD3)
    assert d.lines[1][5] == "O"
    assert d.checks_passed < d.checks_total
    # with some weight on the 0, the swap is made
    _set(lines[1], 5, O=0.9, **{"0": 0.09})
    assert decode_cells(lines, MRZFormat.TD3).lines == TD3
