"""Data rules on readings OCR makes unsure: dates read loosely, an issuer that names no
model on a card whose other side does, the visual zone against the MRZ by character."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from docsec.generate import SyntheticDocument
from docsec.inspect import inspect_document
from docsec.inspect.rules import _parse_date
from docsec.report import Status

from .conftest import REF

MakeDoc = Callable[..., SyntheticDocument]


@pytest.mark.parametrize(("text", "style", "want"), [
    ("23 APR 1981", "dd_mon_yyyy", dt.date(1981, 4, 23)),
    ("23 APR1981", "dd_mon_yyyy", dt.date(1981, 4, 23)),  # a space lost by OCR
    ("23APR 1981", "dd_mon_yyyy", dt.date(1981, 4, 23)),
    ("3  MAY  2001", "dd_mon_yyyy", dt.date(2001, 5, 3)),
    ("O8 0CT 1999", "dd_mon_yyyy", dt.date(1999, 10, 8)),  # look-alikes both ways
    ("2S DEC 20I0", "dd_mon_yyyy", dt.date(2010, 12, 25)),
    ("23.04.1981", "dmy_dots", dt.date(1981, 4, 23)),
    ("23.O4.198I", "dmy_dots", dt.date(1981, 4, 23)),
    ("31 FEB 2001", "dd_mon_yyyy", None),  # no such day
    ("23 XYZ 1981", "dd_mon_yyyy", None),  # no such month
    ("23 APR 19811", "dd_mon_yyyy", None),
    ("", "dd_mon_yyyy", None),
    ("LINDQVIST", "dd_mon_yyyy", None),
])
def test_visual_zone_dates_are_read_loosely_but_only_as_dates(text: str, style: str,
                                                              want: dt.date | None) -> None:
    assert _parse_date(text, style) == want


@pytest.mark.slow
def test_fantasy_issuer_on_a_card_whose_mrz_side_names_no_model_is_rejected(
        make_doc: MakeDoc) -> None:
    """A ZZB identity card whose MRZ (on the back) names a fantasy issuer: the back is no
    known model's page (its issuer names none), the front is the ZZB card's; the MRZ is
    still this card's and its issuer rule fails."""
    forged = make_doc("zzb_id_td1", "issuer.fantasy", seed=163279898)
    views = {n: forged.views[n] for n in ("white", "white_back")}
    rep = inspect_document(views, reference_date=REF, level=1, viz=False)
    assert rep.model is not None and rep.model.id == "zzb_id_td1"
    f = rep.finding("feature.issuer.known")
    assert f is not None and f.status == Status.FAIL, f
    m = rep.finding("mrz.issuing_state")
    assert m is not None and m.status == Status.FAIL
    assert rep.verdict == "reject"
