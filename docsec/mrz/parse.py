"""Parse and check a machine-readable zone: lines -> :class:`MRZ` with fields and findings.

:func:`parse` recognises the format from the number and length of the lines (Doc 9303-3 §4.2:
TD1 3×30, TD2 / MRV-B 2×36, TD3 / MRV-A 2×44; a visa starts with ``V``), cuts the fields with the
tables of :mod:`docsec.mrz.formats`, and answers every check of :data:`~docsec.mrz.checks.CHECK_IDS`
once. A wrong document is never an exception: only text that fits no format at all raises
:class:`~docsec.errors.NotAnMRZ`.

The hot path is table-driven: per-format plans (slices, positions, the findings of passing
checks) are built once at import, so a genuine MRZ allocates only its fields and the result.

>>> mrz = parse(['P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<',
...              'L898902C36UTO7408122F1204159ZE184226B<<<<<10'],
...             reference_date=datetime.date(2010, 1, 1))
>>> mrz.format, mrz.valid, mrz.fields['document_number'].value
(<MRZFormat.TD3: 'TD3'>, True, 'L898902C3')
>>> mrz.fields['date_of_birth'].value
datetime.date(1974, 8, 12)
>>> mrz.finding('mrz.check_digit.composite').status
<Status.PASS: 'pass'>
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Mapping, Sequence
from operator import attrgetter, itemgetter

from docsec.checkdigit.icao9303 import ALPHABET, calc_check_digit
from docsec.errors import InvalidFormat, NotAnMRZ
from docsec.mrz import countries
from docsec.mrz.checks import CHECK_IDS
from docsec.mrz.fields import _decode_date, decode_name
from docsec.mrz.formats import LAYOUTS, CheckDigitSpec, Layout, MRZFormat
from docsec.mrz.result import MRZ, FieldValue, MRZField
from docsec.report import Finding, Status

__all__ = ["MRZ", "MRZField", "parse"]

PASS, FAIL, WARN, NA = Status.PASS, Status.FAIL, Status.WARN, Status.NOT_APPLICABLE

_ALPHABET = frozenset(ALPHABET)
_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_DIGITS = "0123456789"
# Second document-code letters seen on genuine documents that break 9303-5 note k (a warning, not
# a failure): see DOMAIN.md §1.1 (Estonian "RP" residence permit, German "ME" arrival certificate).
_KNOWN_NONCONFORMANT_CODES = frozenset({"RP", "ME"})
# Line-length tolerance before text stops being "an MRZ with wrong lengths" and becomes no MRZ.
_LENGTH_TOLERANCE = 0.25
# Minimum share of MRZ characters for text to count as a (damaged) MRZ at all: half, so a line
# typed on a Cyrillic layout (a quarter of look-alike letters) is still an MRZ with findings.
_MIN_MRZ_SHARE = 0.5


_CANONICAL = (
    "document_code", "issuing_state", "document_number", "document_number_check_digit",
    "nationality", "date_of_birth", "date_of_birth_check_digit", "sex", "date_of_expiry",
    "date_of_expiry_check_digit", "optional_data", "optional_data_check_digit",
    "composite_check_digit", "name",
)  # fmt: skip


_KIND_TEXT, _KIND_DIGIT, _KIND_KNOWN, _KIND_SEX, _KIND_NAME = range(5)
_KNOWN_VALUES = frozenset({"document_number", "optional_data", "date_of_birth", "date_of_expiry",
                           "issuing_state", "nationality"})  # fmt: skip


def _field_kind(name: str) -> int:
    """How a field's value is derived (see :func:`_build_fields`)."""
    if name == "name":
        return _KIND_NAME
    if name.endswith("check_digit"):
        return _KIND_DIGIT
    if name in _KNOWN_VALUES:
        return _KIND_KNOWN
    return _KIND_SEX if name == "sex" else _KIND_TEXT


