package io.strata.platform.console;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

class OverviewConsoleTest extends ConsoleTestBase {

    @Test
    void theOverviewShowsTheClusterAndChartsLiveTraffic() throws Exception {
        String topic = "overview-" + System.nanoTime();
        createTopic(topic, 3);
        AtomicBoolean producing = new AtomicBoolean(true);
        Thread producer = new Thread(() -> {
            try (KafkaProducer<byte[], byte[]> p = kafkaProducer()) {
                while (producing.get()) {
                    p.send(new ProducerRecord<>(topic, ("traffic " + System.nanoTime()).getBytes()));
                    Thread.sleep(20);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "overview-traffic");
        producer.start();
        try {
            open("/console/");
            waitForText(By.cssSelector("#overview-stats"), clusterId());
            waitFor(By.cssSelector("#overview-broker-table tbody tr"));
            assertThat(browser.findElement(By.id("stat-offline")).getText()).contains("0");
            // Rates come from two samples of the counters: the messages-in rate rises above zero.
            waiting().until(b -> ((Number) script("""
                    const latest = document.getElementById('chart-messages').dataset.latest;
                    return latest ? JSON.parse(latest)[0] : 0;""")).doubleValue() > 0);
            assertThat(browser.findElements(By.cssSelector("#overview-charts .uplot"))).hasSize(4);
            // Six samples (18 s) give the screenshot the README shows a line worth looking at.
            new WebDriverWait(browser, Duration.ofSeconds(60)).until(b -> ((Number) script(
                    "return Number(document.getElementById('chart-bytes').dataset.samples || 0)")).intValue() >= 6);
            screenshot("overview");
        } finally {
            producing.set(false);
            producer.join();
        }
    }

    @Test
    void theFirstPageWeighsUnder300KilobytesTransferredAndIsCompressed() {
        ChromeDriver chrome = (ChromeDriver) browser;
        chrome.executeCdpCommand("Network.enable", Map.of());
        chrome.executeCdpCommand("Network.clearBrowserCache", Map.of());
        chrome.executeCdpCommand("Network.setCacheDisabled", Map.of("cacheDisabled", true));
        try {
            open("/console/");
            waitFor(By.cssSelector("#overview-charts .uplot"));
            waitFor(By.cssSelector("#overview-broker-table"));
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> entries = (List<Map<String, Object>>) script("""
                    return performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))
                        .map(e => ({name: e.name, transfer: e.transferSize, encoded: e.encodedBodySize,
                                    decoded: e.decodedBodySize}));""");
            long total = entries.stream().mapToLong(e -> ((Number) e.get("transfer")).longValue()).sum();
            assertThat(entries).allSatisfy(e -> assertThat(((Number) e.get("transfer")).longValue())
                    .as("bytes transferred for %s (0 would mean it came from a cache)", e.get("name")).isPositive());
            assertThat(total).as("bytes transferred by the first page: %s", entries).isLessThan(300 * 1024);
            Map<String, Object> script = entries.stream()
                    .filter(e -> ((String) e.get("name")).endsWith("/webjars/uplot/dist/uPlot.iife.min.js")).findFirst()
                    .orElseThrow();
            assertThat(((Number) script.get("encoded")).longValue()).as("compressed on the wire")
                    .isLessThan(((Number) script.get("decoded")).longValue() / 2);
        } finally {
            chrome.executeCdpCommand("Network.setCacheDisabled", Map.of("cacheDisabled", false));
        }
    }
}
