# The README's two Quickstart commands are `make serve` and `make test`; everything else is optional.
HOST ?= 127.0.0.1
PORT ?= 8000
export LITELLM_LOCAL_MODEL_COST_MAP = True

.PHONY: serve test setup setup-dev lint

setup:
	@scripts/setup.sh

setup-dev:
	@scripts/setup.sh dev

serve: setup  ## install what is needed and run the service on the embedded model
	.venv/bin/trustdraft serve --host $(HOST) --port $(PORT)

test: setup-dev  ## install what is needed and run the whole test suite
	.venv/bin/ruff check service evals tests
	.venv/bin/python -m pytest

lint: setup-dev
	.venv/bin/ruff check service evals tests
	.venv/bin/mypy service evals
