#!/usr/bin/env bash
# Throughput bench: starts platform-app on a temp data dir with free ports, then runs Apache Kafka's own
# perf tools (kafka-tools 4.4.0) against it: ProducerPerformance with acks=all and acks=1, then
# ConsumerPerformance, and prints a summary. Not part of `mvn verify`.
# bench/compression.sh is the per-codec produce CPU bench.
#
# Environment (all optional): see bench/common.sh (RECORDS, RECORD_SIZE, PARTITIONS, PRODUCER_PROPS,
# PLATFORM_HEAP, TOOLS_HEAP, KEEP_DATA, BOOTSTRAP_SERVERS, BENCH_LABEL).
set -euo pipefail
export LC_ALL=C
# shellcheck source=bench/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

TOPIC="bench-$(date +%s)"
bench_setup
create_topic "$TOPIC"

# ---- produce ----
produce() {
    local acks=$1
    log "ProducerPerformance acks=$acks: $RECORDS records of $RECORD_SIZE bytes"
    perf_produce "produce-acks-$acks" "$TOPIC" "$RECORDS" "acks=$acks $PRODUCER_PROPS" --record-size "$RECORD_SIZE"
}
produce all
ALL_N=$PRODUCED ALL_RATE=$PRODUCE_RATE ALL_MB=$PRODUCE_MB ALL_LAT=$PRODUCE_LATENCY
produce 1
ONE_N=$PRODUCED ONE_RATE=$PRODUCE_RATE ONE_MB=$PRODUCE_MB ONE_LAT=$PRODUCE_LATENCY

# ---- consume ----
# ConsumerPerformance prints one CSV line without header: start, end, MB, MB.sec, nMsg, nMsg.sec, rebalance.ms,
# fetch.ms, fetch.MB.sec, fetch.nMsg.sec. It joins a consumer group, so the broker's group coordinator is used.
log "ConsumerPerformance: $RECORDS records"
tool consume org.apache.kafka.tools.ConsumerPerformance --bootstrap-server "$BOOTSTRAP" --topic "$TOPIC" \
    --num-records "$RECORDS" --timeout 30000 --hide-header
grep -q 'WARNING: Exiting before consuming' "$RUN_DIR/consume.log" \
    && die "ConsumerPerformance timed out (log: $RUN_DIR/consume.log)"
CONSUME_LINE=$(grep -E '^[0-9]{4}-' "$RUN_DIR/consume.log" | tail -n 1 || true)
[[ -n "$CONSUME_LINE" ]] || die "no result line in $RUN_DIR/consume.log"
IFS=',' read -r _ _ _ C_MB C_N C_RATE _ _ C_FETCH_MB C_FETCH_RATE <<<"$(tr -d ' ' <<<"$CONSUME_LINE")"

# ---- summary ----
printf '\n%s bench: %s records x %s bytes, topic %s (%s partitions)\n' "${BENCH_LABEL:-Strata}" "$RECORDS" "$RECORD_SIZE" "$TOPIC" "$PARTITIONS"
printf '%-22s %12s %14s %10s %14s\n' phase records records/s MB/s avg-latency-ms
printf '%-22s %12s %14.0f %10.2f %14.2f\n' "produce acks=all" "$ALL_N" "$ALL_RATE" "$ALL_MB" "$ALL_LAT"
printf '%-22s %12s %14.0f %10.2f %14.2f\n' "produce acks=1" "$ONE_N" "$ONE_RATE" "$ONE_MB" "$ONE_LAT"
printf '%-22s %12s %14.0f %10.2f %14s\n' "consume (incl. join)" "$C_N" "$C_RATE" "$C_MB" "-"
printf '%-22s %12s %14.0f %10.2f %14s\n' "consume (fetch only)" "$C_N" "$C_FETCH_RATE" "$C_FETCH_MB" "-"
