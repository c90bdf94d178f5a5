package io.strata.engine.log;

import io.strata.engine.log.checkpoint.PartitionMetadataFile;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InconsistentTopicIdException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Claims a partition directory for a topic id before its log is loaded: a directory left by another topic of
 * the same name (deleted and recreated) is refused; a new directory, or one whose partition metadata file is
 * missing or unreadable, gets the file (re)written.
 *
 * <p>Concurrency: stateless; runs on the thread opening the log, before anything else uses the directory.
 */
final class TopicIdCheck {
    private static final Logger log = LoggerFactory.getLogger(TopicIdCheck.class);

    private TopicIdCheck() {
    }

    /**
     * Creates {@code dir} if needed and makes sure it belongs to {@code topicId}.
     *
     * @throws InconsistentTopicIdException if the directory belongs to another topic id
     */
    static void claim(Path dir, TopicPartition tp, Uuid topicId) throws IOException {
        Files.createDirectories(dir);
        Optional<Uuid> stored;
        try {
            stored = PartitionMetadataFile.read(dir);
        } catch (IOException e) {
            log.warn("{}: rewriting unreadable partition metadata: {}", tp, e.getMessage());
            stored = Optional.empty();
        }
        if (stored.isPresent() && !stored.get().equals(topicId)) {
            throw new InconsistentTopicIdException("Directory " + dir + " belongs to topic id " + stored.get()
                    + ", not " + topicId);
        }
        if (stored.isEmpty()) {
            PartitionMetadataFile.write(dir, topicId);
        }
    }
}
