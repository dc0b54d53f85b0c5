"""The visual zone against the MRZ: a changed letter of a name fails when read twice."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from docsec.generate import SyntheticDocument
from docsec.inspect import inspect_document
from docsec.report import Status

from .conftest import REF

MakeDoc = Callable[..., SyntheticDocument]


@pytest.mark.slow
@pytest.mark.parametrize("model", ["uto_passport_td3", "zza_passport_td3"])
def test_a_changed_surname_letter_fails_and_the_genuine_twin_does_not(make_doc: MakeDoc,
                                                                       model: str) -> None:
    forged = make_doc(model, "viz_mrz.surname", seed=4)
    rep = inspect_document(forged.views, reference_date=REF, level=1)
    f = rep.finding("feature.viz_mrz.match")
    assert f is not None and f.status == Status.FAIL, f
    assert f.field == "surname" and f.expected != f.found
    assert f.message_ru and "surname" in f.message
    genuine = inspect_document(make_doc(model, seed=4).views, reference_date=REF, level=1)
    g = genuine.finding("feature.viz_mrz.match")
    assert g is not None and g.status != Status.FAIL, g
