package io.strata.platform.metadata;

import org.apache.kafka.common.errors.StaleBrokerEpochException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.jdbc.autoconfigure.DataSourceProperties;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.stereotype.Component;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * Broker heartbeats on a JDBC connection of their own, outside the connection pool, so a pool busy with
 * metadata work can never delay a healthy broker's lease until it looks dead. One auto-commit
 * {@code UPDATE} per heartbeat, timestamped by the database clock and conditional on the broker epoch (and
 * one per controller lease renewal, conditional on the holder and controller epoch);
 * the connection is reopened on the next heartbeat after any failure. Thread-safe (synchronized: one
 * heartbeat at a time).
 */
@Component
@DependsOnDatabaseInitialization // Flyway first: nothing else orders it before the broker's first query
public class BrokerHeartbeatConnection implements DisposableBean {
    private static final Logger log = LoggerFactory.getLogger(BrokerHeartbeatConnection.class);
    private static final int QUERY_TIMEOUT_SECONDS = 5;

    private final String url;
    private final String username;
    private final String password;
    private final String sql;
    private final String renewSql;
    private Connection connection;

    public BrokerHeartbeatConnection(DataSourceProperties properties, MetadataDatabase database) {
        this.url = properties.determineUrl();
        this.username = properties.determineUsername();
        this.password = properties.determinePassword();
        this.sql = "UPDATE brokers SET last_heartbeat = " + database.clock()
                + " WHERE broker_id = ? AND broker_epoch = ?";
        this.renewSql = "UPDATE controller_lease SET renewed_at = " + database.clock()
                + ", lease_ms = ? WHERE id = 1 AND holder_broker_id = ? AND controller_epoch = ?";
    }

    /** @throws StaleBrokerEpochException if the broker's current registration has another epoch */
    public synchronized void heartbeat(int brokerId, long brokerEpoch) {
        int updated = update("Heartbeat of broker " + brokerId, sql, brokerId, brokerEpoch);
        if (updated == 0) {
            throw new StaleBrokerEpochException("Broker " + brokerId + " with epoch " + brokerEpoch
                    + " is not the broker's current registration (a newer one registered, or none did)");
        }
    }

    /**
     * Renews the controller lease with the same kind of single auto-commit {@code UPDATE}, conditional on the
     * holder and epoch (the compare-and-set), and timestamped by the database clock.
     *
     * @return false if the lease now carries another holder or epoch
     */
    public synchronized boolean renewController(int brokerId, long controllerEpoch, long leaseMs) {
        return update("Controller lease renewal of broker " + brokerId, renewSql, leaseMs, brokerId,
                controllerEpoch) == 1;
    }

    private int update(String what, String statementSql, long... parameters) {
        try {
            if (connection == null || connection.isClosed()) {
                connection = DriverManager.getConnection(url, username, password);
                connection.setAutoCommit(true);
            }
            try (PreparedStatement statement = connection.prepareStatement(statementSql)) {
                statement.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
                for (int i = 0; i < parameters.length; i++) {
                    statement.setLong(i + 1, parameters[i]);
                }
                return statement.executeUpdate();
            }
        } catch (SQLException e) {
            closeQuietly();
            throw new DataAccessResourceFailureException(what + " failed: " + e.getMessage(), e);
        }
    }

    private void closeQuietly() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                log.debug("Closing the heartbeat connection failed", e);
            }
            connection = null;
        }
    }

    @Override
    public synchronized void destroy() {
        closeQuietly();
    }
}
