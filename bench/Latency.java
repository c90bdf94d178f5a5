import org.apache.kafka.clients.admin.*;
import org.apache.kafka.clients.consumer.*;
import org.apache.kafka.clients.producer.*;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.*;
import java.time.Duration;
import java.util.*;

/**
 * End-to-end latency in microseconds, split at the acknowledgement: one record of 1 KiB at a time is produced with
 * acks=all (linger.ms=0) and polled back by a consumer assigned the partition. Per record it measures the time to the
 * acknowledgement ("ack"), to the consumer's poll returning it ("e2e") and the difference ("after-ack": how long after
 * the producer's answer the consumer got it). Kafka's EndToEndLatency reports whole milliseconds, too coarse for
 * brokers a fraction of a millisecond apart. Prints one RESULT line per measure: avg, p50, p90, p99, p99.9, max.
 * Used by bench/latency.sh; needs kafka-clients on the class path.
 * Usage: java -cp "bench/lib/*" bench/Latency.java BOOTSTRAP TOPIC RECORDS
 */
public class Latency {
    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        String topic = args[1];
        int records = Integer.parseInt(args[2]);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            if (!admin.listTopics().names().get().contains(topic)) {
                admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
            }
        }
        Properties pp = new Properties();
        pp.put("bootstrap.servers", bootstrap);
        pp.put("acks", "all");
        pp.put("linger.ms", "0");
        pp.put("key.serializer", ByteArraySerializer.class.getName());
        pp.put("value.serializer", ByteArraySerializer.class.getName());
        Properties cp = new Properties();
        cp.put("bootstrap.servers", bootstrap);
        cp.put("enable.auto.commit", "false");
        cp.put("key.deserializer", ByteArrayDeserializer.class.getName());
        cp.put("value.deserializer", ByteArrayDeserializer.class.getName());
        byte[] value = new byte[1024];
        new Random(7).nextBytes(value);
        long[] ack = new long[records];
        long[] e2e = new long[records];
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(pp);
             KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(cp)) {
            TopicPartition tp = new TopicPartition(topic, 0);
            consumer.assign(List.of(tp));
            consumer.seekToEnd(List.of(tp));
            consumer.position(tp);
            for (int i = 0; i < records; i++) {
                long start = System.nanoTime();
                producer.send(new ProducerRecord<>(topic, 0, null, value)).get();
                long acked = System.nanoTime();
                int got = 0;
                while (got == 0) {
                    got = consumer.poll(Duration.ofSeconds(10)).count();
                }
                long consumed = System.nanoTime();
                if (got != 1) {
                    throw new IllegalStateException("expected one record, polled " + got);
                }
                ack[i] = acked - start;
                e2e[i] = consumed - start;
            }
        }
        long[] afterAck = new long[records];
        for (int i = 0; i < records; i++) {
            afterAck[i] = e2e[i] - ack[i];
        }
        print("ack", ack);
        print("e2e", e2e);
        print("after-ack", afterAck);
    }

    private static void print(String name, long[] nanos) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        System.out.printf("RESULT %s %.0f %d %d %d %d %d%n", name, Arrays.stream(s).average().orElse(0) / 1e3,
                at(s, 0.5), at(s, 0.9), at(s, 0.99), at(s, 0.999), s[s.length - 1] / 1000);
    }

    private static long at(long[] sorted, double quantile) {
        return sorted[Math.min(sorted.length - 1, (int) (sorted.length * quantile))] / 1000;
    }
}
