# PSOP: `make run` serves the app with training data; `make test` runs every test.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install install-test browser idp migrate demo stop-db outage-check bench bench-scale scale bench-payments loadtest cluster pgbouncer clean

$(PY):
	@python=$$(scripts/find-python) && echo "Using $$python" && $$python -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(PY)
	$(PIP) install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(PIP) install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test browser idp pgbouncer

# Browser tests drive Debian's Chromium; Playwright's own browser download cannot work here.
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Debian's chromium for the browser tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "Browser tests need /usr/bin/chromium: run 'sudo apt-get install chromium'"; exit 1; \
	  fi; \
	fi

# The local OpenID Connect IdP (idp/, node's oidc-provider): `npm ci` when idp/node_modules is missing
# or older than its lock file; without node it only warns (password sign-in works, its tests skip).
idp: $(VENV)/.installed
	$(PY) -m psop.idp install

run: install idp
	$(PY) -m psop.devdb exec -- $(PY) scripts/serve.py $(HOST):$(PORT)

# The tests run in parallel (pytest-xdist, one process per core, at most 4, each with its own test
# database; a module stays on one process); TEST_WORKERS=0 runs them in this process.
TEST_WORKERS ?= auto
test: install-test
	PSOP_PGDATA=$(CURDIR)/.pgdata-test $(PY) -m psop.devdb exec -- $(PY) -m pytest \
	  $(if $(filter 0,$(TEST_WORKERS)),,-n $(TEST_WORKERS) --maxprocesses=4 --dist loadfile) $(PYTEST_ARGS)

migrate: install
	$(PY) manage.py migrate

demo: install
	$(PY) manage.py load_demo

stop-db:
	-$(PY) -m psop.devdb stop
	-PSOP_PGDATA=$(CURDIR)/.pgdata-test $(PY) -m psop.devdb stop

# Benchmarks live outside the test suite: they print figures and assert nothing. Both serve with
# gunicorn (2 workers, DEBUG off) and time every page against the floor /terveys/ (scripts/bench.py);
# `bench` on the training data (bench-results.json), `bench-scale` on the data of `make scale`
# (bench-scale-results.json; BENCH_PGDATA=/path/to/pgdata to measure another embedded database).
BENCH_PGDATA ?= $(CURDIR)/.pgdata
bench: install
	$(PY) -m psop.devdb exec -- $(PY) scripts/bench.py $(ROUNDS)

bench-scale: install
	PSOP_PGDATA=$(BENCH_PGDATA) $(PY) -m psop.devdb exec -- $(PY) scripts/bench.py --scale $(ROUNDS)

# All of Finland on the embedded database (about 10 minutes): load_scale on top of the training
# data; SCALE_ARGS="--scale 0.1 --seed 2" for less or other data. Outside the tests, like bench.
# As the owner role: it drops and restores indexes and foreign keys, and vacuums.
scale: install
	$(PY) -m psop.devdb exec -- $(PY) manage.py migrate --no-input
	PSOP_DB_ROLE=owner $(PY) -m psop.devdb exec -- $(PY) manage.py load_scale $(SCALE_ARGS)

# Payment runs of the last ended month for every organiser, set-based, against the per-row code
# they replaced (on one organiser), on whatever the database holds: run `make scale` first.
bench-payments: install
	$(PY) -m psop.devdb exec -- $(PY) manage.py migrate --no-input
	$(PY) -m psop.devdb exec -- $(PY) scripts/bench_payments.py $(BENCH_ARGS)

# Capacity of one gunicorn node (issue 27): locust's staff mix at rising rates until p95 > 250 ms or an
# error (scripts/loadtest.py, on the data of `make scale`; LOADTEST_ARGS="--rates 5,10 --seconds 20").
$(VENV)/.installed-load: pyproject.toml $(VENV)/.installed
	$(PIP) install --quiet -e '.[load]'
	touch $@

loadtest: $(VENV)/.installed-load
	PSOP_PGDATA=$(BENCH_PGDATA) $(PY) -m psop.devdb exec -- $(PY) scripts/loadtest.py $(LOADTEST_ARGS)

# PgBouncer for `make cluster` (Debian's package; installed as root, or says how).
pgbouncer:
	@if ! command -v pgbouncer >/dev/null && [ ! -x /usr/sbin/pgbouncer ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Debian's pgbouncer"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq pgbouncer >/dev/null; \
	  else \
	    echo "make cluster needs PgBouncer: run 'sudo apt-get install pgbouncer'"; exit 1; \
	  fi; \
	fi

# Past one machine, on this one (issue 26; scripts/cluster.py): the embedded primary, a hot standby
# made with pg_basebackup, PgBouncer (transaction mode), two gunicorn nodes on PORT and PORT+1, two
# workers. Ctrl-C stops all of it. BENCH_PGDATA=… to run it on the data of `make scale`.
cluster: install pgbouncer
	PSOP_PGDATA=$(BENCH_PGDATA) $(PY) scripts/cluster.py --port $(PORT)

clean: stop-db
	rm -rf .pgdata .pgdata-test staticfiles media
