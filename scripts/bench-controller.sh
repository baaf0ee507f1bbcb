#!/usr/bin/env bash
# Prints what scalerd costs per tick as the endpoint count grows: the daemon (release build) runs
# N endpoints on simulated providers with a 1 s tick, and this reads its /metrics and /proc.
# Then the journal on its own: a million rows for one endpoint written by `journal-bench` (rows
# per second, and a hold's extension at 100 rows and at a million), and the audit commands'
# time and memory on that journal.
#   bash scripts/bench-controller.sh [N ...]          (default: 100 1000 10000)
# Env: SECONDS_PER_RUN (measured window, default 300: one whole cycle of the simulated load,
#      whose first minute is quiet, so that a shorter window measures mostly idle endpoints),
#      WARMUP (seconds run before it, default 3),
#      BENCH_DIR (scratch, default a temp dir),
#      SCALERD and JOURNAL_BENCH (binaries; default builds both in release), JOURNAL_ROWS
#      (default 1000000; 0 skips the journal part),
#      HA (1: the daemon also leads a high-availability group on a throwaway PostgreSQL that the
#      script starts in BENCH_DIR and stops, so that the figures include the lease's claim at
#      every tick; a last column gives the claim's mean time),
#      SHARDS (with HA: ha.shards; the one daemon then leads every shard, and the claim's time
#      is the whole round: the group's survey and a claim per shard),
#      JOURNAL (postgres: the daemon journals to a fresh database on that throwaway PostgreSQL,
#      not to a SQLite file; with HA, the lease is kept in the same database).
# Columns: CPU per tick (user+system over the window / ticks completed), tick wall (mean, from
# scalerd_tick_duration_seconds), dropped wakes (1 s wakes between the window's first and last
# completed tick, by scalerd_last_tick_timestamp, that completed no tick), journal decisions/s (rows written / time inside the journal write), max RSS
# (VmHWM), written per tick (bytes the daemon handed to write(2) over the window, per tick: the
# journal's WAL and checkpoints), of it file-backed (RssFile at the end: the binary's and
# libraries' pages, which the kernel can drop and read back), time to ready (launch to the
# first completed tick, /readyz).
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ -z "${SCALERD:-}" || -z "${JOURNAL_BENCH:-}" ]]; then
    swift build -c release --product scalerd >&2
    swift build -c release --product journal-bench >&2
