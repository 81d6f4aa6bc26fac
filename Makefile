# floorwatch: `make demo` installs and runs the demo; `make test` installs and runs the tests.
# Needs only python3 (>= 3.11) and apt (Debian/Ubuntu) on a fresh machine.

VENV ?= .venv
PY := $(VENV)/bin/python
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: demo test system-deps lint bench

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

# Chromium drives the dashboard's end-to-end tests (Debian packages; no browser download).
system-deps:
	@if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium chromium-driver; \
	fi

demo: $(VENV)/.installed
	$(VENV)/bin/floorwatch demo

test: system-deps $(VENV)/.installed
	$(PY) -m pytest

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/ruff format --check src tests benchmarks

bench: $(VENV)/.installed
	for b in benchmarks/bench_*.py; do echo "== $$b"; $(PY) $$b; done
