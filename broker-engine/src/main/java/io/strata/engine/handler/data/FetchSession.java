package io.strata.engine.handler.data;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.FetchResponse;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * One incremental fetch session (KIP-227): the partitions a fetcher reads, with what it last asked for each and
 * what it was last told, so that its next requests name only the partitions whose fetch state changed and the
 * responses carry only the partitions with news (records, a moved high watermark, last stable or log start
 * offset, an error or a diverging epoch).
 *
 * <p>The partitions keep the order in which they are read; one that returned records moves to the end, so that
 * under the response's byte limit every partition gets its turn.
 *
 * <p>Thread-safety: guarded by its own monitor. {@link FetchSessionCache}'s lock may be taken before it, never
 * while holding it. {@link #epoch} is the epoch the fetcher's next request must carry.
 */
final class FetchSession {
    /** A partition of the session: by topic id from Fetch v13 on, by name before ({@code topicId} zero). */
    record Key(Uuid topicId, String topic, int partition) {
        static Key of(boolean byId, Uuid topicId, String topic, int partition) {
            return byId ? new Key(topicId, null, partition) : new Key(Uuid.ZERO_UUID, topic, partition);
        }
    }

    /** The fetcher's last request for a partition and the offsets this broker last sent it. */
    static final class CachedPartition {
        final Key key;
        long fetchOffset;
        long fetcherLogStartOffset;
        int maxBytes;
        int currentLeaderEpoch;
        int lastFetchedEpoch;
        long highWatermark = -1;
        long lastStableOffset = -1;
        long logStartOffset = -1;

        CachedPartition(Key key, FetchRequestData.FetchPartition request) {
            this.key = key;
            updateRequest(request);
        }

        void updateRequest(FetchRequestData.FetchPartition request) {
            fetchOffset = request.fetchOffset();
            fetcherLogStartOffset = request.logStartOffset();
            maxBytes = request.partitionMaxBytes();
            currentLeaderEpoch = request.currentLeaderEpoch();
            lastFetchedEpoch = request.lastFetchedEpoch();
        }

        /** A copy of the request as the fetcher last sent it, for this fetch's read. */
        FetchRequestData.FetchPartition request() {
            return new FetchRequestData.FetchPartition()
                    .setPartition(key.partition())
                    .setFetchOffset(fetchOffset)
                    .setLogStartOffset(fetcherLogStartOffset)
                    .setPartitionMaxBytes(maxBytes)
                    .setCurrentLeaderEpoch(currentLeaderEpoch)
                    .setLastFetchedEpoch(lastFetchedEpoch);
        }

        /**
         * Whether the partition's answer must be sent (Kafka's rules, plus a moved last stable offset, which a
         * read_committed consumer waits for); with {@code update}, remembers what is sent. After an error the
         * cached high watermark is cleared, so that the partition is sent again once the error is gone.
         */
        boolean mustRespond(FetchResponseData.PartitionData data, boolean update) {
            boolean must = FetchResponse.recordsSize(data) > 0
                    || FetchResponse.isDivergingEpoch(data)
                    || data.errorCode() != Errors.NONE.code();
            if (highWatermark != data.highWatermark() || lastStableOffset != data.lastStableOffset()
                    || logStartOffset != data.logStartOffset()) {
                must = true;
            }
            if (update) {
                highWatermark = data.errorCode() != Errors.NONE.code() ? -1 : data.highWatermark();
                lastStableOffset = data.lastStableOffset();
                logStartOffset = data.logStartOffset();
            }
            return must;
        }
    }

    final int id;
    /** Created by a follower: outranks consumers' sessions when the cache is full. */
    final boolean privileged;
    /** Created by a Fetch of v13 or later (partitions by topic id); only such requests may continue it. */
    final boolean usesTopicIds;
    final long creationMs;
    long lastUsedMs;
    int epoch;
    private final LinkedHashMap<Key, CachedPartition> partitions;

    FetchSession(int id, boolean privileged, boolean usesTopicIds, long nowMs, int epoch,
                 LinkedHashMap<Key, CachedPartition> partitions) {
        this.id = id;
        this.privileged = privileged;
        this.usesTopicIds = usesTopicIds;
        this.creationMs = nowMs;
        this.lastUsedMs = nowMs;
        this.epoch = epoch;
        this.partitions = partitions;
    }

    synchronized int size() {
        return partitions.size();
    }

    /** Adds or updates the partitions a request names and drops those it forgets. */
    synchronized void update(List<Key> keys, List<FetchRequestData.FetchPartition> requests, List<Key> forgotten) {
        for (int i = 0; i < keys.size(); i++) {
            CachedPartition cached = partitions.get(keys.get(i));
            if (cached == null) {
                partitions.put(keys.get(i), new CachedPartition(keys.get(i), requests.get(i)));
            } else {
                cached.updateRequest(requests.get(i));
            }
        }
        for (Key key : forgotten) {
            partitions.remove(key);
        }
    }

    /** The session's partitions in reading order, as of now. */
    synchronized List<CachedPartition> snapshot() {
        return new ArrayList<>(partitions.values());
    }

    /**
     * Chooses the partitions an incremental response carries from {@code answers} (one per key, in the order of
     * {@link #snapshot()}), remembers what they say, and moves those that carry records to the end of the order.
     *
     * @return the indexes of the chosen answers
     */
    synchronized List<Integer> select(List<Key> keys, List<FetchResponseData.PartitionData> answers) {
        List<Integer> chosen = new ArrayList<>();
        List<CachedPartition> moved = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            CachedPartition cached = partitions.get(keys.get(i));
            FetchResponseData.PartitionData answer = answers.get(i);
            if (cached != null && cached.mustRespond(answer, true)) {
                chosen.add(i);
                if (FetchResponse.recordsSize(answer) > 0) {
                    moved.add(cached);
                }
            }
        }
        for (CachedPartition cached : moved) {
            partitions.remove(cached.key);
            partitions.put(cached.key, cached);
        }
        return chosen;
    }

    /** Builds the partitions of a new session from a full fetch and its answers (remembering what they say). */
    static LinkedHashMap<Key, CachedPartition> fromFullFetch(List<Key> keys,
                                                             List<FetchRequestData.FetchPartition> requests,
                                                             List<FetchResponseData.PartitionData> answers) {
        LinkedHashMap<Key, CachedPartition> partitions = new LinkedHashMap<>();
        for (int i = 0; i < keys.size(); i++) {
            CachedPartition cached = new CachedPartition(keys.get(i), requests.get(i));
            cached.mustRespond(answers.get(i), true);
            partitions.put(keys.get(i), cached);
        }
        return partitions;
    }

    @Override
    public synchronized String toString() {
        return "FetchSession(id=" + id + ", privileged=" + privileged + ", partitions=" + partitions.size()
                + ", epoch=" + epoch + ")";
    }
}
