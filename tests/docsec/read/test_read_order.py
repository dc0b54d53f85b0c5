"""read_mrz's band loop: when it stops reading bands and when it asks Tesseract."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import numpy as np
import pytest

import docsec.read as read_module
from docsec.imaging.geometry import to_gray
from docsec.ocr.ocrb import load_classifier
from docsec.read import read_mrz
from docsec.read.locate import BandCandidate, find_mrz_bands, mrz_shaped, reads_turned
from docsec.read.mrz import BandRead, read_band

from .conftest import TD1, TD3, render_mrz_page


def _bands(image: np.ndarray, copies: int) -> list[BandCandidate]:
    """The page's best band followed by ``copies`` - 1 distinguishable copies of it."""
    band = find_mrz_bands(to_gray(image), max_candidates=8)[0]
    return [replace(band, score=band.score - k) for k in range(copies)]


def _spy(
    monkeypatch: pytest.MonkeyPatch, alter: object = None
) -> list[tuple[float, bool]]:
    """Record ``(band score, local)`` of every band read_mrz reads; ``alter`` (a function
    of a reading) changes every reading it yields."""
    calls: list[tuple[float, bool]] = []
    real = getattr(read_module, "read_band")  # noqa: B009 - not in __all__

    def spy(gray: np.ndarray, band: BandCandidate, clf: object, *, local: bool = False,
            **kw: object) -> Iterator[list[BandRead]]:  # fmt: skip
        calls.append((band.score, local))
        for readings in real(gray, band, clf, local=local, **kw):
            yield [alter(r) for r in readings] if callable(alter) else readings

    monkeypatch.setattr(read_module, "read_band", spy)
    return calls


def _opinions(monkeypatch: pytest.MonkeyPatch) -> list[BandRead]:
    asked: list[BandRead] = []

    def second(reading: BandRead, **kw: object) -> BandRead | None:
        asked.append(reading)
        return None

    monkeypatch.setattr(read_module, "second_opinion", second)
    return asked


def test_a_trusted_reading_ends_the_search(monkeypatch: pytest.MonkeyPatch) -> None:
    image = render_mrz_page(TD3)
    bands = _bands(image, 3)
    calls = _spy(monkeypatch)
    asked = _opinions(monkeypatch)
    r = read_mrz(image, bands=bands)
    assert r is not None and r.lines == TD3 and r.trusted
    assert calls == [(bands[0].score, False)]
    assert asked == []


def test_a_complete_untrusted_reading_reads_only_its_own_band_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    image = render_mrz_page(TD3)
    bands = _bands(image, 3)

    def unsure(r: BandRead) -> BandRead:  # every check digit passes, one character unsure
        return replace(r, unverified_low=1, unsure=((0, 7),))

    calls = _spy(monkeypatch, unsure)
    asked = _opinions(monkeypatch)
    r = read_mrz(image, bands=bands)
    assert r is not None and r.lines == TD3 and not r.trusted
    # the other bands are not read; the complete reading's band once more, locally
    assert calls == [(bands[0].score, False), (bands[0].score, True)]
    # every check digit passes: Tesseract could change no trust, so it is not asked
    assert asked == []


