package io.strata.engine.it;

import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;

/**
 * What ProducerPerformance does with acks=0: send as fast as possible and close the producer right after the
 * last send. The producer's connection is gone while the broker still has its last requests in the socket
 * buffer and in progress; none of them may be lost.
 */
class AcksZeroProducerTest extends StartedBrokerTestBase {
    private static final int PARTITIONS = 4;
    private static final int RECORDS = 200_000;
    private static final String VALUE = "v".repeat(512);

    @Test
    void anAcksZeroProducerThatClosesRightAfterItsLastSendLosesNoRecordOfADurableTopic() throws Exception {
        produceAndCloseAtOnce("durable", Map.of(), 1);
    }

    @Test
    void acksZeroProducersThatCloseRightAfterTheirLastSendLoseNoRecordRoundAfterRound() throws Exception {
        // fsync only now and then, so three rounds stay quick; the connection handling is the same.
        produceAndCloseAtOnce("lazy-flush", Map.of(TopicConfig.FLUSH_MESSAGES_INTERVAL_CONFIG, "1000000000"), 3);
    }

    private void produceAndCloseAtOnce(String topic, Map<String, String> configs, int rounds) throws Exception {
        Admin admin = fixture.admin();
        fixture.createTopic(admin, topic, PARTITIONS, configs);
        for (int round = 1; round <= rounds; round++) {
            KafkaProducer<String, String> producer = fixture.producer(Map.of(
                    ProducerConfig.ACKS_CONFIG, "0",
                    ProducerConfig.BATCH_SIZE_CONFIG, 16_384)); // the client default, as in ProducerPerformance
            for (int i = 0; i < RECORDS; i++) {
                producer.send(new ProducerRecord<>(topic, VALUE));
            }
            producer.close();
            TopicRecordCount.awaitExactly(admin, topic, PARTITIONS, (long) RECORDS * round);
        }
    }
}
