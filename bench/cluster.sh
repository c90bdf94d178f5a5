#!/usr/bin/env bash
# Three-broker produce bench: in one run, sequentially,
#   1. Strata: a throw-away PostgreSQL, three platform-app brokers on it (free ports, separate data dirs);
#   2. Apache Kafka (the version bench/reference/pom.xml names, now 4.4.0): a KRaft cluster of one
#      dedicated controller and three brokers;
# both on this machine, and on each a topic of PARTITIONS partitions with replication factor 3 and
# min.insync.replicas=2, then Kafka's ProducerPerformance (kafka-tools 4.4.0) with acks=all against all
# three bootstrap servers. Prints a side-by-side summary (records/s, MB/s, avg, p50, p99 and max latency).
# Not part of `mvn verify`.
#
# Durability differs by default and the summary says so: Strata fsyncs every batch on every ISR member
# before acks=all answers (flush.messages=1); Kafka keeps log.flush.interval.messages at its default (no
# fsync on the produce path, records acknowledged from the page cache) unless KAFKA_FSYNC=1.
#
# Environment (all optional), plus what bench/common.sh reads (RECORDS, RECORD_SIZE, PARTITIONS,
# PRODUCER_PROPS, PLATFORM_HEAP (per Strata broker), TOOLS_HEAP, KEEP_DATA):
#   SYSTEMS="strata kafka"  which clusters to bench, in this order
#   WARMUP_RECORDS=RECORDS/10  records produced into a throw-away topic of the same shape before the
#                           measured run, so that run does not pay the JIT; 0 skips it
#   KAFKA_HEAP=-Xmx1g       heap of each Kafka broker; KAFKA_CONTROLLER_HEAP=-Xmx512m for the controller
#   KAFKA_FSYNC=0           1: log.flush.interval.messages=1 on the Kafka brokers (fsync every append)
#   STRATA_JFR=1            record a JFR profile (settings=profile) of Strata broker 0 into the output dir
#   STRATA_BENCH_PG_URL, STRATA_BENCH_PG_USER, STRATA_BENCH_PG_PASSWORD
#                           use this PostgreSQL (JDBC URL) instead of starting one; the brokers get a fresh
#                           schema in it (created, and dropped at the end)
#   OUT_DIR=bench/out/cluster-<time>  where the summary and every log are copied, also on failure; its
#                           results.txt has one line per system for scripts (bench/compare.sh --cluster):
#                           system records records/s MB/s avg-ms p50-ms p99-ms max-ms cluster-CPU-s
#
# The throw-away PostgreSQL comes from Debian's server packages (/usr/lib/postgresql/<version>/bin:
# initdb, pg_ctl); as root it runs as the postgres user. Data dirs live in a temp dir removed at exit
# (KEEP_DATA=1 keeps it).
set -euo pipefail
export LC_ALL=C

LOG_TAG=cluster
# shellcheck source=bench/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
SYSTEMS=${SYSTEMS:-strata kafka}
WARMUP_RECORDS=${WARMUP_RECORDS:-$((RECORDS / 10))}
KAFKA_HEAP=${KAFKA_HEAP:--Xmx1g}
KAFKA_CONTROLLER_HEAP=${KAFKA_CONTROLLER_HEAP:--Xmx512m}
KAFKA_FSYNC=${KAFKA_FSYNC:-0}
STRATA_JFR=${STRATA_JFR:-0}
OUT_DIR=${OUT_DIR:-$BENCH/out/cluster-$(date +%Y%m%d-%H%M%S)}

command -v java >/dev/null || die "java not found"
command -v mvn >/dev/null || die "mvn not found"

ensure_lib "$BENCH" 'kafka-tools-*.jar' kafka-tools
TOOLS_CP="$BENCH/lib/*"
KAFKA_VERSION=$(reference_kafka_version) # bench/reference/pom.xml
[[ " $SYSTEMS " == *" kafka "* ]] && ensure_reference_lib

RUN_DIR=$(mktemp -d "${TMPDIR:-/tmp}/strata-cluster-bench.XXXXXX")
chmod 711 "$RUN_DIR" # the postgres user must reach its data dir below it
mkdir -p "$OUT_DIR"
declare -A PIDS=()        # name -> pid of every JVM this script started
PG_CTL="" PG_DATA="" PG_AS="" PG_EXTERNAL_SCHEMA="" PG_JDBC_JAR=""

