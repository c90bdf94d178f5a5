package io.strata.engine.txn;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.strata.engine.config.TransactionConfig;
import io.strata.engine.coordinator.FakeCoordinatorLog;
import io.strata.engine.metadata.TopicMetadata;
import io.strata.engine.testing.ManualTime;
import org.apache.kafka.common.record.internal.SimpleRecord;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * One {@link TransactionCoordinator} for the coordinator's unit tests: it leads the single partition of its
 * {@code __transaction_state} at {@link #LEADER_EPOCH}, over a fake log that commits every append at once, with
 * inline threads, a manual clock and a marker writer that only records what it is given ({@link #prepared}) until
 * the test writes the markers ({@link #writeMarkers}). Producer ids are handed out from 100.
 */
final class CoordinatorHarness implements AutoCloseable {
    static final int LEADER_EPOCH = 5;

    final FakeCoordinatorLog log = new FakeCoordinatorLog();
    final ManualTime time = new ManualTime(1_000);
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    /** Prepared transactions whose markers were handed to the writer and not written yet. */
    final List<TransactionShard.PreparedEnd> prepared = new ArrayList<>();
    final TransactionCoordinator coordinator;
    final TransactionOperations ops;
    private final List<Consumer<TransactionShard.PreparedEnd>> completions = new ArrayList<>();
    private final AtomicLong producerIds = new AtomicLong(100);
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

    CoordinatorHarness() {
        TransactionConfig config = TransactionConfig.defaults().withStateLogNumPartitions(1)
                .withStateLogReplicationFactor((short) 3).withMaxTimeoutMs(60_000);
        TransactionCoordinator.StateTopicAccess noTopic = new TransactionCoordinator.StateTopicAccess() {
            @Override
            public Optional<TopicMetadata> find() {
                return Optional.empty();
            }

            @Override
            public int liveBrokers() {
                return 1;
            }

            @Override
            public TopicMetadata create(int partitions, short replicationFactor, Map<String, String> configs) {
                throw new AssertionError("not created with one live broker");
            }
        };
        TransactionCoordinator.MarkerWriter markers = new TransactionCoordinator.MarkerWriter() {
            @Override
            public void send(TransactionShard.PreparedEnd end, Consumer<TransactionShard.PreparedEnd> onWritten) {
                prepared.add(end);
                completions.add(onWritten);
            }

            @Override
            public void close() {
            }
        };
        coordinator = new TransactionCoordinator(0, config, null, log, noTopic, markers, producerIds::getAndIncrement,
                time, new TransactionMetrics(registry), Runnable::run, Runnable::run, timer);
        ops = coordinator.operations();
        log.autoCommit();
        log.lead(0, LEADER_EPOCH);
        coordinator.leadershipChanged(0, true, LEADER_EPOCH);
    }

    TransactionOperations.InitResult init(String id) {
        return ops.initProducerId(id, 10_000, -1, (short) -1).join();
    }

    /** Writes every marker sent so far: the coordinator completes those transactions. */
    void writeMarkers() {
        for (int i = 0; i < prepared.size(); i++) {
            completions.get(i).accept(prepared.get(i));
        }
        dropMarkers();
    }

    /** Forgets the markers sent so far, unwritten, as a coordinator that dies before writing them. */
    void dropMarkers() {
        prepared.clear();
        completions.clear();
    }

    /**
     * Moves the partition's leadership away and back under {@code leaderEpoch}, with {@code found} appended to the
     * log meanwhile (what another coordinator wrote): the coordinator loads it again.
     */
    void reload(int leaderEpoch, SimpleRecord... found) {
        log.resign(0);
        coordinator.leadershipChanged(0, false, leaderEpoch - 1);
        log.lead(0, leaderEpoch);
        if (found.length > 0) {
            log.append(0, List.of(found));
        }
        coordinator.leadershipChanged(0, true, leaderEpoch);
    }

    @Override
    public void close() {
        coordinator.close();
        timer.shutdownNow();
    }
}
