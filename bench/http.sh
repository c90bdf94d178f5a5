#!/usr/bin/env bash
# HTTP throughput bench: starts platform-app like bench/run.sh (fresh data dir, free ports, its durable
# default: Strata fsyncs every batch before it acknowledges) and measures, in one run against that one
# platform, Kafka-protocol reference figures and the same work over HTTP:
#   1. ProducerPerformance (kafka-tools 4.4.0) with exactly the settings of the HTTP layer's shared producer
#      (admin-api KafkaGateway.PRODUCER_DEFAULTS: acks=all, idempotent, batch.size=65536, linger.ms=5,
#      max.in.flight.requests.per.connection=5), RECORDS records of RECORD_SIZE bytes, no key;
#   2. v2 batched produce: POST /topics/{t} (application/vnd.kafka.binary.v2+json), BATCH records per request
#      on CONCURRENCY connections;
#   3. v3 streaming produce: STREAMS parallel chunked POST /v3/clusters/{c}/topics/{t}/records, concatenated
#      JSON records with BINARY values, delivery reports read while sending (only error_code 200 counts);
#   4. consume: ConsumerPerformance (Kafka protocol) of the ProducerPerformance topic, a v2 consumer instance
#      (binary, earliest, max_bytes 64 MiB) of the v2 topic, and the v3 stateless read
#      (GET .../partitions/{p}/records?offset=&limit=READ_LIMIT) paging through every partition of the v3 topic.
# Each produce goes into its own topic of PARTITIONS partitions; afterwards the summed end offsets of each
# topic (GetOffsetShell) must equal the records acknowledged, and each consumer must see every record once
# with values of RECORD_SIZE bytes, or the bench fails. The HTTP client is bench/HttpLoad.java, run with the
# JDK's source launcher (no build step, no dependencies); its v2 produce requests, v2 polls and v3 pages go on
# kept-alive raw HTTP/1.1 connections, as wrk's do (the JDK's HttpClient took the client as much CPU as the
# platform's HTTP layer, and client and platform share the cores).
#
# Prints records/s and MB/s (2^20 bytes of values) per phase with the ratio to the Kafka-protocol figure
# (produce rows: to ProducerPerformance; consume rows: to ConsumerPerformance), the platform's CPU seconds
# (utime+stime from /proc/<pid>/stat around the phase: broker and, for HTTP, the HTTP layer and its Kafka
# clients, all in the one platform JVM) and the client's CPU seconds, plus the load average before and after.
# On a 2-core machine client and platform share the cores, so each bounds the other. Not part of `mvn verify`.
#
# Environment (all optional), plus what bench/common.sh reads (RECORDS, RECORD_SIZE, PARTITIONS,
# PLATFORM_HEAP, TOOLS_HEAP, KEEP_DATA, BENCH_LABEL; PRODUCER_PROPS is ignored: the point is the HTTP
# producer's settings):
#   BATCH=500             records per v2 produce request
#   CONCURRENCY=4         parallel v2 produce connections
#   STREAMS=4             parallel v3 produce streams
#   READ_LIMIT=1000       records per v3 read page (the endpoint allows 1 to 10000)
#   WARMUP_RECORDS=RECORDS/4   records per warm-up run through every path (produce and consume) on throw-away
#                         topics, repeated for each path until the platform's JIT took less than a tenth of a
#                         run's wall time (jstat -compiler), so the measured runs do not pay for compilation;
#                         0 skips it. The HTTP path (Tomcat, Spring MVC, Jackson, the shared producer) is thousands
#                         of methods run once per request: one warm-up of 75k records left C2 busy for a core,
#                         and v2 produce kept speeding up over 8 runs of 300k (29k -> 68k records/s)
#   WARMUP_MAX_RUNS=12    at most this many warm-up runs per path
#   HTTP_JFR=1            record a JFR profile (settings=profile) of the platform into OUT_DIR/platform.jfr
#   OUT_DIR=bench/out/http-<time>  where the summary and every log are copied, also on failure
set -euo pipefail
export LC_ALL=C

