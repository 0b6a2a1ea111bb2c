# 三晋通 — two commands: `make run` (set up everything and start) and `make test` (every suite).
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export PYTHONPATH := $(CURDIR)

.PHONY: run test test-python test-miniprogram test-h5 test-browser venv deps h5 migrate seed \
        api-docs migrations check-migrations bench clean test-contract test-fault test-security

run: deps h5 migrate seed
	@$(BIN)/python -m app.cli banner
	@$(BIN)/sanic app.server:main_app --factory --host $${HOST:-127.0.0.1} --port $${PORT:-8000} \
		--single-process --no-motd

venv: $(STAMP)
$(STAMP): requirements.txt requirements-dev.txt
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	@touch $(STAMP)

deps: venv
	@if [ -f h5/package.json ]; then (cd h5 && ([ -d node_modules ] && [ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund)); fi
	@if [ -f miniprogram/package.json ]; then (cd miniprogram && ([ -d node_modules ] && [ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund)); fi

h5: deps
	@if [ -f h5/package.json ]; then (cd h5 && npm run build --silent); fi

migrate: venv
	$(BIN)/python -m app.cli migrate

seed: venv
	$(BIN)/python -m app.cli seed

test: deps test-python test-miniprogram test-h5 test-browser

test-python: venv
	$(BIN)/pytest

test-miniprogram: deps
	@if [ -f miniprogram/package.json ]; then (cd miniprogram && npm test --silent); fi

test-h5: deps
	@if [ -f h5/package.json ]; then (cd h5 && npm run test:unit --silent); fi

test-browser: deps
	@if [ -f h5/package.json ]; then (cd h5 && npm run build --silent && npm run test:browser --silent); fi

# The heavier suites on their own (all of them also run in `make test-python`).
test-contract: venv
	$(BIN)/pytest -o addopts="-q -p no:cacheprovider" tests/contract
test-fault: venv
	$(BIN)/pytest -m fault
test-security: venv
	$(BIN)/pytest tests/security

api-docs: venv
	$(BIN)/python -m app.cli export-openapi

migrations: venv
	DATABASE_URL=sqlite://:memory: $(BIN)/tortoise -c app.core.db.TORTOISE_ORM makemigrations

check-migrations: venv
	$(BIN)/python -m app.cli check-migrations

bench: venv
	$(BIN)/python -m bench.run

clean:
	rm -rf $(VENV) data h5/dist h5/node_modules miniprogram/node_modules
