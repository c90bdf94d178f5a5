package io.strata.engine.group;

import io.strata.engine.config.GroupConfig;
import io.strata.engine.cluster.ReplicaManager;
import io.strata.engine.metadata.PartitionMetadata;
import io.strata.engine.metadata.TopicMetadata;
import org.apache.kafka.common.errors.ApiException;
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
 * {@code __consumer_offsets} this broker leads, creates that topic on first use, loads it on start and
 * runs the timers. Its one timer thread ("strata-group-coordinator") loads partitions, sweeps groups
 * for expired sessions and join/sync deadlines, expires offsets and refreshes metrics; request threads
 * call {@link #membership()} and {@link #offsets()}.
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
    /** Tasks on the broker's group timer (which the broker owns and stops); close cancels them. */
    private final List<ScheduledFuture<?>> scheduled = new ArrayList<>();
    /** Set by {@link #start(ScheduledExecutorService)}: before it, the topic list may not be loaded, so nothing may be created. */
    private volatile boolean started;
    /** Where partitions this broker comes to lead are loaded (the group timer); set when serving starts. */
    private volatile Executor loader;
    private final ReplicaManager replicaManager;
    /** How long a commit may wait for its {@code __consumer_offsets} partition to replicate it. */
    private static final long OFFSET_COMMIT_TIMEOUT_MS = 5_000;

    public GroupCoordinator(int brokerId, GroupConfig config, ReplicaManager replicaManager, OffsetsTopicAccess topicAccess,
                            Time time, GroupMetrics metrics, Executor completions) {
        this.brokerId = brokerId;
        this.config = config;
        this.topicAccess = topicAccess;
        this.time = time;
        this.metrics = metrics;
        int partitions = topicAccess.find().map(t -> t.partitions().size()).orElse(config.offsetsTopicPartitions());
        this.registry = new GroupRegistry(new GroupLog(replicaManager), time, partitions);
        this.membership = new GroupMembership(registry, config, time, metrics, completions);
        this.offsets = new GroupOffsets(registry, config, time, metrics);
        this.replicaManager = replicaManager;
        replicaManager.addLeadershipListener(this::onLeadershipChanged);
    }

    /**
     * Failover: a broker that becomes leader of an offsets partition loads its groups from the log; one that
     * stops leading it drops them (the new leader serves them). Runs on the metadata path; loading itself
     * runs on the coordinator's thread.
     */
    private void onLeadershipChanged(io.strata.engine.cluster.Partition partition) {
        Executor load = loader;
        if (load == null || !partition.topicPartition().topic().equals(Topic.GROUP_METADATA_TOPIC_NAME)) {
            return;
        }
        int index = partition.topicPartition().partition();
        topicAccess.find().ifPresent(topic -> registry.setPartitionCount(topic.partitions().size()));
        if (partition.isLeader()) {
            if (!registry.ownsOrLoads(index)) {
                registry.markLoading(List.of(index));
                load.execute(() -> registry.load(index));
            }
        } else {
            registry.unload(index);
        }
    }

    /**
     * Completes once the high watermark of {@code __consumer_offsets-partition} reaches {@code requiredOffset}
     * (NONE), this broker stops leading it (NOT_COORDINATOR) or the commit timeout passes
     * (COORDINATOR_NOT_AVAILABLE).
     */
    public CompletableFuture<Errors> awaitReplicated(int partition, long requiredOffset) {
        if (requiredOffset < 0) {
            return CompletableFuture.completedFuture(Errors.NONE);
        }
        org.apache.kafka.common.TopicPartition tp = GroupLog.topicPartition(partition);
        io.strata.engine.cluster.Partition led = replicaManager.partition(tp).orElse(null);
        if (led == null) {
            return CompletableFuture.completedFuture(Errors.NOT_COORDINATOR);
        }
        CompletableFuture<Errors> result = new CompletableFuture<>();
        replicaManager.producePurgatory().tryCompleteElseWatch(
                new DelayedCoordinatorWrite(led, led.leaderEpoch(), requiredOffset, result), List.of(tp),
                OFFSET_COMMIT_TIMEOUT_MS);
        return result;
    }

    /** Loads the partitions of an existing offsets topic in the background, then starts the timers. */
    public synchronized void start(ScheduledExecutorService timer) {
        startServing(timer);
        scheduled.add(timer.scheduleWithFixedDelay(this::sweep, SWEEP_INTERVAL_MS, SWEEP_INTERVAL_MS,
                TimeUnit.MILLISECONDS));
        scheduled.add(timer.scheduleWithFixedDelay(this::expireOffsets, config.offsetsRetentionCheckIntervalMs(),
                config.offsetsRetentionCheckIntervalMs(), TimeUnit.MILLISECONDS));
        scheduled.add(timer.scheduleWithFixedDelay(this::refreshMetrics, METRICS_INTERVAL_MS, METRICS_INTERVAL_MS,
                TimeUnit.MILLISECONDS));
    }

    /**
     * Marks the partitions led now loading and replays them on {@code loader}; tests drive the timers
     * themselves. Partitions this broker comes to lead later, including those of an offsets topic another
     * broker creates, are loaded by {@link #onLeadershipChanged}.
     */
    synchronized void startServing(Executor loader) {
        this.loader = loader;
        topicAccess.find().ifPresent(topic -> {
            registry.setPartitionCount(topic.partitions().size());
            List<Integer> led = ledPartitions(topic).stream().filter(p -> !registry.ownsOrLoads(p)).toList();
            registry.markLoading(led);
            loader.execute(() -> led.forEach(registry::load));
        });
        started = true;
    }

    public GroupMembership membership() {
        return membership;
    }

    public GroupOffsets offsets() {
        return offsets;
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
        List<Integer> led = ledPartitions(topic);
        registry.markLoading(led);
        led.forEach(registry::load); // new and empty: loading is immediate
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
        for (ClassicGroup group : registry.groups()) {
            synchronized (group) {
                offsets.dropTopic(group, topic);
            }
        }
    }

    /** A snapshot of one group for DescribeGroups. */
    public record GroupDescription(String groupId, Errors error, String state, String protocolType, String protocol,
                                   List<MemberDescription> members) {
    }

    public record MemberDescription(String memberId, String groupInstanceId, String clientId, String clientHost,
                                    byte[] metadata, byte[] assignment) {
    }

    /** Describes a group; metadata and assignments are only meaningful (and only given) when it is stable. */
    public GroupDescription describe(String groupId) {
        ClassicGroup group;
        try {
            group = registry.get(groupId);
        } catch (ApiException e) {
            return new GroupDescription(groupId, Errors.forException(e), GroupState.DEAD.displayName(), "", "", List.of());
        }
        if (group == null) {
            return new GroupDescription(groupId, Errors.GROUP_ID_NOT_FOUND, GroupState.DEAD.displayName(), "", "",
                    List.of());
        }
        synchronized (group) {
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
    }

    /** A group as ListGroups reports it. */
    public record ListedGroup(String groupId, String protocolType, GroupState state) {
    }

    public List<ListedGroup> list() {
        List<ListedGroup> out = new ArrayList<>();
        for (ClassicGroup group : registry.groups()) {
            synchronized (group) {
                if (!group.is(GroupState.DEAD)) {
                    out.add(new ListedGroup(group.groupId(), group.protocolType() == null ? "" : group.protocolType(),
                            group.state()));
                }
            }
        }
        out.sort(java.util.Comparator.comparing(ListedGroup::groupId));
        return out;
    }

    /** Whether any owned partition is still loading (ListGroups reports COORDINATOR_LOAD_IN_PROGRESS then). */
    public boolean isLoading() {
        return registry.isLoading();
    }

    void sweep() {
        for (ClassicGroup group : registry.groups()) {
            try {
                synchronized (group) {
                    membership.tick(group);
                }
            } catch (RuntimeException e) {
                log.warn("Timer work for group {} failed", group.groupId(), e);
            }
        }
    }

    void expireOffsets() {
        for (ClassicGroup group : registry.groups()) {
            synchronized (group) {
                offsets.expire(group);
            }
        }
    }

    private void refreshMetrics() {
        try {
            Map<GroupState, Integer> counts = new EnumMap<>(GroupState.class);
            List<GroupMetrics.Committed> committed = new ArrayList<>();
            for (ClassicGroup group : registry.groups()) {
                synchronized (group) {
                    counts.merge(group.state(), 1, Integer::sum);
                    group.offsets().forEach((tp, o) ->
                            committed.add(new GroupMetrics.Committed(group.groupId(), tp, o.offset())));
                }
            }
            metrics.refresh(counts, committed);
        } catch (RuntimeException e) {
            log.warn("Group metrics refresh failed", e);
        }
    }

    /**
     * Cancels the timers. A task already running finishes: the broker waits for it when it stops the timer
     * pool, before it closes the logs.
     */
    @Override
    public synchronized void close() {
        scheduled.forEach(f -> f.cancel(false));
        scheduled.clear();
    }
}
