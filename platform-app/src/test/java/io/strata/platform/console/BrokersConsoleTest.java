package io.strata.platform.console;

import io.strata.engine.config.SoftwareVersion;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class BrokersConsoleTest extends ConsoleTestBase {
    private static final String DYNAMIC_CONFIG = "log.retention.ms";

    @Test
    void theBrokerListShowsVersionReplicaCountsAndLogDirSizes() throws Exception {
        createTopic("console-brokers-" + System.nanoTime(), 2);
        Node node = kafkaAdmin().describeCluster().nodes().get(30, TimeUnit.SECONDS).iterator().next();

        open("/console/brokers");
        By row = By.cssSelector("tr[data-broker='" + node.id() + "']");
        waitForText(row, SoftwareVersion.current());
        WebElement broker = browser.findElement(row);
        assertThat(broker.getText()).contains(node.host() + ":" + node.port());
        assertThat(Integer.parseInt(broker.findElement(By.cssSelector(".broker-replicas")).getText().replace(",", "")))
                .as("the new topic's two replicas at least").isGreaterThanOrEqualTo(2);
        assertThat(broker.findElement(By.cssSelector(".broker-leaders")).getText()).isNotEqualTo("–");
        assertThat(broker.getText()).containsPattern("\\d+(\\.\\d+)? (B|KiB|MiB|GiB) in \\d+ dirs?");
        screenshot("brokers");
    }

    @Test
    void aDynamicBrokerConfigIsEditedAndResetFromItsPage() throws Exception {
        Node node = kafkaAdmin().describeCluster().nodes().get(30, TimeUnit.SECONDS).iterator().next();
        ConfigResource resource = new ConfigResource(ConfigResource.Type.BROKER, Integer.toString(node.id()));
        try {
            open("/console/brokers/" + node.id());
            By config = By.cssSelector("tr[data-config='" + DYNAMIC_CONFIG + "']");
            waitFor(By.cssSelector("#broker-info .broker-dirs"));
            waitFor(config).findElement(By.cssSelector("button[data-edit]")).click();
            WebElement value = waitFor(By.id("config-value"));
            value.clear();
            value.sendKeys("86400000");
            browser.findElement(By.cssSelector("dialog [data-confirm]")).click();

            await().atMost(Duration.ofSeconds(30)).until(() -> "86400000".equals(entry(resource).value()));
            waiting().until(b -> b.findElement(config).getAttribute("class").contains("config-changed"));
            waitFor(By.id("configs-changed")).click();
            waiting().until(b -> b.findElements(By.cssSelector("#broker-configs tbody tr")).stream()
                    .allMatch(r -> r.getAttribute("class").contains("config-changed")));
            assertThat(browser.findElements(config)).hasSize(1);
            screenshot("broker");

            browser.findElement(config).findElement(By.cssSelector("button[data-reset]")).click();
            waitFor(By.cssSelector("dialog [data-confirm]")).click();
            await().atMost(Duration.ofSeconds(30)).until(() -> entry(resource).source()
                    == ConfigEntry.ConfigSource.DEFAULT_CONFIG);
            waiting().until(b -> b.findElements(config).isEmpty()); // only non-defaults are shown
        } finally {
            kafkaAdmin().incrementalAlterConfigs(Map.of(resource, List.of(new AlterConfigOp(
                    new ConfigEntry(DYNAMIC_CONFIG, ""), AlterConfigOp.OpType.DELETE)))).all().get(30, TimeUnit.SECONDS);
        }
    }

    private ConfigEntry entry(ConfigResource resource) throws Exception {
        return kafkaAdmin().describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource)
                .get(DYNAMIC_CONFIG);
    }
}
