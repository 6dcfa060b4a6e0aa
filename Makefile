# Sésame — the two commands: `make run` (whole platform locally) and `make test`.
# Everything they need is installed on first use, so both work on a fresh clone.

PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test install lint typecheck unit integration infra-check bench bench-imports response-examples clean

$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@# uv (pinned in requirements-dev.txt) installs the pins in seconds; pip only bootstraps it
	$(PY) -m pip install --quiet --disable-pip-version-check "$$(grep -o '^uv==[^ ]*' requirements-dev.txt)"
	$(VENV)/bin/uv pip install --quiet --python $(PY) -r requirements.txt -r requirements-dev.txt
	$(VENV)/bin/uv pip install --quiet --python $(PY) --no-deps -e .  # the `sesame` CLI
	@touch $(STAMP)

## install: project venv + emulators (idempotent, fast when nothing changed)
install: $(STAMP)
	$(PY) -m devstack install

## run: start the emulators and serve every function at http://127.0.0.1:8080 (Ctrl-C stops all)
run: install
	$(PY) -m devstack up --gateway

## test: lint, type check, then unit, rules and integration tests on real emulators (free ports:
## it runs beside `make run`), then infra checks
test: install lint typecheck
	$(PY) -m devstack run --free-ports -- $(PY) -m pytest tests --durations=25
	$(MAKE) --no-print-directory infra-check

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

typecheck: $(STAMP)
	$(PY) -m mypy

unit: $(STAMP)
	$(PY) -m pytest tests/unit

infra-check: $(STAMP)
	bash infra/check.sh

bench: $(STAMP)
	$(PY) -m bench.simulation

## bench-imports: each function's import time and heavy modules, in its own clean environment
bench-imports: install
	$(PY) -m devstack run -- $(PY) -m bench.imports

## response-examples: record the OpenAPI response examples again from real answers
## (after a response model changed shape); writes shared/api/response_examples.json
response-examples: install
	SESAME_RECORD_RESPONSE_EXAMPLES=1 $(PY) -m devstack run --free-ports -- \
		$(PY) -m pytest tests/integration -q -p no:cacheprovider \
		--ignore=tests/integration/test_schemathesis.py

clean:
	rm -rf $(VENV) .devstack node_modules
