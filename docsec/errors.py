"""The whole exception tree of docsec.

Exceptions mean "could not produce an answer". A document or a VIN that *was* read
but is wrong is not an exception: it is a list of findings (see :mod:`docsec.report`).

::

    DocsecError(Exception)
    ├── ValidationError(DocsecError, ValueError)   the value itself is malformed
    │   ├── InvalidFormat                          wrong characters or structure
    │   │   └── InvalidLength                      wrong length
    │   ├── InvalidChecksum                        a check digit does not match
    │   └── InvalidComponent                       bad reference: country, date, WMI
    ├── NotAnMRZ(ValidationError)                  the text is no MRZ at all
    ├── ImageError(DocsecError)
    │   ├── ImageLoadError                         unreadable / unsupported / too large
    │   └── RegionNotFound                         no document or MRZ band located
    ├── OCRError(DocsecError)
    │   └── OCREngineUnavailable                   tesseract or its language data missing
    ├── RegistryError(DocsecError)                 registry cannot be opened or loaded
    │   └── RegistryNotFound                       no registry where one was named
    └── OutputError(DocsecError)                   an output file or folder cannot be written
"""

from __future__ import annotations

__all__ = [
    "DocsecError",
    "ImageError",
    "ImageLoadError",
    "InvalidChecksum",
    "InvalidComponent",
    "InvalidFormat",
    "InvalidLength",
    "NotAnMRZ",
    "OCREngineUnavailable",
    "OCRError",
    "OutputError",
    "RegionNotFound",
    "RegistryError",
    "RegistryNotFound",
    "ValidationError",
]


class DocsecError(Exception):
    """Base class of every exception docsec raises."""

    message = "docsec could not produce an answer"

    def __init__(self, message: str | None = None, **context: object) -> None:
        self.context = context
        super().__init__(message or self.message)

    @property
    def code(self) -> str:
        """Stable machine-readable name of the error (its class name)."""
        return type(self).__name__


class ValidationError(DocsecError, ValueError):
    """The value itself is malformed."""

    message = "the value is not valid"


class InvalidFormat(ValidationError):
    """Wrong characters or structure."""

    message = "the value has an invalid format"


class InvalidLength(InvalidFormat):
    """Wrong length."""

    message = "the value has an invalid length"


class InvalidChecksum(ValidationError):
    """A check digit does not match."""

    message = "a check digit does not match"


class InvalidComponent(ValidationError):
    """A component refers to something that does not exist (country, date, WMI...)."""

    message = "a component of the value is not valid"


class NotAnMRZ(ValidationError):
    """The text is no machine-readable zone at all (no format fits it)."""

    message = "the text is not a machine-readable zone"


class ImageError(DocsecError):
    """An image problem."""

    message = "image error"


class ImageLoadError(ImageError):
    """The file or bytes cannot be decoded, are of an unsupported type, or are too large."""

    message = "the image cannot be loaded"


class RegionNotFound(ImageError):
    """No document or MRZ band was located in the image."""

    message = "no machine-readable zone was found in the image"


class OCRError(DocsecError):
    """The OCR engine failed."""

    message = "OCR failed"


class OCREngineUnavailable(OCRError):
    """The OCR engine or its language data is missing."""

    message = "the OCR engine is not available (install tesseract-ocr)"


class RegistryError(DocsecError):
    """The stolen-vehicle registry cannot be opened, loaded or parsed."""

    message = "registry error"


class RegistryNotFound(RegistryError):
    """No registry exists where one was named (a query never creates one)."""

    message = "no registry was found"


class OutputError(DocsecError):
    """An output file or folder cannot be written (exists, not empty, read-only...)."""

    message = "the output cannot be written"