# stop_pids NAME...: SIGTERM to each, wait up to 60 s in all, then SIGKILL.
stop_pids() {
    local name pid
    for name in "$@"; do
        pid=${PIDS[$name]:-}
        [[ -n "$pid" ]] && kill -TERM "$pid" 2>/dev/null || true
    done
    for _ in $(seq 1 120); do
        local alive=0
        for name in "$@"; do
            pid=${PIDS[$name]:-}
            [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && alive=1
        done
        [[ $alive == 0 ]] && break
        sleep 0.5
    done
    for name in "$@"; do
        pid=${PIDS[$name]:-}
        [[ -z "$pid" ]] && continue
        if kill -0 "$pid" 2>/dev/null; then
            log "$name (pid $pid) did not stop within 60 s, killing it"
            kill -KILL "$pid" 2>/dev/null || true
        fi
        wait "$pid" 2>/dev/null || true
        unset "PIDS[$name]"
    done
}

pg_as() { if [[ -n "$PG_AS" ]]; then (cd / && runuser -u "$PG_AS" -- "$@"); else "$@"; fi; }

stop_postgres() {
    if [[ -n "$PG_CTL" ]]; then
        pg_as "$PG_CTL" -D "$PG_DATA" -m fast -w stop >/dev/null 2>&1 || true
        PG_CTL=""
    fi
    if [[ -n "$PG_EXTERNAL_SCHEMA" ]]; then
        run_sql "DROP SCHEMA IF EXISTS $PG_EXTERNAL_SCHEMA CASCADE" || log "could not drop schema $PG_EXTERNAL_SCHEMA"
        PG_EXTERNAL_SCHEMA=""
    fi
}

cleanup() {
    local status=$?
    trap - EXIT INT TERM
    stop_pids "${!PIDS[@]}"
    stop_postgres
    (cd "$RUN_DIR" && find . -maxdepth 2 -type f \( -name '*.log' -o -name '*.properties' \) \
        -exec cp --parents {} "$OUT_DIR/" \;) 2>/dev/null || true
    if [[ "${KEEP_DATA:-0}" == "1" ]]; then
        log "data kept in $RUN_DIR"
    else
        rm -rf "$RUN_DIR"
    fi
    [[ $status -ne 0 ]] && log "failed; logs in $OUT_DIR"
    exit $status
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# start_jvm NAME LOGFILE JAVA_ARGS...: starts a JVM in the background and records its pid.
start_jvm() {
    local name=$1 logfile=$2; shift 2
    java "$@" >"$logfile" 2>&1 &
    PIDS[$name]=$!
}

require_alive() {
    local name=$1 logfile=$2
    kill -0 "${PIDS[$name]}" 2>/dev/null || { tail -n 40 "$logfile" >&2; die "$name exited during start-up (log: $logfile)"; }
}

# wait_brokers BOOTSTRAP N: until the cluster's metadata lists N brokers (BrokerApiVersionsCommand
# prints one "host:port (id: N rack: ...) -> (" block per broker), 60 tries 2 s apart.
wait_brokers() {
    local bootstrap=$1 want=$2 got=0
    for _ in $(seq 1 60); do
        got=$(timeout 60 java $TOOLS_HEAP -cp "$TOOLS_CP" org.apache.kafka.tools.BrokerApiVersionsCommand \
            --bootstrap-server "$bootstrap" 2>/dev/null | grep -c '(id: [0-9]*' || true)
        [[ "$got" -ge "$want" ]] && return 0
        sleep 2
    done
    die "the cluster at $bootstrap lists $got brokers, not $want, after 60 tries"
}

# make_topic TOPIC: PARTITIONS partitions, replication factor 3, min.insync.replicas=2, then waits until
# every partition has a leader and an ISR of 3.
make_topic() {
    local topic=$1 full=0
    tool "create-topic-$topic" org.apache.kafka.tools.TopicCommand --bootstrap-server "$BOOTSTRAP" --create \
        --topic "$topic" --partitions "$PARTITIONS" --replication-factor 3 --config min.insync.replicas=2
    for _ in $(seq 1 60); do
        java $TOOLS_HEAP -cp "$TOOLS_CP" org.apache.kafka.tools.TopicCommand --bootstrap-server "$BOOTSTRAP" \
            --describe --topic "$topic" >"$RUN_DIR/describe-$topic.log" 2>&1 || true
        full=$(grep -E 'Leader: [0-9]+' "$RUN_DIR/describe-$topic.log" | grep -cE 'Isr: [0-9]+,[0-9]+,[0-9]+' || true)
        [[ "$full" -ge "$PARTITIONS" ]] && break
        sleep 1
    done
    [[ "$full" -ge "$PARTITIONS" ]] || { cat "$RUN_DIR/describe-$topic.log" >&2; die "topic $topic: not every partition has a leader and 3 in-sync replicas"; }
    log "topic $topic: $PARTITIONS partitions, RF 3, min.insync.replicas=2, all replicas in sync"
}

# ---- CPU accounting for the measured run (the machine may be shared) ----
CLK_TCK=$(getconf CLK_TCK)
# CPU ticks the whole machine spent busy (user, nice, system, irq, softirq, steal).
machine_ticks() { awk '/^cpu /{print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat; }
# CPU ticks of the cluster's processes: the JVMs this script started plus, for Strata, every PostgreSQL
# process (the postmaster and its children).
cluster_ticks() {
    local pid total=0 pg
    local -a pids=("${PIDS[@]}")
    if [[ -n "$PG_CTL" && -r "$PG_DATA/postmaster.pid" ]]; then
        pg=$(head -n 1 "$PG_DATA/postmaster.pid")
        pids+=("$pg" $(ps -o pid= --ppid "$pg" 2>/dev/null || true))
    fi
    for pid in "${pids[@]}"; do
        total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null || echo 0)))
    done
    echo "$total"
}
# Sets CHILD_SECONDS: CPU seconds of this shell's finished children (second line of bash's times, which
# must run in this shell, not in a subshell), e.g. the producer JVM.
children_seconds() {
    times >"$RUN_DIR/times.txt"
    CHILD_SECONDS=$(tail -n 1 "$RUN_DIR/times.txt" \
        | awk '{ s = 0; for (i = 1; i <= 2; i++) { split($i, a, /[ms]/); s += a[1] * 60 + a[2] } printf "%.2f", s }')
}

