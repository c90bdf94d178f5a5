package io.strata.engine.handler.group;

import io.strata.engine.handler.TypedApiHandler;
import io.strata.engine.group.GroupCoordinator;
import io.strata.engine.network.RequestContext;
import org.apache.kafka.common.message.DescribeGroupsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DescribeGroupsRequest;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * DescribeGroups v0-6. An unknown group is "Dead"; from v6 (KIP-1043) it also carries GROUP_ID_NOT_FOUND, which
 * older clients do not expect.
 */
public final class DescribeGroupsHandler extends TypedApiHandler<DescribeGroupsRequest> {
    private static final short GROUP_ID_NOT_FOUND_VERSION = 6;
    /** Authorized operations are not computed: there is no authorizer yet. */
    private static final int AUTHORIZED_OPERATIONS_OMITTED = Integer.MIN_VALUE;

    private final GroupCoordinator coordinator;

    public DescribeGroupsHandler(GroupCoordinator coordinator) {
        super(ApiKeys.DESCRIBE_GROUPS, DescribeGroupsRequest.class, 0, 6);
        this.coordinator = coordinator;
    }

    @Override
    protected CompletableFuture<ApiMessage> handleRequest(RequestContext context, DescribeGroupsRequest request) {
        List<CompletableFuture<GroupCoordinator.GroupDescription>> described = new ArrayList<>();
        request.data().groups().forEach(groupId -> described.add(coordinator.describe(groupId)));
        return CompletableFuture.allOf(described.toArray(new CompletableFuture<?>[0]))
                .thenApply(ignored -> respond(context, described));
    }

    private static ApiMessage respond(RequestContext context,
                                      List<CompletableFuture<GroupCoordinator.GroupDescription>> described) {
        DescribeGroupsResponseData response = new DescribeGroupsResponseData();
        for (CompletableFuture<GroupCoordinator.GroupDescription> f : described) {
            GroupCoordinator.GroupDescription d = f.join();
            String groupId = d.groupId();
            Errors error = d.error();
            String message = null;
            if (error == Errors.GROUP_ID_NOT_FOUND) {
                message = "Group " + groupId + " not found.";
                if (context.apiVersion() < GROUP_ID_NOT_FOUND_VERSION) {
                    error = Errors.NONE;
                    message = null;
                }
            }
            DescribeGroupsResponseData.DescribedGroup group = new DescribeGroupsResponseData.DescribedGroup()
                    .setGroupId(groupId).setErrorCode(error.code()).setErrorMessage(message)
                    .setGroupState(d.state()).setProtocolType(d.protocolType()).setProtocolData(d.protocol())
                    .setAuthorizedOperations(AUTHORIZED_OPERATIONS_OMITTED);
            for (GroupCoordinator.MemberDescription m : d.members()) {
                group.members().add(new DescribeGroupsResponseData.DescribedGroupMember()
                        .setMemberId(m.memberId()).setGroupInstanceId(m.groupInstanceId())
                        .setClientId(m.clientId()).setClientHost(m.clientHost())
                        .setMemberMetadata(m.metadata()).setMemberAssignment(m.assignment()));
            }
            response.groups().add(group);
        }
        return response;
    }
}
