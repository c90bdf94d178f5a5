package io.strata.platform.broker;

import org.junit.jupiter.api.Test;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.context.ApplicationContextException;

import java.io.UncheckedIOException;
import java.net.BindException;

import static org.assertj.core.api.Assertions.assertThat;

class BrokerStartupFailureAnalyzerTest {

    @Test
    void explainsTheFailureAndNamesTheListener() {
        BrokerStartupException failure = new BrokerStartupException(2, "0.0.0.0:9092",
                new UncheckedIOException("bind failed", new BindException("Address already in use")));

        FailureAnalysis analysis = new BrokerStartupFailureAnalyzer()
                .analyze(new ApplicationContextException("Failed to start bean 'brokerLifecycle'", failure));

        assertThat(analysis).isNotNull();
        assertThat(analysis.getDescription())
                .contains("broker 2", "0.0.0.0:9092", "BindException: Address already in use");
        assertThat(analysis.getAction()).contains("0.0.0.0:9092", "strata.kafka.port");
    }
}