fi
SCALERD=${SCALERD:-$PWD/.build/release/scalerd}
JOURNAL_BENCH=${JOURNAL_BENCH:-$PWD/.build/release/journal-bench}
rows=${JOURNAL_ROWS:-1000000}
window=${SECONDS_PER_RUN:-300}
warmup=${WARMUP:-3}
scratch=${BENCH_DIR:-$(mktemp -d)}
counts=("$@")
[[ ${#counts[@]} -gt 0 ]] || counts=(100 1000 10000)
hz=$(getconf CLK_TCK)

pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2> /dev/null | sort -V | tail -1)
pg_port=0
as_postgres() { if [[ $(id -u) -eq 0 ]]; then setpriv --reuid=postgres --regid=postgres --init-groups -- "$@"; else "$@"; fi; }
journal_backend=${JOURNAL:-sqlite}
[[ "$journal_backend" == sqlite || "$journal_backend" == postgres ]] || { echo "JOURNAL is sqlite or postgres" >&2; exit 1; }
if [[ "${HA:-0}" == 1 || "$journal_backend" == postgres ]]; then
    [[ -n "$pg_bin" ]] || { echo "HA=1 and JOURNAL=postgres need PostgreSQL's server: apt-get install postgresql" >&2; exit 1; }
    pg_port=$((19900 + RANDOM % 90))
    rm -rf "$scratch/pg"; mkdir -p "$scratch/pg"
    echo bench-pg-password > "$scratch/pg/password"
    [[ $(id -u) -ne 0 ]] || chown -R postgres:postgres "$scratch/pg"
    as_postgres "$pg_bin/initdb" -D "$scratch/pg/data" -U scalerd --pwfile="$scratch/pg/password" --auth-local=trust \
        --auth-host=scram-sha-256 -E UTF8 --locale=C > /dev/null
    # Started as a simple command, not through the function, so that $! is the server itself.
    server=("$pg_bin/postgres" -D "$scratch/pg/data" -p "$pg_port" -k "$scratch/pg" -c listen_addresses=127.0.0.1)
    if [[ $(id -u) -eq 0 ]]; then
        setpriv --reuid=postgres --regid=postgres --init-groups -- "${server[@]}" > "$scratch/pg/log" 2>&1 &
    else
        "${server[@]}" > "$scratch/pg/log" 2>&1 &
    fi
    pg_pid=$!
    trap 'kill -INT $pg_pid 2> /dev/null; wait $pg_pid 2> /dev/null' EXIT
    until "$pg_bin/pg_isready" -q -h 127.0.0.1 -p "$pg_port"; do sleep 0.1; done
    "$pg_bin/createdb" -h "$scratch/pg" -p "$pg_port" -U scalerd scalerd
    export PG_PASSWORD=bench-pg-password
fi

config_for() { # N PORT
    if [[ "$journal_backend" == postgres ]]; then
        echo "journal: { url: \"postgres://scalerd@127.0.0.1:$pg_port/journal_$1?sslmode=disable\", password: env:PG_PASSWORD }"
    else
        echo "journal: { path: $scratch/journal-$1.sqlite }"
    fi
    cat <<EOF
tick: 1s
log: { level: warning, format: json }
admin: { listen: "127.0.0.1:$2" }
EOF
    if [[ "${HA:-0}" == 1 && "$journal_backend" == postgres ]]; then
        echo "ha: { lease: 15s, group: bench-$1${SHARDS:+, shards: $SHARDS} }"
    elif [[ "${HA:-0}" == 1 ]]; then
        echo "ha: { url: \"postgres://scalerd@127.0.0.1:$pg_port/scalerd?sslmode=disable\", password: env:PG_PASSWORD, lease: 15s, group: bench-$1${SHARDS:+, shards: $SHARDS} }"
    fi
    echo "providers:"
    for p in 0 1 2 3; do
        printf '  - { name: sim%d, kind: simulated, simulation: { seed: %d, cold_start: 20s, service_time: 2s, peak_rps: 6, cycle: 300s } }\n' "$p" "$((p + 1))"
    done
    echo "endpoints:"
    for ((i = 0; i < $1; i++)); do
        printf '  - { name: ep%05d, provider: sim%d, id: sim-%05d, policy: { type: queue, value: 4, min_replicas: 0, max_replicas: 10, idle_timeout: 30s } }\n' "$i" "$((i % 4))" "$i"
    done
}

scrape() { curl -sf "http://127.0.0.1:$port/metrics" > "$scratch/metrics.txt"; }
metric() { # NAME (sum of all series), from the last scrape: one scrape per moment, so its figures agree
    awk -v name="$1" '$1 == name || index($1, name "{") == 1 { s += $2 } END { printf "%.6f", s }' "$scratch/metrics.txt"
}
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
written() { awk '/^wchar/ { print $2 }' "/proc/$1/io"; } # bytes handed to write(2): the WAL and its checkpoints

if [[ "${HA:-0}" == 1 ]]; then
    printf '| endpoints | CPU per tick | tick wall (mean) | dropped wakes | journal decisions/s | written per tick | max RSS | of it file-backed | time to ready | lease claim (mean) |\n'
    printf '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n'
else
    printf '| endpoints | CPU per tick | tick wall (mean) | dropped wakes | journal decisions/s | written per tick | max RSS | of it file-backed | time to ready |\n'
    printf '| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n'
fi
for n in "${counts[@]}"; do
    port=$((19400 + RANDOM % 500))
    rm -f "$scratch/journal-$n.sqlite"*
    if [[ "$journal_backend" == postgres ]]; then
        "$pg_bin/dropdb" --if-exists -h "$scratch/pg" -p "$pg_port" -U scalerd "journal_$n"
        "$pg_bin/createdb" -h "$scratch/pg" -p "$pg_port" -U scalerd "journal_$n"
    fi
    config_for "$n" "$port" > "$scratch/bench-$n.yaml"
    start=$(date +%s.%N)
    "$SCALERD" run --config "$scratch/bench-$n.yaml" > "$scratch/bench-$n.log" 2>&1 &
    pid=$!
    until curl -sf "http://127.0.0.1:$port/readyz" > /dev/null 2>&1; do
        kill -0 "$pid" 2> /dev/null || { echo "scalerd exited; see $scratch/bench-$n.log" >&2; exit 1; }
        sleep 0.05
    done
    ready=$(echo "$(date +%s.%N) - $start" | bc)
    sleep "$warmup" # past the first ticks
    scrape; ticks0=$(metric scalerd_tick_duration_seconds_count); wall0=$(metric scalerd_tick_duration_seconds_sum)
    last0=$(metric scalerd_last_tick_timestamp_seconds)
    writes0=$(metric scalerd_journal_write_seconds_sum); cpu0=$(cpu_ticks "$pid"); io0=$(written "$pid"); t0=$(date +%s.%N)
    claims0=$(metric scalerd_ha_claims_total); claimed0=$(metric scalerd_ha_claim_seconds_total)
    sleep "$window"
    scrape; ticks1=$(metric scalerd_tick_duration_seconds_count); wall1=$(metric scalerd_tick_duration_seconds_sum)
    last1=$(metric scalerd_last_tick_timestamp_seconds)
    writes1=$(metric scalerd_journal_write_seconds_sum); cpu1=$(cpu_ticks "$pid"); io1=$(written "$pid"); t1=$(date +%s.%N)
    claims1=$(metric scalerd_ha_claims_total); claimed1=$(metric scalerd_ha_claim_seconds_total)
    rss=$(awk '/VmHWM/ { print $2 }' "/proc/$pid/status"); rss_file=$(awk '/RssFile/ { print $2 }' "/proc/$pid/status")
    kill -TERM "$pid"; wait "$pid" || true
    python3 - "$n" "$ticks0" "$ticks1" "$wall0" "$wall1" "$writes0" "$writes1" "$cpu0" "$cpu1" "$t0" "$t1" "$rss" "$ready" "$hz" "$last0" "$last1" "$io0" "$io1" "$rss_file" "$claims0" "$claims1" "$claimed0" "$claimed1" "${HA:-0}" <<'PY'
import sys
n, k0, k1, w0, w1, j0, j1, c0, c1, t0, t1, rss, ready, hz, l0, l1, io0, io1, rss_file, m0, m1, s0, s1, ha = sys.argv[1:]
ticks = float(k1) - float(k0)
elapsed = float(t1) - float(t0)
cpu = (float(c1) - float(c0)) / float(hz)
# Wakes due between the first and the last tick the window saw (both completions, 1 s apart
# each), against the ticks completed between them.
due = round(float(l1) - float(l0))
dropped = max(0.0, 1 - ticks / due) if due > 0 else 0.0
journal = float(j1) - float(j0)
rate = f"{int(n) * ticks / journal:,.0f}" if journal > 0 else "-"
print(f"| {int(n):,} | {cpu / ticks * 1000:,.0f} ms | {(float(w1) - float(w0)) / ticks * 1000:,.1f} ms | {dropped:.0%} "
      f"| {rate} | {(int(io1) - int(io0)) / ticks / 2**20:,.1f} MB | {int(rss) / 1024:,.0f} MB | {int(rss_file) / 1024:,.0f} MB | {float(ready):.1f} s |"
      + (f" {(float(s1) - float(s0)) / max(1.0, float(m1) - float(m0)) * 1000:.2f} ms |" if ha == "1" else ""))
PY
done

[[ "$rows" -gt 0 ]] || exit 0
journal=$scratch/journal-bench.sqlite
rm -f "$journal"*
echo
"$JOURNAL_BENCH" "$journal" "$rows" 1
echo
printf '| command (%s rows) | time | rows/s | max RSS |\n| --- | --- | --- | --- |\n' "$rows"
for command in "export" "export --format csv" "stats --since 2020-01-01T00:00:00Z" "verify"; do
    /usr/bin/time -f "%e %M" -o "$scratch/time.txt" "$SCALERD" journal $command --journal "$journal" > /dev/null
    read -r elapsed rss < "$scratch/time.txt"
    python3 -c "import sys; e, r, n = float(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]); print(f'| journal {sys.argv[4]} | {e:.1f} s | {n / e:,.0f} | {r / 1024:,.0f} MB |')" "$elapsed" "$rss" "$rows" "$command"
done
