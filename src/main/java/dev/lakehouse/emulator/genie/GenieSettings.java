package dev.lakehouse.emulator.genie;

/** Knobs of the emulated Genie API, bound from properties {@code emulator.genie.*}. */
public class GenieSettings {

    /** Time of each status step of a message (SUBMITTED → FETCHING_METADATA → … → COMPLETED). */
    private long stepMillis = 200;
    /** A question containing "slow" takes this many times longer per step (a client's timeout can come first). */
    private int slowFactor = 10;
    /** A completed answer's query result expires after this; the message then reads QUERY_RESULT_EXPIRED. */
    private long resultTtlSeconds = 3600;
    /** Longest question accepted (the real service refuses longer content). */
    private int maxContentChars = 25000;

    public long getStepMillis() { return stepMillis; }
    public void setStepMillis(long stepMillis) { this.stepMillis = stepMillis; }
    public int getSlowFactor() { return slowFactor; }
    public void setSlowFactor(int slowFactor) { this.slowFactor = slowFactor; }
    public long getResultTtlSeconds() { return resultTtlSeconds; }
    public void setResultTtlSeconds(long resultTtlSeconds) { this.resultTtlSeconds = resultTtlSeconds; }
    public int getMaxContentChars() { return maxContentChars; }
    public void setMaxContentChars(int maxContentChars) { this.maxContentChars = maxContentChars; }
}
