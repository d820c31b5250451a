# EduDX: one entry point for developers, CI (.ci/run) and the README.
# Every command runs from .venv/bin/..., never from an activated shell.
#   make run              set up (first time) and serve the portal with a Celery worker on http://127.0.0.1:8000
#   make test             ruff, import-linter, migrations check, then pytest (PYTEST_ARGS="tests/people -x" to narrow)

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:

PORT ?= 8000
HOST ?= 127.0.0.1
DEMO_SCALE ?= 0.05
PYTEST_ARGS ?=
# The interpreter that creates .venv: PYTHON=... if given, else the first of these that is 3.11 or newer.
PYTHON ?=
PYTHON_CANDIDATES := $(PYTHON) python3.11 python3.12 python3.13 python3
RUN_SETTINGS ?= edudx.settings.local
TEST_SETTINGS := edudx.settings.test
# Debian packages: chromium for the browser tests, fonts with full Vietnamese for WeasyPrint's PDFs (and the
# libraries WeasyPrint loads). Installed by `make browser-deps` when missing and we are root; never `playwright install`.
APT_PACKAGES := chromium fonts-liberation fonts-noto-core libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b

VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
VAR := $(or $(EDUDX_VAR_DIR),var)
DEMO_MARKER := $(VAR)/.demo-seeded
MANAGE := DJANGO_SETTINGS_MODULE=$(RUN_SETTINGS) $(BIN)/python manage.py

.PHONY: help run install dirs migrate static demo lint test browser-deps clean

help:
	@echo "make run [PORT=8000]   install, migrate, load the demo province once, serve with a Celery worker"
	@echo "make test              install, lint, check migrations, run the whole pytest suite"
	@echo "make install           create .venv and install EduDX with its dev tools"
	@echo "make lint              ruff, import-linter, makemigrations --check"
	@echo "make migrate           apply migrations and create the database cache table"
	@echo "make demo              (re)load the demo province (seed_demo --scale $(DEMO_SCALE))"
	@echo "make browser-deps      install Debian chromium and PDF fonts if missing (root only)"
	@echo "make clean             remove var/ (database, files, broker) and .venv/"

install: $(STAMP)

$(STAMP): pyproject.toml
	@if [ ! -x $(BIN)/python ]; then \
	    py=""; \
	    for candidate in $(PYTHON_CANDIDATES); do \
	        if command -v "$$candidate" >/dev/null 2>&1 \
	           && "$$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then \
	            py="$$candidate"; break; \
	        fi; \
	    done; \
	    if [ -z "$$py" ]; then \
	        echo "EduDX needs Python 3.11 or newer, and none was found (python3 is: $$(python3 --version 2>&1 || echo 'missing'))." >&2; \
	        echo "Install python3.11 (with its venv module), or pass one: make run PYTHON=/path/to/python3.11" >&2; \
	        exit 1; \
	    fi; \
	    echo "Creating $(VENV) with $$py ($$("$$py" --version 2>&1))"; \
	    "$$py" -m venv $(VENV); \
	fi
	@$(BIN)/python -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
	    || { echo "$(VENV) runs Python < 3.11: 'make clean' and try again with Python 3.11." >&2; exit 1; }
	$(BIN)/python -m pip install -e '.[dev]'
	@touch $(STAMP)

dirs:
	@mkdir -p $(VAR)/broker/queue $(VAR)/broker/processed $(VAR)/broker/control $(VAR)/media

migrate: install dirs
	$(MANAGE) migrate --noinput
	$(MANAGE) createcachetable

static: install dirs
	$(MANAGE) collectstatic --noinput --verbosity 0

# `make run` loads the demo province only when the marker is missing (seed_demo is idempotent, but this starts
# faster); `make demo` always (re)loads. The output, with the demo logins, is kept in $(VAR)/.demo-logins and
# shown again at every `make run`.
SEED_DEMO = $(MANAGE) seed_demo --scale $(DEMO_SCALE) | tee $(VAR)/.demo-logins

$(DEMO_MARKER): | migrate
	$(SEED_DEMO)
	@touch $@

demo: migrate
	$(SEED_DEMO)
	@touch $(DEMO_MARKER)

run: install migrate static $(DEMO_MARKER)
	@PORT=$(PORT) HOST=$(HOST) DJANGO_SETTINGS_MODULE=$(RUN_SETTINGS) exec bin/run-embedded

lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	DJANGO_SETTINGS_MODULE=$(TEST_SETTINGS) $(BIN)/python manage.py makemigrations --check --dry-run

