package dev.lakehouse.gateway.ratelimit;

import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * Reads a {@code Retry-After} field value (RFC 9110 §10.2.3): delay-seconds or an HTTP-date. A date in the past
 * means "now", which for a 429 is never sooner than one second (a client that retries at once meets the same wall);
 * anything else (negative, fractional, several values, garbage) is not a value at all, and the caller's default
 * applies.
 */
public final class RetryAfter {

    private RetryAfter() {
    }

    /** Seconds to wait, at least 1; null when the field is missing or not a valid value. */
    public static Long seconds(String field, Clock clock) {
        if (field == null) {
            return null;
        }
        String value = field.trim();
        if (value.isEmpty()) {
            return null;
        }
        if (value.chars().allMatch(Character::isDigit)) {
            try {
                return Math.max(1, Long.parseLong(value));
            } catch (NumberFormatException tooLong) {
                return Long.MAX_VALUE / 1_000_000_000L;   // absurdly far: the caps apply
            }
        }
        try {
            ZonedDateTime at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME);
            long seconds = (long) Math.ceil(Duration.between(clock.instant(), at.toInstant()).toMillis() / 1000.0);
            return Math.max(1, seconds);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
