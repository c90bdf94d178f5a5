#!/usr/bin/env bash
# CPU cost of produce validation (every record checked, compressed batches decoded as a stream, and
# recompression where the topic's compression.type names another codec), in CPU seconds per GB of record
# payload on one core. Runs ValidationBench (broker-engine test sources) against the engine's own
# BatchValidator; no broker, no network, no fsync. Not part of `mvn verify`.
#
# Usage: bench/validation.sh [seconds-per-row (3)] [batch-bytes (65536)]
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
mvn -B -q -pl broker-engine -am test-compile -DskipTests >/dev/null
CP_FILE=$(mktemp)
trap 'rm -f "$CP_FILE"' EXIT
mvn -B -q -pl broker-engine dependency:build-classpath -Dmdep.outputFile="$CP_FILE" -Dmdep.includeScope=test >/dev/null
java -Xmx512m -cp "broker-engine/target/test-classes:broker-engine/target/classes:$(cat "$CP_FILE")" \
    io.strata.engine.log.validation.ValidationBench "$@"
