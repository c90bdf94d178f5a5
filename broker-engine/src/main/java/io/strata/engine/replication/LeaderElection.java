package io.strata.engine.replication;

import io.strata.engine.metadata.PartitionMetadata;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The controller's choice for one partition, given which brokers are fenced and which may lead: a pure
 * function, so the rules can be tested without brokers or a store. Kafka's rules without eligible leader
 * replicas (KIP-966):
 * <ul>
 *   <li>Fenced brokers leave the ISR, except that the last member stays (it may be the only copy of every
 *       committed record, and is the one to come back as leader).</li>
 *   <li>A fenced or missing (-1) leader is replaced by the first eligible ISR member in replica-list order.</li>
 *   <li>With none, and only when the topic allows unclean election, by the first eligible replica outside
 *       the ISR, which becomes the whole ISR (committed records the old ISR had may be lost).</li>
 *   <li>Otherwise the partition is offline: leader -1.</li>
 * </ul>
 * A broker in controlled shutdown (live, not fenced, about to stop) leaves like a fenced one, with two
 * differences that keep a live copy serving: as leader it is replaced only by an eligible ISR member (never
 * by unclean election) and otherwise keeps leading, and as the last ISR member it stays. It is never elected.
 * The leader epoch grows only when the leader changes (to -1 too). ISR shrinks and expands for lagging
 * followers are the leaders' job, not this one.
 */
public final class LeaderElection {
    /** The leader of a partition without one. */
    public static final int NO_LEADER = -1;

    private LeaderElection() {
    }

    /**
     * @param fenced          brokers fenced by the controller
     * @param eligible        brokers that may lead: live and not fenced
     * @param uncleanAllowed  the topic's {@code unclean.leader.election.enable}
     * @return the partition to store (its partition epoch is the store's to bump), or empty if nothing changes
     */
    public static Optional<PartitionMetadata> next(PartitionMetadata current, Set<Integer> fenced,
                                                   Set<Integer> eligible, boolean uncleanAllowed) {
        return next(current, fenced, Set.of(), eligible, uncleanAllowed);
    }

    /**
     * @param fenced          brokers fenced by the controller
     * @param shuttingDown    live, unfenced brokers in controlled shutdown
     * @param eligible        brokers that may lead: live, not fenced and not shutting down
     * @param uncleanAllowed  the topic's {@code unclean.leader.election.enable}
     * @return the partition to store (its partition epoch is the store's to bump), or empty if nothing changes
     */
    public static Optional<PartitionMetadata> next(PartitionMetadata current, Set<Integer> fenced,
                                                   Set<Integer> shuttingDown, Set<Integer> eligible,
                                                   boolean uncleanAllowed) {
        Set<Integer> leaving = new HashSet<>(fenced);
        leaving.addAll(shuttingDown);
        List<Integer> inSync = isrWithoutFenced(current, leaving);
        List<Integer> isr = inSync;
        int leader = current.leader();
        if (leader != NO_LEADER && shuttingDown.contains(leader) && !fenced.contains(leader)) {
            int successor = firstEligible(current.replicas(), inSync, eligible);
            if (successor != NO_LEADER) {
                leader = successor;
            } else if (!inSync.contains(leader)) {
                isr = withLeader(current, inSync, leader); // no successor: it keeps leading, so it stays in sync
            }
        } else if (leader == NO_LEADER || fenced.contains(leader)) {
            leader = firstEligible(current.replicas(), inSync, eligible);
            if (leader == NO_LEADER && uncleanAllowed) {
                List<Integer> outOfSync = current.replicas().stream().filter(r -> !inSync.contains(r)).toList();
                leader = firstEligible(outOfSync, outOfSync, eligible);
                if (leader != NO_LEADER) {
                    isr = List.of(leader);
                }
            }
        }
        if (leader == current.leader() && isr.equals(current.isr())) {
            return Optional.empty();
        }
        int leaderEpoch = leader == current.leader() ? current.leaderEpoch() : current.leaderEpoch() + 1;
        return Optional.of(new PartitionMetadata(current.partition(), leader, leaderEpoch, current.replicas(), isr,
                current.partitionEpoch()));
    }

    /** The ISR without fenced members; when all are fenced, the leader (if a member) or else the first member stays. */
    private static List<Integer> isrWithoutFenced(PartitionMetadata current, Set<Integer> fenced) {
        List<Integer> kept = new ArrayList<>(current.isr());
        kept.removeIf(fenced::contains);
        if (!kept.isEmpty() || current.isr().isEmpty()) {
            return List.copyOf(kept);
        }
        return List.of(current.isr().contains(current.leader()) ? current.leader() : current.isr().get(0));
    }

    /** {@code inSync} plus the leader, in the current ISR's order. */
    private static List<Integer> withLeader(PartitionMetadata current, List<Integer> inSync, int leader) {
        return current.isr().stream().filter(id -> id == leader || inSync.contains(id)).toList();
    }

    /** The first of {@code replicas} (replica-list order) that is in {@code candidates} and eligible, or -1. */
    private static int firstEligible(List<Integer> replicas, List<Integer> candidates, Set<Integer> eligible) {
        for (int replica : replicas) {
            if (candidates.contains(replica) && eligible.contains(replica)) {
                return replica;
            }
        }
        return NO_LEADER;
    }
}
