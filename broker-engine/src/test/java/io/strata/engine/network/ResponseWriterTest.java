package io.strata.engine.network;

import io.netty.buffer.ByteBuf;
import io.netty.channel.FileRegion;
import io.netty.channel.embedded.EmbeddedChannel;
import io.strata.engine.config.LogConfig;
import io.strata.engine.log.segment.FileSlice;
import io.strata.engine.log.segment.LogSegment;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.ResponseHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.RequestUtils;
import org.apache.kafka.common.requests.ResponseHeader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static org.assertj.core.api.Assertions.assertThat;

class ResponseWriterTest {
    @TempDir
    Path dir;

    @Test
    void fetchResponseWithSegmentSliceSerializesLikeTheHeapPathButSendsTheFileRegion() throws IOException {
        MemoryRecords onDisk = MemoryRecords.withRecords(Compression.NONE,
                new SimpleRecord("k1".getBytes(StandardCharsets.UTF_8), "v1".getBytes(StandardCharsets.UTF_8)),
                new SimpleRecord("k2".getBytes(StandardCharsets.UTF_8), "v2".getBytes(StandardCharsets.UTF_8)));
        MemoryRecords inMemory = MemoryRecords.withRecords(Compression.NONE,
                new SimpleRecord("k3".getBytes(StandardCharsets.UTF_8), "v3".getBytes(StandardCharsets.UTF_8)));
        try (FileChannel file = FileChannel.open(dir.resolve("00000000000000000000.log"),
                StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            file.write(ByteBuffer.wrap(new byte[17])); // unrelated bytes before the slice
            file.write(onDisk.buffer().duplicate());
            FileSlice slice = new FileSlice(file, 17, onDisk.sizeInBytes());
            short version = ApiKeys.FETCH.latestVersion();

            byte[] sent = send(fetch(slice, inMemory), version, 1);
            ByteBuffer expected = RequestUtils.serialize(new ResponseHeader(42, (short) 1).data(), (short) 1,
                    fetch(onDisk, inMemory), version);

            assertThat(ByteBuffer.wrap(sent).getInt()).isEqualTo(expected.remaining());
            assertThat(ByteBuffer.wrap(sent, 4, sent.length - 4)).isEqualTo(expected);
            assertThat(file.isOpen()).as("the segment keeps its channel").isTrue();
        }
    }

    @Test
    void aSmallSliceOfTheActiveSegmentIsReadIntoTheFrameAndGivesItsSegmentBack() throws IOException {
        MemoryRecords onDisk = MemoryRecords.withRecords(Compression.NONE,
                new SimpleRecord("k1".getBytes(StandardCharsets.UTF_8), "v1".getBytes(StandardCharsets.UTF_8)));
        MemoryRecords inMemory = MemoryRecords.withRecords(Compression.NONE,
                new SimpleRecord("k3".getBytes(StandardCharsets.UTF_8), "v3".getBytes(StandardCharsets.UTF_8)));
        LogSegment segment = LogSegment.create(dir, 0, LogConfig.defaults());
        try {
            segment.channel().write(ByteBuffer.wrap(new byte[17]), 0);
            segment.channel().write(onDisk.buffer().duplicate(), 17);
            short version = ApiKeys.FETCH.latestVersion();
            ByteBuffer expected = RequestUtils.serialize(new ResponseHeader(42, (short) 1).data(), (short) 1,
                    fetch(onDisk, inMemory), version);

            assertThat(segment.tryRetain()).isTrue();
            byte[] copied = send(fetch(segment.retainedSlice(17, onDisk.sizeInBytes(), true), inMemory), version, 0);
            assertThat(ByteBuffer.wrap(copied, 4, copied.length - 4)).isEqualTo(expected);
            assertThat(segment.referenceCount()).as("only the log's reference is left").isEqualTo(1);

            assertThat(segment.tryRetain()).isTrue();
            byte[] sent = send(fetch(segment.retainedSlice(17, onDisk.sizeInBytes(), false), inMemory), version, 1);
            assertThat(sent).as("a rolled segment's slice leaves by sendfile, with the same bytes").isEqualTo(copied);
            assertThat(segment.referenceCount()).isEqualTo(1);
        } finally {
            segment.close();
        }
    }

    @Test
    void aLargeSliceOfTheActiveSegmentKeepsTheZeroCopyPath() throws IOException {
        int size = ResponseWriter.MAX_COPIED_SLICE_BYTES + 1;
        LogSegment segment = LogSegment.create(dir, 0, LogConfig.defaults());
        try {
            segment.channel().write(ByteBuffer.allocate(size), 0);
            assertThat(segment.tryRetain()).isTrue();
            FetchResponseData data = new FetchResponseData();
            FetchResponseData.FetchableTopicResponse topic = new FetchResponseData.FetchableTopicResponse()
                    .setTopic("orders");
            topic.partitions().add(new FetchResponseData.PartitionData().setPartitionIndex(0)
                    .setRecords(segment.retainedSlice(0, size, true)));
            data.responses().add(topic);
            send(data, ApiKeys.FETCH.latestVersion(), 1);
            assertThat(segment.referenceCount()).isEqualTo(1);
        } finally {
            segment.close();
        }
    }

    private static FetchResponseData fetch(org.apache.kafka.common.record.internal.BaseRecords first,
                                           MemoryRecords second) {
        FetchResponseData data = new FetchResponseData();
        FetchResponseData.FetchableTopicResponse topic = new FetchResponseData.FetchableTopicResponse()
                .setTopic("orders").setTopicId(org.apache.kafka.common.Uuid.fromString("b2fJ5Ks0TKK3j9Mz1pAbxg"));
        topic.partitions().add(new FetchResponseData.PartitionData().setPartitionIndex(0).setHighWatermark(2)
                .setRecords(first));
        topic.partitions().add(new FetchResponseData.PartitionData().setPartitionIndex(1).setHighWatermark(1)
                .setRecords(second));
        data.responses().add(topic);
        return data;
    }

    /** Serializes and sends {@code body}, checking it leaves with {@code expectedRegions} FileRegions. */
    private static byte[] send(ApiMessage body, short version, int expectedRegions) throws IOException {
        ResponseHeaderData header = new ResponseHeader(42, (short) 1).data();
        org.apache.kafka.common.protocol.ObjectSerializationCache cache =
                new org.apache.kafka.common.protocol.ObjectSerializationCache();
        org.apache.kafka.common.protocol.MessageSizeAccumulator size =
                new org.apache.kafka.common.protocol.MessageSizeAccumulator();
        header.addSize(size, cache, (short) 1);
        body.addSize(size, cache, version);
        EmbeddedChannel channel = new EmbeddedChannel();
        ResponseWriter writer = new ResponseWriter(channel.alloc(), 4 + size.sizeExcludingZeroCopy());
        writer.writeInt(size.totalSize());
        header.write(writer, cache, (short) 1);
        body.write(writer, cache, version);
        writer.write(channel);
        channel.flush();

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        WritableByteChannel sink = Channels.newChannel(bytes);
        int regions = 0;
        for (Object part = channel.readOutbound(); part != null; part = channel.readOutbound()) {
            if (part instanceof FileRegion region) {
                regions++;
                long done = 0;
                while (done < region.count()) {
                    done += region.transferTo(sink, done);
                }
                region.release();
            } else {
                ByteBuf buf = (ByteBuf) part;
                byte[] chunk = new byte[buf.readableBytes()];
                buf.readBytes(chunk);
                bytes.write(chunk);
                buf.release();
            }
        }
        assertThat(regions).as("segment bytes sent as FileRegions, not through a buffer").isEqualTo(expectedRegions);
        return bytes.toByteArray();
    }
}
