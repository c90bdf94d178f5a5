import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * Restart probe of bench/compare.sh --scale, for the JDK's source launcher with kafka-clients on the class path:
 * {@code java -cp 'bench/lib/*' bench/FirstProduce.java BOOTSTRAP TOPIC READY_FILE TIMEOUT_S}.
 *
 * <p>Started before the broker restarts, so its own start-up and compilation are not counted: it writes
 * READY_FILE once it is ready, then produces one record (acks=all) to partition 0 of TOPIC, retrying every
 * failure, until one is acknowledged, and prints {@code ACKED <epoch ms>} (the caller subtracts the restart's
 * start). Exits 1 after TIMEOUT_S seconds without an acknowledgement.
 */
public class FirstProduce {
    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        String topic = args[1];
        Path ready = Path.of(args[2]);
        long deadline = System.currentTimeMillis() + Long.parseLong(args[3]) * 1000;
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "1000");
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "1000");
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "1000");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        props.put(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, "20");
        props.put(ProducerConfig.RECONNECT_BACKOFF_MS_CONFIG, "20");
        props.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "50");
        // metadata retries back off exponentially up to this (1 s by default), which rounded every restart up
        // to the next backoff step
        props.put(ProducerConfig.RETRY_BACKOFF_MAX_MS_CONFIG, "50");
        props.put(ProducerConfig.METADATA_MAX_AGE_CONFIG, "100");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            Files.writeString(ready, "ready\n");
            while (System.currentTimeMillis() < deadline) {
                try {
                    producer.send(new ProducerRecord<>(topic, 0, null, new byte[]{1})).get();
                    System.out.println("ACKED " + System.currentTimeMillis());
                    return;
                } catch (Exception e) {
                    Thread.sleep(20); // not up yet: retry
                }
            }
        }
        System.err.println("no produce acknowledged within " + args[3] + " s");
        System.exit(1);
    }
}
