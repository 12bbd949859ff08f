SHELL := /bin/bash
# The two commands a new developer needs: `make run` and `make test`.
# Both create .venv with a Python 3.12+ found by scripts/find-python.

VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install install-dev lint format lock worker beat bench clean

$(PY):
	"$$(scripts/find-python)" -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

install: $(VENV)/.runtime
install-dev: $(VENV)/.dev

## Set up and serve the portal on the embedded default: SQLite, tasks inline,
## console channels, demo data (seeded once) and demo logins.
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo --if-empty
	$(PY) manage.py seed_demo_catalog --if-empty
	$(PY) manage.py seed_demo_content --if-empty
	$(PY) manage.py neighbor_comparisons_refresh
	$(PY) manage.py seed_demo_ptr --if-empty
	$(PY) manage.py runserver $(HOST):$(PORT)

## Set up and run the whole test suite (SQLite unless DATABASE_URL is set).
test: install-dev
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

worker: install
	$(VENV)/bin/celery -A portal worker -l INFO

beat: install
	$(VENV)/bin/celery -A portal beat -l INFO

## Re-pin requirements.txt / requirements-dev.txt from the .in files.
lock: | $(PY)
	rm -rf $(VENV)-lock
	"$$(scripts/find-python)" -m venv $(VENV)-lock
	$(VENV)-lock/bin/pip install --quiet -r requirements.in
	{ echo "# Pinned runtime dependencies, generated from requirements.in (make lock)."; \
	  $(VENV)-lock/bin/pip freeze; } > requirements.txt
	$(VENV)-lock/bin/pip install --quiet -r requirements-dev.in
	{ echo "# Pinned test and lint tools, generated from requirements-dev.in (make lock)."; \
	  echo "-r requirements.txt"; \
	  comm -13 <(grep -v '^#' requirements.txt | sort) <($(VENV)-lock/bin/pip freeze | sort); \
	} > requirements-dev.txt
	rm -rf $(VENV)-lock

clean:
	rm -rf $(VENV) var