class _Plan:
    """Everything about one format that does not depend on the text: built once at import."""

    def __init__(self, layout: Layout) -> None:
        self.format = layout.format
        self.length = layout.format.length
        self.layout = layout
        self.spec = {f.name: f for f in layout.fields}
        self.positions = {f.name: f.positions for f in layout.fields}
        n = self.length
        # One C-level call cuts every field out of the joined lines.
        self.names = tuple(f.name for f in layout.fields)
        self.field_kinds = tuple((f.name, _field_kind(f.name), f.positions) for f in layout.fields)
        self.getter = itemgetter(*(slice(f.line * n + f.start, f.line * n + f.stop)
                                   for f in layout.fields))  # fmt: skip
        # The same fields in one fixed order for every format (absent ones cut as "").
        by_name = {f.name: slice(f.line * n + f.start, f.line * n + f.stop) for f in layout.fields}
        self.canonical = itemgetter(*(by_name.get(name, slice(0, 0)) for name in _CANONICAL))
        self.first = layout.document_code_first
        self.long_number = layout.long_number
        cds = {c.id: c for c in layout.check_digits}
        self.number_cd = cds["mrz.check_digit.document_number"]
        self.birth_cd = cds["mrz.check_digit.date_of_birth"]
        self.expiry_cd = cds["mrz.check_digit.date_of_expiry"]
        self.optional_cd = cds.get("mrz.check_digit.optional_data")
        self.composite_cd = cds.get("mrz.check_digit.composite")
        covers = self.composite_cd.covers if self.composite_cd else ()
        self.composite_getter = itemgetter(*(slice(c.line * n + c.start, c.line * n + c.stop)
                                             for c in covers)) if covers else None  # fmt: skip
        self.cd_positions = {c.id: c.positions for c in layout.check_digits}
        self.cd_field = {c.id: c.field for c in layout.check_digits}
        self.cd_pass: dict[tuple[str, str], Finding] = {
            (c.id, d): Finding(c.id, PASS, c.field, c.positions, d, d, "check digit matches")
            for c in layout.check_digits
            for d in _DIGITS
        }
        self.na = {
            cid: Finding(cid, NA, None, (), None, None, f"{self.format.value} has no such element")
            for cid in CHECK_IDS
        }
        name = self.spec["name"]
        self.name_positions = name.positions
        sex = self.positions["sex"]
        birth = self.positions["date_of_birth"]
        expiry = self.positions["date_of_expiry"]
        code = self.positions["document_code"]
        self.passes = {
            "mrz.line_length": Finding("mrz.line_length", PASS, None, (), str(self.length), None,
                                       f"{layout.format.lines} lines of {self.length}"),
            "mrz.charset": Finding("mrz.charset", PASS, None, (), None, None, "A-Z, 0-9 and <"),
            "mrz.filler": Finding("mrz.filler", PASS, None, (), None, None,
                                  "fillers only after field content"),
            "mrz.document_code": Finding("mrz.document_code", PASS, "document_code", code, None,
                                         None, "document code conforms"),
            "mrz.date_of_birth": Finding("mrz.date_of_birth", PASS, "date_of_birth", birth, None,
                                         None, "calendar date"),
            "mrz.date_of_expiry": Finding("mrz.date_of_expiry", PASS, "date_of_expiry", expiry,
                                          None, None, "calendar date"),
            "mrz.expired": Finding("mrz.expired", PASS, "date_of_expiry", expiry, None, None,
                                   "valid on the reference date"),
            "mrz.name.format": Finding("mrz.name.format", PASS, "name", name.positions, None, None,
                                       "primary<<secondary"),
            "mrz.name.truncated": Finding("mrz.name.truncated", PASS, "name", name.positions,
                                          None, None, "the name field ends in a filler"),
            "optional_filler": Finding("mrz.check_digit.optional_data", PASS, "optional_data",
                                       self.cd_positions.get("mrz.check_digit.optional_data", ()),
                                       "<", "<", "filler allowed: the optional data is empty"),
        }  # fmt: skip
        self.sex_findings = {
            s: Finding("mrz.sex", PASS, "sex", sex, None, s, "M, F or < (unspecified)")
            for s in "MF<"
        }
        self.sex_findings["X"] = Finding(
            "mrz.sex", WARN, "sex", sex, "M, F or <", "X",
            "X is allowed in the visual zone only (Doc 9303-4/5); non-conformant in the MRZ",
        )  # fmt: skip
        self.issuer_cache: dict[str, Finding] = {}
        self.nationality_cache: dict[str, Finding] = {}
        self.code_cache: dict[str, Finding] = {}
        self.pass_birth = self.passes["mrz.date_of_birth"]
        self.pass_number = {d: self.cd_pass[(self.number_cd.id, d)] for d in _DIGITS}
        self.pass_birth_cd = {d: self.cd_pass[(self.birth_cd.id, d)] for d in _DIGITS}
        self.pass_expiry_cd = {d: self.cd_pass[(self.expiry_cd.id, d)] for d in _DIGITS}
        self.pass_expiry = self.passes["mrz.date_of_expiry"]


