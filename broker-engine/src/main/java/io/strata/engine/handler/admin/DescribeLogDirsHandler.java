package io.strata.engine.handler.admin;

import io.strata.engine.handler.TypedApiHandler;
import io.strata.engine.log.LogManager;
import io.strata.engine.log.PartitionLog;
import io.strata.engine.network.RequestContext;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.DescribeLogDirsRequestData.DescribableLogDirTopic;
import org.apache.kafka.common.message.DescribeLogDirsResponseData;
import org.apache.kafka.common.message.DescribeLogDirsResponseData.DescribeLogDirsPartition;
import org.apache.kafka.common.message.DescribeLogDirsResponseData.DescribeLogDirsResult;
import org.apache.kafka.common.message.DescribeLogDirsResponseData.DescribeLogDirsTopic;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DescribeLogDirsRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

/**
 * DescribeLogDirs v1-4 (v0 was removed in Kafka 4.0; v2 is flexible, v3 adds the top-level error code, v4 the
 * volume's total and usable bytes): the broker's one log directory with the size of every partition log in it
 * (all topics, or those asked for). Offset lag is Kafka's: how far the log end trails the partition's high
 * watermark, so 0 for a healthy replica. Strata has no future replicas (AlterReplicaLogDirs is not served), so
 * {@code isFutureKey} is always false; v5's cordoned flag is not served.
 */
public final class DescribeLogDirsHandler extends TypedApiHandler<DescribeLogDirsRequest> {
    private static final Logger log = LoggerFactory.getLogger(DescribeLogDirsHandler.class);

    private final LogManager logs;

    public DescribeLogDirsHandler(LogManager logs) {
        super(ApiKeys.DESCRIBE_LOG_DIRS, DescribeLogDirsRequest.class, 1, 4);
        this.logs = logs;
    }

    @Override
    protected CompletableFuture<ApiMessage> handleRequest(RequestContext context, DescribeLogDirsRequest request) {
        Map<String, Set<Integer>> wanted = request.data().topics() == null ? null : request.data().topics().stream()
                .collect(Collectors.toMap(DescribableLogDirTopic::topic, t -> Set.copyOf(t.partitions()),
                        (a, b) -> a, HashMap::new));
        Map<String, List<PartitionLog>> byTopic = new TreeMap<>();
        for (PartitionLog partitionLog : logs.logs()) {
            TopicPartition tp = partitionLog.topicPartition();
            if (wanted == null || wanted.getOrDefault(tp.topic(), Set.of()).contains(tp.partition())) {
                byTopic.computeIfAbsent(tp.topic(), t -> new ArrayList<>()).add(partitionLog);
            }
        }
        DescribeLogDirsResult result = new DescribeLogDirsResult()
                .setErrorCode(Errors.NONE.code())
                .setLogDir(logs.dataDir().toAbsolutePath().toString());
        byTopic.forEach((topic, partitionLogs) -> {
            DescribeLogDirsTopic described = new DescribeLogDirsTopic().setName(topic);
            partitionLogs.sort(Comparator.comparingInt(l -> l.topicPartition().partition()));
            for (PartitionLog partitionLog : partitionLogs) {
                described.partitions().add(new DescribeLogDirsPartition()
                        .setPartitionIndex(partitionLog.topicPartition().partition())
                        .setPartitionSize(partitionLog.sizeInBytes())
                        .setOffsetLag(Math.max(0, partitionLog.highWatermark() - partitionLog.logEndOffset()))
                        .setIsFutureKey(false));
            }
            result.topics().add(described);
        });
        try {
            FileStore store = Files.getFileStore(logs.dataDir());
            result.setTotalBytes(store.getTotalSpace()).setUsableBytes(store.getUsableSpace());
        } catch (IOException e) {
            log.warn("Cannot read the volume size of {}: {}", logs.dataDir(), e.getMessage());
        }
        DescribeLogDirsResponseData response = new DescribeLogDirsResponseData().setErrorCode(Errors.NONE.code());
        response.results().add(result);
        return CompletableFuture.completedFuture(response);
    }
}
