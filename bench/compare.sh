#!/usr/bin/env bash
# Strata against Apache Kafka on this machine, in one run: starts each broker in turn on a fresh data dir
# (same heap; Kafka's group.initial.rebalance.delay.ms=0 matched on Strata), runs the same workloads with
# Kafka's own perf tools, samples the broker's CPU time from /proc around each workload, and prints one
# table of medians over the rounds with the ratios Strata/Kafka. The order alternates between rounds
# (Kafka first in odd rounds) so neither broker always runs on a warmer machine. Not part of `mvn verify`.
#
# Workloads (RECORDS records of RECORD_SIZE bytes, linger.ms=5, for batch.size 16 KiB and 64 KiB):
#   produce acks=all to 1 partition; produce acks=1 to 1 partition; produce idempotent acks=all to 6 partitions
#   (ProducerPerformance), then fetch-only consumption of the 64 KiB acks=all topic (1 partition) and of the
#   64 KiB 6-partition topic (ConsumerPerformance), then end-to-end latency with acks=all (EndToEndLatency,
#   E2E_RECORDS records, one at a time).
# Figures: records/s; broker CPU seconds per GB (10^9 bytes of record payload, RECORDS x RECORD_SIZE) over the
# workload; for produce also the average and p99 latency ProducerPerformance reports; for end-to-end its
# average and p99.
#
# Usage: bench/compare.sh [--quick] [--rounds N] [--kafka-fsync] [--scale | --cluster]
#   --quick        RECORDS=200000, E2E_RECORDS=2000, one round: a check during development
#   --rounds N     rounds (default 3)
#   --kafka-fsync  adds a third broker per round: Kafka with log.flush.interval.messages=1 (its fsync-every-
#                  batch mode), so the cost of durability is visible beside both defaults
#   --scale        instead of the workloads above: for each P in SCALE_PARTITIONS ("100 1000 3000"), a fresh
#                  broker, one topic of P partitions, SCALE_RECORDS (500000) records produced acks=all with 16 KiB
#                  batches (records/s, broker CPU s/GB), the broker's open files, then a SIGTERM and a restart
#                  on the same data: seconds from the restart's exec until a produce (acks=all, partition 0) is
#                  acknowledged (bench/FirstProduce.java, started before the restart), and the open files after
#                  it. No warm-up unless WARMUP_RECORDS is set. The platform runs as the Dockerfile runs it
#                  (extracted, with a class data sharing archive) unless PLATFORM_CDS=0 (the fat jar).
#   --cluster      instead of the workloads above: the replicated ones, on three-broker clusters started by
#                  bench/cluster.sh (Strata: three brokers on a throw-away PostgreSQL; Kafka: one controller and
#                  three brokers): produce acks=all to CLUSTER_PARTITIONS (3) partitions with replication factor 3
#                  and min.insync.replicas=2, with 16 KiB and with 64 KiB batches (cluster-rf3-16k,
#                  cluster-rf3-64k); CPU per GB is the whole cluster's (brokers, controller, PostgreSQL).
# Environment (all optional): RECORDS=1000000, RECORD_SIZE=1024, E2E_RECORDS=10000, PLATFORM_HEAP=-Xmx1g,
# KAFKA_HEAP=-Xmx1g, TOOLS_HEAP=-Xmx512m, KEEP_DATA=1 (keep the run dir with every tool's log), REBUILD=0 (bench
# the platform jar already built instead of packaging the tree first), QUICK_RECORDS=200000 (records of --quick),
# WARMUP_RECORDS=RECORDS/2 (records of one warm-up pass, after each broker start and before the measured workloads;
# 0 skips the warm-up), WARMUP_JIT_SHARE=0.05 and WARMUP_MAX_PASSES=8 (passes go on until the JIT compiler threads
# took less than that share of the broker's CPU over one; see warm_up), WORKLOADS (space separated subset of
# the workload names printed in the table's first column), and COMPARE_BROKERS (which brokers run, in the odd rounds'
# order: default "kafka strata", with --kafka-fsync "kafka kafka-fsync strata"; "strata" alone for an A/B of builds or
# settings, where the table's ratios read "-").
# The table's k-jit and s-jit columns are the compiler threads' part of each broker's CPU per GB, read from
# /proc/PID/task: a lower bound, since a compiler thread the JVM retires takes its CPU time out of that sum.
set -euo pipefail
export LC_ALL=C
LOG_TAG=compare
# shellcheck source=bench/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

