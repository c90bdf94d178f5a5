package io.strata.engine.handler;

import io.strata.engine.network.RequestContext;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.requests.HeartbeatRequest;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TypedApiHandlerTest {

    @Test
    void advertisesTheStatedRange() {
        Heartbeat handler = new Heartbeat(1, 3);
        assertThat(handler.minVersion()).isEqualTo((short) 1);
        assertThat(handler.maxVersion()).isEqualTo((short) 3);
    }

    @Test
    void refusesARangeTheMessageClassesCannotParse() {
        int latest = ApiKeys.HEARTBEAT.latestVersion();
        assertThatThrownBy(() -> new Heartbeat(0, latest + 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Heartbeat(ApiKeys.HEARTBEAT.oldestVersion() - 1, latest))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Heartbeat(2, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    private static final class Heartbeat extends TypedApiHandler<HeartbeatRequest> {
        Heartbeat(int min, int max) {
            super(ApiKeys.HEARTBEAT, HeartbeatRequest.class, min, max);
        }

        @Override
        protected CompletableFuture<ApiMessage> handleRequest(RequestContext context, HeartbeatRequest request) {
            throw new UnsupportedOperationException();
        }
    }
}
