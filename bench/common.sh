# Shared by the bench scripts (run.sh, compression.sh, kafka-reference.sh); source it, do not run it.
# Sourcing only sets defaults and defines functions; bench_setup does the work (prerequisites, temp dir,
# clean-up trap, platform start).
#
# Environment (all optional):
#   RECORDS=1000000        records per producer run (and for the consumer run of run.sh)
#   RECORD_SIZE=1024       bytes per record
#   PARTITIONS=3           partitions of each bench topic
#   PLATFORM_HEAP=-Xmx1g   heap of the platform JVM
#   TOOLS_HEAP=-Xmx512m    heap of the perf tool JVMs
#   PRODUCER_PROPS="linger.ms=5 batch.size=65536"   extra producer properties (space separated)
#   KEEP_DATA=1            keep the temp data dir and logs
#   BOOTSTRAP_SERVERS=h:p  bench an already running cluster instead of starting platform-app
#   BENCH_LABEL=Strata     name printed above the summary
#   KAFKA_HEAP=-Xmx1g      heap of the reference Kafka broker (start_kafka)

BENCH_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH="$BENCH_ROOT/bench"
RECORDS=${RECORDS:-1000000}
RECORD_SIZE=${RECORD_SIZE:-1024}
PARTITIONS=${PARTITIONS:-3}
PLATFORM_HEAP=${PLATFORM_HEAP:--Xmx1g}
TOOLS_HEAP=${TOOLS_HEAP:--Xmx512m}
PRODUCER_PROPS=${PRODUCER_PROPS:-}
LOG_TAG=${LOG_TAG:-bench}
KAFKA_HEAP=${KAFKA_HEAP:--Xmx1g}
CLK_TCK=$(getconf CLK_TCK)

# Property names from platform-app's StrataProperties / application.yml (the H2 metadata DB lives under the data dir).
KAFKA_HOST_PROPERTY=strata.kafka.host
KAFKA_PORT_PROPERTY=strata.kafka.port
HTTP_PORT_PROPERTY=server.port
DATA_DIR_PROPERTY=strata.data-dir

log() { printf '[%s] %s\n' "$LOG_TAG" "$*" >&2; }
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
    find "$BENCH_ROOT/platform-app/target" -maxdepth 1 -name 'platform-app-*.jar' \
        ! -name '*-plain.jar' ! -name '*-sources.jar' ! -name '*.original' 2>/dev/null | head -n 1
}

# ensure_platform_jar: packages the platform (mvn package -DskipTests) unless REBUILD=0 and a jar is already built.
ensure_platform_jar() {
    if [[ -z "$(find_platform_jar)" || "${REBUILD:-1}" == "1" ]]; then
        log "building platform-app (mvn package -DskipTests)"
        (cd "$BENCH_ROOT" && mvn -B -q package -DskipTests)
    fi
}

# platform_cds JAR: the platform as the Dockerfile runs it, Spring Boot's extracted layout plus a class data
# sharing archive from one training start, in bench/out/cds (redone when JAR is newer). Sets PLATFORM_LAUNCH to
# the java arguments that run it.
platform_cds() {
    local jar=$1 dir="$BENCH/out/cds"
    if [[ ! -f "$dir/strata.jsa" || "$jar" -nt "$dir/strata.jsa" ]]; then
        log "extracting $(basename "$jar") and recording its class data sharing archive (as the Dockerfile does)"
        rm -rf "$dir"
        mkdir -p "$dir"
        cp "$jar" "$dir/fat.jar"
        java -Djarmode=tools -jar "$dir/fat.jar" extract --destination "$dir/app" >"$dir/extract.log" 2>&1 \
            || { cat "$dir/extract.log" >&2; die "extracting the platform jar failed"; }
        mv "$dir/app/fat.jar" "$dir/app/strata.jar"
        rm "$dir/fat.jar"
        java -XX:ArchiveClassesAtExit="$dir/strata.jsa.tmp" -Dspring.context.exit=onRefresh -jar "$dir/app/strata.jar" \
            "--$DATA_DIR_PROPERTY=$dir/training-data" "--$KAFKA_PORT_PROPERTY=0" "--$HTTP_PORT_PROPERTY=0" \
            >"$dir/training.log" 2>&1 || { tail -n 30 "$dir/training.log" >&2; die "the CDS training start failed"; }
        rm -rf "$dir/training-data"
        mv "$dir/strata.jsa.tmp" "$dir/strata.jsa"
    fi
    PLATFORM_LAUNCH=("-XX:SharedArchiveFile=$dir/strata.jsa" -jar "$dir/app/strata.jar")
}

