package io.strata.engine.server;

import io.strata.engine.config.BrokerConfig;
import io.strata.engine.config.BrokerLogDefaults;
import io.strata.engine.config.ConfigDescriber;
import io.strata.engine.metadata.MetadataCache;
import io.strata.engine.metadata.SupportedFeatures;
import io.strata.engine.topic.BrokerConfigService;
import io.strata.engine.topic.TopicService;
import io.micrometer.core.instrument.MeterRegistry;
import io.strata.engine.cluster.DelayedOperationPurgatory;
import io.strata.engine.cluster.ReplicaManager;
import io.strata.engine.group.GroupCoordinator;
import io.strata.engine.group.GroupMetrics;
import io.strata.engine.handler.admin.ApiVersionsHandler;
import io.strata.engine.handler.admin.UpdateFeaturesHandler;
import io.strata.engine.handler.group.DeleteGroupsHandler;
import io.strata.engine.handler.group.DescribeGroupsHandler;
import io.strata.engine.handler.group.FindCoordinatorHandler;
import io.strata.engine.handler.group.HeartbeatHandler;
import io.strata.engine.handler.group.JoinGroupHandler;
import io.strata.engine.handler.group.LeaveGroupHandler;
import io.strata.engine.handler.group.ListGroupsHandler;
import io.strata.engine.handler.group.OffsetCommitHandler;
import io.strata.engine.handler.group.OffsetDeleteHandler;
import io.strata.engine.handler.group.OffsetFetchHandler;
import io.strata.engine.handler.group.TxnOffsetCommitHandler;
import io.strata.engine.handler.group.SyncGroupHandler;
import io.strata.engine.handler.admin.AlterConfigsHandler;
import io.strata.engine.handler.admin.CreatePartitionsHandler;
import io.strata.engine.handler.admin.CreateTopicsHandler;
import io.strata.engine.handler.admin.DeleteTopicsHandler;
import io.strata.engine.handler.admin.DescribeClusterHandler;
import io.strata.engine.handler.admin.DescribeConfigsHandler;
import io.strata.engine.handler.admin.DescribeLogDirsHandler;
import io.strata.engine.handler.data.FetchHandler;
import io.strata.engine.handler.data.FetchSessions;
import io.strata.engine.handler.admin.IncrementalAlterConfigsHandler;
import io.strata.engine.coordinator.ReplicaCoordinatorLog;
import io.strata.engine.handler.txn.AddOffsetsToTxnHandler;
import io.strata.engine.handler.txn.AddPartitionsToTxnHandler;
import io.strata.engine.handler.txn.DescribeProducersHandler;
import io.strata.engine.handler.txn.DescribeTransactionsHandler;
import io.strata.engine.handler.txn.ListTransactionsHandler;
import io.strata.engine.handler.txn.EndTxnHandler;
import io.strata.engine.handler.txn.InitProducerIdHandler;
import io.strata.engine.handler.txn.CoordinatorMarkers;
import io.strata.engine.handler.txn.WriteTxnMarkersHandler;
import io.strata.engine.handler.data.DeleteRecordsHandler;
import io.strata.engine.handler.data.ListOffsetsHandler;
import io.strata.engine.handler.data.MetadataHandler;
import io.strata.engine.handler.data.OffsetForLeaderEpochHandler;
import io.strata.engine.handler.data.PartitionFetchReader;
import io.strata.engine.handler.data.ProduceHandler;
import io.strata.engine.config.LogConfig;
import io.strata.engine.log.FlushStats;
import io.strata.engine.log.LogManager;
import io.strata.engine.log.cleaner.LogCleaner;
import io.strata.engine.log.PartitionLog;
import io.strata.engine.metadata.BrokerRegistration;
import io.strata.engine.metadata.MetadataStore;
import io.strata.engine.metadata.TopicMetadata;
import io.strata.engine.metrics.BrokerMetrics;
import io.strata.engine.metrics.LogGauges;
import io.strata.engine.network.ApiRegistry;
import io.strata.engine.network.KafkaServer;
import io.strata.engine.replication.ControllerDuties;
import io.strata.engine.replication.ControllerLeaseKeeper;
import io.strata.engine.replication.IsrChangeManager;
import io.strata.engine.replication.ReplicaFetcherManager;
import io.strata.engine.txn.ProducerIdManager;
import io.strata.engine.txn.TransactionCoordinator;
import io.strata.engine.txn.TransactionMarkerSender;
import io.strata.engine.txn.TransactionVerifier;
import io.strata.engine.txn.TransactionMetrics;
import io.strata.engine.txn.TransactionStateTopic;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.StaleBrokerEpochException;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * One Strata broker: logs, partitions and the Kafka listener, assembled from a {@link BrokerConfig}
 * and a {@link MetadataStore}. Embedders (platform-app, tests) construct it, call {@link #start()},
 * and {@link #close()} it. Start and stop are serialized on this object.
 */
public final class Broker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Broker.class);
    private static final long CHECKPOINT_INTERVAL_MS = 5_000;

    private final BrokerConfig config;
    private final MetadataStore metadataStore;
    private final BrokerMetrics metrics;
    private final LogGauges logGauges;
    /** Takes and renews the controller lease with every heartbeat. */
    private final ControllerLeaseKeeper controllerLease;
    /** Fencing and leader elections, run on the heartbeat thread right after each tick while the lease is held. */
    private final ControllerDuties controllerDuties;
    /** Effective broker-wide topic defaults (static and dynamic): the one source every LogConfig is built from. */
    private final BrokerLogDefaults logDefaults;
    private final Time time = Time.SYSTEM;

    private volatile BrokerState state = BrokerState.NOT_RUNNING;
    private volatile BrokerConfig effectiveConfig;
    /** Every thread pool of this broker; created in start, stopped in close (see BrokerExecutors). */
    private BrokerExecutors executors;
    private DelayedOperationPurgatory fetchPurgatory;
    private DelayedOperationPurgatory producePurgatory;
    /** Read by the metric gauges; set in start. */
    private volatile ReplicaManager replicaManager;
    private volatile ReplicaFetcherManager replicaFetchers;
    private LogManager logManager;
    /** Compacts cleanup.policy=compact logs; stopped before the logs close. Set in start. */
    private volatile LogCleaner logCleaner;
    private KafkaServer server;
    private GroupCoordinator groupCoordinator;
    private TransactionCoordinator transactionCoordinator;
    /** KIP-890 verification of transactional produce; null when transaction.partition.verification.enable is off. */
    private TransactionVerifier transactionVerifier;
    /** Moves leaderships away before a graceful close stops the listener; set in start. */
    private ControlledShutdown controlledShutdown;
    /** This incarnation's registration epoch; {@link BrokerRegistration#NO_EPOCH} until registered. */
    private volatile long brokerEpoch = BrokerRegistration.NO_EPOCH;
    /**
     * Only the first of a run of failures is logged with its stack trace, and the end of the run once, so an
     * outage of the metadata store shows as two lines per broker and task (each set by its one thread).
     */
    private volatile boolean heartbeatFailing;
    private volatile boolean pollFailing;
    /** Set by the heartbeat thread once a newer incarnation of this broker id registered. */
    private volatile boolean staleEpoch;
    /** Every log's fsyncs, across restarts of this broker (each start makes a new log manager). */
    private final FlushStats flushStats = new FlushStats();

    public Broker(BrokerConfig config, MetadataStore metadataStore, MeterRegistry meterRegistry) {
        this.config = config;
        this.effectiveConfig = config;
        this.metadataStore = metadataStore;
        this.metrics = new BrokerMetrics(meterRegistry);
        this.logGauges = new LogGauges(meterRegistry);
        this.controllerLease = new ControllerLeaseKeeper(config.brokerId(), metadataStore);
        metrics.registerControllerActive(controllerLease::isActive);
        this.logDefaults = new BrokerLogDefaults(config.brokerId(), config.logDefaults());
        this.controllerDuties = new ControllerDuties(config.brokerId(), metadataStore, logDefaults::topicDefaults);
        metrics.registerFencedBrokers(() -> controllerLease.isActive() ? controllerDuties.fencedBrokerCount() : 0);
        metrics.registerReplication(() -> replicaManager, () -> {
            ReplicaFetcherManager fetchers = replicaFetchers;
            return fetchers == null ? 0 : fetchers.maxLag();
        });
        metrics.registerLogFlushes(flushStats::passes, flushStats::totalNanos);
    }

    /** Recovers logs, opens the listener, registers with the metadata store and takes leadership of its partitions. */
    public synchronized void start() {
        if (state != BrokerState.NOT_RUNNING) {
            throw new IllegalStateException("Broker " + config.brokerId() + " is " + state);
        }
        state = BrokerState.STARTING;
        staleEpoch = false;
        try {
            Files.createDirectories(config.dataDir());
            String clusterId = metadataStore.clusterId();
            metadataStore.bootstrapFeatures(SupportedFeatures.bootstrapLevels()); // a new cluster's first start only
            executors = BrokerExecutors.forBroker(config.numIoThreads(), config.groups().coordinatorThreads());
            fetchPurgatory = new DelayedOperationPurgatory(executors.requests(), executors.purgatoryTimer());
            producePurgatory = new DelayedOperationPurgatory(executors.requests(), executors.purgatoryTimer());

            state = BrokerState.RECOVERING_LOGS;
            logManager = new LogManager(config.dataDir(), time, config.logManager(), executors.logBackground(),
                    executors.logOpenClose());
            logManager.setRetentionListener((tp, plan) ->
                    metrics.recordRetentionDeletion(tp.topic(), plan.reason().tag(), plan.segments()));
            logManager.setFlushStats(flushStats);
            logDefaults.update(metadataStore.brokerConfigs()); // logs recover with the stored dynamic defaults
            Map<String, LogConfig> recoveryConfigs = new ConcurrentHashMap<>(); // one store read per topic, not per partition
            logManager.loadLogs(tp -> recoveryConfigs.computeIfAbsent(tp.topic(), this::recoveryConfig));
            logCleaner = new LogCleaner(config.logManager(), logManager::logs, executors.logCleaner(), time,
                    metrics.registry());

            MetadataCache cache = new MetadataCache(metadataStore, config.brokerId());
            controlledShutdown = new ControlledShutdown(config.brokerId(), metadataStore, cache,
                    config.controlledShutdownTimeoutMs(), config.metadataPollIntervalMs());
            ReplicaManager replicaManager = new ReplicaManager(config.brokerId(), logManager, logDefaults,
                    fetchPurgatory, producePurgatory, time);
            this.replicaManager = replicaManager;
            connectReplication(cache, replicaManager);
            TopicService topics = new TopicService(config, metadataStore, cache, replicaManager, metrics, logDefaults);
            groupCoordinator = newGroupCoordinator(cache, replicaManager, topics);
            topics.onTopicDeleted(groupCoordinator::onTopicDeleted);
            ProducerIdManager producerIds = new ProducerIdManager(metadataStore);
            transactionCoordinator = newTransactionCoordinator(cache, replicaManager, topics, producerIds);
            // Also the sender of TxnOffsetCommit v5's implicit add, so it exists with produce verification off too.
            transactionVerifier = new TransactionVerifier(config.brokerId(), cache,
                    transactionCoordinator.operations(), executors.transactionVerifications());
            ApiRegistry registry = new ApiRegistry();
            registerHandlers(registry, clusterId, cache, replicaManager, topics, producerIds);
            cache.catchUp(); // before the listener opens: requests must never see an empty topic list
            logDefaults.update(cache.brokerConfigs()); // this catch-up read them from version 0: TopicService did not
            server = new KafkaServer(config.listenerHost(), config.listenerPort(), config.numNetworkThreads(),
                    config.socketRequestMaxBytes(), registry, executors.requests(), metrics::recordRequest);
            server.start();
            effectiveConfig = withBoundPort(config, server.boundPort());

            BrokerRegistration registration = metadataStore.registerBroker(new BrokerRegistration(config.brokerId(),
                    effectiveConfig.advertisedHost(), effectiveConfig.advertisedPort(), config.rack()));
            brokerEpoch = registration.epoch();
            controllerLease.tick(brokerEpoch); // a lone or first broker is the controller before it serves
            topics.loadAll();
            deleteStrayLogs(cache);
            groupCoordinator.start(executors.groupTimer());
            transactionCoordinator.start();
            logCleaner.start();
            executors.checkpoints().scheduleWithFixedDelay(this::checkpoint, CHECKPOINT_INTERVAL_MS, CHECKPOINT_INTERVAL_MS,
                    TimeUnit.MILLISECONDS);
            long isrCheckMs = Math.max(1, config.replication().replicaLagTimeMaxMs() / 2);
            executors.isrChanges().scheduleWithFixedDelay(
                    () -> replicaManager.maybeShrinkIsrs(config.replication().replicaLagTimeMaxMs()),
                    isrCheckMs, isrCheckMs, TimeUnit.MILLISECONDS);
            executors.heartbeat().scheduleWithFixedDelay(this::heartbeat, config.heartbeatIntervalMs(),
                    config.heartbeatIntervalMs(), TimeUnit.MILLISECONDS);
            executors.metadataPoller().scheduleWithFixedDelay(() -> pollMetadata(topics),
                    config.metadataPollIntervalMs(), config.metadataPollIntervalMs(), TimeUnit.MILLISECONDS);
            state = BrokerState.RUNNING;
            log.info("Broker {} (epoch {}) of cluster {} serving Kafka on {}", config.brokerId(), brokerEpoch,
                    clusterId, bootstrapServers());
        } catch (IOException e) {
            stopQuietly();
            throw new UncheckedIOException("Broker " + config.brokerId() + " failed to start", e);
        } catch (RuntimeException e) {
            stopQuietly();
            throw e;
        }
    }

    /**
     * Followers fetch through one fetcher per leader; leaders write ISR changes through the store. A follower
     * may join an ISR only while it is live, not in controlled shutdown (KIP-841) and fetching with its current
     * registration's epoch, as this broker's metadata cache last saw it.
     */
    private void connectReplication(MetadataCache cache, ReplicaManager replicas) {
        ReplicaFetcherManager fetchers = new ReplicaFetcherManager(config.brokerId(), () -> brokerEpoch,
                cache::registeredBroker,
                config.replication(), time, executors.replicaFetchers());
        replicaFetchers = fetchers;
        replicas.connectReplication(fetchers, new IsrChangeManager(metadataStore, executors.isrChanges(), time, metrics),
                (id, epoch) -> cache.broker(id).filter(b -> b.live() && !b.shuttingDown())
                        .map(b -> epoch < 0 || b.epoch() == epoch).orElse(false));
    }

    private void registerHandlers(ApiRegistry registry, String clusterId, MetadataCache cache,
                                  ReplicaManager replicaManager, TopicService topics, ProducerIdManager producerIds) {
        ConfigDescriber describer = new ConfigDescriber(this::config, logDefaults);
        BrokerConfigService brokerConfigs = new BrokerConfigService(config.brokerId(), metadataStore, topics);
        PartitionFetchReader fetchReader = new PartitionFetchReader(cache, replicaManager, metrics);
        FetchSessions fetchSessions = new FetchSessions(fetchReader, time);
        metrics.registerFetchSessions(fetchSessions::sessions, fetchSessions::cachedPartitions,
                fetchSessions::evictions);
        registry.register(new ApiVersionsHandler(registry, cache, clusterId, config.brokerId()))
                .register(new UpdateFeaturesHandler(metadataStore))
                .register(new MetadataHandler(config.brokerId(), config.autoCreateTopics(), clusterId, cache, topics))
                .register(new ProduceHandler(cache, replicaManager, metrics, executors.requests(), executors.flushers(),
                        config.transactions().partitionVerificationEnable() ? transactionVerifier : null))
                .register(new FetchHandler(fetchReader, fetchSessions, fetchPurgatory, time))
                .register(new ListOffsetsHandler(cache, replicaManager))
                .register(new DeleteRecordsHandler(cache, replicaManager))
                .register(new OffsetForLeaderEpochHandler(cache, replicaManager))
                .register(new InitProducerIdHandler(producerIds, transactionCoordinator.operations()))
                .register(new AddPartitionsToTxnHandler(transactionCoordinator.operations(), cache))
                .register(new AddOffsetsToTxnHandler(transactionCoordinator.operations(), groupCoordinator))
                .register(new EndTxnHandler(transactionCoordinator.operations()))
                .register(new ListTransactionsHandler(transactionCoordinator.listing()))
                .register(new DescribeTransactionsHandler(transactionCoordinator.listing()))
                .register(new WriteTxnMarkersHandler(cache, replicaManager, executors.flushers(), time,
                        WriteTxnMarkersHandler.DEFAULT_TIMEOUT_MS, CoordinatorMarkers.forTopic(
                                Topic.GROUP_METADATA_TOPIC_NAME, groupCoordinator.txnOffsets()::completeTransaction)))
                .register(new DescribeProducersHandler(cache, replicaManager))
                .register(new CreateTopicsHandler(topics, describer))
                .register(new DeleteTopicsHandler(cache, topics))
                .register(new CreatePartitionsHandler(topics))
                .register(new DescribeClusterHandler(clusterId, cache))
                .register(new DescribeConfigsHandler(config.brokerId(), cache, describer))
                .register(new IncrementalAlterConfigsHandler(topics, brokerConfigs))
                .register(new AlterConfigsHandler(topics, brokerConfigs))
                .register(new DescribeLogDirsHandler(logManager))
                .register(new FindCoordinatorHandler(groupCoordinator, transactionCoordinator, cache))
                .register(new JoinGroupHandler(groupCoordinator.membership()))
                .register(new SyncGroupHandler(groupCoordinator.membership()))
                .register(new HeartbeatHandler(groupCoordinator.membership()))
                .register(new LeaveGroupHandler(groupCoordinator.membership()))
                .register(new OffsetCommitHandler(groupCoordinator, cache))
                .register(new OffsetFetchHandler(groupCoordinator.offsets(), cache))
                .register(new DescribeGroupsHandler(groupCoordinator))
                .register(new ListGroupsHandler(groupCoordinator))
                .register(new DeleteGroupsHandler(groupCoordinator.offsets()))
                .register(new OffsetDeleteHandler(groupCoordinator.offsets(), cache))
                .register(new TxnOffsetCommitHandler(groupCoordinator.txnOffsets(), cache, groupCoordinator::partitionFor,
                        (id, producerId, epoch, offsets) -> transactionVerifier.addImplicitly(id, producerId, epoch,
                                Set.of(offsets))));
    }

    private GroupCoordinator newGroupCoordinator(MetadataCache cache, ReplicaManager replicaManager,
                                                 TopicService topics) {
        InternalTopicAccess access = new InternalTopicAccess(Topic.GROUP_METADATA_TOPIC_NAME, cache, topics);
        GroupMetrics groupMetrics = new GroupMetrics(metrics.registry(), tp -> replicaManager.partition(tp)
                .map(p -> p.log().highWatermark()).orElse(-1L));
        return new GroupCoordinator(config.brokerId(), config.groups(), replicaManager, access, time, groupMetrics,
                executors.coordinators(), executors.requests());
    }

    private TransactionCoordinator newTransactionCoordinator(MetadataCache cache, ReplicaManager replicaManager,
                                                             TopicService topics, ProducerIdManager producerIds) {
        InternalTopicAccess access = new InternalTopicAccess(TransactionStateTopic.NAME, cache, topics);
        TransactionMarkerSender markers = new TransactionMarkerSender(config.brokerId(), cache,
                executors.transactionMarkers(), executors.transactionMarkerSends());
        return new TransactionCoordinator(config.brokerId(), config.transactions(), replicaManager,
                new ReplicaCoordinatorLog(TransactionStateTopic.NAME, replicaManager), access, markers,
                producerIds::nextProducerId, time, new TransactionMetrics(metrics.registry()), executors.coordinators(),
                executors.requests(),
                executors.transactionTimer());
    }

    /** Config used while recovering a topic's logs: the topic's if the store knows it, else the broker defaults. */
    private LogConfig recoveryConfig(String topic) {
        Map<String, String> overrides = metadataStore.topic(topic).map(TopicMetadata::configs).orElse(Map.of());
        return logDefaults.logConfig(overrides);
    }

    /** This broker's effective broker-wide topic defaults, static and dynamic. */
    public BrokerLogDefaults logDefaults() {
        return logDefaults;
    }

    /** Logs left on disk for topics that were deleted (or re-created under a new id) while we were down. */
    private void deleteStrayLogs(MetadataCache cache) {
        List<TopicPartition> stray = new ArrayList<>();
        for (PartitionLog partitionLog : logManager.logs()) {
            TopicPartition tp = partitionLog.topicPartition();
            Optional<TopicMetadata> topic = cache.topic(tp.topic());
            boolean known = topic.isPresent() && topic.get().id().equals(partitionLog.topicId())
                    && tp.partition() < topic.get().partitions().size();
            if (!known) {
                stray.add(tp);
            }
        }
        for (TopicPartition tp : stray) {
            log.info("Deleting stray log {}: its topic no longer exists in the metadata store", tp);
            logManager.deleteLog(tp);
        }
    }

    /** Failures are logged and retried at the next interval; the lease lapses only if they last a session timeout. */
    private void heartbeat() {
        try {
            metadataStore.heartbeat(config.brokerId(), brokerEpoch);
            if (heartbeatFailing) {
                log.info("Broker {} heartbeats to the metadata store again", config.brokerId());
            }
            heartbeatFailing = false;
        } catch (StaleBrokerEpochException e) {
            staleEpoch = true;
            controllerLease.stop();
            // A newer incarnation of this broker id registered: this one must not act as the broker any more.
            // Fencing and stopping are the controller step's; for now it is reported on every attempt.
            log.error("Broker {} epoch {} is stale: {}", config.brokerId(), brokerEpoch, e.getMessage());
        } catch (RuntimeException e) {
            if (!heartbeatFailing) {
                log.warn("Broker {} heartbeat to the metadata store failed; retrying every {} ms", config.brokerId(),
                        config.heartbeatIntervalMs(), e);
            }
            heartbeatFailing = true;
        }
        if (brokerEpoch != BrokerRegistration.NO_EPOCH && !staleEpoch) {
            controllerLease.tick(brokerEpoch); // renews while held (stops at once when refused), else tries to take it
            controllerLease.activeLease().ifPresent(controllerDuties::run);
        }
    }

    private void pollMetadata(TopicService topics) {
        try {
            topics.catchUp();
            if (pollFailing) {
                log.info("Broker {} reads metadata changes again", config.brokerId());
            }
            pollFailing = false;
        } catch (RuntimeException e) {
            if (!pollFailing) {
                log.warn("Broker {} cannot read metadata changes; serving with the metadata it has, retrying every {} ms",
                        config.brokerId(), config.metadataPollIntervalMs(), e);
            }
            pollFailing = true;
        }
    }

    private void checkpoint() {
        try {
            logManager.checkpointHighWatermarks();
        } catch (RuntimeException e) {
            log.warn("High watermark checkpoint failed", e);
        }
        logGauges.refresh(logManager.logs());
    }

    private static BrokerConfig withBoundPort(BrokerConfig c, int boundPort) {
        return new BrokerConfig(c.brokerId(), c.listenerHost(), boundPort, c.advertisedHost(),
                c.advertisedPort() == 0 ? boundPort : c.advertisedPort(), c.rack(), c.dataDir(),
                c.socketRequestMaxBytes(), c.numIoThreads(), c.numNetworkThreads(), c.defaultNumPartitions(),
                c.defaultReplicationFactor(), c.autoCreateTopics(), c.logDefaults(), c.groups(), c.heartbeatIntervalMs(),
                c.metadataPollIntervalMs(), c.replication(), c.controlledShutdownTimeoutMs(), c.logManager(),
                c.transactions());
    }

    /** The port the Kafka listener bound (useful with port 0). */
    public int boundPort() {
        return effectiveConfig.listenerPort();
    }

    /** host:port clients should bootstrap from. */
    public String bootstrapServers() {
        return effectiveConfig.advertisedHost() + ":" + effectiveConfig.advertisedPort();
    }

    /**
     * The epoch the metadata store gave this incarnation's registration ({@link BrokerRegistration#NO_EPOCH}
     * before it registered); higher after every restart. Followers will carry it in their fetches (KIP-903).
     */
    public long brokerEpoch() {
        return brokerEpoch;
    }

    /** Whether this broker holds the controller lease now (see {@link ControllerLeaseKeeper}). */
    public boolean isController() {
        return controllerLease.isActive();
    }

    /** The controller epoch of the lease this broker holds, or empty when it is not the controller. */
    public Optional<Long> controllerEpoch() {
        return controllerLease.epoch();
    }

    /** The partitions this broker hosts (null before the first start); for embedders' checks and tests. */
    public ReplicaManager replicaManager() {
        return replicaManager;
    }

    /**
     * Crash-test hook: cuts (or restores) replication to this broker, as a network partition from its leaders
     * would, while it keeps heartbeating and serving. Used to build divergent logs deterministically.
     */
    public void cutReplication(boolean cut) {
        ReplicaFetcherManager fetchers = replicaFetchers;
        if (fetchers != null) {
            fetchers.setPaused(cut);
        }
    }

    /** The log cleaner (null before the first start); tests set its crash hook. */
    public LogCleaner logCleaner() {
        return logCleaner;
    }

    public BrokerState state() {
        return state;
    }

    /** The configuration in force, with the bound and advertised ports resolved. */
    public BrokerConfig config() {
        return effectiveConfig;
    }

    public String clusterId() {
        return metadataStore.clusterId();
    }

    /** Simulates a crash: drops connections and file handles without flushing or checkpointing. */
    public synchronized void halt() {
        if (state == BrokerState.NOT_RUNNING) {
            return;
        }
        state = BrokerState.SHUTTING_DOWN;
        closeNetwork(); // stops the heartbeat, which alone renews the controller lease
        controllerLease.stop();
        stopLogCleaner();
        logGauges.clear();
        if (logManager != null) {
            logManager.closeWithoutFlush();
        }
        closeExecutors();
        state = BrokerState.NOT_RUNNING;
    }

    /**
     * Graceful shutdown: first a controlled shutdown while other brokers are live (the controller moves this
     * broker's leaderships and ISR places to other replicas, waited for up to
     * {@link BrokerConfig#controlledShutdownTimeoutMs()}), then stops the listener, answers parked requests,
     * flushes and checkpoints logs.
     */
    @Override
    public synchronized void close() {
        if (state == BrokerState.NOT_RUNNING) {
            return;
        }
        boolean serving = state == BrokerState.RUNNING;
        state = BrokerState.SHUTTING_DOWN;
        if (serving && !staleEpoch) {
            controlledShutdown.run(brokerEpoch);
        }
        stopQuietly();
        state = BrokerState.NOT_RUNNING;
        log.info("Broker {} stopped", config.brokerId());
    }

    private void stopQuietly() {
        closeNetwork(); // stops the heartbeat, which alone renews the controller lease
        controllerLease.release();
        stopLogCleaner();
        logGauges.clear();
        if (logManager != null) {
            logManager.close();
        }
        closeExecutors();
        state = BrokerState.NOT_RUNNING;
    }

    private void stopLogCleaner() {
        if (logCleaner != null) {
            logCleaner.stop(); // a clean in progress stops at its next batch boundary
        }
    }

    private void closeNetwork() {
        if (server != null) {
            server.close();
        }
        if (groupCoordinator != null) {
            groupCoordinator.close();
        }
        if (transactionCoordinator != null) {
            transactionCoordinator.close(); // closes the marker connections: a blocked send ends
        }
        if (transactionVerifier != null) {
            transactionVerifier.close(); // closes the verification connections likewise
        }
        if (replicaFetchers != null) {
            replicaFetchers.close(); // ends the fetcher loops; their pool stops below
        }
        if (producePurgatory != null) {
            producePurgatory.close();
        }
        if (fetchPurgatory != null) {
            fetchPurgatory.close();
        }
        if (executors != null) {
            executors.stopServing(); // waits for running group, checkpoint and request tasks; logs stay open
        }
    }

    private void closeExecutors() {
        if (executors != null) {
            executors.close();
            executors = null;
        }
    }
}
