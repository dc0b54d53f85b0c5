"""The recogniser's work in a band reading: every line's cells in one product, the quick
pass's probabilities on the grid reused by the full read, the shifted windows skipped
where every check digit passes with sure characters - and the same reading either way."""

from __future__ import annotations

import numpy as np
import pytest

import docsec.read.mrz as mrz
from docsec.ocr.ocrb import N_OUTPUTS, load_classifier, normalise_strip
from docsec.read import read_mrz

from .conftest import TD3, render_mrz_page, turned

#: A TD3's fields with no O, 0, I or 1 (the recogniser's closest pairs).
NAME_LINE = "P<ZZABERGMANN<<KLARA<<<<<<<<<<<<<<<<<<<<<<<<"
NUMBER, NATIONALITY, BIRTH, SEX, EXPIRY, PERSONAL = (
    "X4527896<", "ZZA", "750625", "F", "281224", "<" * 14,
)  # fmt: skip


def _norms() -> list[np.ndarray]:
    rng = np.random.default_rng(3)
    strips = [np.clip(rng.normal(200, 40, (mrz.STRIP_H, mrz.strip_width(44))), 0, 255)
              for _ in range(2)]  # fmt: skip
    return [normalise_strip(s.astype(np.uint8)) for s in strips]


def test_lines_read_together_as_one_by_one() -> None:
    clf = load_classifier()
    norms = _norms()
    together = mrz._lines_proba(clf, norms, [44, 44], mrz._SHIFTS)
    alone = np.vstack([mrz._cell_proba(clf, norm, 44) for norm in norms])
    assert together.shape == (88, N_OUTPUTS) and together.dtype == np.float32
    assert np.allclose(together, alone, atol=1e-5)


def test_probabilities_on_the_grid_are_reused() -> None:
    clf = load_classifier()
    norms = _norms()
    at_grid = mrz._lines_proba(clf, norms, [44, 44])
    reused = mrz._lines_proba(clf, norms, [44, 44], mrz._SHIFTS, at_grid)
    assert np.allclose(reused, mrz._lines_proba(clf, norms, [44, 44], mrz._SHIFTS), atol=1e-5)
    # with the grid's probabilities known, the grid alone costs no recogniser work
    assert mrz._lines_proba(clf, norms, [44, 44], mrz._SHIFTS[:1], at_grid) is not None


@pytest.mark.parametrize("skip", [True, False])
def test_sure_grids_skip_the_shifted_windows(monkeypatch: pytest.MonkeyPatch, skip: bool) -> None:
    # a clean MRZ passes every check digit with sure characters on the grid alone: its
    # full read looks through no shifted window, and reads the same as when it does
    full_reads: list[tuple[int, tuple[str, ...]]] = []
    read_grid = mrz._read_grid

    def counting(*args: object, **kwargs: object) -> mrz.BandRead:
        got = read_grid(*args, **kwargs)  # type: ignore[arg-type]
        if kwargs.get("glyphs", True):  # the quick pass checks no glyphs
            full_reads.append((len(args[7]), got.lines))  # type: ignore[arg-type]
        return got

    monkeypatch.setattr(mrz, "_read_grid", counting)
    if not skip:
        monkeypatch.setattr(mrz, "_sure", lambda quick: False)
    lines = _plain()
    reading = read_mrz(turned(render_mrz_page(lines, dpi=150), 4.0), tesseract=False)
    assert reading is not None and reading.lines == lines and reading.trusted
    assert (1 if skip else len(mrz._SHIFTS), lines) in full_reads


def test_grids_with_unsure_characters_look_through_the_shifted_windows(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # the specimen's O and 0 are read below the unsure level on the grid: its best grid
    # is read through every shifted window
    full_reads: list[int] = []
    read_grid = mrz._read_grid

    def counting(*args: object, **kwargs: object) -> mrz.BandRead:
        if kwargs.get("glyphs", True):
            full_reads.append(len(args[7]))  # type: ignore[arg-type]
        return read_grid(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(mrz, "_read_grid", counting)
    reading = read_mrz(turned(render_mrz_page(TD3, dpi=150), 4.0), tesseract=False)
    assert reading is not None and reading.lines == TD3
    assert full_reads and set(full_reads) == {len(mrz._SHIFTS)}


def _plain() -> tuple[str, str]:
    """The TD3 of :data:`NAME_LINE` and the fields, check digits computed."""
    from docsec.checkdigit.icao9303 import calc_check_digit as cd

    number = NUMBER + str(cd(NUMBER))
    birth, expiry = BIRTH + str(cd(BIRTH)), EXPIRY + str(cd(EXPIRY))
    personal = PERSONAL + ("<" if set(PERSONAL) == {"<"} else str(cd(PERSONAL)))
    composite = str(cd(number + birth + expiry + personal))
    return NAME_LINE, number + NATIONALITY + birth + SEX + expiry + personal + composite
