package io.strata.engine.txn;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class TransactionVersionTest {

    @Test
    void onlyVersion2BumpsTheEpochAndVersion1OnWritesTheFlexibleValue() {
        assertThat(TransactionVersion.TV_0.supportsEpochBump()).isFalse();
        assertThat(TransactionVersion.TV_1.supportsEpochBump()).isFalse();
        assertThat(TransactionVersion.TV_2.supportsEpochBump()).isTrue();
        assertThat(TransactionVersion.TV_0.logValueVersion()).isZero();
        assertThat(TransactionVersion.TV_1.logValueVersion()).isEqualTo((short) 1);
        assertThat(TransactionVersion.TV_2.logValueVersion()).isEqualTo((short) 1);
    }

    @Test
    void theClientsProtocolFollowsItsRequestVersions() {
        assertThat(TransactionVersion.forEndTxnVersion((short) 4)).isEqualTo(TransactionVersion.TV_0);
        assertThat(TransactionVersion.forEndTxnVersion((short) 5)).isEqualTo(TransactionVersion.TV_2);
        assertThat(TransactionVersion.forAddPartitionsToTxnVersion((short) 3)).isEqualTo(TransactionVersion.TV_0);
        assertThat(TransactionVersion.forAddPartitionsToTxnVersion((short) 4)).isEqualTo(TransactionVersion.TV_2);
    }

    @Test
    void featureLevelsRoundTripAndUnknownOnesAreRefused() {
        for (TransactionVersion version : TransactionVersion.values()) {
            assertThat(TransactionVersion.fromFeatureLevel(version.featureLevel())).isEqualTo(version);
        }
        assertThatIllegalArgumentException().isThrownBy(() -> TransactionVersion.fromFeatureLevel((short) 3));
        assertThat(TransactionVersion.FEATURE_NAME).isEqualTo("transaction.version");
    }
}
