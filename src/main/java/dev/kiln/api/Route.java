package dev.kiln.api;

import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import io.javalin.websocket.WsConfig;
import java.lang.reflect.Type;
import java.util.List;
import java.util.function.Consumer;

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
        Access access,
        Consumer<WsConfig> webSocket) {

    /** An HTTP route. */
    Route(HandlerType method, String path, String summary, Class<?> requestBody, Type responseBody, List<Param> queryParams,
            Handler handler, Access access) {
        this(method, path, summary, requestBody, responseBody, queryParams, handler, access, null);
    }

    /**
     * A WebSocket route, documented as the GET that upgrades. {@code handler} runs before the upgrade, after the
     * access check, and may refuse it with the usual errors; {@code webSocket} configures the socket.
     */
    static Route webSocket(String path, String summary, List<Param> queryParams, Handler beforeUpgrade, Consumer<WsConfig> webSocket) {
        return new Route(HandlerType.GET, path, summary, null, null, queryParams, beforeUpgrade, Access.USER,
                java.util.Objects.requireNonNull(webSocket, "webSocket is null"));
    }

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
