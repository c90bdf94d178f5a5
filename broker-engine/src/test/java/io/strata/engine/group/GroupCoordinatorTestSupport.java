package io.strata.engine.group;

import io.strata.engine.server.BrokerExecutors;

import io.strata.engine.config.GroupConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.strata.engine.cluster.DelayedOperationPurgatory;
import io.strata.engine.cluster.ReplicaManager;
import io.strata.engine.log.LogManager;
import io.strata.engine.metadata.PartitionMetadata;
import io.strata.engine.metadata.TopicMetadata;
import io.strata.engine.testing.ManualTime;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A coordinator over a real {@code __consumer_offsets} log in a temp dir, driven by a manual clock and
 * running coordinator operations and completing parked responses on the calling thread, so the membership
 * protocol is tested step by step. It is a
 * one-broker cluster (broker 0), so configs must set {@code offsets.topic.replication.factor} 1.
 */
final class GroupCoordinatorTestSupport implements AutoCloseable {
    static final int PARTITIONS = 3;

    final ManualTime time = new ManualTime(1_700_000_000_000L);
    /** The coordinator threads: the caller's own, unless a test holds them to see what happens meanwhile. */
    final HoldableExecutor pool = new HoldableExecutor();
    private final BrokerExecutors executors = new BrokerExecutors(1, 2);
    final LogManager logManager;
    final ReplicaManager replicaManager;
    final GroupCoordinator coordinator;
    private TopicMetadata topic;
    /** Replicas (and ISR) of the offsets topic's partitions when it is created; broker 0 leads. */
    List<Integer> replicas = List.of(0);

    GroupCoordinatorTestSupport(Path dir, GroupConfig config) throws IOException {
        this(dir, config, null);
    }

    /** Opens the logs under {@code dir}; with an existing topic, the coordinator loads it like a restarted broker. */
    GroupCoordinatorTestSupport(Path dir, GroupConfig config, TopicMetadata existing) throws IOException {
        logManager = new LogManager(dir, time, executors.logBackground(), executors.logOpenClose());
        logManager.loadLogs(tp -> io.strata.engine.config.LogConfig.from(Map.of(), Map.of()));
        replicaManager = new ReplicaManager(0, logManager, io.strata.engine.config.BrokerLogDefaults.none(),
                new DelayedOperationPurgatory(Runnable::run, executors.purgatoryTimer()),
                new DelayedOperationPurgatory(Runnable::run, executors.purgatoryTimer()), time);
        topic = existing;
        if (existing != null) {
            replicaManager.applyTopic(existing);
        }
        GroupCoordinator.OffsetsTopicAccess access = new GroupCoordinator.OffsetsTopicAccess() {
            @Override
            public Optional<TopicMetadata> find() {
                return Optional.ofNullable(topic);
            }

            @Override
            public int liveBrokers() {
                return 1;
            }

            @Override
            public TopicMetadata create(int partitions, short replicationFactor, Map<String, String> configs) {
                List<PartitionMetadata> ps = new ArrayList<>();
                for (int p = 0; p < partitions; p++) {
                    ps.add(new PartitionMetadata(p, 0, 0, replicas, replicas, 0));
                }
                topic = new TopicMetadata(Uuid.randomUuid(), Topic.GROUP_METADATA_TOPIC_NAME, configs, ps);
                replicaManager.applyTopic(topic);
                return topic;
            }
        };
        coordinator = new GroupCoordinator(0, config.withOffsetsTopicPartitions(PARTITIONS), replicaManager, access,
                time, new GroupMetrics(new SimpleMeterRegistry(), tp -> -1L), pool, Runnable::run);
    }

    TopicMetadata topic() {
        return topic;
    }

    static JoinGroupRequestData joinRequest(String group, String memberId, String instanceId, byte[] subscription) {
        JoinGroupRequestData.JoinGroupRequestProtocolCollection protocols =
                new JoinGroupRequestData.JoinGroupRequestProtocolCollection();
        protocols.add(new JoinGroupRequestData.JoinGroupRequestProtocol().setName("range").setMetadata(subscription));
        return new JoinGroupRequestData().setGroupId(group).setMemberId(memberId).setGroupInstanceId(instanceId)
                .setProtocolType("consumer").setSessionTimeoutMs(10_000).setRebalanceTimeoutMs(30_000)
                .setProtocols(protocols);
    }

    CompletableFuture<JoinGroupResponseData> join(JoinGroupRequestData request) {
        return coordinator.membership().join(request, (short) 9, "client", "/127.0.0.1");
    }

    /** A dynamic member's full join: MEMBER_ID_REQUIRED, then the real join (which may park). */
    CompletableFuture<JoinGroupResponseData> joinDynamic(String group) {
        JoinGroupResponseData required = join(joinRequest(group, "", null, new byte[]{1})).join();
        return join(joinRequest(group, required.memberId(), null, new byte[]{1}));
    }

    @Override
    public void close() {
        coordinator.close();
        logManager.close();
        executors.close();
    }

    /** Runs tasks on the caller's thread, or queues them while held. */
    static final class HoldableExecutor implements java.util.concurrent.Executor {
        private final List<Runnable> held = new ArrayList<>();
        private boolean holding;

        void hold() {
            holding = true;
        }

        void release() {
            holding = false;
            List<Runnable> queued = new ArrayList<>(held);
            held.clear();
            queued.forEach(Runnable::run);
        }

        @Override
        public void execute(Runnable task) {
            if (holding) {
                held.add(task);
            } else {
                task.run();
            }
        }
    }
}