# bench_cluster SYSTEM: warm-up (unless WARMUP_RECORDS=0) and measured ProducerPerformance run, acks=all.
bench_cluster() {
    local system=$1 topic="bench-$1-$(date +%s)"
    if [[ "$WARMUP_RECORDS" -gt 0 ]]; then
        make_topic "$topic-warmup"
        log "$system warm-up: $WARMUP_RECORDS records"
        perf_produce "$system-warmup" "$topic-warmup" "$WARMUP_RECORDS" "acks=all $PRODUCER_PROPS" --record-size "$RECORD_SIZE"
    fi
    make_topic "$topic"
    log "$system: ProducerPerformance acks=all, $RECORDS records of $RECORD_SIZE bytes, bootstrap $BOOTSTRAP"
    local m0 c0 p0 m1 c1 p1
    children_seconds
    m0=$(machine_ticks) c0=$(cluster_ticks) p0=$CHILD_SECONDS
    perf_produce "$system-produce" "$topic" "$RECORDS" "acks=all $PRODUCER_PROPS" --record-size "$RECORD_SIZE"
    children_seconds
    m1=$(machine_ticks) c1=$(cluster_ticks) p1=$CHILD_SECONDS
    # cluster, producer and everything else on the machine (other users' work included), in CPU seconds
    CPU[$system]=$(awk -v m=$((m1 - m0)) -v c=$((c1 - c0)) -v p0="$p0" -v p1="$p1" -v hz="$CLK_TCK" \
        'BEGIN { printf "%.0f %.0f %.0f", c / hz, p1 - p0, (m - c) / hz - (p1 - p0) }')
    log "$system: $PRODUCE_RATE records/s, $PRODUCE_MB MB/s, avg $PRODUCE_LATENCY ms, p99 $PRODUCE_P99 ms; CPU s cluster/producer/other ${CPU[$system]}"
    RESULT[$system]="$PRODUCED $PRODUCE_RATE $PRODUCE_MB $PRODUCE_LATENCY $PRODUCE_P50 $PRODUCE_P99 $PRODUCE_MAX"
    echo "$system ${RESULT[$system]} ${CPU[$system]%% *}" >>"$OUT_DIR/results.txt"
    LOAD[$system]=$(cut -d' ' -f1-3 /proc/loadavg)
}

