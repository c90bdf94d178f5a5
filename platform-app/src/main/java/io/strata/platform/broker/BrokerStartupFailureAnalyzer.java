package io.strata.platform.broker;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns a broker start-up failure into Spring Boot's "APPLICATION FAILED TO START" report with a fix. */
public class BrokerStartupFailureAnalyzer extends AbstractFailureAnalyzer<BrokerStartupException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, BrokerStartupException cause) {
        return new FailureAnalysis(cause.getMessage(),
                "Check that no other process listens on " + cause.listener()
                        + " (or set strata.kafka.port, 0 picks a free port), that strata.data-dir is writable,"
                        + " and that the metadata database in spring.datasource.url is reachable.",
                cause);
    }
}
