# Two entry points for a fresh machine: `make run` and `make test`.
# Each creates .venv and installs the project into it first.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test suite chromium

# One pip call for both, so the demo extra's kuager-standin resolves to the local folder
# standin/ (the Bot API stand-in that the demo and the tests need) and is not looked up.
$(STAMP): pyproject.toml standin/pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ./standin -e '.[test,demo]'
	touch $(STAMP)

## run: the bot when a token is configured, else the offline demo
run: $(STAMP)
	$(BIN)/kuager start

## test: lint, types and the whole suite (KUAGER_TEST_DATABASE_URL picks the database)
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(MAKE) suite

## suite: the tests alone; pytest's exit 5 (no tests collected) fails like any other
suite: $(STAMP) chromium
	$(BIN)/pytest

## chromium: Debian's Chromium for the browser tests (tests/browser), installed when missing
chromium:
	@command -v chromium >/dev/null || command -v chromium-browser >/dev/null || { \
		echo "installing Debian's chromium for the browser tests"; \
		SUDO=$$( [ "$$(id -u)" -eq 0 ] || echo sudo ); \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q chromium >/dev/null \
		|| { $$SUDO apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q chromium >/dev/null; }; }
