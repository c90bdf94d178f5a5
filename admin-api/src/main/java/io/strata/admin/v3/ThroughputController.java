package io.strata.admin.v3;

import io.strata.admin.service.ClusterService;
import io.strata.admin.service.ThroughputService;
import io.strata.admin.v3.model.ResourceMetadata;
import io.strata.admin.v3.model.ThroughputData;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import java.time.Instant;

/** Strata extension: the serving node's traffic counters, which the console's overview charts as rates. */
@RestController
@RequestMapping(path = "/v3/clusters/{cluster_id}", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Cluster (v3)")
public class ThroughputController {
    private final ClusterService clusters;
    private final ThroughputService throughput;

    public ThroughputController(ClusterService clusters, ThroughputService throughput) {
        this.clusters = clusters;
        this.throughput = throughput;
    }

    @GetMapping("/throughput")
    @Operation(operationId = "getStrataThroughput", summary = "Get Throughput Counters (Strata extension)",
            description = "Strata extension. Cumulative counters of the broker in the process serving this request, "
                    + "since it started: bytes and records appended to and fetched from all topics, and Produce and "
                    + "Fetch requests with their summed handling time. Sample twice and divide the differences by "
                    + "the time between sampled_at values for rates and mean latency. In a cluster each node "
                    + "reports its own broker; the same numbers are in /actuator/prometheus.")
    public ThroughputData get(@Parameter(description = "The Kafka cluster ID.") @PathVariable("cluster_id") String clusterId) {
        clusters.requireCluster(clusterId);
        ThroughputService.Sample s = throughput.sample();
        return new ThroughputData("StrataThroughput",
                new ResourceMetadata(V3Urls.cluster(clusterId, "throughput"), null), clusterId,
                Instant.ofEpochMilli(s.timeMs()).toString(), s.bytesIn(), s.bytesOut(), s.messagesIn(), s.messagesOut(),
                counters(s.produce()), counters(s.fetch()));
    }

    private static ThroughputData.RequestCounters counters(ThroughputService.Requests r) {
        return new ThroughputData.RequestCounters(r.count(), r.totalTimeMs(), r.errors());
    }
}