# ---- PostgreSQL ----
# run_sql SQL: runs one statement through the PostgreSQL JDBC driver shipped inside the platform jar.
run_sql() {
    if [[ -z "$PG_JDBC_JAR" ]]; then
        (cd "$RUN_DIR" && unzip -q -j -o "$PLATFORM_JAR" 'BOOT-INF/lib/postgresql-*.jar' -d "$RUN_DIR/jdbc") \
            || die "no PostgreSQL driver in $PLATFORM_JAR"
        PG_JDBC_JAR=$(ls "$RUN_DIR"/jdbc/postgresql-*.jar)
        cat >"$RUN_DIR/jdbc/Sql.java" <<'JAVA'
public class Sql {
    public static void main(String[] a) throws Exception {
        try (var c = java.sql.DriverManager.getConnection(a[0], a[1], a[2]); var s = c.createStatement()) {
            s.execute(a[3]);
        }
    }
}
JAVA
    fi
    java -cp "$PG_JDBC_JAR" "$RUN_DIR/jdbc/Sql.java" "$STRATA_BENCH_PG_URL" "$STRATA_BENCH_PG_USER" \
        "$STRATA_BENCH_PG_PASSWORD" "$1"
}

# Sets DB_URL, DB_USER, DB_PASSWORD.
start_postgres() {
    if [[ -n "${STRATA_BENCH_PG_URL:-}" ]]; then
        PG_EXTERNAL_SCHEMA="strata_bench_$(date +%s)_$$"
        run_sql "CREATE SCHEMA $PG_EXTERNAL_SCHEMA" || die "cannot create a schema in $STRATA_BENCH_PG_URL"
        local sep='?'
        [[ "$STRATA_BENCH_PG_URL" == *'?'* ]] && sep='&'
        DB_URL="$STRATA_BENCH_PG_URL${sep}currentSchema=$PG_EXTERNAL_SCHEMA"
        DB_USER=$STRATA_BENCH_PG_USER DB_PASSWORD=$STRATA_BENCH_PG_PASSWORD
        log "PostgreSQL: external $STRATA_BENCH_PG_URL, schema $PG_EXTERNAL_SCHEMA"
        return
    fi
    local bin port
    bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    [[ -x "$bin/initdb" && -x "$bin/pg_ctl" ]] \
        || die "no PostgreSQL server under /usr/lib/postgresql/*/bin (apt-get install postgresql), or set STRATA_BENCH_PG_URL"
    PG_DATA="$RUN_DIR/pg/data"
    mkdir -p "$RUN_DIR/pg"
    if [[ $(id -u) == 0 ]]; then
        PG_AS=postgres
        id postgres >/dev/null 2>&1 || die "running as root needs a postgres user to run PostgreSQL"
        chown postgres "$RUN_DIR/pg"
    fi
    port=$(free_port)
    pg_as "$bin/initdb" -D "$PG_DATA" -U strata --auth=trust -E UTF8 >"$RUN_DIR/pg/initdb.log" 2>&1 \
        || { cat "$RUN_DIR/pg/initdb.log" >&2; die "initdb failed"; }
    pg_as "$bin/pg_ctl" -D "$PG_DATA" -l "$RUN_DIR/pg/postgres.log" -w -t 60 \
        -o "-p $port -c listen_addresses=127.0.0.1 -k $RUN_DIR/pg" start >/dev/null \
        || { cat "$RUN_DIR/pg/postgres.log" >&2; die "PostgreSQL did not start"; }
    PG_CTL="$bin/pg_ctl"
    pg_as "$bin/createdb" -h 127.0.0.1 -p "$port" -U strata strata || die "createdb failed"
    DB_URL="jdbc:postgresql://127.0.0.1:$port/strata" DB_USER=strata DB_PASSWORD=strata
    log "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port (data $PG_DATA)"
}

