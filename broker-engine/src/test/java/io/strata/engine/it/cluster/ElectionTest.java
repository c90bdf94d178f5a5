package io.strata.engine.it.cluster;

import io.strata.engine.cluster.Partition;
import io.strata.engine.log.PartitionLog;
import io.strata.engine.log.segment.FileSlice;
import io.strata.engine.metadata.PartitionMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Leader elections after failures: a deposed leader's divergent records are truncated when it rejoins, and
 * with every ISR member down a partition stays offline unless unclean election is enabled.
 */
class ElectionTest extends ThreeBrokerClusterTestBase {
    private static final String TOPIC = "elections";
    private static final TopicPartition TP = new TopicPartition(TOPIC, 0);
    private static final Duration SETTLE = Duration.ofSeconds(20);

    @Test
    void aDeposedLeaderTruncatesTheAcksOneRecordsTheNewLeaderNeverHadAndThenMatchesIt() throws Exception {
        createTopic(Map.of("min.insync.replicas", "1"));
        int leader = stored().leader();
        List<Integer> followers = others(leader);
        followers.forEach(id -> cluster.broker(id).cutReplication(true));
        send("1", "lost-1", "lost-2", "lost-3"); // acknowledged by the leader alone
        assertThat(cluster.broker(leader).replicaManager().partition(TP).orElseThrow().log().logEndOffset())
                .isEqualTo(3);

        cluster.broker(leader).halt();
        followers.forEach(id -> cluster.broker(id).cutReplication(false));
        await().atMost(SETTLE).until(() -> stored().leader() >= 0 && stored().leader() != leader);
        send("all", "kept-1", "kept-2");
        cluster.startBroker(leader);

        await().atMost(SETTLE).until(() -> stored().isr().contains(leader));
        int newLeader = stored().leader();
        await().atMost(SETTLE).untilAsserted(() ->
                assertThat(records(leader)).isEqualTo(records(newLeader)).containsExactly("kept-1", "kept-2"));
    }

    @Test
    void withUncleanElectionOffAPartitionWhoseIsrIsDownStaysOfflineUntilAnIsrMemberReturns() throws Exception {
        createTopic(Map.of("unclean.leader.election.enable", "false"));
        int leader = stored().leader();
        int follower = others(leader).get(0);
        isolateLeaderThenKillIt(leader);

        cluster.startBroker(follower); // it becomes the controller and, after a session timeout, fences the leader

        await().atMost(SETTLE).until(() -> stored().leader() == -1);
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
                .until(() -> stored().leader() == -1 && stored().isr().equals(List.of(leader)));

        cluster.startBroker(leader);
        await().atMost(SETTLE).until(() -> stored().leader() == leader);
        assertThat(records(leader)).containsExactly("only-on-leader");
    }

    @Test
    void withUncleanElectionOnAnOutOfSyncReplicaTakesOverWhenNoIsrMemberIsAlive() throws Exception {
        createTopic(Map.of("unclean.leader.election.enable", "true"));
        int leader = stored().leader();
        int follower = others(leader).get(0);
        isolateLeaderThenKillIt(leader);

        cluster.startBroker(follower);

        await().atMost(SETTLE).until(() -> stored().leader() == follower && stored().isr().equals(List.of(follower)));
        send("all", "after-unclean-election");
        assertThat(records(follower)).containsExactly("after-unclean-election");
    }

    /**
     * Both followers die, the ISR shrinks to the leader, which takes a record alone and then dies too: the
     * whole cluster is down, with the leader the last ISR member.
     */
    private void isolateLeaderThenKillIt(int leader) throws Exception {
        others(leader).forEach(id -> cluster.broker(id).halt());
        await().atMost(SETTLE).until(() -> stored().isr().equals(List.of(leader)));
        send("1", "only-on-leader");
        cluster.broker(leader).halt();
    }

    private void createTopic(Map<String, String> configs) throws Exception {
        cluster.createReplicatedTopic(TOPIC, 1, configs);
    }

    private void send(String acks, String... values) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, acks,
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "all".equals(acks),
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000), new StringSerializer(), new StringSerializer())) {
            for (String value : values) {
                producer.send(new ProducerRecord<>(TOPIC, 0, null, value)).get();
            }
        }
    }

    private PartitionMetadata stored() {
        return cluster.partitions(TOPIC).get(0);
    }

    private List<Integer> others(int brokerId) {
        List<Integer> out = new ArrayList<>(List.of(1, 2, 3));
        out.remove(Integer.valueOf(brokerId));
        return out;
    }

    /** The values in broker {@code id}'s log, to its log end. */
    private List<String> records(int id) {
        Partition partition = cluster.broker(id).replicaManager().partition(TP).orElseThrow();
        PartitionLog log = partition.log();
        List<String> values = new ArrayList<>();
        long offset = log.logStartOffset();
        while (offset < log.logEndOffset()) {
            long next = offset;
            var slice = partition.read(offset, 1 << 20, Partition.FetchBound.LOG_END, true).records();
            MemoryRecords read = slice instanceof FileSlice file ? file.toMemoryRecords() : (MemoryRecords) slice;
            for (RecordBatch batch : read.batches()) {
                for (Record record : batch) {
                    if (record.offset() >= offset) {
                        values.add(Utils.utf8(record.value()));
                    }
                }
                next = batch.nextOffset();
            }
            if (next == offset) {
                break;
            }
            offset = next;
        }
        return values;
    }
}
