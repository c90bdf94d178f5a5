package io.strata.engine.network;

import java.net.InetSocketAddress;
import java.util.concurrent.Executor;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;

/**
 * The Kafka listener. Netty event loops frame bytes and write responses; parsing, handling and serialization run
 * on the request executor, one request per connection at a time, except requests a handler takes on the event
 * loop (see {@link KafkaRequestHandler}).
 *
 * <p>The transport is NIO, not Netty's native epoll: on a peer's half-close (EPOLLRDHUP) epoll shuts the socket's
 * input down at once, discarding requests still unread in the kernel's buffer while reading is paused for
 * backpressure, and every request received must be handled. Measured on the produce bench, epoll saved no CPU, so
 * the engine does not depend on it.
 *
 * <p>{@link #close()} closes every connection itself before it stops the event loops: an event loop told to shut
 * down with no quiet period while it runs tasks exits without closing its channels (Netty 4.2's
 * {@code SingleThreadIoEventLoop} closes them only when it sees the shutdown right after its I/O step), which left
 * their sockets open with nobody reading, and clients waited out their request timeout instead of reconnecting.
 */
public final class KafkaServer implements AutoCloseable {
    private final String host;
    private final int port;
    private final int numNetworkThreads;
    private final int socketRequestMaxBytes;
    private final ApiRegistry registry;
    private final Executor executor;
    private final RequestObserver observer;
    private EventLoopGroup boss;
    private EventLoopGroup workers;
    private Channel serverChannel;
    /** Every accepted connection; once closed, a connection still being registered is closed as it joins. */
    private final ChannelGroup connections = new DefaultChannelGroup("kafka-connections", GlobalEventExecutor.INSTANCE,
            true);

    public KafkaServer(String host, int port, int numNetworkThreads, int socketRequestMaxBytes,
                       ApiRegistry registry, Executor executor, RequestObserver observer) {
        this.host = host;
        this.port = port;
        this.numNetworkThreads = numNetworkThreads;
        this.socketRequestMaxBytes = socketRequestMaxBytes;
        this.registry = registry;
        this.executor = executor;
        this.observer = observer;
    }

    public synchronized void start() {
        boss = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("strata-kafka-accept", true),
                NioIoHandler.newFactory());
        workers = new MultiThreadIoEventLoopGroup(numNetworkThreads, new DefaultThreadFactory("strata-network", true),
                NioIoHandler.newFactory());
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(boss, workers)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                // A peer's close or a failed write ends one direction only, so requests already received are
                // still handled (see KafkaRequestHandler); the handler closes the channel once they are done.
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childOption(ChannelOption.AUTO_CLOSE, false)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        connections.add(ch);
                        // failFast: an oversized size prefix fails before any bytes are buffered.
                        ch.pipeline().addLast("frames",
                                new LengthFieldBasedFrameDecoder(socketRequestMaxBytes, 0, 4, 0, 4, true));
                        ch.pipeline().addLast("requests", new KafkaRequestHandler(registry, executor, observer));
                    }
                });
        try {
            serverChannel = bootstrap.bind(new InetSocketAddress(host, port)).sync().channel();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new IllegalStateException("Interrupted while binding " + host + ":" + port, e);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    public int boundPort() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    @Override
    public synchronized void close() {
        if (serverChannel != null) {
            serverChannel.close().syncUninterruptibly();
        }
        connections.close().awaitUninterruptibly();
        if (boss != null) {
            boss.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
        }
        if (workers != null) {
            workers.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