LOG_TAG=http
# shellcheck source=bench/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
[[ -z "${BOOTSTRAP_SERVERS:-}" ]] || die "http.sh starts its own platform; unset BOOTSTRAP_SERVERS"
BATCH=${BATCH:-500}
CONCURRENCY=${CONCURRENCY:-4}
STREAMS=${STREAMS:-4}
READ_LIMIT=${READ_LIMIT:-1000}
WARMUP_RECORDS=${WARMUP_RECORDS:-$((RECORDS / 4))}
WARMUP_MAX_RUNS=${WARMUP_MAX_RUNS:-12}
HTTP_JFR=${HTTP_JFR:-0}
OUT_DIR=${OUT_DIR:-$BENCH/out/http-$(date +%Y%m%d-%H%M%S)}
CLK_TCK=$(getconf CLK_TCK)
PREFIX="hbench-$(date +%s)"

# The HTTP layer's producer settings, in the order KafkaGateway.PRODUCER_DEFAULTS lists them; checked
# against that source below so the two cannot drift apart unnoticed.
HTTP_PRODUCER_PROPS="acks=all enable.idempotence=true batch.size=65536 linger.ms=5 max.in.flight.requests.per.connection=5"
GATEWAY_SOURCE="$BENCH_ROOT/admin-api/src/main/java/io/strata/admin/gateway/KafkaGateway.java"
gateway_values=$(sed -n '/PRODUCER_DEFAULTS = Map.of(/,/);/p' "$GATEWAY_SOURCE" | grep -o '"[^"]*"' | tr -d '"' | xargs)
[[ "$gateway_values" == "$(sed -E 's/[^ =]+=//g' <<<"$HTTP_PRODUCER_PROPS")" ]] \
    || die "KafkaGateway.PRODUCER_DEFAULTS ($gateway_values) no longer match HTTP_PRODUCER_PROPS ($HTTP_PRODUCER_PROPS)"

mkdir -p "$OUT_DIR"
OUT_DIR=$(cd "$OUT_DIR" && pwd)
[[ "$HTTP_JFR" == "1" ]] && PLATFORM_HEAP="$PLATFORM_HEAP -XX:StartFlightRecording=filename=$OUT_DIR/platform.jfr,settings=profile,dumponexit=true"
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
bench_setup

