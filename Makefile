# Quick start: `make run` (the demo) and `make test` (the whole suite, headless).
PY ?= $(shell tools/find-python)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: venv run test bench translations clean lint

venv: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(MAKE) --no-print-directory translations
	touch $(STAMP)

translations:
	$(BIN)/python -m app.i18n build

run: venv
	$(BIN)/sc-demo

test: venv
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q

lint: venv
	$(BIN)/lint-imports

bench: venv
	@for b in bench/*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) build *.egg-info
