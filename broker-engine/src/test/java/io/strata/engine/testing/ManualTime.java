package io.strata.engine.testing;

import org.apache.kafka.common.utils.Time;

import java.util.function.Supplier;

/** A clock that only moves when told to, shared by engine unit tests. */
public final class ManualTime implements Time {
    private volatile long nowMs;

    public ManualTime(long startMs) {
        this.nowMs = startMs;
    }

    public void advance(long ms) {
        nowMs += ms;
    }

    @Override
    public long milliseconds() {
        return nowMs;
    }

    @Override
    public long nanoseconds() {
        return nowMs * 1_000_000L;
    }

    @Override
    public void sleep(long ms) {
        advance(ms);
    }

    @Override
    public void waitObject(Object obj, Supplier<Boolean> condition, long deadlineMs) {
        if (!condition.get()) {
            throw new IllegalStateException("waitObject is not used by the engine");
        }
    }
}
