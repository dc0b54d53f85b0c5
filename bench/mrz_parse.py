"""Benchmark: docsec.mrz.parse throughput against the PyPI ``mrz`` package's checkers.

Both parse and check the same 10,000 MRZs (2,000 per format: TD1, TD2, TD3, MRV-A, MRV-B; 10%
with one character substituted), in one process, one core. ``docsec.mrz.parse`` computes every
finding of ``CHECK_IDS`` with an explicit reference date; the ``mrz`` checkers run with
``check_expiry=True, compute_warnings=True`` (their full check set); a second figure adds their
``fields()`` call, which docsec's parse result also answers (docsec builds its field objects
lazily, on first access). Each figure is the median of several interleaved rounds of process
CPU time. Goal: docsec >= 5x the ``mrz`` package's checker throughput.

Run: ``.venv/bin/python bench/mrz_parse.py [--runs 5]``
"""

from __future__ import annotations

import argparse
import datetime
import statistics
import string
import time
from collections.abc import Callable, Sequence

import numpy as np
from mrz.checker.mrva import MRVACodeChecker
from mrz.checker.mrvb import MRVBCodeChecker
from mrz.checker.td1 import TD1CodeChecker
from mrz.checker.td2 import TD2CodeChecker
from mrz.checker.td3 import TD3CodeChecker

from docsec.mrz import CHECK_IDS, MRZData, MRZFormat, parse, render

GOAL_RATIO = 5.0
REFERENCE_DATE = datetime.date(2026, 6, 1)
PER_FORMAT = 2_000
CORRUPT_SHARE = 0.10
CHECKERS = {
    MRZFormat.TD1: TD1CodeChecker,
    MRZFormat.TD2: TD2CodeChecker,
    MRZFormat.TD3: TD3CodeChecker,
    MRZFormat.MRVA: MRVACodeChecker,
    MRZFormat.MRVB: MRVBCodeChecker,
}
CODES = {
    MRZFormat.TD1: ("I", "ID", "AC", "IR"),
    MRZFormat.TD2: ("I", "IP", "AC"),
    MRZFormat.TD3: ("P", "PD", "PO"),
    MRZFormat.MRVA: ("V", "VA"),
    MRZFormat.MRVB: ("V", "VB"),
}
STATES = ("UTO", "ZZA", "ZZB", "D", "FRA", "KAZ", "UZB", "TJK", "KGZ", "RUS", "GBR", "XXA")
SURNAMES = ("ERIKSSON", "MUSTERMANN", "SHCHERBAKOV", "NAZARBAEVA", "O NEILL", "DE LA CRUZ")
GIVEN = ("ANNA MARIA", "ERIKA", "ALEKSEI", "AIGERIM", "JOHN PAUL", "")
ALNUM = string.ascii_uppercase + string.digits


def make_corpus(seed: int = 20261126) -> list[tuple[MRZFormat, tuple[str, ...]]]:
    rng = np.random.default_rng(seed)
    corpus: list[tuple[MRZFormat, tuple[str, ...]]] = []
    for fmt in MRZFormat:
        for _ in range(PER_FORMAT):
            birth = datetime.date(1940, 1, 1) + datetime.timedelta(days=int(rng.integers(0, 30000)))
            expiry = REFERENCE_DATE + datetime.timedelta(days=int(rng.integers(-1500, 3650)))
            data = MRZData(
                document_code=str(rng.choice(CODES[fmt])),
                issuing_state=str(rng.choice(STATES)),
                document_number="".join(rng.choice(list(ALNUM), size=9)),
                nationality=str(rng.choice(STATES)),
                date_of_birth=birth,
                sex=str(rng.choice(["M", "F", "<"])),
                date_of_expiry=expiry,
                primary_identifier=str(rng.choice(SURNAMES)),
                secondary_identifier=str(rng.choice(GIVEN)),
                optional_data="".join(rng.choice(list(ALNUM), size=int(rng.integers(0, 7)))),
            )
            lines = render(data, fmt)
            if rng.random() < CORRUPT_SHARE:
                row = int(rng.integers(0, len(lines)))
                col = int(rng.integers(0, len(lines[row])))
                new = str(rng.choice(list(ALNUM)))
                changed = lines[row][:col] + new + lines[row][col + 1 :]
                lines = tuple(changed if i == row else line for i, line in enumerate(lines))
            corpus.append((fmt, lines))
    order = rng.permutation(len(corpus))
    return [corpus[i] for i in order]


