"""The one place images enter docsec: :func:`load_image`.

Defences, in order (OWASP API4 "unrestricted resource consumption"):

1. a byte cap on the encoded file (``max_bytes``);
2. a format allow-list (PNG, JPEG, TIFF, WebP, BMP) passed to Pillow's ``Image.open``
   so no other decoder ever runs;
3. a pixel cap checked from the header, before any pixel is decoded (a small PNG can
   decompress to gigapixels), and a shape check: sides further apart than
   :data:`MAX_ASPECT` to 1 (a 20000x1 strip) hold no document and would break the
   geometry of every later stage;
4. a full decode with truncation treated as an error;
5. EXIF orientation applied, so a phone photo is upright as the photographer saw it.

Every failure raises :class:`~docsec.errors.ImageLoadError` with a clear message and a
``reason`` in its context: ``"too_large"``, ``"unsupported_format"``, ``"corrupt"``,
``"not_found"``, ``"degenerate"``.
"""

from __future__ import annotations

import io
import warnings
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from docsec.errors import ImageLoadError

__all__ = [
    "ALLOWED_FORMATS",
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_PIXELS",
    "MAX_ASPECT",
    "check_shape",
    "load_image",
]

ALLOWED_FORMATS = ("PNG", "JPEG", "TIFF", "WEBP", "BMP")
DEFAULT_MAX_PIXELS = 40_000_000
DEFAULT_MAX_BYTES = 50 * 1024 * 1024
#: Longest side over shortest side beyond which an image is a strip, not a capture.
MAX_ASPECT = 100


def check_shape(width: int, height: int) -> None:
    """Raise :class:`~docsec.errors.ImageLoadError` for an image with no pixels (reason
    ``corrupt``) or sides further apart than :data:`MAX_ASPECT` to 1 (``degenerate``).

    >>> check_shape(1200, 800)
    >>> check_shape(60000, 3)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    docsec.errors.ImageLoadError: the image is 60000x3 pixels: too thin to hold a document ...
    """
    if width <= 0 or height <= 0:
        raise ImageLoadError("the image has no pixels", reason="corrupt")
    if max(width, height) > MAX_ASPECT * min(width, height):
        raise ImageLoadError(
            f"the image is {width}x{height} pixels: too thin to hold a document "
            f"(sides at most {MAX_ASPECT} to 1)",
            reason="degenerate",
        )


def _read_source(source: bytes | str | Path, max_bytes: int) -> bytes:
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
    else:
        path = Path(source)
        try:
            size = path.stat().st_size
        except OSError as exc:
            raise ImageLoadError(
                f"cannot open {path}: {exc.strerror}", reason="not_found"
            ) from None
        if not path.is_file():
            raise ImageLoadError(f"{path} is not a file", reason="not_found")
        if size > max_bytes:
            raise ImageLoadError(
                f"{path} is {size} bytes, more than the limit of {max_bytes}", reason="too_large"
            )
        data = path.read_bytes()
    if len(data) > max_bytes:
        raise ImageLoadError(
            f"the image is {len(data)} bytes, more than the limit of {max_bytes}",
            reason="too_large",
        )
    if not data:
        raise ImageLoadError("the image is empty (0 bytes)", reason="corrupt")
    return data


def _to_rgb_array(im: Image.Image) -> np.ndarray:
    mode = im.mode
    if mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        arr = np.asarray(im, dtype=np.float64)
        top = float(arr.max()) if arr.size else 0.0
        scale = 255.0 / top if top > 255.0 else 1.0
        gray = np.clip(arr * scale, 0, 255).astype(np.uint8)
        return np.ascontiguousarray(np.repeat(gray[:, :, None], 3, axis=2))
    if mode in ("RGBA", "LA", "PA") or (mode == "P" and "transparency" in im.info):
        rgba = im.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        im = Image.alpha_composite(background, rgba)
    return np.ascontiguousarray(np.asarray(im.convert("RGB"), dtype=np.uint8))


def load_image(
    source: bytes | str | Path,
    *,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> np.ndarray:
    """Decode ``source`` (encoded bytes or a file path) to RGB ``uint8`` ``(rows, cols, 3)``.

    Only the formats in :data:`ALLOWED_FORMATS` are decoded; the first frame of a
    multi-frame TIFF is used. The pixel count (``width * height`` from the header) must
    not exceed ``max_pixels``. EXIF orientation (tag 274) is applied. Transparent
    images are composited on white.

    Raises :class:`~docsec.errors.ImageLoadError` for a missing, empty, oversized,
    unsupported, truncated or corrupt image.
    """
    data = _read_source(source, max_bytes)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            im = Image.open(io.BytesIO(data), formats=list(ALLOWED_FORMATS))
            width, height = im.size
            check_shape(width, height)
            if width * height > max_pixels:
                raise ImageLoadError(
                    f"the image is {width}x{height} = {width * height} pixels, more than the "
                    f"limit of {max_pixels}",
                    reason="too_large",
                )
            im.load()
            upright: Image.Image = ImageOps.exif_transpose(im)
    except ImageLoadError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageLoadError(f"the image is too large: {exc}", reason="too_large") from None
    except UnidentifiedImageError:
        raise ImageLoadError(
            "the data is not an image in an allowed format (" + ", ".join(ALLOWED_FORMATS) + ")",
            reason="unsupported_format",
        ) from None
    except (OSError, ValueError, SyntaxError, EOFError) as exc:
        raise ImageLoadError(
            f"the image is truncated or corrupt: {exc}", reason="corrupt"
        ) from None
    try:
        return _to_rgb_array(upright)
    except (OSError, ValueError) as exc:
        raise ImageLoadError(
            f"the image cannot be converted to RGB: {exc}", reason="corrupt"
        ) from None
