package io.strata.engine.handler.group;

import io.strata.engine.handler.TypedApiHandler;
import io.strata.engine.group.GroupOffsets;
import io.strata.engine.network.RequestContext;
import org.apache.kafka.common.message.DeleteGroupsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DeleteGroupsRequest;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * DeleteGroups v0-3: removes empty groups with their committed offsets. v3 only adds a per-group
 * ErrorMessage, which may be null; it stays null, the error code carries the cause.
 */
public final class DeleteGroupsHandler extends TypedApiHandler<DeleteGroupsRequest> {
    private final GroupOffsets offsets;

    public DeleteGroupsHandler(GroupOffsets offsets) {
        super(ApiKeys.DELETE_GROUPS, DeleteGroupsRequest.class, 0, 3);
        this.offsets = offsets;
    }

    @Override
    protected CompletableFuture<ApiMessage> handleRequest(RequestContext context, DeleteGroupsRequest request) {
        List<String> groupIds = request.data().groupsNames();
        List<CompletableFuture<Errors>> results = groupIds.stream().map(offsets::deleteGroup).toList();
        return CompletableFuture.allOf(results.toArray(new CompletableFuture<?>[0])).thenApply(ignored -> {
            DeleteGroupsResponseData response = new DeleteGroupsResponseData();
            for (int i = 0; i < groupIds.size(); i++) {
                response.results().add(new DeleteGroupsResponseData.DeletableGroupResult()
                        .setGroupId(groupIds.get(i)).setErrorCode(results.get(i).join().code()));
            }
            return response;
        });
    }
}
