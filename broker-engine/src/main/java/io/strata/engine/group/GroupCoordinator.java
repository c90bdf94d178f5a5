package io.strata.engine.group;

import io.strata.engine.config.GroupConfig;
import io.strata.engine.cluster.ReplicaManager;
import io.strata.engine.coordinator.CoordinatorErrors;
import io.strata.engine.coordinator.CoordinatorRuntime;
import io.strata.engine.coordinator.ReplicaCoordinatorLog;
import io.strata.engine.metadata.PartitionMetadata;
import io.strata.engine.metadata.TopicMetadata;
import org.apache.kafka.common.errors.CoordinatorNotAvailableException;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The classic group coordinator of one broker. It owns the groups hashed to the partitions of
 * {@code __consumer_offsets} this broker leads, creates that topic on first use and runs the timers. Groups
 * live in one {@link GroupShard} per led partition on a {@link CoordinatorRuntime}: the runtime loads a
 * partition when this broker becomes its leader, unloads it when it stops being it, and runs each partition's
 * operations one at a time on the coordinator pool ("strata-coordinator-N"). The timer thread
 * ("strata-group-coordinator") only schedules operations: session and join/sync deadline sweeps, offset
 * expiry and metrics refreshes. Request threads call {@link #membership()} and {@link #offsets()}, which
 * schedule operations too; nothing here blocks on the log.
 */
public final class GroupCoordinator implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(GroupCoordinator.class);
    private static final long SWEEP_INTERVAL_MS = 100;
    private static final long METRICS_INTERVAL_MS = 2_000;

    /** How the coordinator finds and creates its topic; implemented by the broker. */
    public interface OffsetsTopicAccess {
        Optional<TopicMetadata> find();

        /** Brokers currently live in the cluster (this one included), as far as this broker knows. */
        int liveBrokers();

        TopicMetadata create(int partitions, short replicationFactor, Map<String, String> configs);
    }

    private final int brokerId;
    private final GroupConfig config;
    private final OffsetsTopicAccess topicAccess;
    private final Time time;
    private final GroupMetrics metrics;
    private final GroupRegistry registry;
    private final GroupMembership membership;
    private final GroupOffsets offsets;
    private final TxnOffsetCommits txnOffsets;
    /** Tasks on the broker's group timer (which the broker owns and stops); close cancels them. */
    private final List<ScheduledFuture<?>> scheduled = new ArrayList<>();
    /** Set by {@link #startServing()}: before it, the topic list may not be loaded, so nothing may be created or loaded. */
    private volatile boolean started;
    private final ReplicaManager replicaManager;
    private final CoordinatorRuntime<GroupShard, GroupRecords.Entry> runtime;
    /** How long a write may wait for its {@code __consumer_offsets} partition to replicate it. */
    private static final long WRITE_TIMEOUT_MS = 5_000;

    /**
     * @param coordinatorPool the shared coordinator threads partitions' operations run on
     * @param completions     where responses complete and fsyncs run (the request pool)
     */
    public GroupCoordinator(int brokerId, GroupConfig config, ReplicaManager replicaManager, OffsetsTopicAccess topicAccess,
                            Time time, GroupMetrics metrics, Executor coordinatorPool, Executor completions) {
        this.brokerId = brokerId;
        this.config = config;
        this.topicAccess = topicAccess;
        this.time = time;
        this.metrics = metrics;
        int partitions = topicAccess.find().map(t -> t.partitions().size()).orElse(config.offsetsTopicPartitions());
        this.runtime = new CoordinatorRuntime<>(Topic.GROUP_METADATA_TOPIC_NAME,
                new ReplicaCoordinatorLog(Topic.GROUP_METADATA_TOPIC_NAME, replicaManager), GroupRecords.SERDE,
                partition -> new GroupShard(partition, time, completions), coordinatorPool, completions, time,
                WRITE_TIMEOUT_MS);
        this.registry = new GroupRegistry(runtime, partitions);
        this.membership = new GroupMembership(registry, config, time, metrics);
        this.offsets = new GroupOffsets(registry, config, time, metrics);
        this.txnOffsets = new TxnOffsetCommits(registry, config, time, metrics);
        this.replicaManager = replicaManager;
        replicaManager.addLeadershipListener(this::onLeadershipChanged);
    }

    /**
     * Failover: a broker that becomes leader of an offsets partition loads its groups from the log; one that
     * stops leading it drops them (the new leader serves them). Runs on the metadata path; the runtime loads
     * and unloads on the partition's coordinator thread.
     */
    private void onLeadershipChanged(io.strata.engine.cluster.Partition partition) {
        if (!started || !partition.topicPartition().topic().equals(Topic.GROUP_METADATA_TOPIC_NAME)) {
            return;
        }
        topicAccess.find().ifPresent(topic -> registry.setPartitionCount(topic.partitions().size()));
        runtime.onLeadershipChanged(partition.topicPartition().partition(), partition.isLeader(),
                partition.leaderEpoch());
    }

    /** Loads the partitions of an existing offsets topic in the background, then starts the timers. */
    public synchronized void start(ScheduledExecutorService timer) {
        startServing();
        scheduled.add(timer.scheduleWithFixedDelay(this::sweep, SWEEP_INTERVAL_MS, SWEEP_INTERVAL_MS,
                TimeUnit.MILLISECONDS));
        scheduled.add(timer.scheduleWithFixedDelay(this::expireOffsets, config.offsetsRetentionCheckIntervalMs(),
                config.offsetsRetentionCheckIntervalMs(), TimeUnit.MILLISECONDS));
        scheduled.add(timer.scheduleWithFixedDelay(this::refreshMetrics, METRICS_INTERVAL_MS, METRICS_INTERVAL_MS,
                TimeUnit.MILLISECONDS));
    }

    /**
     * Loads the partitions led now (on the coordinator pool); tests drive the timers themselves. Partitions
     * this broker comes to lead later, including those of an offsets topic another broker creates, are loaded
     * by {@link #onLeadershipChanged}.
     */
    synchronized void startServing() {
        started = true;
        topicAccess.find().ifPresent(topic -> {
            registry.setPartitionCount(topic.partitions().size());
            loadLed(topic);
        });
    }

    private void loadLed(TopicMetadata topic) {
        for (int p : ledPartitions(topic)) {
            replicaManager.partition(new org.apache.kafka.common.TopicPartition(Topic.GROUP_METADATA_TOPIC_NAME, p)).filter(io.strata.engine.cluster.Partition::isLeader)
                    .ifPresent(led -> runtime.onLeadershipChanged(p, true, led.leaderEpoch()));
        }
    }

    public GroupMembership membership() {
        return membership;
    }

    public GroupOffsets offsets() {
        return offsets;
    }

    /** TxnOffsetCommit and the transaction markers of {@code __consumer_offsets} partitions. */
    public TxnOffsetCommits txnOffsets() {
        return txnOffsets;
    }

    /** The offsets partition of a group. */
    public int partitionFor(String groupId) {
        return registry.partitionFor(groupId);
    }

    /**
     * Makes sure {@code __consumer_offsets} exists (creating it on first use, as Kafka does when a
     * coordinator is first looked up) and returns it. With fewer live brokers than
     * {@code offsets.topic.replication.factor} it is not created: a topic's replication factor is fixed at
     * creation, so creating it smaller would leave every group's offsets under-replicated for good.
     *
     * @throws CoordinatorNotAvailableException while the coordinator starts or too few brokers are live
     */
    public synchronized TopicMetadata ensureOffsetsTopic() {
        if (!started) {
            throw new CoordinatorNotAvailableException("The group coordinator is starting");
        }
        Optional<TopicMetadata> existing = topicAccess.find();
        if (existing.isPresent()) {
            return existing.get();
        }
        int live = topicAccess.liveBrokers();
        if (live < config.offsetsTopicReplicationFactor()) {
            throw new CoordinatorNotAvailableException("Not creating " + Topic.GROUP_METADATA_TOPIC_NAME
                    + " yet: offsets.topic.replication.factor is " + config.offsetsTopicReplicationFactor()
                    + " but only " + live + " broker(s) are live");
        }
        Map<String, String> configs = Map.of(
                "cleanup.policy", "compact",
                "compression.type", "producer",
                "segment.bytes", Integer.toString(config.offsetsTopicSegmentBytes()));
        TopicMetadata topic = topicAccess.create(config.offsetsTopicPartitions(),
                config.offsetsTopicReplicationFactor(), configs);
        registry.setPartitionCount(topic.partitions().size());
        loadLed(topic); // new and empty: loading is quick
        log.info("Created {} with {} partitions", Topic.GROUP_METADATA_TOPIC_NAME, topic.partitions().size());
        return topic;
    }

    private List<Integer> ledPartitions(TopicMetadata topic) {
        List<Integer> led = new ArrayList<>();
        for (PartitionMetadata p : topic.partitions()) {
            if (p.leader() == brokerId) {
                led.add(p.partition());
            }
        }
        return led;
    }

    /** Drops every group's offsets of a deleted topic (Kafka does the same when partitions are deleted). */
    public void onTopicDeleted(String topic) {
        registry.writeAll(shard -> {
            shard.groups().forEach(group -> offsets.dropTopic(group, topic));
            return null;
        });
    }

    /** A snapshot of one group for DescribeGroups. */
    public record GroupDescription(String groupId, Errors error, String state, String protocolType, String protocol,
                                   List<MemberDescription> members) {
    }

    public record MemberDescription(String memberId, String groupInstanceId, String clientId, String clientHost,
                                    byte[] metadata, byte[] assignment) {
    }

    /** Describes a group; metadata and assignments are only meaningful (and only given) when it is stable. */
    public CompletableFuture<GroupDescription> describe(String groupId) {
        return registry.read(groupId, shard -> describe(groupId, shard.get(groupId)))
                .exceptionally(failure -> new GroupDescription(groupId, CoordinatorErrors.errorOf(failure),
                        GroupState.DEAD.displayName(), "", "", List.of()));
    }

    private static GroupDescription describe(String groupId, ClassicGroup group) {
        if (group == null) {
            return new GroupDescription(groupId, Errors.GROUP_ID_NOT_FOUND, GroupState.DEAD.displayName(), "", "",
                    List.of());
        }
        boolean stable = group.is(GroupState.STABLE);
        List<MemberDescription> members = new ArrayList<>();
        for (GroupMember m : group.members()) {
            byte[] metadata = stable ? m.metadata(group.protocolName()) : null;
            members.add(new MemberDescription(m.memberId(), m.groupInstanceId(), m.clientId(), m.clientHost(),
                    metadata == null ? new byte[0] : metadata, stable ? m.assignment() : new byte[0]));
        }
        return new GroupDescription(groupId, Errors.NONE, group.state().displayName(),
                group.protocolType() == null ? "" : group.protocolType(),
                stable && group.protocolName() != null ? group.protocolName() : "", List.copyOf(members));
    }

    /** A group as ListGroups reports it. */
    public record ListedGroup(String groupId, String protocolType, GroupState state) {
    }

    /** Groups of every partition served here; a partition that fails to answer is left out. */
    public CompletableFuture<List<ListedGroup>> list() {
        List<CompletableFuture<List<ListedGroup>>> perShard = registry.readAll(shard -> {
            List<ListedGroup> out = new ArrayList<>();
            for (ClassicGroup group : shard.groups()) {
                if (!group.is(GroupState.DEAD)) {
                    out.add(new ListedGroup(group.groupId(), group.protocolType() == null ? "" : group.protocolType(),
                            group.state()));
                }
            }
            return out;
        });
        return allOf(perShard).thenApply(lists -> {
            List<ListedGroup> out = new ArrayList<>();
            lists.forEach(out::addAll);
            out.sort(java.util.Comparator.comparing(ListedGroup::groupId));
            return out;
        });
    }

    /** The values of the futures that succeed, once all are done. */
    private static <T> CompletableFuture<List<T>> allOf(List<CompletableFuture<T>> futures) {
        List<CompletableFuture<T>> tolerant = futures.stream().map(f -> f.exceptionally(e -> null)).toList();
        return CompletableFuture.allOf(tolerant.toArray(new CompletableFuture<?>[0])).thenApply(ignored ->
                tolerant.stream().map(CompletableFuture::join).filter(java.util.Objects::nonNull).toList());
    }

    /** Whether any owned partition is still loading (ListGroups reports COORDINATOR_LOAD_IN_PROGRESS then). */
    public boolean isLoading() {
        return registry.isLoading();
    }

    void sweep() {
        registry.writeAll(shard -> {
            for (ClassicGroup group : shard.groups()) {
                try {
                    membership.tick(group);
                } catch (RuntimeException e) {
                    log.warn("Timer work for group {} failed", group.groupId(), e);
                }
            }
            return null;
        });
    }

    void expireOffsets() {
        registry.writeAll(shard -> {
            for (ClassicGroup group : shard.groups()) {
                try {
                    offsets.expire(group);
                } catch (RuntimeException e) {
                    log.warn("Offset expiry of group {} failed", group.groupId(), e);
                }
            }
            return null;
        });
    }

    private record ShardCounts(Map<GroupState, Integer> counts, List<GroupMetrics.Committed> committed) {
    }

    private void refreshMetrics() {
        allOf(registry.readAll(shard -> {
            Map<GroupState, Integer> counts = new EnumMap<>(GroupState.class);
            List<GroupMetrics.Committed> committed = new ArrayList<>();
            for (ClassicGroup group : shard.groups()) {
                counts.merge(group.state(), 1, Integer::sum);
                group.offsets().forEach((tp, o) ->
                        committed.add(new GroupMetrics.Committed(group.groupId(), tp, o.offset())));
            }
            return new ShardCounts(counts, committed);
        })).thenAccept(shards -> {
            Map<GroupState, Integer> counts = new EnumMap<>(GroupState.class);
            List<GroupMetrics.Committed> committed = new ArrayList<>();
            for (ShardCounts c : shards) {
                c.counts().forEach((state, n) -> counts.merge(state, n, Integer::sum));
                committed.addAll(c.committed());
            }
            metrics.refresh(counts, committed);
        }).exceptionally(e -> {
            log.warn("Group metrics refresh failed", e);
            return null;
        });
    }

    /**
     * Cancels the timers and unloads the shards (parked requests are answered NOT_COORDINATOR). A task already
     * running finishes: the broker waits for it when it stops the pools, before it closes the logs.
     */
    @Override
    public synchronized void close() {
        scheduled.forEach(f -> f.cancel(false));
        scheduled.clear();
        runtime.close();
    }
}
