package io.strata.engine.network;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundInvoker;

import java.util.ArrayList;
import java.util.List;

/**
 * Test hook: while held, every response frame carrying a zero-copy segment region is kept unsent (its regions,
 * and so its segments' references, stay alive) until {@link #release()}, as a very slow fetch would. Lets a
 * test delete a segment while a response over it is in flight. Off unless a test arms it; costs one volatile
 * read per response otherwise. Frames are parked and resumed on their channel's event loop.
 */
public final class ZeroCopyHold {
    private static final Object LOCK = new Object();
    /** Guarded by LOCK; null while not held. */
    private static List<Runnable> parked;
    private static volatile boolean held;

    private ZeroCopyHold() {
    }

    /** From now on, responses with segment regions are parked instead of written. */
    public static void hold() {
        synchronized (LOCK) {
            if (parked == null) {
                parked = new ArrayList<>();
            }
            held = true;
        }
    }

    /** How many responses are parked. */
    public static int parkedCount() {
        synchronized (LOCK) {
            return parked == null ? 0 : parked.size();
        }
    }

    /** Writes every parked response (on its event loop) and stops holding. */
    public static void release() {
        List<Runnable> resume;
        synchronized (LOCK) {
            held = false;
            resume = parked == null ? List.of() : parked;
            parked = null;
        }
        resume.forEach(Runnable::run);
    }

    /** Parks the frame if held and it has a segment region; true if parked. Called on the event loop. */
    static boolean parkIfHeld(List<Object> parts, ChannelOutboundInvoker ctx) {
        if (!held || parts.stream().noneMatch(p -> p instanceof SegmentFileRegion)) {
            return false;
        }
        synchronized (LOCK) {
            if (parked == null) {
                return false;
            }
            List<Object> frame = List.copyOf(parts);
            parked.add(() -> {
                if (ctx instanceof ChannelHandlerContext channelCtx) {
                    channelCtx.executor().execute(() -> ResponseWriter.writeParts(frame, ctx));
                } else {
                    ResponseWriter.writeParts(frame, ctx);
                }
            });
            return true;
        }
    }
}
