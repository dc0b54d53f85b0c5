"""Which bands the finder proposes (and does not) once an MRZ's lines are found as
characters, the joining of a line's pieces, and lines numbered at the band's own pitch."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

import docsec.read.locate as locate
from docsec.imaging.geometry import to_gray
from docsec.read.locate import _join, _line, find_mrz_bands
from docsec.read.mrz import PATCH_PITCH, _Blob, _index_line

from .conftest import OCRB, TD3, render_mrz_page, turned


def _page_with_visual_zone(dpi: int = 150) -> np.ndarray:
    """The conftest page with four short lines of evenly spaced OCR-B above the MRZ (the
    kind of visual-zone print that forms character chains of its own)."""
    page = Image.fromarray(render_mrz_page(TD3, dpi=dpi))
    pitch = 2.54 * dpi / 25.4
    font = ImageFont.truetype(OCRB, round(0.8 * pitch / 0.72297))
    draw = ImageDraw.Draw(page)
    for k, text in enumerate(("ERIKSSON ANNA", "UTOPIAN 12 AUG 74", "ZE184226B", "F  ZENITH")):
        draw.text((4 * pitch, (4.5 + 1.8 * k) * pitch), text.replace(" ", "  "), font=font,
                  fill=(40, 40, 80))  # fmt: skip
    return np.asarray(page)


def test_no_bars_beside_the_mrz_found_as_characters(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_bars(gray: np.ndarray) -> list[locate.BandCandidate]:
        raise AssertionError("closing bars looked for although the MRZ lines were found")

    monkeypatch.setattr(locate, "_bar_bands", no_bars)
    image = turned(_page_with_visual_zone(), 31.0)
    bands = find_mrz_bands(to_gray(image))
    assert bands and bands[0].lines == 2 and bands[0].pitch > 0
    assert 40 < bands[0].length / bands[0].pitch < 48


def test_bars_looked_for_without_a_chain_band(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []

    def bars(gray: np.ndarray) -> list[locate.BandCandidate]:
        calls.append(gray.shape)
        return []

    monkeypatch.setattr(locate, "_bar_bands", bars)
    assert find_mrz_bands(np.full((300, 500), 228, np.uint8)) == []
    assert calls == [(300, 500)]


def test_pieces_of_a_line_are_joined_and_other_lines_kept_apart() -> None:
    step = 10.0
    xs = np.arange(40) * step
    line = np.column_stack([xs, 0.05 * xs + 100.0])
    # the line cut twice (glare: 4 and 6 cells missing), a parallel line 17 px below
    ids = np.arange(40)
    pieces = [_line(line[:12], ids[:12]), _line(line[16:25], ids[16:25]),
              _line(line[31:], ids[31:])]  # fmt: skip
    other = _line(np.column_stack([xs[:20], 0.05 * xs[:20] + 117.0]), ids[:20] + 40)
    joined = _join([pieces[2], other, pieces[0], pieces[1]])
    assert len(joined) == 2
    whole = max(joined, key=lambda ln: len(ln.pts))
    assert len(whole.pts) == 12 + 9 + 9
    assert np.array_equal(whole.pts[:, 0], np.concatenate([xs[:12], xs[16:25], xs[31:]]))
    assert np.array_equal(whole.comps, np.concatenate([ids[:12], ids[16:25], ids[31:]]))
    assert any(len(ln.pts) == 20 for ln in joined)


def test_line_numbered_at_the_band_pitch() -> None:
    # characters 1.5 patch pitches apart (a band whose character height misled the patch
    # scale): numbered one cell apart at the band's pitch, not two
    pitch = 1.5 * PATCH_PITCH
    blobs = [_Blob(20 + k * pitch, 50.0, 0.6 * PATCH_PITCH, PATCH_PITCH) for k in range(30)]
    indexed = _index_line(blobs, pitch=pitch)
    assert [int(i) for i, _, _ in indexed] == list(range(30))


def test_grids_short_of_check_digits_are_not_read_again(monkeypatch: pytest.MonkeyPatch) -> None:
    # two lines of 44 evenly spaced OCR-B capitals and digits that are no MRZ: every grid
    # is read once on the grid alone and none again through the shifted windows
    import docsec.read.mrz as mrz
    from docsec.read import read_mrz

    rng = np.random.default_rng(11)
    alphabet = list("ABCDEFGHJKLMNPRSTUVWXYZ0123456789")
    lines = tuple("".join(rng.choice(alphabet, 44)) for _ in range(2))
    full_reads = []
    read_grid = mrz._read_grid

    def counting(*args: object, **kwargs: object) -> mrz.BandRead:
        shifts = args[7] if len(args) > 7 else kwargs.get("shifts", mrz._SHIFTS)
        full_reads.append(len(shifts))  # type: ignore[arg-type]
        return read_grid(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(mrz, "_read_grid", counting)
    assert read_mrz(turned(render_mrz_page(lines, dpi=150), 12.0), tesseract=False) is None
    assert full_reads and set(full_reads) == {1}
