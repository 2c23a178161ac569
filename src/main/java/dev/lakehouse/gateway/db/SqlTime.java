package dev.lakehouse.gateway.db;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * Instants to and from {@code TIMESTAMP WITH TIME ZONE} columns, the same way on H2 and PostgreSQL (both drivers map
 * {@link OffsetDateTime}; both keep microseconds, so an instant read back may differ below that).
 */
public final class SqlTime {

    private SqlTime() {
    }

    /** The parameter for a timestamp column (UTC), or null. */
    public static OffsetDateTime of(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }

    /** The instant of a timestamp column, or null. */
    public static Instant read(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }
}
