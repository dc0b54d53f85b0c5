# syntax=docker/dockerfile:1
# docsec: the library, its CLI and the training service, on the same Debian release as development
# and CI (bookworm: tesseract 5.3), so OCR results match.
#   docker build -t docsec .
#   docker run -p 8000:8000 -v docsec-data:/data docsec
# Settings come from DOCSEC_* variables (DOCSEC_DATABASE_URL for PostgreSQL, DOCSEC_SECRET_KEY for
# the token signing key; without it a key is generated into the data volume on first start).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    OMP_THREAD_LIMIT=1 \
    OPENBLAS_NUM_THREADS=1 \
    OPENCV_IO_MAX_IMAGE_PIXELS=40000000

RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      tesseract-ocr tesseract-ocr-eng tesseract-ocr-rus fonts-ocr-b fonts-dejavu-core \
      fonts-liberation2 fonts-freefont-ttf \
 && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --uid 10001 docsec \
 && mkdir -p /data \
 && chown docsec:docsec /data
WORKDIR /app
COPY pyproject.toml README.md ./
COPY docsec ./docsec
COPY service ./service
COPY samples ./samples
# tesserocr (Tesseract in-process) is built against Debian's libtesseract, so it reads as the
# command line does; the compiler and headers are removed again in the same layer
RUN apt-get update \
 && apt-get install -y --no-install-recommends libtesseract-dev libleptonica-dev pkg-config g++ \
 && pip install --no-binary tesserocr ".[postgres,fast-ocr]" \
 && apt-get purge -y --auto-remove libtesseract-dev libleptonica-dev pkg-config g++ \
 && apt-get install -y --no-install-recommends libtesseract5 \
 && rm -rf /var/lib/apt/lists/*

USER docsec
ENV DOCSEC_DATA_DIR=/data
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]
CMD ["docsec", "serve", "--host", "0.0.0.0", "--port", "8000"]
