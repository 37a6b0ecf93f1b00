package dev.kiln.api;

import dev.kiln.workload.KilnException;

/** The one place a failure becomes an HTTP status. */
final class ApiErrors {
    private ApiErrors() {}

    static int status(KilnException e) {
        return switch (e) {
            case KilnException.Invalid i -> 400;
            case KilnException.Unauthorized u -> 401;
            case KilnException.Forbidden f -> 403;
            case KilnException.NotFound n -> 404;
            case KilnException.Conflict c -> 409;
            case KilnException.PayloadTooLarge p -> 413;
            case KilnException.UnsupportedMediaType m -> 415;
        };
    }

    static Views.ErrorResponse body(KilnException e) {
        return new Views.ErrorResponse(e.errorCode(), e.getMessage(),
                e instanceof KilnException.Invalid i ? i.details() : null);
    }
}
