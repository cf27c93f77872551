# Every target installs into .venv first (when it is missing or pyproject.toml changed).
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test screenshots bench sandbox clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/stages-tui

test: $(STAMP)
	$(BIN)/python -m pytest -q -p no:cacheprovider

sandbox: $(STAMP)
	$(BIN)/stages-tui sandbox serve

screenshots: $(STAMP)
	$(BIN)/python scripts/screenshots.py

bench: $(STAMP)
	$(BIN)/python bench/sandbox_bench.py

clean:
	rm -rf $(VENV) .pytest_cache snapshot_report.html
