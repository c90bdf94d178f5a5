#!/usr/bin/env bash
# Produce-path CPU bench per compression codec: starts platform-app like bench/run.sh, then produces the
# same workload once per row into a fresh topic and reports, per row, throughput, the broker's CPU
# seconds (utime+stime from /proc/<pid>/stat, sampled right before and after the producer run) and
# broker CPU seconds per GB of uncompressed payload, plus the bytes the topic's .log files hold on disk.
# Not part of `mvn verify`.
#
# Workload: RECORDS records of RECORD_SIZE bytes, acks=1, linger.ms=5, batch.size=65536. Payloads are
# generated JSON-like event lines (bench/compression.sh writes them to the run dir and passes them with
# --payload-file), so they compress roughly like real text; the tool's default random payload does not.
# A row is PRODUCER_CODEC:TOPIC_CODEC: the producer's compression.type and the topic's. Topic
# compression.type=producer keeps what was sent; a codec there makes the broker recompress batches that
# arrive with another one (gzip:zstd).
#
# What the CPU figure includes: everything the broker process does while the producer runs, i.e. the
# request handling, batch validation/(de|re)compression and the fsync of every batch (flush.messages is
# left at Strata's default of 1), plus whatever idle background work it does (printed as the idle rate).
# It excludes the producer's own compression, which runs in the ProducerPerformance JVM, though on a small
# machine that JVM competes with the broker for the same cores and so bounds the throughput.
# MB and GB are 2^20 and 2^30 bytes, as ProducerPerformance counts MB.
#
# Environment (all optional), plus what bench/common.sh reads (RECORDS, RECORD_SIZE, PARTITIONS,
# PRODUCER_PROPS, PLATFORM_HEAP, TOOLS_HEAP, KEEP_DATA, BOOTSTRAP_SERVERS, BENCH_LABEL):
#   PRODUCER_PROPS              go after acks=1 linger.ms=5 batch.size=65536 (so they override them) and
#                               before the row's compression.type
#   ROWS="none:producer gzip:producer snappy:producer lz4:producer zstd:producer gzip:zstd lz4:zstd"
#   WARMUP_RECORDS=RECORDS/10   records produced per row into a throw-away topic (same configs) before the
#                               measured run, so the measured run does not pay the JIT; 0 skips it
#   PAYLOAD_LINES=10000         distinct payloads in the payload file (the tool picks one at random per record)
#   IDLE_SECONDS=5              how long the broker's idle CPU rate is sampled after the last row; 0 skips it
#   BROKER_PID, BROKER_DATA_DIR the broker's pid and data dir when BOOTSTRAP_SERVERS names a running
#                               cluster (bench/kafka-reference.sh sets them); without them CPU and disk show "-"
set -euo pipefail
export LC_ALL=C
# shellcheck source=bench/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

ROWS=${ROWS:-none:producer gzip:producer snappy:producer lz4:producer zstd:producer gzip:zstd lz4:zstd}
WARMUP_RECORDS=${WARMUP_RECORDS:-$((RECORDS / 10))}
PAYLOAD_LINES=${PAYLOAD_LINES:-10000}
IDLE_SECONDS=${IDLE_SECONDS:-5}
PREFIX="cbench-$(date +%s)"

# write_payloads FILE: PAYLOAD_LINES lines of exactly RECORD_SIZE ASCII bytes, JSON-like events whose
# "message" field is filled with words up to the size (shorter records than the fixed fields get cut).
write_payloads() {
    awk -v n="$PAYLOAD_LINES" -v size="$RECORD_SIZE" 'BEGIN {
        srand(42)
        nw = split("the a user order payment request response cache session checkout cart item price " \
            "total shipping address customer account login logout error warning timeout retry service " \
            "database query index latency upstream downstream gateway token refresh expired valid invalid " \
            "created updated deleted pending completed failed processing queued delivered returned refund " \
            "inventory warehouse stock product category search results page click view banner campaign " \
            "email notification sent opened bounced mobile desktop browser version release deploy region", w, " ")
        split("page_view add_to_cart checkout payment_authorized order_shipped login search refund", ev, " ")
        split("DE FR US GB NL SE PL ES IT JP BR IN", cc, " ")
        split("mobile desktop tablet", dev, " ")
        split("200 200 200 200 201 204 301 400 404 500", st, " ")
        for (i = 0; i < n; i++) {
            s = sprintf("{\"ts\":\"2025-%02d-%02dT%02d:%02d:%02d.%03dZ\",\"event\":\"%s\",\"user_id\":%d," \
                "\"session\":\"%04x%04x%04x\",\"country\":\"%s\",\"device\":\"%s\",\"path\":\"/products/%d\"," \
                "\"status\":%s,\"latency_ms\":%d,\"message\":\"",
                1 + int(rand() * 12), 1 + int(rand() * 28), int(rand() * 24), int(rand() * 60), int(rand() * 60),
                int(rand() * 1000), ev[1 + int(rand() * 8)], int(rand() * 1000000),
                int(rand() * 65536), int(rand() * 65536), int(rand() * 65536), cc[1 + int(rand() * 12)], dev[1 + int(rand() * 3)],
                int(rand() * 5000), st[1 + int(rand() * 10)], int(rand() * 900) + 5)
            while (length(s) < size - 2) s = s w[1 + int(rand() * nw)] " "
            print substr(s, 1, size - 2) "\"}"
        }
    }' >"$1"
}

