#!/usr/bin/env bash
# Prints the tables of docs/benchmarks.md: scalerd's default policies against the baselines,
# what each policy feature buys, and the recommended policy (with one knob turned each way)
# against the baselines, on the Azure conversation trace and on synthetic bursty ones. Then
# times a 24-hour, million-request run.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product scalerd >&2
scalerd=.build/release/scalerd
azure=(--trace traces/AzureLLMInferenceTrace_conv.csv)

candidates() {
    for file in "$@"; do printf -- '--candidate\n%s\n' "$file"; done
}

echo "### scalerd's defaults"
echo
for policy in queue concurrency; do
    echo "#### \`$policy\` policy, Azure LLM conversation trace"
    echo
    "$scalerd" simulate -c "config/simulate/$policy.yaml" "${azure[@]}" --format markdown
    echo
    echo "#### \`$policy\` policy, synthetic bursty trace (6 h, seed 1)"
    echo
    "$scalerd" simulate -c "config/simulate/$policy.yaml" --bursty 6h --seed 1 --format markdown
    echo
done

echo "### What each feature buys"
echo
mapfile -t features < <(candidates config/simulate/features/*.yaml)
mapfile -t ablations < <(candidates config/simulate/ablations/*.yaml)
for trace in azure bursty; do
    if [ "$trace" = azure ]; then source=("${azure[@]}"); name="Azure LLM conversation trace"; else source=(--bursty 6h --seed 1); name="synthetic bursty trace (6 h, seed 1)"; fi
    echo "#### Each feature added to the default \`queue\` policy, $name"
    echo
    "$scalerd" simulate -c config/simulate/queue.yaml "${features[@]}" "${source[@]}" --policies scalerd --format markdown
    echo
    echo "#### The recommended policy and what it is without each of its features, $name"
    echo
    "$scalerd" simulate -c config/simulate/recommended.yaml "${ablations[@]}" "${source[@]}" --policies scalerd --format markdown
    echo
done

echo "### The recommended policy against the baselines"
echo
mapfile -t tuned < <(candidates config/simulate/tuned/*.yaml)
echo "#### Azure LLM conversation trace"
echo
"$scalerd" simulate -c config/simulate/recommended.yaml "${tuned[@]}" "${azure[@]}" --format markdown
echo
for seed in 1 2 3; do
    echo "#### Synthetic bursty trace (6 h, seed $seed)"
    echo
    "$scalerd" simulate -c config/simulate/recommended.yaml "${tuned[@]}" --bursty 6h --seed "$seed" --format markdown
    echo
done

echo "### Speed: 24 hours, about a million requests, all seven policies"
echo
TIMEFORMAT="wall time: %R s, CPU %U s user, on $(nproc) cores"
{ time "$scalerd" simulate -c config/simulate/concurrency.yaml --bursty 24h --burst-rate 45 --seed 1 | head -1; } 2>&1
