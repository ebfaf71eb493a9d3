# narrator: `make run` sets up and starts the service with the demo article;
# `make test` sets up and runs the whole test suite. Both create .venv on first use.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
comma  := ,
# The test extras include the Coqui engine (torch, about 7 GB): its tests run a
# tiny VITS model. `make test TEST_EXTRAS=test,postgres` skips them.
RUN_EXTRAS  ?= postgres
TEST_EXTRAS ?= test,postgres,coqui
# pytest-xdist processes for `make test` and `make test-fast` (one per core of a 2-core machine; 0: no xdist).
# loadscope runs each module on one process: its module-scoped services are started once. Modules go out in
# the order tests/conftest.py gives them, the longest first (--no-loadscope-reorder: xdist's own order, by
# test count, left the long one-test modules for last). (loadgroup's xdist_group marks are not honoured under pytest 9.)
TEST_WORKERS ?= 2
PYTEST := $(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadscope --no-loadscope-reorder
# Compiled modules and pytest's rewritten test modules are kept between runs (in __pycache__, ignored by git):
# with PYTHONDONTWRITEBYTECODE set, as some shells set it, every xdist process and every subprocess a test
# starts compiles the whole tree again (about 5 CPU s per process).
unexport PYTHONDONTWRITEBYTECODE

.PHONY: run test test-fast lint format bench system-deps clean

# One marker file per set of extras: pyproject.toml changes reinstall.
$(VENV)/.installed-%: pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[$(subst -,$(comma),$*)]'
	@touch $@

run:
	@$(MAKE) --no-print-directory $(VENV)/.installed-$(subst $(comma),-,$(RUN_EXTRAS))
	$(BIN)/narrator serve --demo

test: system-deps
	@$(MAKE) --no-print-directory $(VENV)/.installed-$(subst $(comma),-,$(TEST_EXTRAS))
	$(PYTEST)

test-fast:
	@$(MAKE) --no-print-directory $(VENV)/.installed-$(subst $(comma),-,$(TEST_EXTRAS))
	$(PYTEST) -m "not e2e and not slow and not browser"

# The lines the code keeps (docs/architecture.md): format, lint, import rules, types.
lint:
	@$(MAKE) --no-print-directory $(VENV)/.installed-$(subst $(comma),-,$(TEST_EXTRAS))
	$(BIN)/ruff format --check service workers tests bench
	$(BIN)/ruff check service workers tests bench
	$(BIN)/lint-imports
	$(BIN)/mypy

format:
	$(BIN)/ruff format service workers tests bench
	$(BIN)/ruff check --fix service workers tests bench

bench:
	@$(MAKE) --no-print-directory $(VENV)/.installed-$(subst $(comma),-,$(TEST_EXTRAS))
	$(BIN)/python bench/throughput.py
	$(BIN)/python bench/narration_stages.py
	$(BIN)/python bench/renarrate.py
	$(BIN)/python bench/first_audio.py
	$(BIN)/python bench/storage.py
	$(BIN)/python bench/source_poll.py
	$(BIN)/python bench/normalization.py
	$(BIN)/python bench/intelligibility.py
	$(BIN)/python bench/memory.py

# The end-to-end tests start their own redis-server on a free port; the
# browser tests drive Debian's Chromium (Playwright's own browser download
# is not used) and check the console's pages with axe-core from npm
# (tests/browser/package.json); the tests of the compressed speech formats
# decode them with Debian's ffmpeg. Installed when missing (apt-get needs root).
APT_PACKAGES := redis-server:redis-server chromium:chromium npm:npm ffmpeg:ffmpeg
system-deps:
	@missing=""; for pair in $(APT_PACKAGES); do \
	  command -v $${pair%%:*} >/dev/null || missing="$$missing $${pair##*:}"; done; \
	if [ -n "$$missing" ]; then echo "installing$$missing"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing) >/dev/null || \
	  { echo "please install:$$missing (apt-get install$$missing)"; exit 1; }; fi
	@test -f tests/browser/node_modules/axe-core/axe.min.js || \
	  npm install --prefix tests/browser --no-package-lock --no-audit --no-fund --silent

clean:
	rm -rf $(VENV) data .pytest_cache
