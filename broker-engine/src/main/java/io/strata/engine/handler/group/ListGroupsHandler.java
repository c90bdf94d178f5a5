package io.strata.engine.handler.group;

import io.strata.engine.handler.TypedApiHandler;
import io.strata.engine.group.GroupCoordinator;
import io.strata.engine.network.RequestContext;
import org.apache.kafka.common.message.ListGroupsRequestData;
import org.apache.kafka.common.message.ListGroupsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ListGroupsRequest;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

/** ListGroups v0-5, with the state (v4+) and type (v5+) filters; every group here is of the "classic" type. */
public final class ListGroupsHandler extends TypedApiHandler<ListGroupsRequest> {
    private static final String CLASSIC = "classic";

    private final GroupCoordinator coordinator;

    public ListGroupsHandler(GroupCoordinator coordinator) {
        super(ApiKeys.LIST_GROUPS, ListGroupsRequest.class, 0, 5);
        this.coordinator = coordinator;
    }

    @Override
    protected CompletableFuture<ApiMessage> handleRequest(RequestContext context, ListGroupsRequest request) {
        ListGroupsRequestData data = request.data();
        ListGroupsResponseData response = new ListGroupsResponseData();
        Set<String> states = data.statesFilter().stream().map(s -> s.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
        Set<String> types = data.typesFilter().stream().map(s -> s.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
        if (!types.isEmpty() && !types.contains(CLASSIC)) {
            return CompletableFuture.completedFuture(response.setErrorCode(Errors.NONE.code()));
        }
        boolean loading = coordinator.isLoading();
        return coordinator.list().thenApply(listed -> respond(listed, states, response, loading));
    }

    private static ApiMessage respond(List<GroupCoordinator.ListedGroup> listed, Set<String> states,
                                      ListGroupsResponseData response, boolean loading) {
        for (GroupCoordinator.ListedGroup g : listed) {
            String state = g.state().displayName();
            if (!states.isEmpty() && !states.contains(state.toLowerCase(Locale.ROOT))) {
                continue;
            }
            response.groups().add(new ListGroupsResponseData.ListedGroup()
                    .setGroupId(g.groupId()).setProtocolType(g.protocolType())
                    .setGroupState(state).setGroupType(CLASSIC));
        }
        Errors error = loading ? Errors.COORDINATOR_LOAD_IN_PROGRESS : Errors.NONE;
        return response.setErrorCode(error.code());
    }
}