def test_the_local_re_read_of_a_complete_reading_keeps_its_direction(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[tuple[bool, tuple[bool, ...]]] = []
    read_in: list[bool] = []  # the direction Otsu's threshold read the MRZ in
    real = getattr(read_module, "read_band")  # noqa: B009 - not in __all__

    def spy(gray: np.ndarray, band: BandCandidate, clf: object, *, local: bool = False,
            flips: tuple[bool, ...] = (False, True)) -> Iterator[list[BandRead]]:  # fmt: skip
        seen.append((local, tuple(flips)))
        turns = real(gray, band, clf, local=local, flips=flips)
        for flip, readings in zip(flips, turns, strict=True):
            if readings and not local:
                read_in.append(flip)
            # every check digit passes, one character unsure: complete, not trusted
            yield [replace(r, unverified_low=1, unsure=((0, 7),)) for r in readings]

    monkeypatch.setattr(read_module, "read_band", spy)
    _opinions(monkeypatch)
    page = render_mrz_page(TD3)
    directions = []
    for image in (page, np.ascontiguousarray(page[::-1, ::-1])):  # upright, upside down
        seen.clear()
        read_in.clear()
        r = read_mrz(image, bands=_bands(image, 2))
        assert r is not None and r.lines == TD3 and not r.trusted
        # Otsu's threshold reads the way the fillers say first and stops at the MRZ;
        # the local threshold reads again only that way, and no other band
        assert len(read_in) == 1
        first = (read_in[0], not read_in[0])
        assert seen == [(False, first), (True, (read_in[0],))]
        directions.append(read_in[0])
    assert directions[0] != directions[1]  # the page turned reads the band's other way


@pytest.mark.parametrize("lines", [TD3, TD1])
def test_the_direction_read_first_is_the_one_the_mrz_reads_in(lines: tuple[str, ...]) -> None:
    page = render_mrz_page(lines)
    for image in (page, np.ascontiguousarray(page[::-1, ::-1])):  # upright, upside down
        gray = to_gray(image)
        band = find_mrz_bands(gray, max_candidates=8)[0]
        turned = reads_turned(gray, band)
        upright, flipped = read_band(gray, band, load_classifier())
        read = flipped if turned else upright
        other = upright if turned else flipped
        assert [r.lines for r in read] and read[0].lines == lines
        assert all(r.lines != lines for r in other)


def test_an_incomplete_reading_reads_every_band_and_asks_tesseract(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    image = render_mrz_page(TD3)
    bands = _bands(image, 5)

    def failing(r: BandRead) -> BandRead:  # one check digit fails
        return replace(r, checks_passed=r.checks_total - 1)

    calls = _spy(monkeypatch, failing)
    asked = _opinions(monkeypatch)
    r = read_mrz(image, bands=bands)
    assert r is not None and not r.trusted
    # every band with Otsu's threshold, the first three again with the local one
    assert calls == [(b.score, False) for b in bands] + [(b.score, True) for b in bands[:3]]
    assert len(asked) == 1 and asked[0].lines == r.lines


@pytest.mark.parametrize("shaped", [True, False])
def test_a_page_without_an_mrz_reads_few_bands_once_each_way(
    monkeypatch: pytest.MonkeyPatch, shaped: bool
) -> None:
    image = render_mrz_page(TD3)
    bands = _bands(image, 8)
    if not shaped:  # single lines: other print, not shaped like an MRZ
        bands = [replace(b, lines=1) for b in bands]
    assert all(mrz_shaped(b) == shaped for b in bands)
    seen: list[tuple[float, bool, tuple[bool, ...]]] = []
    real = getattr(read_module, "read_band")  # noqa: B009 - not in __all__

    def nothing(gray: np.ndarray, band: BandCandidate, clf: object, *, local: bool = False,
                flips: tuple[bool, ...] = (False, True)) -> Iterator[list[BandRead]]:  # fmt: skip
        seen.append((band.score, local, tuple(flips)))
        for _ in real(gray, band, clf, local=local, flips=flips):
            yield []  # no band reads as an MRZ: other print

    monkeypatch.setattr(read_module, "read_band", nothing)
    monkeypatch.setattr(read_module, "estimate_motion_blur", lambda *a, **k: None)
    assert read_mrz(image, bands=bands) is None
    gray = to_gray(image)
    first = [(True, False) if reads_turned(gray, b) else (False, True) for b in bands]
    fruitless, local = read_module._FRUITLESS_BANDS, read_module._LOCAL_BANDS
    assert fruitless < len(bands) and local <= fruitless
    # Otsu's threshold on the first bands both ways, then the local one on the first
    # few shaped like an MRZ, only the way their fillers say
    assert seen == [(b.score, False, first[k]) for k, b in enumerate(bands[:fruitless])] + [
        (b.score, True, first[k][:1]) for k, b in enumerate(bands[:local]) if shaped
    ]


def test_the_local_threshold_reads_the_other_way_where_otsu_read_an_mrz(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    image = render_mrz_page(TD3)
    bands = _bands(image, 2)
    gray = to_gray(image)
    # the fillers' cue misleads: the MRZ reads the second way tried
    wrong = {b.score: not reads_turned(gray, b) for b in bands}
    monkeypatch.setattr(read_module, "reads_turned", lambda g, b: wrong[b.score])
    seen: list[tuple[float, bool, tuple[bool, ...]]] = []
    real = getattr(read_module, "read_band")  # noqa: B009 - not in __all__

    def failing(gray: np.ndarray, band: BandCandidate, clf: object, *, local: bool = False,
                flips: tuple[bool, ...] = (False, True)) -> Iterator[list[BandRead]]:  # fmt: skip
        seen.append((band.score, local, tuple(flips)))
        for readings in real(gray, band, clf, local=local, flips=flips):
            # one check digit fails: no reading is complete
            yield [replace(r, checks_passed=r.checks_total - 1) for r in readings]

    monkeypatch.setattr(read_module, "read_band", failing)
    monkeypatch.setattr(read_module, "estimate_motion_blur", lambda *a, **k: None)
    _opinions(monkeypatch)
    r = read_mrz(image, bands=bands)
    assert r is not None and r.lines == TD3
    orders = [(True, False) if wrong[b.score] else (False, True) for b in bands]
    assert [s for s in seen if not s[1]] == [(b.score, False, o)
                                             for b, o in zip(bands, orders, strict=True)]
    # locally each band is read the way its fillers say and, as Otsu's threshold read the
    # MRZ the other way, that way too
    assert [s for s in seen if s[1]] == [(b.score, True, o)
                                         for b, o in zip(bands, orders, strict=True)]
