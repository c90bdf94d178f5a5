package io.strata.platform.config;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

import java.nio.file.Path;
import java.util.Map;

/**
 * Everything under {@code strata.*}. Defaults here are the single-node embedded set-up; the README's
 * configuration table lists every key.
 *
 * @param dataDir     root of all local state: {@code logs/} (partition logs) and {@code metadata/} (H2)
 * @param broker      this broker's identity
 * @param kafka       the Kafka protocol listener
 * @param topics      defaults for topics created without explicit settings
 * @param groups      the consumer group coordinator
 * @param replication how followers copy partitions from their leaders and when they count as in sync
 * @param log         retention and log cleaner settings
 * @param transactions the transaction coordinator ({@code __transaction_state}, timeouts, expiry)
 * @param logDefaults broker-wide topic config defaults keyed by Kafka topic config name, e.g.
 *                    {@code strata.log-defaults.[segment.bytes]=536870912}
 */
@ConfigurationProperties("strata")
@Validated
public record StrataProperties(
        @DefaultValue("./data") @NotNull Path dataDir,
        @DefaultValue @Valid @NotNull Broker broker,
        @DefaultValue @Valid @NotNull Kafka kafka,
        @DefaultValue @Valid @NotNull Topics topics,
        @DefaultValue @Valid @NotNull Groups groups,
        @DefaultValue @Valid @NotNull Replication replication,
        @DefaultValue @Valid @NotNull Log log,
        @DefaultValue @Valid @NotNull Transactions transactions,
        Map<String, String> logDefaults) {

    public StrataProperties {
        logDefaults = logDefaults == null ? Map.of() : Map.copyOf(logDefaults);
    }

    /**
     * @param enabled whether this process runs a Kafka broker (false: admin API and metadata store only)
     * @param id      broker id, unique in the cluster
     * @param rack    rack id reported to clients, or null
     * @param heartbeatInterval   how often the broker renews its lease in the metadata database
     *                            ({@code broker.heartbeat.interval.ms})
     * @param sessionTimeout      how long after its last heartbeat a broker counts as live, judged by the
     *                            database clock ({@code broker.session.timeout.ms})
     * @param metadataPollInterval how often the broker reads the metadata changed since the version it holds
     * @param controlledShutdownTimeout how long a graceful stop (SIGTERM) waits for the controller to move this
     *                            broker's leaderships to other replicas before it stops anyway; 0 skips it
     */
    public record Broker(@DefaultValue("true") boolean enabled, @DefaultValue("0") @Min(0) int id, String rack,
                         @DefaultValue("2s") @NotNull java.time.Duration heartbeatInterval,
                         @DefaultValue("9s") @NotNull java.time.Duration sessionTimeout,
                         @DefaultValue("500ms") @NotNull java.time.Duration metadataPollInterval,
                         @DefaultValue("30s") @NotNull java.time.Duration controlledShutdownTimeout) {
    }

    /**
     * @param host                  address the listener binds to
     * @param port                  listener port; 0 picks a free one
     * @param advertisedHost        host clients are told to connect to; blank means the bind host, or
     *                              {@code localhost} when binding to a wildcard address
     * @param advertisedPort        port clients are told to connect to; 0 means the bound port
     * @param socketRequestMaxBytes requests larger than this close the connection
     * @param ioThreads             request handler threads
     * @param networkThreads        network event loop threads
     */
    public record Kafka(
            @DefaultValue("0.0.0.0") @NotBlank String host,
            @DefaultValue("9092") @Min(0) @Max(65535) int port,
            String advertisedHost,
            @DefaultValue("0") @Min(0) @Max(65535) int advertisedPort,
            @DefaultValue("100MB") @NotNull DataSize socketRequestMaxBytes,
            @DefaultValue("8") @Min(1) @Max(1024) int ioThreads,
            @DefaultValue("2") @Min(1) @Max(1024) int networkThreads) {
    }

    /**
     * @param defaultPartitions        partitions of a topic created without a count (and of auto-created topics)
     * @param defaultReplicationFactor replication factor of a topic created without one
     * @param autoCreate               whether a Metadata request for an unknown topic creates it
     */
    public record Topics(
            @DefaultValue("1") @Min(1) int defaultPartitions,
            @DefaultValue("1") @Min(1) @Max(Short.MAX_VALUE) int defaultReplicationFactor,
            @DefaultValue("true") boolean autoCreate) {
    }

    /**
     * @param offsetsTopicPartitions        partitions of {@code __consumer_offsets}, fixed once it exists
     * @param offsetsTopicReplicationFactor its replication factor; 1 here, for the single embedded node (Kafka's 3
     *                                      is the engine's default). Not capped: until this many brokers are live,
     *                                      the topic is not created and FindCoordinator answers
     *                                      COORDINATOR_NOT_AVAILABLE
     * @param initialRebalanceDelay         how long the first member of an empty group waits for others
     * @param minSessionTimeout             smallest session timeout a consumer may ask for
     * @param maxSessionTimeout             largest session timeout a consumer may ask for
     * @param maxSize                       most members a group may have
     * @param offsetMetadataMaxBytes        longest metadata string of a committed offset
     * @param offsetsRetention              how long offsets of an empty group are kept
     * @param offsetsRetentionCheckInterval how often expired offsets are removed
     * @param coordinatorThreads            threads the coordinator runtime runs its partitions' operations on
     *                                      ({@code group.coordinator.threads}; 1 by default: operations are short
     *                                      and fsyncs run on the request threads)
     */
    public record Groups(
            @DefaultValue("50") @Min(1) @Max(10_000) int offsetsTopicPartitions,
            @DefaultValue("1") @Min(1) @Max(Short.MAX_VALUE) int offsetsTopicReplicationFactor,
            @DefaultValue("3s") @NotNull java.time.Duration initialRebalanceDelay,
            @DefaultValue("6s") @NotNull java.time.Duration minSessionTimeout,
            @DefaultValue("30m") @NotNull java.time.Duration maxSessionTimeout,
            @DefaultValue("2147483647") @Min(1) int maxSize,
            @DefaultValue("4096") @Min(0) int offsetMetadataMaxBytes,
            @DefaultValue("7d") @NotNull java.time.Duration offsetsRetention,
            @DefaultValue("10m") @NotNull java.time.Duration offsetsRetentionCheckInterval,
            @DefaultValue("1") @Min(1) @Max(64) int coordinatorThreads) {
    }

    /**
     * Follower fetching and ISR membership; names and defaults are Kafka's broker settings without the unit suffix.
     *
     * @param replicaLagTimeMax            a follower that has not caught up with the leader's log end for this long
     *                                     leaves the ISR ({@code replica.lag.time.max.ms})
     * @param replicaFetchWaitMax          how long a follower's fetch waits at the leader for new data
     *                                     ({@code replica.fetch.wait.max.ms})
     * @param replicaFetchMinBytes         data a follower's fetch waits for before the leader answers
     *                                     ({@code replica.fetch.min.bytes})
     * @param replicaFetchMaxBytes         data per partition per fetch, at least one batch
     *                                     ({@code replica.fetch.max.bytes})
     * @param replicaFetchResponseMaxBytes data per fetch response ({@code replica.fetch.response.max.bytes})
     * @param replicaFetchBackoff          pause after a failed fetch ({@code replica.fetch.backoff.ms})
     * @param replicaSocketTimeout         a fetch unanswered this long beyond its wait fails and reconnects
     *                                     ({@code replica.socket.timeout.ms}); at least the fetch wait
     * @param numReplicaFetchers           fetcher threads per source broker; only 1 is implemented
     *                                     ({@code num.replica.fetchers})
     */
    public record Replication(
            @DefaultValue("30s") @NotNull java.time.Duration replicaLagTimeMax,
            @DefaultValue("500ms") @NotNull java.time.Duration replicaFetchWaitMax,
            @DefaultValue("1B") @NotNull DataSize replicaFetchMinBytes,
            @DefaultValue("1MB") @NotNull DataSize replicaFetchMaxBytes,
            @DefaultValue("10MB") @NotNull DataSize replicaFetchResponseMaxBytes,
            @DefaultValue("1s") @NotNull java.time.Duration replicaFetchBackoff,
            @DefaultValue("30s") @NotNull java.time.Duration replicaSocketTimeout,
            @DefaultValue("1") @Min(1) int numReplicaFetchers) {
    }

    /**
     * Background work on the logs; names and defaults are Kafka's broker settings without the unit suffix.
     *
     * @param retentionCheckInterval how often segments past retention.ms or retention.bytes are looked for
     *                               ({@code log.retention.check.interval.ms})
     * @param cleaner                the log cleaner, which compacts topics with cleanup.policy=compact
     * @param zeroFillAhead          Strata's own: how many zeros at most are kept written and fsynced ahead of each
     *                               active segment's end (never more than the segment already holds), so that the
     *                               fsync after an append does not also persist a grown file size and new blocks;
     *                               0 turns it off
     */
    public record Log(
            @DefaultValue("5m") @NotNull java.time.Duration retentionCheckInterval,
            @DefaultValue @Valid @NotNull Cleaner cleaner,
            @DefaultValue("4MB") @NotNull DataSize zeroFillAhead) {
    }

    /**
     * @param enabled              whether compacted topics are cleaned ({@code log.cleaner.enable})
     * @param threads              cleaner threads ({@code log.cleaner.threads})
     * @param dedupeBufferSize     key-offset map memory of all cleaner threads ({@code log.cleaner.dedupe.buffer.size})
     * @param ioBufferSize         read/write buffer memory of all cleaner threads ({@code log.cleaner.io.buffer.size})
     * @param ioMaxBytesPerSecond  read plus write rate the cleaner is throttled to; unset is unlimited
     *                             ({@code log.cleaner.io.max.bytes.per.second})
     * @param backoff              pause of a cleaner thread that found nothing to clean ({@code log.cleaner.backoff.ms})
     */
    public record Cleaner(
            @DefaultValue("true") boolean enabled,
            @DefaultValue("1") @Min(0) @Max(64) int threads,
            @DefaultValue("128MB") @NotNull DataSize dedupeBufferSize,
            @DefaultValue("512KB") @NotNull DataSize ioBufferSize,
            DataSize ioMaxBytesPerSecond,
            @DefaultValue("15s") @NotNull java.time.Duration backoff) {
    }

    /**
     * The transaction coordinator; names and defaults are Kafka's broker settings without the unit suffix. Enforced
     * by the engine's transaction coordinator.
     *
     * @param stateLogNumPartitions    partitions of {@code __transaction_state}, fixed once it exists
     *                                 ({@code transaction.state.log.num.partitions})
     * @param stateLogReplicationFactor its replication factor; 1 here, for the single embedded node (Kafka's 3 is
     *                                 the engine's default). Not capped: until this many brokers are live the topic
     *                                 is not created and FindCoordinator answers COORDINATOR_NOT_AVAILABLE
     *                                 ({@code transaction.state.log.replication.factor})
     * @param stateLogMinIsr           its min.insync.replicas, applied as min(this, replication factor)
     *                                 ({@code transaction.state.log.min.isr})
     * @param stateLogSegmentBytes     its segment size ({@code transaction.state.log.segment.bytes})
     * @param maxTimeout               largest transaction.timeout.ms a producer may ask for; more is refused with
     *                                 INVALID_TRANSACTION_TIMEOUT ({@code transaction.max.timeout.ms})
     * @param transactionalIdExpiration an id with no transaction in progress and no update for this long is removed
     *                                 ({@code transactional.id.expiration.ms})
     * @param abortTimedOutTransactionCleanupInterval how often transactions past their timeout are aborted
     *                                 ({@code transaction.abort.timed.out.transaction.cleanup.interval.ms})
     * @param removeExpiredTransactionCleanupInterval how often expired transactional ids are removed
     *                                 ({@code transaction.remove.expired.transaction.cleanup.interval.ms})
     * @param partitionVerification    partition leaders check with the coordinator that a transactional batch
     *                                 starting a transaction belongs to an ongoing one (KIP-890 part 1; {@code
     *                                 transaction.partition.verification.enable})
     */
    public record Transactions(
            @DefaultValue("50") @Min(1) @Max(10_000) int stateLogNumPartitions,
            @DefaultValue("1") @Min(1) @Max(Short.MAX_VALUE) int stateLogReplicationFactor,
            @DefaultValue("2") @Min(1) @Max(Short.MAX_VALUE) int stateLogMinIsr,
            @DefaultValue("100MB") @NotNull DataSize stateLogSegmentBytes,
            @DefaultValue("15m") @NotNull java.time.Duration maxTimeout,
            @DefaultValue("7d") @NotNull java.time.Duration transactionalIdExpiration,
            @DefaultValue("10s") @NotNull java.time.Duration abortTimedOutTransactionCleanupInterval,
            @DefaultValue("1h") @NotNull java.time.Duration removeExpiredTransactionCleanupInterval,
            @DefaultValue("true") boolean partitionVerification) {
    }
}
