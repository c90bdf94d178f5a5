package io.strata.engine.group;

import io.strata.engine.config.GroupConfig;
import io.strata.engine.coordinator.CoordinatorErrors;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.JoinGroupRequest;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * The classic group membership protocol: JoinGroup, SyncGroup, Heartbeat, LeaveGroup and the timers
 * (join phase end, sync deadline, session expiry). Each request runs as one operation on the group's shard
 * ({@link GroupRegistry#write}), on that shard's coordinator thread; responses that depend on a record (a new
 * generation's assignment, a static member's replacement) go out once the record is committed. Phase changes
 * are {@link GroupRebalance}'s.
 */
public final class GroupMembership {
    private static final Logger log = LoggerFactory.getLogger(GroupMembership.class);

    private final GroupRegistry registry;
    private final GroupConfig config;
    private final Time time;
    private final GroupRebalance rebalance;

    GroupMembership(GroupRegistry registry, GroupConfig config, Time time, GroupMetrics metrics) {
        this.registry = registry;
        this.config = config;
        this.time = time;
        this.rebalance = new GroupRebalance(config, time, metrics);
    }

    // ---- JoinGroup ----

    public CompletableFuture<JoinGroupResponseData> join(JoinGroupRequestData request, short version, String clientId,
                                                  String clientHost) {
        String groupId = request.groupId();
        if (groupId == null || groupId.isEmpty()) {
            return joinError(request.memberId(), Errors.INVALID_GROUP_ID);
        }
        if (request.sessionTimeoutMs() < config.minSessionTimeoutMs()
                || request.sessionTimeoutMs() > config.maxSessionTimeoutMs()) {
            return joinError(request.memberId(), Errors.INVALID_SESSION_TIMEOUT);
        }
        List<GroupMember.Protocol> protocols = new ArrayList<>();
        request.protocols().forEach(p -> protocols.add(new GroupMember.Protocol(p.name(), p.metadata())));
        boolean unknownMember = request.memberId().isEmpty();
        CompletableFuture<JoinGroupResponseData> response = new CompletableFuture<>();
        JoinArgs args = new JoinArgs(request, version, clientId, clientHost, protocols, response);
        registry.write(groupId, shard -> {
            joinOn(shard, args, unknownMember);
            return null;
        }).whenComplete((ignored, failure) -> {
            if (failure != null) { // no-op if the operation answered already
                response.complete(GroupRebalance.errorResponse(request.memberId(), CoordinatorErrors.errorOf(failure)));
            }
        });
        return response;
    }

    private void joinOn(GroupShard shard, JoinArgs args, boolean unknownMember) {
        String groupId = args.request().groupId();
        String memberId = args.request().memberId();
        ClassicGroup group = unknownMember ? shard.getOrCreate(groupId) : shard.get(groupId);
        if (group == null) {
            shard.answer(args.response(), GroupRebalance.errorResponse(memberId, Errors.UNKNOWN_MEMBER_ID),
                    e -> GroupRebalance.errorResponse(memberId, e));
            return;
        }
        if (group.is(GroupState.DEAD)) {
            rebalance.answerJoin(group, args.response(), GroupRebalance.errorResponse(memberId, Errors.COORDINATOR_NOT_AVAILABLE));
            return;
        }
        if (!group.supportsProtocols(args.request().protocolType(), args.protocols())) {
            rebalance.answerJoin(group, args.response(), GroupRebalance.errorResponse(memberId, Errors.INCONSISTENT_GROUP_PROTOCOL));
            return;
        }
        if (unknownMember) {
            joinUnknownMember(group, args);
        } else {
            joinKnownMember(group, args);
        }
    }

    private record JoinArgs(JoinGroupRequestData request, short version, String clientId, String clientHost,
                            List<GroupMember.Protocol> protocols, CompletableFuture<JoinGroupResponseData> response) {
        String instanceId() {
            return request.groupInstanceId();
        }
    }

    private void joinUnknownMember(ClassicGroup group, JoinArgs args) {
        String instanceId = args.instanceId();
        String newMemberId = (instanceId != null ? instanceId : args.clientId()) + "-" + UUID.randomUUID();
        String existingStatic = group.staticMemberId(instanceId);
        if (existingStatic != null) {
            replaceStaticMember(group, args, existingStatic, newMemberId);
            return;
        }
        if (group.size() >= config.maxSize()) {
            rebalance.answerJoin(group, args.response(),
                    GroupRebalance.errorResponse(args.request().memberId(), Errors.GROUP_MAX_SIZE_REACHED));
            return;
        }
        if (instanceId == null && JoinGroupRequest.requiresKnownMemberId(args.version())) {
            // KIP-394: the member must come back with the id, so a lost response leaves no ghost member.
            group.pendingMembers().put(newMemberId, time.milliseconds() + args.request().sessionTimeoutMs());
            rebalance.answerJoin(group, args.response(), GroupRebalance.errorResponse(newMemberId, Errors.MEMBER_ID_REQUIRED));
            return;
        }
        addMemberAndRebalance(group, args, newMemberId);
    }

    private void joinKnownMember(ClassicGroup group, JoinArgs args) {
        String memberId = args.request().memberId();
        if (group.pendingMembers().containsKey(memberId)) {
            addMemberAndRebalance(group, args, memberId);
            return;
        }
        Errors fenced = validateStatic(group, memberId, args.instanceId());
        if (fenced != Errors.NONE) {
            rebalance.answerJoin(group, args.response(), GroupRebalance.errorResponse(memberId, fenced));
            return;
        }
        GroupMember member = group.member(memberId);
        if (member == null) {
            rebalance.answerJoin(group, args.response(), GroupRebalance.errorResponse(memberId, Errors.UNKNOWN_MEMBER_ID));
            return;
        }
        boolean sameProtocols = member.sameProtocols(args.protocols());
        switch (group.state()) {
            case PREPARING_REBALANCE -> updateMemberAndAwaitJoin(group, member, args);
            case COMPLETING_REBALANCE, STABLE -> {
                boolean leader = memberId.equals(group.leaderId());
                if (sameProtocols && !(leader && group.is(GroupState.STABLE))) {
                    // A retry of a join the member already completed: answer with the current generation.
                    member.heartbeat(time.milliseconds());
                    rebalance.answerJoin(group, args.response(), rebalance.joinResponse(group, member, args.version(), leader));
                } else {
                    updateMemberAndAwaitJoin(group, member, args);
                    rebalance.prepare(group, "member " + memberId + " rejoined with new metadata or as leader");
                }
            }
            default -> rebalance.answerJoin(group, args.response(), GroupRebalance.errorResponse(memberId, Errors.UNKNOWN_MEMBER_ID));
        }
    }

    /** A static member restarted: its new incarnation takes over the old id and, when stable, the assignment. */
    private void replaceStaticMember(ClassicGroup group, JoinArgs args, String oldMemberId, String newMemberId) {
        GroupMember old = group.member(oldMemberId);
        if (old.awaitingJoin() != null) {
            rebalance.answerJoin(group, old.awaitingJoin(), GroupRebalance.errorResponse(oldMemberId, Errors.FENCED_INSTANCE_ID));
            old.setAwaitingJoin(null, (short) 0);
        }
        if (old.awaitingSync() != null) {
            rebalance.answerSync(group, old.awaitingSync(), GroupRebalance.syncError(Errors.FENCED_INSTANCE_ID));
            old.setAwaitingSync(null);
        }
        group.replaceStaticMember(args.instanceId(), oldMemberId, newMemberId);
        old.update(args.clientId(), args.clientHost(), args.request().rebalanceTimeoutMs(),
                args.request().sessionTimeoutMs(), args.protocols());
        old.heartbeat(time.milliseconds());
        log.info("Static member {} of group {} rejoined as {}", args.instanceId(), group.groupId(), newMemberId);
        // As in Kafka, only a change of the protocol the group would select forces a rebalance: the new
        // incarnation's metadata legitimately differs (e.g. no owned partitions, generation -1 in subscription v2+).
        if (group.is(GroupState.STABLE) && Objects.equals(group.selectProtocol(), group.protocolName())) {
            // The leader learns the members but must not reassign (KIP-814).
            rebalance.persist(group);
            boolean leader = newMemberId.equals(group.leaderId());
            rebalance.answerJoin(group, args.response(), rebalance.joinResponse(group, old, args.version(), leader));
        } else {
            updateMemberAndAwaitJoin(group, old, args);
            rebalance.prepare(group, "static member " + args.instanceId() + " rejoined");
        }
    }

    private void addMemberAndRebalance(ClassicGroup group, JoinArgs args, String memberId) {
        JoinGroupRequestData r = args.request();
        GroupMember member = new GroupMember(memberId, args.instanceId(), args.clientId(), args.clientHost(),
                r.rebalanceTimeoutMs(), r.sessionTimeoutMs(), args.protocols());
        if (group.isEmpty()) {
            group.setProtocolType(r.protocolType());
        }
        group.add(member);
        member.setAwaitingJoin(args.response(), args.version());
        member.heartbeat(time.milliseconds());
        if (group.is(GroupState.PREPARING_REBALANCE)) {
            rebalance.extendInitialDelay(group);
            rebalance.maybeCompleteJoin(group);
        } else {
            rebalance.prepare(group, "member " + memberId + " joined");
        }
    }

    private void updateMemberAndAwaitJoin(ClassicGroup group, GroupMember member, JoinArgs args) {
        JoinGroupRequestData r = args.request();
        if (member.awaitingJoin() != null && member.awaitingJoin() != args.response()) {
            // A newer join of the same member supersedes the parked one.
            rebalance.answerJoin(group, member.awaitingJoin(),
                    GroupRebalance.errorResponse(member.memberId(), Errors.REBALANCE_IN_PROGRESS));
        }
        member.update(args.clientId(), args.clientHost(), r.rebalanceTimeoutMs(), r.sessionTimeoutMs(),
                args.protocols());
        member.setAwaitingJoin(args.response(), args.version());
        member.heartbeat(time.milliseconds());
        if (group.is(GroupState.PREPARING_REBALANCE)) {
            rebalance.maybeCompleteJoin(group);
        }
    }

    // ---- SyncGroup ----

    public CompletableFuture<SyncGroupResponseData> sync(SyncGroupRequestData request) {
        CompletableFuture<SyncGroupResponseData> response = new CompletableFuture<>();
        registry.write(request.groupId(), shard -> {
            syncOn(shard, request, response);
            return null;
        }).whenComplete((ignored, failure) -> {
            if (failure != null) {
                response.complete(GroupRebalance.syncError(CoordinatorErrors.errorOf(failure)));
            }
        });
        return response;
    }

    private void syncOn(GroupShard shard, SyncGroupRequestData request, CompletableFuture<SyncGroupResponseData> response) {
        ClassicGroup group = shard.get(request.groupId());
        if (group == null) {
            shard.answer(response, GroupRebalance.syncError(Errors.UNKNOWN_MEMBER_ID), GroupRebalance::syncError);
            return;
        }
        Errors error = validateMember(group, request.memberId(), request.groupInstanceId(), request.generationId());
        if (error == Errors.NONE && ((request.protocolType() != null && !request.protocolType().equals(group.protocolType()))
                || (request.protocolName() != null && !request.protocolName().equals(group.protocolName())))) {
            error = Errors.INCONSISTENT_GROUP_PROTOCOL;
        }
        if (error == Errors.NONE && group.is(GroupState.PREPARING_REBALANCE)) {
            error = Errors.REBALANCE_IN_PROGRESS;
        }
        if (error != Errors.NONE) {
            rebalance.answerSync(group, response, GroupRebalance.syncError(error));
            return;
        }
        GroupMember member = group.member(request.memberId());
        switch (group.state()) {
            case STABLE -> {
                member.heartbeat(time.milliseconds());
                rebalance.answerSync(group, response, GroupRebalance.syncResponse(group, member));
            }
            case COMPLETING_REBALANCE -> {
                member.setAwaitingSync(response);
                member.heartbeat(time.milliseconds());
                if (request.memberId().equals(group.leaderId())) {
                    Map<String, byte[]> assignments = new java.util.HashMap<>();
                    request.assignments().forEach(a -> assignments.put(a.memberId(), a.assignment()));
                    for (GroupMember m : group.members()) {
                        m.setAssignment(assignments.get(m.memberId()));
                    }
                    rebalance.completeSync(group);
                }
            }
            default -> rebalance.answerSync(group, response, GroupRebalance.syncError(Errors.UNKNOWN_MEMBER_ID));
        }
    }

    // ---- Heartbeat ----

    /** Keeps a member's session alive; failures to reach the group become their error code. */
    public CompletableFuture<Errors> heartbeat(String groupId, String memberId, String instanceId, int generation) {
        return registry.write(groupId, shard -> {
            ClassicGroup group = shard.get(groupId);
            if (group == null) {
                return Errors.UNKNOWN_MEMBER_ID;
            }
            Errors error = validateMember(group, memberId, instanceId, generation);
            if (error != Errors.NONE) {
                return error;
            }
            group.member(memberId).heartbeat(time.milliseconds());
            return group.is(GroupState.PREPARING_REBALANCE) ? Errors.REBALANCE_IN_PROGRESS : Errors.NONE;
        }).exceptionally(CoordinatorErrors::errorOf);
    }

    // ---- LeaveGroup ----

    /** A member leaving: by member id, or by instance id for static members (member id may then be empty). */
    public record Leaving(String memberId, String groupInstanceId, String reason) {
    }

    /**
     * Removes members from a group; completes with each one's error, in order, or fails with the ApiException
     * of a group not coordinated here or still loading.
     */
    public CompletableFuture<List<Errors>> leave(String groupId, List<Leaving> leaving) {
        return registry.write(groupId, shard -> {
            ClassicGroup group = shard.get(groupId);
            List<Errors> results = new ArrayList<>();
            for (Leaving l : leaving) {
                results.add(group == null ? Errors.UNKNOWN_MEMBER_ID
                        : leave(group, l.memberId(), l.groupInstanceId(), l.reason()));
            }
            return results;
        });
    }

    private Errors leave(ClassicGroup group, String memberId, String instanceId, String reason) {
        if (instanceId == null && group.pendingMembers().remove(memberId) != null) {
            return Errors.NONE;
        }
        String target = memberId;
        if (instanceId != null) {
            String known = group.staticMemberId(instanceId);
            if (known == null) {
                return Errors.UNKNOWN_MEMBER_ID;
            }
            if (!memberId.isEmpty() && !memberId.equals(known)) {
                return Errors.FENCED_INSTANCE_ID;
            }
            target = known;
        }
        if (!group.hasMember(target)) {
            return Errors.UNKNOWN_MEMBER_ID;
        }
        removeMember(group, target, "left the group" + (reason == null ? "" : ": " + reason));
        return Errors.NONE;
    }

    private void removeMember(ClassicGroup group, String memberId, String why) {
        GroupMember member = group.member(memberId);
        if (member.awaitingJoin() != null) {
            rebalance.answerJoin(group, member.awaitingJoin(), GroupRebalance.errorResponse(memberId, Errors.UNKNOWN_MEMBER_ID));
        }
        if (member.awaitingSync() != null) {
            rebalance.answerSync(group, member.awaitingSync(), GroupRebalance.syncError(Errors.UNKNOWN_MEMBER_ID));
        }
        group.remove(memberId);
        log.info("Member {} of group {} {}", memberId, group.groupId(), why);
        switch (group.state()) {
            case STABLE, COMPLETING_REBALANCE -> rebalance.prepare(group, "member " + memberId + " " + why);
            case PREPARING_REBALANCE -> rebalance.maybeCompleteJoin(group);
            default -> { }
        }
    }

    // ---- timers ----

    /** Called periodically on the group's shard thread: ends join phases, sync waits and dead sessions. */
    void tick(ClassicGroup group) {
        long now = time.milliseconds();
        group.pendingMembers().values().removeIf(deadline -> deadline <= now);
        switch (group.state()) {
            case PREPARING_REBALANCE -> rebalance.maybeCompleteJoin(group);
            case COMPLETING_REBALANCE -> {
                if (now >= group.syncDeadlineMs()) {
                    for (GroupMember m : new ArrayList<>(group.members())) {
                        if (m.awaitingSync() == null) {
                            group.remove(m.memberId());
                            log.info("Removing member {} of group {}: no SyncGroup within the rebalance timeout",
                                    m.memberId(), group.groupId());
                        }
                    }
                    rebalance.prepare(group, "members missed the sync deadline");
                    return;
                }
            }
            default -> { }
        }
        for (GroupMember m : new ArrayList<>(group.members())) {
            if (group.hasMember(m.memberId()) && m.isExpired(now)) {
                removeMember(group, m.memberId(), "expired: no heartbeat within " + m.sessionTimeoutMs() + " ms");
            }
        }
    }

    // ---- shared ----

    /** Checks a member's identity and generation for Sync, Heartbeat and OffsetCommit. */
    static Errors validateMember(ClassicGroup group, String memberId, String instanceId, int generation) {
        if (group.is(GroupState.DEAD)) {
            return Errors.COORDINATOR_NOT_AVAILABLE;
        }
        Errors fenced = validateStatic(group, memberId, instanceId);
        if (fenced != Errors.NONE) {
            return fenced;
        }
        if (!group.hasMember(memberId)) {
            return Errors.UNKNOWN_MEMBER_ID;
        }
        if (generation != group.generation()) {
            return Errors.ILLEGAL_GENERATION;
        }
        return Errors.NONE;
    }

    private static Errors validateStatic(ClassicGroup group, String memberId, String instanceId) {
        if (instanceId == null) {
            return Errors.NONE;
        }
        String known = group.staticMemberId(instanceId);
        if (known != null && !Objects.equals(known, memberId)) {
            return Errors.FENCED_INSTANCE_ID;
        }
        return Errors.NONE;
    }

    private static CompletableFuture<JoinGroupResponseData> joinError(String memberId, Errors error) {
        return CompletableFuture.completedFuture(GroupRebalance.errorResponse(memberId, error));
    }
}
