package io.strata.engine.server;

/** Lifecycle of a broker, reported by platform-app's health endpoint. */
public enum BrokerState {
    NOT_RUNNING, STARTING, RECOVERING_LOGS, RUNNING, SHUTTING_DOWN
}
