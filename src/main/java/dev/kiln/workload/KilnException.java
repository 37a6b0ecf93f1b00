package dev.kiln.workload;

import java.util.List;

/**
 * The one vocabulary of failures a request can end in. The HTTP layer maps each subclass to a status in one
 * place; nothing chooses a status by reading a message.
 */
public abstract sealed class KilnException extends RuntimeException {
    private final String errorCode;

    KilnException(String errorCode, String message) {
        super(message, null, false, false);
        this.errorCode = errorCode;
    }

    public String errorCode() {
        return errorCode;
    }

    /** 400: the request is wrong; {@link #details()} names each field. */
    public static final class Invalid extends KilnException {
        private final List<FieldError> details;

        public Invalid(List<FieldError> details) {
            super("BadRequest", summary(details));
            this.details = List.copyOf(details);
        }

        public Invalid(String field, String message) {
            this(List.of(new FieldError(field, message)));
        }

        public List<FieldError> details() {
            return details;
        }

        private static String summary(List<FieldError> details) {
            if (details.isEmpty()) {
                return "invalid request";
            }
            FieldError first = details.get(0);
            String head = first.field() + ": " + first.message();
            return details.size() == 1 ? head : head + " (and " + (details.size() - 1) + " more)";
        }
    }

    /** 404 with a specific code: WorkloadNotFound, WorkspaceNotFound, PodNotFound, NotFound. */
    public static final class NotFound extends KilnException {
        public NotFound(String errorCode, String message) {
            super(errorCode, message);
        }

        public static NotFound workload(String id) {
            return new NotFound("WorkloadNotFound", "workload " + id + " not found");
        }

        public static NotFound workspace(String id) {
            return new NotFound("WorkspaceNotFound", "workspace " + id + " not found");
        }

        public static NotFound pod(String workloadId, String podId) {
            return new NotFound("PodNotFound", "pod " + podId + " not found in workload " + workloadId);
        }
    }

    /** 409: the request is valid but the workload's state does not allow it. */
    public static final class Conflict extends KilnException {
        public Conflict(String message) {
            super("Conflict", message);
        }
    }

    /** 403: the caller is known but may not do this. */
    public static final class Forbidden extends KilnException {
        public Forbidden(String message) {
            super("Forbidden", message);
        }
    }

    /** 401: no valid credentials. */
    public static final class Unauthorized extends KilnException {
        public Unauthorized(String message) {
            super("Unauthorized", message);
        }
    }

    /** 413. */
    public static final class PayloadTooLarge extends KilnException {
        public PayloadTooLarge(String message) {
            super("PayloadTooLarge", message);
        }
    }

    /** 415. */
    public static final class UnsupportedMediaType extends KilnException {
        public UnsupportedMediaType(String message) {
            super("UnsupportedMediaType", message);
        }
    }
}
