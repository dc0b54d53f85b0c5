"""The docsec training service (FastAPI): trainee, instructor and lab APIs and web pages.

It only calls the :mod:`docsec` library; no inspection logic lives here.
"""
