#!/usr/bin/env bash
# Runs a bench script (bench/run.sh unless BENCH_SCRIPT says otherwise) against Apache Kafka (the version
# bench/reference/pom.xml names, now 4.4.0; single KRaft node, same machine) as the reference the Strata
# figures are compared with. Not part of `mvn verify`. bench/cluster.sh is the 3-broker comparison.
#
# Environment (all optional), plus everything the bench script reads (RECORDS, RECORD_SIZE, PARTITIONS, ...):
#   BENCH_SCRIPT=run.sh  the bench to run: run.sh, or compression.sh (which then reads Kafka's CPU time and
#                       data dir through BROKER_PID and BROKER_DATA_DIR)
#   KAFKA_HEAP=-Xmx1g   heap of the Kafka broker (bench/common.sh)
#   KAFKA_FSYNC=0       1: log.flush.interval.messages=1, i.e. fsync every append like Strata's default;
#                       0: Kafka's own default (no fsync on the produce path)
set -euo pipefail
export LC_ALL=C

LOG_TAG=reference
# shellcheck source=bench/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
ROOT=$BENCH_ROOT
KAFKA_FSYNC=${KAFKA_FSYNC:-0}
BENCH_SCRIPT=${BENCH_SCRIPT:-run.sh}
[[ -f "$ROOT/bench/$BENCH_SCRIPT" ]] || die "no bench script bench/$BENCH_SCRIPT"

RUN_DIR=$(mktemp -d "${TMPDIR:-/tmp}/kafka-reference.XXXXXX")
KAFKA_PID=""
cleanup() {
    stop_kafka
    rm -rf "$RUN_DIR"
}
trap cleanup EXIT

start_kafka "$KAFKA_FSYNC"
BENCH_LABEL="Apache Kafka $KAFKA_VERSION (fsync every append: $KAFKA_FSYNC)" BOOTSTRAP_SERVERS="$BOOTSTRAP" \
    BROKER_PID="$KAFKA_PID" BROKER_DATA_DIR="$KAFKA_DATA_DIR" bash "$ROOT/bench/$BENCH_SCRIPT"