ROUNDS=3
KAFKA_FSYNC_ROW=0
SCALE=0
CLUSTER=0
E2E_RECORDS=${E2E_RECORDS:-10000}
while [[ $# -gt 0 ]]; do
    case $1 in
        --quick) RECORDS=${QUICK_RECORDS:-200000}; E2E_RECORDS=2000; ROUNDS=1 ;;
        --rounds) ROUNDS=$2; shift ;;
        --kafka-fsync) KAFKA_FSYNC_ROW=1 ;;
        --scale) SCALE=1 ;;
        --cluster) CLUSTER=1 ;;
        *) die "unknown argument $1 (see the header of bench/compare.sh)" ;;
    esac
    shift
done
if [[ $SCALE == 1 ]]; then
    WARMUP_RECORDS=${WARMUP_RECORDS:-0}
else
    WARMUP_RECORDS=${WARMUP_RECORDS:-$((RECORDS / 2))}
fi
WARMUP_JIT_SHARE=${WARMUP_JIT_SHARE:-0.05}
WARMUP_MAX_PASSES=${WARMUP_MAX_PASSES:-8}
[[ $SCALE == 1 ]] && export PLATFORM_CDS=${PLATFORM_CDS:-1}
SCALE_PARTITIONS=${SCALE_PARTITIONS:-"100 1000 3000"}
SCALE_RECORDS=${SCALE_RECORDS:-500000}
[[ $SCALE == 1 && $CLUSTER == 1 ]] && die "--scale and --cluster are separate runs"
CLUSTER_PARTITIONS=${CLUSTER_PARTITIONS:-3}
ALL_WORKLOADS="produce-all-1p-16k produce-1-1p-16k produce-idem-6p-16k produce-all-1p-64k produce-1-1p-64k \
produce-idem-6p-64k consume-1p consume-6p e2e-all"
[[ $CLUSTER == 1 ]] && ALL_WORKLOADS="cluster-rf3-16k cluster-rf3-64k"
WORKLOADS=${WORKLOADS:-$ALL_WORKLOADS}
BROKERS=${COMPARE_BROKERS:-"kafka strata"}
[[ $KAFKA_FSYNC_ROW == 1 && -z ${COMPARE_BROKERS:-} ]] && BROKERS="kafka kafka-fsync strata"

command -v java >/dev/null || die "java not found"
command -v mvn >/dev/null || die "mvn not found"
[[ -r /proc/self/stat ]] || die "no /proc to read the brokers' CPU time from"
ensure_lib "$BENCH" 'kafka-tools-*.jar' kafka-tools
TOOLS_CP="$BENCH/lib/*"
ensure_reference_lib
ensure_platform_jar
ROOT_DIR=$(mktemp -d "${TMPDIR:-/tmp}/strata-compare.XXXXXX")
RESULTS="$ROOT_DIR/results.txt"
: >"$RESULTS"
PLATFORM_PID=""
KAFKA_PID=""
CLEANUP_DIR=$ROOT_DIR
trap bench_cleanup EXIT
trap 'exit 130' INT TERM

wanted() { [[ " $WORKLOADS " == *" $1 "* ]]; }

# record BROKER ROUND WORKLOAD RATE CPU_S_PER_GB LAT_AVG LAT_P99 JIT_S_PER_GB (the JIT threads' part of CPU_S_PER_GB)
record() { echo "$*" >>"$RESULTS"; }


# The produce shapes, KIND:PARTITIONS, each run with 16 and 64 KiB batches by the workloads and the warm-up.
PRODUCE_SHAPES="all:1 1:1 idem:6"

# shape_props KIND BATCH_BYTES: the producer properties of a produce shape
shape_props() {
    case $1 in
        all) echo "acks=all linger.ms=5 batch.size=$2" ;;
        1) echo "acks=1 linger.ms=5 batch.size=$2" ;;
        idem) echo "acks=all enable.idempotence=true linger.ms=5 batch.size=$2" ;;
    esac
}

# produce_workload BROKER ROUND NAME PARTITIONS PROPS
produce_workload() {
    local broker=$1 round=$2 name=$3 partitions=$4 props=$5 before after jit_before jit_after
    wanted "$name" || return 0
    PARTITIONS=$partitions create_topic "$name"
    log "$broker round $round: $name ($props)"
    before=$(cpu_seconds "$BROKER_PID") jit_before=$(compiler_cpu_seconds "$BROKER_PID")
    perf_produce "$name" "$name" "$RECORDS" "$props" --record-size "$RECORD_SIZE"
    after=$(cpu_seconds "$BROKER_PID") jit_after=$(compiler_cpu_seconds "$BROKER_PID")
    record "$broker" "$round" "$name" "$(printf %.0f "$PRODUCE_RATE")" "$(per_gb "$before" "$after" "$RECORDS")" \
        "$PRODUCE_LATENCY" "$PRODUCE_P99" "$(per_gb "$jit_before" "$jit_after" "$RECORDS")"
}

