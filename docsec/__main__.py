"""``python -m docsec``: the same command line as the ``docsec`` console script."""

from docsec.cli import main

main()
