package dev.kiln.api;

import dev.kiln.workload.Json;
import io.javalin.http.Context;

/** Writes JSON with Kiln's one mapper. */
final class Http {
    private Http() {}

    static void json(Context ctx, Object body) {
        ctx.contentType("application/json").result(Json.writeBytes(body));
    }
}