# consume_workload BROKER ROUND NAME TOPIC: fetch-only records/s of ConsumerPerformance over the whole topic
consume_workload() {
    local broker=$1 round=$2 name=$3 topic=$4 before after jit_before jit_after line rate
    wanted "$name" || return 0
    wanted "$topic" || { log "skipping $name: it reads $topic, which is not in WORKLOADS"; return 0; }
    log "$broker round $round: $name (topic $topic)"
    before=$(cpu_seconds "$BROKER_PID") jit_before=$(compiler_cpu_seconds "$BROKER_PID")
    tool "$name" org.apache.kafka.tools.ConsumerPerformance --bootstrap-server "$BOOTSTRAP" --topic "$topic" \
        --num-records "$RECORDS" --timeout 60000 --hide-header
    after=$(cpu_seconds "$BROKER_PID") jit_after=$(compiler_cpu_seconds "$BROKER_PID")
    grep -q 'WARNING: Exiting before consuming' "$RUN_DIR/$name.log" && die "$name timed out ($RUN_DIR/$name.log)"
    line=$(grep -E '^[0-9]{4}-' "$RUN_DIR/$name.log" | tail -n 1 || true)
    [[ -n "$line" ]] || die "no result line in $RUN_DIR/$name.log"
    # start, end, MB, MB.sec, nMsg, nMsg.sec, rebalance.ms, fetch.ms, fetch.MB.sec, fetch.nMsg.sec
    rate=$(tr -d ' ' <<<"$line" | awk -F, '{ print $10 }')
    record "$broker" "$round" "$name" "$(printf %.0f "$rate")" "$(per_gb "$before" "$after" "$RECORDS")" - - \
        "$(per_gb "$jit_before" "$jit_after" "$RECORDS")"
}

# e2e_workload BROKER ROUND: EndToEndLatency acks=all (one record in flight at a time)
e2e_workload() {
    local broker=$1 round=$2 name=e2e-all avg p99
    wanted "$name" || return 0
    PARTITIONS=1 create_topic "$name"
    log "$broker round $round: $name ($E2E_RECORDS records)"
    tool "$name" org.apache.kafka.tools.EndToEndLatency --bootstrap-server "$BOOTSTRAP" --topic "$name" \
        --num-records "$E2E_RECORDS" --producer-acks all --record-size "$RECORD_SIZE"
    avg=$(sed -nE 's/.*Avg latency: ([0-9.]+) ms.*/\1/p' "$RUN_DIR/$name.log" | tail -n 1)
    p99=$(sed -nE 's/.*99th = ([0-9.]+).*/\1/p' "$RUN_DIR/$name.log" | tail -n 1)
    [[ -n "$avg" && -n "$p99" ]] || die "no latency in $RUN_DIR/$name.log"
    record "$broker" "$round" "$name" - - "$avg" "$p99" -
}

