package dev.lakehouse.emulator.admin;

import java.util.Iterator;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;

import dev.lakehouse.emulator.http.ApiException;

/**
 * Strict readers for admin request bodies: every check runs before anything is changed, so a bad body is a
 * 400 INVALID_PARAMETER_VALUE that leaves the workspace as it was. Absent and null fields read as null.
 */
final class AdminBodies {

    private AdminBodies() { }

    /** Rejects any field outside {@code allowed}: a typo must not be silently ignored. */
    static void onlyFields(JsonNode body, Set<String> allowed) {
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw ApiException.invalidParameter("Unknown field '" + name + "'; allowed: "
                        + String.join(", ", new TreeSet<>(allowed)));
            }
        }
    }

    static Long integerField(JsonNode body, String field, long min, long max) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong() || node.longValue() < min || node.longValue() > max) {
            throw ApiException.invalidParameter(field + " must be an integer between " + min + " and " + max
                    + ", got " + node);
        }
        return node.longValue();
    }

    static Boolean booleanField(JsonNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isBoolean()) {
            throw ApiException.invalidParameter(field + " must be true or false, got " + node);
        }
        return node.booleanValue();
    }

    /** A JSON string that is not blank, or null when absent. */
    static String stringField(JsonNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual() || node.textValue().isBlank()) {
            throw ApiException.invalidParameter(field + " must be a non-empty string, got " + node);
        }
        return node.textValue();
    }

    static String requiredString(JsonNode body, String field) {
        String value = stringField(body, field);
        if (value == null) {
            throw ApiException.invalidParameter("Missing required field: " + field);
        }
        return value;
    }
}
