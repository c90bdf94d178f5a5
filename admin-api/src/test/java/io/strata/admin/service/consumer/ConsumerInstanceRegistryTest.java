package io.strata.admin.service.consumer;

import io.strata.admin.error.RestException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConsumerInstanceRegistryTest {
    private static final Duration TIMEOUT = Duration.ofMinutes(1);
    private static final TopicPartition TP = new TopicPartition("t", 0);

    private final AtomicLong clock = new AtomicLong();
    private final List<MockConsumer<byte[], byte[]>> consumers = new ArrayList<>();
    private final List<Map<String, Object>> configs = new ArrayList<>();
    private ConsumerInstanceRegistry registry = registry(Map.of());

    private ConsumerInstanceRegistry registry(Map<String, String> configured) {
        return new ConsumerInstanceRegistry((prefix, config) -> {
            MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
            consumers.add(consumer);
            configs.add(config);
            return consumer;
        }, configured, TIMEOUT, clock::get);
    }

    @AfterEach
    void close() {
        registry.close();
    }

    @Test
    void anInstanceIdleForTheTimeoutIsClosedAndForgotten() {
        registry.create(definition("g", "a"));
        clock.addAndGet(TIMEOUT.toNanos() - 1);
        registry.closeIdle();
        assertThat(registry.get("g", "a")).isNotNull();

        clock.addAndGet(1);
        registry.closeIdle();
        assertThat(consumers.get(0).closed()).isTrue();
        assertThat(registry.size()).isZero();
        assertThatThrownBy(() -> registry.get("g", "a"))
                .isInstanceOfSatisfying(RestException.class, e -> assertThat(e.errorCode()).isEqualTo(40403));
    }

    @Test
    void aRequestKeepsItsInstanceAliveEvenPastTheTimeout() throws Exception {
        ConsumerInstance instance = registry.create(definition("g", "busy"));
        instance.assign(List.of(TP));
        MockConsumer<byte[], byte[]> consumer = consumers.get(0);
        consumer.updateBeginningOffsets(Map.of(TP, 0L));
        consumer.schedulePollTask(() -> {
            clock.addAndGet(TIMEOUT.toNanos() * 2);
            Thread reaper = new Thread(registry::closeIdle);
            reaper.start();
            try {
                reaper.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            consumer.addRecord(record(0, 10));
        });

        assertThat(instance.poll(Duration.ofSeconds(1), 1000)).hasSize(1);
        assertThat(consumer.closed()).isFalse();
        assertThat(registry.get("g", "busy")).isSameAs(instance);
    }

    @Test
    void aCommitWithoutOffsetsCommitsOnlyWhatWasReturned() {
        ConsumerInstance instance = registry.create(definition("g", "c"));
        instance.assign(List.of(TP));
        MockConsumer<byte[], byte[]> consumer = consumers.get(0);
        consumer.updateBeginningOffsets(Map.of(TP, 0L));
        consumer.schedulePollTask(() -> {
            for (int i = 0; i < 3; i++) {
                consumer.addRecord(record(i, 100));
            }
        });

        List<ConsumerRecord<byte[], byte[]>> first = instance.poll(Duration.ofSeconds(1), 150);
        assertThat(first).extracting(ConsumerRecord::offset).containsExactly(0L);
        instance.commit(null);
        assertThat(consumer.committed(java.util.Set.of(TP)).get(TP).offset()).isEqualTo(1);

        List<ConsumerRecord<byte[], byte[]>> rest = instance.poll(Duration.ofSeconds(1), 1000);
        assertThat(rest).extracting(ConsumerRecord::offset).containsExactly(1L, 2L);
    }

    @Test
    void aSecondInstanceOfANameInTheGroupIsRefused() {
        registry.create(definition("g", "twin"));
        registry.create(definition("other", "twin"));
        assertThatThrownBy(() -> registry.create(definition("g", "twin")))
                .isInstanceOfSatisfying(RestException.class, e -> assertThat(e.errorCode()).isEqualTo(40902));
        assertThat(consumers).hasSize(2);
    }

    @Test
    void consumersGetAShortSessionUnlessOneIsConfigured() {
        registry.create(definition("g", "short"));
        assertThat(configs.get(0)).containsEntry(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG,
                ConsumerInstanceRegistry.SESSION_TIMEOUT_MS).containsEntry(ConsumerConfig.GROUP_ID_CONFIG, "g");
        registry.close();

        registry = registry(Map.of(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "45000"));
        registry.create(definition("g", "configured"));
        assertThat(configs.get(1)).doesNotContainKey(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG);
    }

    @Test
    void closingTheRegistryClosesEveryConsumer() {
        registry.create(definition("g", "x"));
        registry.create(definition("g", "y"));
        registry.close();
        assertThat(consumers).allMatch(MockConsumer::closed);
        assertThat(registry.size()).isZero();
    }

    private static ConsumerInstanceDefinition definition(String group, String name) {
        return new ConsumerInstanceDefinition(group, name, RecordFormat.BINARY, "earliest", false, null,
                Duration.ofSeconds(1), "read_uncommitted", null);
    }

    private static ConsumerRecord<byte[], byte[]> record(long offset, int size) {
        return new ConsumerRecord<>(TP.topic(), TP.partition(), offset, null, new byte[size]);
    }
}
