package dev.lakehouse.gateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

/** Retry-After in every form a workspace (or a proxy in front of it) may send. */
class RetryAfterTest {

    static final Clock NOW = Clock.fixed(Instant.parse("2026-11-30T10:00:00Z"), ZoneOffset.UTC);

    @Test
    void delaySeconds() {
        assertThat(RetryAfter.seconds("3", NOW)).isEqualTo(3);
        assertThat(RetryAfter.seconds(" 120 ", NOW)).isEqualTo(120);
        assertThat(RetryAfter.seconds("0", NOW)).as("zero still waits a second").isEqualTo(1);
        assertThat(RetryAfter.seconds("99999999999999999999999", NOW)).as("absurd: capped later").isPositive();
    }

    @Test
    void httpDates() {
        assertThat(RetryAfter.seconds("Mon, 30 Nov 2026 10:00:07 GMT", NOW)).isEqualTo(7);
        assertThat(RetryAfter.seconds("Mon, 30 Nov 2026 09:00:00 GMT", NOW)).as("a past date is now, at least 1 s").isEqualTo(1);
    }

    @Test
    void garbageIsNoValue() {
        assertThat(RetryAfter.seconds(null, NOW)).isNull();
        assertThat(RetryAfter.seconds("", NOW)).isNull();
        assertThat(RetryAfter.seconds("soon", NOW)).isNull();
        assertThat(RetryAfter.seconds("-5", NOW)).isNull();
        assertThat(RetryAfter.seconds("1.5", NOW)).isNull();
        assertThat(RetryAfter.seconds("1, 2", NOW)).isNull();
        assertThat(RetryAfter.seconds("2026-11-30T10:00:07Z", NOW)).as("ISO is not an HTTP-date").isNull();
    }
}
