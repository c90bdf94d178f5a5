package io.strata.engine.handler.txn;

import io.strata.engine.handler.TypedApiHandler;
import io.strata.engine.network.RequestContext;
import io.strata.engine.txn.TransactionListing;
import org.apache.kafka.common.message.ListTransactionsRequestData;
import org.apache.kafka.common.message.ListTransactionsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.requests.ListTransactionsRequest;

import java.util.concurrent.CompletableFuture;

/**
 * ListTransactions v0-2: the transactional ids this broker coordinates, filtered by state (v0, unknown names
 * reported back), producer id (v0), minimum running time (v1) and an id regular expression (v2, KIP-1152);
 * COORDINATOR_LOAD_IN_PROGRESS while a {@code __transaction_state} partition loads.
 */
public final class ListTransactionsHandler extends TypedApiHandler<ListTransactionsRequest> {
    private final TransactionListing listing;

    public ListTransactionsHandler(TransactionListing listing) {
        super(ApiKeys.LIST_TRANSACTIONS, ListTransactionsRequest.class, 0, 2);
        this.listing = listing;
    }

    @Override
    protected CompletableFuture<ApiMessage> handleRequest(RequestContext context, ListTransactionsRequest request) {
        ListTransactionsRequestData data = request.data();
        return listing.list(data.stateFilters(), data.producerIdFilters(), data.durationFilter(),
                data.transactionalIdPattern()).thenApply(result -> {
                    ListTransactionsResponseData response = new ListTransactionsResponseData()
                            .setErrorCode(result.error().code())
                            .setUnknownStateFilters(result.unknownStateFilters());
                    for (TransactionListing.Listed t : result.transactions()) {
                        response.transactionStates().add(new ListTransactionsResponseData.TransactionState()
                                .setTransactionalId(t.transactionalId()).setProducerId(t.producerId())
                                .setTransactionState(t.state()));
                    }
                    return response;
                });
    }
}
