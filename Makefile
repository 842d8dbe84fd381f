# StakeTrack AI — the two commands: `make run` and `make test`.
# Needs only Python 3.11+; uv is installed into .tools/ when it is not on PATH.

SHELL := /bin/bash
PYTHON ?= python3
UV := $(shell command -v uv 2>/dev/null || echo $(CURDIR)/.tools/bin/uv)
export UV_PYTHON_DOWNLOADS ?= never
# trust the platform's certificate store too (corporate proxies, custom CAs)
export UV_SYSTEM_CERTS ?= 1

.PHONY: help install run test lint format migrate worker clean

help:
	@echo "make run     install, migrate and serve the API on http://$${HOST:-127.0.0.1}:$${PORT:-8000}"
	@echo "make test    install and run the whole test suite"
	@echo "make lint    ruff (lint + format check) and mypy --strict on every package"
	@echo "make worker  run the arq worker (production mode, needs REDIS_URL)"

$(CURDIR)/.tools/bin/uv:
	$(PYTHON) -m venv $(CURDIR)/.tools
	$(CURDIR)/.tools/bin/pip install --quiet --disable-pip-version-check uv

.venv/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen
	@touch $@

install: .venv/.synced

run: install
	$(UV) run --frozen staketrack migrate
	$(UV) run --frozen staketrack serve

migrate: install
	$(UV) run --frozen staketrack migrate

worker: install
	$(UV) run --frozen staketrack worker

test: install
	$(UV) run --frozen pytest $(PYTEST_ARGS)

lint: install
	$(UV) run --frozen ruff check .
	$(UV) run --frozen ruff format --check .
	$(UV) run --frozen mypy

format: install
	$(UV) run --frozen ruff format .
	$(UV) run --frozen ruff check --fix .

clean:
	rm -rf .venv .tools .pytest_cache .mypy_cache .ruff_cache
