#!/usr/bin/env bash
# Create .venv and install trustdraft into it. Idempotent: re-runs only when pyproject.toml changes.
#   scripts/setup.sh         the service (what `make serve` needs)
#   scripts/setup.sh dev     plus test, lint and eval tools (what `make test` needs)
set -euo pipefail
cd "$(dirname "$0")/.."
extra="${1:-}"
python="${PYTHON:-python3}"
stamp=".venv/.installed${extra:+-$extra}"

if [ ! -x .venv/bin/python ]; then
  echo "==> creating .venv with $($python --version)"
  "$python" -m venv .venv
fi
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "==> installing trustdraft${extra:+[$extra]} (the first run compiles llama-cpp-python: ~20 min on 2 cores; pip caches the wheel)"
  .venv/bin/python -m pip install --quiet --upgrade pip
  CMAKE_BUILD_PARALLEL_LEVEL="${CMAKE_BUILD_PARALLEL_LEVEL:-$(nproc)}" \
    .venv/bin/python -m pip install --quiet -e ".${extra:+[$extra]}"
  touch "$stamp"
fi