# ---- Strata ----
run_strata() {
    PLATFORM_JAR=$(find_platform_jar)
    if [[ -z "$PLATFORM_JAR" ]]; then
        log "building the platform jar (mvn -B -q -o package -DskipTests)"
        (cd "$BENCH_ROOT" && mvn -B -q -o package -DskipTests)
        PLATFORM_JAR=$(find_platform_jar)
        [[ -n "$PLATFORM_JAR" ]] || die "platform-app jar not found after the build"
    fi
    start_postgres
    local id kafka_port http_port dir bootstrap=""
    local -a http_ports=() jfr=()
    for id in 0 1 2; do
        kafka_port=$(free_port)
        http_port=$(free_port)
        while [[ "$http_port" == "$kafka_port" ]]; do http_port=$(free_port); done
        http_ports+=("$http_port")
        dir="$RUN_DIR/strata/broker-$id"
        mkdir -p "$dir"
        jfr=()
        if [[ "$STRATA_JFR" == "1" && $id == 0 ]]; then
            jfr=("-XX:StartFlightRecording=filename=$OUT_DIR/strata-broker-0.jfr,settings=profile,dumponexit=true")
        fi
        log "starting Strata broker $id: kafka port $kafka_port, http port $http_port, data $dir"
        # shellcheck disable=SC2086
        start_jvm "strata-$id" "$RUN_DIR/strata/broker-$id.log" $PLATFORM_HEAP "${jfr[@]}" -jar "$PLATFORM_JAR" \
            "--strata.broker.id=$id" \
            "--$KAFKA_HOST_PROPERTY=127.0.0.1" "--$KAFKA_PORT_PROPERTY=$kafka_port" \
            "--$HTTP_PORT_PROPERTY=$http_port" "--$DATA_DIR_PROPERTY=$dir" \
            "--spring.datasource.url=$DB_URL" "--spring.datasource.username=$DB_USER" \
            "--spring.datasource.password=$DB_PASSWORD" \
            --strata.topics.default-replication-factor=3 --strata.groups.offsets-topic-replication-factor=3 \
            --strata.transactions.state-log-replication-factor=3 \
            '--strata.log-defaults.[min.insync.replicas]=2' \
            --strata.groups.initial-rebalance-delay=0s
        bootstrap+="${bootstrap:+,}127.0.0.1:$kafka_port"
        # Flyway creates the schema on the first start; let broker 0 finish it before the others start.
        if [[ $id == 0 ]]; then wait_http_up 0 "$http_port"; fi
    done
    for id in 1 2; do wait_http_up "$id" "${http_ports[$id]}"; done
    BOOTSTRAP=$bootstrap
    wait_brokers "$BOOTSTRAP" 3
    log "Strata: three brokers registered ($BOOTSTRAP)"
    bench_cluster strata
    log "stopping the Strata brokers and PostgreSQL"
    stop_pids strata-0 strata-1 strata-2
    stop_postgres
    [[ "${KEEP_DATA:-0}" == "1" ]] || rm -rf "$RUN_DIR/strata"/broker-*/ "$RUN_DIR/pg/data"
}

# wait_http_up ID HTTP_PORT: until the broker's actuator health says UP, at most 120 s.
wait_http_up() {
    local id=$1 port=$2
    for _ in $(seq 1 240); do
        require_alive "strata-$id" "$RUN_DIR/strata/broker-$id.log"
        curl -fsS "http://127.0.0.1:$port/actuator/health" 2>/dev/null | grep -q '"UP"' && return 0
        sleep 0.5
    done
    tail -n 40 "$RUN_DIR/strata/broker-$id.log" >&2
    die "Strata broker $id not healthy within 120 s"
}

# ---- Apache Kafka ----
run_kafka() {
    local dir="$RUN_DIR/kafka" controller_port node port bootstrap="" cluster_id
    mkdir -p "$dir"
    controller_port=$(free_port)
    cat >"$dir/controller.properties" <<PROPS
process.roles=controller
node.id=0
controller.quorum.bootstrap.servers=127.0.0.1:$controller_port
listeners=CONTROLLER://127.0.0.1:$controller_port
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT
log.dirs=$dir/controller
PROPS
    local -a ports=()
    for node in 1 2 3; do
        port=$(free_port)
        while [[ "$port" == "$controller_port" || " ${ports[*]} " == *" $port "* ]]; do port=$(free_port); done
        ports+=("$port")
        cat >"$dir/broker-$node.properties" <<PROPS
process.roles=broker
node.id=$node
controller.quorum.bootstrap.servers=127.0.0.1:$controller_port
listeners=PLAINTEXT://127.0.0.1:$port
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$dir/broker-$node
offsets.topic.replication.factor=3
transaction.state.log.replication.factor=3
transaction.state.log.min.isr=2
group.initial.rebalance.delay.ms=0
PROPS
        [[ "$KAFKA_FSYNC" == "1" ]] && echo "log.flush.interval.messages=1" >>"$dir/broker-$node.properties"
        bootstrap+="${bootstrap:+,}127.0.0.1:$port"
    done

    cluster_id=$(java -cp "$KAFKA_CP" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n 1)
    java -cp "$KAFKA_CP" kafka.tools.StorageTool format -t "$cluster_id" -c "$dir/controller.properties" \
        --standalone >"$dir/format-controller.log" 2>&1 \
        || { cat "$dir/format-controller.log" >&2; die "storage format of the controller failed"; }
    for node in 1 2 3; do
        java -cp "$KAFKA_CP" kafka.tools.StorageTool format -t "$cluster_id" -c "$dir/broker-$node.properties" \
            >"$dir/format-broker-$node.log" 2>&1 \
            || { cat "$dir/format-broker-$node.log" >&2; die "storage format of broker $node failed"; }
    done

    log "starting Apache Kafka $KAFKA_VERSION controller (node 0) on 127.0.0.1:$controller_port"
    # shellcheck disable=SC2086
    start_jvm kafka-controller "$dir/controller.log" $KAFKA_CONTROLLER_HEAP -cp "$KAFKA_CP" kafka.Kafka "$dir/controller.properties"
    for node in 1 2 3; do
        log "starting Apache Kafka $KAFKA_VERSION broker $node on 127.0.0.1:${ports[$((node - 1))]}"
        # shellcheck disable=SC2086
        start_jvm "kafka-$node" "$dir/broker-$node.log" $KAFKA_HEAP -cp "$KAFKA_CP" kafka.Kafka "$dir/broker-$node.properties"
    done
    for _ in $(seq 1 120); do
        local open=0
        require_alive kafka-controller "$dir/controller.log"
        for node in 1 2 3; do
            require_alive "kafka-$node" "$dir/broker-$node.log"
            port_in_use "${ports[$((node - 1))]}" && open=$((open + 1))
        done
        [[ $open == 3 ]] && break
        sleep 0.5
    done
    BOOTSTRAP=$bootstrap
    wait_brokers "$BOOTSTRAP" 3
    log "Kafka: three brokers registered ($BOOTSTRAP, fsync every append: $KAFKA_FSYNC)"
    bench_cluster kafka
    log "stopping the Kafka brokers and controller"
    stop_pids kafka-1 kafka-2 kafka-3
    stop_pids kafka-controller
    [[ "${KEEP_DATA:-0}" == "1" ]] || rm -rf "$dir"/broker-*/ "$dir/controller/"
}