# warm_up BROKER: passes of every produce shape the workloads use (acks=all and acks=1 to 1 partition, idempotent
# to 6 partitions, 16 and 64 KiB batches; WARMUP_RECORDS records per pass, a sixth each, appended to throw-away
# topics) and fetch-only reads of the 64 KiB 1- and 6-partition ones from their start, until the broker's JIT
# compiler threads took less than WARMUP_JIT_SHARE (0.05) of its CPU time over a pass, or after WARMUP_MAX_PASSES
# (8): the JIT takes minutes of CPU on a small machine, and a measured workload that still pays for it reports up
# to twice its CPU per GB.
warm_up() {
    [[ "$WARMUP_RECORDS" -gt 0 ]] || return 0
    local pass kb shape topic cpu0 jit0 cpu1 jit1 share each=$((WARMUP_RECORDS / 6)) ready=0
    for kb in 16 64; do
        PARTITIONS=1 create_topic "warmup-1p-${kb}k"
        PARTITIONS=6 create_topic "warmup-6p-${kb}k"
    done
    for pass in $(seq 1 "$WARMUP_MAX_PASSES"); do
        cpu0=$(cpu_seconds "$BROKER_PID") jit0=$(compiler_cpu_seconds "$BROKER_PID")
        for kb in 16 64; do
            for shape in $PRODUCE_SHAPES; do
                perf_produce warmup "warmup-${shape#*:}p-${kb}k" "$each" "$(shape_props "${shape%:*}" $((kb * 1024)))" \
                    --record-size "$RECORD_SIZE"
            done
        done
        # Both consume rows' topic shapes, read in full: one small read per pass left the fetch path to be
        # compiled during the measured consume rows (the JIT was a quarter to a half of their CPU per GB).
        for topic in warmup-1p-64k warmup-6p-64k; do
            tool warmup-consume org.apache.kafka.tools.ConsumerPerformance --bootstrap-server "$BOOTSTRAP" \
                --topic "$topic" --num-records $((each * pass)) --timeout 60000 --hide-header
        done
        cpu1=$(cpu_seconds "$BROKER_PID") jit1=$(compiler_cpu_seconds "$BROKER_PID")
        share=$(awk -v c0="$cpu0" -v c1="$cpu1" -v j0="$jit0" -v j1="$jit1" \
            'BEGIN { printf "%.3f", (c1 > c0) ? (j1 - j0) / (c1 - c0) : 0 }')
        log "$1: warm-up pass $pass of $((each * 6)) records: JIT threads took $share of the broker's CPU"
        if awk -v s="$share" -v m="$WARMUP_JIT_SHARE" 'BEGIN { exit !(s < m) }'; then
            ready=1
            break
        fi
    done
    [[ $ready == 1 ]] || log "$1: JIT still above $WARMUP_JIT_SHARE of the CPU after $WARMUP_MAX_PASSES warm-up passes"
    record "$1" "$2" warmup-passes "$pass" - - - -
}

run_workloads() {
    local broker=$1 round=$2 kb shape kind partitions
    warm_up "$broker" "$round"
    for kb in 16 64; do
        for shape in $PRODUCE_SHAPES; do
            kind=${shape%:*} partitions=${shape#*:}
            produce_workload "$broker" "$round" "produce-$kind-${partitions}p-${kb}k" "$partitions" \
                "$(shape_props "$kind" $((kb * 1024)))"
        done
    done
    consume_workload "$broker" "$round" consume-1p produce-all-1p-64k
    consume_workload "$broker" "$round" consume-6p produce-idem-6p-64k
    e2e_workload "$broker" "$round"
}

bench_broker() {
    local broker=$1 round=$2
    RUN_DIR="$ROOT_DIR/$broker-round$round"
    mkdir -p "$RUN_DIR"
    start_broker "$broker"
    run_workloads "$broker" "$round"
    stop_broker
    drop_data
}

# drop_data: removes the stopped broker's data (a full run writes about 7 GB per broker and round), keeping the
# tools' and brokers' logs; KEEP_DATA=1 keeps it.
drop_data() {
    [[ "${KEEP_DATA:-0}" == "1" ]] || rm -rf "$RUN_DIR/data" "$RUN_DIR/kafka-data"
}

# ---- summaries: medians per broker and workload ----
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) print "-"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# stat BROKER WORKLOAD COLUMN (4 rate, 5 cpu/GB, 6 avg latency or files, 7 p99 or restart s, 8 JIT cpu/GB or files
# after)
med() { awk -v b="$1" -v w="$2" -v c="$3" '$1 == b && $3 == w && $c != "-" { print $c }' "$RESULTS" | median; }
ratio() { awk -v s="$1" -v k="$2" 'BEGIN { if (s == "-" || k == "-" || k == 0) print "-"; else printf "%.2f", s / k }'; }

open_files() { find "/proc/$1/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l; }

start_broker() {
    case $1 in
        strata) start_platform; BROKER_PID=$PLATFORM_PID ;;
        kafka) start_kafka 0; BROKER_PID=$KAFKA_PID ;;
        kafka-fsync) start_kafka 1; BROKER_PID=$KAFKA_PID ;;
    esac
}

stop_broker() {
    stop_platform
    PLATFORM_PID=""
    stop_kafka
}

