package io.strata.engine.it;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ConfigEntry.ConfigSource;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Topic and broker configs, topic validation, partition growth and deletion through the Admin client. */
class DescribeConfigsTest extends BrokerTestBase {
    @Test
    void topicConfigsReportOverridesDefaultsAndSynonyms() throws Exception {
        fixture = BrokerFixture.start(dataDir);
        Admin admin = fixture.admin();
        fixture.createTopic(admin, "configured", 1, Map.of("retention.bytes", "1048576", "segment.ms", "3600000"));

        Config config = describe(admin, new ConfigResource(ConfigResource.Type.TOPIC, "configured"));
        ConfigEntry retentionBytes = config.get("retention.bytes");
        assertThat(retentionBytes.value()).isEqualTo("1048576");
        assertThat(retentionBytes.source()).isEqualTo(ConfigSource.DYNAMIC_TOPIC_CONFIG);
        assertThat(retentionBytes.isDefault()).isFalse();
        assertThat(retentionBytes.synonyms()).extracting(ConfigEntry.ConfigSynonym::source)
                .startsWith(ConfigSource.DYNAMIC_TOPIC_CONFIG).contains(ConfigSource.DEFAULT_CONFIG);
        assertThat(retentionBytes.synonyms()).anySatisfy(s -> {
            assertThat(s.name()).isEqualTo("log.retention.bytes");
            assertThat(s.value()).isEqualTo("-1");
            assertThat(s.source()).isEqualTo(ConfigSource.DEFAULT_CONFIG);
        });
        assertThat(config.get("segment.ms").value()).isEqualTo("3600000");
        assertThat(config.get("segment.ms").source()).isEqualTo(ConfigSource.DYNAMIC_TOPIC_CONFIG);

        ConfigEntry retentionMs = config.get("retention.ms");
        assertThat(retentionMs.value()).isEqualTo("604800000");
        assertThat(retentionMs.source()).isEqualTo(ConfigSource.DEFAULT_CONFIG);
        assertThat(retentionMs.isDefault()).isTrue();
        assertThat(config.get("cleanup.policy").value()).isEqualTo("delete");
        assertThat(config.get("cleanup.policy").source()).isEqualTo(ConfigSource.DEFAULT_CONFIG);
    }

    @Test
    void brokerWideLogDefaultsShowAsStaticBrokerConfig() throws Exception {
        fixture = BrokerFixture.start(dataDir, Map.of("retention.ms", "3600000"));
        Admin admin = fixture.admin();
        fixture.createTopic(admin, "inherits", 1, Map.of());

        ConfigEntry retentionMs = describe(admin, new ConfigResource(ConfigResource.Type.TOPIC, "inherits"))
                .get("retention.ms");
        assertThat(retentionMs.value()).isEqualTo("3600000");
        assertThat(retentionMs.source()).isEqualTo(ConfigSource.STATIC_BROKER_CONFIG);
    }

    @Test
    void brokerConfigsAreDescribed() throws Exception {
        fixture = BrokerFixture.start(dataDir);
        Config config = describe(fixture.admin(), new ConfigResource(ConfigResource.Type.BROKER, "0"));
        assertThat(config.get("num.partitions")).isNotNull();
        assertThat(config.get("num.partitions").value()).isEqualTo("1");
        assertThat(config.get("log.dirs")).isNotNull();
        assertThat(Path.of(config.get("log.dirs").value()).toRealPath()).isEqualTo(dataDir.toRealPath());
        assertThat(config.get("log.retention.bytes")).isNotNull();
        assertThat(config.get("log.retention.bytes").value()).isEqualTo("-1");
    }