# PostgreSQL + Redis when DATABASE_URL / CELERY_BROKER_URL are set (see .ci/run), else SQLite + filesystem broker.
# pytest's own exit code is passed on; 5 (no test collected) is a failure.
test: install lint browser-deps dirs
	@rc=0; DJANGO_SETTINGS_MODULE=$(TEST_SETTINGS) $(BIN)/pytest $(PYTEST_ARGS) || rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no test (exit 5): that is a failure." >&2; fi; \
	exit $$rc

# Never fails: without chromium the browser tests skip themselves.
browser-deps:
	@missing=""; \
	for pkg in $(APT_PACKAGES); do \
	    dpkg-query -W -f='$${Status}' "$$pkg" 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$pkg"; \
	done; \
	if [ ! -x /usr/bin/chromium ] && [[ "$$missing " != *" chromium "* ]]; then missing="$$missing chromium"; fi; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Debian packages:$$missing"; \
	    export DEBIAN_FRONTEND=noninteractive; \
	    { apt-get update && apt-get install -y $$missing; } \
	        || echo "warning: could not install$$missing: browser tests will skip themselves, PDFs may lack fonts." >&2; \
	else \
	    echo "note: missing Debian packages$$missing (installing them needs root and apt-get): browser tests will skip themselves." >&2; \
	fi

clean:
	rm -rf var $(VENV) edudx.egg-info

# English UI: refresh locale/en/LC_MESSAGES/django.po from the Vietnamese msgids in templates and Python, then
# compile django.mo (both are kept in git, so installing needs no gettext). Needs the Debian package gettext.
# New msgids come in empty and changed ones as fuzzy: translate them in the .po, then run this again.
.PHONY: messages
messages: install
	@command -v msgfmt >/dev/null 2>&1 || { echo "make messages needs GNU gettext: apt-get install gettext" >&2; exit 1; }
	DJANGO_SETTINGS_MODULE=$(TEST_SETTINGS) $(BIN)/python manage.py makemessages -l en --ignore=.venv --ignore=var --ignore=tests --ignore=static --no-obsolete
	DJANGO_SETTINGS_MODULE=$(TEST_SETTINGS) $(BIN)/python manage.py compilemessages -l en --ignore=.venv --ignore=var
	@msgfmt --statistics -o /dev/null locale/en/LC_MESSAGES/django.po

# Benchmarks (bench/, results in docs/benchmarks.md) run on PostgreSQL: BENCH_DATABASE_URL, created if missing.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/edudx_bench
.PHONY: bench
bench: install
	$(BIN)/python -m pip install -q -e '.[dev,bench]'
	@psql "$(BENCH_DATABASE_URL)" -c 'select 1' >/dev/null 2>&1 || \
	    psql "$(dir $(BENCH_DATABASE_URL))postgres" -c "CREATE DATABASE $(notdir $(BENCH_DATABASE_URL))"
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python bench/import_students.py
	@psql "$(BENCH_DATABASE_URL)_indicators" -c 'select 1' >/dev/null 2>&1 || \
	    psql "$(dir $(BENCH_DATABASE_URL))postgres" -c "CREATE DATABASE $(notdir $(BENCH_DATABASE_URL))_indicators"
	DATABASE_URL=$(BENCH_DATABASE_URL)_indicators $(BIN)/python bench/indicators.py
	DATABASE_URL=$(BENCH_DATABASE_URL)_indicators $(BIN)/python bench/indicator_api.py
	DATABASE_URL=$(BENCH_DATABASE_URL)_indicators $(BIN)/python bench/maturity.py --fresh
	@psql "$(BENCH_DATABASE_URL)_forms" -c 'select 1' >/dev/null 2>&1 || \
	    psql "$(dir $(BENCH_DATABASE_URL))postgres" -c "CREATE DATABASE $(notdir $(BENCH_DATABASE_URL))_forms"
	DATABASE_URL=$(BENCH_DATABASE_URL)_forms $(BIN)/python bench/report_forms.py
	@psql "$(BENCH_DATABASE_URL)_egov" -c 'select 1' >/dev/null 2>&1 || \
	    psql "$(dir $(BENCH_DATABASE_URL))postgres" -c "CREATE DATABASE $(notdir $(BENCH_DATABASE_URL))_egov"
	DATABASE_URL=$(BENCH_DATABASE_URL)_egov $(BIN)/python bench/egov_dossiers.py
	@psql "$(BENCH_DATABASE_URL)_admissions" -c 'select 1' >/dev/null 2>&1 || \
	    psql "$(dir $(BENCH_DATABASE_URL))postgres" -c "CREATE DATABASE $(notdir $(BENCH_DATABASE_URL))_admissions"
	DATABASE_URL=$(BENCH_DATABASE_URL)_admissions $(BIN)/python bench/admissions_allocate.py --database
	DATABASE_URL=$(BENCH_DATABASE_URL)_admissions $(BIN)/python bench/admissions_submit.py
