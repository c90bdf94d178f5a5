package io.strata.engine.handler.data;

import io.strata.engine.cluster.Partition;
import io.strata.engine.cluster.ReplicaManager;
import io.strata.engine.log.LogReadResult;
import io.strata.engine.log.checkpoint.LeaderEpochCache;
import io.strata.engine.log.segment.AbortedTxn;
import io.strata.engine.log.segment.FileSlice;
import io.strata.engine.metrics.BrokerMetrics;
import io.strata.engine.metadata.MetadataCache;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads every partition of one fetch request against the logs, honouring the request-wide and
 * per-partition byte limits. Stateless apart from its collaborators; used for the first attempt of
 * a fetch and again by its {@link DelayedFetch} when woken or expired. Records read are segment slices holding
 * a segment reference: reads that are not sent must be {@link Reads#release() released}.
 */
public final class PartitionFetchReader {
    private static final Logger log = LoggerFactory.getLogger(PartitionFetchReader.class);

    private final MetadataCache metadata;
    private final ReplicaManager replicaManager;
    private final BrokerMetrics metrics;

    public PartitionFetchReader(MetadataCache metadata, ReplicaManager replicaManager, BrokerMetrics metrics) {
        this.metadata = metadata;
        this.replicaManager = replicaManager;
        this.metrics = metrics;
    }

    /** One requested partition, resolved against the metadata (name null when the topic is unknown). */
    record Target(String topicName, Uuid topicId, boolean byId, FetchRequestData.FetchPartition request) {
        TopicPartition topicPartition() {
            return new TopicPartition(topicName, request.partition());
        }
    }

    List<Target> resolve(FetchRequestData data, boolean byId) {
        List<Target> targets = new ArrayList<>();
        for (FetchRequestData.FetchTopic topic : data.topics()) {
            for (FetchRequestData.FetchPartition partition : topic.partitions()) {
                targets.add(target(byId, topic.topicId(), topic.topic(), partition));
            }
        }
        return targets;
    }

    /** A partition named by topic id ({@code byId}, Fetch v13+) or by topic name, resolved against the metadata. */
    Target target(boolean byId, Uuid topicId, String topic, FetchRequestData.FetchPartition partition) {
        String name = byId ? metadata.topicName(topicId) : topic;
        Uuid id = byId ? topicId : metadata.topicId(topic);
        return new Target(name, id, byId, partition);
    }

    /**
     * Result of reading all targets: per-target partition responses and the bytes they carry; {@code anyError}:
     * some partition must be answered at once (an error, or a follower's diverging epoch).
     */
    record Reads(List<FetchResponseData.PartitionData> partitions, long bytes, boolean anyError,
                 List<Delivered> delivered) {
        /** Gives back the segment references of reads that will not be sent (a long-poll check, not the answer). */
        void release() {
            for (FetchResponseData.PartitionData data : partitions) {
                FileSlice.releaseIfSlice(data.records());
            }
        }
    }

    /** Records handed out for one partition, counted into the topic's out-meters once the response is final. */
    record Delivered(String topic, long bytes, long records) {
    }

    /** Counts a final response's records into the metrics; intermediate long-poll checks are not counted. */
    void recordDelivered(Reads reads) {
        for (Delivered d : reads.delivered()) {
            metrics.recordOut(d.topic(), d.bytes(), d.records());
        }
    }

    /** The follower a fetch comes from, when its fetch offsets are to be recorded (its first read only). */
    record FollowerFetch(int replicaId, long brokerEpoch, long nowMs) {
    }

    /**
     * Where a follower that last fetched {@code lastFetchedEpoch} diverges from this leader's log (Fetch v12+):
     * its last epoch is unknown here, or ended here before the follower's fetch offset. Null when it does not
     * diverge (or sent no epoch).
     */
    private static FetchResponseData.EpochEndOffset divergence(Partition partition,
                                                              FetchRequestData.FetchPartition request) {
        if (request.lastFetchedEpoch() < 0) {
            return null;
        }
        LeaderEpochCache.EpochEndOffset end = partition.endOffsetForEpoch(request.lastFetchedEpoch());
        if (end.epoch() < 0) {
            return null; // no epoch to compare with (the protocol can only signal a known one)
        }
        if (end.epoch() < request.lastFetchedEpoch() || end.endOffset() < request.fetchOffset()) {
            return new FetchResponseData.EpochEndOffset().setEpoch(end.epoch()).setEndOffset(end.endOffset());
        }
        return null;
    }

    /**
     * Whether some target has records below its bound, or would be answered with an error: a delayed fetch of
     * {@code fetch.min.bytes} 1 can complete then. Compares offsets only, where a read would look up segments and
     * build a partition answer for every target (a consumer of many idle partitions is checked on every append to
     * any of them).
     */
    boolean anyNews(List<Target> targets, Partition.FetchBound bound) {
        for (Target target : targets) {
            if (target.topicName() == null) {
                return true;
            }
            Partition partition = replicaManager.partition(target.topicPartition()).orElse(null);
            if (partition == null) {
                return true;
            }
            FetchRequestData.FetchPartition request = target.request();
            try {
                partition.checkLeader();
                partition.checkLeaderEpoch(request.currentLeaderEpoch());
            } catch (RuntimeException e) {
                return true;
            }
            long fetchOffset = request.fetchOffset();
            if (fetchOffset < partition.log().logStartOffset() || fetchOffset > partition.log().logEndOffset()) {
                return true; // out of range
            }
            if (partition.upperBound(bound) > fetchOffset) {
                return true;
            }
        }
        return false;
    }

    Reads read(List<Target> targets, int maxBytes, Partition.FetchBound bound) {
        return read(targets, maxBytes, bound, null);
    }

    /**
     * Reads every target; with {@code follower} set, also records each led partition's fetch offset as durable
     * on that follower (which may move the ISR and the high watermark), unless its log diverges from ours.
     */
    Reads read(List<Target> targets, int maxBytes, Partition.FetchBound bound, FollowerFetch follower) {
        List<FetchResponseData.PartitionData> out = new ArrayList<>(targets.size());
        long bytes = 0;
        boolean anyError = false;
        boolean minOneMessage = true;
        List<Delivered> delivered = new ArrayList<>();
        for (Target target : targets) {
            FetchResponseData.PartitionData data = readOne(target, (int) Math.max(0, maxBytes - bytes), bound,
                    minOneMessage, delivered, follower);
            int size = data.records() == null ? 0 : data.records().sizeInBytes();
            if (size > 0) {
                minOneMessage = false;
            }
            bytes += size;
            anyError |= data.errorCode() != Errors.NONE.code() || data.divergingEpoch().epoch() >= 0;
            out.add(data);
        }
        return new Reads(out, bytes, anyError, delivered);
    }

    private FetchResponseData.PartitionData readOne(Target target, int remainingBytes, Partition.FetchBound bound,
                                                    boolean minOneMessage, List<Delivered> delivered,
                                                    FollowerFetch follower) {
        FetchRequestData.FetchPartition request = target.request();
        if (target.topicName() == null) {
            return error(request.partition(), target.byId() ? Errors.UNKNOWN_TOPIC_ID : Errors.UNKNOWN_TOPIC_OR_PARTITION);
        }
        TopicPartition tp = target.topicPartition();
        Partition partition = replicaManager.partition(tp).orElse(null);
        if (partition == null) {
            Errors error = metadata.missingPartitionError(tp);
            return error(request.partition(), error);
        }
        try {
            partition.checkLeader();
            partition.checkLeaderEpoch(request.currentLeaderEpoch());
            if (bound == Partition.FetchBound.LOG_END) {
                FetchResponseData.EpochEndOffset diverging = divergence(partition, request);
                if (diverging != null) {
                    return new FetchResponseData.PartitionData()
                            .setPartitionIndex(request.partition())
                            .setErrorCode(Errors.NONE.code())
                            .setHighWatermark(partition.log().highWatermark())
                            .setLastStableOffset(partition.lastStableOffset())
                            .setLogStartOffset(partition.log().logStartOffset())
                            .setDivergingEpoch(diverging)
                            .setRecords(MemoryRecords.EMPTY);
                }
                if (follower != null) {
                    recordFollowerFetch(partition, request, follower);
                }
            }
            int limit = Math.min(request.partitionMaxBytes(), remainingBytes);
            LogReadResult result = partition.read(request.fetchOffset(), limit, bound, minOneMessage);
            if (result.recordCount() > 0) {
                delivered.add(new Delivered(tp.topic(), result.records().sizeInBytes(), result.recordCount()));
            }
            FetchResponseData.PartitionData data = new FetchResponseData.PartitionData()
                    .setPartitionIndex(request.partition())
                    .setErrorCode(Errors.NONE.code())
                    .setHighWatermark(result.highWatermark())
                    .setLastStableOffset(partition.lastStableOffset())
                    .setLogStartOffset(result.logStartOffset())
                    .setRecords(result.records());
            if (bound == Partition.FetchBound.LAST_STABLE_OFFSET) {
                data.setAbortedTransactions(abortedTransactions(partition, request.fetchOffset(), result));
            }
            return data;
        } catch (RuntimeException e) {
            Errors error = Errors.forException(e);
            if (error == Errors.UNKNOWN_SERVER_ERROR) {
                log.error("Fetch from {} failed", tp, e);
            }
            return error(request.partition(), error)
                    .setHighWatermark(partition.log().highWatermark())
                    .setLastStableOffset(partition.lastStableOffset())
                    .setLogStartOffset(partition.log().logStartOffset());
        }
    }

    /**
     * read_committed: the aborted transactions overlapping the returned batches, so the consumer drops their records
     * (it skips each one's data from its first offset on until it meets the producer's abort marker).
     */
    private static List<FetchResponseData.AbortedTransaction> abortedTransactions(Partition partition, long fetchOffset,
                                                                                  LogReadResult result) {
        if (result.recordCount() == 0) {
            return List.of();
        }
        List<FetchResponseData.AbortedTransaction> out = new ArrayList<>();
        for (AbortedTxn txn : partition.abortedTransactions(fetchOffset, result.nextOffset())) {
            out.add(new FetchResponseData.AbortedTransaction().setProducerId(txn.producerId())
                    .setFirstOffset(txn.firstOffset()));
        }
        return out;
    }

    /** The follower holds everything below its fetch offset durably; a fetch past our log end records nothing. */
    private static void recordFollowerFetch(Partition partition, FetchRequestData.FetchPartition request,
                                            FollowerFetch follower) {
        long leaderEnd = partition.log().logEndOffset();
        if (request.fetchOffset() > leaderEnd) {
            return;
        }
        try {
            partition.updateFollowerFetchState(follower.replicaId(), follower.brokerEpoch(), request.fetchOffset(),
                    request.logStartOffset(), leaderEnd, follower.nowMs());
        } catch (RuntimeException e) {
            log.debug("Not recording the fetch of replica {} for {}: {}", follower.replicaId(),
                    partition.topicPartition(), e.getMessage());
        }
    }

    private static FetchResponseData.PartitionData error(int partition, Errors error) {
        return new FetchResponseData.PartitionData()
                .setPartitionIndex(partition)
                .setErrorCode(error.code())
                .setHighWatermark(-1)
                .setLastStableOffset(-1)
                .setLogStartOffset(-1)
                .setRecords(MemoryRecords.EMPTY);
    }
}