# Logs (and the platform's, complete once it has stopped) go to OUT_DIR before common.sh's clean-up.
http_cleanup() {
    local status=$?
    trap - EXIT
    stop_platform
    cp "$RUN_DIR"/*.log "$OUT_DIR/" 2>/dev/null || true
    [[ $status -ne 0 ]] && log "failed; logs in $OUT_DIR"
    (exit $status)
    bench_cleanup
}
trap http_cleanup EXIT

# cpu_ticks PID: the process's utime+stime in clock ticks (fields 14 and 15 of /proc/PID/stat, counted after
# the "(comm)" field, which may contain spaces).
cpu_ticks() {
    local stat
    stat=$(<"/proc/$1/stat")
    stat=${stat##*) }
    # shellcheck disable=SC2086
    set -- $stat
    echo $((${12} + ${13}))
}
# Sets CHILD_SECONDS: CPU seconds of this shell's finished children (second line of bash's times, which
# must run in this shell, not in a subshell), e.g. the ProducerPerformance JVM.
children_seconds() {
    times >"$RUN_DIR/times.txt"
    CHILD_SECONDS=$(tail -n 1 "$RUN_DIR/times.txt" \
        | awk '{ s = 0; for (i = 1; i <= 2; i++) { split($i, a, /[ms]/); s += a[1] * 60 + a[2] } printf "%.2f", s }')
}

# http_load NAME MODE ARGS...: runs bench/HttpLoad.java against the platform, output in $RUN_DIR/NAME.log;
# fails the bench when it fails (its data checks included). Sets R_RECORDS, R_MB, R_RATE, R_CLIENT_CPU and
# R_LINE (the whole RESULT line, for http_field).
http_load() {
    local name=$1 mode=$2; shift 2
    # shellcheck disable=SC2086
    java $TOOLS_HEAP "$BENCH/HttpLoad.java" "$mode" "--url=$PLATFORM_HTTP_URL" "--size=$RECORD_SIZE" "$@" \
        >"$RUN_DIR/$name.log" 2>&1 \
        || { tail -n 30 "$RUN_DIR/$name.log" >&2; die "$name failed (log: $RUN_DIR/$name.log)"; }
    R_LINE=$(grep '^RESULT ' "$RUN_DIR/$name.log" | tail -n 1)
    [[ -n "$R_LINE" ]] || die "no RESULT line in $RUN_DIR/$name.log"
    R_RECORDS=$(http_field records) R_RATE=$(http_field records_per_s) R_MB=$(http_field mb_per_s)
    R_CLIENT_CPU=$(http_field client_cpu_s)
}
http_field() { sed -nE "s/.* $1=([^ ]*).*/\1/p" <<<"$R_LINE"; }

# end_offsets_sum TOPIC: the sum of the topic's latest offsets (GetOffsetShell prints topic:partition:offset).
end_offsets_sum() {
    tool "offsets-$1" org.apache.kafka.tools.GetOffsetShell --bootstrap-server "$BOOTSTRAP" --topic "$1"
    awk -F: '{ s += $NF } END { print s + 0 }' "$RUN_DIR/offsets-$1.log"
}

# consumer_perf NAME TOPIC NUM: ConsumerPerformance; sets C_N, C_RATE, C_MB (fetch only: without the group join,
# as the v2 fetch row) and C_RATE_ALL, C_MB_ALL (including the join).
consumer_perf() {
    local name=$1 topic=$2 num=$3 line
    tool "$name" org.apache.kafka.tools.ConsumerPerformance --bootstrap-server "$BOOTSTRAP" --topic "$topic" \
        --num-records "$num" --timeout 30000 --hide-header
    grep -q 'WARNING: Exiting before consuming' "$RUN_DIR/$name.log" && die "ConsumerPerformance timed out (log: $RUN_DIR/$name.log)"
    line=$(grep -E '^[0-9]{4}-' "$RUN_DIR/$name.log" | tail -n 1 || true)
    [[ -n "$line" ]] || die "no result line in $RUN_DIR/$name.log"
    IFS=',' read -r _ _ _ C_MB_ALL C_N C_RATE_ALL _ _ C_MB C_RATE <<<"$(tr -d ' ' <<<"$line")"
}

ROWS=()
# row LABEL RECORDS RATE MB REFERENCE_RATE PLATFORM_CPU_S CLIENT_CPU_S
row() { ROWS+=("$(printf '%s|%s|%s|%s|%s|%s|%s' "$@")"); }

# measure LABEL REFERENCE_RATE COMMAND...: runs the command (ProducerPerformance, ConsumerPerformance or
# http_load), sampling the platform's CPU around it, and adds a summary row. Sets M_CPU.
measure() {
    local label=$1 reference=$2; shift 2
    local t0 t1 c0
    children_seconds
    c0=$CHILD_SECONDS t0=$(cpu_ticks "$PLATFORM_PID")
    "$@"
    t1=$(cpu_ticks "$PLATFORM_PID")
    children_seconds
    M_CPU=$(awk -v t=$((t1 - t0)) -v hz="$CLK_TCK" 'BEGIN { printf "%.1f", t / hz }')
    case "$1" in
        perf_produce) row "$label" "$PRODUCED" "$PRODUCE_RATE" "$PRODUCE_MB" "$reference" "$M_CPU" \
            "$(awk -v a="$c0" -v b="$CHILD_SECONDS" 'BEGIN { printf "%.1f", b - a }')" ;;
        consumer_perf) row "$label" "$C_N" "$C_RATE_ALL" "$C_MB_ALL" "$reference" "$M_CPU" \
            "$(awk -v a="$c0" -v b="$CHILD_SECONDS" 'BEGIN { printf "%.1f", b - a }')" ;;
        *) row "$label" "$R_RECORDS" "$R_RATE" "$R_MB" "$reference" "$M_CPU" "$R_CLIENT_CPU" ;;
    esac
    log "$label: ${ROWS[-1]}"
}

