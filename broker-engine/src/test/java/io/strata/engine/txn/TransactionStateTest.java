package io.strata.engine.txn;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.strata.engine.txn.TransactionState.COMPLETE_ABORT;
import static io.strata.engine.txn.TransactionState.COMPLETE_COMMIT;
import static io.strata.engine.txn.TransactionState.DEAD;
import static io.strata.engine.txn.TransactionState.EMPTY;
import static io.strata.engine.txn.TransactionState.ONGOING;
import static io.strata.engine.txn.TransactionState.PREPARE_ABORT;
import static io.strata.engine.txn.TransactionState.PREPARE_COMMIT;
import static io.strata.engine.txn.TransactionState.PREPARE_EPOCH_FENCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatNoException;

class TransactionStateTest {

    /** Kafka 4.4's table, written out independently of the production one. */
    private static final Map<TransactionState, Set<TransactionState>> EXPECTED = Map.of(
            EMPTY, EnumSet.of(EMPTY, COMPLETE_COMMIT, COMPLETE_ABORT),
            ONGOING, EnumSet.of(ONGOING, EMPTY, COMPLETE_COMMIT, COMPLETE_ABORT),
            PREPARE_COMMIT, EnumSet.of(ONGOING),
            PREPARE_ABORT, EnumSet.of(ONGOING, PREPARE_EPOCH_FENCE, EMPTY, COMPLETE_COMMIT, COMPLETE_ABORT),
            COMPLETE_COMMIT, EnumSet.of(PREPARE_COMMIT),
            COMPLETE_ABORT, EnumSet.of(PREPARE_ABORT),
            DEAD, EnumSet.of(EMPTY, COMPLETE_COMMIT, COMPLETE_ABORT),
            PREPARE_EPOCH_FENCE, EnumSet.of(ONGOING));

    @TestFactory
    List<DynamicTest> everyTransitionIsLegalExactlyWhenTheTableSaysSo() {
        List<DynamicTest> tests = new ArrayList<>();
        for (TransactionState to : TransactionState.values()) {
            for (TransactionState from : TransactionState.values()) {
                boolean legal = EXPECTED.get(to).contains(from);
                tests.add(DynamicTest.dynamicTest(from + " -> " + to + (legal ? " is legal" : " throws"), () -> {
                    if (legal) {
                        assertThatNoException().isThrownBy(() -> to.checkTransitionFrom(from));
                    } else {
                        assertThatIllegalStateException().isThrownBy(() -> to.checkTransitionFrom(from))
                                .withMessageContaining(from.toString()).withMessageContaining(to.toString());
                    }
                }));
            }
        }
        return tests;
    }

    @Test
    void theTableHasARowForEveryStateAndCannotBeModified() {
        assertThat(TransactionState.VALID_PREVIOUS).containsOnlyKeys(TransactionState.values());
        assertThat(TransactionState.VALID_PREVIOUS).isEqualTo(EXPECTED);
        assertThatUnsupported(() -> TransactionState.VALID_PREVIOUS.get(EMPTY).add(DEAD));
        assertThatUnsupported(() -> TransactionState.VALID_PREVIOUS.put(DEAD, Set.of()));
    }

    @Test
    void idsAndNamesAreKafkas() {
        String[] names = {"Empty", "Ongoing", "PrepareCommit", "PrepareAbort", "CompleteCommit", "CompleteAbort",
                "Dead", "PrepareEpochFence"};
        TransactionState[] states = {EMPTY, ONGOING, PREPARE_COMMIT, PREPARE_ABORT, COMPLETE_COMMIT, COMPLETE_ABORT,
                DEAD, PREPARE_EPOCH_FENCE};
        for (int id = 0; id < states.length; id++) {
            assertThat(states[id].id()).isEqualTo((byte) id);
            assertThat(states[id].displayName()).isEqualTo(names[id]);
            assertThat(TransactionState.fromId((byte) id)).isEqualTo(states[id]);
            assertThat(TransactionState.fromDisplayName(names[id])).contains(states[id]);
        }
        assertThatIllegalArgumentException().isThrownBy(() -> TransactionState.fromId((byte) 8));
        assertThatIllegalArgumentException().isThrownBy(() -> TransactionState.fromId((byte) -1));
        assertThat(TransactionState.fromDisplayName("ongoing")).isEmpty();
    }

    @Test
    void onlyIdleStatesMayExpire() {
        assertThat(EnumSet.allOf(TransactionState.class).stream().filter(TransactionState::isExpirationAllowed))
                .containsExactlyInAnyOrder(EMPTY, COMPLETE_COMMIT, COMPLETE_ABORT);
    }

    private static void assertThatUnsupported(Runnable change) {
        org.assertj.core.api.Assertions.assertThatThrownBy(change::run)
                .isInstanceOf(UnsupportedOperationException.class);
    }
}
