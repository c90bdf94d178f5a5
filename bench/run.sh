#!/usr/bin/env bash
# Throughput bench: starts platform-app on a temp data dir with free ports, then runs Apache Kafka's own
# perf tools (kafka-tools 4.3.1) against it: ProducerPerformance with acks=all and acks=1, then
# ConsumerPerformance, and prints a summary. Not part of `mvn verify`.
#
# Environment (all optional):
#   RECORDS=1000000        records per producer run and for the consumer run
#   RECORD_SIZE=1024       bytes per record
#   PARTITIONS=3           partitions of the bench topic
#   PLATFORM_HEAP=-Xmx1g   heap of the platform JVM
#   TOOLS_HEAP=-Xmx512m    heap of the perf tool JVMs
#   PRODUCER_PROPS="linger.ms=5 batch.size=65536"   extra producer properties (space separated)
#   KEEP_DATA=1            keep the temp data dir and logs
#   BOOTSTRAP_SERVERS=h:p  bench an already running cluster instead of starting platform-app
#   BENCH_LABEL=Strata     name printed above the summary
set -euo pipefail
export LC_ALL=C

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH="$ROOT/bench"
RECORDS=${RECORDS:-1000000}
RECORD_SIZE=${RECORD_SIZE:-1024}
PARTITIONS=${PARTITIONS:-3}
PLATFORM_HEAP=${PLATFORM_HEAP:--Xmx1g}
TOOLS_HEAP=${TOOLS_HEAP:--Xmx512m}
PRODUCER_PROPS=${PRODUCER_PROPS:-}
TOPIC="bench-$(date +%s)"

# Property names from platform-app's StrataProperties / application.yml (the H2 metadata DB lives under the data dir).
KAFKA_HOST_PROPERTY=strata.kafka.host
KAFKA_PORT_PROPERTY=strata.kafka.port
HTTP_PORT_PROPERTY=server.port
DATA_DIR_PROPERTY=strata.data-dir

