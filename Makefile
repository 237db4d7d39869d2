# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
export TRAINER_ENV ?= development

.PHONY: install run test lint typecheck format translations bench clean lock audit

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Exactly the locked versions, checked against their hashes; then the project itself.
# Reinstall only when the lock or the project changed.
$(VENV)/.install-stamp: requirements.lock pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

install: $(VENV)/.install-stamp
	$(BIN)/pybabel compile --use-fuzzy -d trainer/translations >/dev/null

run: install
	$(BIN)/trainer init-db
	$(BIN)/trainer load-content
	$(BIN)/trainer demo
	@echo "Serving on http://127.0.0.1:$(PORT)  (Ctrl+C stops)"
	$(BIN)/flask --app trainer run --host 127.0.0.1 --port $(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: lint
	$(BIN)/pytest

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Extract new strings and merge them into both catalogues; translate the empty zh entries after.
translations: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output -w 100 \
		-o trainer/translations/messages.pot trainer
	$(BIN)/pybabel update -i trainer/translations/messages.pot -d trainer/translations \
		--no-fuzzy-matching --ignore-obsolete -w 100
	$(BIN)/pybabel compile -d trainer/translations

bench: install
	$(BIN)/python -m bench
	$(BIN)/python -m bench.agreement

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache test-artifacts

# After changing dependencies in pyproject.toml: pin them (and everything they pull in) again.
lock: $(BIN)/python
	$(BIN)/python -m pip install --quiet 'pip-tools>=7.4'
	$(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --extra test --strip-extras \
		--no-emit-find-links --no-emit-index-url -o requirements.lock pyproject.toml

# Known vulnerabilities in the locked versions, from PyPI's advisory data. The probe asks for a
# release with published advisories first: a mirror or proxy that answers without them would
# make every audit look clean, so then we say that we skipped instead.
audit: install
	@if $(BIN)/python -c "import json, urllib.request as r; \
		d = json.load(r.urlopen('https://pypi.org/pypi/jinja2/2.10/json', timeout=15)); \
		raise SystemExit(0 if d.get('vulnerabilities') else 1)" 2>/dev/null; then \
		$(BIN)/pip-audit --no-deps --disable-pip --require-hashes -r requirements.lock; \
	else \
		echo "make audit: SKIPPED - PyPI's vulnerability data does not answer from this machine"; \
	fi
