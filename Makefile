# Onestop: two commands.
#   make run    start the embedded server (SQLite + a real Celery worker, demo data)
#   make test   run the test suite on PostgreSQL and Redis
#               (make test-pgbouncer: the same, through PgBouncer in transaction mode)
# Both create .venv (Python 3.11) and install the pinned packages when needed.

SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.onestop-installed
PORT   ?= 8000
ARGS   ?=
# Test processes (pytest-xdist): one per core; JOBS=0 runs them in this process.
JOBS   ?= auto

.PHONY: help run test test-pgbouncer lint bench lock venv schema messages fuzz

help:
	@echo "make run     start Onestop at http://127.0.0.1:$(PORT)/ (embedded: SQLite, demo data)"
	@echo "make test    run the tests on PostgreSQL + Redis (make test ARGS=\"-k lookup\")"
	@echo "make test-pgbouncer  the same tests through PgBouncer (transaction mode)"
	@echo "make lint    ruff check"
	@echo "make schema  regenerate openapi.yaml (the API contract) after an API change"
	@echo "make fuzz    schemathesis over every operation with a larger budget (FUZZ_EXAMPLES=100)"
	@echo "make bench   run the benchmarks in bench/ (needs PostgreSQL + Redis too)"
	@echo "make lock    re-pin requirements.lock after changing pyproject.toml"

# The virtualenv, created once with Python 3.11 (PYTHON=/path/to/python3.11 to choose).
$(PY):
	@py="$(PYTHON)"; \
	if [ -z "$$py" ]; then \
	  for c in python3.11 python3; do \
	    if command -v $$c >/dev/null 2>&1 && \
	       $$c -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then \
	      py=$$c; break; \
	    fi; \
	  done; \
	fi; \
	if [ -z "$$py" ]; then \
	  echo "Onestop needs Python 3.11 (python3.11 or python3 on PATH, or PYTHON=/path/to/python3.11)." >&2; \
	  exit 1; \
	fi; \
	echo "Creating $(VENV) with $$($$py -c 'import sys; print(sys.executable)')"; \
	$$py -m venv $(VENV) || { echo "Could not create $(VENV): on Debian/Ubuntu install python3.11-venv." >&2; exit 1; }

# Reinstall only when the dependency declarations changed since the last install.
$(STAMP): pyproject.toml requirements.lock | $(PY)
	$(PY) -m pip install --disable-pip-version-check -q -c requirements.lock -e '.[dev]'
	@touch $@

venv: $(STAMP)

# Embedded mode: DEBUG on unless the caller says otherwise.
run: export DEBUG ?= true
run: $(STAMP)
	$(PY) manage.py serve --port $(PORT)

# The tests and benchmarks run on the real services. PGPASSWORD matches docker-compose.yml's
# db; a trust-auth server ignores it, and a password in DATABASE_URL takes precedence.
test test-pgbouncer bench fuzz: export DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/onestop
test test-pgbouncer fuzz: export REDIS_URL ?= redis://127.0.0.1:6379/15
# Not the tests' database: a benchmark's server queues tasks that no worker runs.
bench: export REDIS_URL ?= redis://127.0.0.1:6379/14
test test-pgbouncer bench fuzz: export PGPASSWORD ?= onestop
# DEBUG is off in the tests, as in production, so they need a secret; a throwaway one.
test test-pgbouncer bench fuzz schema messages: export SECRET_KEY ?= onestop-tests-only-not-a-secret
test: $(STAMP)
	@$(PY) tests/services_up.py
	@# The tests create their own database: no warning if DATABASE_URL's does not exist.
	$(PY) -W "ignore:Got an error checking a consistent migration history:RuntimeWarning" \
	    manage.py makemigrations --check --dry-run
	$(PY) -m pytest -n $(JOBS) $(ARGS)

# `make test` with DATABASE_URL through a PgBouncer in transaction mode in front of its
# server, started for the run and stopped after it (tests/pgbouncer.py; Debian's package).
test-pgbouncer: $(STAMP)
	@$(PY) tests/services_up.py
	$(PY) tests/pgbouncer.py $(MAKE) --no-print-directory test

# The suite runs tests/test_fuzz.py with 5 examples per operation and caller; this, with more.
fuzz: export FUZZ_EXAMPLES ?= 100
fuzz: $(STAMP)
	@$(PY) tests/services_up.py
	$(PY) -m pytest -q tests/test_fuzz.py $(ARGS)

lint: $(STAMP)
	$(PY) -m ruff check .

# The committed API contract, in English whatever the default language.
schema: $(STAMP)
	$(PY) manage.py spectacular --lang en --validate --fail-on-warn --file openapi.yaml

# After adding UI strings: extract, translate locale/vi/.../django.po, then compile (needs gettext).
messages: $(STAMP)
	$(PY) manage.py makemessages -l vi --ignore=.venv --ignore=var --ignore=bench --ignore=tests
	$(PY) manage.py compilemessages -l vi --ignore=.venv

# Every bench/*_bench.py, or one: make bench BENCH=bench/http_bench.py ARGS="--compare-to main"
BENCH ?= $(wildcard bench/*_bench.py)
bench: $(STAMP)
	@$(PY) tests/services_up.py
	@for script in $(BENCH); do echo "== $$script"; $(PY) $$script $(ARGS) || exit 1; done

# Re-pin after changing pyproject.toml: resolves .[dev] in a scratch virtualenv, keeping the
# current pins where they still fit. To upgrade a package, delete its line first.
LOCK_VENV := $(VENV)/lock-scratch
lock: | $(PY)
	rm -rf $(LOCK_VENV)
	$(PY) -m venv $(LOCK_VENV)
	$(LOCK_VENV)/bin/python -m pip install --disable-pip-version-check -q \
	    $(if $(wildcard requirements.lock),-c requirements.lock) -e '.[dev]'
	{ echo "# Exact versions for every install (pip install -c requirements.lock). Regenerate: make lock"; \
	  $(LOCK_VENV)/bin/python -m pip freeze --exclude-editable | grep -viE '^(-e |onestop([=@ ]|$$))'; \
	} > requirements.lock.new
	mv requirements.lock.new requirements.lock
	rm -rf $(LOCK_VENV)
	$(MAKE) --no-print-directory venv
