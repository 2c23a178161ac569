package dev.lakehouse.gateway.databricks;

import com.fasterxml.jackson.databind.JsonNode;

import dev.lakehouse.gateway.tenant.WorkspaceConnection;

/** Databricks error answers as text a model can act on: what happened, the error code, and what to do next. */
public final class DatabricksErrors {

    private static final int MAX_MESSAGE = 300;

    private DatabricksErrors() {
    }

    public static String describe(int status, JsonNode body, Long retryAfter, WorkspaceConnection connection, String hint) {
        String code = body.path("error_code").asText("");
        String message = clip(body.path("message").asText(body.path("error").asText("")));
        String workspace = connection == null ? "the workspace" : "workspace '" + connection.name() + "'";
        String text;
        if (status == 0) {
            text = "Databricks " + workspace + " could not be reached. Try again later.";
        } else if (status == 429 || "REQUEST_LIMIT_EXCEEDED".equals(code) || "RESOURCE_EXHAUSTED".equals(code)) {
            text = "Databricks is rate limiting " + workspace + " (" + orDefault(code, "TOO_MANY_REQUESTS") + "). "
                    + "Retry after " + (retryAfter == null ? "a few" : retryAfter) + " seconds; fewer parallel calls help.";
        } else if (status == 503) {
            text = "Databricks " + workspace + " is temporarily unavailable (" + orDefault(code, "TEMPORARILY_UNAVAILABLE")
                    + "). Retry after " + (retryAfter == null ? "a few" : retryAfter) + " seconds.";
        } else if ((status == 401 || status == 403) && message.contains("Invalid access token")) {
            text = "Databricks " + workspace + " rejected the gateway's credentials (invalid or expired token). "
                    + "A tenant admin must renew the connection's token or client secret; retrying will not help.";
        } else if (status == 403) {
            text = "Permission denied by Databricks " + workspace + " (" + orDefault(code, "PERMISSION_DENIED") + "): "
                    + message + ". The connection's principal lacks this privilege; ask a workspace admin.";
        } else if (status == 400 && isPageTokenError(message)) {
            // the upstream page token inside the agent's cursor was rejected (tampered, or from another listing)
            return "Invalid cursor (Databricks: " + orDefault(code, "INVALID_PARAMETER_VALUE") + "): pass the next_cursor "
                    + "value of the previous page unchanged, or omit cursor to start from the first page.";
        } else if (status >= 500) {
            text = "Databricks " + workspace + " failed (HTTP " + status + ", " + orDefault(code, "INTERNAL_ERROR")
                    + "): " + message + ". Try again later.";
        } else {
            text = "Databricks refused the request (HTTP " + status + ", " + orDefault(code, "BAD_REQUEST") + "): " + message + ".";
        }
        // a tool's hint ("check the names with list_catalogs") is about the request: it is added where the request was
        // refused, never to rate limits, outages or credential failures
        boolean aboutTheRequest = status == 400 || status == 404 || status == 416;
        return !aboutTheRequest || hint == null || hint.isBlank() ? text : text + " " + hint;
    }

    private static boolean isPageTokenError(String message) {
        String lower = message.toLowerCase(java.util.Locale.ROOT);
        return lower.contains("page_token") || lower.contains("page token");
    }

    private static String orDefault(String code, String fallback) {
        return code == null || code.isBlank() ? fallback : code;
    }

    private static String clip(String message) {
        String trimmed = message.strip();
        while (trimmed.endsWith(".")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        return trimmed.length() > MAX_MESSAGE ? trimmed.substring(0, MAX_MESSAGE) + "…" : trimmed;
    }
}
