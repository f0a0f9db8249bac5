# The README's two Quickstart commands are `make serve` and `make test`; everything else is optional.
HOST ?= 127.0.0.1
PORT ?= 8000
export LITELLM_LOCAL_MODEL_COST_MAP = True

.PHONY: serve test setup setup-dev lint bench

setup:
	@scripts/setup.sh

setup-dev:
	@scripts/setup.sh dev

serve: setup  ## install what is needed and run the service on the embedded model
	.venv/bin/trustdraft serve --host $(HOST) --port $(PORT)

test: setup-dev  ## install what is needed and run the whole test suite
	.venv/bin/ruff check service evals tests
	.venv/bin/lint-imports --no-cache
	.venv/bin/python -m pytest

lint: setup-dev
	.venv/bin/ruff check service evals tests
	.venv/bin/lint-imports --no-cache
	.venv/bin/mypy service evals

bench: setup-dev  ## the benchmarks (not part of the tests): results in bench/results/, table in docs/BENCHMARKS.md
	.venv/bin/python -m bench.bench_overhead
	.venv/bin/python -m bench.profile_request
	.venv/bin/python -m bench.bench_growth
	.venv/bin/python -m bench.bench_graders
	.venv/bin/python -m bench.bench_storage
	.venv/bin/python -m bench.bench_store_call
	.venv/bin/python -m bench.bench_history
	.venv/bin/python -m bench.bench_runner
	.venv/bin/python -m bench.bench_local_model
	.venv/bin/python -m bench.soak
