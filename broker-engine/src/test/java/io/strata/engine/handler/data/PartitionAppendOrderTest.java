package io.strata.engine.handler.data;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A producer's appends to a partition stay in request order while some wait for verification. */
class PartitionAppendOrderTest {
    private static final PartitionAppendOrder.Key KEY = new PartitionAppendOrder.Key(new TopicPartition("t", 0), 7L);
    private static final PartitionAppendOrder.Key OTHER = new PartitionAppendOrder.Key(new TopicPartition("t", 1), 7L);

    private final ExecutorService executor = Executors.newFixedThreadPool(4);
    private final PartitionAppendOrder order = new PartitionAppendOrder();
    private final List<String> appended = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        executor.shutdownNow();
    }

    @Test
    void aLaterAppendWhoseVerificationAnswersFirstStillRunsAfterTheEarlierOne() throws Exception {
        CompletableFuture<Errors> slow = new CompletableFuture<>();
        CompletableFuture<String> first = order.enqueue(KEY, slow, e -> add("first " + e), executor);
        CompletableFuture<String> second = order.enqueue(KEY, CompletableFuture.completedFuture(Errors.NONE),
                e -> add("second " + e), executor);
        CompletableFuture<String> elsewhere = order.enqueue(OTHER, CompletableFuture.completedFuture(Errors.NONE),
                e -> add("elsewhere " + e), executor);
        elsewhere.get(10, TimeUnit.SECONDS);
        assertThat(order.hasPending(KEY)).isTrue();
        assertThat(second).isNotDone();

        slow.complete(Errors.INVALID_TXN_STATE);
        second.get(10, TimeUnit.SECONDS);
        assertThat(first).isDone();
        assertThat(appended).containsExactly("elsewhere NONE", "first INVALID_TXN_STATE", "second NONE");
    }

    @Test
    void aFailedVerificationIsPassedOnAsANetworkErrorAndTheQueueEmptiesOnceDone() throws Exception {
        CompletableFuture<String> done = order.enqueue(KEY, CompletableFuture.failedFuture(new IllegalStateException()),
                e -> add("only " + e), executor);
        assertThat(done.get(10, TimeUnit.SECONDS)).isEqualTo("only NETWORK_EXCEPTION");
        await().atMost(Duration.ofSeconds(10)).until(() -> !order.hasPending(KEY)); // removed just after completion
        assertThat(order.pendingKeys()).isZero();
    }

    private String add(String value) {
        appended.add(value);
        return value;
    }
}
