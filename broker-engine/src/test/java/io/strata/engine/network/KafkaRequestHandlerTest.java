package io.strata.engine.network;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.RequestHeader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.strata.engine.log.segment.FileSlice;

/**
 * The handler on an embedded channel, with a fetch handler whose responses the test completes: what happens
 * to a request whose connection closes while it is in progress. (Closing after the last write is covered on
 * real sockets by ClosedConnectionTest: an embedded channel runs queued tasks in the middle of a write.)
 */
class KafkaRequestHandlerTest {
    private static final short FETCH_VERSION = 12;

    @TempDir
    Path dir;

    private final List<CompletableFuture<ApiMessage>> pending = new ArrayList<>();
    private final List<ApiKeys> completed = new ArrayList<>();
    private final CountingAllocator allocator = new CountingAllocator();
    private final PendingFetches fetches = new PendingFetches();
    private final PendingProduces produces = new PendingProduces();
    /** Where each fetch was handled, in the order handled: true on the event loop. */
    private final List<Boolean> handledOnEventLoop = new ArrayList<>();
    /** True while a task queued on the test's request executor runs. */
    private boolean onRequestThread;
    private EmbeddedChannel channel;
    private FileChannel segment;

    @BeforeEach
    void setUp() throws Exception {
        segment = FileChannel.open(dir.resolve("00000000000000000000.log"), StandardOpenOption.CREATE,
                StandardOpenOption.READ, StandardOpenOption.WRITE);
        segment.write(ByteBuffer.wrap(new byte[64]));
        channel = channel(Runnable::run);
    }

    /** Replaces the channel with one whose request executor queues tasks; the test runs them. */
    private Queue<Runnable> useQueuedRequestThreads() {
        Queue<Runnable> requestThreads = new ArrayDeque<>();
        channel.finishAndReleaseAll();
        channel = channel(task -> requestThreads.add(() -> {
            onRequestThread = true;
            try {
                task.run();
            } finally {
                onRequestThread = false;
            }
        }));
        return requestThreads;
    }

    /** Handlers run inline by default: the embedded channel's single thread plays event loop and request executor. */
    private EmbeddedChannel channel(Executor requestExecutor) {
        EmbeddedChannel created = new ClientChannel();
        created.config().setAllocator(allocator);
        created.pipeline().addLast(new KafkaRequestHandler(new ApiRegistry().register(fetches).register(produces),
                requestExecutor,
                (api, latency, error) -> completed.add(api)));
        return created;
    }

    @AfterEach
    void tearDown() throws Exception {
        channel.finishAndReleaseAll();
        segment.close();
    }

    @Test
    void aRequestItsHandlerTakesOnTheEventLoopIsHandledThereAndOthersOnTheRequestExecutor() {
        Queue<Runnable> requestThreads = useQueuedRequestThreads();

        fetches.onEventLoop = true;
        channel.writeInbound(fetchFrame());
        assertThat(handledOnEventLoop).containsExactly(true);
        assertThat(requestThreads).isEmpty();

        fetches.onEventLoop = false;
        channel.writeInbound(fetchFrame());
        assertThat(requestThreads).hasSize(1);
        requestThreads.poll().run();
        assertThat(handledOnEventLoop).containsExactly(true, false);
    }

    @Test
    void aRequestForTheEventLoopWaitsOnTheRequestExecutorWhileAnEarlierOneOfTheConnectionIsStillBeingHandled() {
        Queue<Runnable> requestThreads = useQueuedRequestThreads();

        fetches.onEventLoop = false;
        channel.writeInbound(fetchFrame());
        fetches.onEventLoop = true;
        channel.writeInbound(fetchFrame());
        assertThat(handledOnEventLoop).as("not before the first one's handler has run").isEmpty();

        requestThreads.poll().run();
        requestThreads.poll().run();
        assertThat(handledOnEventLoop).as("in request order, both on the executor").containsExactly(false, false);
    }

    @Test
    void aResponseFinishedAfterTheConnectionClosedIsDroppedWithoutBeingSerialized() {
        channel.writeInbound(fetchFrame());
        channel.close();
        pending.get(0).complete(fetchResponse());
        channel.runPendingTasks();

        assertThat(completed).as("the request was handled").containsExactly(ApiKeys.FETCH);
        assertThat(allocator.allocated).as("no buffer was allocated, so none can leak").isZero();
    }

    @Test
    void aProduceRequestIsHandledFromItsFrameWhichIsReleasedOnceItsResponseIsWritten() {
        ByteBuf frame = produceFrame();
        channel.writeInbound(frame);

        assertThat(frame.refCnt()).as("held while the request is in progress").isEqualTo(1);
        assertThat(produces.records).hasSize(1);
        MemoryRecords records = produces.records.get(0);
        assertThat(records.buffer().isDirect()).as("read from the frame itself, not a heap copy").isTrue();
        assertThat(records.records().iterator().next().value()).isEqualTo(ByteBuffer.wrap(VALUE));

        produces.pending.get(0).complete(new ProduceResponseData());
        channel.runPendingTasks();

        ByteBuf response = channel.readOutbound();
        assertThat(response).as("the response was written").isNotNull();
        response.release();
        assertThat(frame.refCnt()).as("released after the response was written").isZero();
    }

