package io.strata.admin.service;

import io.strata.admin.error.KafkaErrorMapper;
import io.strata.admin.error.RestException;
import io.strata.admin.gateway.KafkaGateway;
import org.apache.kafka.clients.admin.DeletedRecords;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.springframework.stereotype.Service;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** DeleteRecords over HTTP: moves partitions' log start offsets forward, as kafka-delete-records.sh does. */
@Service
public class RecordDeletionService {
    private final KafkaGateway gateway;
    private final PartitionService partitions;

    public RecordDeletionService(KafkaGateway gateway, PartitionService partitions) {
        this.gateway = gateway;
        this.partitions = partitions;
    }

    /** Records below {@code beforeOffset} of one partition ({@code -1}: below the high watermark). */
    public record Deletion(int partition, long beforeOffset) {
    }

    /** One partition's outcome: its low watermark, or the error it failed with. */
    public record Outcome(int partition, Long lowWatermark, RestException error) {
    }

    /**
     * Deletes on every partition at once and answers in request order; 404/40403 for an unknown topic or partition
     * and 400 for a partition named twice or an offset below -1, before anything is deleted.
     */
    public List<Outcome> delete(String topic, List<Deletion> deletions) {
        if (deletions.isEmpty()) {
            throw RestException.badRequest("partitions must name at least one partition");
        }
        Set<Integer> existing = new HashSet<>();
        for (TopicPartitionInfo p : partitions.partitions(topic)) {
            existing.add(p.partition());
        }
        Map<TopicPartition, RecordsToDelete> request = new LinkedHashMap<>();
        for (Deletion d : deletions) {
            if (!existing.contains(d.partition())) {
                throw TopicService.topicOrPartitionNotFound();
            }
            if (d.beforeOffset() < -1) {
                throw RestException.badRequest("before_offset must be -1 (the high watermark) or an offset, got "
                        + d.beforeOffset());
            }
            if (request.put(new TopicPartition(topic, d.partition()), RecordsToDelete.beforeOffset(d.beforeOffset()))
                    != null) {
                throw RestException.badRequest("Partition " + d.partition() + " is named more than once");
            }
        }
        Map<TopicPartition, KafkaFuture<DeletedRecords>> results = gateway.admin().deleteRecords(request)
                .lowWatermarks();
        List<Outcome> outcomes = new ArrayList<>(deletions.size());
        for (Deletion d : deletions) {
            try {
                long low = gateway.await(results.get(new TopicPartition(topic, d.partition()))).lowWatermark();
                outcomes.add(new Outcome(d.partition(), low, null));
            } catch (RuntimeException e) {
                outcomes.add(new Outcome(d.partition(), null, KafkaErrorMapper.map(e, KafkaErrorMapper.Api.V3)));
            }
        }
        return outcomes;
    }
}
