package io.strata.engine.handler.group;

import io.strata.engine.handler.TypedApiHandler;
import io.strata.engine.group.GroupMembership;
import io.strata.engine.network.RequestContext;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.JoinGroupRequest;

import java.util.concurrent.CompletableFuture;

/** JoinGroup v0-9: parks until the group's join phase completes (see {@link GroupMembership}). */
public final class JoinGroupHandler extends TypedApiHandler<JoinGroupRequest> {
    /** JoinGroup v7 made the protocol name nullable; older versions need a string. */
    private static final short NULLABLE_PROTOCOL_NAME_VERSION = 7;

    private final GroupMembership membership;

    public JoinGroupHandler(GroupMembership membership) {
        super(ApiKeys.JOIN_GROUP, JoinGroupRequest.class, 0, 9);
        this.membership = membership;
    }

    @Override
    protected CompletableFuture<ApiMessage> handleRequest(RequestContext context, JoinGroupRequest request) {
        short version = context.apiVersion();
        if (request.data().groupInstanceId() != null) {
            try {
                JoinGroupRequest.validateGroupInstanceId(request.data().groupInstanceId());
            } catch (InvalidConfigurationException e) {
                return CompletableFuture.completedFuture(new JoinGroupResponseData()
                        .setErrorCode(Errors.INVALID_GROUP_ID.code()).setMemberId(request.data().memberId())
                        .setLeader("").setProtocolName(version < NULLABLE_PROTOCOL_NAME_VERSION ? "" : null));
            }
        }
        String clientHost = context.clientAddress() == null ? "" : context.clientAddress().getAddress().toString();
        return membership.join(request.data(), version, context.clientId(), clientHost)
                .thenApply(response -> {
                    if (version < NULLABLE_PROTOCOL_NAME_VERSION && response.protocolName() == null) {
                        response.setProtocolName("");
                    }
                    return response;
                });
    }
}
