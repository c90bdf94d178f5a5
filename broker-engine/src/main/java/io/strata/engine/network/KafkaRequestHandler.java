package io.strata.engine.network;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

import org.apache.kafka.common.message.ResponseHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.protocol.MessageSizeAccumulator;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.ResponseHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;

/**
 * One per connection. Frames arrive on the channel's event loop and are handled strictly in order on the
 * executor: a request's handler is invoked only after the previous request's handler has returned, so its
 * effects (appends, joins) are ordered, but it need not wait for the previous response to be complete: a
 * produce waiting for its fsync does not hold back the next produce of the same connection, whose append
 * can then share that fsync (group commit). A request whose handler {@linkplain ApiHandler#runsOnEventLoop takes it
 * on the event loop} is handled there, when no earlier request of the connection is still being handled, saving two
 * thread hand-offs. Responses are written in request order. At most
 * {@value InFlightRequests#MAX} requests per connection are in progress; beyond that the channel stops reading.
 * Anything unparseable closes the connection: the Kafka protocol has no way to answer a request whose
 * header cannot be read.
 *
 * <p>A peer that goes away does not cancel its requests: its close only ends our input (half-closure), every
 * request read is handled, responses nobody can receive any more are dropped without being serialized, and
 * the connection closes once all are done ({@link InFlightRequests}). Socket errors therefore do not close
 * the channel here: Netty ends the failed direction itself (half-closure for reads, auto-close off for writes).
 */
