package io.strata.engine.network;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.apache.kafka.common.protocol.Writable;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.RequestHeader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.internal.ThreadExecutorMap;

/** The listener on a real socket: what its clients see when it closes. */
class KafkaServerTest {
    private static final short VERSION = 3;
    private static final long HOLD_MS = 1_000;

    private final ExecutorService requests = Executors.newSingleThreadExecutor();
    private final ExecutorService closer = Executors.newSingleThreadExecutor();
    private final CountDownLatch writing = new CountDownLatch(1);
    private volatile long closeCalledAt;

    @AfterEach
    void tearDown() {
        requests.shutdownNow();
        closer.shutdownNow();
    }

    @Test
    void aConnectionWhoseEventLoopIsBusyWhenTheServerClosesIsClosedToo() throws Exception {
        // The response is serialized in a task on the connection's event loop; it holds the loop until the loop is
        // shutting down, or a while after close() was called (when the server closes its connections first, their
        // close waits on this loop). An event loop that sees its shutdown only in such a task used to exit without
        // closing its channels: the socket stayed open and the client never heard of the close.
        KafkaServer server = new KafkaServer("127.0.0.1", 0, 1, 1 << 20,
                new ApiRegistry().register(new HoldingApiVersionsHandler()), requests, (api, nanos, error) -> { });
        server.start();
        try (Socket client = new Socket()) {
            client.connect(new InetSocketAddress("127.0.0.1", server.boundPort()), 5_000);
            client.setSoTimeout(10_000);
            send(client, new ApiVersionsRequest.Builder().build(VERSION), 1);
            assertThat(writing.await(10, TimeUnit.SECONDS)).as("the response is being written").isTrue();

            CompletableFuture<Void> closed = CompletableFuture.runAsync(() -> {
                closeCalledAt = System.nanoTime();
                server.close();
            }, closer);

            assertThat(readUntilClosed(client)).as("the client sees its connection closed").isTrue();
            closed.get(10, TimeUnit.SECONDS);
        }
    }

    private static void send(Socket client, AbstractRequest request, int correlationId) throws IOException {
        ByteBuffer bytes = request.serializeWithHeader(new RequestHeader(request.apiKey(), request.version(),
                "kafka-server-test", correlationId));
        DataOutputStream out = new DataOutputStream(client.getOutputStream());
        out.writeInt(bytes.remaining());
        out.write(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining());
        out.flush();
    }

    /** Reads responses until the server closes the connection: true, or false if nothing came within the timeout. */
    private static boolean readUntilClosed(Socket client) throws IOException {
        DataInputStream in = new DataInputStream(client.getInputStream());
        try {
            while (true) {
                in.skipNBytes(in.readInt());
            }
        } catch (EOFException e) {
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset by the closing side
        }
    }

    /** Answers ApiVersions with a response whose serialization holds its event loop as described above. */
    private final class HoldingApiVersionsHandler implements ApiHandler {
        @Override
        public ApiKeys apiKey() {
            return ApiKeys.API_VERSIONS;
        }

        @Override
        public short minVersion() {
            return VERSION;
        }

        @Override
        public short maxVersion() {
            return VERSION;
        }

        @Override
        public CompletableFuture<ApiMessage> handle(RequestContext context, AbstractRequest request) {
            return CompletableFuture.completedFuture(new ApiVersionsResponseData() {
                @Override
                public void write(Writable writable, ObjectSerializationCache cache, short version) {
                    holdEventLoop();
                    super.write(writable, cache, version);
                }
            });
        }

        private void holdEventLoop() {
            EventExecutor loop = ThreadExecutorMap.currentExecutor();
            writing.countDown();
            while (!loop.isShuttingDown() && !(closeCalledAt != 0
                    && System.nanoTime() - closeCalledAt > TimeUnit.MILLISECONDS.toNanos(HOLD_MS))) {
                Thread.onSpinWait();
            }
        }
    }
}
