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

# The end-to-end tests start their own redis-server on a free port; the
# browser tests drive Debian's Chromium (Playwright's own browser download
# is not used). Installed with apt-get when missing (needs root).
APT_PACKAGES := redis-server:redis-server chromium:chromium
system-deps:
	@missing=""; for pair in $(APT_PACKAGES); do \
	  command -v $${pair%%:*} >/dev/null || missing="$$missing $${pair##*:}"; done; \
	if [ -n "$$missing" ]; then echo "installing$$missing"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing) >/dev/null || \
	  { echo "please install:$$missing (apt-get install$$missing)"; exit 1; }; fi

clean:
	rm -rf $(VENV) data .pytest_cache