# topic_disk_bytes TOPIC: summed size of the .log segment files in the topic's partition directories
# (<topic>-<partition>, anywhere under the data dir: Strata keeps them in logs/, Kafka at the top).
topic_disk_bytes() {
    local total=0 dir f
    while IFS= read -r dir; do
        [[ "${dir##*/}" =~ ^"$1"-[0-9]+$ ]] || continue
        for f in "$dir"/*.log; do
            [[ -f "$f" ]] && total=$((total + $(stat -c %s "$f")))
        done
    done < <(find "$DATA_DIR" -type d -name "$1-*")
    echo "$total"
}

bench_setup
BROKER_PID=${BROKER_PID:-$PLATFORM_PID}
DATA_DIR=${BROKER_DATA_DIR:-$PLATFORM_DATA_DIR}
[[ -z "$BROKER_PID" || -r "/proc/$BROKER_PID/stat" ]] || die "no /proc/$BROKER_PID/stat to read the broker's CPU time from"

PAYLOAD_FILE="$RUN_DIR/payloads.txt"
write_payloads "$PAYLOAD_FILE"
log "wrote $PAYLOAD_LINES payloads of $RECORD_SIZE bytes to $PAYLOAD_FILE; gzip -6 of the file: $(gzip -6 -c "$PAYLOAD_FILE" | wc -c) of $(wc -c <"$PAYLOAD_FILE") bytes"

RESULTS=()
for row in $ROWS; do
    producer_codec=${row%%:*}
    topic_codec=${row#*:}
    [[ "$row" == *:* && -n "$producer_codec" && -n "$topic_codec" ]] || die "bad row '$row' (want PRODUCER_CODEC:TOPIC_CODEC)"
    props="acks=1 linger.ms=5 batch.size=65536 $PRODUCER_PROPS compression.type=$producer_codec"
    name="$producer_codec-to-$topic_codec"
    topic="$PREFIX-$name"

    if [[ "$WARMUP_RECORDS" -gt 0 ]]; then
        create_topic "$topic-warmup" --config "compression.type=$topic_codec"
        log "warm-up $row: $WARMUP_RECORDS records"
        perf_produce "warmup-$name" "$topic-warmup" "$WARMUP_RECORDS" "$props" --payload-file "$PAYLOAD_FILE"
    fi
    create_topic "$topic" --config "compression.type=$topic_codec"
    log "ProducerPerformance $row: $RECORDS records of $RECORD_SIZE bytes"
    cpu_before=$([[ -n "$BROKER_PID" ]] && cpu_seconds "$BROKER_PID" || echo -)
    perf_produce "produce-$name" "$topic" "$RECORDS" "$props" --payload-file "$PAYLOAD_FILE"
    cpu_after=$([[ -n "$BROKER_PID" ]] && cpu_seconds "$BROKER_PID" || echo -)
    disk=$([[ -n "$DATA_DIR" ]] && topic_disk_bytes "$topic" || echo -)
    RESULTS+=("$row $PRODUCED $PRODUCE_RATE $PRODUCE_MB $cpu_before $cpu_after $disk")
done

# Sampled after the rows: right after start-up the broker is still compiling and reads far higher.
IDLE_RATE="-"
if [[ -n "$BROKER_PID" && "$IDLE_SECONDS" -gt 0 ]]; then
    before=$(cpu_seconds "$BROKER_PID")
    sleep "$IDLE_SECONDS"
    IDLE_RATE=$(awk -v a="$before" -v b="$(cpu_seconds "$BROKER_PID")" -v t="$IDLE_SECONDS" 'BEGIN { printf "%.3f", (b - a) / t }')
    log "idle broker CPU: $IDLE_RATE s/s"
fi

# ---- summary ----
printf '\n%s compression bench: %s records x %s bytes per row, acks=1 linger.ms=5 batch.size=65536, %s partitions, broker-default flush\n' \
    "${BENCH_LABEL:-Strata}" "$RECORDS" "$RECORD_SIZE" "$PARTITIONS"
printf '%s\n' "${RESULTS[@]}" | awk -v size="$RECORD_SIZE" '
    BEGIN {
        fmt = "%-18s %10s %11s %8s %9s %10s %10s %7s\n"
        printf fmt, "producer:topic", "records", "records/s", "MB/s", "cpu-s", "cpu-s/GB", "disk-MB", "ratio"
    }
    {
        row = $1; n = $2; bytes = n * size
        cpu = ($5 == "-" || $6 == "-") ? "-" : sprintf("%.2f", $6 - $5)
        per_gb = (cpu == "-" || bytes == 0) ? "-" : sprintf("%.2f", cpu / (bytes / 2^30))
        disk = ($7 == "-") ? "-" : sprintf("%.1f", $7 / 2^20)
        ratio = ($7 == "-" || $7 == 0) ? "-" : sprintf("%.2f", bytes / $7)
        printf fmt, row, n, sprintf("%.0f", $3), sprintf("%.2f", $4), cpu, per_gb, disk, ratio
    }'
printf 'MB/s and cpu-s/GB count uncompressed payload (records x %s bytes); ratio = payload / disk bytes.\n' "$RECORD_SIZE"
printf 'idle broker CPU: %s s/s (included in cpu-s for the length of each run)\n' "$IDLE_RATE"
