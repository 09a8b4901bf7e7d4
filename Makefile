# ddt-timetravel developer tasks. Needs only python3 (with pip), make and git:
# `make test` creates .venv, installs the project with its dev extras, installs
# Debian's Chromium and redis-server when it can, then runs the linters (ruff,
# and Biome for the JavaScript, from the npm registry) and pytest.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Biome, at the version package-lock.json pins, in node_modules/.
BIOME := node_modules/.bin/biome
PIP := $(BIN)/python -m pip --disable-pip-version-check
PYTEST_ARGS ?=
BENCH_ARGS ?=
DEMO_ADDR ?= 127.0.0.1:8000

.DEFAULT_GOAL := test
.PHONY: venv demo test bench screenshots mutate lint format clean distclean

venv: $(STAMP)

# Reinstalled whenever pyproject.toml changes. Falls back to a venv without pip
# (seeded by the outer pip) where ensurepip is missing, as on Debian without
# python3-venv.
$(STAMP): pyproject.toml
	@if [ ! -x "$(BIN)/python" ] || ! "$(BIN)/python" -m pip --version >/dev/null 2>&1; then \
		echo "Creating $(VENV) with $(PYTHON)"; \
		rm -rf "$(VENV)"; \
		$(PYTHON) -m venv "$(VENV)" 2>/dev/null || { \
			rm -rf "$(VENV)" && \
			$(PYTHON) -m venv --without-pip "$(VENV)" && \
			$(PYTHON) -m pip --python "$(BIN)/python" install --quiet pip; \
		}; \
	fi
	$(PIP) install --quiet -e ".[dev]"
	@touch "$(STAMP)"

# Reinstalled whenever package-lock.json changes (npm comes from Debian when missing).
$(BIOME): package-lock.json
	sh scripts/ensure-node.sh
	npm ci --no-audit --no-fund --silent
	@touch "$(BIOME)"

demo: venv
	DJANGO_SETTINGS_MODULE=demo_project.settings $(BIN)/python demo/manage.py migrate --noinput
	DJANGO_SETTINGS_MODULE=demo_project.settings $(BIN)/python demo/manage.py runserver $(DEMO_ADDR)

test: lint
	sh scripts/ensure-chromium.sh
	sh scripts/ensure-redis.sh
	$(BIN)/pytest $(PYTEST_ARGS)

# Benchmarks (bench/): ratios measured side by side, printed as Markdown tables.
# `make bench BENCH_ARGS=--smoke` runs them with tiny sizes, as the tests do.
bench: venv
	sh scripts/ensure-chromium.sh
	sh scripts/ensure-redis.sh
	$(BIN)/python -m bench $(BENCH_ARGS)

# The README's pictures (docs/panel-light.png, docs/panel-dark.png), retaken on the demo.
screenshots: venv
	sh scripts/ensure-chromium.sh
	$(BIN)/python scripts/screenshots.py

# Mutation testing of the core modules (mutmut, in a temporary copy of the checkout):
# lists the mutants the unit tests let survive. `make mutate MUTATE_ARGS=--keep`
# keeps the copy for `mutmut browse`.
MUTATE_STAMP := $(VENV)/.mutate-installed
MUTATE_ARGS ?=

$(MUTATE_STAMP): $(STAMP)
	$(PIP) install --quiet -e ".[dev,mutate]"
	@touch "$(MUTATE_STAMP)"

mutate: $(MUTATE_STAMP)
	$(BIN)/python scripts/mutate.py $(MUTATE_ARGS)

lint: venv $(BIOME)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIOME) check static

format: venv $(BIOME)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	$(BIOME) check --write static

clean:
	rm -rf build dist .pytest_cache .ruff_cache .mypy_cache test-results *.egg-info
	find . -path ./$(VENV) -prune -o -type d -name __pycache__ -exec rm -rf {} +

distclean: clean
	rm -rf "$(VENV)" node_modules