def time_runs(fn: Callable[[], object], runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        start = time.process_time()
        fn()
        out.append(time.process_time() - start)
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)

    corpus = make_corpus()
    texts = [(CHECKERS[fmt], "\n".join(lines)) for fmt, lines in corpus]
    line_sets = [lines for _, lines in corpus]

    def run_docsec() -> int:
        valid = 0
        for lines in line_sets:
            mrz = parse(lines, reference_date=REFERENCE_DATE)
            valid += mrz.valid
            assert len(mrz.findings) == len(CHECK_IDS)
        return valid

    def run_docsec_fields() -> int:
        valid = 0
        for lines in line_sets:
            mrz = parse(lines, reference_date=REFERENCE_DATE)
            valid += mrz.valid + len(mrz.fields) * 0
        return valid

    def run_reference() -> int:
        valid = 0
        for checker, text in texts:
            valid += bool(checker(text, check_expiry=True, compute_warnings=True))
        return valid

    def run_reference_fields() -> int:
        valid = 0
        for checker, text in texts:
            result = checker(text, check_expiry=True, compute_warnings=True)
            result.fields()
            valid += bool(result)
        return valid

    # Agreement on the check digits (the part both libraries define the same way), on the MRZs
    # docsec reads as the intended format (a corrupted leading V turns a visa into TD2/TD3).
    digit_ids = [i for i in CHECK_IDS if i.startswith("mrz.check_digit.")]
    agree = same_format = 0
    for (fmt, lines), (checker, text) in zip(corpus, texts, strict=True):
        mrz = parse(lines, reference_date=REFERENCE_DATE)
        if mrz.format is not fmt:
            continue
        same_format += 1
        ours = all(mrz.finding(i).status.value != "fail" for i in digit_ids)
        report = checker(text, compute_warnings=False).report
        theirs = not any("hash" in str(e) for e in report.errors)
        agree += ours == theirs

    n = len(corpus)
    # Interleaved rounds (each contender once per round) and process CPU time: the machine is
    # shared, and this keeps load changes from favouring whichever contender ran in a quiet spell.
    contenders = {
        "docsec": run_docsec,
        "docsec_fields": run_docsec_fields,
        "reference": run_reference,
        "reference_fields": run_reference_fields,
    }
    times: dict[str, list[float]] = {name: [] for name in contenders}
    for _ in range(args.runs):
        for name, fn in contenders.items():
            times[name].extend(time_runs(fn, 1))
    rate = {name: n / statistics.median(t) for name, t in times.items()}
    ratios = [r / d for d, r in zip(times["docsec"], times["reference"], strict=True)]
    ratio = statistics.median(ratios)
    fields_ratio = statistics.median(
        r / d for d, r in zip(times["docsec_fields"], times["reference_fields"], strict=True)
    )
    docsec_rate, docsec_fields_rate = rate["docsec"], rate["docsec_fields"]
    reference_rate, fields_rate = rate["reference"], rate["reference_fields"]
    print(f"corpus: {n} MRZs (TD1/TD2/TD3/MRVA/MRVB x {PER_FORMAT}, "
          f"{CORRUPT_SHARE:.0%} with one substituted character), reference date {REFERENCE_DATE}")
    print(f"check-digit verdicts agreeing with the mrz package: {agree}/{same_format} "
          f"(MRZs read as the intended format: {same_format}/{n})")
    print(f"docsec.mrz.parse (all {len(CHECK_IDS)} checks): {docsec_rate:,.0f} MRZ/s "
          f"({1e6 / docsec_rate:.1f} us/MRZ, median of {args.runs})")
    print(f"docsec.mrz.parse + fields materialised: {docsec_fields_rate:,.0f} MRZ/s "
          f"({1e6 / docsec_fields_rate:.1f} us/MRZ, median of {args.runs})")
    print(f"mrz {version_of_mrz()} checkers (expiry + warnings): {reference_rate:,.0f} MRZ/s "
          f"({1e6 / reference_rate:.1f} us/MRZ, median of {args.runs})")
    print(f"mrz {version_of_mrz()} checkers + fields(): {fields_rate:,.0f} MRZ/s "
          f"({1e6 / fields_rate:.1f} us/MRZ, median of {args.runs})")
    status = "met" if ratio >= GOAL_RATIO else "NOT met"
    print(f"ratio vs checkers (median of per-round ratios): {ratio:.1f}x "
          f"(goal >= {GOAL_RATIO:.0f}x: {status}); with fields on both sides: {fields_ratio:.1f}x")
    return 0


def version_of_mrz() -> str:
    from importlib.metadata import version

    return version("mrz")


if __name__ == "__main__":
    raise SystemExit(main())