_PLANS = {fmt: _Plan(layout) for fmt, layout in LAYOUTS.items()}
# (plan, plan if the document code starts with V) by exact line lengths.
_BY_SHAPE = {
    (30, 30, 30): (_PLANS[MRZFormat.TD1], _PLANS[MRZFormat.TD1]),
    (36, 36): (_PLANS[MRZFormat.TD2], _PLANS[MRZFormat.MRVB]),
    (44, 44): (_PLANS[MRZFormat.TD3], _PLANS[MRZFormat.MRVA]),
}
_DIGIT_VALUE = {str(d): d for d in range(10)}
_STATUS = attrgetter("status")


def parse(lines: str | Sequence[str], *, reference_date: datetime.date | None = None) -> MRZ:
    """Parse and check MRZ ``lines`` (a sequence of lines, or one string with line breaks).

    ``reference_date`` is the "today" for century inference and the expiry check (default: the
    current date). Surrounding whitespace and blank lines are ignored; a single string of exactly
    two or three lines' worth of characters is split. Raises :class:`~docsec.errors.NotAnMRZ`
    when no format fits at all; everything else (wrong lengths, characters, digits, codes) is
    reported as findings.
    """
    rows = _normalise(lines)
    clean = all(map(_ALPHABET.issuperset, rows))
    # Fast path: exact line lengths pick the plan directly (a visa starts with V).
    pair = _BY_SHAPE.get(tuple(map(len, rows))) if clean else None
    exact = pair is not None
    plan = pair[rows[0][:1] == "V"] if pair is not None else _PLANS[_detect(rows)]
    fmt = plan.format
    ref = reference_date if reference_date is not None else datetime.date.today()
    n = plan.length
    findings: list[Finding] = []
    add = findings.append

    # -- structure: line lengths and characters (Doc 9303-3 §4.1, §4.2) ----------------------
    printed = rows
    if exact or all(len(r) == n for r in rows):
        add(plan.passes["mrz.line_length"])
    else:
        bad_lines = [i for i, r in enumerate(rows) if len(r) != n]
        add(Finding(
            "mrz.line_length", FAIL, None,
            tuple((i + 1, min(len(rows[i]), n) + 1) for i in bad_lines),
            str(n), ",".join(str(len(rows[i])) for i in bad_lines),
            f"line {', '.join(str(i + 1) for i in bad_lines)}: expected {n} characters",
        ))  # fmt: skip
        rows = tuple(r[:n].ljust(n, "<") for r in rows)
    if clean:
        add(plan.passes["mrz.charset"])
    else:
        bad = [(i + 1, j + 1, c) for i, r in enumerate(printed) for j, c in enumerate(r)
               if c not in _ALPHABET]  # fmt: skip
        add(Finding(
            "mrz.charset", FAIL, None, tuple((i, j) for i, j, _ in bad), ALPHABET,
            "".join(c for _, _, c in bad), "characters outside A-Z, 0-9 and the filler <",
        ))  # fmt: skip

    flat = "".join(rows)
    (code, issuing_raw, number_raw, number_digit, nationality_raw, birth_raw, birth_digit,
     sex_raw, expiry_raw, expiry_digit, optional_raw, optional_digit, composite_digit,
     name_raw) = plan.canonical(flat)  # fmt: skip

    issuing_state = issuing_raw.rstrip("<")
    nationality = nationality_raw.rstrip("<")
    number = number_raw.rstrip("<")

    # -- fillers: codes and the document number are left-aligned, filled with < ----------------
    if "<" in issuing_state or "<" in nationality or "<" in number:
        filler_bad: list[tuple[int, int]] = []
        for name, stripped in (("issuing_state", issuing_state), ("nationality", nationality),
                               ("document_number", number)):  # fmt: skip
            field_pos = plan.positions[name]
            filler_bad.extend(field_pos[i] for i, c in enumerate(stripped) if c == "<")
        add(Finding("mrz.filler", FAIL, None, tuple(filler_bad), None, None,
                    "a filler < inside a field: content must be left-aligned"))  # fmt: skip
    else:
        add(plan.passes["mrz.filler"])

    # -- document code (Doc 9303-4/5/6/7, note k of 9303-5) -------------------------------------
    add(plan.code_cache.get(code) or _document_code(plan, code))

    # -- issuing state and nationality (Doc 9303-3 Part B-D) -----------------------------------
    add(plan.issuer_cache.get(issuing_state)
        or _country(plan, "mrz.issuing_state", "issuing_state", issuing_state))
    add(plan.nationality_cache.get(nationality)
        or _country(plan, "mrz.nationality", "nationality", nationality))  # fmt: skip

    # -- check digits (Doc 9303-3 §4.9) ---------------------------------------------------------
    optional_key = "optional_data"
    optional = optional_raw.rstrip("<")
    spec = plan.number_cd
    digit = number_digit
    if digit == "<" and plan.long_number and "<" not in number_raw:
        # Long number (9303-5 §4.2.4, 9303-4 §4.2.2.2): 9 characters here, '<' in the digit
        # position, the rest at the start of the optional data, then the check digit of the
        # whole number (without the '<'), then a filler.
        end = optional_raw.find("<")
        end = len(optional_raw) if end < 0 else end
        if end >= 1:
            number = number_raw + optional_raw[: end - 1]
            found = optional_raw[end - 1]
            optional = optional_raw[end + 1 :].rstrip("<")
            opt_pos = plan.positions[optional_key]
            positions = (*plan.positions["document_number"], *opt_pos[: end - 1], opt_pos[end - 1])
            add(_cd_finding(plan, spec, number, found, positions, overflow=True))
        else:
            message = "'<' marks a long number, but the optional data holds no continuation"
            add(Finding(spec.id, FAIL, spec.field, plan.cd_positions[spec.id],
                        _calc_or_none(number_raw), "<", message))  # fmt: skip
    elif clean and digit == calc_check_digit(number_raw):
        add(plan.pass_number[digit])
    else:
        add(_cd_finding(plan, spec, number_raw, digit))
    digit = birth_digit
    if clean and digit == calc_check_digit(birth_raw):
        add(plan.pass_birth_cd[digit])
    else:
        add(_cd_finding(plan, plan.birth_cd, birth_raw, digit))
    digit = expiry_digit
    if clean and digit == calc_check_digit(expiry_raw):
        add(plan.pass_expiry_cd[digit])
    else:
        add(_cd_finding(plan, plan.expiry_cd, expiry_raw, digit))
    if plan.optional_cd is None:
        add(plan.na["mrz.check_digit.optional_data"])
    else:
        digit = optional_digit
        if digit == "<" and not optional_raw.strip("<"):
            add(plan.passes["optional_filler"])
        elif clean and digit == calc_check_digit(optional_raw):
            add(plan.cd_pass[("mrz.check_digit.optional_data", digit)])
        else:
            add(_cd_finding(plan, plan.optional_cd, optional_raw, digit))
    composite = plan.composite_cd
    if composite is None:
        add(plan.na["mrz.check_digit.composite"])
    else:
        assert plan.composite_getter is not None
        data = "".join(plan.composite_getter(flat))
        digit = composite_digit
        if clean and digit == calc_check_digit(data):
            add(plan.cd_pass[("mrz.check_digit.composite", digit)])
        else:
            add(_cd_finding(plan, composite, data, digit))

    # -- dates (Doc 9303-3 §4.8) ---------------------------------------------------------------
    birth, problem = _decode_date(birth_raw, "birth", ref)
    if birth.__class__ is datetime.date:
        add(plan.pass_birth)
    else:
        add(_date_finding(plan, "mrz.date_of_birth", "date_of_birth", birth_raw, birth, problem))
    expiry, problem = _decode_date(expiry_raw, "expiry", ref)
    is_date = expiry.__class__ is datetime.date
    if is_date:
        add(plan.pass_expiry)
    else:
        add(_date_finding(plan, "mrz.date_of_expiry", "date_of_expiry", expiry_raw, expiry,
                          problem))  # fmt: skip
    if is_date and isinstance(expiry, datetime.date):
        if expiry < ref:
            on, today = expiry.isoformat(), ref.isoformat()
            message = f"expired on {on} (reference date {today})"
            add(Finding("mrz.expired", FAIL, "date_of_expiry", plan.positions["date_of_expiry"],
                        ">= " + today, on, message))  # fmt: skip
        else:
            add(plan.passes["mrz.expired"])
    else:
        add(Finding("mrz.expired", NA, "date_of_expiry", plan.positions["date_of_expiry"], None,
                    expiry_raw, "no complete date of expiry"))  # fmt: skip

    # -- sex (Doc 9303-4 §4.2.2: M, F or <) -----------------------------------------------------
    sex_finding = plan.sex_findings.get(sex_raw)
    if sex_finding is None:
        sex_finding = Finding("mrz.sex", FAIL, "sex", plan.positions["sex"], "M, F or <", sex_raw,
                              "sex must be M, F or <")  # fmt: skip
    add(sex_finding)

    # -- name (Doc 9303-3 §4.6, 9303-4 §4.2.3) --------------------------------------------------
    primary, secondary, problem = decode_name(name_raw)
    if problem is None:
        add(plan.passes["mrz.name.format"])
    else:
        add(Finding("mrz.name.format", FAIL, "name", plan.name_positions, "PRIMARY<<SECONDARY",
                    name_raw, problem))  # fmt: skip
    truncated = not name_raw.endswith("<")
    if truncated:
        message = "the name field ends in a letter: the name may be truncated"
        add(Finding("mrz.name.truncated", WARN, "name", plan.name_positions[-1:], "<",
                    name_raw[-1:], message))  # fmt: skip
    else:
        add(plan.passes["mrz.name.truncated"])

    fields = _Fields(
        (plan, flat, number, optional, birth, expiry, primary, secondary, issuing_state,
         nationality)
    )  # fmt: skip
    valid = FAIL not in list(map(_STATUS, findings))
    return MRZ(fmt, printed, fields, tuple(findings), valid, truncated, ref)


