package io.strata.engine.network;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

import org.apache.kafka.common.message.ApiVersionsResponseData;
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
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.strata.engine.handler.ApiVersionsHandler;

/**
 * One per connection. Frames arrive on the channel's event loop; each is appended to {@code tail}, a
 * future chain owned by that event loop, so requests of one connection are parsed, handled and answered
 * strictly in order on the executor while different connections proceed in parallel.
 * Anything unparseable closes the connection: the Kafka protocol has no way to answer a request whose
 * header cannot be read.
 */
final class KafkaRequestHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(KafkaRequestHandler.class);

    private final ApiRegistry registry;
    private final Executor executor;
    private final RequestObserver observer;
    /** Event-loop confined. */
    private CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);

    KafkaRequestHandler(ApiRegistry registry, Executor executor, RequestObserver observer) {
        this.registry = registry;
        this.executor = executor;
        this.observer = observer;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf frame = (ByteBuf) msg;
        ByteBuffer buffer;
        try {
            buffer = ByteBuffer.allocate(frame.readableBytes());
            frame.readBytes(buffer);
            buffer.flip();
        } finally {
            frame.release();
        }
        long received = System.nanoTime();
        tail = tail.thenComposeAsync(ignored -> process(ctx, buffer, received), executor)
                .exceptionally(e -> {
                    log.debug("Closing {} after a failed request", ctx.channel().remoteAddress(), e);
                    ctx.close();
                    return null;
                });
    }

    private CompletableFuture<Void> process(ChannelHandlerContext ctx, ByteBuffer buffer, long received) {
        if (!ctx.channel().isActive()) {
            return CompletableFuture.completedFuture(null);
        }
        RequestHeader header;
        try {
            header = RequestHeader.parse(buffer);
        } catch (RuntimeException e) {
            if (isApiVersionsWithUnknownVersion(buffer)) {
                return unsupportedApiVersions(ctx, buffer, received);
            }
            return failed("Unparseable request header", e);
        }
        ApiKeys apiKey = header.apiKey();
        short version = header.apiVersion();
        ApiHandler handler = registry.handler(apiKey);
        if (handler == null || version < handler.minVersion() || version > handler.maxVersion()) {
            if (apiKey == ApiKeys.API_VERSIONS) {
                return send(ctx, header.correlationId(), (short) 0, (short) 0,
                        ApiVersionsHandler.response(registry, Errors.UNSUPPORTED_VERSION), apiKey, received, true);
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
                ctx.channel().id().asShortText(), received);
        CompletableFuture<ApiMessage> result;
        try {
            result = handler.handle(context, request);
        } catch (RuntimeException e) {
            result = CompletableFuture.failedFuture(e);
        }
        return result.handle((body, error) -> {
            boolean failed = error != null;
            ApiMessage response = failed ? request.getErrorResponse(unwrap(error)).data() : body;
            if (failed) {
                log.warn("{} v{} from {} failed", apiKey, version, header.clientId(), unwrap(error));
            }
            if (response == null) {
                observer.onRequestCompleted(apiKey, System.nanoTime() - received, false);
                return null;
            }
            send(ctx, header.correlationId(), header.apiKey().responseHeaderVersion(version), version, response,
                    apiKey, received, failed);
            return null;
        });
    }

    private CompletableFuture<Void> send(ChannelHandlerContext ctx, int correlationId, short headerVersion,
                                         short version, ApiMessage body, ApiKeys apiKey, long received,
                                         boolean error) {
        ResponseHeaderData header = new ResponseHeader(correlationId, headerVersion).data();
        ObjectSerializationCache cache = new ObjectSerializationCache();
        MessageSizeAccumulator size = new MessageSizeAccumulator();
        header.addSize(size, cache, headerVersion);
        body.addSize(size, cache, version);
        ResponseWriter writer = new ResponseWriter(ctx.alloc(), 4 + size.sizeExcludingZeroCopy());
        try {
            writer.writeInt(size.totalSize());
            header.write(writer, cache, headerVersion);
            body.write(writer, cache, version);
        } catch (RuntimeException e) {
            writer.discard();
            throw e;
        }
        writer.writeAndFlush(ctx);
        observer.onRequestCompleted(apiKey, System.nanoTime() - received, error);
        return CompletableFuture.completedFuture(null);
    }

    /** Header layout is fixed for the first fields: api key (int16), api version (int16). */
    private static boolean isApiVersionsWithUnknownVersion(ByteBuffer buffer) {
        return buffer.limit() >= 8 && buffer.getShort(0) == ApiKeys.API_VERSIONS.id;
    }

    private CompletableFuture<Void> unsupportedApiVersions(ChannelHandlerContext ctx, ByteBuffer buffer,
                                                           long received) {
        int correlationId = buffer.getInt(4);
        ApiVersionsResponseData data = ApiVersionsHandler.response(registry, Errors.UNSUPPORTED_VERSION);
        return send(ctx, correlationId, (short) 0, (short) 0, data, ApiKeys.API_VERSIONS, received, true);
    }

    private static CompletableFuture<Void> failed(String reason, Throwable cause) {
        return CompletableFuture.failedFuture(new IllegalArgumentException(reason, cause));
    }

    private static Throwable unwrap(Throwable t) {
        return (t instanceof java.util.concurrent.CompletionException && t.getCause() != null) ? t.getCause() : t;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("Closing {}: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
