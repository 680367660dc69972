# Two entry points (see README): `make demo` runs the platform, `make test` checks everything.
# Both install what they need: uv (with pip), Python deps (uv.lock), npm deps, Debian chromium.

SHELL := /bin/bash
UV := $(shell command -v uv 2>/dev/null || echo "python3 -m uv")
NPM := npm --prefix frontend
APT_GET := $(if $(filter 0,$(shell id -u)),apt-get,sudo apt-get)

.PHONY: demo test setup python-deps frontend-deps frontend chromium lint typecheck check-api \
        pytest vitest clean

demo: setup frontend
	$(UV) run finops demo

test: setup chromium frontend lint typecheck check-api vitest pytest

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

pytest:
	$(UV) run pytest

clean:
	rm -rf frontend/dist test-artifacts .pytest_cache .mypy_cache .ruff_cache
