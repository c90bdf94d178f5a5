package io.strata.engine.it;

import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.ProduceResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Requests written back to back on one connection, without waiting: slow ones (produce, waiting for fsync)
 * and fast ones (ApiVersions) interleaved, more than the per-connection in-flight limit. Every response
 * must come back in request order, and produces must be appended in request order.
 */
class PipelinedRequestsTest extends StartedBrokerTestBase {
    private static final int REQUESTS = 60;

    @Test
    void responsesComeBackInRequestOrderAndAppendsKeepIt() throws Exception {
        fixture.createTopic(fixture.admin(), "pipelined", 1, Map.of());
        try (RawKafkaConnection c = new RawKafkaConnection(fixture.bootstrapServers())) {
            List<RequestHeader> sent = new ArrayList<>();
            for (int i = 0; i < REQUESTS; i++) {
                if (i % 3 == 2) {
                    sent.add(c.write(new ApiVersionsRequest.Builder(), (short) 3));
                } else {
                    sent.add(c.write(ProduceRequests.produce("pipelined", (short) -1, "v" + i),
                            ProduceRequests.VERSION_WITH_TOPIC_NAMES));
                }
            }
            long expectedOffset = 0;
            for (RequestHeader header : sent) {
                if (header.apiKey() == ApiKeys.API_VERSIONS) {
                    ApiVersionsResponse response = c.receive(header);
                    assertThat(Errors.forCode(response.data().errorCode())).isEqualTo(Errors.NONE);
                } else {
                    ProduceResponse response = c.receive(header);
                    var partition = response.data().responses().iterator().next().partitionResponses().get(0);
                    assertThat(Errors.forCode(partition.errorCode())).isEqualTo(Errors.NONE);
                    assertThat(partition.baseOffset()).as("appends keep request order").isEqualTo(expectedOffset);
                    expectedOffset++;
                }
            }
        }
    }
}
