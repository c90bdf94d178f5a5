package io.strata.engine.handler.txn;

import io.strata.engine.coordinator.CoordinatorErrors;
import io.strata.engine.handler.TypedApiHandler;
import io.strata.engine.network.RequestContext;
import io.strata.engine.txn.ProducerIdManager;
import io.strata.engine.txn.TransactionOperations;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.requests.InitProducerIdRequest;

import java.util.concurrent.CompletableFuture;

/**
 * InitProducerId v0-5. Without a transactional id (idempotent producers, the default in Kafka clients): a fresh
 * producer gets a new id at epoch 0; a producer that asks to bump its epoch after a sequence error (KIP-360) gets
 * epoch+1, or a new id once the epoch is exhausted. With a transactional id the transaction coordinator answers
 * (see {@link TransactionOperations#initProducerId}): the previous epoch is fenced and its open transaction
 * aborted first (CONCURRENT_TRANSACTIONS until then), a timeout above {@code transaction.max.timeout.ms} is
 * INVALID_TRANSACTION_TIMEOUT; PRODUCER_FENCED is INVALID_PRODUCER_EPOCH before v4, as Kafka answers. v6 (KIP-939's
 * two-phase commit fields) is not advertised: Strata does not serve them; Kafka 4.4.0 marks v6 unstable too.
 */
public final class InitProducerIdHandler extends TypedApiHandler<InitProducerIdRequest> {
    private final ProducerIdManager producerIds;
    private final TransactionOperations transactions;

    public InitProducerIdHandler(ProducerIdManager producerIds, TransactionOperations transactions) {
        super(ApiKeys.INIT_PRODUCER_ID, InitProducerIdRequest.class, 0, 5);
        this.producerIds = producerIds;
        this.transactions = transactions;
    }

    @Override
    protected CompletableFuture<ApiMessage> handleRequest(RequestContext context, InitProducerIdRequest request) {
        InitProducerIdRequestData data = request.data();
        InitProducerIdResponseData response = new InitProducerIdResponseData()
                .setProducerId(RecordBatch.NO_PRODUCER_ID)
                .setProducerEpoch(RecordBatch.NO_PRODUCER_EPOCH);
        if (data.transactionalId() != null) {
            short version = context.apiVersion();
            return transactions.initProducerId(data.transactionalId(), data.transactionTimeoutMs(), data.producerId(),
                            data.producerEpoch())
                    .exceptionally(failure -> TransactionOperations.InitResult.error(CoordinatorErrors.errorOf(failure)))
                    .thenApply(result -> {
                        Errors error = result.error() == Errors.PRODUCER_FENCED && version < 4
                                ? Errors.INVALID_PRODUCER_EPOCH : result.error();
                        return response.setErrorCode(error.code()).setProducerId(result.producerId())
                                .setProducerEpoch(result.producerEpoch());
                    });
        }
        boolean bump = data.producerId() != RecordBatch.NO_PRODUCER_ID
                && data.producerEpoch() != RecordBatch.NO_PRODUCER_EPOCH
                && data.producerEpoch() < Short.MAX_VALUE - 1;
        if (bump) {
            response.setProducerId(data.producerId()).setProducerEpoch((short) (data.producerEpoch() + 1));
        } else {
            response.setProducerId(producerIds.nextProducerId()).setProducerEpoch((short) 0);
        }
        return CompletableFuture.completedFuture(response.setErrorCode(Errors.NONE.code()));
    }
}
