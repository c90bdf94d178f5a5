import org.apache.kafka.clients.admin.*;
import org.apache.kafka.clients.consumer.*;
import org.apache.kafka.clients.producer.*;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.*;
import java.time.Duration;
import java.util.*;

/**
 * Fetching many mostly idle partitions: a consumer assigned every partition of a P-partition topic while one record
 * at a time is produced (acks=1) to partition 0 and polled back, so each round trip is a fetch of P partitions
 * woken by an append to one. Prints records/s. Used by bench/wide-fetch.sh; needs kafka-clients on the class path.
 * Usage: java -cp "bench/lib/*" bench/WideFetch.java BOOTSTRAP PARTITIONS RECORDS
 */
public class WideFetch {
    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        int partitions = Integer.parseInt(args[1]);
        int records = Integer.parseInt(args[2]);
        String topic = "wide-fetch-" + partitions;
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            if (!admin.listTopics().names().get().contains(topic)) {
                admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
            }
        }
        Properties pp = new Properties();
        pp.put("bootstrap.servers", bootstrap);
        pp.put("acks", "1");
        pp.put("linger.ms", "0");
        pp.put("max.in.flight.requests.per.connection", "1");
        Properties cp = new Properties();
        cp.put("bootstrap.servers", bootstrap);
        cp.put("fetch.max.wait.ms", "500");
        byte[] value = new byte[100];
        try (KafkaProducer<byte[], byte[]> producer =
                     new KafkaProducer<>(pp, new ByteArraySerializer(), new ByteArraySerializer());
             KafkaConsumer<byte[], byte[]> consumer =
                     new KafkaConsumer<>(cp, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> tps = new ArrayList<>();
            for (int p = 0; p < partitions; p++) {
                tps.add(new TopicPartition(topic, p));
            }
            consumer.assign(tps);
            consumer.seekToEnd(tps);
            for (TopicPartition tp : tps) {
                consumer.position(tp);
            }
            long start = System.nanoTime();
            int got = 0;
            // one record in flight: send, then poll until it arrives (an end-to-end loop over a wide assignment)
            for (int i = 0; i < records; i++) {
                producer.send(new ProducerRecord<>(topic, 0, null, value));
                int want = got + 1;
                while (got < want) {
                    got += consumer.poll(Duration.ofMillis(100)).count();
                }
            }
            double s = (System.nanoTime() - start) / 1e9;
            System.out.printf("RESULT partitions=%d records=%d seconds=%.2f rate=%.0f%n", partitions, got, s, got / s);
        }
    }
}
