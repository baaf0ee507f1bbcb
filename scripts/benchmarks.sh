#!/usr/bin/env bash
# Prints the tables of docs/benchmarks.md and writes its charts (docs/benchmarks/*.svg).
# Part 1, on the traces defaults and the recommended policy were chosen on (the Azure
# conversation trace, bursty seeds 1-3): scalerd's defaults against the baselines, what each
# feature buys, the control modes, the recommended policy. Part 2, on held-out traces never used
# for choosing (bursty seeds 101-110, a synthetic diurnal day): the control modes, the
# recommended policy and its features, and every family's frontier. Part 3, on both: the SLO
# policy against each family's cheapest setting within 1.5% over target, and what `scalerd tune`
# picks. Then times a 24-hour, million-request run.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product scalerd >&2
scalerd=.build/release/scalerd
azure=(--trace traces/AzureLLMInferenceTrace_conv.csv)

candidates() {
    for file in "$@"; do printf -- '--candidate\n%s\n' "$file"; done
}

held_out=()
for seed in $(seq 101 110); do held_out+=("bursty-$seed"); done
held_out+=(diurnal-1)
source_of() {
    case "$1" in
        azure) echo "--trace traces/AzureLLMInferenceTrace_conv.csv" ;;
        bursty-*) echo "--bursty 6h --seed ${1#bursty-}" ;;
        diurnal-*) echo "--diurnal 24h --seed ${1#diurnal-}" ;;
    esac
}
title_of() {
    case "$1" in
        azure) echo "Azure LLM conversation trace" ;;
        bursty-*) echo "synthetic bursty trace (6 h, seed ${1#bursty-})" ;;
        diurnal-*) echo "synthetic diurnal day (24 h, seed ${1#diurnal-})" ;;
    esac
}
control_tables() {
    for policy in queue concurrency; do
        echo "#### Control modes, \`$policy\` policy, $(title_of "$1")"
        echo
        # shellcheck disable=SC2046
        "$scalerd" simulate -c "config/simulate/$policy.yaml" --candidate "config/simulate/control/$policy-exact.yaml" $(source_of "$1") --policies scalerd --format markdown
        echo
    done
}

echo "## Part 1: the traces defaults were chosen on"
echo
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

echo "### Control modes on the traces the default was chosen on"
echo
for trace in azure bursty-1 bursty-2 bursty-3; do control_tables "$trace"; done

echo "## Part 2: held-out traces, never used for choosing"
echo
echo "### Control modes on held-out traffic"
echo
for trace in "${held_out[@]}"; do control_tables "$trace"; done

echo "### The recommended policy and its features on held-out traffic"
echo
for trace in "${held_out[@]}"; do
    echo "#### $(title_of "$trace")"
    echo
    # shellcheck disable=SC2046
    "$scalerd" simulate -c config/simulate/queue.yaml --candidate config/simulate/recommended.yaml \
        --candidate config/simulate/features/look-ahead.yaml --candidate config/simulate/features/adaptive-idle.yaml \
        $(source_of "$trace") --policies scalerd --format markdown
    echo
done

echo "### Frontiers on held-out traffic"
echo
for trace in "${held_out[@]}"; do
    echo "#### $(title_of "$trace")"
    echo
    echo "![frontiers, $(title_of "$trace")](benchmarks/frontiers-$trace.svg)"
    echo
    # shellcheck disable=SC2046
    "$scalerd" simulate -c config/simulate/queue.yaml $(source_of "$trace") --sweep --chart "docs/benchmarks/frontiers-$trace.svg" --format markdown
    echo
done

echo "## Part 3: the SLO policy (policy.slo), on the traces of parts 1 and 2"
echo
echo "Only type, value, the bounds, max_concurrent_per_worker and slo: { over_target: 1% } are set"
echo "(config/simulate/slo.yaml). For each trace: each family's cheapest setting within 1.5% over"
echo "target, found on that very trace, and the SLO policy as configured beside them; then what"
echo "scalerd tune picks for 1% on that trace (a choice made on the data it is reported on)."
echo
for trace in azure bursty-1 bursty-2 bursty-3 "${held_out[@]}"; do
    echo "#### $(title_of "$trace")"
    echo
    echo '```'
    # shellcheck disable=SC2046
    "$scalerd" tune -c config/simulate/slo.yaml $(source_of "$trace") --slo 1.5% 2>/dev/null | sed -n '/^cheapest setting of each family/,/^as configured/p' || true
    # shellcheck disable=SC2046
    "$scalerd" tune -c config/simulate/slo.yaml $(source_of "$trace") --slo 1% 2>/dev/null | grep -E '^  scalerd: ' | sed 's/^  scalerd: /scalerd tune for 1%: /' || true
    echo '```'
    echo
done

echo "### Speed: 24 hours, about a million requests, all seven policies"
echo
TIMEFORMAT="wall time: %R s, CPU %U s user, on $(nproc) cores"
{ time "$scalerd" simulate -c config/simulate/concurrency.yaml --bursty 24h --burst-rate 45 --seed 1 | head -1; } 2>&1
