#!/usr/bin/env bash
# Transactional produce bench: ProducerPerformance with a transactional id, committing a transaction every
# TXN_DURATION_MS (Kafka's own --transactional-id / --transaction-duration-ms), against platform-app on a temp data
# dir. `BENCH_SCRIPT=transactions.sh bench/kafka-reference.sh` runs the same against Apache Kafka. Not part of
# `mvn verify`.
#
# Environment (all optional): TXN_DURATION_MS=100, plus bench/common.sh's (RECORDS, RECORD_SIZE, PARTITIONS,
# PRODUCER_PROPS, PLATFORM_HEAP, TOOLS_HEAP, KEEP_DATA, BOOTSTRAP_SERVERS, BENCH_LABEL).
set -euo pipefail
export LC_ALL=C
# shellcheck source=bench/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
TXN_DURATION_MS=${TXN_DURATION_MS:-100}

TOPIC="bench-txn-$(date +%s)"
bench_setup
create_topic "$TOPIC"

log "ProducerPerformance transactional (a commit every $TXN_DURATION_MS ms): $RECORDS records of $RECORD_SIZE bytes"
perf_produce "produce-transactional" "$TOPIC" "$RECORDS" "acks=all $PRODUCER_PROPS" --record-size "$RECORD_SIZE" \
    --transactional-id "bench-txn-$$" --transaction-duration-ms "$TXN_DURATION_MS"

printf '\n%s transactional bench: %s records x %s bytes, topic %s (%s partitions), commit every %s ms\n' \
    "${BENCH_LABEL:-Strata}" "$RECORDS" "$RECORD_SIZE" "$TOPIC" "$PARTITIONS" "$TXN_DURATION_MS"
printf '%-26s %12s %14s %10s %14s %10s\n' phase records records/s MB/s avg-latency-ms p99-ms
printf '%-26s %12s %14.0f %10.2f %14.2f %10s\n' "produce transactional" "$PRODUCED" "$PRODUCE_RATE" "$PRODUCE_MB" \
    "$PRODUCE_LATENCY" "$PRODUCE_P99"
