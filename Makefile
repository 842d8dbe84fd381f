# StakeTrack AI — the two commands: `make run` and `make test`.
# Needs only Python 3.11+; uv is installed into .tools/ when it is not on PATH, and Node 24
# (for the web app in frontend/) comes into .tools/node from PyPI (scripts/ensure_node.sh).

SHELL := /bin/bash
PYTHON ?= python3
UV := $(shell command -v uv 2>/dev/null || echo $(CURDIR)/.tools/bin/uv)
export UV_PYTHON_DOWNLOADS ?= never
# trust the platform's certificate store too (corporate proxies, custom CAs)
export UV_SYSTEM_CERTS ?= 1

HOST ?= 127.0.0.1
PORT ?= 8000
# sign-in messages name the origin the browser is on: `make run` serves the app itself
APP_DOMAIN ?= $(HOST):$(PORT)
NODE_BIN := $(CURDIR)/.tools/node/bin
# every node/npm/npx call runs Node 24 from .tools, never an older system node
WEB := cd frontend && PATH="$(NODE_BIN):$$PATH"
CHROMIUM_PATH ?= /usr/bin/chromium
E2E_PORT ?= 8765
DEV_PORT ?= 5173
DEV_API_PORT ?= 8000

WEB_STAMP := frontend/node_modules/.staketrack-installed
# every file and directory (a directory changes when a file is added or removed)
WEB_SOURCES := $(shell find frontend/src frontend/calculator frontend/public 2>/dev/null) \
	frontend/index.html frontend/vite.config.ts frontend/tsconfig.json frontend/package.json \
	frontend/package-lock.json
WEB_BUILT := frontend/dist/.vite/manifest.json

.PHONY: help install node web web-deps run dev test test-py test-web test-e2e lint lint-web \
	api-types size format migrate worker clean

help:
	@echo "make run     install, migrate, build the web app and serve it + the API on http://$(HOST):$(PORT)/"
	@echo "make dev     API on :$(DEV_API_PORT) (background) + Vite dev server on http://localhost:$(DEV_PORT) (hot reload)"
	@echo "make test    pytest, Vitest, and Playwright (when Chromium exists)"
	@echo "make web     build the web app into frontend/dist (only when its sources changed)"
	@echo "make lint    ruff, mypy --strict, tsc --strict, generated API types up to date"
	@echo "make worker  run the arq worker (production mode, needs REDIS_URL)"

$(CURDIR)/.tools/bin/uv:
	$(PYTHON) -m venv $(CURDIR)/.tools
	$(CURDIR)/.tools/bin/pip install --quiet --disable-pip-version-check uv

.venv/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen
	@touch $@

install: .venv/.synced

# Node 24 in .tools/node (idempotent, fast when present)
node: | $(UV)
	@UV="$(UV)" bash scripts/ensure_node.sh

# frontend/node_modules, re-installed (npm ci) whenever the lockfile changes
$(WEB_STAMP): frontend/package-lock.json frontend/package.json | node
	$(WEB) npm ci --no-audit --no-fund --loglevel=error
	@touch $@

web-deps: $(WEB_STAMP)

# frontend/dist, rebuilt only when a web source, config or the lockfile changed
$(WEB_BUILT): $(WEB_SOURCES) $(WEB_STAMP)
	$(WEB) npx vite build --logLevel warn
	@touch $@

web: $(WEB_BUILT)

run: install web
	$(UV) run --frozen staketrack migrate
	HOST="$(HOST)" PORT="$(PORT)" APP_DOMAIN="$(APP_DOMAIN)" $(UV) run --frozen staketrack serve

# The API in the background (its sign-in domain is the Vite origin) and the Vite dev server
# in the foreground (/api proxied to the API); Ctrl-C stops both.
# DEV_PORT (5173) / DEV_API_PORT (8000) move them.
dev: install web-deps
	$(UV) run --frozen staketrack migrate
	@HOST=127.0.0.1 PORT=$(DEV_API_PORT) APP_DOMAIN=localhost:$(DEV_PORT) $(UV) run --frozen staketrack serve & api=$$!; \
	trap 'kill $$api 2>/dev/null; wait $$api 2>/dev/null' EXIT INT TERM; \
	echo "API on http://127.0.0.1:$(DEV_API_PORT) — open the app at http://localhost:$(DEV_PORT)/"; \
	$(WEB) STAKETRACK_API=http://127.0.0.1:$(DEV_API_PORT) DEV_PORT=$(DEV_PORT) npx vite

migrate: install
	$(UV) run --frozen staketrack migrate

worker: install
	$(UV) run --frozen staketrack worker

# Every suite runs even when an earlier one failed (-k); make fails if any failed. The
# frontend counts lines are repeated at the end, where a reader looks.
test:
	@rm -f frontend/test-results/vitest-report.json frontend/test-results/e2e-report.json; \
	status=0; $(MAKE) --no-print-directory -k test-py test-web test-e2e || status=$$?; \
	echo "== frontend suites"; \
	for suite in vitest:vitest-report playwright:e2e-report; do \
	  $(UV) run --frozen python scripts/frontend_counts.py $${suite%%:*} frontend/test-results/$${suite#*:}.json || true; \
	done; exit $$status

test-py: install
	$(UV) run --frozen pytest $(PYTEST_ARGS)

test-web: web-deps
	@rm -f frontend/test-results/vitest-report.json
	@$(WEB) npx vitest run; status=$$?; cd .. && \
	  $(UV) run --frozen python scripts/frontend_counts.py vitest frontend/test-results/vitest-report.json \
	  && exit $$status

# Playwright on Debian's Chromium (CHROMIUM_PATH). Skipped when it is missing, unless
# REQUIRE_E2E=1 (CI), where a missing browser fails.
test-e2e: install web
	@if [ ! -x "$(CHROMIUM_PATH)" ]; then \
	  if [ -n "$(REQUIRE_E2E)" ]; then echo "playwright: Chromium missing at $(CHROMIUM_PATH)" >&2; exit 1; fi; \
	  echo "playwright: skipped (no Chromium at $(CHROMIUM_PATH); apt-get install chromium)"; exit 0; fi; \
	rm -f frontend/test-results/e2e-report.json; \
	$(WEB) CHROMIUM_PATH="$(CHROMIUM_PATH)" E2E_PORT="$(E2E_PORT)" npx playwright test $(E2E_ARGS); status=$$?; cd .. && \
	  $(UV) run --frozen python scripts/frontend_counts.py playwright frontend/test-results/e2e-report.json \
	  && exit $$status

lint: install lint-web
	$(UV) run --frozen ruff check .
	$(UV) run --frozen ruff format --check .
	$(UV) run --frozen mypy

# tsc --strict, and the committed src/api/schema.d.ts equals the live OpenAPI's types
lint-web: install web-deps
	$(WEB) npx tsc -p .
	$(WEB) node scripts/gen-api.mjs --check

api-types: install web-deps
	$(WEB) node scripts/gen-api.mjs

# gzipped JS budget of the public calculator page (fails above 100 KB)
size: web
	$(WEB) node scripts/check-bundle-size.mjs

format: install
	$(UV) run --frozen ruff format .
	$(UV) run --frozen ruff check --fix .

clean:
	rm -rf .venv .tools .pytest_cache .mypy_cache .ruff_cache frontend/node_modules frontend/dist \
	  frontend/test-results
