# Safeguard: `make run` for the demo, `make test` for the tests. `make help` lists the rest.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export SAFEGUARD_PORT := $(PORT)
export DEMO_PASSWORD ?= safeguard-demo-2026

.DEFAULT_GOAL := help

.PHONY: help install install-dev assets migrate demo run test test-postgres e2e lint format typecheck check-deploy ci bench clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "} {printf "  make %-14s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

build/assets/.copied: node_modules/.package-lock.json
	rm -rf build/assets && mkdir -p build/assets
	# The source maps come too: collectstatic's manifest storage follows the sourceMappingURL comments.
	cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.css* build/assets/
	cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js* build/assets/
	cp -r node_modules/govuk-frontend/dist/govuk/assets/fonts node_modules/govuk-frontend/dist/govuk/assets/images build/assets/
	cp node_modules/govuk-frontend/dist/govuk/assets/manifest.json build/assets/
	cp node_modules/htmx.org/dist/htmx.min.js build/assets/
	touch $@

install: $(VENV)/.installed build/assets/.copied ## Create the virtual environment and install Python and front-end packages

install-dev: install $(VENV)/.installed-dev ## Also install the test, lint and type-check tools

assets: build/assets/.copied ## Copy GOV.UK Frontend and htmx into static files

migrate: install ## Create or update the SQLite database under var/
	@mkdir -p var
	$(BIN)/python manage.py migrate --no-input

demo: migrate ## Load the demo partnership (idempotent)
	$(BIN)/python manage.py load_demo

run: demo ## Set everything up and run the web server, worker and tick with demo data
	@echo ""
	@echo "Safeguard is starting at http://127.0.0.1:$(PORT)  (Ctrl-C stops everything)"
	@echo "Demo accounts (password: $$DEMO_PASSWORD):"
	@$(BIN)/python manage.py load_demo --list-accounts
	@echo ""
	$(BIN)/honcho -f Procfile start

test: install-dev ## Run the whole test suite (SQLite; set DATABASE_URL=postgres://... for PostgreSQL)
	$(BIN)/pytest -p no:cacheprovider $(PYTEST_ARGS)

test-postgres: install-dev ## Run the whole test suite on the local PostgreSQL
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres} $(BIN)/pytest -p no:cacheprovider -m "not browser and not fuzz" $(PYTEST_ARGS)

e2e: install-dev ## Run only the browser tests (needs /usr/bin/chromium)
	$(BIN)/pytest -p no:cacheprovider -m browser $(PYTEST_ARGS)

lint: install-dev ## ruff lint and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev ## Format the code with ruff
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# The typed core: every app's services and permissions, the audit trail and the working-day calendar.
TYPED_MODULES = $(sort $(wildcard safeguard/*/services.py safeguard/*/permissions.py safeguard/core/audit.py safeguard/core/calendar.py))

typecheck: install-dev ## mypy on services, permissions, the audit trail and the calendar
	$(BIN)/mypy $(TYPED_MODULES)

check-deploy: install ## Django's deployment checks and a real collectstatic with production settings
	export SAFEGUARD_ENV=production SECRET_KEY=$$(python3 -c 'import secrets;print(secrets.token_urlsafe(64))') \
	  ALLOWED_HOSTS=safeguard.example.org STATIC_ROOT=$$(mktemp -d); \
	$(BIN)/python manage.py check --deploy --fail-level WARNING && \
	$(BIN)/python manage.py collectstatic --no-input -v0 && echo "collectstatic: ok"

ci: ## What CI runs (see .ci/run)
	bash .ci/run

# Scratch database: $BENCH_DATABASE_URL, else sg_bench on $DATABASE_URL's PostgreSQL server, else
# var/bench/bench.sqlite3; it is dropped and refilled. BENCH_ARGS="--profile large", "--reuse", "--quick".
bench: install-dev ## Benchmarks against a plain-Django baseline on scale data (not part of make test)
	$(BIN)/python bench/run.py $(BENCH_ARGS)

clean: ## Remove the virtual environment, built assets and the local database
	rm -rf $(VENV) build node_modules var/*.sqlite3* var/static
