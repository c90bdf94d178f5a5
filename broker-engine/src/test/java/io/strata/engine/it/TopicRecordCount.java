package io.strata.engine.it;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

/**
 * How many records a topic holds, as the sum of its partitions' latest offsets (ListOffsets): exact for a
 * topic whose logs were never truncated or compacted and hold no transaction markers.
 */
final class TopicRecordCount {
    private static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(250);

    private TopicRecordCount() {
    }

    static long of(Admin admin, String topic, int partitions) throws Exception {
        Map<TopicPartition, OffsetSpec> latest = IntStream.range(0, partitions)
                .mapToObj(p -> new TopicPartition(topic, p))
                .collect(Collectors.toMap(Function.identity(), tp -> OffsetSpec.latest()));
        return admin.listOffsets(latest).all().get(30, SECONDS).values().stream()
                .mapToLong(ListOffsetsResultInfo::offset).sum();
    }

    /**
     * Polls until the count has reached {@code expected} and is the same on two polls in a row (requests
     * without responses may still be in progress), then asserts it is exactly {@code expected}.
     */
    static void awaitExactly(Admin admin, String topic, int partitions, long expected) {
        AtomicLong previous = new AtomicLong(-1);
        await().atMost(SETTLE_TIMEOUT).pollInterval(POLL_INTERVAL).untilAsserted(() -> {
            long now = of(admin, topic, partitions);
            long before = previous.getAndSet(now);
            assertThat(now).as("records in %s", topic).isGreaterThanOrEqualTo(expected).isEqualTo(before);
        });
        assertThat(previous.get()).as("records in %s", topic).isEqualTo(expected);
    }
}
