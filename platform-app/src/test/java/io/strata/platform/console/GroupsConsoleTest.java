package io.strata.platform.console;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.errors.WakeupException;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.WebElement;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class GroupsConsoleTest extends ConsoleTestBase {

    @Test
    void aRunningGroupShowsItsLagAndOnceStoppedIsResetToTheEarliestFromTheConsole() throws Exception {
        String topic = topicWithRecords(2, 6);
        String group = "console-group-" + System.nanoTime();
        try (PollingConsumer consumer = new PollingConsumer(group, topic, 6)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> committedTotal(group) == 6);
            produce(topic, 4); // the paused consumer leaves these behind: lag 4

            open("/console/groups");
            waitFor(By.id("groups-filter")).sendKeys(group);
            By row = By.cssSelector("tr[data-group='" + group + "']");
            waiting().until(b -> b.findElement(row).findElement(By.cssSelector(".group-lag")).getText().equals("4"));
            assertThat(browser.findElement(row).findElement(By.cssSelector(".group-type")).getAttribute("data-type"))
                    .isEqualTo("CLASSIC");
            screenshot("groups");

            browser.findElement(row).findElement(By.linkText(group)).click();
            waiting().until(b -> b.findElement(By.id("group-total-lag")).getText().equals("4"));
            WebElement member = waitFor(By.cssSelector("#group-members tr[data-consumer]"));
            assertThat(member.getText()).contains("console-groups-client").contains(topic);
            assertThat(browser.findElements(By.cssSelector("#group-lags tr[data-partition]"))).isNotEmpty();
            waitFor(By.cssSelector("#lag-chart .uplot"));
            screenshot("group-detail");
            browser.manage().window().setSize(new Dimension(390, 844));
            try {
                waitFor(By.id("reset-offsets"));
                screenshot("group-detail-phone");
            } finally {
                browser.manage().window().setSize(new Dimension(1366, 900));
            }
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> kafkaAdmin().describeConsumerGroups(List.of(group))
                .describedGroups().get(group).get(30, TimeUnit.SECONDS).groupState() == GroupState.EMPTY);
        waitFor(By.cssSelector("#group-badges .group-state[data-state='EMPTY']"));

        waitFor(By.id("reset-offsets")).click();
        assertThat(waitFor(By.id("reset-strategy")).getAttribute("value")).isEqualTo("EARLIEST");
        assertThat(browser.findElement(By.id("reset-confirm")).isEnabled()).as("no reset before a preview").isFalse();
        browser.findElement(By.id("reset-preview")).click();
        waitFor(By.id("reset-preview-result"));
        List<String> newOffsets = browser.findElements(By.cssSelector("#reset-preview-result .new-offset")).stream()
                .map(WebElement::getText).toList();
        assertThat(newOffsets).isNotEmpty().allMatch("0"::equals);
        screenshot("group-reset-preview");
        assertThat(committedTotal(group)).as("a preview commits nothing").isEqualTo(10 - 4);
        waiting().until(b -> b.findElement(By.id("reset-confirm")).isEnabled());
        browser.findElement(By.id("reset-confirm")).click();

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Map<TopicPartition, OffsetAndMetadata> offsets = kafkaAdmin().listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
            assertThat(offsets).isNotEmpty();
            assertThat(offsets.values()).allMatch(o -> o.offset() == 0);
        });
        waiting().until(b -> b.findElement(By.id("group-total-lag")).getText().equals("10"));
    }

    @Test
    void aGroupWithoutMembersIsDeletedAfterItsIdIsTyped() throws Exception {
        String topic = topicWithRecords(1, 2);
        String group = "console-group-delete-" + System.nanoTime();
        kafkaAdmin().alterConsumerGroupOffsets(group, Map.of(new TopicPartition(topic, 0), new OffsetAndMetadata(1)))
                .all().get(30, TimeUnit.SECONDS);

        open("/console/groups/" + group);
        waiting().until(b -> b.findElement(By.id("group-total-lag")).getText().equals("1"));
        waitFor(By.id("delete-group")).click();
        WebElement confirm = waitFor(By.cssSelector("dialog input[name='confirm']"));
        confirm.sendKeys("not-" + group);
        browser.findElement(By.cssSelector("dialog [data-confirm]")).click();
        waitFor(By.cssSelector("dialog .dialog-error .alert"));
        confirm.clear();
        confirm.sendKeys(group);
        browser.findElement(By.cssSelector("dialog [data-confirm]")).click();

        waiting().until(b -> b.getCurrentUrl().endsWith("/console/groups"));
        await().atMost(Duration.ofSeconds(30)).until(() -> kafkaAdmin().listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS).isEmpty());
        waitFor(By.cssSelector("#groups-table table"));
        assertThat(browser.findElements(By.cssSelector("tr[data-group='" + group + "']"))).isEmpty();
    }

    /** A new topic of its own holding {@code records} records. */
    private String topicWithRecords(int partitions, int records) throws Exception {
        String topic = "console-groups-" + System.nanoTime();
        createTopic(topic, partitions);
        produce(topic, records);
        return topic;
    }

    private void produce(String topic, int count) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = kafkaProducer()) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(topic, ("record-" + i).getBytes(StandardCharsets.UTF_8))).get(30, TimeUnit.SECONDS);
            }
        }
    }

    private long committedTotal(String group) throws Exception {
        return kafkaAdmin().listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS)
                .values().stream().filter(o -> o != null).mapToLong(OffsetAndMetadata::offset).sum();
    }

    /**
     * A group member polling on its own thread, as applications run them: it commits what it reads and, once it has
     * read {@code pauseAfter} records, pauses its partitions (staying in the group) so later records become lag.
     */
    private final class PollingConsumer implements AutoCloseable {
        private final Thread thread;
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final AtomicLong read = new AtomicLong();
        private volatile boolean running = true;

        PollingConsumer(String group, String topic, int pauseAfter) {
            consumer = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                    ConsumerConfig.GROUP_ID_CONFIG, group,
                    ConsumerConfig.CLIENT_ID_CONFIG, "console-groups-client",
                    ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                    new ByteArrayDeserializer(), new ByteArrayDeserializer());
            thread = new Thread(() -> {
                try {
                    consumer.subscribe(List.of(topic));
                    while (running) {
                        ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
                        if (!records.isEmpty()) {
                            consumer.commitSync();
                            if (read.addAndGet(records.count()) >= pauseAfter) {
                                consumer.pause(consumer.assignment());
                            }
                        }
                    }
                } catch (WakeupException stopping) {
                    // close() woke the poll up
                } finally {
                    consumer.close();
                }
            }, "console-groups-consumer");
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            consumer.wakeup();
            thread.join(30_000);
        }
    }
}