    @Test
    void theClusterWideBrokerDefaultsAreDescribedAndNoneIsSetYet() throws Exception {
        fixture = BrokerFixture.start(dataDir);
        Config defaults = describe(fixture.admin(), new ConfigResource(ConfigResource.Type.BROKER, ""));
        assertThat(defaults.entries()).as("no dynamic default broker config is set").isEmpty();
        Config broker = describe(fixture.admin(), new ConfigResource(ConfigResource.Type.BROKER, "0"));
        assertThat(broker.entries()).as("the broker's own configs are still there").isNotEmpty();
    }

    @Test
    void invalidTopicConfigsAndDuplicateNamesAreRejected() throws Exception {
        fixture = BrokerFixture.start(dataDir);
        Admin admin = fixture.admin();

        assertThatThrownBy(() -> fixture.createTopic(admin, "unknown-config", 1, Map.of("no.such.config", "1")))
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(InvalidConfigurationException.class);
        assertThatThrownBy(() -> fixture.createTopic(admin, "bad-value", 1, Map.of("retention.ms", "soon")))
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(InvalidConfigurationException.class);
        assertThat(admin.listTopics().names().get(30, SECONDS)).doesNotContain("unknown-config", "bad-value");

        fixture.createTopic(admin, "taken", 1, Map.of());
        assertThatThrownBy(() -> admin.createTopics(List.of(new NewTopic("taken", 2, (short) 1)))
                .all().get(30, SECONDS))
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(TopicExistsException.class);
        TopicDescription taken = admin.describeTopics(List.of("taken")).allTopicNames().get(30, SECONDS).get("taken");
        assertThat(taken.partitions()).as("the failed create changed nothing").hasSize(1);
    }

    @Test
    void partitionsGrowAndDeletedTopicsDisappear() throws Exception {
        fixture = BrokerFixture.start(dataDir);
        Admin admin = fixture.admin();
        String topic = "growing";
        fixture.createTopic(admin, topic, 1, Map.of());
        admin.createPartitions(Map.of(topic, NewPartitions.increaseTo(3))).all().get(30, SECONDS);

        TopicDescription grown = admin.describeTopics(List.of(topic)).allTopicNames().get(30, SECONDS).get(topic);
        assertThat(grown.partitions()).extracting(TopicPartitionInfo::partition).containsExactly(0, 1, 2);
        assertThat(grown.partitions()).allSatisfy(p -> assertThat(p.leader()).isNotNull());

        KafkaProducer<String, String> producer = fixture.producer(Map.of());
        RecordMetadata metadata = producer.send(new ProducerRecord<>(topic, 2, "k", "in-new-partition"))
                .get(30, SECONDS);
        assertThat(metadata.partition()).isEqualTo(2);
        assertThat(metadata.offset()).isZero();
        TopicPartition tp2 = new TopicPartition(topic, 2);
        KafkaConsumer<String, String> consumer = fixture.consumer(Map.of());
        consumer.assign(List.of(tp2));
        consumer.seekToBeginning(List.of(tp2));
        List<ConsumerRecord<String, String>> records =
                BrokerFixture.pollUntilEnd(consumer, Map.of(tp2, 1L), Duration.ofSeconds(30)).get(tp2);
        assertThat(records).extracting(ConsumerRecord::key, ConsumerRecord::value)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("k", "in-new-partition"));
        assertThat(fixture.partitionDir(topic, 2)).isDirectory();

        admin.deleteTopics(List.of(topic)).all().get(30, SECONDS);
        assertThat(admin.listTopics().names().get(30, SECONDS)).doesNotContain(topic);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            for (int p = 0; p < 3; p++) {
                assertThat(Files.exists(fixture.partitionDir(topic, p))).as("dir of partition %d", p).isFalse();
            }
        });
        assertThatThrownBy(() -> admin.deleteTopics(List.of(topic)).all().get(30, SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(UnknownTopicOrPartitionException.class);
    }

    private static Config describe(Admin admin, ConfigResource resource) throws Exception {
        return admin.describeConfigs(List.of(resource), new DescribeConfigsOptions().includeSynonyms(true))
                .all().get(30, SECONDS).get(resource);
    }
}
