package io.strata.engine.group;

import io.strata.engine.config.GroupConfig;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.JoinGroupRequest;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Moves a classic group through a rebalance: starts the join phase, ends it (dropping members that did not
 * rejoin, bumping the generation, choosing protocol and leader, answering the parked joins), and ends the
 * sync phase once the leader's assignment is persisted. Runs on the group's shard thread, inside an operation:
 * records go into that operation's write and parked responses are answered once it commits
 * ({@link GroupShard#answer}), so a member never learns of a generation a failover could lose.
 */
final class GroupRebalance {
    private static final Logger log = LoggerFactory.getLogger(GroupRebalance.class);

    private final GroupConfig config;
    private final Time time;
    private final GroupMetrics metrics;

    GroupRebalance(GroupConfig config, Time time, GroupMetrics metrics) {
        this.config = config;
        this.time = time;
        this.metrics = metrics;
    }

    /** Starts a join phase: everyone must rejoin (or be dropped when the rebalance timeout passes). */
    void prepare(ClassicGroup group, String reason) {
        long now = time.milliseconds();
        if (group.is(GroupState.COMPLETING_REBALANCE)) {
            for (GroupMember m : group.members()) {
                m.setAssignment(new byte[0]);
                if (m.awaitingSync() != null) {
                    answerSync(group, m.awaitingSync(), syncError(Errors.REBALANCE_IN_PROGRESS));
                    m.setAwaitingSync(null);
                }
            }
        }
        boolean fromEmpty = group.is(GroupState.EMPTY);
        int rebalanceTimeout = group.maxRebalanceTimeoutMs();
        group.setJoinDeadlineMs(now + rebalanceTimeout);
        group.setInitialDelayUntilMs(fromEmpty ? now + Math.min(config.initialRebalanceDelayMs(), rebalanceTimeout) : 0);
        if (!group.is(GroupState.PREPARING_REBALANCE)) { // already joining: only the deadlines move
            group.transitionTo(GroupState.PREPARING_REBALANCE, now);
        }
        log.info("Preparing to rebalance group {} in generation {}: {}", group.groupId(), group.generation(), reason);
        maybeCompleteJoin(group);
    }

    /** Each member joining during the initial delay extends it, up to the rebalance timeout (as Kafka does). */
    void extendInitialDelay(ClassicGroup group) {
        if (group.initialDelayUntilMs() > 0) {
            long now = time.milliseconds();
            group.setInitialDelayUntilMs(Math.min(now + config.initialRebalanceDelayMs(), group.joinDeadlineMs()));
        }
    }

    void maybeCompleteJoin(ClassicGroup group) {
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
            answerJoin(group, waiting, response);
        }
        log.info("Group {} completed its join phase: generation {}, protocol {}, {} member(s)", group.groupId(),
                group.generation(), group.protocolName(), group.members().size());
    }

    JoinGroupResponseData joinResponse(ClassicGroup group, GroupMember member, short version,
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

    /**
     * The leader's assignment arrived: persist the generation and release every waiting member once that record
     * is committed. If the write fails the members get its error and the group rebalances again.
     */
    void completeSync(ClassicGroup group) {
        persist(group);
        group.transitionTo(GroupState.STABLE, time.milliseconds());
        for (GroupMember m : group.members()) {
            if (m.awaitingSync() != null) {
                answerSync(group, m.awaitingSync(), syncResponse(group, m));
                m.setAwaitingSync(null);
            }
        }
        int generation = group.generation();
        group.shard().onWriteFailure(shard -> {
            ClassicGroup current = shard.get(group.groupId());
            if (current == group && group.is(GroupState.STABLE) && group.generation() == generation) {
                log.warn("Could not persist group {} generation {}; rebalancing again", group.groupId(), generation);
                prepare(group, "failed to persist the assignment");
            }
        });
        log.info("Group {} is stable at generation {}", group.groupId(), group.generation());
    }

    static SyncGroupResponseData syncResponse(ClassicGroup group, GroupMember member) {
        return new SyncGroupResponseData().setErrorCode(Errors.NONE.code())
                .setProtocolType(group.protocolType())
                .setProtocolName(group.protocolName())
                .setAssignment(member.assignment());
    }

    static SyncGroupResponseData syncError(Errors error) {
        return new SyncGroupResponseData().setErrorCode(error.code()).setAssignment(new byte[0]);
    }

    /** Adds the group's membership record to the running operation's write. */
    void persist(ClassicGroup group) {
        group.shard().append(new GroupRecords.GroupEntry(group.groupId(), group.toValue()));
    }

    static JoinGroupResponseData errorResponse(String memberId, Errors error) {
        return new JoinGroupResponseData().setErrorCode(error.code()).setMemberId(memberId)
                .setGenerationId(JoinGroupRequest.UNKNOWN_GENERATION_ID).setLeader("").setProtocolName(null);
    }

    /** Answers a parked JoinGroup once the running operation's write commits (with the write's error if it fails). */
    void answerJoin(ClassicGroup group, CompletableFuture<JoinGroupResponseData> future, JoinGroupResponseData response) {
        String memberId = response.memberId();
        group.shard().answer(future, response, error -> errorResponse(memberId, error));
    }

    void answerSync(ClassicGroup group, CompletableFuture<SyncGroupResponseData> future, SyncGroupResponseData response) {
        group.shard().answer(future, response, GroupRebalance::syncError);
    }
}
