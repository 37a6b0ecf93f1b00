package dev.kiln.api;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import dev.kiln.workload.Json;
import dev.kiln.workload.KilnException;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/** Reading request bodies and query parameters; every failure is a 400 (or 413/415) naming the field. */
final class Requests {
    private Requests() {}

    static <T> T body(Context ctx, Class<T> type, long maxBytes) {
        return optionalBody(ctx, type, maxBytes)
                .orElseThrow(() -> new KilnException.Invalid("body", "a JSON object is required"));
    }

    /** The body, or empty when the request has none. */
    static <T> java.util.Optional<T> optionalBody(Context ctx, Class<T> type, long maxBytes) {
        String contentType = ctx.contentType();
        if (contentType != null && !contentType.isBlank()) {
            String base = contentType.split(";", 2)[0].trim().toLowerCase(java.util.Locale.ROOT);
            if (!base.equals("application/json") && !base.endsWith("+json")) {
                throw new KilnException.UnsupportedMediaType(
                        "Content-Type " + base + " is not supported; send application/json");
            }
        }
        byte[] bytes = readLimited(ctx, maxBytes);
        if (bytes.length == 0 || new String(bytes, java.nio.charset.StandardCharsets.UTF_8).isBlank()) {
            return java.util.Optional.empty();
        }
        try {
            T value = Json.MAPPER.readValue(bytes, type);
            if (value == null) {
                throw new KilnException.Invalid("body", "a JSON object is required, not null");
            }
            return java.util.Optional.of(value);
        } catch (JsonProcessingException e) {
            throw invalidJson(e);
        } catch (IOException e) {
            throw new KilnException.Invalid("body", "unreadable body: " + e.getMessage());
        }
    }

    private static byte[] readLimited(Context ctx, long maxBytes) {
        long declared = ctx.req().getContentLengthLong();
        if (declared > maxBytes) {
            throw tooLarge(maxBytes);
        }
        try (InputStream in = ctx.bodyInputStream()) {
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
            if (bytes.length > maxBytes) {
                throw tooLarge(maxBytes);
            }
            return bytes;
        } catch (IOException e) {
            throw new KilnException.Invalid("body", "unreadable body: " + e.getMessage());
        }
    }

    private static KilnException.PayloadTooLarge tooLarge(long maxBytes) {
        return new KilnException.PayloadTooLarge("request body is larger than " + maxBytes + " bytes");
    }

    /** Names the field Jackson choked on, as the client wrote it: resource.replica, cronJobs[0].schedule. */
    static KilnException.Invalid invalidJson(JsonProcessingException e) {
        String field = "body";
        if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
            StringBuilder path = new StringBuilder();
            for (JsonMappingException.Reference ref : m.getPath()) {
                if (ref.getFieldName() != null) {
                    if (!path.isEmpty()) {
                        path.append('.');
                    }
                    path.append(ref.getFieldName());
                } else if (ref.getIndex() >= 0) {
                    path.append('[').append(ref.getIndex()).append(']');
                }
            }
            field = path.toString();
        }
        String message;
        if (e instanceof InvalidFormatException f) {
            message = "value " + f.getValue() + " is not " + typeName(f.getTargetType());
        } else if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
            message = "expected " + typeName(m.getTargetType());
        } else if (e instanceof InputCoercionException || e.getCause() instanceof InputCoercionException) {
            message = "number is out of range";
        } else if (e instanceof JsonParseException) {
            message = "malformed JSON: " + e.getOriginalMessage();
        } else {
            message = e.getOriginalMessage();
        }
        if (e.getMessage() != null && e.getMessage().contains("out of range")) {
            message = "number is out of range";
        }
        return new KilnException.Invalid(field, message);
    }

    private static String typeName(Class<?> type) {
        if (type == Integer.class || type == int.class) {
            return "a whole number (32-bit)";
        }
        if (type == Long.class || type == long.class) {
            return "a whole number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "a string";
        }
        if (List.class.isAssignableFrom(type)) {
            return "an array";
        }
        if (java.util.Map.class.isAssignableFrom(type) || type.isRecord()) {
            return "an object";
        }
        return type.getSimpleName();
    }

    static String query(Context ctx, String name) {
        String v = ctx.queryParam(name);
        return v == null || v.isEmpty() ? null : v;
    }

    static int intQuery(Context ctx, String name, int dflt, int min, int max) {
        String v = query(ctx, name);
        if (v == null) {
            return dflt;
        }
        int parsed;
        try {
            parsed = Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new KilnException.Invalid(name, "'" + v + "' is not a whole number; allowed " + min + "–" + max);
        }
        if (parsed < min || parsed > max) {
            throw new KilnException.Invalid(name, name + " " + parsed + " is out of range " + min + "–" + max);
        }
        return parsed;
    }

    /** A comma-separated list whose every value must be one of {@code allowed}. */
    static List<String> enumListQuery(Context ctx, String name, List<String> allowed) {
        String v = query(ctx, name);
        if (v == null) {
            return List.of();
        }
        List<String> values = Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).distinct().toList();
        for (String value : values) {
            if (!allowed.contains(value)) {
                throw new KilnException.Invalid(name, "'" + value + "' is not one of " + String.join(", ", allowed));
            }
        }
        return values;
    }

    static <T> T parsedQuery(Context ctx, String name, Function<String, java.util.Optional<T>> parser, String expected) {
        String v = query(ctx, name);
        if (v == null) {
            return null;
        }
        return parser.apply(v).orElseThrow(() -> new KilnException.Invalid(name, "'" + v + "' is not " + expected));
    }
}
