package io.strata.platform.metadata;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** The single {@code producer_id_block} row: the lowest producer id never handed out. */
@Entity
@Table(name = "producer_id_block")
public class ProducerIdBlockEntity {
    /** Primary key of the only row, inserted by the schema migration. */
    public static final int SINGLETON_ID = 1;

    @Id
    @Column(name = "id")
    private int id;

    @Column(name = "next_id", nullable = false)
    private long nextId;

    protected ProducerIdBlockEntity() {
    }

    /** Reserves {@code count} ids and returns the first; the caller must hold the row lock. */
    public long reserve(int count) {
        long first = nextId;
        nextId = Math.addExact(nextId, count);
        return first;
    }
}
