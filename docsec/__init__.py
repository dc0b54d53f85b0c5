"""docsec: a training sandbox for travel-document security and stolen-vehicle checks.

The data flow is one line: generate -> capture -> locate -> read -> check -> report,
and for vehicles: normalise -> validate/decode -> registry lookup. Every stage is a
plain function of data in this package; the service and the CLI only call it.

Everything docsec produces is synthetic: the issuing states are fictional (ICAO's
specimen state Utopia, ``UTO``, and others) and every document carries a SPECIMEN mark.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
