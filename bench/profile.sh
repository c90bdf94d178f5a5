#!/usr/bin/env bash
# Where a broker's CPU goes on the produce (or fetch) path: starts Strata (and/or Apache Kafka of
# bench/reference/pom.xml) in turn with frame pointers kept (-XX:+PreserveFramePointer), warms it up, samples the
# broker process with perf over one ProducerPerformance run (or, with PROFILE_WORKLOAD=consume, over
# PROFILE_CONSUME_RUNS fetch-only ConsumerPerformance reads of the whole topic the warm-up filled; with
# PROFILE_WORKLOAD=e2e, over one EndToEndLatency run of PROFILE_RECORDS records, one in flight at a time, acks=all),
# names its JIT-compiled frames from the JVM's perf map (jcmd Compiler.perfmap) and writes a flame graph with a summary (bench/FlameGraph.java). Not part of `mvn verify`.
#
# Usage: bench/profile.sh [strata|kafka|kafka-fsync]...   (default: strata kafka)
# Environment (all optional): PROFILE_RECORDS=300000 (the measured run), WARMUP_RUNS=2 (runs of as many on the topic
# before it: the JIT takes minutes of CPU on a small machine), PROFILE_PARTITIONS=1 (partitions of the topic),
# PROFILE_PROPS="acks=1 linger.ms=5 batch.size=16384" (producer properties), PERF_FREQ=999 (samples per second),
# PROFILE_WORKLOAD=produce|consume|e2e (e2e: warm-up and measured runs are EndToEndLatency runs of
# PROFILE_RECORDS records; try PROFILE_RECORDS=20000), PROFILE_CONSUME_RUNS=5 (reads sampled; the warm-up runs read the topic once
# each too), REBUILD=0 (profile the platform jar already built), plus PLATFORM_HEAP, KAFKA_HEAP, TOOLS_HEAP of bench/common.sh.
# Output: bench/out/profile-<time>/<broker>/ with flame.svg (open it in a browser; hover a frame for its share),
# folded.txt (folded stacks, for other flame graph tools), summary.txt (samples per thread group, the hottest
# frames) and client.log (the measured client runs' output). kafka-fsync is Kafka with log.flush.interval.messages=1.
# Needs perf (Debian package linux-perf) allowed to sample the broker: root, or kernel.perf_event_paranoid <= 1.
set -euo pipefail
export LC_ALL=C
LOG_TAG=profile
# shellcheck source=bench/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

RECORDS=${PROFILE_RECORDS:-300000}
PARTITIONS=${PROFILE_PARTITIONS:-1}
WARMUP_RUNS=${WARMUP_RUNS:-2}
PROFILE_PROPS=${PROFILE_PROPS:-"acks=1 linger.ms=5 batch.size=16384"}
PERF_FREQ=${PERF_FREQ:-999}
WORKLOAD=${PROFILE_WORKLOAD:-produce}
CONSUME_RUNS=${PROFILE_CONSUME_RUNS:-5}
[[ $WORKLOAD == produce || $WORKLOAD == consume || $WORKLOAD == e2e ]] \
    || { echo "PROFILE_WORKLOAD is produce, consume or e2e" >&2; exit 2; }
BROKERS=${*:-"strata kafka"}
PLATFORM_HEAP="$PLATFORM_HEAP -XX:+PreserveFramePointer"
KAFKA_HEAP="$KAFKA_HEAP -XX:+PreserveFramePointer"

command -v java >/dev/null || die "java not found"
command -v jcmd >/dev/null || die "jcmd not found (it comes with the JDK)"
command -v perf >/dev/null || die "perf not found (Debian: apt-get install linux-perf)"
for b in $BROKERS; do
    [[ $b == strata || $b == kafka || $b == kafka-fsync ]] || die "unknown broker $b (strata, kafka or kafka-fsync)"
