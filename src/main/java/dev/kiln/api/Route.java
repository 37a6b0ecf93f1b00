package dev.kiln.api;

import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import java.lang.reflect.Type;
import java.util.List;

/**
 * One API route and its documentation. Routes are registered only through this record, and the OpenAPI
 * document is generated from the same list, so neither can drift from the other.
 */
record Route(
        HandlerType method,
        String path,
        String summary,
        Class<?> requestBody,
        Type responseBody,
        List<Param> queryParams,
        Handler handler) {

    record Param(String name, String type, String description) {}
}
