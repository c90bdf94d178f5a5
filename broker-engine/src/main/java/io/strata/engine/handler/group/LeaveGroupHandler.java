package io.strata.engine.handler.group;

import io.strata.engine.handler.TypedApiHandler;
import io.strata.engine.group.GroupMembership;
import io.strata.engine.network.RequestContext;
import io.strata.engine.coordinator.CoordinatorErrors;
import org.apache.kafka.common.message.LeaveGroupRequestData;
import org.apache.kafka.common.message.LeaveGroupResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.LeaveGroupRequest;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** LeaveGroup v0-5: one member (v0-2) or a batch identified by member or instance id (v3+, KIP-345). */
public final class LeaveGroupHandler extends TypedApiHandler<LeaveGroupRequest> {
    private static final short BATCH_VERSION = 3;

    private final GroupMembership membership;

    public LeaveGroupHandler(GroupMembership membership) {
        super(ApiKeys.LEAVE_GROUP, LeaveGroupRequest.class, 0, 5);
        this.membership = membership;
    }

    @Override
    protected CompletableFuture<ApiMessage> handleRequest(RequestContext context, LeaveGroupRequest request) {
        List<LeaveGroupRequestData.MemberIdentity> members = request.members();
        List<GroupMembership.Leaving> leaving = new ArrayList<>();
        members.forEach(m -> leaving.add(new GroupMembership.Leaving(m.memberId(), m.groupInstanceId(), m.reason())));
        LeaveGroupResponseData response = new LeaveGroupResponseData();
        return membership.leave(request.data().groupId(), leaving).handle((results, failure) -> {
            if (failure != null) {
                return response.setErrorCode(CoordinatorErrors.errorOf(failure).code());
            }
            return respond(context, members, results, response);
        });
    }

    private static ApiMessage respond(RequestContext context, List<LeaveGroupRequestData.MemberIdentity> members,
                                      List<Errors> results, LeaveGroupResponseData response) {
        if (context.apiVersion() < BATCH_VERSION) {
            return response.setErrorCode(results.get(0).code());
        }
        for (int i = 0; i < members.size(); i++) {
            response.members().add(new LeaveGroupResponseData.MemberResponse()
                    .setMemberId(members.get(i).memberId())
                    .setGroupInstanceId(members.get(i).groupInstanceId())
                    .setErrorCode(results.get(i).code()));
        }
        return response.setErrorCode(Errors.NONE.code());
    }
}
