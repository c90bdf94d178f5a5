package io.strata.engine.handler.txn;

import io.strata.engine.handler.TypedApiHandler;
import io.strata.engine.network.RequestContext;
import io.strata.engine.txn.TransactionOperations;
import io.strata.engine.txn.TransactionVersion;
import org.apache.kafka.common.message.EndTxnResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.requests.EndTxnRequest;

import java.util.concurrent.CompletableFuture;

/**
 * EndTxn v0-5: answered once PREPARE_COMMIT or PREPARE_ABORT is committed in {@code __transaction_state}; the
 * markers and COMPLETE_* follow. v0-4 (transaction version 0/1 clients): a retry of a completed end is NONE, an end
 * while the previous one is in flight CONCURRENT_TRANSACTIONS, the wrong end or no transaction INVALID_TXN_STATE.
 * v5 is only sent by transaction version 2 clients (KIP-890 part 2): every commit and abort bumps the producer
 * epoch and the response carries the producer id and epoch to continue with (a new id at epoch 0 when the epoch
 * overflows); retries are recognised by the epoch before the bump (see
 * {@link io.strata.engine.txn.EndTxnV2Decision}). PRODUCER_FENCED is INVALID_PRODUCER_EPOCH before v2.
 */
public final class EndTxnHandler extends TypedApiHandler<EndTxnRequest> {
    private final TransactionOperations transactions;

    public EndTxnHandler(TransactionOperations transactions) {
        super(ApiKeys.END_TXN, EndTxnRequest.class, 0, 5);
        this.transactions = transactions;
    }

    @Override
    protected CompletableFuture<ApiMessage> handleRequest(RequestContext context, EndTxnRequest request) {
        short version = context.apiVersion();
        return transactions.endTransaction(request.data().transactionalId(), request.data().producerId(),
                        request.data().producerEpoch(), request.data().committed(),
                        TransactionVersion.forEndTxnVersion(version))
                .exceptionally(failure -> TransactionOperations.EndResult.error(TxnErrors.ofFailure(failure)))
                .thenApply(result -> new EndTxnResponseData()
                        .setErrorCode(TxnErrors.forVersion(result.error(), version, 2).code())
                        .setProducerId(result.producerId())
                        .setProducerEpoch(result.producerEpoch()));
    }
}
