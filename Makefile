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

# Compile our bytecode first (a no-op when current): an editable install doesn't, and
# PYTHONDONTWRITEBYTECODE would otherwise make every start recompile ~45 ms of modules.
run: $(STAMP)
	$(BIN)/python -m compileall -q stages_tui >/dev/null
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
