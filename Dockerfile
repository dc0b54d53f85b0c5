# syntax=docker/dockerfile:1
# docsec: the library, its CLI and (later) the training service, on the same Debian release
# as development and CI (bookworm: tesseract 5.3), so OCR results match.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    OMP_THREAD_LIMIT=1 \
    OPENCV_IO_MAX_IMAGE_PIXELS=40000000

RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      tesseract-ocr tesseract-ocr-eng tesseract-ocr-rus fonts-ocr-b fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --uid 10001 docsec
WORKDIR /app
COPY pyproject.toml README.md ./
COPY docsec ./docsec
COPY service ./service
COPY samples ./samples
RUN pip install ".[postgres]"

USER docsec
ENV DOCSEC_REGISTRY=/home/docsec/registry.sqlite
CMD ["docsec", "demo"]