# ---- warm-up: every path until the platform's JIT is quiet, so the measured runs do not pay for it ----
# jit_seconds: the platform JVM's total JIT compilation time so far (jstat), or empty without jstat.
jit_seconds() { command -v jstat >/dev/null && jstat -compiler "$PLATFORM_PID" 2>/dev/null | awk 'NR == 2 { print $4 }'; }

# warm COMMAND ARGS...: runs the command (a warm-up run) until the platform spent less than a tenth of a run's
# wall time compiling, at most WARMUP_MAX_RUNS times. The HTTP path is thousands of methods run once per request
# (Tomcat, Spring MVC, Jackson): at a few hundred requests per run, C2 reaches them over several runs.
warm() {
    local run start end j0 j1
    for run in $(seq 1 "$WARMUP_MAX_RUNS"); do
        j0=$(jit_seconds) start=$(date +%s.%N)
        "$@"
        j1=$(jit_seconds) end=$(date +%s.%N)
        [[ -n "$j0" && -n "$j1" ]] || return 0
        log "  $2 run $run: JIT $(awk -v a="$j0" -v b="$j1" 'BEGIN { printf "%.1f", b - a }') s of $(awk \
            -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }') s"
        awk -v a="$j0" -v b="$j1" -v s="$start" -v e="$end" 'BEGIN { exit !((b - a) < 0.1 * (e - s)) }' && return 0
    done
    log "  $2: the JIT was still busy after $WARMUP_MAX_RUNS runs"
}

if [[ "$WARMUP_RECORDS" -gt 0 ]]; then
    create_topic "$PREFIX-warmup"
    create_topic "$PREFIX-warmup-read"
    log "warm-up: runs of $WARMUP_RECORDS records through ProducerPerformance, v2 and v3 produce, then the consumers"
    warm perf_produce warmup-pp "$PREFIX-warmup" "$WARMUP_RECORDS" "$HTTP_PRODUCER_PROPS" --record-size "$RECORD_SIZE"
    warm http_load warmup-v2 v2-produce "--topic=$PREFIX-warmup" "--records=$WARMUP_RECORDS" "--batch=$BATCH" "--concurrency=$CONCURRENCY"
    warm http_load warmup-v3 v3-produce "--topic=$PREFIX-warmup" "--records=$WARMUP_RECORDS" "--streams=$STREAMS"
    # the readers check the record count, so they read a topic of exactly WARMUP_RECORDS
    perf_produce warmup-read "$PREFIX-warmup-read" "$WARMUP_RECORDS" "$HTTP_PRODUCER_PROPS" --record-size "$RECORD_SIZE"
    warm http_load warmup-v2-consume v2-consume "--topic=$PREFIX-warmup-read" "--records=$WARMUP_RECORDS"
    warm http_load warmup-v3-read v3-read "--topic=$PREFIX-warmup-read" "--records=$WARMUP_RECORDS" "--limit=$READ_LIMIT"
fi

# ---- produce ----
for t in pp v2 v3; do create_topic "$PREFIX-$t"; done
log "ProducerPerformance: $RECORDS records of $RECORD_SIZE bytes, $HTTP_PRODUCER_PROPS"
measure "ProducerPerformance" - perf_produce produce-pp "$PREFIX-pp" "$RECORDS" "$HTTP_PRODUCER_PROPS" --record-size "$RECORD_SIZE"
PP_RATE=$PRODUCE_RATE PP_ACKED=$PRODUCED
log "v2 produce: $RECORDS records, $BATCH per request, $CONCURRENCY connections"
measure "v2 produce (batch $BATCH x $CONCURRENCY)" "$PP_RATE" \
    http_load produce-v2 v2-produce "--topic=$PREFIX-v2" "--records=$RECORDS" "--batch=$BATCH" "--concurrency=$CONCURRENCY"
V2_ACKED=$(http_field acked) V2_REQUEST_MS="avg $(http_field request_ms_avg), p99 $(http_field request_ms_p99), max $(http_field request_ms_max)"
log "v3 streaming produce: $RECORDS records on $STREAMS streams"
measure "v3 stream produce (x $STREAMS)" "$PP_RATE" \
    http_load produce-v3 v3-produce "--topic=$PREFIX-v3" "--records=$RECORDS" "--streams=$STREAMS"
