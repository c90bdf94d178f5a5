package io.strata.engine.handler.txn;

import io.strata.engine.handler.TypedApiHandler;
import io.strata.engine.network.RequestContext;
import io.strata.engine.txn.TransactionOperations;
import org.apache.kafka.common.message.EndTxnResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.requests.EndTxnRequest;

import java.util.concurrent.CompletableFuture;

/**
 * EndTxn v0-4 (transaction version 0/1 clients; v5 is only sent by transaction version 2 clients, which this
 * broker does not enable): answered once PREPARE_COMMIT or PREPARE_ABORT is committed in
 * {@code __transaction_state}; the markers and COMPLETE_* follow. A retry of a completed end is NONE, an end while
 * the previous one is in flight CONCURRENT_TRANSACTIONS, the wrong end or no transaction INVALID_TXN_STATE.
 */
public final class EndTxnHandler extends TypedApiHandler<EndTxnRequest> {
    private final TransactionOperations transactions;

    public EndTxnHandler(TransactionOperations transactions) {
        super(ApiKeys.END_TXN, EndTxnRequest.class, 0, 4);
        this.transactions = transactions;
    }

    @Override
    protected CompletableFuture<ApiMessage> handleRequest(RequestContext context, EndTxnRequest request) {
        short version = context.apiVersion();
        return transactions.endTransaction(request.data().transactionalId(), request.data().producerId(),
                        request.data().producerEpoch(), request.data().committed())
                .exceptionally(TxnErrors::ofFailure)
                .thenApply(error -> new EndTxnResponseData()
                        .setErrorCode(TxnErrors.forVersion(error, version, 2).code()));
    }
}