_FieldArgs = tuple[
    _Plan, str, str, str, datetime.date | str | None, datetime.date | str | None,
    str, str, str, str,
]  # fmt: skip


class _Fields(Mapping[str, MRZField]):
    """The fields of one MRZ, materialised on first access (findings never need them)."""

    __slots__ = ("_args", "_built")

    def __init__(self, args: _FieldArgs) -> None:
        self._args = args
        self._built: dict[str, MRZField] | None = None

    def _get(self) -> dict[str, MRZField]:
        if self._built is None:
            self._built = _build_fields(*self._args)
        return self._built

    def __getitem__(self, key: str) -> MRZField:
        return self._get()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._get())

    def __len__(self) -> int:
        return len(self._get())

    def __repr__(self) -> str:
        return repr(self._get())

    def __reduce__(self) -> tuple[type[dict[str, MRZField]], tuple[dict[str, MRZField]]]:
        # Pickle and copy as the plain mapping, not the per-format plan behind it.
        return (dict, (dict(self._get()),))


def _build_fields(
    plan: _Plan,
    flat: str,
    number: str,
    optional: str,
    birth: datetime.date | str | None,
    expiry: datetime.date | str | None,
    primary: str,
    secondary: str,
    issuing_state: str,
    nationality: str,
) -> dict[str, MRZField]:
    """Every field, raw and interpreted, in Doc 9303 order and names."""
    values: dict[str, FieldValue] = {
        "document_number": number.rstrip("<"),
        "optional_data": optional,
        "date_of_birth": birth,
        "date_of_expiry": expiry,
        "issuing_state": issuing_state,
        "nationality": nationality,
    }
    out: dict[str, MRZField] = {}
    for (name, kind, positions), r in zip(plan.field_kinds, plan.getter(flat), strict=True):
        if kind == _KIND_NAME:
            np_ = plan.name_positions
            start2 = len(primary) + 2
            out["primary_identifier"] = MRZField(
                primary, primary.replace("<", " "), np_[: len(primary)]
            )
            out["secondary_identifier"] = MRZField(
                secondary, secondary.replace("<", " "), np_[start2 : start2 + len(secondary)]
            )
        elif kind == _KIND_DIGIT:
            out[name] = MRZField(r, _DIGIT_VALUE.get(r), positions)
        elif kind == _KIND_KNOWN:
            out[name] = MRZField(r, values[name], positions)
        elif kind == _KIND_SEX:
            out[name] = MRZField(r, None if r == "<" else r, positions)
        else:
            out[name] = MRZField(r, r.rstrip("<"), positions)
    return out


