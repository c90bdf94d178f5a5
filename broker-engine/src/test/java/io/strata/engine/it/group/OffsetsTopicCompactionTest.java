package io.strata.engine.it.group;

import io.strata.engine.config.LogManagerConfig;
import io.strata.engine.it.BrokerFixture;
import io.strata.engine.it.BrokerTestBase;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static io.strata.engine.it.group.GroupTestSupport.committedOffsets;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code __consumer_offsets} is compacted by the log cleaner like any compacted topic: under 100k offset
 * commits (about 12 MB of records uncompacted) with 64 KiB segments, the partition stays under 1.5 MiB, settles to a few
 * segments, and the group's offsets survive a restart.
 */
class OffsetsTopicCompactionTest extends BrokerTestBase {
    private static final int SEGMENT_BYTES = 64 * 1024;
    private static final int PARTITIONS = 100;
    private static final int COMMITS = 1_000; // of 100 partitions each: 100k offset records
    private static final long MAX_BYTES_DURING = 1536 * 1024;

    @Test
    void theOffsetsTopicStaysBoundedUnderManyCommitsAndKeepsTheLatestOffsetsAcrossARestart() throws Exception {
        fixture = BrokerFixture.start(dataDir, Map.of(), c -> c
                .withGroups(c.groups().withOffsetsTopicPartitions(1).withOffsetsTopicSegmentBytes(SEGMENT_BYTES))
                .withLogManager(LogManagerConfig.defaults().withCleanerBackoffMs(100)
                        .withCleanerDedupeBufferSize(4L * 1024 * 1024)));
        fixture.createTopic(fixture.admin(), "tracked", PARTITIONS, Map.of());
        KafkaConsumer<String, String> committer = GroupTestSupport.groupConsumer(fixture, "committer", "committer-1",
                Map.of());
        List<TopicPartition> partitions = GroupTestSupport.partitions("tracked", PARTITIONS);
        committer.assign(partitions);

        long maxBytes = 0;
        AtomicInteger failures = new AtomicInteger();
        for (int i = 1; i <= COMMITS; i++) {
            Map<TopicPartition, OffsetAndMetadata> offsets = offsets(partitions, i);
            if (i % 20 == 0) {
                committer.commitSync(offsets, Duration.ofSeconds(30)); // bounds the commits in flight
                maxBytes = Math.max(maxBytes, offsetsLogBytes());
            } else {
                committer.commitAsync(offsets, (o, e) -> {
                    if (e != null) {
                        failures.incrementAndGet();
                    }
                });
            }
        }
        committer.commitSync(offsets(partitions, COMMITS), Duration.ofSeconds(30));

        assertThat(failures).hasValue(0);
        assertThat(maxBytes).as("bytes of __consumer_offsets-0 while committing").isLessThan(MAX_BYTES_DURING);
        await().atMost(Duration.ofSeconds(60)).until(() -> offsetsLogSegments() <= 4);
        Map<TopicPartition, Long> expected = new HashMap<>();
        partitions.forEach(tp -> expected.put(tp, (long) COMMITS));
        assertThat(committedOffsets(fixture.admin(), "committer")).isEqualTo(expected);

        committer.close();
        fixture.closeBroker();
        fixture.restart();

        assertThat(committedOffsets(fixture.admin(), "committer")).isEqualTo(expected);
    }

    private static Map<TopicPartition, OffsetAndMetadata> offsets(List<TopicPartition> partitions, long offset) {
        Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
        partitions.forEach(tp -> out.put(tp, new OffsetAndMetadata(offset)));
        return out;
    }

    private List<Path> offsetsSegments() throws Exception {
        try (Stream<Path> files = Files.list(fixture.partitionDir("__consumer_offsets", 0))) {
            return files.filter(f -> f.getFileName().toString().endsWith(".log")).toList();
        }
    }

    private long offsetsLogBytes() throws Exception {
        long total = 0;
        for (Path segment : offsetsSegments()) {
            try {
                total += Files.size(segment);
            } catch (java.nio.file.NoSuchFileException gone) {
                // replaced by a clean meanwhile
            }
        }
        return total;
    }

    private int offsetsLogSegments() throws Exception {
        return offsetsSegments().size();
    }
}