    @Test
    void aProduceFrameIsReleasedWhenItsResponseIsDroppedBecauseTheConnectionClosed() {
        ByteBuf frame = produceFrame();
        channel.writeInbound(frame);
        channel.close();
        assertThat(frame.refCnt()).as("the handler may still read it").isEqualTo(1);

        produces.pending.get(0).complete(new ProduceResponseData());
        channel.runPendingTasks();

        assertThat(frame.refCnt()).isZero();
    }

    @Test
    void anotherRequestIsCopiedSoItsFrameIsReleasedWhileItIsStillInProgress() {
        ByteBuf frame = Unpooled.directBuffer().writeBytes(fetchFrame());
        channel.writeInbound(frame);

        assertThat(pending).as("the fetch is still in progress").hasSize(1).noneMatch(CompletableFuture::isDone);
        assertThat(frame.refCnt()).isZero();
    }

    private static final byte[] VALUE = "value".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    private static final short PRODUCE_VERSION = 9;

    /** A produce request of one record in a direct buffer, as Netty's frame decoder hands it over. */
    private static ByteBuf produceFrame() {
        ProduceRequestData data = new ProduceRequestData().setAcks((short) 1).setTimeoutMs(30_000);
        data.topicData().add(new ProduceRequestData.TopicProduceData().setName("t")
                .setPartitionData(List.of(new ProduceRequestData.PartitionProduceData().setIndex(0)
                        .setRecords(MemoryRecords.withRecords(Compression.NONE, new SimpleRecord(VALUE))))));
        ByteBuffer serialized = ProduceRequest.builder(data).build(PRODUCE_VERSION)
                .serializeWithHeader(new RequestHeader(ApiKeys.PRODUCE, PRODUCE_VERSION, "test", 2));
        return Unpooled.directBuffer(serialized.remaining()).writeBytes(serialized);
    }

    /** Produce whose responses wait until the test completes them; keeps the records each request carried. */
    private static final class PendingProduces implements ApiHandler {
        final List<CompletableFuture<ApiMessage>> pending = new ArrayList<>();
        final List<MemoryRecords> records = new ArrayList<>();

        @Override
        public ApiKeys apiKey() {
            return ApiKeys.PRODUCE;
        }

        @Override
        public short minVersion() {
            return PRODUCE_VERSION;
        }

        @Override
        public short maxVersion() {
            return PRODUCE_VERSION;
        }

        @Override
        public CompletableFuture<ApiMessage> handle(RequestContext context, AbstractRequest request) {
            records.add((MemoryRecords) ((ProduceRequest) request).data().topicData().iterator().next()
                    .partitionData().get(0).records());
            CompletableFuture<ApiMessage> response = new CompletableFuture<>();
            pending.add(response);
            return response;
        }

        @Override
        public boolean runsOnEventLoop(int requestBytes) {
            return true;
        }
    }

    private static ByteBuf fetchFrame() {
        FetchRequest request = FetchRequest.Builder.forConsumer(FETCH_VERSION, 0, 1,
                Map.of(new TopicPartition("t", 0), new FetchRequest.PartitionData(Uuid.ZERO_UUID, 0, 0, 1024,
                        Optional.empty()))).build(FETCH_VERSION);
        return Unpooled.wrappedBuffer(request.serializeWithHeader(
                new RequestHeader(ApiKeys.FETCH, FETCH_VERSION, "test", 1)));
    }

    /** A response whose records are a segment slice, i.e. one that would be sent as a FileRegion. */
    private FetchResponseData fetchResponse() {
        FetchResponseData data = new FetchResponseData();
        FetchResponseData.FetchableTopicResponse topic = new FetchResponseData.FetchableTopicResponse().setTopic("t");
        topic.partitions().add(new FetchResponseData.PartitionData().setPartitionIndex(0)
                .setRecords(new FileSlice(segment, 0, 64)));
        data.responses().add(topic);
        return data;
    }

    /** Fetch whose responses wait until the test completes them. */
    private final class PendingFetches implements ApiHandler {
        @Override
        public ApiKeys apiKey() {
            return ApiKeys.FETCH;
        }

        @Override
        public short minVersion() {
            return FETCH_VERSION;
        }

        @Override
        public short maxVersion() {
            return FETCH_VERSION;
        }

        /** What {@link #runsOnEventLoop} answers. */
        boolean onEventLoop;

        @Override
        public CompletableFuture<ApiMessage> handle(RequestContext context, AbstractRequest request) {
            handledOnEventLoop.add(!onRequestThread);
            CompletableFuture<ApiMessage> response = new CompletableFuture<>();
            pending.add(response);
            return response;
        }

        @Override
        public boolean runsOnEventLoop(int requestBytes) {
            return onEventLoop;
        }
    }

    /** Requests carry the client's socket address. */
    private static final class ClientChannel extends EmbeddedChannel {
        @Override
        protected SocketAddress remoteAddress0() {
            return new InetSocketAddress(InetAddress.getLoopbackAddress(), 50_000);
        }
    }

    private static final class CountingAllocator extends AbstractByteBufAllocator {
        int allocated;

        CountingAllocator() {
            super(false);
        }

        @Override
        protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
            allocated++;
            return Unpooled.buffer(initialCapacity, maxCapacity);
        }

        @Override
        protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
            allocated++;
            return Unpooled.directBuffer(initialCapacity, maxCapacity);
        }

        @Override
        public boolean isDirectBufferPooled() {
            return false;
        }
    }
}