def _normalise(lines: object) -> tuple[str, ...]:
    if lines.__class__ is tuple or lines.__class__ is list:
        assert isinstance(lines, tuple | list)
        try:
            stripped = tuple(map(str.strip, lines))
        except TypeError:
            stripped = ()
        if stripped and all(stripped):
            return stripped
    if isinstance(lines, str):
        parts: Sequence[object] = lines.splitlines()
    elif isinstance(lines, Sequence):
        parts = lines
    else:
        raise NotAnMRZ(f"expected MRZ lines as text, got {type(lines).__name__}")
    rows: list[str] = []
    for part in parts:
        if not isinstance(part, str):
            raise NotAnMRZ(f"expected MRZ lines as text, got a {type(part).__name__}")
        text = part.strip()
        if text:
            rows.append(text)
    return tuple(rows)


def _detect(rows: tuple[str, ...]) -> MRZFormat:
    count = len(rows)
    if count == 1:
        size = len(rows[0])
        if size == 90:
            rows = (rows[0][:30], rows[0][30:60], rows[0][60:])
        elif size in (72, 88):
            half = size // 2
            rows = (rows[0][:half], rows[0][half:])
        count = len(rows)
    if count == 3:
        fmt = MRZFormat.TD1
    elif count == 2:
        size = max(len(rows[0]), len(rows[1]))
        if abs(size - MRZFormat.TD1.length) < abs(size - MRZFormat.TD2.length):
            raise NotAnMRZ(
                f"TD1 needs 3 lines of {MRZFormat.TD1.length} characters, got 2 lines "
                f"(of {len(rows[0])} and {len(rows[1])})"
            )
        visa = rows[0][:1] == "V"
        if abs(size - 44) < abs(size - 36):
            fmt = MRZFormat.MRVA if visa else MRZFormat.TD3
        else:
            fmt = MRZFormat.MRVB if visa else MRZFormat.TD2
    else:
        raise NotAnMRZ(f"an MRZ has 2 or 3 lines, found {count}")
    n = fmt.length
    low, high = n * (1 - _LENGTH_TOLERANCE), n * (1 + _LENGTH_TOLERANCE)
    for r in rows:
        if not low <= len(r) <= high:
            raise NotAnMRZ(f"a line of {len(r)} characters fits no MRZ format ({fmt.value}: {n})")
        if not _ALPHABET.issuperset(r) and sum(c in _ALPHABET for c in r) < _MIN_MRZ_SHARE * len(r):
            raise NotAnMRZ("less than half of the characters are MRZ characters (A-Z, 0-9, <)")
    return fmt


