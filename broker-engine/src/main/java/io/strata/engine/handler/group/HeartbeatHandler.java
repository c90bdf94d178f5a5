package io.strata.engine.handler.group;

import io.strata.engine.handler.TypedApiHandler;
import io.strata.engine.group.GroupMembership;
import io.strata.engine.network.RequestContext;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.HeartbeatResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.HeartbeatRequest;

import java.util.concurrent.CompletableFuture;

/** Heartbeat v0-4: keeps a member's session alive and tells it when a rebalance is under way. */
public final class HeartbeatHandler extends TypedApiHandler<HeartbeatRequest> {
    private final GroupMembership membership;

    public HeartbeatHandler(GroupMembership membership) {
        super(ApiKeys.HEARTBEAT, HeartbeatRequest.class, 0, 4);
        this.membership = membership;
    }

    @Override
    protected CompletableFuture<ApiMessage> handleRequest(RequestContext context, HeartbeatRequest request) {
        HeartbeatRequestData data = request.data();
        return membership.heartbeat(data.groupId(), data.memberId(), data.groupInstanceId(), data.generationId())
                .thenApply(error -> new HeartbeatResponseData().setErrorCode(error.code()));
    }
}
