package io.strata.engine.it.cluster;

import io.strata.engine.cluster.Partition;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** DeleteRecords on an RF 3 partition returns only once every live replica has moved its log start. */
class DeleteRecordsReplicationTest extends ThreeBrokerClusterTestBase {
    private static final TopicPartition TP = new TopicPartition("trimmed", 0);

    @Test
    void theLowWatermarkReachesTheTargetOnEveryReplicaBeforeTheResponse() throws Exception {
        cluster.createReplicatedTopic(TP.topic(), 1, Map.of("min.insync.replicas", "2"));
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < 100; i++) {
                producer.send(new ProducerRecord<>(TP.topic(), 0, "k" + i, "v" + i));
            }
            producer.flush();
        }
        for (int id = 1; id <= 3; id++) {
            Partition replica = cluster.broker(id).replicaManager().partition(TP).orElseThrow();
            await().atMost(Duration.ofSeconds(30)).until(() -> replica.log().highWatermark() == 100);
        }
        Admin admin = cluster.admin(1);
        long lowWatermark = admin.deleteRecords(Map.of(TP, RecordsToDelete.beforeOffset(60))).lowWatermarks()
                .get(TP).get(30, TimeUnit.SECONDS).lowWatermark();
        assertThat(lowWatermark).isEqualTo(60);
        for (int id = 1; id <= 3; id++) {
            assertThat(cluster.broker(id).replicaManager().partition(TP).orElseThrow().log().logStartOffset())
                    .as("log start on broker %d when the response arrived", id).isEqualTo(60);
        }
    }
}
