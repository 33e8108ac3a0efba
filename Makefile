# The two commands of the README: `make run` (demo on http://127.0.0.1:8000) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install system-packages messages static migrate demo worker beat lint format backup restore \
        makemessages screenshots clean

# QR codes and email links name the address actually served (make run PORT=8101: port 8101).
SITE_URL ?= http://$(HOST):$(PORT)

run: export SITE_URL := $(SITE_URL)
run: install messages ## Install, migrate the SQLite demo database, seed it and serve it
	DJANGO_DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DJANGO_DEBUG=1 $(BIN)/python manage.py seed_demo
	@echo "Serving the demo on $(SITE_URL)/ (QR codes and email links point there)"
	DJANGO_DEBUG=1 $(BIN)/python manage.py runserver $(HOST):$(PORT)

test: export WITH_BROWSER := 1
test: install ## The whole suite, on every core (set DATABASE_URL and REDIS_URL for the real services)
	$(BIN)/pytest -n auto $(PYTEST_ARGS)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

install: system-packages $(VENV)/.installed

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

system-packages:
	bin/install-system-packages

messages: install ## Compile the translation catalogues (.po -> .mo)
	DJANGO_DEBUG=1 $(BIN)/python manage.py compilemessages --ignore=.venv --ignore=var -v 0

makemessages: install ## Refresh locale/vi from the source and fill it from locale/parts
	bin/update-translations

static: install
	DJANGO_SETTINGS_MODULE=config.test_settings $(BIN)/python manage.py collectstatic --noinput -v 0

screenshots: export WITH_BROWSER := 1
screenshots: install ## Regenerate docs/screenshots from the browser journeys (installs Chromium)
	SCREENSHOTS_DIR=docs/screenshots $(BIN)/pytest tests/e2e $(PYTEST_ARGS)

BACKUP ?= backups/thidua-$(shell date +%Y%m%d-%H%M%S).tar
backup: install ## Database and private files in one archive: make backup [BACKUP=path.tar]
	mkdir -p $(dir $(BACKUP))
	$(BIN)/python manage.py backup $(BACKUP)

restore: install ## Restore into an empty database: make restore BACKUP=path.tar [REPLACE=1]
	$(BIN)/python manage.py restore $(BACKUP) $(if $(REPLACE),--replace)

worker: install ## A Celery worker (needs REDIS_URL; DATABASE_URL and SECRET_KEY too unless DJANGO_DEBUG=1)
	$(BIN)/celery -A config worker --loglevel=INFO

beat: install ## Celery beat, exactly one: the periodic sweep that queues certificates waiting to render
	$(BIN)/celery -A config beat --loglevel=INFO --schedule var/celerybeat-schedule

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf var/thidua.sqlite3 var/staticfiles
