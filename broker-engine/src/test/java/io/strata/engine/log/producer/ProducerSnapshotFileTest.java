package io.strata.engine.log.producer;

import io.strata.engine.log.producer.ProducerStateManager.ProducerBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.CRC32C;

import static org.assertj.core.api.Assertions.assertThat;

class ProducerSnapshotFileTest {
    @TempDir
    Path dir;

    @Test
    void aSnapshotKeepsTheOpenTransactionAndTheCoordinatorEpoch() throws IOException {
        Path file = dir.resolve("00000000000000000010.snapshot");
        ProducerSnapshotFile.Entry entry = new ProducerSnapshotFile.Entry(42, (short) 3, 1000, 7, 5,
                List.of(new ProducerBatch(0, 2, 7, 9, 1234)));
        ProducerSnapshotFile.write(file, List.of(entry));
        assertThat(ProducerSnapshotFile.read(file)).containsExactly(entry);
    }

    @Test
    void aVersion1SnapshotIsStillReadWithoutACoordinatorEpoch() throws IOException {
        Path file = dir.resolve("00000000000000000010.snapshot");
        ByteBuffer buffer = ByteBuffer.allocate(14 + 27 + 32);
        buffer.putInt(0x53545053).putShort((short) 1).putInt(0).putInt(1)
                .putLong(42).putShort((short) 3).putLong(1000).putLong(7).put((byte) 1)
                .putInt(0).putInt(2).putLong(7).putLong(9).putLong(1234);
        CRC32C crc = new CRC32C();
        crc.update(buffer.array(), 10, buffer.capacity() - 10);
        buffer.putInt(6, (int) crc.getValue());
        Files.write(file, buffer.array());
        assertThat(ProducerSnapshotFile.read(file)).containsExactly(new ProducerSnapshotFile.Entry(42, (short) 3,
                1000, 7, -1, List.of(new ProducerBatch(0, 2, 7, 9, 1234))));
    }
}
