from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from docsec.errors import ImageLoadError
from docsec.imaging import load_image


def _encode(img: Image.Image, fmt: str, **kw: object) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format=fmt, **kw)
    return buf.getvalue()


def _gradient(w: int = 40, h: int = 30) -> np.ndarray:
    a = np.zeros((h, w, 3), np.uint8)
    a[..., 0] = np.arange(w)[None, :] * 5
    a[..., 1] = np.arange(h)[:, None] * 7
    return a


@pytest.mark.parametrize("fmt", ["PNG", "TIFF", "BMP", "WEBP"])
def test_lossless_formats_round_trip(fmt: str) -> None:
    a = _gradient()
    kw = {"lossless": True} if fmt == "WEBP" else {}
    out = load_image(_encode(Image.fromarray(a), fmt, **kw))
    assert out.dtype == np.uint8 and out.shape == a.shape
    assert np.array_equal(out, a)


def test_path_and_jpeg(tmp_path) -> None:
    p = tmp_path / "x.jpg"
    p.write_bytes(_encode(Image.fromarray(_gradient()), "JPEG", quality=95))
    out = load_image(p)
    assert out.shape == (30, 40, 3)
    assert np.abs(out.astype(int) - _gradient().astype(int)).mean() < 4


def test_gray_and_rgba_become_rgb() -> None:
    gray = load_image(_encode(Image.fromarray(np.full((5, 6), 77, np.uint8)), "PNG"))
    assert gray.shape == (5, 6, 3) and (gray == 77).all()
    rgba = np.zeros((4, 4, 4), np.uint8)  # fully transparent -> white
    assert (load_image(_encode(Image.fromarray(rgba), "PNG")) == 255).all()


def test_exif_orientation_applied() -> None:
    img = Image.fromarray(_gradient(40, 30))
    exif = Image.Exif()
    exif[274] = 6  # rotate 90 degrees clockwise to display
    out = load_image(_encode(img, "JPEG", exif=exif.tobytes(), quality=95))
    assert out.shape == (40, 30, 3)


def test_pixel_cap_checked_before_decoding() -> None:
    data = _encode(Image.new("L", (3000, 3000)), "PNG")  # tiny file, 9 MP
    with pytest.raises(ImageLoadError) as err:
        load_image(data, max_pixels=1_000_000)
    assert err.value.context["reason"] == "too_large"
    assert load_image(data).shape == (3000, 3000, 3)


def test_byte_cap() -> None:
    with pytest.raises(ImageLoadError) as err:
        load_image(_encode(Image.fromarray(_gradient()), "PNG"), max_bytes=10)
    assert err.value.context["reason"] == "too_large"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "corrupt"),
        (b"this is not an image at all", "unsupported_format"),
        (_encode(Image.new("RGB", (8, 8)), "GIF"), "unsupported_format"),
    ],
)
def test_bad_inputs(data: bytes, reason: str) -> None:
    with pytest.raises(ImageLoadError) as err:
        load_image(data)
    assert err.value.context["reason"] == reason


@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_truncated(fmt: str) -> None:
    rng = np.random.default_rng(1)
    data = _encode(Image.fromarray(rng.integers(0, 255, (200, 200, 3), dtype=np.uint8)), fmt)
    with pytest.raises(ImageLoadError) as err:
        load_image(data[: len(data) // 2])
    assert err.value.context["reason"] == "corrupt"


def test_missing_file(tmp_path) -> None:
    with pytest.raises(ImageLoadError) as err:
        load_image(tmp_path / "nope.png")
    assert err.value.context["reason"] == "not_found"
