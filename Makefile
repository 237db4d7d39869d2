# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
export TRAINER_ENV ?= development

.PHONY: install run test lint typecheck format translations bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when the project's dependencies changed.
$(VENV)/.install-stamp: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
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
