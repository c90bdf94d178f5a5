package io.strata.engine.txn;

/**
 * Levels of the {@code transaction.version} feature (KIP-890), and the protocol a transaction follows. The
 * coordinator takes each transaction's version from the request versions its client sends: EndTxn v5+ and
 * AddPartitionsToTxn v4+ are only sent by clients that speak version 2. Immutable.
 */
public enum TransactionVersion {
    /** Transactions as KIP-98 defined them. */
    TV_0(0),
    /** Same protocol; the {@code __transaction_state} value is written in its flexible version 1. */
    TV_1(1),
    /** KIP-890 part 2: the producer epoch is bumped on every commit and abort, partitions added implicitly. */
    TV_2(2);

    public static final String FEATURE_NAME = "transaction.version";

    private final short featureLevel;

    TransactionVersion(int featureLevel) {
        this.featureLevel = (short) featureLevel;
    }

    public short featureLevel() {
        return featureLevel;
    }

    /** Whether each EndTxn bumps the producer epoch (and rolls over to a new producer id when it runs out). */
    public boolean supportsEpochBump() {
        return featureLevel >= 2;
    }

    /** The {@code TransactionLogValue} version written for a transaction of this version. */
    public short logValueVersion() {
        return featureLevel >= 1 ? (short) 1 : (short) 0;
    }

    /**
     * The version persisted as {@code ClientTransactionVersion}. Unknown levels (a newer writer) are refused:
     * the coordinator cannot guess the protocol of a transaction it does not understand.
     */
    public static TransactionVersion fromFeatureLevel(short level) {
        for (TransactionVersion version : values()) {
            if (version.featureLevel == level) {
                return version;
            }
        }
        throw new IllegalArgumentException("Unknown transaction.version feature level " + level);
    }

    /** The protocol of a transaction ended by an EndTxn of this request version. */
    public static TransactionVersion forEndTxnVersion(short requestVersion) {
        return requestVersion > 4 ? TV_2 : TV_0;
    }

    /** The protocol of a transaction that added partitions with an AddPartitionsToTxn of this request version. */
    public static TransactionVersion forAddPartitionsToTxnVersion(short requestVersion) {
        return requestVersion > 3 ? TV_2 : TV_0;
    }
}