# scale_broker BROKER ROUND P: the --scale measurement of one broker at P partitions
scale_broker() {
    local broker=$1 round=$2 p=$3 name="scale-$3" before after rate cpu fds ready acked t0 probe
    RUN_DIR="$ROOT_DIR/$broker-$name-round$round"
    mkdir -p "$RUN_DIR"
    start_broker "$broker"
    warm_up "$broker" "$round"
    PARTITIONS=$p create_topic "$name"
    log "$broker round $round: $name ($SCALE_RECORDS records, acks=all, 16 KiB batches)"
    before=$(cpu_seconds "$BROKER_PID")
    perf_produce "$name" "$name" "$SCALE_RECORDS" "acks=all linger.ms=5 batch.size=16384" --record-size "$RECORD_SIZE"
    after=$(cpu_seconds "$BROKER_PID")
    rate=$(printf %.0f "$PRODUCE_RATE")
    cpu=$(per_gb "$before" "$after" "$SCALE_RECORDS")
    fds=$(open_files "$BROKER_PID")
    stop_broker
    ready="$RUN_DIR/probe.ready"
    java $TOOLS_HEAP -cp "$TOOLS_CP" "$BENCH/FirstProduce.java" "$BOOTSTRAP" "$name" "$ready" 300 \
        >"$RUN_DIR/probe.log" 2>&1 &
    probe=$!
    for _ in $(seq 1 600); do [[ -e "$ready" ]] && break; kill -0 "$probe" 2>/dev/null || break; sleep 0.1; done
    [[ -e "$ready" ]] || { cat "$RUN_DIR/probe.log" >&2; die "the restart probe did not start"; }
    t0=$(date +%s%3N)
    case $broker in
        strata) PLATFORM_RESTART=1 start_broker strata ;;
        *) KAFKA_RESTART=1 start_broker "$broker" ;;
    esac
    wait "$probe" || { cat "$RUN_DIR/probe.log" >&2; die "no produce acknowledged after the restart"; }
    acked=$(sed -nE 's/^ACKED ([0-9]+)$/\1/p' "$RUN_DIR/probe.log")
    [[ -n "$acked" ]] || die "no ACKED line in $RUN_DIR/probe.log"
    record "$broker" "$round" "$name" "$rate" "$cpu" "$fds" \
        "$(awk -v a="$acked" -v t="$t0" 'BEGIN { printf "%.1f", (a - t) / 1000 }')" "$(open_files "$BROKER_PID")"
    stop_broker
    drop_data
}

if [[ $SCALE == 1 ]]; then
    for round in $(seq 1 "$ROUNDS"); do
        order=$BROKERS
        (( round % 2 == 0 )) && order=$(tr ' ' '\n' <<<"$BROKERS" | tac | tr '\n' ' ')
        for p in $SCALE_PARTITIONS; do
            for broker in $order; do
                scale_broker "$broker" "$round" "$p"
            done
        done
    done
    printf '\nStrata vs Apache Kafka %s with P partitions: %s records x %s bytes, acks=all, batch.size=16384, linger.ms=5, medians of %s round(s)\n' \
        "$KAFKA_VERSION" "$SCALE_RECORDS" "$RECORD_SIZE" "$ROUNDS"
    printf 'restart: seconds from exec after a SIGTERM until a produce is acknowledged; files: open descriptors of the broker\n'
    printf 'Strata launched as the Dockerfile does (class data sharing archive): %s\n' "$([[ ${PLATFORM_CDS:-0} == 1 ]] && echo yes || echo no)"
    printf '%-6s %10s %10s | %8s %8s | %11s %11s | %9s %9s | %12s %12s\n' P kafka/s strata/s k-cpu/GB s-cpu/GB \
        k-files s-files k-restart s-restart k-files-after s-files-after
    for p in $SCALE_PARTITIONS; do
        w="scale-$p"
        printf '%-6s %10s %10s | %8s %8s | %11s %11s | %9s %9s | %12s %12s\n' "$p" "$(med kafka "$w" 4)" \
            "$(med strata "$w" 4)" "$(med kafka "$w" 5)" "$(med strata "$w" 5)" "$(med kafka "$w" 6)" \
            "$(med strata "$w" 6)" "$(med kafka "$w" 7)" "$(med strata "$w" 7)" "$(med kafka "$w" 8)" "$(med strata "$w" 8)"
    done
    printf 'raw results (broker round workload rate cpu/GB files restart-s files-after):\n'
    cat "$RESULTS"
    exit 0
fi

