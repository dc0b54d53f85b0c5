"""parse(render(x)) == x for random valid data in all five formats (hypothesis)."""

from __future__ import annotations

import datetime

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from docsec.mrz import MRZData, MRZFormat, parse, render
from docsec.mrz.countries import codes
from docsec.report import Status

REF = datetime.date(2026, 6, 1)
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
ALNUM = LETTERS + "0123456789"
STATES = sorted({*codes("icao"), *codes("training")})
NAME_WIDTH = {MRZFormat.TD1: 30, MRZFormat.TD2: 31, MRZFormat.TD3: 39, MRZFormat.MRVA: 39,
              MRZFormat.MRVB: 31}  # fmt: skip
OPTIONAL_WIDTH = {MRZFormat.TD1: 15, MRZFormat.TD2: 7, MRZFormat.TD3: 14, MRZFormat.MRVA: 16,
                  MRZFormat.MRVB: 8}  # fmt: skip
SECOND = [c for c in LETTERS if c != "V"] + [""]

words = st.lists(st.text(LETTERS, min_size=1, max_size=9), min_size=1, max_size=3).map(" ".join)


@st.composite
def mrz_data(draw: st.DrawFn, fmt: MRZFormat) -> MRZData:
    if fmt is MRZFormat.TD3:
        code = "P" + draw(st.sampled_from(SECOND))
    elif fmt in (MRZFormat.MRVA, MRZFormat.MRVB):
        code = "V" + draw(st.sampled_from(SECOND))
    else:
        code = draw(st.sampled_from("ACI")) + draw(st.sampled_from(SECOND))
    primary = draw(words)
    secondary = draw(st.one_of(st.just(""), words))
    full = primary.replace(" ", "<") + ("<<" + secondary.replace(" ", "<") if secondary else "")
    assume(len(full) < NAME_WIDTH[fmt])
    birth = draw(st.dates(REF - datetime.timedelta(days=99 * 365), REF))
    expiry = draw(st.dates(datetime.date(REF.year - 49, 1, 1), datetime.date(REF.year + 49, 1, 1)))
    optional = draw(st.text(ALNUM, max_size=OPTIONAL_WIDTH[fmt]))
    optional_2 = draw(st.text(ALNUM, max_size=11)) if fmt is MRZFormat.TD1 else ""
    return MRZData(
        document_code=code,
        issuing_state=draw(st.sampled_from(STATES)),
        document_number=draw(st.text(ALNUM, min_size=1, max_size=9)),
        nationality=draw(st.sampled_from(STATES)),
        date_of_birth=birth,
        sex=draw(st.sampled_from("MF<")),
        date_of_expiry=expiry,
        primary_identifier=primary,
        secondary_identifier=secondary,
        optional_data=optional,
        optional_data_2=optional_2,
    )


any_data = st.sampled_from(list(MRZFormat)).flatmap(lambda f: st.tuples(st.just(f), mrz_data(f)))


@settings(max_examples=300, deadline=None)
@given(any_data)
def test_parse_render_round_trip(case: tuple[MRZFormat, MRZData]) -> None:
    fmt, data = case
    lines = render(data, fmt)
    assert len(lines) == fmt.lines and all(len(line) == fmt.length for line in lines)
    mrz = parse(lines, reference_date=REF)
    assert mrz.format is fmt
    assert mrz.to_data() == data
    assert render(mrz.to_data(), fmt) == lines
    for f in mrz.findings:
        if f.id.startswith("mrz.check_digit."):
            assert f.status in (Status.PASS, Status.NOT_APPLICABLE), f


@settings(max_examples=100, deadline=None)
@given(
    st.sampled_from([MRZFormat.TD1, MRZFormat.TD2, MRZFormat.TD3]),
    st.text(ALNUM, min_size=10, max_size=14),
)
def test_long_numbers_round_trip(fmt: MRZFormat, number: str) -> None:
    room = {MRZFormat.TD1: 15, MRZFormat.TD2: 7, MRZFormat.TD3: 14}[fmt]
    assume(len(number) - 9 + 1 <= room)
    code = "P" if fmt is MRZFormat.TD3 else "I"
    data = MRZData(code, "UTO", number, "UTO", datetime.date(1980, 1, 2), "M",
                   datetime.date(2030, 1, 2), "DOE", "JOHN")  # fmt: skip
    mrz = parse(render(data, fmt), reference_date=REF)
    assert mrz.valid
    assert mrz.to_data() == data


@settings(max_examples=100, deadline=None)
@given(
    st.sampled_from(list(MRZFormat)),
    st.text("0123456789", min_size=2, max_size=2),
    st.sampled_from(["0000", "<<<<", "0100", "00<<", "<<15", "1200"]),
)
def test_unknown_date_parts_round_trip(fmt: MRZFormat, yy: str, rest: str) -> None:
    code = {MRZFormat.TD3: "P", MRZFormat.MRVA: "V", MRZFormat.MRVB: "V"}.get(fmt, "I")
    raw = yy + rest
    data = MRZData(code, "UTO", "X1234567", "UTO", raw, "F", datetime.date(2030, 5, 5), "DOE",
                   "JANE")  # fmt: skip
    mrz = parse(render(data, fmt), reference_date=REF)
    assert mrz.fields["date_of_birth"].raw == raw
    assert mrz.finding("mrz.date_of_birth").status is Status.WARN
    assert mrz.finding("mrz.check_digit.date_of_birth").status is Status.PASS
    assert mrz.to_data() == data
