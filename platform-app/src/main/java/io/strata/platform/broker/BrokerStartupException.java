package io.strata.platform.broker;

/** The Kafka broker could not start; fails the application start-up. */
public class BrokerStartupException extends RuntimeException {
    private final int brokerId;
    private final String listener;

    public BrokerStartupException(int brokerId, String listener, Throwable cause) {
        super("Strata broker " + brokerId + " (Kafka listener " + listener + ") failed to start: "
                + rootMessage(cause), cause);
        this.brokerId = brokerId;
        this.listener = listener;
    }

    public int brokerId() {
        return brokerId;
    }

    /** host:port the broker tried to bind. */
    public String listener() {
        return listener;
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return root.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
