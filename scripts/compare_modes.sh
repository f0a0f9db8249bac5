#!/usr/bin/env bash
# One-shot vs best-of-3 vs critique-and-revise (2 rounds), on the eval cases, through the service's pipeline.
#   scripts/compare_modes.sh                       # every case, the configured (embedded) model
#   CASES='telecom-*,saas-*' OUT=out/modes MODEL=openai/gpt-4o-mini scripts/compare_modes.sh
# Writes results.json per mode and a comparison report (report.md, report.html) for each mode vs one-shot.
set -euo pipefail
cd "$(dirname "$0")/.."
cases="${CASES:-*}"
out="${OUT:-out/modes}"
model=(${MODEL:+--model "$MODEL"})
td=.venv/bin/trustdraft

"$td" eval run --prompts production --cases "$cases" "${model[@]}" --out "$out/oneshot"
"$td" eval run --prompts production --cases "$cases" "${model[@]}" --n 3 --out "$out/best3"
"$td" eval run --prompts production --cases "$cases" "${model[@]}" --revise 2 --out "$out/revise2"
for mode in best3 revise2; do
  # the gate's exit code says "significantly worse"; here it is a measurement, so carry on either way
  "$td" eval compare "$out/oneshot/results.json" "$out/$mode/results.json" --out "$out/oneshot-vs-$mode" || true
done
