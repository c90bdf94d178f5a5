package io.strata.admin.service;

import io.strata.admin.error.RestException;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;

import java.util.Locale;

/** One config change of an alter request: set {@code name} to {@code value}, or delete it back to its default. */
public record ConfigChange(String name, String value, Operation operation) {

    public enum Operation { SET, DELETE }

    public ConfigChange {
        if (name == null || name.isBlank()) {
            throw RestException.badRequest("A config change needs a name");
        }
    }

    public static ConfigChange set(String name, String value) {
        return new ConfigChange(name, value, Operation.SET);
    }

    public static ConfigChange delete(String name) {
        return new ConfigChange(name, null, Operation.DELETE);
    }

    /** From a request's {@code operation} string: SET when absent, else SET or DELETE in any case; 400 otherwise. */
    public static ConfigChange parse(String name, String value, String operation) {
        if (operation == null || operation.isBlank()) {
            return set(name, value);
        }
        try {
            return new ConfigChange(name, value, Operation.valueOf(operation.trim().toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            throw RestException.badRequest("Invalid config operation '" + operation + "' for " + name
                    + ": expected SET or DELETE");
        }
    }

    AlterConfigOp toAlterConfigOp() {
        return operation == Operation.SET
                ? new AlterConfigOp(new ConfigEntry(name, value), AlterConfigOp.OpType.SET)
                : new AlterConfigOp(new ConfigEntry(name, null), AlterConfigOp.OpType.DELETE);
    }
}
