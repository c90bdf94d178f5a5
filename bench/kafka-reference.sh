#!/usr/bin/env bash
# Runs a bench script (bench/run.sh unless BENCH_SCRIPT says otherwise) against Apache Kafka (the version
# bench/reference/pom.xml names, now 4.4.0; single KRaft node, same machine) as the reference the Strata
# figures are compared with. Not part of `mvn verify`. bench/cluster.sh is the 3-broker comparison.
#
# Environment (all optional), plus everything the bench script reads (RECORDS, RECORD_SIZE, PARTITIONS, ...):
#   BENCH_SCRIPT=run.sh  the bench to run: run.sh, or compression.sh (which then reads Kafka's CPU time and
#                       data dir through BROKER_PID and BROKER_DATA_DIR)
#   KAFKA_HEAP=-Xmx1g   heap of the Kafka broker
#   KAFKA_FSYNC=0       1: log.flush.interval.messages=1, i.e. fsync every append like Strata's default;
#                       0: Kafka's own default (no fsync on the produce path)
set -euo pipefail
export LC_ALL=C

LOG_TAG=reference
# shellcheck source=bench/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
ROOT=$BENCH_ROOT
KAFKA_HEAP=${KAFKA_HEAP:--Xmx1g}
KAFKA_FSYNC=${KAFKA_FSYNC:-0}
BENCH_SCRIPT=${BENCH_SCRIPT:-run.sh}
[[ -f "$ROOT/bench/$BENCH_SCRIPT" ]] || die "no bench script bench/$BENCH_SCRIPT"

command -v java >/dev/null || die "java not found"
ensure_reference_lib
CP=$KAFKA_CP
RUN_DIR=$(mktemp -d "${TMPDIR:-/tmp}/kafka-reference.XXXXXX")
KAFKA_PID=""
cleanup() {
    if [[ -n "$KAFKA_PID" ]] && kill -0 "$KAFKA_PID" 2>/dev/null; then
        kill "$KAFKA_PID" 2>/dev/null || true
        wait "$KAFKA_PID" 2>/dev/null || true
    fi
    rm -rf "$RUN_DIR"
}
trap cleanup EXIT

broker_port=$(free_port)
controller_port=$(free_port)
while [[ "$controller_port" == "$broker_port" ]]; do controller_port=$(free_port); done
cat >"$RUN_DIR/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=127.0.0.1:$controller_port
listeners=PLAINTEXT://127.0.0.1:$broker_port,CONTROLLER://127.0.0.1:$controller_port
advertised.listeners=PLAINTEXT://127.0.0.1:$broker_port
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$RUN_DIR/data
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
PROPS
if [[ "$KAFKA_FSYNC" == "1" ]]; then
    echo "log.flush.interval.messages=1" >>"$RUN_DIR/server.properties"
fi

cluster_id=$(java -cp "$CP" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n 1)
java -cp "$CP" kafka.tools.StorageTool format -t "$cluster_id" -c "$RUN_DIR/server.properties" --standalone \
    >"$RUN_DIR/format.log" 2>&1 || { cat "$RUN_DIR/format.log" >&2; die "storage format failed"; }
log "starting Apache Kafka $KAFKA_VERSION on 127.0.0.1:$broker_port (fsync every append: $KAFKA_FSYNC)"
# shellcheck disable=SC2086
java $KAFKA_HEAP -cp "$CP" kafka.Kafka "$RUN_DIR/server.properties" >"$RUN_DIR/kafka.log" 2>&1 &
KAFKA_PID=$!
for _ in $(seq 1 120); do
    kill -0 "$KAFKA_PID" 2>/dev/null || { tail -n 50 "$RUN_DIR/kafka.log" >&2; die "Kafka exited during start-up"; }
    port_in_use "$broker_port" && break
    sleep 0.5
done
port_in_use "$broker_port" || die "Kafka did not open its port"

BENCH_LABEL="Apache Kafka $KAFKA_VERSION (fsync every append: $KAFKA_FSYNC)" BOOTSTRAP_SERVERS="127.0.0.1:$broker_port" \
    BROKER_PID="$KAFKA_PID" BROKER_DATA_DIR="$RUN_DIR/data" bash "$ROOT/bench/$BENCH_SCRIPT"
