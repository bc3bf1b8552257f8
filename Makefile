# XãSố — the commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
DEMO_COMMUNE ?= 16777
MANAGE := $(BIN)/python manage.py
# `make run PROVINCE_URL=…` sends the commune's transfers to `make run-province` instead of
# to the province unit hosted on the same server.
PROVINCE_URL ?=
PROVINCE_PORT ?= 8001
# The province deployment: its own database, files, cache and SoftHSM tokens under
# var/province; deliveries made at once (no worker needed; retry with
# `manage.py interop_flush_outbox`).
PROVINCE_ENV := DATABASE_URL=sqlite:///$(CURDIR)/var/province/xaso.sqlite3 \
	XASO_MEDIA_ROOT=$(CURDIR)/var/province/media \
	XASO_CACHE_URL=filecache://$(CURDIR)/var/province/cache \
	XASO_SOFTHSM2_CONF=$(CURDIR)/var/province/softhsm/softhsm2.conf \
	XASO_PUBLIC_BASE_URL=http://localhost:$(PROVINCE_PORT) \
	XASO_TASKS_BACKEND=django_tasks.backends.immediate.ImmediateBackend

.PHONY: run run-province test lint format install install-dev messages worker bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Installs the project (and, for tests, its dev group) into .venv; redone when pyproject changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install --quiet --group dev
	touch $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

messages: install
	$(MANAGE) compile_catalogs

run: install messages
	$(MANAGE) migrate --noinput
	$(MANAGE) load_demo_commune
	$(MANAGE) load_procedures --unit $(DEMO_COMMUNE)
	$(MANAGE) load_demo_work_calendar --unit $(DEMO_COMMUNE)
	$(MANAGE) load_demo_civil_registry
	$(MANAGE) create_demo_pki --unit $(DEMO_COMMUNE)
	$(MANAGE) load_demo_exchange $(if $(PROVINCE_URL),--province-url $(PROVINCE_URL))
	$(MANAGE) load_demo_documents --unit $(DEMO_COMMUNE)
	$(MANAGE) collectstatic --noinput --verbosity 0
	$(MANAGE) runserver 127.0.0.1:$(PORT)

# A second deployment on one laptop: the province (Nghệ An) that the demo commune
# transfers dossiers to. Browse it at http://localhost:$(PROVINCE_PORT) (another host name
# than the commune's 127.0.0.1, so the two logins keep separate cookies).
run-province: install messages
	mkdir -p var/province
	$(PROVINCE_ENV) $(MANAGE) migrate --noinput
	$(PROVINCE_ENV) $(MANAGE) load_demo_province --commune-url http://127.0.0.1:$(PORT)/lien-thong/edxml/
	$(PROVINCE_ENV) $(MANAGE) runserver 127.0.0.1:$(PROVINCE_PORT)

worker: install
	$(MANAGE) db_worker

# SQLite in memory by default; DATABASE_URL=postgres://… runs the same suite on PostgreSQL.
test: install-dev messages
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	DJANGO_SETTINGS_MODULE=config.settings.test $(MANAGE) makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=config.settings.test $(MANAGE) check --fail-level WARNING

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Kernel micro-benchmarks, then the one-stop load test (100,000 dossiers; SQLite, or
# PostgreSQL when DATABASE_URL is set). Never part of `make test`.
bench: install-dev messages
	$(BIN)/python benchmarks/run.py
	$(BIN)/python benchmarks/onestop.py $(BENCH_ARGS)
	$(BIN)/python benchmarks/signatures.py
	$(BIN)/python benchmarks/edxml.py
	$(BIN)/python benchmarks/documents.py

clean:
	rm -rf $(VENV) var