# ensure_lib POM_DIR JAR_GLOB WHAT: unless POM_DIR/lib holds a JAR_GLOB jar, copies the dependencies of
# POM_DIR/pom.xml (WHAT names them in the log) into POM_DIR/lib.
ensure_lib() {
    compgen -G "$1/lib/$2" >/dev/null && return
    log "copying $3 and its dependencies into ${1#"$BENCH_ROOT"/}/lib"
    mvn -B -q -f "$1/pom.xml" dependency:copy-dependencies
}

# Apache Kafka version of the reference broker: the one bench/reference/pom.xml names.
reference_kafka_version() {
    sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$BENCH/reference/pom.xml" | head -n 1
}

# ensure_reference_lib: bench/reference/lib holding kafka_2.13 of reference_kafka_version and its
# dependencies; a lib dir of another version is replaced. Sets KAFKA_VERSION and KAFKA_CP.
ensure_reference_lib() {
    KAFKA_VERSION=$(reference_kafka_version)
    [[ -n "$KAFKA_VERSION" ]] || die "no kafka.version in bench/reference/pom.xml"
    if [[ -d "$BENCH/reference/lib" ]] && ! compgen -G "$BENCH/reference/lib/kafka_2.13-$KAFKA_VERSION.jar" >/dev/null; then
        log "bench/reference/lib holds another Kafka version; replacing it"
        rm -rf "$BENCH/reference/lib"
    fi
    ensure_lib "$BENCH/reference" "kafka_2.13-$KAFKA_VERSION.jar" "Apache Kafka $KAFKA_VERSION (kafka_2.13)"
    KAFKA_CP="$BENCH/reference/lib/*"
}

# stop_platform: SIGTERM to the platform started by start_platform, SIGKILL if it has not stopped after 30 s.
stop_platform() {
    if [[ -n "${PLATFORM_PID:-}" ]] && kill -0 "$PLATFORM_PID" 2>/dev/null; then
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
}

# bench_cleanup (the EXIT trap): stops the brokers this script started and removes CLEANUP_DIR (default RUN_DIR)
# unless KEEP_DATA=1 or the script failed.
bench_cleanup() {
    local status=$? dir=${CLEANUP_DIR:-$RUN_DIR}
    stop_platform
    stop_kafka
    if [[ "${KEEP_DATA:-0}" == "1" || $status -ne 0 ]]; then
        log "logs and data kept in $dir"
    else
        rm -rf "$dir"
    fi
    exit $status
}

# systems_setup NAME: the set-up of a bench that runs each of SYSTEMS (strata, kafka) in turn: checks java, fetches the
# perf tools (TOOLS_CP) and what SYSTEMS needs, creates ROOT_DIR (removed on exit like RUN_DIR, see bench_cleanup)
# and installs the clean-up trap.
systems_setup() {
    command -v java >/dev/null || die "java not found"
    ensure_lib "$BENCH" 'kafka-tools-*.jar' kafka-tools
    TOOLS_CP="$BENCH/lib/*"
    if [[ " $SYSTEMS " == *" kafka "* ]]; then ensure_reference_lib; fi
    if [[ " $SYSTEMS " == *" strata "* ]]; then ensure_platform_jar; fi
    ROOT_DIR=$(mktemp -d "${TMPDIR:-/tmp}/strata-$1.XXXXXX")
    PLATFORM_PID=""
    KAFKA_PID=""
    CLEANUP_DIR=$ROOT_DIR
    trap bench_cleanup EXIT
    trap 'exit 130' INT TERM
}