V3_ACKED=$(http_field acked)

# ---- the data: every acknowledged record is in its topic, and nothing else ----
VERIFY=()
for pair in "pp:$PP_ACKED" "v2:$V2_ACKED" "v3:$V3_ACKED"; do
    t=${pair%%:*} acked=${pair#*:}
    sum=$(end_offsets_sum "$PREFIX-$t")
    [[ "$sum" == "$acked" ]] || die "topic $PREFIX-$t: end offsets sum to $sum, $acked records were acknowledged"
    VERIFY+=("$t $sum")
done
log "end offsets match the acknowledged records: ${VERIFY[*]}"

# ---- consume ----
log "ConsumerPerformance: $RECORDS records of $PREFIX-pp"
measure "ConsumerPerformance" - consumer_perf consume-kafka "$PREFIX-pp" "$RECORDS"
CP_RATE_ALL=$C_RATE_ALL CP_RATE=$C_RATE CP_MB=$C_MB
log "v2 consumer instance: $RECORDS records of $PREFIX-v2"
measure "v2 consume (incl. join)" "$CP_RATE_ALL" \
    http_load consume-v2 v2-consume "--topic=$PREFIX-v2" "--records=$RECORDS" "--group=$PREFIX-v2-group"
V2_FETCH_RATE=$(http_field fetch_records_per_s) V2_FETCH_S=$(http_field fetch_seconds) V2_POLLS=$(http_field requests)
log "v3 stateless read: $RECORDS records of $PREFIX-v3, $READ_LIMIT per page"
measure "v3 read (limit $READ_LIMIT)" "$CP_RATE" \
    http_load read-v3 v3-read "--topic=$PREFIX-v3" "--records=$RECORDS" "--limit=$READ_LIMIT"
V3_PAGES=$(http_field requests)
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- summary ----
{
    printf '\n%s HTTP bench: %s records x %s bytes per phase, %s partitions per topic, broker-default flush (fsync per batch)\n' \
        "${BENCH_LABEL:-Strata}" "$RECORDS" "$RECORD_SIZE" "$PARTITIONS"
    printf 'producer settings (HTTP shared producer = ProducerPerformance): %s\n' "$HTTP_PRODUCER_PROPS"
    printf 'warm-up: runs of %s records per path until the JIT was quiet; %s cores; load average before %s, after %s\n' \
        "$WARMUP_RECORDS" "$(nproc)" "$LOAD_BEFORE" "$LOAD_AFTER"
    printf '%s\n' "${ROWS[@]}" | awk -F'|' '
        BEGIN {
            fmt = "%-30s %9s %10s %8s %8s %8s %8s\n"
            printf fmt, "phase", "records", "records/s", "MB/s", "ratio", "plat-cpu", "cli-cpu"
        }
        {
            ratio = ($5 == "-" || $5 == 0) ? "-" : sprintf("%.2f", $3 / $5)
            printf fmt, $1, $2, sprintf("%.0f", $3), sprintf("%.2f", $4), ratio, $6, $7
        }'
    printf 'ratio: produce rows to ProducerPerformance, v2 consume (incl. join) to ConsumerPerformance incl. join,\n'
    printf '       v3 read to ConsumerPerformance fetch only (%.0f records/s, %.2f MB/s; v2 fetch only: %s records/s over %s s).\n' \
        "$CP_RATE" "$CP_MB" "$V2_FETCH_RATE" "$V2_FETCH_S"
    printf 'plat-cpu: CPU s of the platform JVM (broker + HTTP layer) during the phase; cli-cpu: CPU s of the client.\n'
    printf 'v2 produce request latency ms: %s; v2 consume: %s polls; v3 read: %s pages\n' "$V2_REQUEST_MS" "$V2_POLLS" "$V3_PAGES"
    printf 'verified: end offsets of each topic = records acknowledged (%s); consumers saw each record once, %s-byte values\n' \
        "$(IFS=,; echo "${VERIFY[*]}")" "$RECORD_SIZE"
} | tee "$OUT_DIR/summary.txt"
log "summary and logs in $OUT_DIR"
