package dev.kiln.workload;

import static java.util.Objects.requireNonNull;

/** One rejected field of a request: the field's path as the client wrote it, and what is wrong with it. */
public record FieldError(String field, String message) {
    public FieldError {
        requireNonNull(field, "field is null");
        requireNonNull(message, "message is null");
    }
}
