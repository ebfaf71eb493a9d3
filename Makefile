# narrator: `make run` sets up and starts the service with the demo article;
# `make test` sets up and runs the tests. Both create .venv on first use.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
EXTRAS ?= test,postgres
comma  := ,

.PHONY: setup run test test-fast bench clean

setup: $(VENV)/.installed-$(subst $(comma),-,$(EXTRAS))


$(VENV)/.installed-%: pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[$(EXTRAS)]'
	@touch $@

run: setup
	$(BIN)/narrator serve --demo

test: setup system-deps
	$(BIN)/python -m pytest

test-fast: setup
	$(BIN)/python -m pytest -m "not e2e and not slow"

bench: setup
	$(BIN)/python bench/throughput.py

# The end-to-end tests start their own redis-server on a free port.
system-deps:
	@command -v redis-server >/dev/null || { echo "installing redis-server"; \
	  (apt-get update -qq && apt-get install -y -qq redis-server) >/dev/null || \
	  { echo "redis-server is needed for the end-to-end tests: install it (apt-get install redis-server)"; exit 1; }; }

clean:
	rm -rf $(VENV) data .pytest_cache
