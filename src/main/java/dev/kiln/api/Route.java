package dev.kiln.api;

import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import java.lang.reflect.Type;
import java.util.List;

/**
 * One API route, who may call it, and its documentation. Routes are registered only through this record, and the
 * OpenAPI document is generated from the same list, so neither can drift from the other.
 */
record Route(
        HandlerType method,
        String path,
        String summary,
        Class<?> requestBody,
        Type responseBody,
        List<Param> queryParams,
        Handler handler,
        Access access) {

    /** A route any authenticated caller may use; finer rules (workspace, owner) are the service's. */
    Route(HandlerType method, String path, String summary, Class<?> requestBody, Type responseBody, List<Param> queryParams, Handler handler) {
        this(method, path, summary, requestBody, responseBody, queryParams, handler, Access.USER);
    }

    record Param(String name, String type, String description) {}

    /** Who may call a route at all. */
    enum Access {
        /** No credentials needed: health and the API document. */
        PUBLIC,
        /** Any authenticated caller. */
        USER,
        /** Admins only. */
        ADMIN
    }
}
