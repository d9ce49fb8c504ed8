# Every target installs what it needs first. See README.md.
PY := .venv/bin/python
VENV_STAMP := .venv/.lotse-installed
NODE_STAMP := node_modules/.lotse-installed
# Every catalogue: the interface (django) and the printed plan's labels (plan).
MO := $(patsubst %.po,%.mo,$(wildcard lotse/locale/*/LC_MESSAGES/*.po))
PYTEST_ARGS ?= -n 2
PG_URL ?= postgres://postgres@127.0.0.1:5432/test
export LOTSE_DATA_DIR ?= $(CURDIR)/var

.PHONY: install demo test test-sqlite test-postgres check lint types messages lock bench \
	bench-scale load bench-smoke clean

install: $(VENV_STAMP) $(NODE_STAMP) $(MO)

$(VENV_STAMP): requirements.lock scripts/bootstrap.py
	python3 scripts/bootstrap.py
	touch $@

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

%.mo: %.po $(VENV_STAMP)
	.venv/bin/pybabel compile --statistics -i $< -o $@

# The demo: SQLite file under var/, demo data, logins printed, served on port 8000.
demo: install
	LOTSE_DEBUG=1 $(PY) manage.py migrate --noinput
	LOTSE_DEBUG=1 $(PY) manage.py load_demo
	LOTSE_DEBUG=1 $(PY) manage.py runserver 127.0.0.1:8000

# The whole suite on SQLite; under CI=true also on PostgreSQL, and the browser tests
# must run (a missing Chromium or database fails the run).
test: test-sqlite
ifeq ($(CI),true)
test: test-postgres bench-smoke
endif

# Browser tests share one committed demo per session, so they run in a session of their own.
test-sqlite: install
	$(PY) -m pytest $(PYTEST_ARGS) -m "not e2e"
	$(PY) -m pytest $(PYTEST_ARGS) -m e2e

test-postgres: install
	DATABASE_URL=$(PG_URL) $(PY) -m pytest $(PYTEST_ARGS) -m "not e2e"
	DATABASE_URL=$(PG_URL) $(PY) -m pytest $(PYTEST_ARGS) -m e2e

lint: install
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

types: install
	LOTSE_DEBUG=1 .venv/bin/mypy lotse tests

check: lint types test

# Benchmarks on a database of its own under var/bench (demo data, 400 clients): client
# search, the name scorer, statewide programme reports, and the daily pages with the
# client file's throughput (bench_scale). At a state's scale, see bench-scale.
BENCH_ENV := LOTSE_DEBUG=1 LOTSE_DATA_DIR=$(CURDIR)/var/bench
bench: install
	$(BENCH_ENV) $(PY) manage.py migrate -v0
	$(BENCH_ENV) $(PY) manage.py load_demo > /dev/null
	$(BENCH_ENV) $(PY) manage.py bench_search --all-offices
	$(BENCH_ENV) $(PY) manage.py name_similarity --evaluate
	$(BENCH_ENV) $(PY) manage.py bench_reports
	$(BENCH_ENV) $(PY) manage.py bench_scale

# At a state's scale on PostgreSQL (docs/operations.md): SCALE_URL names a database that
# `generate_scale` has filled; bench-scale times the pages, load runs 50 users for 5 min.
SCALE_URL ?= postgres://postgres@127.0.0.1:5432/lotse_scale
bench-scale: install
	LOTSE_DEBUG=1 DATABASE_URL=$(SCALE_URL) $(PY) manage.py bench_scale

load: install
	LOTSE_DEBUG=1 DATABASE_URL=$(SCALE_URL) $(PY) manage.py load_test

# The benchmark at a small scale, as a smoke test: it must run, its figures are not judged.
SMOKE_ENV := LOTSE_DEBUG=1 LOTSE_DATA_DIR=$(CURDIR)/var/bench-smoke
bench-smoke: install
	rm -rf var/bench-smoke
	$(SMOKE_ENV) $(PY) manage.py migrate -v0
	$(SMOKE_ENV) $(PY) manage.py generate_scale --clients 2000 > /dev/null
	$(SMOKE_ENV) $(PY) manage.py bench_scale --samples 2 --repeat 4 --report-repeat 1 --seconds 1
	$(SMOKE_ENV) $(PY) manage.py load_test --users 4 --minutes 0.25 --workers 2

# Refresh the German catalogue after changing strings (needs GNU gettext).
messages: install
	LOTSE_DEBUG=1 $(PY) manage.py makemessages --locale de --no-obsolete --add-location file \
		--ignore node_modules --ignore var --ignore tests
	$(PY) scripts/normalise_po.py lotse/locale/de/LC_MESSAGES/django.po

# Re-resolve the Python lock file after changing pyproject.toml.
lock: install
	.venv/bin/uv pip compile pyproject.toml --extra dev --generate-hashes --universal \
		--python-version 3.11 --no-header -q -o requirements.lock

clean:
	rm -rf .venv node_modules var $(MO)
