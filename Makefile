# Two entry points (see README): `make demo` runs the platform, `make test` checks everything.
# Both install what they need: uv (with pip), Python deps (uv.lock), npm deps, Debian chromium,
# Debian prometheus and prometheus-alertmanager (promtool, amtool and the server for the monitoring tests),
# Debian redis-server (the Celery broker of tests/orchestration/test_celery.py).

SHELL := /bin/bash
UV := $(shell command -v uv 2>/dev/null || echo "python3 -m uv")
NPM := npm --prefix frontend
APT_GET := $(if $(filter 0,$(shell id -u)),apt-get,sudo apt-get)

.PHONY: demo test setup python-deps frontend-deps frontend chromium prometheus redis lint typecheck check-api \
        pytest vitest clean focus-validator focus-validator-lock

demo: setup frontend
	$(UV) run finops demo

test: setup chromium prometheus redis focus-validator frontend lint typecheck check-api vitest pytest

setup: python-deps frontend-deps

python-deps:
	@command -v uv >/dev/null 2>&1 || python3 -m uv --version >/dev/null 2>&1 || \
		python3 -m pip install --quiet uv
	$(UV) sync --frozen

frontend-deps:
	@if [ ! -d frontend/node_modules ] || [ frontend/package-lock.json -nt frontend/node_modules/.package-lock.json ]; then \
		$(NPM) ci --no-audit --no-fund; \
	fi

frontend: frontend-deps
	$(NPM) run build

chromium:
	@command -v chromium >/dev/null 2>&1 || { \
		$(APT_GET) update -qq && DEBIAN_FRONTEND=noninteractive $(APT_GET) install -y -qq chromium; }

# tests/monitoring: promtool checks and unit-tests the rules, a real Prometheus scrapes
# `finops serve`, amtool checks the Alertmanager config
prometheus:
	@{ command -v promtool && command -v amtool; } >/dev/null 2>&1 || { \
		$(APT_GET) update -qq && DEBIAN_FRONTEND=noninteractive $(APT_GET) install -y -qq \
			--no-install-recommends prometheus prometheus-alertmanager; }

# tests/orchestration/test_celery.py: the Redis broker of FINOPS_AIRFLOW_EXECUTOR=celery
redis:
	@command -v redis-server >/dev/null 2>&1 || { \
		$(APT_GET) update -qq && DEBIAN_FRONTEND=noninteractive $(APT_GET) install -y -qq \
			--no-install-recommends redis-server; }

# The FinOps Foundation's focus-validator in its own venv (Python >= 3.12, pinned packages):
# tests/export/test_focus_export.py runs it on `finops export focus` output.
FOCUS_VALIDATOR_DIR := .cache/focus-validator
FOCUS_VALIDATOR_REQS := tools/focus-validator/requirements.txt

focus-validator: $(FOCUS_VALIDATOR_DIR)/installed

$(FOCUS_VALIDATOR_DIR)/installed: $(FOCUS_VALIDATOR_REQS) tools/focus-validator/find-python.sh
	@python=$$(tools/focus-validator/find-python.sh) && \
		rm -rf $(FOCUS_VALIDATOR_DIR)/venv && mkdir -p $(FOCUS_VALIDATOR_DIR) && \
		$(UV) venv --quiet --python "$$python" $(FOCUS_VALIDATOR_DIR)/venv && \
		$(UV) pip install --quiet --python $(FOCUS_VALIDATOR_DIR)/venv/bin/python \
			-r $(FOCUS_VALIDATOR_REQS) && \
		$(FOCUS_VALIDATOR_DIR)/venv/bin/python -c "import focus_validator.main" && \
		touch $@ && echo "focus-validator installed in $(FOCUS_VALIDATOR_DIR)/venv ($$python)"

focus-validator-lock:
	cd tools/focus-validator && $(UV) pip compile --quiet --python-version 3.12 \
		requirements.in -o requirements.txt

lint:
	$(UV) run ruff check backend dags migrations tests benchmarks
	$(UV) run ruff format --check backend dags migrations tests benchmarks
	$(NPM) run lint

typecheck:
	$(UV) run mypy
	$(NPM) run typecheck

# the checked-in OpenAPI schema and the generated client must match the API
check-api:
	@tmp=$$(mktemp); $(UV) run finops openapi --out $$tmp 2>/dev/null; \
	if ! cmp -s $$tmp frontend/openapi.json; then \
		echo "frontend/openapi.json is stale: run 'uv run finops openapi --out frontend/openapi.json && npm --prefix frontend run generate:api'"; \
		rm -f $$tmp; exit 1; fi; rm -f $$tmp
	$(NPM) run check:api

vitest:
	$(NPM) test

pytest: focus-validator
	$(UV) run pytest

clean:
	rm -rf frontend/dist test-artifacts .pytest_cache .mypy_cache .ruff_cache .cache
