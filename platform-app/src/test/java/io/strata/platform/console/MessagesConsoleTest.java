package io.strata.platform.console;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class MessagesConsoleTest extends ConsoleTestBase {

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private void produce(String topic, int partition, String key, String value) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = kafkaProducer()) {
            producer.send(new ProducerRecord<>(topic, partition, key.getBytes(StandardCharsets.UTF_8),
                    value.getBytes(StandardCharsets.UTF_8))).get();
        }
    }

    private By row(int partition, long offset) {
        return By.cssSelector("tr[data-testid='record'][data-partition='" + partition + "'][data-offset='" + offset + "']");
    }

    @Test
    void aRecordProducedInTheConsoleIsFoundByItsOffsetAndByATextFilter() throws Exception {
        String topic = unique("console-messages");
        createTopic(topic, 3);
        for (int i = 0; i < 6; i++) {
            produce(topic, i % 3, "customer-" + i, "{\"order\":" + (1000 + i) + ",\"items\":[\"book\",\"pen\"],\"paid\":"
                    + (i % 2 == 0) + ",\"note\":null}");
        }
        String marker = unique("parcel");
        open("/console/topics/" + topic + "/messages");
        waitForText(By.id("msg-count"), "6");

        waitFor(By.id("msg-produce")).click();
        WebElement dialog = waitFor(By.cssSelector("dialog[open]"));
        new Select(dialog.findElement(By.name("partition"))).selectByValue("1");
        dialog.findElement(By.name("key")).sendKeys("order-42");
        new Select(dialog.findElement(By.name("valueType"))).selectByValue("JSON");
        dialog.findElement(By.name("value")).sendKeys("{\"id\": 42, \"label\": \"" + marker + "\"}");
        dialog.findElement(By.name("headers")).sendKeys("trace-id: abc-123");
        dialog.findElement(By.cssSelector("[data-confirm]")).click();
        WebElement report = waitFor(By.id("produce-report"));
        int partition = Integer.parseInt(report.findElement(By.cssSelector("[data-testid='produced-partition']")).getText());
        long offset = Long.parseLong(report.findElement(By.cssSelector("[data-testid='produced-offset']")).getText());
        assertThat(partition).isEqualTo(1);
        assertThat(offset).isEqualTo(2);
        screenshot("produce");
        dialog.findElement(By.cssSelector("[data-cancel]")).click();
        waiting().until(ExpectedConditions.invisibilityOfElementLocated(By.cssSelector("dialog[open]")));
        waitForText(By.id("msg-count"), "7"); // the page read again when the dialog closed

        open("/console/topics/" + topic + "/messages?partition=" + partition + "&offset=" + offset);
        WebElement found = waitFor(row(partition, offset));
        assertThat(found.getText()).contains(marker).contains("order-42").contains("trace-id").contains("abc-123");

        open("/console/topics/" + topic + "/messages?q=" + marker);
        waitForText(By.id("msg-match-count"), "1");
        assertThat(browser.findElements(By.cssSelector("tr[data-testid='record']"))).hasSize(1);
        waitFor(row(partition, offset));

        // Typing a filter narrows the shown records and the URL keeps it.
        open("/console/topics/" + topic + "/messages");
        waitForText(By.id("msg-count"), "7");
        screenshot("messages");
        Dimension laptop = browser.manage().window().getSize();
        try {
            browser.manage().window().setSize(new Dimension(390, 844));
            waitFor(row(partition, offset));
            screenshot("messages-phone");
        } finally {
            browser.manage().window().setSize(laptop);
        }
        waitFor(By.id("msg-filter")).sendKeys("customer-4");
        waitForText(By.id("msg-match-count"), "1");
        assertThat(browser.getCurrentUrl()).contains("q=customer-4");

        // Copying a record and downloading the shown ones work without errors.
        waitFor(By.cssSelector("tr[data-testid='record'] button[data-copy]")).click();
        waitForText(By.id("toasts"), "Copied");
        waitFor(By.id("msg-download")).click();
        waitFor(By.id("theme-toggle")).click();
        screenshot("messages-theme-toggled");
        waitFor(By.id("theme-toggle")).click();
    }

    @Test
    void pagesGoForwardAndBackAndTheUrlFollows() throws Exception {
        String topic = unique("console-pages");
        createTopic(topic, 1);
        for (int i = 0; i < 5; i++) {
            produce(topic, 0, "k" + i, "v" + i);
        }
        open("/console/topics/" + topic + "/messages?partition=0&mode=earliest&limit=2");
        waitFor(row(0, 0));
        waitFor(By.id("msg-next")).click();
        waitFor(row(0, 2));
        assertThat(browser.getCurrentUrl()).contains("offset=2").contains("limit=2");
        waitFor(By.id("msg-prev")).click();
        waitFor(row(0, 0));
        assertThat(browser.getCurrentUrl()).contains("offset=0");

        // From the newest records, earlier pages stay newest first.
        open("/console/topics/" + topic + "/messages?partition=0&limit=2");
        waitFor(row(0, 4));
        assertThat(firstRowOffset()).isEqualTo("4");
        waitFor(By.id("msg-prev")).click();
        waitFor(row(0, 2));
        assertThat(firstRowOffset()).isEqualTo("2");
        assertThat(browser.getCurrentUrl()).contains("offset=1").contains("order=newest");
    }

    private String firstRowOffset() {
        return browser.findElement(By.cssSelector("tr[data-testid='record']")).getDomAttribute("data-offset");
    }

    @Test
    void aBinaryValueShowsAsHexOrBase64AndATimeFindsRecords() throws Exception {
        String topic = unique("console-binary");
        createTopic(topic, 1);
        long before = System.currentTimeMillis() - 1000;
        try (KafkaProducer<byte[], byte[]> producer = kafkaProducer()) {
            producer.send(new ProducerRecord<>(topic, 0, "bin".getBytes(StandardCharsets.UTF_8),
                    new byte[]{(byte) 0xff, 0x00, 0x10})).get();
        }
        open("/console/topics/" + topic + "/messages?timestamp=" + before);
        WebElement record = waitFor(row(0, 0));
        assertThat(record.getText()).contains("ff 00 10");
        new Select(waitFor(By.id("msg-binary"))).selectByValue("base64");
        waitForText(row(0, 0), "/wAQ");
        assertThat(browser.getCurrentUrl()).contains("timestamp=" + before);
        open("/console/topics/" + topic + "/messages?timestamp=" + (System.currentTimeMillis() + 60_000));
        waitForText(By.id("msg-records"), "No records here.");
    }

    @Test
    void theLiveTailShowsARecordProducedByAKafkaClient() throws Exception {
        String topic = unique("console-tail");
        createTopic(topic, 2);
        open("/console/topics/" + topic + "/messages?mode=tail");
        waitFor(By.cssSelector("#tail-status[data-status='connected']"));
        String value = unique("live");
        produce(topic, 1, "tail-key", value);
        // The explicit wait (up to 10 s) for the record to arrive over SSE.
        waitForText(By.id("msg-records"), value);
        screenshot("messages-tail");
        waitFor(By.id("tail-pause")).sendKeys(Keys.ENTER);
        waitForText(By.id("tail-pause"), "Resume");
    }

    @Test
    void anUnknownTopicShowsTheRestError() {
        open("/console/topics/" + unique("no-such-topic") + "/messages");
        waitForText(By.cssSelector(".alert-error"), "not");
    }
}
