package dev.kiln.api;

import dev.kiln.auth.Caller;
import io.javalin.http.Context;

/** The authenticated caller of a request, set once by {@link ApiServer} before any handler runs. */
final class Callers {
    static final String ATTRIBUTE = "kiln.caller";
    static final String AUDIT_TARGET = "kiln.audit.target";

    private Callers() {}

    static Caller of(Context ctx) {
        Caller caller = ctx.attribute(ATTRIBUTE);
        if (caller == null) {
            throw new IllegalStateException("no caller on " + ctx.path() + ": the route is PUBLIC");
        }
        return caller;
    }

    /** What a write acted on, for the audit log, when the path does not say (a new id, a batch). */
    static void auditTarget(Context ctx, String target) {
        ctx.attribute(AUDIT_TARGET, target);
    }
}
