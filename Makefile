# Linli: `make run` serves the demo, `make test` runs the whole suite.
# Every target sets up what it needs first; a second run skips work already done.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

# The first Python >= 3.12: on PATH, then under ~/.pyenv/versions (newest first).
PYTHON_312 := $(shell for c in python3.14 python3.13 python3.12 python3 $$(ls -d $$HOME/.pyenv/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -rV); do \
	$$c -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1 && { command -v $$c; exit 0; }; \
	done)

.PHONY: help setup run test lint fmt typecheck bench messages vendor check-python demo clean

help:
	@echo "make run        set everything up and serve the demo at http://127.0.0.1:$(PORT)"
	@echo "make test       set everything up and run the whole suite (LINLI_STRICT=1: nothing may skip)"
	@echo "make lint | fmt | typecheck | bench | messages"

check-python:
	@if [ ! -x "$(PY)" ] && [ -z "$(PYTHON_312)" ]; then \
	  echo "Linli needs Python >= 3.12. None was found on PATH or under ~/.pyenv/versions/."; \
	  echo "Install one (e.g. 'pyenv install 3.13' or Debian's python3.13) and run make again."; exit 1; fi

$(STAMP): pyproject.toml | check-python
	@if [ ! -x "$(PY)" ]; then echo "Creating $(VENV) with $(PYTHON_312)"; $(PYTHON_312) -m venv $(VENV); fi
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

setup: $(STAMP)
	@mkdir -p var
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput -v 0

demo: setup
	$(PY) manage.py load_demo
	$(PY) manage.py load_demo_votes
	$(PY) manage.py load_demo_finance

run: demo
	@echo ""
	@$(PY) manage.py demo_logins
	@echo ""
	@echo "Serving Linli at http://127.0.0.1:$(PORT)  (Ctrl-C stops the web server and the task runner)"
	@trap 'kill 0' EXIT INT TERM; \
	  $(PY) manage.py run_huey --quiet & \
	  $(VENV)/bin/gunicorn config.wsgi --bind 127.0.0.1:$(PORT) --workers 2 --threads 2 --access-logfile - ; \
	  wait

test: setup
	@LINLI_STRICT=$${LINLI_STRICT:-0} $(PY) -m pytest -n 2 --dist loadfile $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

fmt: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

typecheck: $(STAMP)
	$(VENV)/bin/mypy linli config

bench: demo
	$(PY) bench/run.py

messages: $(STAMP)
	$(PY) manage.py makemessages -l zh_Hans --no-obsolete --ignore '.venv/*' --ignore 'vendor-src/*' --ignore 'staticfiles/*' --ignore 'var/*' --ignore 'test-artifacts/*'
	$(PY) manage.py make_zh_hant
	$(PY) manage.py compilemessages --ignore '.venv/*' --ignore 'vendor-src/*' --ignore 'staticfiles/*' --ignore 'var/*'

vendor:
	bash vendor-src/vendor.sh

clean:
	rm -rf $(VENV) var staticfiles
