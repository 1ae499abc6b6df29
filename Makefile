# Quick start: `make run` (the demo) and `make test` (the whole suite, headless).
PY ?= $(shell tools/find-python)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: venv lock run test bench translations clean lint dist

venv: $(STAMP)

# The venv holds exactly the locked versions (requirements.lock, with hashes); a dependency
# added to pyproject.toml stops here with "run make lock" rather than installing unresolved.
$(STAMP): pyproject.toml requirements.lock
	$(PY) tools/lock.py check
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	$(MAKE) --no-print-directory translations
	touch $(STAMP)

translations:
	$(BIN)/python -m app.i18n build

run: venv
	$(BIN)/sc-demo

test: venv
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q

# Resolve pyproject.toml's ranges again (after adding or changing a dependency); commit the result.
lock:
	$(PY) tools/lock.py compile

# The desktop bundle (dist/sc-desk/), its .deb and the server's wheel and .deb; see README "Install".
dist: venv
	$(BIN)/python -m installer.build all

lint: venv
	$(BIN)/lint-imports

bench: venv
	@for b in bench/*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) build dist *.egg-info
