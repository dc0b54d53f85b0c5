"""MRZ texts of all five formats, composed here with their own check digits.

Check digits follow Doc 9303-3 §4.9 (weights 7, 3, 1; ``<`` 0, digits their value,
``A``-``Z`` 10-35), written out again so the set does not depend on docsec's code.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
DIGITS = "0123456789"
LENGTH = {"TD1": 30, "TD2": 36, "TD3": 44, "MRVA": 44, "MRVB": 36}
#: 42 issuing codes: Utopia and ICAO's test and special codes, Germany's ``D<<``, states.
CODES = (
    "UTO", "D<<", "XXA", "XXB", "XXC", "XXX", "UNO", "UNA", "UNK", "EUE", "XOM", "XPO",
    "AUT", "BEL", "BGR", "CAN", "CHE", "CZE", "DNK", "ESP", "EST", "FIN", "FRA", "GBR",
    "GRC", "HRV", "HUN", "IRL", "ISL", "ITA", "LTU", "LUX", "LVA", "NLD", "NOR", "POL",
    "PRT", "ROU", "SVK", "SVN", "SWE", "GBD",
)  # fmt: skip
_SYLLABLES = (
    "AN", "BER", "CA", "DO", "EK", "FA", "GU", "HO", "IN", "JO", "KAR", "LE", "MI", "NO",
    "OS", "PE", "QUI", "RA", "SON", "TI", "UL", "VA", "WE", "XI", "YO", "ZA", "STR", "ERS",
)  # fmt: skip


def check_digit(text: str) -> str:
    total = 0
    for k, ch in enumerate(text):
        value = 0 if ch == "<" else int(ch) if ch.isdigit() else ord(ch) - 55
        total += value * (7, 3, 1)[k % 3]
    return str(total % 10)


def _word(rng: np.random.Generator, parts: tuple[int, int]) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(int(rng.integers(*parts))))


def _date(rng: np.random.Generator, lo: int, hi: int) -> str:
    day = dt.date(lo, 1, 1) + dt.timedelta(days=int(rng.integers(0, (hi - lo) * 365)))
    return day.strftime("%y%m%d")


def _name(rng: np.random.Generator, width: int) -> str:
    surname = _word(rng, (1, 4))
    if rng.random() < 0.2:
        surname += "<" + _word(rng, (1, 3))
    given = "<".join(_word(rng, (1, 3)) for _ in range(int(rng.integers(1, 4))))
    name = surname + "<<" + given
    if len(name) > width:  # truncated at a name boundary, still ending in a filler
        name = name[: width - 1].rstrip("<") + "<"
    return name.ljust(width, "<")


def _number(rng: np.random.Generator) -> str:
    body = "".join(rng.choice(list(UPPER + DIGITS + DIGITS), size=int(rng.integers(6, 10))))
    return body.ljust(9, "<")


def compose(fmt: str, rng: np.random.Generator) -> tuple[str, ...]:
    """Random well-formed MRZ lines of ``fmt`` (TD1, TD2, TD3, MRVA, MRVB)."""
    n = LENGTH[fmt]
    issuer = str(rng.choice(CODES))
    nationality = issuer if rng.random() < 0.8 else str(rng.choice(CODES))
    number = _number(rng)
    dob = _date(rng, 1930, 2020)
    expiry = _date(rng, 2020, 2036)
    sex = str(rng.choice(["M", "F", "<", "X"]))
    cd = check_digit
    if fmt == "TD1":
        code = str(rng.choice(["I<", "ID", "IR", "AC", "C<"]))
        opt1 = "".join(rng.choice(list(DIGITS), size=int(rng.integers(0, 12)))).ljust(15, "<")
        l1 = code + issuer + number + cd(number) + opt1
        opt2 = "".join(rng.choice(list(UPPER + DIGITS), size=int(rng.integers(0, 6))))
        l2 = dob + cd(dob) + sex + expiry + cd(expiry) + nationality + opt2.ljust(11, "<")
        composite = cd(l1[5:30] + l2[0:7] + l2[8:15] + l2[18:29])
        return (l1, l2 + composite, _name(rng, 30))
    code = {"TD3": "P<", "TD2": "I<", "MRVA": "V<", "MRVB": "V<"}[fmt]
    if fmt == "TD3" and rng.random() < 0.3:
        code = str(rng.choice(["PD", "PS", "PO"]))
    l1 = code + issuer + _name(rng, n - 5)
    head = number + cd(number) + nationality + dob + cd(dob) + sex + expiry + cd(expiry)
    if fmt == "TD3":
        personal = "".join(rng.choice(list(UPPER + DIGITS), size=int(rng.integers(0, 15))))
        personal = personal.ljust(14, "<")
        body = head + personal + (cd(personal) if personal.strip("<") else "<")
        return (l1, body + cd(body[0:10] + body[13:20] + body[21:43]))
    if fmt == "TD2":
        body = head + "".join(rng.choice(list(DIGITS), size=int(rng.integers(0, 8)))).ljust(7, "<")
        return (l1, body + cd(body[0:10] + body[13:20] + body[21:35]))
    optional = "".join(rng.choice(list(UPPER + DIGITS), size=int(rng.integers(0, n - 28))))
    return (l1, head + optional.ljust(n - 28, "<"))
