package io.strata.engine.log;

import io.strata.engine.server.BrokerExecutors;

import io.strata.engine.config.LogConfig;
import io.strata.engine.log.checkpoint.LogFileNames;
import io.strata.engine.testing.ManualTime;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;

import static io.strata.engine.log.LogTestSupport.T0;
import static io.strata.engine.log.LogTestSupport.batch;
import static io.strata.engine.log.LogTestSupport.readAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class LogManagerTest {
    private static final TopicPartition A0 = new TopicPartition("alpha", 0);
    private static final TopicPartition A1 = new TopicPartition("alpha", 1);
    private static final TopicPartition B0 = new TopicPartition("beta-with-dashes", 0);
    private static final Uuid ALPHA = Uuid.randomUuid();
    private static final Uuid BETA = Uuid.randomUuid();

    @TempDir
    Path dataDir;

    /** An index entry about every batch. */
    private static final LogConfig DENSE_INDEX = LogConfig.of(Map.of("index.interval.bytes", "64"));

    private final ManualTime time = new ManualTime(T0);
    private final BrokerExecutors executors = new BrokerExecutors(1, 2);
    private LogManager manager;

    @AfterEach
    void close() {
        if (manager != null) {
            manager.close();
        }
        executors.close();
    }

    @Test
    void logsAreRecreatedFromTheirDirectoriesAfterARestart() throws Exception {
        manager = new LogManager(dataDir, time, executors.logBackground(), executors.logOpenClose());
        manager.loadLogs(tp -> LogConfig.defaults());
        assertThat(manager.logs()).isEmpty();
        PartitionLog a0 = manager.getOrCreateLog(A0, ALPHA, LogConfig.defaults());
        assertThat(manager.getOrCreateLog(A0, ALPHA, LogConfig.defaults())).isSameAs(a0);
        manager.getOrCreateLog(A1, ALPHA, LogConfig.defaults());
        PartitionLog b0 = manager.getOrCreateLog(B0, BETA, LogConfig.defaults());
        a0.appendAsLeader(batch(T0, "a", 3), 0);
        b0.appendAsLeader(batch(T0, "b", 4), 0);
        a0.updateHighWatermark(3);
        assertThat(dataDir.resolve("alpha-0").resolve("partition.metadata")).content()
                .contains("version: 0", "topic_id: " + ALPHA);
        manager.close();

        manager = new LogManager(dataDir, time, executors.logBackground(), executors.logOpenClose());
        manager.loadLogs(tp -> LogConfig.of(Map.of("segment.bytes", "4096")));
        assertThat(manager.logs()).extracting(PartitionLog::topicPartition).containsExactlyInAnyOrder(A0, A1, B0);
        PartitionLog reloaded = manager.log(B0).orElseThrow();
        assertThat(reloaded.topicId()).isEqualTo(BETA);
        assertThat(reloaded.config().segmentBytes()).isEqualTo(4096);
        assertThat(readAll(reloaded)).hasSize(4);
        assertThat(manager.log(A0).orElseThrow().highWatermark()).isEqualTo(3);
    }

    @Test
    void aCrashedManagerRecoversEveryLog() throws Exception {
        manager = new LogManager(dataDir, time, executors.logBackground(), executors.logOpenClose());
        manager.loadLogs(tp -> LogConfig.defaults());
        manager.getOrCreateLog(A0, ALPHA, LogConfig.defaults()).appendAsLeader(batch(T0, "a", 3), 0);
        manager.getOrCreateLog(B0, BETA, LogConfig.defaults()).appendAsLeader(batch(T0, "b", 4), 0);
        manager.checkpointHighWatermarks();
        manager.closeWithoutFlush();

        manager = new LogManager(dataDir, time, executors.logBackground(), executors.logOpenClose());
        manager.loadLogs(tp -> LogConfig.defaults());
        assertThat(manager.log(A0).orElseThrow().logEndOffset()).isEqualTo(3);
        assertThat(manager.log(B0).orElseThrow().logEndOffset()).isEqualTo(4);
    }

    @Test
    void aGracefulCloseRecordsEveryLogEndInOneFileWhichTheNextLoadTakes() throws Exception {
        manager = new LogManager(dataDir, time, executors.logBackground(), executors.logOpenClose());
        manager.loadLogs(tp -> LogConfig.defaults());
        manager.getOrCreateLog(A0, ALPHA, LogConfig.defaults()).appendAsLeader(batch(T0, "a", 3), 0);
        manager.getOrCreateLog(A1, ALPHA, LogConfig.defaults());
        manager.getOrCreateLog(B0, BETA, LogConfig.defaults()).appendAsLeader(batch(T0, "b", 4), 0);
        manager.close();

        Path record = dataDir.resolve(LogFileNames.CLEAN_SHUTDOWN);
        assertThat(record).content().isEqualTo("0\n3\nalpha-0 3\nalpha-1 0\nbeta-with-dashes-0 4\n");
        try (Stream<Path> files = Files.walk(dataDir)) {
            assertThat(files.filter(f -> f.getFileName().toString().equals(LogFileNames.CLEAN_SHUTDOWN)))
                    .as("no marker per partition").containsExactly(record);
        }

        manager = new LogManager(dataDir, time, executors.logBackground(), executors.logOpenClose());
        manager.loadLogs(tp -> LogConfig.defaults());
        assertThat(record).as("taken: a crash from now on is not a clean shutdown").doesNotExist();
        assertThat(manager.log(A0).orElseThrow().logEndOffset()).isEqualTo(3);
        assertThat(manager.log(B0).orElseThrow().logEndOffset()).isEqualTo(4);
    }

    @Test
    void onlyALogWhoseRecordedEndMatchesIsTrustedWithoutValidatingItsData() throws Exception {
        manager = new LogManager(dataDir, time, executors.logBackground(), executors.logOpenClose());
        manager.loadLogs(tp -> DENSE_INDEX);
        PartitionLog a0 = manager.getOrCreateLog(A0, ALPHA, DENSE_INDEX);
        PartitionLog b0 = manager.getOrCreateLog(B0, BETA, DENSE_INDEX);
        for (int i = 0; i < 20; i++) {
            a0.appendAsLeader(batch(T0, "a" + i, 3), 0);
            b0.appendAsLeader(batch(T0, "b" + i, 3), 0);
        }
        manager.close();
        // the same bit flipped in both logs, inside the first batch's records, ahead of the last index entry (a
        // clean start checks only the tail after it; any other start validates the whole last segment)
        for (String dir : new String[]{"alpha-0", "beta-with-dashes-0"}) {
            flipByte(dataDir.resolve(dir).resolve("00000000000000000000.log"), 70);
        }
        Path record = dataDir.resolve(LogFileNames.CLEAN_SHUTDOWN);
        Files.writeString(record, Files.readString(record).replace("beta-with-dashes-0 60", "beta-with-dashes-0 59"));

        manager = new LogManager(dataDir, time, executors.logBackground(), executors.logOpenClose());
        manager.loadLogs(tp -> DENSE_INDEX);
        assertThat(manager.log(A0).orElseThrow().logEndOffset()).as("trusted: its recorded end matched")
                .isEqualTo(60);
        assertThat(manager.log(B0).orElseThrow().logEndOffset()).as("validated, and cut at the bad batch")
                .isZero();
    }

    @Test
    void afterACrashNoLogIsTakenForCleanlyClosed() throws Exception {
        manager = new LogManager(dataDir, time, executors.logBackground(), executors.logOpenClose());
        manager.loadLogs(tp -> DENSE_INDEX);
        PartitionLog a0 = manager.getOrCreateLog(A0, ALPHA, DENSE_INDEX);
        for (int i = 0; i < 20; i++) {
            a0.appendAsLeader(batch(T0, "a" + i, 3), 0);
        }
        manager.close();
        manager = new LogManager(dataDir, time, executors.logBackground(), executors.logOpenClose());
        manager.loadLogs(tp -> DENSE_INDEX);
        manager.closeWithoutFlush();
        flipByte(dataDir.resolve("alpha-0").resolve("00000000000000000000.log"), 70);

        manager = new LogManager(dataDir, time, executors.logBackground(), executors.logOpenClose());
        manager.loadLogs(tp -> DENSE_INDEX);
        assertThat(manager.log(A0).orElseThrow().logEndOffset()).isZero();
    }

    @Test
    void aMalformedRecordIsDeletedAndEveryLogValidated() throws Exception {
        for (String malformed : new String[]{"0\n1\nalpha-0 x\n", "0\n1\nalpha-0\n", "0\n2\nalpha-0 60\nalpha-0 60\n",
                "0\n1\n 60\n", "0\n1\nalpha-0 -1\n"}) {
            manager = new LogManager(dataDir, time, executors.logBackground(), executors.logOpenClose());
            manager.loadLogs(tp -> DENSE_INDEX);
            PartitionLog a0 = manager.getOrCreateLog(A0, ALPHA, DENSE_INDEX);
            a0.truncateFullyAndStartAt(0);
            for (int i = 0; i < 20; i++) {
                a0.appendAsLeader(batch(T0, "a" + i, 3), 0);
            }
            manager.close();
            flipByte(dataDir.resolve("alpha-0").resolve("00000000000000000000.log"), 70);
            Path record = dataDir.resolve(LogFileNames.CLEAN_SHUTDOWN);
            Files.writeString(record, malformed);

            manager = new LogManager(dataDir, time, executors.logBackground(), executors.logOpenClose());
            manager.loadLogs(tp -> DENSE_INDEX);
            assertThat(record).as(malformed).doesNotExist();
            assertThat(manager.log(A0).orElseThrow().logEndOffset()).as(malformed).isZero();
            manager.close();
        }
        manager = null;
    }

    private static void flipByte(Path file, int position) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        bytes[position] ^= 0x01;
        Files.write(file, bytes);
    }

    @Test
    void deletedLogsLeaveTheirNameAtOnceAndTheDiskAfterTheDelay() throws Exception {
        manager = new LogManager(dataDir, time, executors.logBackground(), executors.logOpenClose());
        manager.loadLogs(tp -> LogConfig.defaults());
        PartitionLog doomed = manager.getOrCreateLog(A0, ALPHA, LogConfig.of(Map.of("file.delete.delay.ms", "200")));
        doomed.appendAsLeader(batch(T0, "x", 2), 0);
        LogReadResult inFlight = doomed.read(0, 1 << 20, 2, true);

        manager.deleteLog(A0);
        assertThat(manager.log(A0)).isEmpty();
        assertThat(dataDir.resolve("alpha-0")).doesNotExist();
        assertThat(LogTestSupport.batches(inFlight)).as("a fetch in flight still reads its slice").hasSize(1);
        assertThatThrownBy(() -> doomed.appendAsLeader(batch(T0, "late", 1), 0))
                .isInstanceOf(NotLeaderOrFollowerException.class);

        // The name is free at once: a re-created topic gets a fresh, empty log.
        Uuid recreated = Uuid.randomUuid();
        PartitionLog fresh = manager.getOrCreateLog(A0, recreated, LogConfig.defaults());
        assertThat(fresh.logEndOffset()).isZero();
        assertThat(fresh.topicId()).isEqualTo(recreated);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            try (Stream<Path> dirs = Files.list(dataDir)) {
                assertThat(dirs.map(p -> p.getFileName().toString())).containsExactly("alpha-0");
            }
        });
    }

    @Test
    void aDirectoryOfAnotherTopicIdIsReplacedNotReused() throws Exception {
        manager = new LogManager(dataDir, time, executors.logBackground(), executors.logOpenClose());
        manager.loadLogs(tp -> LogConfig.defaults());
        manager.getOrCreateLog(A0, ALPHA, LogConfig.defaults()).appendAsLeader(batch(T0, "old", 3), 0);
        manager.close();

        manager = new LogManager(dataDir, time, executors.logBackground(), executors.logOpenClose());
        Uuid other = Uuid.randomUuid();
        PartitionLog replaced = manager.getOrCreateLog(A0, other, LogConfig.defaults());
        assertThat(replaced.logEndOffset()).isZero();
        assertThat(replaced.topicId()).isEqualTo(other);
    }

    @Test
    void directoriesThatAreNotPartitionsAreLeftAlone() throws Exception {
        Files.createDirectories(dataDir.resolve("lost+found"));
        Files.createDirectories(dataDir.resolve("gamma-0")); // no partition.metadata
        manager = new LogManager(dataDir, time, executors.logBackground(), executors.logOpenClose());
        manager.loadLogs(tp -> LogConfig.defaults());
        assertThat(manager.logs()).isEmpty();
        assertThat(dataDir.resolve("lost+found")).isDirectory();
        assertThat(dataDir.resolve("gamma-0")).isDirectory();
    }
}
