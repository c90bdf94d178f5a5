package io.strata.platform.metadata;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** The single {@code cluster_info} row; {@code clusterId} is null until the first broker claims it. */
@Entity
@Table(name = "cluster_info")
public class ClusterInfoEntity {
    /** Primary key of the only row, inserted by the schema migration. */
    public static final int SINGLETON_ID = 1;

    @Id
    @Column(name = "id")
    private int id;

    @Column(name = "cluster_id", length = 64)
    private String clusterId;

    protected ClusterInfoEntity() {
    }

    public String getClusterId() {
        return clusterId;
    }
}
