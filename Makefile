# docsec: two commands do all the set-up on a fresh Debian machine.
#   make run    the main job (set-up included)
#   make test   lint, type-check and the whole test suite (set-up included)
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
APT_PKGS := tesseract-ocr tesseract-ocr-eng tesseract-ocr-rus libtesseract-dev libleptonica-dev pkg-config g++ fonts-ocr-b fonts-dejavu-core fonts-liberation2 fonts-freefont-ttf
export OMP_THREAD_LIMIT := 1

.PHONY: sysdeps venv run test lint pytest bench samples clean

sysdeps:  ## install the Debian packages docsec needs, only when missing
	@missing=""; for p in $(APT_PKGS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" != 0 ]; then \
	    echo "docsec needs Debian packages:$$missing"; \
	    echo "run as root: apt-get update && apt-get install -y --no-install-recommends$$missing"; \
	    exit 1; \
	  fi; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi

# tesserocr is built against Debian's libtesseract (sysdeps), so it reads as the command line does
$(BIN)/.installed: pyproject.toml | sysdeps
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q --no-binary tesserocr -e '.[dev,postgres,fast-ocr]'
	@touch $@

venv: $(BIN)/.installed
	@echo "docsec is in $(VENV): run '. $(VENV)/bin/activate' to put it on the PATH (or call $(BIN)/docsec)"

run: sysdeps venv  ## the training service with demo accounts (DOCSEC_DATA_DIR, DOCSEC_HOST, DOCSEC_PORT)
	DOCSEC_DATA_DIR="$${DOCSEC_DATA_DIR:-var/service}" \
	  $(BIN)/docsec serve --demo --host "$${DOCSEC_HOST:-127.0.0.1}" --port "$${DOCSEC_PORT:-8000}"

lint: venv
	$(BIN)/ruff check docsec service tests bench scripts
	$(BIN)/mypy

pytest: venv
	$(BIN)/pytest

test: sysdeps venv lint pytest

bench: venv
	@for b in bench/*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache

samples: venv  ## regenerate the committed samples (byte-identical for the same code)
	$(BIN)/python scripts/make_samples.py
