package io.strata.engine.txn;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData;
import org.apache.kafka.common.message.AddPartitionsToTxnResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/** Batching of leaders' verifications to one coordinator broker: one request in flight, the rest queued together. */
class VerificationLaneTest {
    private static final TopicPartition A0 = new TopicPartition("a", 0);
    private static final TopicPartition A1 = new TopicPartition("a", 1);
    private static final TopicPartition B0 = new TopicPartition("b", 0);

    private final ExecutorService senders = Executors.newCachedThreadPool();
    private final List<AddPartitionsToTxnRequestData.AddPartitionsToTxnTransactionCollection> sent =
            java.util.Collections.synchronizedList(new ArrayList<>());
    /** Counted down once the first request is being sent (its batch taken from the queue). */
    private final CountDownLatch firstSendStarted = new CountDownLatch(1);

    @AfterEach
    void stop() {
        senders.shutdownNow();
    }

    /** A coordinator answering every partition with {@code answer(id)}; the first send blocks until released. */
    private VerificationLane lane(CountDownLatch firstSendReleased, Function<String, Errors> answer) {
        return new VerificationLane(2, txns -> {
            sent.add(txns.duplicate());
            firstSendStarted.countDown();
            if (sent.size() == 1) {
                firstSendReleased.await(10, TimeUnit.SECONDS);
            }
            AddPartitionsToTxnResponseData response = new AddPartitionsToTxnResponseData();
            for (AddPartitionsToTxnRequestData.AddPartitionsToTxnTransaction txn : txns) {
                Map<TopicPartition, Errors> errors = new java.util.LinkedHashMap<>();
                txn.topics().forEach(t -> t.partitions().forEach(p ->
                        errors.put(new TopicPartition(t.name(), p), answer.apply(txn.transactionalId()))));
                response.resultsByTransaction().add(org.apache.kafka.common.requests.AddPartitionsToTxnResponse
                        .resultForTransaction(txn.transactionalId(), errors));
            }
            return response;
        }, senders);
    }

    @Test
    void verificationsArrivingWhileARequestIsInFlightGoTogetherInTheNextOne() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        VerificationLane lane = lane(release, id -> Errors.NONE);
        CompletableFuture<Map<TopicPartition, Errors>> first = lane.submit("t1", 1, (short) 0, true, Set.of(A0));
        assertThat(firstSendStarted.await(10, TimeUnit.SECONDS)).isTrue();
        // t1 is in flight (blocked); these three queue up
        CompletableFuture<Map<TopicPartition, Errors>> second = lane.submit("t2", 2, (short) 0, true, Set.of(A0));
        CompletableFuture<Map<TopicPartition, Errors>> third = lane.submit("t3", 3, (short) 5, false, Set.of(B0));
        CompletableFuture<Map<TopicPartition, Errors>> joined = lane.submit("t2", 2, (short) 0, true, Set.of(A1));
        release.countDown();

        assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo(Map.of(A0, Errors.NONE));
        assertThat(second.get(10, TimeUnit.SECONDS)).isEqualTo(Map.of(A0, Errors.NONE));
        assertThat(joined.get(10, TimeUnit.SECONDS)).as("each caller gets its own partitions")
                .isEqualTo(Map.of(A1, Errors.NONE));
        assertThat(third.get(10, TimeUnit.SECONDS)).isEqualTo(Map.of(B0, Errors.NONE));
        assertThat(sent).hasSize(2);
        assertThat(sent.get(1).stream().map(t -> t.transactionalId())).containsExactly("t2", "t3");
        AddPartitionsToTxnRequestData.AddPartitionsToTxnTransaction t2 = sent.get(1).find("t2");
        assertThat(t2.topics().find("a").partitions()).containsExactly(0, 1);
        assertThat(t2.verifyOnly()).isTrue();
        assertThat(sent.get(1).find("t3").verifyOnly()).as("an implicit add").isFalse();
    }

    @Test
    void aQueuedVerificationOfAnOlderEpochLosesToANewerOneAndANewerOneQueuedWins() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        VerificationLane lane = lane(release, id -> Errors.NONE);
        CompletableFuture<Map<TopicPartition, Errors>> inFlight = lane.submit("busy", 9, (short) 0, true, Set.of(B0));
        assertThat(firstSendStarted.await(10, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<Map<TopicPartition, Errors>> older = lane.submit("t", 1, (short) 3, true, Set.of(A0));
        CompletableFuture<Map<TopicPartition, Errors>> newer = lane.submit("t", 1, (short) 4, true, Set.of(A0));
        CompletableFuture<Map<TopicPartition, Errors>> stale = lane.submit("t", 1, (short) 2, true, Set.of(A1));
        assertThat(older.get(10, TimeUnit.SECONDS)).isEqualTo(Map.of(A0, Errors.INVALID_PRODUCER_EPOCH));
        assertThat(stale.get(10, TimeUnit.SECONDS)).isEqualTo(Map.of(A1, Errors.INVALID_PRODUCER_EPOCH));
        release.countDown();
        assertThat(inFlight.get(10, TimeUnit.SECONDS)).isEqualTo(Map.of(B0, Errors.NONE));
        assertThat(newer.get(10, TimeUnit.SECONDS)).isEqualTo(Map.of(A0, Errors.NONE));
        assertThat(sent.get(1).find("t").producerEpoch()).isEqualTo((short) 4);
    }

    @Test
    void aFencedProducerGetsInvalidProducerEpochAndAFailedSendNetworkException() throws Exception {
        CountDownLatch released = new CountDownLatch(0);
        VerificationLane fenced = lane(released, id -> Errors.PRODUCER_FENCED);
        assertThat(fenced.submit("t", 1, (short) 0, true, Set.of(A0)).get(10, TimeUnit.SECONDS))
                .isEqualTo(Map.of(A0, Errors.INVALID_PRODUCER_EPOCH));

        VerificationLane unreachable = new VerificationLane(3, txns -> {
            throw new IOException("connection refused");
        }, senders);
        assertThat(unreachable.submit("t", 1, (short) 0, true, Set.of(A0, A1)).get(10, TimeUnit.SECONDS))
                .isEqualTo(Map.of(A0, Errors.NETWORK_EXCEPTION, A1, Errors.NETWORK_EXCEPTION));
        assertThat(unreachable.submit("t", 1, (short) 0, true, Set.of(A0)).get(10, TimeUnit.SECONDS))
                .as("the lane keeps serving after a failure").isEqualTo(Map.of(A0, Errors.NETWORK_EXCEPTION));
    }

    @Test
    void aTopLevelClusterAuthorizationErrorRefusesEveryTransactionWithInvalidTxnState() throws Exception {
        VerificationLane lane = new VerificationLane(2, txns -> new AddPartitionsToTxnResponseData()
                .setErrorCode(Errors.CLUSTER_AUTHORIZATION_FAILED.code()), senders);
        assertThat(lane.submit("t", 1, (short) 0, true, Set.of(A0)).get(10, TimeUnit.SECONDS))
                .isEqualTo(Map.of(A0, Errors.INVALID_TXN_STATE));
    }
}
