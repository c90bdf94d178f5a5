package io.strata.engine.group;

import org.apache.kafka.common.errors.ApiException;
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
import java.util.concurrent.Executor;

/**
 * The classic group membership protocol: JoinGroup, SyncGroup, Heartbeat, LeaveGroup and the timers
 * (join phase end, sync deadline, session expiry). Every method runs with the group's monitor held by
 * its caller or takes it itself; responses parked in futures are completed on {@code completions} so no
 * network code runs under a group lock.
 */
public final class GroupMembership {
    private static final Logger log = LoggerFactory.getLogger(GroupMembership.class);

    private final GroupRegistry registry;
    private final GroupConfig config;
    private final Time time;
    private final GroupMetrics metrics;
    private final Executor completions;

    GroupMembership(GroupRegistry registry, GroupConfig config, Time time, GroupMetrics metrics, Executor completions) {
        this.registry = registry;
        this.config = config;
        this.time = time;
        this.metrics = metrics;
        this.completions = completions;
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
        ClassicGroup group;
        try {
            group = unknownMember ? registry.getOrCreate(groupId) : registry.get(groupId);
        } catch (ApiException e) {
            return joinError(request.memberId(), Errors.forException(e));
        }
        if (group == null) {
            return joinError(request.memberId(), Errors.UNKNOWN_MEMBER_ID);
        }
        CompletableFuture<JoinGroupResponseData> response = new CompletableFuture<>();
        synchronized (group) {
            if (group.is(GroupState.DEAD)) {
                return joinError(request.memberId(), Errors.COORDINATOR_NOT_AVAILABLE);
            }
            if (!group.supportsProtocols(request.protocolType(), protocols)) {
                return joinError(request.memberId(), Errors.INCONSISTENT_GROUP_PROTOCOL);
            }
            JoinArgs args = new JoinArgs(request, version, clientId, clientHost, protocols, response);
            if (unknownMember) {
                joinUnknownMember(group, args);
            } else {
                joinKnownMember(group, args);
            }
        }
        return response;
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
            complete(args.response(), errorResponse(args.request().memberId(), Errors.GROUP_MAX_SIZE_REACHED));
            return;
        }
        if (instanceId == null && JoinGroupRequest.requiresKnownMemberId(args.version())) {
            // KIP-394: the member must come back with the id, so a lost response leaves no ghost member.
            group.pendingMembers().put(newMemberId, time.milliseconds() + args.request().sessionTimeoutMs());
            complete(args.response(), errorResponse(newMemberId, Errors.MEMBER_ID_REQUIRED));
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
            complete(args.response(), errorResponse(memberId, fenced));
            return;
        }
        GroupMember member = group.member(memberId);
        if (member == null) {
            complete(args.response(), errorResponse(memberId, Errors.UNKNOWN_MEMBER_ID));
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
                    complete(args.response(), joinResponse(group, member, args.version(), leader));
                } else {
                    updateMemberAndAwaitJoin(group, member, args);
                    prepareRebalance(group, "member " + memberId + " rejoined with new metadata or as leader");
                }
            }
            default -> complete(args.response(), errorResponse(memberId, Errors.UNKNOWN_MEMBER_ID));
        }
    }

    /** A static member restarted: its new incarnation takes over the old id and, when stable, the assignment. */
    private void replaceStaticMember(ClassicGroup group, JoinArgs args, String oldMemberId, String newMemberId) {
        GroupMember old = group.member(oldMemberId);
        if (old.awaitingJoin() != null) {
            complete(old.awaitingJoin(), errorResponse(oldMemberId, Errors.FENCED_INSTANCE_ID));
            old.setAwaitingJoin(null, (short) 0);
        }
        if (old.awaitingSync() != null) {
            complete(old.awaitingSync(), new SyncGroupResponseData().setErrorCode(Errors.FENCED_INSTANCE_ID.code()));
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
            persist(group);
            boolean leader = newMemberId.equals(group.leaderId());
            complete(args.response(), joinResponse(group, old, args.version(), leader));
        } else {
            updateMemberAndAwaitJoin(group, old, args);
            prepareRebalance(group, "static member " + args.instanceId() + " rejoined");
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
            extendInitialDelay(group);
            maybeCompleteJoin(group);
        } else {
            prepareRebalance(group, "member " + memberId + " joined");
        }
    }

    private void updateMemberAndAwaitJoin(ClassicGroup group, GroupMember member, JoinArgs args) {
        JoinGroupRequestData r = args.request();
        if (member.awaitingJoin() != null && member.awaitingJoin() != args.response()) {
            // A newer join of the same member supersedes the parked one.
            complete(member.awaitingJoin(), errorResponse(member.memberId(), Errors.REBALANCE_IN_PROGRESS));
        }
        member.update(args.clientId(), args.clientHost(), r.rebalanceTimeoutMs(), r.sessionTimeoutMs(),
                args.protocols());
        member.setAwaitingJoin(args.response(), args.version());
        member.heartbeat(time.milliseconds());
        if (group.is(GroupState.PREPARING_REBALANCE)) {
            maybeCompleteJoin(group);
        }
    }

    /** Starts a join phase: everyone must rejoin (or be dropped when the rebalance timeout passes). */
    void prepareRebalance(ClassicGroup group, String reason) {
        long now = time.milliseconds();
        if (group.is(GroupState.COMPLETING_REBALANCE)) {
            for (GroupMember m : group.members()) {
                m.setAssignment(new byte[0]);
                if (m.awaitingSync() != null) {
                    complete(m.awaitingSync(), new SyncGroupResponseData()
                            .setErrorCode(Errors.REBALANCE_IN_PROGRESS.code()));
                    m.setAwaitingSync(null);
                }
            }
        }
        boolean fromEmpty = group.is(GroupState.EMPTY);
        int rebalanceTimeout = group.maxRebalanceTimeoutMs();
        group.setJoinDeadlineMs(now + rebalanceTimeout);
        group.setInitialDelayUntilMs(fromEmpty ? now + Math.min(config.initialRebalanceDelayMs(), rebalanceTimeout) : 0);
        group.transitionTo(GroupState.PREPARING_REBALANCE, now);
        log.info("Preparing to rebalance group {} in generation {}: {}", group.groupId(), group.generation(), reason);
        maybeCompleteJoin(group);
    }

    /** Each member joining during the initial delay extends it, up to the rebalance timeout (as Kafka does). */
    private void extendInitialDelay(ClassicGroup group) {
        if (group.initialDelayUntilMs() > 0) {
            long now = time.milliseconds();
            group.setInitialDelayUntilMs(Math.min(now + config.initialRebalanceDelayMs(), group.joinDeadlineMs()));
        }
    }

    private void maybeCompleteJoin(ClassicGroup group) {
        long now = time.milliseconds();
        boolean delayOver = now >= group.initialDelayUntilMs();
        if (group.is(GroupState.PREPARING_REBALANCE) && ((group.allMembersJoined() && delayOver)
                || now >= group.joinDeadlineMs())) {
            completeJoin(group);
        }
    }

    private void completeJoin(ClassicGroup group) {
        long now = time.milliseconds();
        for (GroupMember m : new ArrayList<>(group.members())) {
            if (m.awaitingJoin() == null) {
                log.info("Removing member {} of group {}: it did not rejoin within the rebalance timeout",
                        m.memberId(), group.groupId());
                group.remove(m.memberId());
            }
        }
        group.pendingMembers().values().removeIf(deadline -> deadline <= now);
        group.setGeneration(group.generation() + 1);
        metrics.rebalanceCompleted();
        if (group.isEmpty()) {
            // The protocol type stays: an empty consumer group is still a consumer group (listing, retention).
            group.setProtocolName(null);
            group.transitionTo(GroupState.EMPTY, now);
            persist(group);
            log.info("Group {} is empty at generation {}", group.groupId(), group.generation());
            return;
        }
        group.setProtocolName(group.selectProtocol());
        group.transitionTo(GroupState.COMPLETING_REBALANCE, now);
        group.setSyncDeadlineMs(now + group.maxRebalanceTimeoutMs());
        for (GroupMember m : group.members()) {
            CompletableFuture<JoinGroupResponseData> waiting = m.awaitingJoin();
            boolean leader = m.memberId().equals(group.leaderId());
            JoinGroupResponseData response = joinResponse(group, m, m.joinVersion(), leader);
            m.setAwaitingJoin(null, (short) 0);
            m.heartbeat(now);
            complete(waiting, response);
        }
        log.info("Group {} completed its join phase: generation {}, protocol {}, {} member(s)", group.groupId(),
                group.generation(), group.protocolName(), group.members().size());
    }

    private JoinGroupResponseData joinResponse(ClassicGroup group, GroupMember member, short version,
                                               boolean withMembers) {
        JoinGroupResponseData response = new JoinGroupResponseData()
                .setErrorCode(Errors.NONE.code())
                .setGenerationId(group.generation())
                .setProtocolType(group.protocolType())
                .setProtocolName(group.protocolName())
                .setLeader(group.leaderId())
                .setMemberId(member.memberId())
                .setSkipAssignment(withMembers && group.is(GroupState.STABLE));
        if (withMembers) {
            for (GroupMember m : group.members()) {
                byte[] metadata = m.metadata(group.protocolName());
                response.members().add(new JoinGroupResponseData.JoinGroupResponseMember()
                        .setMemberId(m.memberId())
                        .setGroupInstanceId(m.groupInstanceId())
                        .setMetadata(metadata == null ? new byte[0] : metadata));
            }
        }
        if (response.skipAssignment() && !JoinGroupRequest.supportsSkippingAssignment(version)) {
            // Older leaders cannot be told to skip: they get no member list and keep their assignment.
            response.setSkipAssignment(false).members().clear();
        }
        return response;
    }

    // ---- SyncGroup ----

    public CompletableFuture<SyncGroupResponseData> sync(SyncGroupRequestData request) {
        ClassicGroup group;
        try {
            group = registry.get(request.groupId());
        } catch (ApiException e) {
            return CompletableFuture.completedFuture(syncError(Errors.forException(e)));
        }
        if (group == null) {
            return CompletableFuture.completedFuture(syncError(Errors.UNKNOWN_MEMBER_ID));
        }
        synchronized (group) {
            Errors error = validateMember(group, request.memberId(), request.groupInstanceId(),
                    request.generationId());
            if (error != Errors.NONE) {
                return CompletableFuture.completedFuture(syncError(error));
            }
            if ((request.protocolType() != null && !request.protocolType().equals(group.protocolType()))
                    || (request.protocolName() != null && !request.protocolName().equals(group.protocolName()))) {
                return CompletableFuture.completedFuture(syncError(Errors.INCONSISTENT_GROUP_PROTOCOL));
            }
            GroupMember member = group.member(request.memberId());
            switch (group.state()) {
                case PREPARING_REBALANCE -> {
                    return CompletableFuture.completedFuture(syncError(Errors.REBALANCE_IN_PROGRESS));
                }
                case STABLE -> {
                    member.heartbeat(time.milliseconds());
                    return CompletableFuture.completedFuture(syncResponse(group, member));
                }
                case COMPLETING_REBALANCE -> {
                    CompletableFuture<SyncGroupResponseData> response = new CompletableFuture<>();
                    member.setAwaitingSync(response);
                    member.heartbeat(time.milliseconds());
                    if (request.memberId().equals(group.leaderId())) {
                        Map<String, byte[]> assignments = new java.util.HashMap<>();
                        request.assignments().forEach(a -> assignments.put(a.memberId(), a.assignment()));
                        for (GroupMember m : group.members()) {
                            m.setAssignment(assignments.get(m.memberId()));
                        }
                        completeSync(group);
                    }
                    return response;
                }
                default -> {
                    return CompletableFuture.completedFuture(syncError(Errors.UNKNOWN_MEMBER_ID));
                }
            }
        }
    }

    /** The leader's assignment arrived: persist the generation, then release every waiting member. */
    private void completeSync(ClassicGroup group) {
        try {
            persist(group);
        } catch (RuntimeException e) {
            log.warn("Could not persist group {} generation {}; rebalancing again", group.groupId(),
                    group.generation(), e);
            Errors error = Errors.forException(e) == Errors.UNKNOWN_SERVER_ERROR
                    ? Errors.COORDINATOR_NOT_AVAILABLE : Errors.forException(e);
            for (GroupMember m : group.members()) {
                if (m.awaitingSync() != null) {
                    complete(m.awaitingSync(), syncError(error));
                    m.setAwaitingSync(null);
                }
            }
            prepareRebalance(group, "failed to persist the assignment");
            return;
        }
        group.transitionTo(GroupState.STABLE, time.milliseconds());
        for (GroupMember m : group.members()) {
            if (m.awaitingSync() != null) {
                complete(m.awaitingSync(), syncResponse(group, m));
                m.setAwaitingSync(null);
            }
        }
        log.info("Group {} is stable at generation {}", group.groupId(), group.generation());
    }

    private static SyncGroupResponseData syncResponse(ClassicGroup group, GroupMember member) {
        return new SyncGroupResponseData().setErrorCode(Errors.NONE.code())
                .setProtocolType(group.protocolType())
                .setProtocolName(group.protocolName())
                .setAssignment(member.assignment());
    }

    private static SyncGroupResponseData syncError(Errors error) {
        return new SyncGroupResponseData().setErrorCode(error.code()).setAssignment(new byte[0]);
    }

    // ---- Heartbeat ----

    public Errors heartbeat(String groupId, String memberId, String instanceId, int generation) {
        ClassicGroup group = registry.get(groupId);
        if (group == null) {
            return Errors.UNKNOWN_MEMBER_ID;
        }
        synchronized (group) {
            Errors error = validateMember(group, memberId, instanceId, generation);
            if (error != Errors.NONE) {
                return error;
            }
            group.member(memberId).heartbeat(time.milliseconds());
            return group.is(GroupState.PREPARING_REBALANCE) ? Errors.REBALANCE_IN_PROGRESS : Errors.NONE;
        }
    }

    // ---- LeaveGroup ----

    /** A member leaving: by member id, or by instance id for static members (member id may then be empty). */
    public record Leaving(String memberId, String groupInstanceId, String reason) {
    }

    /**
     * Removes members from a group; returns each one's error, in order.
     *
     * @throws ApiException when the group is not coordinated here or still loading
     */
    public List<Errors> leave(String groupId, List<Leaving> leaving) {
        ClassicGroup group = registry.get(groupId);
        List<Errors> results = new ArrayList<>();
        for (Leaving l : leaving) {
            results.add(group == null ? Errors.UNKNOWN_MEMBER_ID
                    : leave(group, l.memberId(), l.groupInstanceId(), l.reason()));
        }
        return results;
    }

    private Errors leave(ClassicGroup group, String memberId, String instanceId, String reason) {
        synchronized (group) {
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
    }

    private void removeMember(ClassicGroup group, String memberId, String why) {
        GroupMember member = group.member(memberId);
        if (member.awaitingJoin() != null) {
            complete(member.awaitingJoin(), errorResponse(memberId, Errors.UNKNOWN_MEMBER_ID));
        }
        if (member.awaitingSync() != null) {
            complete(member.awaitingSync(), syncError(Errors.UNKNOWN_MEMBER_ID));
        }
        group.remove(memberId);
        log.info("Member {} of group {} {}", memberId, group.groupId(), why);
        switch (group.state()) {
            case STABLE, COMPLETING_REBALANCE -> prepareRebalance(group, "member " + memberId + " " + why);
            case PREPARING_REBALANCE -> maybeCompleteJoin(group);
            default -> { }
        }
    }

    // ---- timers ----

    /** Called periodically with the group's monitor held: ends join phases, sync waits and dead sessions. */
    void tick(ClassicGroup group) {
        long now = time.milliseconds();
        group.pendingMembers().values().removeIf(deadline -> deadline <= now);
        switch (group.state()) {
            case PREPARING_REBALANCE -> maybeCompleteJoin(group);
            case COMPLETING_REBALANCE -> {
                if (now >= group.syncDeadlineMs()) {
                    for (GroupMember m : new ArrayList<>(group.members())) {
                        if (m.awaitingSync() == null) {
                            group.remove(m.memberId());
                            log.info("Removing member {} of group {}: no SyncGroup within the rebalance timeout",
                                    m.memberId(), group.groupId());
                        }
                    }
                    prepareRebalance(group, "members missed the sync deadline");
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

    /** Writes the group's membership record; the caller holds the monitor. */
    private void persist(ClassicGroup group) {
        registry.append(group, List.of(GroupRecords.groupMetadata(group.groupId(), group.toValue(),
                time.milliseconds())));
    }

    private static JoinGroupResponseData errorResponse(String memberId, Errors error) {
        return new JoinGroupResponseData().setErrorCode(error.code()).setMemberId(memberId)
                .setGenerationId(JoinGroupRequest.UNKNOWN_GENERATION_ID).setLeader("").setProtocolName(null);
    }

    private static CompletableFuture<JoinGroupResponseData> joinError(String memberId, Errors error) {
        return CompletableFuture.completedFuture(errorResponse(memberId, error));
    }

    private <T> void complete(CompletableFuture<T> future, T value) {
        completions.execute(() -> future.complete(value));
    }
}
