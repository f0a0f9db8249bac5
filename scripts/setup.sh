#!/usr/bin/env bash
# Create .venv and install trustdraft into it. Idempotent: steps re-run only when their inputs change.
#   scripts/setup.sh         the service (what `make serve` needs)
#   scripts/setup.sh dev     plus test, lint and eval tools (what `make test` needs): Python dev extras,
#                            Node 22 + promptfoo pinned in evals/promptfoo (npm ci), Debian's chromium and redis-server
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

if [ "$extra" = "dev" ]; then
  promptfoo_stamp="evals/promptfoo/node_modules/.installed"
  if [ ! -f "$promptfoo_stamp" ] || [ evals/promptfoo/package-lock.json -nt "$promptfoo_stamp" ]; then
    echo "==> installing Node 22 and promptfoo from evals/promptfoo/package-lock.json (npm ci)"
    (cd evals/promptfoo && npm ci --no-audit --no-fund --loglevel=error)
    touch "$promptfoo_stamp"
  fi
  # Debian packages the tests use: chromium renders the HTML report; redis-server backs the shared rate limit.
  missing=()
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
  if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
      echo "==> installing Debian's ${missing[*]} (for the report and rate-limit tests)"
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    else
      echo "note: install Debian's ${missing[*]} to run the report and Redis rate-limit tests" >&2
    fi
  fi
fi
