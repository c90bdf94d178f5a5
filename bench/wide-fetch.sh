#!/usr/bin/env bash
# Fetching many mostly idle partitions, Strata against Apache Kafka 4.4.0 on the same machine: for each P in
# WIDE_PARTITIONS (default "100 1000") a topic of P partitions, a consumer assigned all of them and one record at
# a time produced to partition 0 and polled back (bench/WideFetch.java: WIDE_RECORDS round trips, default 3000,
# after half as many to warm up). Prints round trips per second and the broker's CPU per round trip, which grows
# with P where each fetch reads, sends and answers every partition (no incremental fetch sessions, KIP-227).
# Not part of `mvn verify`. Environment: SYSTEMS="strata kafka", REBUILD=0 (use the platform jar already built),
# plus PLATFORM_HEAP, KAFKA_HEAP, TOOLS_HEAP of bench/common.sh.
set -euo pipefail
export LC_ALL=C
LOG_TAG=wide-fetch
# shellcheck source=bench/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

PARTITION_COUNTS=${WIDE_PARTITIONS:-"100 1000"}
ROUND_TRIPS=${WIDE_RECORDS:-3000}
SYSTEMS=${SYSTEMS:-"strata kafka"}

systems_setup wide-fetch

RESULTS=()
# round_trips NAME PARTITIONS RECORDS: sets RATE from WideFetch's RESULT line
round_trips() {
    # shellcheck disable=SC2086
    java $TOOLS_HEAP -cp "$TOOLS_CP" "$BENCH/WideFetch.java" "$BOOTSTRAP" "$2" "$3" >"$RUN_DIR/$1.log" 2>&1 \
        || { tail -n 30 "$RUN_DIR/$1.log" >&2; die "$1 failed (log: $RUN_DIR/$1.log)"; }
    RATE=$(sed -nE 's/^RESULT .* rate=([0-9]+).*/\1/p' "$RUN_DIR/$1.log")
    [[ -n "$RATE" ]] || die "no result in $RUN_DIR/$1.log"
}

for system in $SYSTEMS; do
    RUN_DIR="$ROOT_DIR/$system"
    mkdir -p "$RUN_DIR"
    start_system "$system"
    for p in $PARTITION_COUNTS; do
        log "$system: $p partitions, warm-up"
        round_trips "warmup-$p" "$p" $((ROUND_TRIPS / 2))
        log "$system: $p partitions, $ROUND_TRIPS round trips"
        before=$(cpu_seconds "$SYSTEM_PID")
        round_trips "measured-$p" "$p" "$ROUND_TRIPS"
        after=$(cpu_seconds "$SYSTEM_PID")
        RESULTS+=("$(printf '%s %s %s %s' "$system" "$p" "$RATE" \
            "$(awk -v a="$before" -v b="$after" -v n="$ROUND_TRIPS" 'BEGIN { printf "%.0f", (b - a) / n * 1e6 }')")")
    done
    stop_system
done
printf '\n%-8s %10s %16s %28s\n' system partitions "round trips/s" "broker CPU per round trip us"
for r in "${RESULTS[@]}"; do
    # shellcheck disable=SC2086
    printf '%-8s %10s %16s %28s\n' $r
done
