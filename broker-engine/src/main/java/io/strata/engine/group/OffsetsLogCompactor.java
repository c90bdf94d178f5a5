package io.strata.engine.group;

import io.strata.engine.log.PartitionLog;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * Keeps the {@code __consumer_offsets} partitions this coordinator leads bounded while the broker has no
 * log cleaner. Once a partition holds {@value #SEGMENTS_BEFORE_REWRITE} or more segments, the live state
 * of its groups (committed offsets and last persisted membership) is appended again; every segment wholly
 * before that rewrite then holds only superseded records (or tombstones of keys whose earlier records are
 * in the same doomed segments) and is deleted. Each group is captured and appended under its monitor, so
 * its rewrite is newer than anything it supersedes. Runs on the coordinator thread.
 */
final class OffsetsLogCompactor {
    private static final Logger log = LoggerFactory.getLogger(OffsetsLogCompactor.class);
    static final int SEGMENTS_BEFORE_REWRITE = 3;
    /** Records per appended batch, well below the default max.message.bytes of 1 MiB. */
    private static final int RECORDS_PER_BATCH = 500;

    private final GroupRegistry registry;
    private final Time time;

    OffsetsLogCompactor(GroupRegistry registry, Time time) {
        this.registry = registry;
        this.time = time;
    }

    void compactAll() {
        for (int partition : registry.ownedPartitions()) {
            try {
                PartitionLog partitionLog = registry.groupLog().log(partition);
                if (partitionLog.segmentCount() >= SEGMENTS_BEFORE_REWRITE) {
                    compact(partition, partitionLog);
                }
            } catch (RuntimeException e) {
                log.warn("Compaction of __consumer_offsets-{} failed; retrying later", partition, e);
            }
        }
    }

    private void compact(int partition, PartitionLog partitionLog) {
        long rewriteStart = partitionLog.logEndOffset();
        int rewritten = 0;
        for (ClassicGroup group : registry.groups()) {
            if (registry.partitionFor(group.groupId()) != partition) {
                continue;
            }
            synchronized (group) {
                if (group.is(GroupState.DEAD)) {
                    continue;
                }
                List<SimpleRecord> records = liveRecords(group);
                for (int from = 0; from < records.size(); from += RECORDS_PER_BATCH) {
                    registry.append(group, records.subList(from, Math.min(records.size(), from + RECORDS_PER_BATCH)));
                }
                rewritten += records.size();
            }
        }
        partitionLog.flush();
        int deleted = partitionLog.deleteSegmentsBelow(rewriteStart);
        log.info("Compacted __consumer_offsets-{}: rewrote {} live record(s) from offset {}, deleted {} segment(s)",
                partition, rewritten, rewriteStart, deleted);
    }

    private List<SimpleRecord> liveRecords(ClassicGroup group) {
        long now = time.milliseconds();
        List<SimpleRecord> records = new ArrayList<>();
        if (group.persisted() != null) {
            records.add(GroupRecords.groupMetadata(group.groupId(), group.persisted(), now));
        }
        group.offsets().forEach((tp, offset) -> records.add(GroupRecords.offsetCommit(group.groupId(), tp, offset, now)));
        return records;
    }
}
