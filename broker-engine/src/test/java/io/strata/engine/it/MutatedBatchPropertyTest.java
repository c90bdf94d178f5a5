package io.strata.engine.it;

import io.strata.engine.testing.RawBatches;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.message.ProduceResponseData.PartitionProduceResponse;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Property: whatever a producer sends, the broker stores only what a consumer can read. Valid batches in
 * every codec (random record counts, keys including null and empty, values, headers, timestamps near now)
 * get 1 to 3 random bytes changed, anywhere but half of the time in the records section, and their CRC
 * recomputed; each request carries one such batch for each of eight partitions, over four topics (codec as
 * sent, recompressed to zstd, compacted, LogAppendTime). The broker may refuse any of them with any error,
 * but must keep answering on the connection and must accept every unmutated batch; at the end a consumer
 * checking CRCs reads every partition from beginning to end without an exception and finds exactly the
 * records of the accepted batches, at contiguous offsets.
 *
 * <p>The seed is printed; rerun one with {@code -Dstrata.mutation.seed=N}, and search longer with
 * {@code -Dstrata.mutation.rounds=N}.
 */
class MutatedBatchPropertyTest extends StartedBrokerTestBase {
    private static final long DEFAULT_SEED = 0x5EED_BA7CL;
    /** Requests sent; each carries one batch per partition (eight). */
    private static final int DEFAULT_ROUNDS = 60;
    private static final int PARTITIONS_PER_TOPIC = 2;
    private static final Compression[] CODECS = {Compression.NONE, Compression.gzip().build(),
            Compression.snappy().build(), Compression.lz4().build(), Compression.zstd().build()};
    private static final Map<String, Map<String, String>> TOPICS = Map.of(
            "as-sent", Map.of("compression.type", "producer"),
            "to-zstd", Map.of("compression.type", "zstd"),
            "compacted", Map.of("cleanup.policy", "compact"),
            "log-append-time", Map.of("message.timestamp.type", "LogAppendTime"));

    /** One batch sent (and at first -1, then its base offset once accepted), with how it was changed ("" if not). */
    private record Accepted(int round, long baseOffset, int records, String codec, String mutations) {
    }

    @Test
    void everyAcceptedMutatedBatchIsReadableAndNothingElseIsStored() throws Exception {
        long seed = Long.getLong("strata.mutation.seed", DEFAULT_SEED);
        int rounds = Integer.getInteger("strata.mutation.rounds", DEFAULT_ROUNDS);
        System.out.println("MutatedBatchPropertyTest seed=" + seed + " (rerun with -Dstrata.mutation.seed=" + seed + ")");
        Random random = new Random(seed);
        List<TopicPartition> partitions = new ArrayList<>();
        for (Map.Entry<String, Map<String, String>> topic : new TreeMap<>(TOPICS).entrySet()) {
            fixture.createTopic(fixture.admin(), topic.getKey(), PARTITIONS_PER_TOPIC, topic.getValue());
            for (int p = 0; p < PARTITIONS_PER_TOPIC; p++) {
                partitions.add(new TopicPartition(topic.getKey(), p));
            }
        }
        Map<TopicPartition, List<Accepted>> accepted = new HashMap<>();
        Map<TopicPartition, Long> nextOffset = new HashMap<>();
        partitions.forEach(tp -> {
            accepted.put(tp, new ArrayList<>());
            nextOffset.put(tp, 0L);
        });
        int refusals = 0;
        Map<Errors, Integer> refusedBy = new TreeMap<>();
        try (RawProducer producer = new RawProducer(fixture.bootstrapServers())) {
            for (int round = 0; round < rounds; round++) {
                Map<TopicPartition, MemoryRecords> request = new LinkedHashMap<>();
                Map<TopicPartition, Accepted> sent = new HashMap<>();
                Map<TopicPartition, Boolean> mustAccept = new HashMap<>();
                for (TopicPartition tp : partitions) {
                    boolean compacted = tp.topic().equals("compacted");
                    Compression codec = CODECS[random.nextInt(CODECS.length)];
                    SimpleRecord[] records = records(random, compacted);
                    ByteBuffer batch = RawBatches.batch(codec, records);
                    // One batch in ten is left alone: the broker must take it (unless a compacted one lacks a key).
                    String mutations = random.nextInt(10) == 0 ? "" : mutate(random, batch);
                    request.put(tp, RawBatches.records(batch));
                    sent.put(tp, new Accepted(round, -1, RawBatches.recordCount(batch), codec.type().name, mutations));
                    mustAccept.put(tp, mutations.isEmpty() && !(compacted && anyKeyless(records)));
                }
                Map<TopicPartition, PartitionProduceResponse> responses;
                try {
                    responses = producer.produce(request);
                } catch (IOException e) {
                    throw new AssertionError("seed " + seed + " round " + round + ": no answer to a request with "
                            + sent, e);
                }
                for (TopicPartition tp : partitions) {
                    PartitionProduceResponse response = responses.get(tp);
                    Accepted batch = sent.get(tp);
                    Errors error = Errors.forCode(response.errorCode());
                    if (error != Errors.NONE) {
                        assertThat(mustAccept.get(tp)).as("seed %d round %d %s: unmutated %s batch refused with %s: %s",
                                seed, round, tp, batch.codec(), error, response.errorMessage()).isFalse();
                        assertThat(response.baseOffset()).isEqualTo(-1L);
                        refusals++;
                        refusedBy.merge(error, 1, Integer::sum);
                        continue;
                    }
                    long next = nextOffset.get(tp);
                    Accepted stored = new Accepted(round, response.baseOffset(), batch.records(), batch.codec(),
                            batch.mutations());
                    if (response.baseOffset() == next) {
                        accepted.get(tp).add(stored);
                        nextOffset.put(tp, next + batch.records());
                    } else if (accepted.get(tp).stream().noneMatch(a -> a.baseOffset() == response.baseOffset())) {
                        // Only a retry of an earlier batch (a mutation can make one idempotent) may answer backwards.
                        fail("seed %d round %d %s: accepted at base offset %d, expected %d (%s)", seed, round, tp,
                                response.baseOffset(), next, stored);
                    }
                }
            }
        }
        long acceptedMutated = accepted.values().stream().flatMap(List::stream)
                .filter(a -> !a.mutations().isEmpty()).count();
        System.out.println("MutatedBatchPropertyTest seed=" + seed + ": " + rounds * partitions.size()
                + " batches, " + refusals + " refused " + refusedBy + ", " + acceptedMutated + " mutated ones accepted");

        Map<TopicPartition, List<ConsumerRecord<String, String>>> read;
        try {
            read = BrokerFixture.readAll(fixture.consumer(Map.of(ConsumerConfig.CHECK_CRCS_CONFIG, true,
                    ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000)), partitions, Duration.ofSeconds(60));
        } catch (RuntimeException e) {
            throw new AssertionError("seed " + seed + ": the consumer failed on what the broker accepted; accepted "
                    + "mutated batches: " + describeMutated(accepted), e);
        }
        for (TopicPartition tp : partitions) {
            List<ConsumerRecord<String, String>> records = read.get(tp);
            long expected = nextOffset.get(tp);
            assertThat(records).as("seed %d: records of %s", seed, tp).hasSize((int) expected);
            for (int i = 0; i < records.size(); i++) {
                if (records.get(i).offset() != i) {
                    fail("seed %d: %s record #%d is at offset %d", seed, tp, i, records.get(i).offset());
                }
            }
        }
    }

