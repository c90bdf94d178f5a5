package io.strata.engine.it.group;

import io.strata.engine.config.LogManagerConfig;
import io.strata.engine.it.BrokerFixture;
import io.strata.engine.it.BrokerTestBase;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.internals.Topic;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static io.strata.engine.it.group.GroupTestSupport.committedOffsets;
import static io.strata.engine.it.group.GroupTestSupport.groupConsumer;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code __consumer_offsets} is a compacted topic like any other: under a stream of commits its partition stays a
 * few segments large instead of growing with every commit, and what survives is each group's latest offsets.
 */
class OffsetsTopicBoundedTest extends BrokerTestBase {
    private static final String TOPIC = "committed";
    private static final int PARTITIONS = 5;
    private static final int COMMITS = 20_000;
    private static final int SEGMENT_BYTES = 16 * 1024;
    /**
     * What the offsets partition may hold once the cleaner has caught up: the cleaned head (the latest commit of
     * five partitions, plus whatever the cleaner must keep), at most a dirty fraction of min.cleanable.dirty.ratio
     * and the active segment. 100k offset records would take several megabytes.
     */
    private static final long BOUND_BYTES = 8L * SEGMENT_BYTES;

    @Test
    void oneHundredThousandCommitsLeaveTheOffsetsPartitionBoundedAndTheLatestOffsetsDurable() throws Exception {
        fixture = BrokerFixture.start(dataDir, Map.of(), c -> c
                .withGroups(c.groups().withOffsetsTopicPartitions(1).withOffsetsTopicSegmentBytes(SEGMENT_BYTES))
                .withLogManager(LogManagerConfig.defaults().withCleanerBackoffMs(100)));
        fixture.createTopic(fixture.admin(), TOPIC, PARTITIONS, Map.of());
        List<TopicPartition> partitions = GroupTestSupport.partitions(TOPIC, PARTITIONS);
        KafkaConsumer<String, String> consumer = groupConsumer(fixture, "busy", "busy-1", Map.of());
        consumer.assign(partitions);

        // 20k commits of 5 partitions each: 100k offset records, sent asynchronously in windows of 100.
        Map<TopicPartition, OffsetAndMetadata> last = new HashMap<>();
        long maxObserved = 0;
        for (int i = 1; i <= COMMITS; i++) {
            last = new HashMap<>();
            for (TopicPartition tp : partitions) {
                last.put(tp, new OffsetAndMetadata(i * 10L + tp.partition()));
            }
            if (i % 100 == 0) {
                consumer.commitSync(last, Duration.ofSeconds(30));
                maxObserved = Math.max(maxObserved, offsetsPartitionBytes());
            } else {
                consumer.commitAsync(last, null);
            }
        }
        consumer.commitSync(last, Duration.ofSeconds(30));

        await().atMost(60, SECONDS).pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> assertThat(offsetsPartitionBytes()).isLessThanOrEqualTo(BOUND_BYTES));
        assertThat(maxObserved).as("the largest size seen while committing").isLessThan(100_000L * 50);
        Map<TopicPartition, Long> expected = new HashMap<>();
        last.forEach((tp, om) -> expected.put(tp, om.offset()));
        assertThat(committedOffsets(fixture.admin(), "busy")).isEqualTo(expected);

        fixture.closeBroker();
        fixture.restart();
        assertThat(committedOffsets(fixture.admin(), "busy")).isEqualTo(expected);
    }

    /** Bytes of the single offsets partition's live segment files (files awaiting deletion not counted). */
    private long offsetsPartitionBytes() throws Exception {
        Path dir = fixture.partitionDir(Topic.GROUP_METADATA_TOPIC_NAME, 0);
        long total = 0;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(f -> f.getFileName().toString().endsWith(".log")).toList()) {
                try {
                    total += Files.size(f);
                } catch (NoSuchFileException deletedMeanwhile) {
                    // a segment removed between the listing and now no longer counts
                }
            }
        }
        return total;
    }
}
