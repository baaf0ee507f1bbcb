#!/usr/bin/env bash
# Prints the comparison tables of docs/benchmarks.md: scalerd's default queue and concurrency
# policies against the baselines, on the Azure conversation trace and on a synthetic bursty one.
# Then times a 24-hour, million-request run.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product scalerd >&2
scalerd=.build/release/scalerd

for policy in queue concurrency; do
    echo "#### \`$policy\` policy, Azure LLM conversation trace"
    echo
    "$scalerd" simulate -c "config/simulate/$policy.yaml" --trace traces/AzureLLMInferenceTrace_conv.csv --format markdown
    echo
    echo "#### \`$policy\` policy, synthetic bursty trace (6 h, seed 1)"
    echo
    "$scalerd" simulate -c "config/simulate/$policy.yaml" --bursty 6h --seed 1 --format markdown
    echo
done

echo "#### Speed: 24 hours, about a million requests, all seven policies"
echo
TIMEFORMAT="wall time: %R s, CPU %U s user, on $(nproc) cores"
{ time "$scalerd" simulate -c config/simulate/concurrency.yaml --bursty 24h --burst-rate 45 --seed 1 | head -1; } 2>&1
