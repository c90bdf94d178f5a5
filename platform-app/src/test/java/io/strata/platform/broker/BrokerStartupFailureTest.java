package io.strata.platform.broker;

import io.strata.platform.StrataApplication;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;

import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

class BrokerStartupFailureTest {

    @Test
    void aTakenKafkaPortFailsTheApplicationWithTheListenerInTheMessage(@TempDir Path dataDir) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();

            Throwable failure = catchThrowable(() -> new SpringApplicationBuilder(StrataApplication.class).run(
                    "--server.port=0", "--strata.kafka.host=127.0.0.1", "--strata.kafka.port=" + port,
                    "--strata.data-dir=" + dataDir).close());

            BrokerStartupException startup = findCause(failure, BrokerStartupException.class);
            assertThat(startup).as("cause chain of %s", failure).isNotNull();
            assertThat(startup.getMessage()).contains("127.0.0.1:" + port);
            assertThat(findCause(startup, BindException.class)).isNotNull();
        }
    }

    private static <T extends Throwable> T findCause(Throwable failure, Class<T> type) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }
}