log() { printf '[bench] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

free_port() {
    if command -v python3 >/dev/null; then
        python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
        return
    fi
    local port
    for _ in $(seq 1 100); do
        port=$((20000 + RANDOM % 40000))
        if ! port_in_use "$port"; then echo "$port"; return; fi
    done
    die "no free port found"
}

find_platform_jar() {
    find "$ROOT/platform-app/target" -maxdepth 1 -name 'platform-app-*.jar' \
        ! -name '*-plain.jar' ! -name '*-sources.jar' ! -name '*.original' 2>/dev/null | head -n 1
}

# ---- prerequisites ----
command -v java >/dev/null || die "java not found"
command -v mvn >/dev/null || die "mvn not found"
if ! compgen -G "$BENCH/lib/kafka-tools-*.jar" >/dev/null; then
    log "copying kafka-tools and its dependencies into bench/lib"
    mvn -B -q -f "$BENCH/pom.xml" dependency:copy-dependencies
fi
TOOLS_CP="$BENCH/lib/*"
RUN_DIR=$(mktemp -d "${TMPDIR:-/tmp}/strata-bench.XXXXXX")
PLATFORM_PID=""

cleanup() {
    local status=$?
    if [[ -n "$PLATFORM_PID" ]] && kill -0 "$PLATFORM_PID" 2>/dev/null; then
        log "stopping platform (pid $PLATFORM_PID)"
        kill -TERM "$PLATFORM_PID" 2>/dev/null || true
        for _ in $(seq 1 60); do
            kill -0 "$PLATFORM_PID" 2>/dev/null || break
            sleep 0.5
        done
        if kill -0 "$PLATFORM_PID" 2>/dev/null; then
            log "platform did not stop within 30 s, killing it"
            kill -KILL "$PLATFORM_PID" 2>/dev/null || true
        fi
        wait "$PLATFORM_PID" 2>/dev/null || true
    fi
    if [[ "${KEEP_DATA:-0}" == "1" || $status -ne 0 ]]; then
        log "logs and data kept in $RUN_DIR"
    else
        rm -rf "$RUN_DIR"
    fi
    exit $status
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- platform ----
# Builds the jar if needed, starts it on free ports with a fresh data dir and waits until it is ready.
# Sets BOOTSTRAP and PLATFORM_PID.
start_platform() {
    local jar kafka_port http_port data_dir ready=0
    jar=$(find_platform_jar)
    if [[ -z "$jar" ]]; then
        log "building platform jar (mvn install -DskipTests)"
        (cd "$ROOT" && mvn -B -q install -DskipTests)
        jar=$(find_platform_jar)
        [[ -n "$jar" ]] || die "platform-app jar not found after the build"
    fi
    data_dir="$RUN_DIR/data"
    mkdir -p "$data_dir"
    kafka_port=$(free_port)
    http_port=$(free_port)
    while [[ "$http_port" == "$kafka_port" ]]; do http_port=$(free_port); done

    log "starting $(basename "$jar"): kafka port $kafka_port, http port $http_port, data $data_dir"
    # shellcheck disable=SC2086
    java $PLATFORM_HEAP -jar "$jar" \
        "--$KAFKA_HOST_PROPERTY=127.0.0.1" \
        "--$KAFKA_PORT_PROPERTY=$kafka_port" \
        "--$HTTP_PORT_PROPERTY=$http_port" \
        "--$DATA_DIR_PROPERTY=$data_dir" \
        "--strata.groups.initial-rebalance-delay=0s" \
        >"$RUN_DIR/platform.log" 2>&1 &
    PLATFORM_PID=$!

    for _ in $(seq 1 240); do
        kill -0 "$PLATFORM_PID" 2>/dev/null \
            || { tail -n 50 "$RUN_DIR/platform.log" >&2; die "platform exited during start-up"; }
        if port_in_use "$kafka_port"; then
            if ! command -v curl >/dev/null \
                || curl -fsS "http://127.0.0.1:$http_port/actuator/health" 2>/dev/null | grep -q '"UP"'; then
                ready=1
                break
            fi
        fi
        sleep 0.5
    done
    [[ $ready == 1 ]] || { tail -n 50 "$RUN_DIR/platform.log" >&2; die "platform not ready within 120 s"; }
    BOOTSTRAP="127.0.0.1:$kafka_port"
    log "platform ready"
}

if [[ -n "${BOOTSTRAP_SERVERS:-}" ]]; then
    BOOTSTRAP=$BOOTSTRAP_SERVERS
    log "benchmarking the running cluster at $BOOTSTRAP"
else
    start_platform
fi

tool() {
    local name=$1; shift
    java $TOOLS_HEAP -cp "$TOOLS_CP" "$@" >"$RUN_DIR/$name.log" 2>&1 \
        || { tail -n 30 "$RUN_DIR/$name.log" >&2; die "$name failed (log: $RUN_DIR/$name.log)"; }
}

tool create-topic org.apache.kafka.tools.TopicCommand --bootstrap-server "$BOOTSTRAP" --create \
    --topic "$TOPIC" --partitions "$PARTITIONS" --replication-factor 1
log "created topic $TOPIC with $PARTITIONS partitions"

# ---- produce ----
# Final ProducerPerformance line: "N records sent, R records/sec (M MB/sec), A ms avg latency, X ms max latency, ..."
# Sets PRODUCED, PRODUCE_RATE, PRODUCE_MB, PRODUCE_LATENCY.
produce() {
    local acks=$1
    log "ProducerPerformance acks=$acks: $RECORDS records of $RECORD_SIZE bytes"
    # shellcheck disable=SC2086
    tool "produce-acks-$acks" org.apache.kafka.tools.ProducerPerformance --bootstrap-server "$BOOTSTRAP" \
        --topic "$TOPIC" --num-records "$RECORDS" --record-size "$RECORD_SIZE" --throughput -1 \
        --command-property acks="$acks" $PRODUCER_PROPS
    local line
    line=$(grep '50th' "$RUN_DIR/produce-acks-$acks.log" | tail -n 1 || true)
    [[ -n "$line" ]] || die "no summary line in $RUN_DIR/produce-acks-$acks.log"
    read -r PRODUCED PRODUCE_RATE PRODUCE_MB PRODUCE_LATENCY <<<"$(sed -E \
        's/^([0-9]+)[^,]* records sent, ([0-9.]+) records\/sec \(([0-9.]+) MB\/sec\), ([0-9.]+) ms avg latency.*/\1 \2 \3 \4/' \
        <<<"$line")"
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
