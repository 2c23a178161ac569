package dev.lakehouse.emulator.sql;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * The emulator's {@code sleep(seconds)} SQL function (a Java UDF registered in DuckDB) that lets
 * tests make a statement slow. It sleeps in small slices and stops as soon as the statement that
 * runs it is cancelled: the statement worker binds its cancel flag to the thread DuckDB calls the
 * UDF on (the JDBC caller thread for such small queries).
 */
public final class SleepFunction {

    private static final ThreadLocal<BooleanSupplier> CANCELLED = new ThreadLocal<>();
    private static final long SLICE_MILLIS = 20;

    private SleepFunction() { }

    /** Runs {@code body} with {@code cancelled} visible to sleep() calls on this thread. */
    public static <T> T withCancelFlag(BooleanSupplier cancelled, SqlCall<T> body) throws java.sql.SQLException {
        CANCELLED.set(cancelled);
        try {
            return body.call();
        } finally {
            CANCELLED.remove();
        }
    }

    /** A JDBC call that may throw SQLException. */
    @FunctionalInterface
    public interface SqlCall<T> {
        T call() throws java.sql.SQLException;
    }

    /** Sleeps up to {@code max}; throws when the calling statement is cancelled or the thread interrupted. */
    static Double sleep(Double seconds, Duration max) {
        if (seconds == null) {
            return null;
        }
        long deadline = System.nanoTime() + Math.min((long) (seconds * 1_000_000_000L), max.toNanos());
        BooleanSupplier cancelled = CANCELLED.get();
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return seconds;
                }
                if ((cancelled != null && cancelled.getAsBoolean()) || Thread.currentThread().isInterrupted()) {
                    throw new IllegalStateException("sleep() interrupted: statement cancelled");
                }
                Thread.sleep(Math.min(SLICE_MILLIS, Math.max(1, left / 1_000_000)));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("sleep() interrupted: statement cancelled");
        }
    }
}