    /** 1 to 50 records: keys null, empty or random; values null, empty or random; 0 to 3 headers; timestamps near now. */
    private static SimpleRecord[] records(Random random, boolean compacted) {
        long now = System.currentTimeMillis();
        SimpleRecord[] records = new SimpleRecord[1 + random.nextInt(50)];
        for (int i = 0; i < records.length; i++) {
            // On the compacted topic a keyless record refuses the whole batch, so keep them rare there.
            byte[] key = random.nextInt(compacted ? 400 : 10) == 0 ? null : randomBytes(random, 16);
            byte[] value = random.nextInt(20) == 0 ? null : randomBytes(random, 200);
            Header[] headers = new Header[random.nextInt(4)];
            for (int h = 0; h < headers.length; h++) {
                headers[h] = new RecordHeader("h" + random.nextInt(1000),
                        random.nextInt(5) == 0 ? null : randomBytes(random, 20));
            }
            records[i] = new SimpleRecord(now - 60_000 + random.nextInt(120_000), key, value, headers);
        }
        return records;
    }

    /** Empty one time in five, else up to {@code max} bytes, compressible (repeated) half of the time. */
    private static byte[] randomBytes(Random random, int max) {
        byte[] bytes = new byte[random.nextInt(5) == 0 ? 0 : 1 + random.nextInt(max)];
        if (random.nextBoolean()) {
            random.nextBytes(bytes);
        } else {
            Arrays.fill(bytes, (byte) ('a' + random.nextInt(26)));
        }
        return bytes;
    }

    private static boolean anyKeyless(SimpleRecord[] records) {
        for (SimpleRecord record : records) {
            if (record.key() == null) {
                return true;
            }
        }
        return false;
    }

    /**
     * Changes 1 to 3 bytes: half of them in the records section, the others anywhere but the CRC (which is
     * recomputed afterwards, so a change there would be undone). Returns what was changed.
     */
    private static String mutate(Random random, ByteBuffer batch) {
        int size = batch.limit();
        int count = 1 + random.nextInt(3);
        List<String> changes = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int position;
            do {
                position = random.nextBoolean() && size > RawBatches.HEADER
                        ? RawBatches.HEADER + random.nextInt(size - RawBatches.HEADER)
                        : random.nextInt(size);
            } while (position >= RawBatches.CRC && position < RawBatches.ATTRIBUTES);
            byte before = batch.get(position);
            byte after = (byte) (before ^ (1 + random.nextInt(255)));
            batch.put(position, after);
            changes.add(String.format("%s 0x%02x->0x%02x", field(position), before, after));
        }
        RawBatches.fixCrc(batch);
        return String.join(", ", changes);
    }

    /** The header field a byte position falls in, or its place in the records section. */
    private static String field(int position) {
        String[] names = {"baseOffset", "length", "partitionLeaderEpoch", "magic", "crc", "attributes",
                "lastOffsetDelta", "baseTimestamp", "maxTimestamp", "producerId", "producerEpoch", "baseSequence",
                "recordCount"};
        int[] starts = {0, 8, 12, 16, 17, 21, 23, 27, 35, 43, 51, 53, 57};
        if (position >= RawBatches.HEADER) {
            return "records@" + (position - RawBatches.HEADER);
        }
        for (int i = starts.length - 1; i >= 0; i--) {
            if (position >= starts[i]) {
                return names[i] + "+" + (position - starts[i]);
            }
        }
        throw new IllegalArgumentException("position " + position);
    }

    private static String describeMutated(Map<TopicPartition, List<Accepted>> accepted) {
        return accepted.entrySet().stream()
                .flatMap(e -> e.getValue().stream().filter(a -> !a.mutations().isEmpty())
                        .map(a -> e.getKey() + "@" + a.baseOffset() + " " + a))
                .collect(Collectors.joining("\n", "\n", ""));
    }
}