done
ensure_lib "$BENCH" 'kafka-tools-*.jar' kafka-tools
TOOLS_CP="$BENCH/lib/*"
[[ " $BROKERS " == *" kafka"* ]] && ensure_reference_lib
[[ " $BROKERS " == *" strata "* ]] && ensure_platform_jar
OUT="$BENCH/out/profile-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$OUT"
ROOT_DIR=$(mktemp -d "${TMPDIR:-/tmp}/strata-profile.XXXXXX")
PLATFORM_PID=""
KAFKA_PID=""
PERF_PID=""
CLEANUP_DIR=$ROOT_DIR
cleanup() {
    local status=$?
    if [[ -n "$PERF_PID" ]]; then
        kill -INT "$PERF_PID" 2>/dev/null || true
    fi
    (exit "$status") # bench_cleanup reads the script's exit status from $?
    bench_cleanup
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# consume_topic NAME NUM_RECORDS: a fetch-only ConsumerPerformance read of the topic from its start; sets CONSUME_RATE
consume_topic() {
    local line
    tool "$1" org.apache.kafka.tools.ConsumerPerformance --bootstrap-server "$BOOTSTRAP" --topic profile \
        --num-records "$2" --timeout 60000 --hide-header
    line=$(grep -E '^[0-9]{4}-' "$RUN_DIR/$1.log" | tail -n 1 || true)
    [[ -n "$line" ]] || die "no result line in $RUN_DIR/$1.log"
    # start, end, MB, MB.sec, nMsg, nMsg.sec, rebalance.ms, fetch.ms, fetch.MB.sec, fetch.nMsg.sec
    CONSUME_RATE=$(tr -d ' ' <<<"$line" | awk -F, '{ print $10 }')
}

# round_trips NAME: an EndToEndLatency run of RECORDS records (acks=all, one in flight); sets E2E_RATE (round trips
# per second, from the run's wall time) and E2E_LATENCY (its "Avg latency" and percentiles line)
round_trips() {
    local t0 t1
    t0=$(date +%s%N)
    tool "$1" org.apache.kafka.tools.EndToEndLatency --bootstrap-server "$BOOTSTRAP" --topic profile \
        --num-records "$RECORDS" --producer-acks all --record-size "$RECORD_SIZE"
    t1=$(date +%s%N)
    E2E_RATE=$(awk -v n="$RECORDS" -v a="$t0" -v b="$t1" 'BEGIN { print n / ((b - a) / 1e9) }')
    E2E_LATENCY=$(grep -E 'Avg latency|Percentiles' "$RUN_DIR/$1.log" | tr '\n' ' ')
}

profile_broker() {
    local broker=$1 dir="$OUT/$1" pid before after measured rate i
    RUN_DIR="$ROOT_DIR/$broker"
    mkdir -p "$RUN_DIR" "$dir"
    case $broker in
        strata) start_platform; pid=$PLATFORM_PID ;;
        kafka) start_kafka 0; pid=$KAFKA_PID ;;
        kafka-fsync) start_kafka 1; pid=$KAFKA_PID ;;
    esac
    create_topic profile
    for i in $(seq 1 "$WARMUP_RUNS"); do
        log "$broker: warm-up run $i of $WARMUP_RUNS"
        if [[ $WORKLOAD == e2e ]]; then
            round_trips "warmup-$i"
        else
            perf_produce "warmup-$i" profile "$RECORDS" "$PROFILE_PROPS" --record-size "$RECORD_SIZE"
        fi
        [[ $WORKLOAD == consume ]] && consume_topic "warmup-consume-$i" $((RECORDS * i))
    done
    log "$broker: profiling $WORKLOAD, $RECORDS records ($PROFILE_PROPS)"
    perf record -F "$PERF_FREQ" -g -p "$pid" -o "$RUN_DIR/perf.data" >"$RUN_DIR/perf-record.log" 2>&1 &
    PERF_PID=$!
    sleep 1
    before=$(cpu_seconds "$pid")
    if [[ $WORKLOAD == produce ]]; then
        perf_produce measured profile "$RECORDS" "$PROFILE_PROPS" --record-size "$RECORD_SIZE"
        measured=$RECORDS rate=$PRODUCE_RATE
    elif [[ $WORKLOAD == e2e ]]; then
        round_trips measured
        measured=$RECORDS rate=$E2E_RATE
    else
        measured=0 rate=0
        for i in $(seq 1 "$CONSUME_RUNS"); do
            consume_topic "measured-$i" $((RECORDS * WARMUP_RUNS))
            measured=$((measured + RECORDS * WARMUP_RUNS))
            rate=$(awk -v r="$rate" -v c="$CONSUME_RATE" -v n="$CONSUME_RUNS" 'BEGIN { print r + c / n }')
        done
    fi
    after=$(cpu_seconds "$pid")
    kill -INT "$PERF_PID"
    wait "$PERF_PID" 2>/dev/null || true
    PERF_PID=""
    # The map names the code the JIT has compiled so far; written after the run so it covers every sampled frame.
    jcmd "$pid" Compiler.perfmap >/dev/null
    cat "$RUN_DIR"/measured*.log >"$dir/client.log"
    {
        if [[ $WORKLOAD == produce ]]; then
            printf '%s, %s records of %s bytes to %s partition(s), %s\n' "$broker" "$RECORDS" "$RECORD_SIZE" \
                "$PARTITIONS" "$PROFILE_PROPS"
        elif [[ $WORKLOAD == e2e ]]; then
            printf '%s, EndToEndLatency: %s records of %s bytes one at a time, acks=all; %s\n' "$broker" "$RECORDS" \
                "$RECORD_SIZE" "$E2E_LATENCY"
        else
            printf '%s, %s fetch-only reads of %s records of %s bytes from %s partition(s) (written with %s)\n' \
                "$broker" "$CONSUME_RUNS" $((RECORDS * WARMUP_RUNS)) "$RECORD_SIZE" "$PARTITIONS" "$PROFILE_PROPS"
        fi
        printf '%.0f records/s, broker CPU %.2f s (%.2f s per GB of payload, %.1f us per record)\n\n' "$rate" \
            "$(awk -v a="$before" -v b="$after" 'BEGIN { print b - a }')" \
            "$(per_gb "$before" "$after" "$measured")" \
            "$(awk -v a="$before" -v b="$after" -v n="$measured" 'BEGIN { print (b - a) * 1e6 / n }')"
    } >"$dir/header.txt"
    perf script -i "$RUN_DIR/perf.data" -F comm,tid,period,ip,sym,dso 2>/dev/null \
        | java -Xmx1g "$BENCH/FlameGraph.java" "$dir" "$broker: $(head -n 1 "$dir/header.txt")" >/dev/null
    cat "$dir/header.txt" "$dir/summary.txt" >"$dir/summary.tmp" && mv "$dir/summary.tmp" "$dir/summary.txt"
    rm "$dir/header.txt" "/tmp/perf-$pid.map" 2>/dev/null || true
    stop_platform
    PLATFORM_PID=""
    stop_kafka
    log "$broker: $dir/flame.svg"
}

for broker in $BROKERS; do
    profile_broker "$broker"
done
for broker in $BROKERS; do
    printf '\n==== %s ====\n' "$broker"
    head -n 40 "$OUT/$broker/summary.txt"
done
printf '\nFlame graphs: %s/*/flame.svg\n' "$OUT"
