"""Synthetic holders and document data that hang together against an exercise reference date.

Names are drawn from ``data/names.json`` (invented or very common name parts combined at
random, so no real person is described): Latin for Utopia and Borealis, Cyrillic for Zandaria,
whose MRZ carries the ICAO Doc 9303 Part 3 §6 transliteration. Dates are coherent with the
exercise's reference date ("today", DOMAIN.md §1.9): the holder is 18 to 80 years old, the
document was issued after the holder's 16th birthday and inside its validity period, and it
expires after the reference date (a genuine document is valid on the exercise day).

Document numbers are 9 characters (ICAO 9303 Part 4 §4.2.2.2): the model's letter prefix then
digits, never a filler.

>>> import datetime
>>> from docsec.models import get_model
>>> ref = datetime.date(2026, 11, 26)
>>> h, d = make_identity(get_model("uto_passport_td3"), rng=1, reference_date=ref)
>>> len(d.document_number), d.date_of_expiry > ref
(9, True)
>>> h.sex in ("F", "M")
True
"""

from __future__ import annotations

import datetime
import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

import numpy as np

from docsec.models import DocumentModel

__all__ = ["DocumentData", "Holder", "add_years", "make_identity"]


@dataclass(frozen=True, slots=True)
class Holder:
    """A synthetic person as printed in the visual zone (VIZ script of the issuer)."""

    surname: str
    given_names: str
    sex: str
    date_of_birth: datetime.date
    place_of_birth: str
    nationality: str
    address: str

    def to_dict(self) -> dict[str, object]:
        """JSON-ready mapping."""
        return {
            "surname": self.surname,
            "given_names": self.given_names,
            "sex": self.sex,
            "date_of_birth": self.date_of_birth.isoformat(),
            "place_of_birth": self.place_of_birth,
            "nationality": self.nationality,
            "address": self.address,
        }


@dataclass(frozen=True, slots=True)
class DocumentData:
    """Issue data of one document (number, dates, authority, optional data)."""

    document_number: str
    date_of_issue: datetime.date
    date_of_expiry: datetime.date
    authority: str
    optional_data: str

    def to_dict(self) -> dict[str, object]:
        """JSON-ready mapping."""
        return {
            "document_number": self.document_number,
            "date_of_issue": self.date_of_issue.isoformat(),
            "date_of_expiry": self.date_of_expiry.isoformat(),
            "authority": self.authority,
            "optional_data": self.optional_data,
        }


@functools.cache
def _names() -> Mapping[str, Any]:
    text = (resources.files("docsec.generate") / "data" / "names.json").read_text("utf-8")
    data: Mapping[str, Any] = json.loads(text)
    return data


def add_years(day: datetime.date, years: int) -> datetime.date:
    """``day`` moved by whole years (29 February becomes 28 February in common years).

    >>> add_years(datetime.date(2024, 2, 29), 1)
    datetime.date(2025, 2, 28)
    """
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _pick(rng: np.random.Generator, items: list[Any]) -> Any:
    return items[int(rng.integers(len(items)))]


def make_identity(
    model: DocumentModel,
    *,
    rng: np.random.Generator | int | None = None,
    reference_date: datetime.date,
) -> tuple[Holder, DocumentData]:
    """A holder and the data of a genuine, valid document of ``model`` on ``reference_date``.

    Parameters
    ----------
    model : DocumentModel
        The document model (its issuer picks the script and the place names).
    rng : numpy.random.Generator or int or None
        Source of randomness (same seed, same identity).
    reference_date : datetime.date
        The exercise's "today": the document is valid on that day.

    Returns
    -------
    (Holder, DocumentData)
    """
    gen = np.random.default_rng(rng)
    names = _names()
    issuer = model.issuer
    sex = "F" if gen.random() < 0.5 else "M"
    if model.script == "cyrillic":
        pairs = names["cyrillic"]["surnames"]
        surname = _pick(gen, pairs)[1 if sex == "F" else 0]
        pool = names["cyrillic"]["given_f" if sex == "F" else "given_m"]
        given = _pick(gen, pool)
    else:
        surname = _pick(gen, names["latin"]["surnames"])
        pool = names["latin"]["given_f" if sex == "F" else "given_m"]
        given = _pick(gen, pool)
        if gen.random() < 0.35:
            second = _pick(gen, pool)
            if second != given:
                given = f"{given} {second}"
    places = names["places"].get(issuer, names["places"]["UTO"])
    authorities = names["authorities"].get(issuer, names["authorities"]["UTO"])
    age_days = int(gen.integers(18 * 365 + 5, 80 * 365))
    dob = reference_date - datetime.timedelta(days=age_days)
    validity = max(model.validity_years, 1)
    # Issued inside the validity window that still covers the reference date, and after 16.
    earliest = max(add_years(dob, 16), add_years(reference_date, -validity) + datetime.timedelta(2))
    span = max((reference_date - earliest).days, 1)
    issue = earliest + datetime.timedelta(days=int(gen.integers(0, span)))
    if model.validity_years > 0:
        expiry = add_years(issue, validity) - datetime.timedelta(days=1)
    else:  # vehicle certificates do not expire
        expiry = add_years(issue, 10)
    digits = "".join(str(int(d)) for d in gen.integers(0, 10, size=9 - len(model.number_prefix)))
    number = model.number_prefix + digits
    street = _pick(gen, names["streets"])
    address = f"{int(gen.integers(1, 200))} {street}, {_pick(gen, names['places']['UTO'])}"
    optional = ""
    if model.format_name == "TD3" and gen.random() < 0.5:
        optional = "".join(str(int(d)) for d in gen.integers(0, 10, size=10))
    holder = Holder(
        surname=surname,
        given_names=given,
        sex=sex,
        date_of_birth=dob,
        place_of_birth=_pick(gen, places),
        nationality=issuer,
        address=address,
    )
    data = DocumentData(
        document_number=number,
        date_of_issue=issue,
        date_of_expiry=expiry,
        authority=_pick(gen, authorities),
        optional_data=optional,
    )
    return holder, data
