package io.strata.platform.console;

import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.WebElement;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The topics list (create, search, REST errors) and a topic's detail view (partitions, groups, config edits). */
class TopicsConsoleTest extends ConsoleTestBase {

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private By row(String topic) {
        return By.cssSelector("tr[data-testid='topic-row'][data-topic='" + topic + "']");
    }

    private void openCreateDialog() {
        open("/console/topics");
        waitFor(By.cssSelector("#topics-table table"));
        waitFor(By.id("create-topic")).click();
        waitFor(By.id("create-name"));
    }

    private String retentionMs(String topic) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        Config config = kafkaAdmin().describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource);
        return config.get("retention.ms").value();
    }

    @Test
    void aTopicCreatedInTheConsoleAppearsInTheList() throws Exception {
        String topic = unique("console-created");
        openCreateDialog();
        browser.findElement(By.id("create-name")).sendKeys(topic);
        WebElement partitions = browser.findElement(By.id("create-partitions"));
        partitions.clear();
        partitions.sendKeys("3");
        browser.findElement(By.cssSelector("dialog [data-confirm]")).click();

        WebElement created = waitFor(row(topic));
        assertThat(created.findElement(By.cssSelector("td[data-label='Partitions']")).getText()).isEqualTo("3");
        assertThat(kafkaAdmin().describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS)
                .get(topic).partitions()).hasSize(3);

        // The search narrows the list to matching names.
        waitFor(By.id("topic-search")).sendKeys(topic);
        waiting().until(b -> b.findElements(By.cssSelector("tr[data-testid='topic-row']")).size() == 1);
        screenshot("topics");
        Dimension laptop = browser.manage().window().getSize();
        try {
            browser.manage().window().setSize(new Dimension(390, 844));
            assertThat(waitFor(row(topic)).getText()).contains(topic);
            screenshot("topics-phone");
        } finally {
            browser.manage().window().setSize(laptop);
        }
    }

    @Test
    void aRestErrorFromCreatingATopicThatExistsIsShownToTheUser() {
        String topic = unique("console-taken");
        createTopic(topic, 1);
        openCreateDialog();
        browser.findElement(By.id("create-name")).sendKeys(topic);
        browser.findElement(By.cssSelector("dialog [data-confirm]")).click();

        waitForText(By.cssSelector("dialog"), "already exists");
        assertThat(browser.findElement(By.id("create-name")).getAttribute("aria-invalid")).isEqualTo("true");
        screenshot("topics-create-error");
        browser.findElement(By.cssSelector("dialog [data-cancel]")).click();
    }

    @Test
    void aTopicsRetentionEditedInTheDetailViewIsWhatDescribeConfigsReports() throws Exception {
        String topic = unique("console-detail");
        String group = unique("console-reader");
        createTopic(topic, 2);
        try (KafkaProducer<byte[], byte[]> producer = kafkaProducer()) {
            for (int i = 0; i < 6; i++) {
                producer.send(new ProducerRecord<>(topic, i % 2, null, ("record " + i).getBytes())).get();
            }
        }
        kafkaAdmin().alterConsumerGroupOffsets(group, Map.of(new TopicPartition(topic, 0), new OffsetAndMetadata(1)))
                .all().get(30, TimeUnit.SECONDS);

        open("/console/topics/" + topic);
        waitFor(By.cssSelector("tr[data-testid='partition-row'][data-partition='1']"));
        waitForText(By.id("topic-span"), "6");
        waitForText(By.id("topic-groups"), group);
        waitFor(By.cssSelector("[data-testid='edit-config-retention.ms']")).click();
        WebElement value = waitFor(By.id("config-value"));
        screenshot("topic-config-edit");
        value.clear();
        value.sendKeys("3600000");
        browser.findElement(By.cssSelector("dialog [data-confirm]")).click();

        waiting().until(b -> {
            try {
                return "3600000".equals(retentionMs(topic));
            } catch (Exception e) {
                return false;
            }
        });
        waitFor(By.cssSelector("tr.topics-config-set[data-config='retention.ms']"));
        script("window.scrollTo(0, 0)");
        screenshot("topic-detail");
    }

    @Test
    void aTopicDeletedWithTypedConfirmationLeavesTheListAndTheCluster() throws Exception {
        String topic = unique("console-doomed");
        createTopic(topic, 1);
        open("/console/topics?q=" + topic);
        waitFor(row(topic)).findElement(By.cssSelector("button[data-delete]")).click();
        waitFor(By.cssSelector("dialog input[name='confirm']")).sendKeys(topic);
        browser.findElement(By.cssSelector("dialog [data-confirm]")).click();

        waiting().until(b -> b.findElements(row(topic)).isEmpty());
        assertThat(kafkaAdmin().listTopics().names().get(30, TimeUnit.SECONDS)).doesNotContain(topic);
    }

    @Test
    void partitionsAddedInTheDetailViewAreListed() throws Exception {
        String topic = unique("console-grown");
        createTopic(topic, 1);
        open("/console/");
        script("localStorage.setItem('strata-theme', 'dark')"); // this test also shows the dark theme
        try {
            open("/console/topics/" + topic);
            waitFor(By.cssSelector("tr[data-testid='partition-row'][data-partition='0']"));
            waiting().until(b -> b.findElement(By.id("add-partitions")).isEnabled());
            browser.findElement(By.id("add-partitions")).click();
            WebElement count = waitFor(By.id("partition-count"));
            count.clear();
            count.sendKeys("3");
            browser.findElement(By.cssSelector("dialog [data-confirm]")).click();

            waitFor(By.cssSelector("tr[data-testid='partition-row'][data-partition='2']"));
            screenshot("topic-detail-dark");
        } finally {
            script("localStorage.removeItem('strata-theme')");
        }
        assertThat(kafkaAdmin().describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS)
                .get(topic).partitions()).hasSize(3);
    }

    @Test
    void anUnknownTopicShowsTheRestErrorInsteadOfABlankPage() {
        open("/console/topics/" + unique("console-missing"));
        waitFor(By.cssSelector(".alert-error .error-message"));
        assertThat(browser.findElement(By.cssSelector(".alert-error")).getText()).contains("HTTP 404");
    }
}
