# khabar: `make demo` and `make test` do all the set-up on a fresh clone.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip --disable-pip-version-check

.PHONY: demo test venv clean

# The virtualenv with khabar installed (editable) and its test extras.
$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "khabar needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -e '.[test]'
	@touch $@

venv: $(VENV)/.installed

demo: $(VENV)/.installed
	$(VENV)/bin/khabar analyze examples/corpus --offline --json out/demo.json

test: $(VENV)/.installed
	$(VENV)/bin/pytest -q

clean:
	rm -rf $(VENV) out build dist *.egg-info .pytest_cache
