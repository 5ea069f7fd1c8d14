VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: install test lint demo clean

install:
	@bash scripts/install.sh

lint: install
	$(VENV)/bin/ruff check .

test: lint
	$(PY) -m pytest

demo: install
	$(VENV)/bin/hearings demo

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