final class KafkaRequestHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(KafkaRequestHandler.class);

    private final ApiRegistry registry;
    private final Executor executor;
    private final RequestObserver observer;
    /** Event-loop confined: completes once the previous request's handler has returned. */
    private CompletableFuture<Void> invoked = CompletableFuture.completedFuture(null);
    /** Event-loop confined: completes once the previous response has been written (or dropped). */
    private CompletableFuture<Void> written = CompletableFuture.completedFuture(null);
    /** Event-loop confined; set when the handler is added to the pipeline. */
    private InFlightRequests inFlight;
    /** Event-loop confined: a flush task is queued for responses written but not flushed. */
    private boolean flushQueued;

    KafkaRequestHandler(ApiRegistry registry, Executor executor, RequestObserver observer) {
        this.registry = registry;
        this.executor = executor;
        this.observer = observer;
    }

    /** A response ready to be written; {@code body} null means the request expects none (acks=0). */
    private record Outgoing(int correlationId, short headerVersion, short version, ApiMessage body, ApiKeys apiKey,
                            long received, boolean error) {
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        inFlight = new InFlightRequests(ctx);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            inFlight.inputEnded();
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf frame = (ByteBuf) msg;
        // A produce request is handled straight from the frame's pooled buffer, which is released once its response
        // is written or dropped: its records are validated, given offsets in place and written to the log from
        // there, where a heap copy was the produce path's one large allocation per request (and FileChannel copied
        // a heap buffer again into a direct one to write it). Other requests are copied to the heap and the frame
        // released at once, so nothing they keep can point into a buffer that goes back to the pool.
        int size = frame.readableBytes();
        short apiId = apiKeyId(frame);
        ByteBuf held = apiId == ApiKeys.PRODUCE.id && frame.nioBufferCount() == 1 ? frame : null;
        ByteBuffer buffer;
        if (held != null) {
            buffer = frame.nioBuffer();
        } else {
            try {
                buffer = ByteBuffer.allocate(size);
                frame.readBytes(buffer);
                buffer.flip();
            } finally {
                frame.release();
            }
        }
        long received = System.nanoTime();
        inFlight.started();
        CompletableFuture<CompletableFuture<Outgoing>> started;
        if (invoked.isDone() && runsOnEventLoop(apiId, size)) {
            // Tasks queued on the event loop from here run after the rest of this read is handled.
            started = CompletableFuture.completedFuture(process(ctx, buffer, received, ctx.executor()));
        } else {
            started = invoked.thenApplyAsync(ignored -> process(ctx, buffer, received, Runnable::run), executor);
        }
        invoked = started.handle((result, error) -> null);
        CompletableFuture<Void> previous = written;
        written = previous.thenCombine(started.thenCompose(result -> result), (ignored, out) -> out)
                // Writes always run as event-loop tasks, queued in response order. A write made inline on the
                // event loop (when this stage completes there) would overtake writes still queued from other threads.
                .thenAccept(out -> ctx.executor().execute(() -> sendOrClose(ctx, out)))
                .exceptionally(e -> {
                    log.debug("Closing {} after a failed request", ctx.channel().remoteAddress(), e);
                    ctx.close();
                    return null;
                });
        // Queued after this response's write task, so the connection cannot close before that write, and the frame
        // of a produce request is released only after its response has been serialized.
        written.whenComplete((ignored, error) -> {
            try {
                ctx.executor().execute(() -> {
                    inFlight.finished();
                    release(held);
                });
            } catch (RejectedExecutionException e) {
                release(held); // the event loop has shut down
            }
        });
    }

    private static void release(ByteBuf held) {
        if (held != null) {
            held.release();
        }
    }

    /** The header's api key (int16 at 0), or -1 if the frame is too short to hold one. */
    private static short apiKeyId(ByteBuf frame) {
        return frame.readableBytes() >= 2 ? frame.getShort(frame.readerIndex()) : -1;
    }

    /** Whether the handler of api {@code id} takes a request of {@code size} bytes on the event loop. */
    private boolean runsOnEventLoop(short id, int size) {
        ApiHandler handler = ApiKeys.hasId(id) ? registry.handler(ApiKeys.forId(id)) : null;
        return handler != null && handler.runsOnEventLoop(size);
    }

    /**
     * Parses the request and invokes its handler; the returned future completes with the response. {@code afterRead}
     * becomes the context's: the event loop when the handler runs there, so its tasks run after the read.
     */
    private CompletableFuture<Outgoing> process(ChannelHandlerContext ctx, ByteBuffer buffer, long received,
                                                Executor afterRead) {
        // Only a connection this broker closed itself (bad input, shutdown) is inactive with requests still
        // queued: a peer's close merely ends the input.
        if (!ctx.channel().isActive()) {
            return CompletableFuture.completedFuture(null);
        }
        RequestHeader header;
        try {
            header = RequestHeader.parse(buffer);
        } catch (RuntimeException e) {
            if (isApiVersionsWithUnknownVersion(buffer)) {
                return CompletableFuture.completedFuture(new Outgoing(buffer.getInt(4), (short) 0, (short) 0,
                        registry.apiVersionsResponse(Errors.UNSUPPORTED_VERSION), ApiKeys.API_VERSIONS,
                        received, true));
            }
            return failed("Unparseable request header", e);
        }
        ApiKeys apiKey = header.apiKey();
        short version = header.apiVersion();
        ApiHandler handler = registry.handler(apiKey);
        if (handler == null || version < handler.minVersion() || version > handler.maxVersion()) {
            if (apiKey == ApiKeys.API_VERSIONS) {
                return CompletableFuture.completedFuture(new Outgoing(header.correlationId(), (short) 0, (short) 0,
                        registry.apiVersionsResponse(Errors.UNSUPPORTED_VERSION), apiKey, received, true));
            }
            return failed("Unsupported " + apiKey + " v" + version, null);
        }
        AbstractRequest request;
        try {
            request = AbstractRequest.parseRequest(apiKey, version, new ByteBufferAccessor(buffer)).request;
        } catch (RuntimeException e) {
            return failed("Malformed " + apiKey + " v" + version + " body", e);
        }
        RequestContext context = new RequestContext(header, (InetSocketAddress) ctx.channel().remoteAddress(),
                ctx.channel().id().asShortText(), received, afterRead, ctx.executor());
        CompletableFuture<ApiMessage> result;
        try {
            result = handler.handle(context, request);
        } catch (RuntimeException e) {
            result = CompletableFuture.failedFuture(e);
        }
        short headerVersion = apiKey.responseHeaderVersion(version);
        return result.handle((body, error) -> {
            boolean failed = error != null;
            if (failed) {
                log.warn("{} v{} from {} failed", apiKey, version, header.clientId(), unwrap(error));
            }
            ApiMessage response = failed ? request.getErrorResponse(unwrap(error)).data() : body;
            return new Outgoing(header.correlationId(), headerVersion, version, response, apiKey, received, failed);
        });
    }

    private void sendOrClose(ChannelHandlerContext ctx, Outgoing out) {
        try {
            send(ctx, out);
        } catch (RuntimeException e) {
            log.debug("Closing {}: the response could not be written", ctx.channel().remoteAddress(), e);
            ctx.close();
        }
    }

    private void send(ChannelHandlerContext ctx, Outgoing out) {
        if (out == null) {
            return;
        }
        if (out.body() == null || !canWrite(ctx.channel())) {
            // No response expected, or nobody left to receive it: nothing is serialized; slices give back their segments.
            if (out.body() != null) {
                ResponseRecords.release(out.body());
            }
            observer.onRequestCompleted(out.apiKey(), System.nanoTime() - out.received(), out.error());
            return;
        }
        ResponseHeaderData header = new ResponseHeader(out.correlationId(), out.headerVersion()).data();
        ObjectSerializationCache cache = new ObjectSerializationCache();
        MessageSizeAccumulator size = new MessageSizeAccumulator();
        header.addSize(size, cache, out.headerVersion());
        out.body().addSize(size, cache, out.version());
        ResponseWriter writer = new ResponseWriter(ctx.alloc(), 4 + size.sizeExcludingZeroCopy());
        try {
            writer.writeInt(size.totalSize());
            header.write(writer, cache, out.headerVersion());
            out.body().write(writer, cache, out.version());
        } catch (RuntimeException e) {
            writer.discard();
            ResponseRecords.release(out.body());
            throw e;
        }
        writer.write(ctx);
        flushLater(ctx);
        observer.onRequestCompleted(out.apiKey(), System.nanoTime() - out.received(), out.error());
    }

    /**
     * Flushes once the responses already queued on the event loop (those one fsync completed together, say) are
     * written too: one socket write for all of them.
     */
    private void flushLater(ChannelHandlerContext ctx) {
        if (!flushQueued) {
            flushQueued = true;
            ctx.executor().execute(() -> {
                flushQueued = false;
                ctx.flush();
            });
        }
    }

    /** False once the channel is closed or a write failed (Netty then shuts the output down). */
    private static boolean canWrite(Channel channel) {
        return channel.isActive() && !(channel instanceof DuplexChannel duplex && duplex.isOutputShutdown());
    }

    /** Header layout is fixed for the first fields: api key (int16), api version (int16). */
    private static boolean isApiVersionsWithUnknownVersion(ByteBuffer buffer) {
        return buffer.limit() >= 8 && buffer.getShort(0) == ApiKeys.API_VERSIONS.id;
    }

    private static CompletableFuture<Outgoing> failed(String reason, Throwable cause) {
        return CompletableFuture.failedFuture(new IllegalArgumentException(reason, cause));
    }

    private static Throwable unwrap(Throwable t) {
        return (t instanceof java.util.concurrent.CompletionException && t.getCause() != null) ? t.getCause() : t;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            // A socket error: Netty has ended the failed direction, requests already read still finish.
            log.debug("I/O error on {}: {}", ctx.channel().remoteAddress(), cause.toString());
            return;
        }
        log.debug("Closing {}: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