def _document_code(plan: _Plan, code: str) -> Finding:
    first, second = code[:1], code[1:2]
    positions = plan.positions["document_code"]
    if first in plan.first and first and (second == "<" or second in _LETTERS) and second != "V":
        # Two characters from a 37-letter alphabet: the cache stays small.
        if _ALPHABET.issuperset(code):
            plan.code_cache[code] = plan.passes["mrz.document_code"]
        return plan.passes["mrz.document_code"]
    expected = f"first character {' or '.join(plan.first)}, second A-Z or < but not V"
    if code in _KNOWN_NONCONFORMANT_CODES:
        return Finding("mrz.document_code", WARN, "document_code", positions, expected, code,
                       f"{code!r} is used on genuine documents but breaks Doc 9303")  # fmt: skip
    return Finding("mrz.document_code", FAIL, "document_code", positions, expected, code,
                   f"{code!r} is no {plan.format.value} document code")  # fmt: skip


def _country(plan: _Plan, check_id: str, field: str, code: str) -> Finding:
    cat = countries.category(code)
    positions = plan.positions[field]
    if cat == "icao":
        finding = Finding(check_id, PASS, field, positions, None, code, "ICAO code")
    elif cat == "training":
        finding = Finding(check_id, PASS, field, positions, None, code,
                          f"fictional training issuer: {countries.country_name(code)}")  # fmt: skip
    elif cat == "non_icao":
        message = f"known but not ICAO-endorsed: {countries.country_name(code)}"
        finding = Finding(check_id, WARN, field, positions, "an ICAO code", code, message)
    elif cat == "fantasy":
        finding = Finding(check_id, FAIL, field, positions, "an ICAO code", code,
                          f"fantasy-document issuer: {countries.country_name(code)}")  # fmt: skip
    else:
        return Finding(check_id, FAIL, field, positions, "an ICAO code", code,
                       f"{code!r} is no ICAO state or organisation code")  # fmt: skip
    # Only known codes are cached, so the caches stay bounded by the country table.
    cache = plan.issuer_cache if check_id == "mrz.issuing_state" else plan.nationality_cache
    cache[code] = finding
    return finding


