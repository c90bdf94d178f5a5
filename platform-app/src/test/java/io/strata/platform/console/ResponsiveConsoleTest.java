package io.strata.platform.console;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Every view at a phone's width (390 px) and in both themes: nothing makes the page itself scroll sideways. */
class ResponsiveConsoleTest extends ConsoleTestBase {

    @Test
    void everyViewFitsAPhoneWidthWithoutScrollingSideways() throws Exception {
        String topic = "phone-" + System.nanoTime();
        String group = "phone-group-" + System.nanoTime();
        createTopic(topic, 2);
        try (KafkaProducer<byte[], byte[]> producer = kafkaProducer()) {
            for (int i = 0; i < 5; i++) {
                producer.send(new ProducerRecord<>(topic, i % 2, ("key-" + i).getBytes(),
                        ("{\"n\": " + i + ", \"text\": \"a longer value to wrap on a narrow screen\"}").getBytes()))
                        .get(30, TimeUnit.SECONDS);
            }
        }
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(), ConsumerConfig.GROUP_ID_CONFIG, group),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.commitSync(Map.of(new TopicPartition(topic, 0), new OffsetAndMetadata(1)));
        }
        Map<String, String> views = new LinkedHashMap<>();
        views.put("overview", "/console/");
        views.put("topics", "/console/topics");
        views.put("topic", "/console/topics/" + topic);
        views.put("messages", "/console/topics/" + topic + "/messages");
        views.put("groups", "/console/groups");
        views.put("group", "/console/groups/" + group);
        views.put("brokers", "/console/brokers");
        views.put("broker", "/console/brokers/0");
        views.put("acls", "/console/acls");

        Dimension laptop = browser.manage().window().getSize();
        browser.manage().window().setSize(new Dimension(390, 844));
        try {
            for (String theme : new String[]{"light", "dark"}) {
                open("/console/");
                script("localStorage.setItem('strata-theme', arguments[0])", theme);
                for (Map.Entry<String, String> view : views.entrySet()) {
                    open(view.getValue());
                    waitFor(By.cssSelector("#view h1"));
                    waiting().until(b -> browser.findElements(By.cssSelector("#view .state.loading")).isEmpty());
                    long overflow = ((Number) script(
                            "return document.documentElement.scrollWidth - document.documentElement.clientWidth"))
                            .longValue();
                    assertThat(overflow).as("sideways overflow of %s at 390 px (%s theme)", view.getKey(), theme)
                            .isLessThanOrEqualTo(0);
                    assertThat(browser.findElements(By.cssSelector("#view .alert-error")))
                            .as("errors shown on %s", view.getKey()).isEmpty();
                    if (theme.equals("light")) {
                        screenshot("phone-" + view.getKey());
                    }
                }
            }
        } finally {
            script("localStorage.removeItem('strata-theme')");
            browser.manage().window().setSize(laptop);
        }
    }
}