# start_system SYSTEM: starts Strata (start_platform) or Kafka on its defaults (start_kafka 0); sets SYSTEM_PID.
start_system() {
    case $1 in
        strata) start_platform; SYSTEM_PID=$PLATFORM_PID ;;
        kafka) start_kafka 0; SYSTEM_PID=$KAFKA_PID ;;
        *) die "unknown system $1 (strata or kafka)" ;;
    esac
}

# stop_system: stops whichever start_system started.
stop_system() {
    stop_platform
    PLATFORM_PID=""
    stop_kafka
}

# stat_ticks STAT: utime+stime in clock ticks from the text of a /proc stat file (fields 14 and 15, counted
# after the "(comm)" field, which may contain spaces).
stat_ticks() {
    local rest=${1##*) }
    # shellcheck disable=SC2086
    set -- $rest
    echo $((${12} + ${13}))
}

ticks_to_seconds() { awk -v t="$1" -v hz="$CLK_TCK" 'BEGIN { printf "%.2f", t / hz }'; }

# cpu_seconds PID: the process's utime+stime in seconds.
cpu_seconds() { ticks_to_seconds "$(stat_ticks "$(<"/proc/$1/stat")")"; }

# compiler_cpu_seconds PID: CPU seconds (user + system) the JVM's JIT compiler threads (C1, C2) of PID have used,
# a share of cpu_seconds that a long-running broker stops paying once its hot code is compiled.
compiler_cpu_seconds() {
    local task stat name ticks=0
    for task in /proc/"$1"/task/*; do
        stat=$(<"$task/stat") || continue
        name=${stat#*(}
        name=${name%%)*}
        [[ $name == C1\ CompilerThre* || $name == C2\ CompilerThre* ]] || continue
        ticks=$((ticks + $(stat_ticks "$stat")))
    done
    ticks_to_seconds "$ticks"
}

# per_gb CPU_BEFORE CPU_AFTER RECORDS: CPU seconds per 10^9 bytes of payload (RECORDS x RECORD_SIZE)
per_gb() { awk -v a="$1" -v b="$2" -v n="$3" -v s="$RECORD_SIZE" 'BEGIN { printf "%.2f", (b - a) / (n * s / 1e9) }'; }

# ---- Apache Kafka (the reference broker) ----
# start_kafka FSYNC: formats and starts a single-node KRaft Kafka of reference_kafka_version on free ports,
# data in $RUN_DIR/kafka-data, log in $RUN_DIR/kafka.log, heap KAFKA_HEAP; FSYNC=1 adds
# log.flush.interval.messages=1 (fsync every append). Sets KAFKA_PID, KAFKA_DATA_DIR, KAFKA_VERSION and BOOTSTRAP.
# KAFKA_RESTART=1 starts the broker of the previous start_kafka again, on its data, configuration and ports.
start_kafka() {
    local fsync=$1 broker_port controller_port cluster_id
    command -v java >/dev/null || die "java not found"
    ensure_reference_lib
    if [[ "${KAFKA_RESTART:-0}" == "1" ]]; then
        run_kafka "restarting Apache Kafka $KAFKA_VERSION on $BOOTSTRAP (same data and configuration)"
        return
    fi
    broker_port=$(free_port)
    controller_port=$(free_port)
    while [[ "$controller_port" == "$broker_port" ]]; do controller_port=$(free_port); done
    KAFKA_DATA_DIR="$RUN_DIR/kafka-data"
    cat >"$RUN_DIR/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=127.0.0.1:$controller_port
listeners=PLAINTEXT://127.0.0.1:$broker_port,CONTROLLER://127.0.0.1:$controller_port
advertised.listeners=PLAINTEXT://127.0.0.1:$broker_port
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$KAFKA_DATA_DIR
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
PROPS
    if [[ "$fsync" == "1" ]]; then
        echo "log.flush.interval.messages=1" >>"$RUN_DIR/server.properties"
    fi
    cluster_id=$(java -cp "$KAFKA_CP" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n 1)
    java -cp "$KAFKA_CP" kafka.tools.StorageTool format -t "$cluster_id" -c "$RUN_DIR/server.properties" --standalone \
        >"$RUN_DIR/format.log" 2>&1 || { cat "$RUN_DIR/format.log" >&2; die "storage format failed"; }
    BOOTSTRAP="127.0.0.1:$broker_port"
    run_kafka "starting Apache Kafka $KAFKA_VERSION on $BOOTSTRAP (fsync every append: $fsync)"
}

# run_kafka MESSAGE: starts kafka.Kafka on $RUN_DIR/server.properties (log appended to $RUN_DIR/kafka.log) and
# waits for its port (the port of BOOTSTRAP).
run_kafka() {
    log "$1"
    # shellcheck disable=SC2086
    java $KAFKA_HEAP -cp "$KAFKA_CP" kafka.Kafka "$RUN_DIR/server.properties" >>"$RUN_DIR/kafka.log" 2>&1 &
    KAFKA_PID=$!
    for _ in $(seq 1 120); do
        kill -0 "$KAFKA_PID" 2>/dev/null || { tail -n 50 "$RUN_DIR/kafka.log" >&2; die "Kafka exited during start-up"; }
        port_in_use "${BOOTSTRAP##*:}" && return
        sleep 0.5
    done
    die "Kafka did not open its port"
}

# stop_kafka: stops the broker start_kafka started (SIGTERM, then SIGKILL after 30 s).
stop_kafka() {
    if [[ -n "${KAFKA_PID:-}" ]] && kill -0 "$KAFKA_PID" 2>/dev/null; then
        kill -TERM "$KAFKA_PID" 2>/dev/null || true
        for _ in $(seq 1 60); do
            kill -0 "$KAFKA_PID" 2>/dev/null || break
            sleep 0.5
        done
        kill -KILL "$KAFKA_PID" 2>/dev/null || true
        wait "$KAFKA_PID" 2>/dev/null || true
    fi
    KAFKA_PID=""
}

# ---- platform ----
# Builds the jar if needed, starts it on free ports with a fresh data dir ($RUN_DIR/data) and waits until
# it is ready. Sets BOOTSTRAP, PLATFORM_PID, PLATFORM_DATA_DIR and PLATFORM_HTTP_URL. PLATFORM_RESTART=1 starts it
# again on the data dir and ports of the previous start_platform in the same RUN_DIR. PLATFORM_CDS=1 runs it as the
# Dockerfile does (extracted, with a class data sharing archive: see platform_cds).
start_platform() {
    local jar kafka_port http_port data_dir ready=0
    jar=$(find_platform_jar)
    if [[ -z "$jar" ]]; then
        log "building platform jar (mvn install -DskipTests)"
        (cd "$BENCH_ROOT" && mvn -B -q install -DskipTests)
        jar=$(find_platform_jar)
        [[ -n "$jar" ]] || die "platform-app jar not found after the build"
    fi
    data_dir="$RUN_DIR/data"
    mkdir -p "$data_dir"
    if [[ "${PLATFORM_RESTART:-0}" == "1" ]]; then
        kafka_port=${BOOTSTRAP##*:}
        http_port=${PLATFORM_HTTP_URL##*:}
        log "restarting $(basename "$jar") on the same ports and data"
    else
        kafka_port=$(free_port)
        http_port=$(free_port)
        while [[ "$http_port" == "$kafka_port" ]]; do http_port=$(free_port); done
        log "starting $(basename "$jar"): kafka port $kafka_port, http port $http_port, data $data_dir"
    fi
    PLATFORM_LAUNCH=(-jar "$jar")
    [[ "${PLATFORM_CDS:-0}" == "1" ]] && platform_cds "$jar"
    # shellcheck disable=SC2086
    java $PLATFORM_HEAP "${PLATFORM_LAUNCH[@]}" \
        "--$KAFKA_HOST_PROPERTY=127.0.0.1" \
        "--$KAFKA_PORT_PROPERTY=$kafka_port" \
        "--$HTTP_PORT_PROPERTY=$http_port" \
        "--$DATA_DIR_PROPERTY=$data_dir" \
        "--strata.groups.initial-rebalance-delay=0s" \
        >>"$RUN_DIR/platform.log" 2>&1 &
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
    PLATFORM_DATA_DIR=$data_dir
    PLATFORM_HTTP_URL="http://127.0.0.1:$http_port"
    log "platform ready"
}

# Checks prerequisites, fetches the perf tools if needed, creates RUN_DIR with its clean-up trap and
# starts platform-app, unless BOOTSTRAP_SERVERS names a running cluster. Sets TOOLS_CP, RUN_DIR,
# BOOTSTRAP, PLATFORM_PID and PLATFORM_DATA_DIR (both empty for an external cluster).
bench_setup() {
    command -v java >/dev/null || die "java not found"
    command -v mvn >/dev/null || die "mvn not found"
    ensure_lib "$BENCH" 'kafka-tools-*.jar' kafka-tools
    TOOLS_CP="$BENCH/lib/*"
    RUN_DIR=$(mktemp -d "${TMPDIR:-/tmp}/strata-bench.XXXXXX")
    PLATFORM_PID=""
    PLATFORM_DATA_DIR=""
    trap bench_cleanup EXIT
    trap 'exit 130' INT TERM

    if [[ -n "${BOOTSTRAP_SERVERS:-}" ]]; then
        BOOTSTRAP=$BOOTSTRAP_SERVERS
        log "benchmarking the running cluster at $BOOTSTRAP"
    else
        start_platform
    fi
}

# tool NAME CLASS ARGS...: runs a perf tool class, output in $RUN_DIR/NAME.log; fails the bench on error.
tool() {
    local name=$1; shift
    # shellcheck disable=SC2086
    java $TOOLS_HEAP -cp "$TOOLS_CP" "$@" >"$RUN_DIR/$name.log" 2>&1 \
        || { tail -n 30 "$RUN_DIR/$name.log" >&2; die "$name failed (log: $RUN_DIR/$name.log)"; }
}

# create_topic TOPIC [TopicCommand args, e.g. --config compression.type=zstd]
create_topic() {
    local topic=$1; shift
    tool "create-topic-$topic" org.apache.kafka.tools.TopicCommand --bootstrap-server "$BOOTSTRAP" --create \
        --topic "$topic" --partitions "$PARTITIONS" --replication-factor 1 "$@"
    log "created topic $topic with $PARTITIONS partitions${*:+ ($*)}"
}

# perf_produce NAME TOPIC NUM_RECORDS "PROPS" PAYLOAD_ARGS...
# Runs ProducerPerformance unthrottled. PROPS (space separated k=v) all go after one --command-property:
# the tool keeps only the last such flag. PAYLOAD_ARGS is --record-size N or --payload-file F.
# Final ProducerPerformance line: "N records sent, R records/sec (M MB/sec), A ms avg latency, X ms max latency, ..."
# Sets PRODUCED, PRODUCE_RATE, PRODUCE_MB, PRODUCE_LATENCY (avg ms), PRODUCE_MAX, PRODUCE_P50, PRODUCE_P99.
perf_produce() {
    local name=$1 topic=$2 num=$3 props=$4; shift 4
    # shellcheck disable=SC2086
    tool "$name" org.apache.kafka.tools.ProducerPerformance --bootstrap-server "$BOOTSTRAP" \
        --topic "$topic" --num-records "$num" --throughput -1 "$@" --command-property $props
    local line
    line=$(grep '50th' "$RUN_DIR/$name.log" | tail -n 1 || true)
    [[ -n "$line" ]] || die "no summary line in $RUN_DIR/$name.log"
    read -r PRODUCED PRODUCE_RATE PRODUCE_MB PRODUCE_LATENCY <<<"$(sed -E \
        's/^([0-9]+)[^,]* records sent, ([0-9.]+) records\/sec \(([0-9.]+) MB\/sec\), ([0-9.]+) ms avg latency.*/\1 \2 \3 \4/' \
        <<<"$line")"
    PRODUCE_MAX=$(sed -nE 's/.* ([0-9.]+) ms max latency.*/\1/p' <<<"$line")
    PRODUCE_P50=$(sed -nE 's/.* ([0-9.]+) ms 50th.*/\1/p' <<<"$line")
    PRODUCE_P99=$(sed -nE 's/.* ([0-9.]+) ms 99th.*/\1/p' <<<"$line")
}