# ---- run ----
declare -A RESULT=() LOAD=() CPU=()
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
log "load average before the run: $LOAD_BEFORE ($(nproc) cores); output in $OUT_DIR"
for system in $SYSTEMS; do
    case $system in
        strata) run_strata ;;
        kafka) run_kafka ;;
        *) die "unknown system $system (SYSTEMS=\"strata kafka\")" ;;
    esac
done

label() {
    case $1 in
        strata) echo "Strata (3 brokers, PostgreSQL)" ;;
        kafka) echo "Apache Kafka $KAFKA_VERSION (3+1 KRaft)" ;;
    esac
}
{
    printf '\n3-broker produce bench: %s records x %s bytes, %s partitions, RF 3, min.insync.replicas=2, acks=all%s\n' \
        "$RECORDS" "$RECORD_SIZE" "$PARTITIONS" "${PRODUCER_PROPS:+, $PRODUCER_PROPS}"
    printf 'warm-up %s records per system; load average before %s, %s cores\n' "$WARMUP_RECORDS" "$LOAD_BEFORE" "$(nproc)"
    printf '%-32s %8s %10s %7s %8s %7s %7s %7s %16s  %s\n' system records records/s MB/s avg-ms p50-ms p99-ms \
        max-ms 'CPU s clu/pro/oth' 'load after'
    for system in $SYSTEMS; do
        read -r n rate mb avg p50 p99 max <<<"${RESULT[$system]}"
        read -r cc pc oc <<<"${CPU[$system]}"
        printf '%-32s %8s %10.0f %7.2f %8.1f %7s %7s %7.0f %16s  %s\n' "$(label "$system")" "$n" "$rate" "$mb" "$avg" \
            "${p50:--}" "${p99:--}" "${max:-0}" "$cc/$pc/$oc" "${LOAD[$system]}"
    done
    printf 'CPU s of the measured run: clu = the cluster (brokers, controller, PostgreSQL), pro = the producer,\n'
    printf 'oth = the rest of the machine (other users included); load after = load average 1/5/15 min after it.\n'
    if [[ " $SYSTEMS " == *" strata "* ]]; then
        printf 'Durability: Strata fsyncs every batch on each ISR member before acks=all answers (flush.messages=1).\n'
    fi
    if [[ " $SYSTEMS " != *" kafka "* ]]; then
        :
    elif [[ "$KAFKA_FSYNC" == "1" ]]; then
        printf 'Kafka ran with log.flush.interval.messages=1 (fsync every append).\n'
    else
        printf "Kafka kept log.flush.interval.messages at its default (no fsync per append: acks=all answers from the page cache).\n"
    fi
} | tee "$OUT_DIR/summary.txt"
