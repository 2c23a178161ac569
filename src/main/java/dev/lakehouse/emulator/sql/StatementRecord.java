package dev.lakehouse.emulator.sql;

import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** One statement's life: PENDING -> RUNNING -> SUCCEEDED | FAILED | CANCELED, then CLOSED. */
public final class StatementRecord {

    public enum State { PENDING, RUNNING, SUCCEEDED, FAILED, CANCELED, CLOSED }

    private final String id = "01ef" + UUID.randomUUID().toString().substring(4);
    private final StatementSpec spec;
    private final CountDownLatch done = new CountDownLatch(1);
    private State state = State.PENDING;
    private SqlErrorMapper.SqlError error;
    private ResultTable result;
    private long finishedAtMillis;
    private volatile boolean cancelRequested;
    private volatile java.sql.Statement activeJdbc;
    private volatile Future<?> future;

    StatementRecord(StatementSpec spec) {
        this.spec = spec;
    }

    public String id() { return id; }

    public StatementSpec spec() { return spec; }

    public synchronized State state() { return state; }

    public synchronized SqlErrorMapper.SqlError error() { return error; }

    public synchronized ResultTable result() { return result; }

    synchronized long finishedAtMillis() { return finishedAtMillis; }

    public boolean cancelRequested() { return cancelRequested; }

    void activeJdbc(java.sql.Statement statement) { this.activeJdbc = statement; }

    java.sql.Statement activeJdbc() { return activeJdbc; }

    void future(Future<?> future) { this.future = future; }

    Future<?> future() { return future; }

    public synchronized boolean isTerminal() {
        return state != State.PENDING && state != State.RUNNING;
    }

    synchronized boolean markRunning() {
        if (state != State.PENDING) {
            return false;
        }
        state = State.RUNNING;
        return true;
    }

    synchronized void succeed(ResultTable table) {
        if (finish(State.SUCCEEDED)) {
            result = table;
        }
    }

    synchronized void fail(SqlErrorMapper.SqlError failure) {
        if (finish(State.FAILED)) {
            error = failure;
        }
    }

    /** Cancels unless already terminal; true when this call did it. */
    synchronized boolean cancel() {
        cancelRequested = true;
        return finish(State.CANCELED);
    }

    /** Drops the result once the retention is over. */
    synchronized void close() {
        if (state == State.SUCCEEDED) {
            state = State.CLOSED;
            result = null;
        }
    }

    private boolean finish(State terminal) {
        if (isTerminal()) {
            return false;
        }
        state = terminal;
        finishedAtMillis = System.currentTimeMillis();
        done.countDown();
        return true;
    }

    /** Waits for a terminal state; true if reached within the timeout. */
    public boolean await(long millis) throws InterruptedException {
        return done.await(millis, TimeUnit.MILLISECONDS);
    }
}
