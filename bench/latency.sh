#!/usr/bin/env bash
# End-to-end latency of one record in flight, Strata against Apache Kafka 4.4.0 on the same machine, in microseconds
# and split at the acknowledgement (bench/Latency.java: acks=all, 1 KiB records, a consumer polling them back). Each
# round starts each broker fresh (in alternating order), runs LATENCY_WARMUP_RUNS (2) runs of LATENCY_RECORDS (10000)
# round trips to warm it up and one more that is measured; prints the medians over LATENCY_ROUNDS (3) of the average
# and percentiles, and the broker's CPU per round trip. Strata fsyncs every acknowledged record; Kafka does not.
# Not part of `mvn verify`. Environment: SYSTEMS="strata kafka", REBUILD=0 (use the platform jar already built),
# plus PLATFORM_HEAP, KAFKA_HEAP, TOOLS_HEAP of bench/common.sh.
set -euo pipefail
export LC_ALL=C
LOG_TAG=latency
# shellcheck source=bench/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

ROUND_TRIPS=${LATENCY_RECORDS:-10000}
WARMUP_RUNS=${LATENCY_WARMUP_RUNS:-2}
ROUNDS=${LATENCY_ROUNDS:-3}
SYSTEMS=${SYSTEMS:-"strata kafka"}

systems_setup latency
RESULTS="$ROOT_DIR/results.txt"

# latency_run NAME: one bench/Latency.java run against BOOTSTRAP, output in $RUN_DIR/NAME.log
latency_run() {
    # shellcheck disable=SC2086
    java $TOOLS_HEAP -cp "$TOOLS_CP" "$BENCH/Latency.java" "$BOOTSTRAP" latency "$ROUND_TRIPS" >"$RUN_DIR/$1.log" 2>&1 \
        || { tail -n 30 "$RUN_DIR/$1.log" >&2; die "$1 failed (log: $RUN_DIR/$1.log)"; }
}

order=$SYSTEMS
for round in $(seq 1 "$ROUNDS"); do
    for system in $order; do
        RUN_DIR="$ROOT_DIR/$system-round$round"
        mkdir -p "$RUN_DIR"
        start_system "$system"
        for i in $(seq 1 "$WARMUP_RUNS"); do
            log "$system round $round: warm-up run $i of $WARMUP_RUNS"
            latency_run "warmup-$i"
        done
        log "$system round $round: $ROUND_TRIPS round trips"
        before=$(cpu_seconds "$SYSTEM_PID")
        latency_run measured
        after=$(cpu_seconds "$SYSTEM_PID")
        sed -nE "s/^RESULT /$system /p" "$RUN_DIR/measured.log" >>"$RESULTS"
        echo "$system cpu-us $(awk -v a="$before" -v b="$after" -v n="$ROUND_TRIPS" 'BEGIN { printf "%.0f", (b - a) / n * 1e6 }')" \
            >>"$RESULTS"
        stop_system
    done
    order=$(tr ' ' '\n' <<<"$order" | tac | tr '\n' ' ')
done

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
printf '\nOne record in flight, acks=all, 1 KiB; medians of %s round(s) of %s round trips, microseconds\n' "$ROUNDS" \
    "$ROUND_TRIPS"
printf '%-8s %-10s %8s %8s %8s %8s %8s %8s\n' system measure avg p50 p90 p99 p99.9 max
for system in $SYSTEMS; do
    for measure in ack e2e after-ack; do
        printf '%-8s %-10s' "$system" "$measure"
        for col in 3 4 5 6 7 8; do
            printf ' %8s' "$(awk -v s="$system" -v m="$measure" -v c="$col" '$1 == s && $2 == m { print $c }' "$RESULTS" | median)"
        done
        printf '\n'
    done
    printf '%-8s %-10s %8s\n' "$system" "cpu-us" "$(awk -v s="$system" '$1 == s && $2 == "cpu-us" { print $3 }' "$RESULTS" | median)"
done
printf '(cpu-us: the broker'"'"'s CPU per round trip over the measured run)\n'
