package dev.lakehouse.gateway.mcp;

import java.util.Locale;

/** RFC 5424 severities as MCP names them, least severe first. */
public enum LogLevel {
    DEBUG, INFO, NOTICE, WARNING, ERROR, CRITICAL, ALERT, EMERGENCY;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Null when the name is not one of the eight levels. */
    public static LogLevel fromWire(String name) {
        for (LogLevel level : values()) {
            if (level.wireName().equals(name)) {
                return level;
            }
        }
        return null;
    }
}
