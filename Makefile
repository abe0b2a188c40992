# Nongqiao: the few commands a developer types. `make run` and `make test` set everything up.
SHELL := /bin/bash
# The first Python 3.11+ on the PATH, unless PYTHON is given.
PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
	2>/dev/null && echo $$p && break; done)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test setup lock messages extract-messages lint fmt audit bench bench-site bench-load \
	check-python worker beat backup restore

check-python:
	@test -n "$(PYTHON)" || { echo "Nongqiao needs Python 3.11 or newer on the PATH."; exit 1; }

# What is installed comes from uv.lock (every package, version and hash), so every machine gets
# the same set; pyproject.toml keeps the ranges. uv itself is bootstrapped into the venv at a
# pinned version. `--inexact` leaves uv and pip in place; `--locked` fails if uv.lock is stale.
UV_VERSION := 0.13.9
UV := $(VENV)/bin/uv
export UV_PROJECT_ENVIRONMENT := $(VENV)

$(UV): | check-python
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check 'uv==$(UV_VERSION)'

$(STAMP): pyproject.toml uv.lock | $(UV)
	$(UV) sync --quiet --locked --inexact --extra dev --python $(PY)
	touch $(STAMP)

# After changing dependencies in pyproject.toml: refresh uv.lock and commit it.
# `make lock UPGRADE=1` also moves every package to the newest version the ranges allow.
lock: $(UV)
	$(UV) lock $(if $(UPGRADE),--upgrade,)

messages: $(STAMP)
	@if command -v msgfmt >/dev/null 2>&1; then \
		$(PY) manage.py compilemessages --ignore='.venv/*' -v 0; \
	else \
		$(VENV)/bin/pybabel -q compile -d locale -D django; \
	fi

# After adding user-facing strings: extract them, translate the new ones in
# locale/zh_Hans/LC_MESSAGES/django.po (tests/test_translations.py fails on any left out).
extract-messages: $(STAMP)
	$(PY) manage.py makemessages -l zh_Hans --no-obsolete --no-location --ignore='.venv/*'

setup: $(STAMP) messages
	$(PY) manage.py migrate --noinput -v 0

run: setup
	$(PY) manage.py demo_data
	SITE_URL="$${SITE_URL:-http://$(HOST):$(PORT)}" $(PY) manage.py runserver $(HOST):$(PORT)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

fmt: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Known vulnerabilities in the installed packages (see scripts/audit.py for offline machines).
audit: $(STAMP)
	$(PY) scripts/audit.py

test: $(STAMP) messages lint audit
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) manage.py check
	$(PY) -m pytest $(PYTEST_ARGS)

# The library benchmarks need nothing running; bench-site needs PostgreSQL and Redis.
bench: setup
	@for script in match_quality match_speed fair_schedule; do \
		echo "== bench/$$script.py"; $(PY) bench/$$script.py || exit 1; done

bench-site: setup
	@for script in listings_speed matching_e2e stats_speed; do \
		echo "== bench/$$script.py"; $(PY) bench/$$script.py || exit 1; done

# The whole site under load: gunicorn with 4 workers, locust at 50 and 200 users (about 5 min
# after a first fill of about 20 min). Needs PostgreSQL and Redis; not part of `make test`.
bench-load: setup
	$(PY) bench/load_site.py $(BENCH_ARGS)

# With REDIS_URL set: a real worker and beat, as in production.
worker: setup
	$(VENV)/bin/celery -A config worker --loglevel=INFO

beat: setup
	$(VENV)/bin/celery -A config beat --loglevel=INFO

# The database and the uploads in one archive under BACKUP_DIR (default var/backups), and back
# into an empty database: no migrate first, the archive brings the tables.
backup: $(STAMP)
	$(PY) manage.py backup

restore: $(STAMP)
	@test -n "$(ARCHIVE)" || { echo "Say which: make restore ARCHIVE=var/backups/nongqiao-….tar.gz"; exit 1; }
	$(PY) manage.py restore "$(ARCHIVE)"
