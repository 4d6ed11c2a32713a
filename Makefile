# Reservations: the two commands that matter are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: help run dev test load lint format typecheck install clean package package-test rehearse

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

NODE_STAMP := node_modules/.package-lock.json

$(NODE_STAMP): package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --loglevel=error; \
	else echo "npm not found: the accessibility check (axe-core) will be skipped; apt-get install npm to run it"; fi

install: $(STAMP) $(NODE_STAMP) ## create .venv and install everything (run and test; npm: axe-core for the browser test)

run: $(STAMP) ## run the site on http://127.0.0.1:$${PORT:-8000} (waitress, threads) with a local DynamoDB and demo data
	$(PY) -m localdev.devserver

dev: $(STAMP) ## the same with Django's auto-reloading development server (for editing code, not for a crowd)
	$(PY) -m localdev.devserver --dev

test: $(STAMP) $(NODE_STAMP) ## run the whole test suite (unit, store, web, Lambda, concurrency, browser)
	$(PY) -m pytest -n 2 --dist loadgroup

load: $(STAMP) ## the load run: 100 members for 60 s against `make run` with 10,000 items stored (LOAD_MEMBERS, LOAD_SECONDS, LOAD_ITEMS)
	$(PY) -m pytest -m load tests/load -s

lint: $(STAMP) ## ruff lint and format check, mypy on the domain and services
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

format: $(STAMP) ## format the code
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

STAGE ?= production
package: ## build the Lambda zip offline for python3.13 on Lambda's platform, print its size and cold import: make package [STAGE=dev]
	$(PYTHON) deploy/package.py $(STAGE)

package-test: $(STAMP) ## build the zips, run them as Lambda would (python3.13 -S, moto server), rehearse the deploy guide
	PACKAGE_TESTS=1 $(PY) -m pytest -p no:cacheprovider tests/deploy/test_package_runs.py tests/deploy/test_rehearsal.py

rehearse: $(STAMP) ## run the README's deploy guide (Zappa, the AWS CLI) against a local moto server
	PACKAGE_TESTS=1 $(PY) -m pytest tests/deploy/test_rehearsal.py

clean: ## remove the virtualenv, caches and local data
	rm -rf $(VENV) node_modules .pytest_cache .ruff_cache .mypy_cache .localdata staticfiles build .build reservations/static_manifest
