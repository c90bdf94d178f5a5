package io.strata.engine.handler.group;

import io.strata.engine.handler.TypedApiHandler;
import io.strata.engine.group.GroupMembership;
import io.strata.engine.network.RequestContext;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.requests.SyncGroupRequest;

import java.util.concurrent.CompletableFuture;

/** SyncGroup v0-5: the leader hands in the assignment; followers park until it has. */
public final class SyncGroupHandler extends TypedApiHandler<SyncGroupRequest> {
    private final GroupMembership membership;

    public SyncGroupHandler(GroupMembership membership) {
        super(ApiKeys.SYNC_GROUP, SyncGroupRequest.class, 0, 5);
        this.membership = membership;
    }

    @Override
    protected CompletableFuture<ApiMessage> handleRequest(RequestContext context, SyncGroupRequest request) {
        return membership.sync(request.data()).thenApply(r -> r);
    }
}
