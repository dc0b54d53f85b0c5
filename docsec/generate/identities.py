"""Synthetic holders and document data that hang together against an exercise reference date.

Names are drawn from ``data/names.json`` (invented or very common name parts combined at
random, so no real person is described): Latin for Utopia and Borealis, Cyrillic for Zandaria,
whose MRZ carries the ICAO Doc 9303 Part 3 §6 transliteration. Dates are coherent with the
exercise's reference date ("today", DOMAIN.md §1.9): the holder is 18 to 80 years old, the
document was issued after the holder's 16th birthday and inside its validity period, and it
expires after the reference date (a genuine document is valid on the exercise day).

Latin holders carry one to three given names (a passport prints all of them) and some a
double surname, with the mix set in ``names.json``; a name always fits its MRZ name field whole.
Document numbers are 9 characters (ICAO 9303 Part 4 §4.2.2.2): the model's letter prefix then
digits, never a filler. A TD3 passport's optional data (line 2 positions 29-42) holds the
issuer's personal number when ``names.json`` gives a pattern for it (Utopia: two letters, six
digits, a letter, like the ICAO specimen's ``ZE184226B``), else fillers.

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
from docsec.mrz import transliterate

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


def _name_width(model: DocumentModel) -> int:
    """Characters of the MRZ name field (Doc 9303: TD1 line 3 is all name; else after ``P<UTO``)."""
    fmt = model.format
    if fmt is None:
        return 10_000
    return fmt.length if fmt.lines == 3 else fmt.length - 5


def _latin_name(
    gen: np.random.Generator, latin: Mapping[str, Any], sex: str, width: int
) -> tuple[str, str]:
    """Surname (sometimes double) and one to three distinct given names (all are printed).

    Names that would not fit the MRZ name field whole, with at least one trailing filler, lose
    given names, then the second surname: a genuine document never needs Doc 9303-4 §4.2.3
    truncation, nor looks truncated (a name field ending in a letter).
    """
    surnames: list[str] = [_pick(gen, latin["surnames"])]
    if gen.random() < float(latin["double_surname_rate"]):
        other = _pick(gen, latin["surnames"])
        if other != surnames[0]:
            surnames.append(other)
    pool = latin["given_f" if sex == "F" else "given_m"]
    counts = np.asarray(latin["given_name_counts"], dtype=np.float64)
    k = 1 + int(gen.choice(len(counts), p=counts / counts.sum()))
    picks = gen.choice(len(pool), size=min(k, len(pool)), replace=False)
    given = [str(pool[int(i)]) for i in picks]

    def length() -> int:
        return len(" ".join(surnames)) + 2 + len(" ".join(given))

    while length() >= width and len(given) > 1:
        given.pop()
    if length() >= width and len(surnames) > 1:
        surnames.pop()
    return " ".join(surnames), " ".join(given)


def _from_pattern(gen: np.random.Generator, pattern: str) -> str:
    """A string after ``pattern``: ``A`` a random capital letter, ``9`` a digit, else itself."""
    out = []
    for ch in pattern:
        if ch == "A":
            out.append(chr(ord("A") + int(gen.integers(26))))
        elif ch == "9":
            out.append(str(int(gen.integers(10))))
        else:
            out.append(ch)
    return "".join(out)


def make_identity(
    model: DocumentModel,
    *,
    rng: np.random.Generator | int | None = None,
    reference_date: datetime.date,
    person: Holder | None = None,
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
    person : Holder, optional
        The holder of another document of the same person (several documents presented
        together): the same name (transliterated, ICAO 9303-3 §6, when this model prints
        another script), sex, date and place of birth; the document data are this one's.

    Returns
    -------
    (Holder, DocumentData)
    """
    gen = np.random.default_rng(rng)
    names = _names()
    issuer = model.issuer
    sex = "F" if gen.random() < 0.5 else "M"
    if person is not None:
        surname, given = person.surname, person.given_names
        if model.script != "cyrillic" and not (surname + given).isascii():
            surname = transliterate(surname).replace("<", " ")
            given = transliterate(given).replace("<", " ")
    elif model.script == "cyrillic":
        pairs = names["cyrillic"]["surnames"]
        surname = _pick(gen, pairs)[1 if sex == "F" else 0]
        pool = names["cyrillic"]["given_f" if sex == "F" else "given_m"]
        given = _pick(gen, pool)
    else:
        surname, given = _latin_name(gen, names["latin"], sex, _name_width(model))
    places = names["places"].get(issuer, names["places"]["UTO"])
    authorities = names["authorities"].get(issuer, names["authorities"]["UTO"])
    age_days = int(gen.integers(18 * 365 + 5, 80 * 365))
    dob = reference_date - datetime.timedelta(days=age_days)
    if person is not None:
        sex, dob = person.sex, person.date_of_birth
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
    pattern = names["personal_numbers"].get(issuer)
    if model.format_name == "TD3" and pattern:
        optional = _from_pattern(gen, pattern)
    holder = Holder(
        surname=surname,
        given_names=given,
        sex=sex,
        date_of_birth=dob,
        place_of_birth=_pick(gen, places),
        nationality=issuer,
        address=address,
    )
    if person is not None:
        holder = Holder(surname=surname, given_names=given, sex=sex, date_of_birth=dob,
                        place_of_birth=person.place_of_birth, nationality=person.nationality,
                        address=person.address)
    data = DocumentData(
        document_number=number,
        date_of_issue=issue,
        date_of_expiry=expiry,
        authority=_pick(gen, authorities),
        optional_data=optional,
    )
    return holder, data
