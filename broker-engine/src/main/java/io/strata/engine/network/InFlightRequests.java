package io.strata.engine.network;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;

/**
 * The requests of one connection that were read and are not finished yet (their response written, dropped
 * or not expected). It limits them: at {@value #MAX} the channel stops reading, so later requests wait in the
 * socket buffer, and it resumes reading below that. It also closes the connection. Once the peer has closed
 * its side, the input has ended (the server allows half-closure, so a peer's close does not close the
 * channel), and the connection closes when every request read before has finished. This is Kafka's rule:
 * every request received is handled, and a closed connection loses only its responses.
 *
 * <p>Event-loop confined: all methods run on the channel's event loop.
 */
final class InFlightRequests {
    static final int MAX = 8;

    private final ChannelHandlerContext ctx;
    private int count;
    private boolean inputEnded;

    InFlightRequests(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    void started() {
        if (++count >= MAX) {
            ctx.channel().config().setAutoRead(false);
        }
    }

    void finished() {
        // Resuming reads also picks up the end of input that arrived while reading was off.
        if (--count < MAX && !ctx.channel().config().isAutoRead()) {
            ctx.channel().config().setAutoRead(true);
        }
        closeIfDrained();
    }

    /** The peer shut down its output; requests before its end of stream have all been read. */
    void inputEnded() {
        inputEnded = true;
        closeIfDrained();
    }

    private void closeIfDrained() {
        if (inputEnded && count == 0) {
            // Close only after the responses queued before this point are written: close() would discard them.
            ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