def _calc_or_none(data: str) -> str | None:
    try:
        return calc_check_digit(data)
    except InvalidFormat:
        return None


def _cd_finding(
    plan: _Plan,
    spec: CheckDigitSpec,
    data: str,
    found: str,
    positions: tuple[tuple[int, int], ...] | None = None,
    *,
    overflow: bool = False,
) -> Finding:
    expected = _calc_or_none(data)
    if expected == found:
        if not overflow:
            return plan.cd_pass[(spec.id, found)]
        return Finding(spec.id, PASS, spec.field, positions or (), expected, found,
                       "check digit of the full (long) document number matches")  # fmt: skip
    if expected is None:
        message = "cannot compute: the covered characters are not all MRZ characters"
    else:
        message = f"check digit is {found!r}, the covered characters give {expected!r}"
    return Finding(spec.id, FAIL, spec.field, positions or plan.cd_positions[spec.id], expected,
                   found, message)  # fmt: skip


def _date_finding(
    plan: _Plan,
    check_id: str,
    field: str,
    raw: str,
    value: datetime.date | str | None,
    problem: str | None,
) -> Finding:
    if isinstance(value, datetime.date):
        return plan.passes[check_id]
    if value is None:
        return Finding(check_id, FAIL, field, plan.positions[field], "YYMMDD", raw,
                       problem or "not a date")  # fmt: skip
    return Finding(check_id, WARN, field, plan.positions[field], "YYMMDD", raw,
                   f"partly unknown date {value} (00 or < parts, Doc 9303-3 §4.8)")  # fmt: skip


