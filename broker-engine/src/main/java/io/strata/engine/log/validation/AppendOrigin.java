package io.strata.engine.log.validation;

/** Who is appending as leader: producers through Produce, or a coordinator of this broker (which may write control batches). */
public enum AppendOrigin {
    CLIENT,
    COORDINATOR
}
