package io.strata.engine.group;

import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.SyncGroupResponseData;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A member of a classic group. Mutable; like the {@link ClassicGroup} holding it, touched only on its shard's
 * coordinator thread.
 */
final class GroupMember {
    /** A protocol the member supports (assignor name) with its subscription metadata. */
    record Protocol(String name, byte[] metadata) {
    }

    private String memberId;
    private final String groupInstanceId;
    private String clientId;
    private String clientHost;
    private int rebalanceTimeoutMs;
    private int sessionTimeoutMs;
    private List<Protocol> protocols;
    private byte[] assignment = new byte[0];
    private CompletableFuture<JoinGroupResponseData> awaitingJoin;
    private CompletableFuture<SyncGroupResponseData> awaitingSync;
    private long heartbeatDeadlineMs;
    /** Version of the JoinGroup the member is waiting on, for version-dependent response fields. */
    private short joinVersion;

    GroupMember(String memberId, String groupInstanceId, String clientId, String clientHost, int rebalanceTimeoutMs,
                int sessionTimeoutMs, List<Protocol> protocols) {
        this.memberId = memberId;
        this.groupInstanceId = groupInstanceId;
        this.clientId = clientId;
        this.clientHost = clientHost;
        this.rebalanceTimeoutMs = rebalanceTimeoutMs;
        this.sessionTimeoutMs = sessionTimeoutMs;
        this.protocols = List.copyOf(protocols);
    }

    String memberId() {
        return memberId;
    }

    void setMemberId(String memberId) {
        this.memberId = memberId;
    }

    String groupInstanceId() {
        return groupInstanceId;
    }

    boolean isStatic() {
        return groupInstanceId != null;
    }

    String clientId() {
        return clientId;
    }

    String clientHost() {
        return clientHost;
    }

    int rebalanceTimeoutMs() {
        return rebalanceTimeoutMs;
    }

    int sessionTimeoutMs() {
        return sessionTimeoutMs;
    }

    List<Protocol> protocols() {
        return protocols;
    }

    void update(String clientId, String clientHost, int rebalanceTimeoutMs, int sessionTimeoutMs,
                List<Protocol> protocols) {
        this.clientId = clientId;
        this.clientHost = clientHost;
        this.rebalanceTimeoutMs = rebalanceTimeoutMs;
        this.sessionTimeoutMs = sessionTimeoutMs;
        this.protocols = List.copyOf(protocols);
    }

    /** Subscription metadata for a protocol, or null when the member does not support it. */
    byte[] metadata(String protocol) {
        for (Protocol p : protocols) {
            if (p.name().equals(protocol)) {
                return p.metadata();
            }
        }
        return null;
    }

    boolean sameProtocols(List<Protocol> other) {
        if (other.size() != protocols.size()) {
            return false;
        }
        for (int i = 0; i < other.size(); i++) {
            Protocol a = protocols.get(i);
            Protocol b = other.get(i);
            if (!a.name().equals(b.name()) || !java.util.Arrays.equals(a.metadata(), b.metadata())) {
                return false;
            }
        }
        return true;
    }

    byte[] assignment() {
        return assignment;
    }

    void setAssignment(byte[] assignment) {
        this.assignment = assignment == null ? new byte[0] : assignment;
    }

    CompletableFuture<JoinGroupResponseData> awaitingJoin() {
        return awaitingJoin;
    }

    short joinVersion() {
        return joinVersion;
    }

    void setAwaitingJoin(CompletableFuture<JoinGroupResponseData> future, short version) {
        this.awaitingJoin = future;
        this.joinVersion = version;
    }

    CompletableFuture<SyncGroupResponseData> awaitingSync() {
        return awaitingSync;
    }

    void setAwaitingSync(CompletableFuture<SyncGroupResponseData> future) {
        this.awaitingSync = future;
    }

    long heartbeatDeadlineMs() {
        return heartbeatDeadlineMs;
    }

    void heartbeat(long nowMs) {
        this.heartbeatDeadlineMs = nowMs + sessionTimeoutMs;
    }

    /** A member parked in a join or sync is alive by definition; its session is checked once it is answered. */
    boolean isExpired(long nowMs) {
        return awaitingJoin == null && awaitingSync == null && nowMs >= heartbeatDeadlineMs;
    }
}
