# trustdraft: the service on the embedded model. Build: docker build -t trustdraft .
# Run: docker run -p 8000:8000 trustdraft   (set TRUSTDRAFT_DEFAULT_MODEL and a provider key for a real model)

# Build stage: llama-cpp-python compiles from source, so the compilers stay out of the final image.
FROM python:3.11-slim AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends build-essential cmake \
 && rm -rf /var/lib/apt/lists/*
# Portable x86-64 with AVX2, not -march=native: the image must run on CPUs other than the build host's.
ENV CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON"
WORKDIR /src
COPY pyproject.toml README.md ./
COPY service ./service
COPY evals ./evals
RUN pip wheel --no-cache-dir --wheel-dir /wheels ".[redis]"

FROM python:3.11-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends libgomp1 \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --create-home --uid 10001 trustdraft
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/*.whl && rm -rf /wheels
WORKDIR /app
COPY prompts ./prompts
ENV TRUSTDRAFT_PROMPTS_DIR=/app/prompts \
    LITELLM_LOCAL_MODEL_COST_MAP=True \
    PYTHONUNBUFFERED=1
USER trustdraft
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status != 200)"]
CMD ["trustdraft", "serve", "--host", "0.0.0.0", "--port", "8000"]
