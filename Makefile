# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install messages catalogues migrate demo lint check clean bench test-tools backup restore soak

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP) messages

# Compile the interface translations (locale/*/LC_MESSAGES/django.po -> .mo).
# Needs GNU gettext (msgfmt); the .mo files are build output, never committed.
messages: $(STAMP)
	@command -v msgfmt >/dev/null || { echo "GNU gettext is missing: apt-get install gettext (or brew install gettext)"; exit 1; }
	DJANGO_DEBUG=1 $(BIN)/python manage.py compilemessages --ignore='.*' --ignore=node_modules --verbosity=0

# Bring the catalogues up to date with the code (then translate the new entries).
catalogues: install
	DJANGO_DEBUG=1 $(BIN)/python manage.py makemessages --no-location --no-obsolete \
		-l ar -l zh_Hans -l fr -l ru -l es

migrate: install
	DJANGO_DEBUG=1 $(BIN)/python manage.py migrate --no-input

# HOST and PORT: where `make run` serves, and so the admin address load_demo prints.
demo: migrate
	DJANGO_DEBUG=1 $(BIN)/python manage.py load_demo --admin --host $(HOST) --port $(PORT)

# The development server and one background worker (renditions, pings, emails:
# printed to the terminal unless EMAIL_URL is set); stopping the server stops the worker.
run: demo
	@echo "Serving the site on http://$(HOST):$(PORT)/ with one background worker"
	DJANGO_DEBUG=1 $(BIN)/python manage.py worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	DJANGO_DEBUG=1 $(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install
	$(BIN)/python -m pytest

# What the browser, accessibility and HTML-validity tests need besides Python
# (without them those tests skip and say what is missing): Debian's Chromium and a
# Java runtime, and axe-core + vnu-jar from package-lock.json. No browser download.
test-tools:
	command -v chromium >/dev/null || apt-get install -y chromium
	command -v java >/dev/null || apt-get install -y default-jre-headless
	npm ci --ignore-scripts --no-audit --no-fund

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

check: install
	DJANGO_DEBUG=1 $(BIN)/python manage.py check
	DJANGO_DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run

# The benchmark (not a test): N announcements (default 10000), gunicorn + wrk on 127.0.0.1.
# Optional: BENCH_DATABASE_URL=postgres://... BENCH_REDIS_URL=redis://... DURATION=5
N ?= 10000
bench: install
	N=$(N) $(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) staticfiles .pytest_cache

# Backups: database and media in one archive (backups/dpga-<time>.tar.gz), and back.
# They use the environment the site runs with (DATABASE_URL, DJANGO_MEDIA_ROOT ...).
MANAGE_ENV := DJANGO_DEBUG=$${DJANGO_DEBUG-$$([ -n "$$DJANGO_SECRET_KEY" ] && echo 0 || echo 1)}
backup: install
	$(MANAGE_ENV) $(BIN)/python manage.py backup $(if $(ARCHIVE),--output $(ARCHIVE))

restore: install
	@test -n "$(ARCHIVE)" || (echo "usage: make restore ARCHIVE=backups/dpga-....tar.gz" && exit 2)
	$(MANAGE_ENV) $(BIN)/python manage.py restore $(ARCHIVE)

# 60 s at 64 connections against gunicorn on 127.0.0.1 (not part of the tests).
soak: install
	$(BIN)/python scripts/soak.py
