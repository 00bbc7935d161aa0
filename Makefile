# A thin layer over nox.  The first call creates .venv with nox in it.
PYTHON ?= python3
VENV := .venv
NOX := $(VENV)/bin/nox

.PHONY: docs test lint clean

docs: $(NOX)
	$(NOX) -s docs

test: $(NOX)
	$(NOX) -s lint tests

lint: $(NOX)
	$(NOX) -s lint

clean: $(NOX)
	$(NOX) -s clean

$(NOX):
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check "nox==$$(sed -n 's/^nox==//p' constraints.txt)"