# cluster_workload ROUND NAME BATCH_BYTES SYSTEMS [KAFKA_FSYNC]: one bench/cluster.sh run of SYSTEMS in that order
cluster_workload() {
    local round=$1 name=$2 batch=$3 systems=$4 fsync=${5:-0} out="$ROOT_DIR/$2-round$1" note="" system n rate avg p99 cpu
    wanted "$name" || return 0
    if [[ $fsync == 1 ]]; then
        out+=-kafka-fsync
        note=", fsync every append"
    fi
    log "round $round: $name ($systems$note), log $out.log"
    SYSTEMS=$systems OUT_DIR=$out PARTITIONS=$CLUSTER_PARTITIONS KAFKA_FSYNC=$fsync WARMUP_RECORDS=$WARMUP_RECORDS \
        PRODUCER_PROPS="linger.ms=5 batch.size=$batch" RECORDS=$RECORDS bash "$BENCH/cluster.sh" >"$out.log" 2>&1 \
        || { tail -n 30 "$out.log" >&2; die "bench/cluster.sh failed (log: $out.log)"; }
    while read -r system n rate _ avg _ p99 _ cpu; do
        [[ $fsync == 1 ]] && system=kafka-fsync
        record "$system" "$round" "$name" "$(printf %.0f "$rate")" "$(per_gb 0 "$cpu" "$n")" "$avg" "$p99" -
    done <"$out/results.txt"
}

for round in $(seq 1 "$ROUNDS"); do
    order=$BROKERS
    (( round % 2 == 0 )) && order=$(tr ' ' '\n' <<<"$BROKERS" | tac | tr '\n' ' ')
    if [[ $CLUSTER == 1 ]]; then
        systems=$(tr ' ' '\n' <<<"$order" | grep -v kafka-fsync | tr '\n' ' ')
        for kb in 16 64; do
            cluster_workload "$round" "cluster-rf3-${kb}k" $((kb * 1024)) "$systems"
            [[ $KAFKA_FSYNC_ROW == 1 ]] && cluster_workload "$round" "cluster-rf3-${kb}k" $((kb * 1024)) kafka 1
        done
        continue
    fi
    for broker in $order; do
        bench_broker "$broker" "$round"
    done
done

# ---- summary: medians per broker and workload, ratios Strata / Kafka ----

printf '\nStrata vs Apache Kafka %s: %s records x %s bytes, linger.ms=5, medians of %s round(s)\n' \
    "$KAFKA_VERSION" "$RECORDS" "$RECORD_SIZE" "$ROUNDS"
printf 'Strata on its defaults (every acknowledged batch fsynced); Kafka on its defaults (no fsync on the produce path)\n'
[[ $CLUSTER == 1 ]] && printf 'Three-broker clusters, %s partitions, RF 3, min.insync.replicas=2, acks=all; CPU of the whole cluster\n' \
    "$CLUSTER_PARTITIONS"
[[ $CLUSTER == 1 ]] || printf 'warm-up passes (median): Kafka %s, Strata %s; k-jit, s-jit: the JIT compiler threads'"'"' part of cpu/GB\n' \
    "$(med kafka warmup-passes 4)" "$(med strata warmup-passes 4)"
printf '%-20s %10s %10s %6s | %8s %8s %6s | %9s %9s | %9s %9s | %6s %6s' workload kafka/s strata/s ratio \
    k-cpu/GB s-cpu/GB ratio k-avg-ms s-avg-ms k-p99-ms s-p99-ms k-jit s-jit
[[ $KAFKA_FSYNC_ROW == 1 ]] && printf ' | %11s %11s' kfsync/s kfsync-cpu
printf '\n'
for w in $WORKLOADS; do
    kr=$(med kafka "$w" 4) sr=$(med strata "$w" 4) kc=$(med kafka "$w" 5) sc=$(med strata "$w" 5)
    printf '%-20s %10s %10s %6s | %8s %8s %6s | %9s %9s | %9s %9s | %6s %6s' "$w" "$kr" "$sr" "$(ratio "$sr" "$kr")" \
        "$kc" "$sc" "$(ratio "$sc" "$kc")" "$(med kafka "$w" 6)" "$(med strata "$w" 6)" \
        "$(med kafka "$w" 7)" "$(med strata "$w" 7)" "$(med kafka "$w" 8)" "$(med strata "$w" 8)"
    [[ $KAFKA_FSYNC_ROW == 1 ]] && printf ' | %11s %11s' "$(med kafka-fsync "$w" 4)" "$(med kafka-fsync "$w" 5)"
    printf '\n'
done
printf 'raw results (broker round workload rate cpu/GB avg-ms p99-ms jit-cpu/GB; warmup-passes: passes):\n'
cat "$RESULTS"
