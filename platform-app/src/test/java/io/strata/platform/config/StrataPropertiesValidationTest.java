package io.strata.platform.config;

import io.strata.engine.config.BrokerConfig;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

class StrataPropertiesValidationTest {
    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withUserConfiguration(StrataConfiguration.class);

    @Test
    void validSettingsYieldABrokerConfig() {
        runner.withPropertyValues("strata.kafka.port=0", "strata.broker.id=4")
                .run(context -> assertThat(context.getBean(BrokerConfig.class).brokerId()).isEqualTo(4));
    }

    @Test
    void outOfRangeSettingsFailStartUpNamingTheProperty() {
        runner.withPropertyValues("strata.kafka.port=70000").run(context -> assertThat(context)
                .getFailure().hasStackTraceContaining("strata.kafka.port").hasStackTraceContaining("rejected value [70000]"));
        runner.withPropertyValues("strata.kafka.io-threads=0").run(context -> assertThat(context)
                .getFailure().hasStackTraceContaining("strata.kafka.ioThreads").hasStackTraceContaining("rejected value [0]"));
        runner.withPropertyValues("strata.broker.id=-1").run(context -> assertThat(context)
                .getFailure().hasStackTraceContaining("strata.broker.id").hasStackTraceContaining("rejected value [-1]"));
    }

    @Test
    void replicationSettingsTheEngineCannotRunFailStartUpNamingTheProperty() {
        runner.withPropertyValues("strata.replication.num-replica-fetchers=2").run(context -> assertThat(context)
                .getFailure().hasStackTraceContaining("strata.replication.num-replica-fetchers must be 1"));
        runner.withPropertyValues("strata.replication.num-replica-fetchers=0").run(context -> assertThat(context)
                .getFailure().hasStackTraceContaining("strata.replication.numReplicaFetchers")
                .hasStackTraceContaining("rejected value [0]"));
        runner.withPropertyValues("strata.replication.replica-fetch-max-bytes=lots").run(context -> assertThat(context)
                .getFailure().hasStackTraceContaining("strata.replication.replica-fetch-max-bytes")
                .hasStackTraceContaining("lots"));
    }

    @Test
    void transactionSettingsOutOfRangeFailStartUpNamingTheProperty() {
        runner.withPropertyValues("strata.transactions.state-log-num-partitions=0").run(context -> assertThat(context)
                .getFailure().hasStackTraceContaining("strata.transactions.stateLogNumPartitions")
                .hasStackTraceContaining("rejected value [0]"));
        runner.withPropertyValues("strata.transactions.state-log-replication-factor=0").run(context -> assertThat(context)
                .getFailure().hasStackTraceContaining("strata.transactions.stateLogReplicationFactor")
                .hasStackTraceContaining("rejected value [0]"));
        runner.withPropertyValues("strata.transactions.state-log-min-isr=0").run(context -> assertThat(context)
                .getFailure().hasStackTraceContaining("strata.transactions.stateLogMinIsr")
                .hasStackTraceContaining("rejected value [0]"));
        runner.withPropertyValues("strata.transactions.max-timeout=0s").run(context -> assertThat(context)
                .getFailure().hasStackTraceContaining("strata.transactions.max-timeout"));
        runner.withPropertyValues("strata.transactions.max-timeout=2m", "strata.transactions.state-log-min-isr=3")
                .run(context -> assertThat(context.getBean(BrokerConfig.class).transactions().maxTimeoutMs())
                        .isEqualTo(120_000));
    }

    @Test
    void invalidLogDefaultsFailStartUp() {
        runner.withPropertyValues("strata.log-defaults.[retention.ms]=soon").run(context -> assertThat(context)
                .getFailure().hasStackTraceContaining("strata.log-defaults").hasStackTraceContaining("retention.ms"));
    }
}
