#!/usr/bin/env bash
# Create .venv and install trustdraft into it. Idempotent: steps re-run only when their inputs change.
#   scripts/setup.sh         the service (what `make serve` needs)
#   scripts/setup.sh dev     plus test, lint and eval tools (what `make test` needs): Python dev extras,
#                            Node 22 + promptfoo pinned in evals/promptfoo (npm ci), Debian's chromium, redis-server,
#                            postgresql (the review store's PostgreSQL tests start their own server) and util-linux's
#                            taskset (the benchmarks pin processes to cores)
set -euo pipefail
cd "$(dirname "$0")/.."
extra="${1:-}"
python="${PYTHON:-python3}"
stamp=".venv/.installed${extra:+-$extra}"

if [ ! -x .venv/bin/python ]; then
  echo "==> creating .venv with $($python --version)"
  "$python" -m venv .venv
fi
# llama-cpp-python compiles from source. Build it for portable x86-64 with AVX2 (never -march=native:
# a VM can advertise AVX-512/AMX it then refuses, and the model dies with "Illegal instruction"), once,
# into a wheel folder keyed by those flags; pip's own wheel cache does not know about CMAKE_ARGS.
llama_spec="llama-cpp-python==0.3.36"
llama_cmake="${TRUSTDRAFT_LLAMA_CMAKE_ARGS:--DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON}"
wheels="${XDG_CACHE_HOME:-$HOME/.cache}/trustdraft/wheels/$(printf '%s %s' "$llama_spec" "$llama_cmake" | sha256sum | cut -c1-12)"

if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ] || [ ! -f "$wheels/.built" ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip
  if [ ! -f "$wheels/.built" ]; then
    echo "==> compiling $llama_spec ($llama_cmake): ~6-20 min on 2 cores, once per machine"
    CMAKE_ARGS="$llama_cmake" CMAKE_BUILD_PARALLEL_LEVEL="${CMAKE_BUILD_PARALLEL_LEVEL:-$(nproc)}" \
      .venv/bin/python -m pip wheel --quiet --no-deps --no-cache-dir --wheel-dir "$wheels" "$llama_spec"
    touch "$wheels/.built"
  fi
  echo "==> installing trustdraft${extra:+[$extra]}"
  .venv/bin/python -m pip install --quiet --force-reinstall --no-deps "$wheels"/llama_cpp_python-*.whl
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
  # Debian packages the tests use: chromium renders the HTML report and drives the review console; redis-server
  # backs the shared rate limit; postgresql is the review store's second backend (tests run their own server);
  # taskset pins the overhead benchmark's processes to cores (bench/harness.py).
  missing=()
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
  compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing+=(postgresql)
  command -v taskset >/dev/null 2>&1 || missing+=(util-linux)
  if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
      echo "==> installing Debian's ${missing[*]} (for the browser, rate-limit and PostgreSQL tests, pinned benchmarks)"
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    else
      echo "note: install Debian's ${missing[*]} to run the browser, Redis and PostgreSQL tests and pinned benchmarks" >&2
    fi
  fi
fi
