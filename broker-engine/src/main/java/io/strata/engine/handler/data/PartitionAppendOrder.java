package io.strata.engine.handler.data;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * Keeps a producer's appends to a partition in request order when some of them wait for transaction verification:
 * a connection's next produce request is handled once the previous handler returned, not once it answered, so a
 * later batch of the same producer must not overtake one still being verified. An append that has to wait is queued
 * behind the previous waiting append of the same (partition, producer id); an append with nothing queued for its key
 * runs at once on the request thread ({@link #hasPending} false).
 *
 * <p>Thread-safety: any thread; the queue tails live in a concurrent map, replaced atomically, and a tail is removed
 * only after its append ran, so {@link #hasPending} false means every earlier queued append of the key is done.
 */
final class PartitionAppendOrder {
    record Key(TopicPartition partition, long producerId) {
    }

    private final Map<Key, CompletableFuture<?>> tails = new ConcurrentHashMap<>();

    boolean hasPending(Key key) {
        return tails.containsKey(key);
    }

    /**
     * Runs {@code append} on {@code executor} with the verification's answer, once {@code verified} completed and
     * every append queued before for {@code key} ran. A failed verification is passed on as NETWORK_EXCEPTION.
     */
    <T> CompletableFuture<T> enqueue(Key key, CompletableFuture<Errors> verified, Function<Errors, T> append,
                                     Executor executor) {
        CompletableFuture<Errors> answer = verified.exceptionally(failure -> Errors.NETWORK_EXCEPTION);
        @SuppressWarnings("unchecked")
        CompletableFuture<T>[] queued = new CompletableFuture[1];
        tails.compute(key, (k, previous) -> {
            CompletableFuture<Errors> gate = previous == null ? answer
                    : previous.handle((r, e) -> null).thenCombine(answer, (ignored, error) -> error);
            queued[0] = gate.thenApplyAsync(append, executor);
            return queued[0];
        });
        CompletableFuture<T> mine = queued[0];
        mine.whenComplete((r, e) -> tails.remove(key, mine));
        return mine;
    }

    int pendingKeys() {
        return tails.size();
    }
}
