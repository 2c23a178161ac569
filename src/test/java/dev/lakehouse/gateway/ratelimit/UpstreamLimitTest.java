package dev.lakehouse.gateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * The limiter of one key on a fake clock: pacing, the key-wide pause of a Retry-After, learning (cut to the answered
 * rate once per epoch, growth while calls queue), deadlines, passthrough hints staggered, cancellation.
 */
class UpstreamLimitTest {

    static final long MS = 1_000_000L;
    static final long S = 1_000_000_000L;

    final ManualTime time = new ManualTime();

    static RateLimitProperties properties(Duration increaseInterval) {
        return new RateLimitProperties(Map.of(), 1, RateLimitPolicy.ABSORB, 0.95, Duration.ofSeconds(30),
                Duration.ofSeconds(60), Duration.ofSeconds(1), 0.5, 0.9, 0.95, Duration.ofSeconds(1), increaseInterval, 0.05, 2,
                false, -32010);
    }

    UpstreamLimit limit(double rate, RateLimitPolicy policy) {
        return limit(rate, policy, Duration.ofSeconds(15));
    }

    UpstreamLimit limit(double rate, RateLimitPolicy policy, Duration increaseInterval) {
        return answering = new UpstreamLimit("ws.example:443", ApiFamily.UNITY_CATALOG, new RateLimitProperties.Family(rate, 1, policy),
                properties(increaseInterval), time, time);
    }

    /** The workspace of these tests answers every released call at once with 200, unless a test answers itself. */
    UpstreamLimit answering;

    /** A waiter that records when it was released or what it was told. */
    class Probe extends UpstreamLimit.Waiter {
        long releasedAt = -1;
        long retryAfter = -1;
        boolean answered;

        Probe(long deadline, boolean retry) {
            super(deadline, retry);
        }

        @Override
        protected void proceed() {
            markReleased(this);
        }

        @Override
        protected void reject(long retryAfterSeconds) {
            retryAfter = retryAfterSeconds;
        }

        boolean released() {
            return releasedAt >= 0;
        }
    }

    Probe probe() {
        return new Probe(time.getAsLong() + 30 * S, false);
    }

    /** Enters a probe; a call that goes at once counts as released now. */
    Probe enter(UpstreamLimit limit, Probe probe) {
        if (limit.enter(probe) == UpstreamLimit.Outcome.PROCEED) {
            markReleased(probe);
        }
        return probe;
    }

    private void markReleased(Probe probe) {
        probe.releasedAt = time.getAsLong();
        if (answering != null) {
            answering.onAnswer(200, null, probe.releasedAt);
        }
    }

    @Test
    void aBurstIsPacedAtTheRateTimesSafetyOneTokenAtATime() {
        UpstreamLimit limit = limit(20, RateLimitPolicy.ABSORB);
        List<Probe> probes = new ArrayList<>();
        long start = time.getAsLong();
        for (int i = 0; i < 100; i++) {
            probes.add(enter(limit, probe()));
        }
        assertThat(probes.stream().filter(Probe::released)).hasSize(1);   // burst 1: the others queue
        time.advance(5 * S);
        long released = probes.stream().filter(Probe::released).count();
        assertThat(released).isBetween(95L, 96L);   // 1 + 5 s × 19/s
        // in any one-second window no more than 20 (the upstream limit) went
        for (Probe p : probes) {
            if (p.released()) {
                long inWindow = probes.stream().filter(o -> o.released() && o.releasedAt >= p.releasedAt
                        && o.releasedAt < p.releasedAt + S).count();
                assertThat(inWindow).isLessThanOrEqualTo(20);
            }
        }
        assertThat(probes.get(1).releasedAt - start).isBetween(50 * MS, 55 * MS);
        assertThat(limit.snapshot().queued()).isEqualTo(100 - (int) released);
    }

    @Test
    void aRetryAfterPausesTheWholeKeyAndTheRetryGoesFirstWhenItEnds() {
        UpstreamLimit limit = limit(20, RateLimitPolicy.ABSORB);
        Probe first = enter(limit, probe());
        assertThat(first.released()).isTrue();
        Probe waiting = enter(limit, probe());
        long paused = limit.onAnswer(429, 3L, first.releasedAt);
        assertThat(paused).isEqualTo(3);
        Probe retry = enter(limit, new Probe(time.getAsLong() + 30 * S, true));
        time.advance(2900 * MS);
        assertThat(waiting.released()).as("nobody goes during the pause").isFalse();
        assertThat(retry.released()).isFalse();
        time.advance(200 * MS);
        assertThat(retry.released()).as("the retried call had its turn already").isTrue();
        time.advance(100 * MS);
        assertThat(waiting.released()).isTrue();
        assertThat(waiting.releasedAt).isGreaterThan(retry.releasedAt);
    }

    @Test
    void repeated429sWithRetriesKeepTheCallMovingUntilItSucceeds() {
        UpstreamLimit limit = limit(30, RateLimitPolicy.ABSORB);
        long deadline = time.getAsLong() + 30 * S;
        Probe call = enter(limit, new Probe(deadline, false));
        for (int attempt = 1; attempt <= 12; attempt++) {
            assertThat(call.released()).as("attempt %d released", attempt).isTrue();
            limit.onAnswer(429, 1L, call.releasedAt);
            call = enter(limit, new Probe(deadline, true));
            time.advance(1100 * MS);
        }
        assertThat(call.released()).isTrue();
        assertThat(limit.snapshot().upstream429s()).isEqualTo(12);
        assertThat(limit.snapshot().pauses()).isEqualTo(12);
    }

    @Test
    void aBusyKeyLearnsTheAnsweredRateFromOne429() {
        UpstreamLimit limit = limit(50, RateLimitPolicy.ABSORB);   // believes 50/s, the workspace allows 20/s
        answering = null;   // this workspace answers below
        List<Probe> probes = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            probes.add(enter(limit, probe()));
        }
        // the workspace answers the first 20 and refuses the 21st (a sliding window of 20 per second)
        while (probes.stream().filter(Probe::released).count() < 21) {
            time.advance(MS);
            probes.subList(0, 20).stream().filter(p -> p.released() && !p.answered).forEach(p -> {
                p.answered = true;
                limit.onAnswer(200, null, p.releasedAt);
            });
        }
        limit.onAnswer(429, 1L, probes.get(20).releasedAt);
        UpstreamLimit.Snapshot learned = limit.snapshot();
        assertThat(learned.learnedRate()).isEqualTo(19.0);   // 20 answered in the window, less the 5 % margin
        assertThat(learned.pace()).isCloseTo(18.05, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(learned.learned()).isTrue();
        // a second 429 of a call released before the cut does not cut again (one cut per epoch)
        limit.onAnswer(429, 1L, probes.get(20).releasedAt);
        assertThat(limit.snapshot().learnedRate()).isEqualTo(19.0);
    }

    /** Genie's questions: about 5 a minute, far below min-rate, which must neither raise nor floor them. */
    @Test
    void aFamilyConfiguredBelowMinRatePacesAtItsOwnRateAndLearnsNoLowerThanIt() {
        UpstreamLimit limit = limit(5 / 60.0, RateLimitPolicy.ABSORB);
        assertThat(limit.snapshot().configuredRate()).isCloseTo(0.0833, org.assertj.core.data.Offset.offset(0.001));
        Probe first = enter(limit, probe());
        Probe second = enter(limit, probe());
        assertThat(first.released()).isTrue();
        assertThat(second.released()).as("the second question waits its turn").isFalse();
        time.advance(11 * S);
        assertThat(second.released()).as("not before 12 s").isFalse();
        time.advance(2 * S);
        assertThat(second.released()).isTrue();
        // a 429 cannot teach it a rate below the one configured
        limit.onAnswer(429, 1L, second.releasedAt);
        assertThat(limit.snapshot().learnedRate()).isCloseTo(5 / 60.0, org.assertj.core.data.Offset.offset(0.0001));
    }

    @Test
    void anIdleKeyCutsByTheFactorNotToItsFewAnswers() {
        UpstreamLimit limit = limit(30, RateLimitPolicy.ABSORB);
        Probe only = enter(limit, probe());
        limit.onAnswer(429, 1L, only.releasedAt);
        assertThat(limit.snapshot().learnedRate()).isEqualTo(27.0);
    }

    @Test
    void theRateGrowsBackWhileCallsQueueWithout429s() {
        UpstreamLimit limit = limit(20, RateLimitPolicy.ABSORB, Duration.ofSeconds(2));
        for (int i = 0; i < 200; i++) {
            enter(limit, probe());
        }
        time.advance(1900 * MS);
        assertThat(limit.snapshot().learnedRate()).isEqualTo(20.0);
        time.advance(200 * MS);
        assertThat(limit.snapshot().learnedRate()).isEqualTo(21.0);
        time.advance(2000 * MS);
        assertThat(limit.snapshot().learnedRate()).isCloseTo(22.05, org.assertj.core.data.Offset.offset(0.001));
    }

    @Test
    void withoutABacklogTheRateDoesNotGrow() {
        UpstreamLimit limit = limit(20, RateLimitPolicy.ABSORB, Duration.ofSeconds(1));
        for (int i = 0; i < 50; i++) {
            enter(limit, probe());
            time.advance(200 * MS);   // 5 calls per second: never queued
        }
        assertThat(limit.snapshot().learnedRate()).isEqualTo(20.0);
    }

    @Test
    void aCallWhoseTurnWouldComeAfterItsDeadlineIsAnsweredAtOnce() {
        UpstreamLimit limit = limit(2, RateLimitPolicy.ABSORB);   // pace 1.9/s: the 60th call would wait 31 s
        List<Probe> probes = new ArrayList<>();
        for (int i = 0; i < 70; i++) {
            probes.add(enter(limit, probe()));
        }
        long rejected = probes.stream().filter(p -> p.retryAfter > 0).count();
        assertThat(rejected).isBetween(10L, 14L);
        assertThat(probes.get(69).retryAfter).isGreaterThanOrEqualTo(30);
        assertThat(limit.snapshot().rejected()).isEqualTo(rejected);
    }

    @Test
    void aPauseThatPushesQueuedCallsPastTheirDeadlineAnswersThemNow() {
        UpstreamLimit limit = limit(20, RateLimitPolicy.ABSORB);
        Probe first = enter(limit, probe());
        List<Probe> queued = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            queued.add(enter(limit, new Probe(time.getAsLong() + 5 * S, false)));
        }
        limit.onAnswer(429, 10L, first.releasedAt);
        assertThat(queued).allMatch(p -> p.retryAfter >= 10 && !p.released());
    }

    @Test
    void passthroughAnswersAtOnceWithStaggeredHintsThatTheKeyCanKeep() {
        UpstreamLimit limit = limit(20, RateLimitPolicy.PASSTHROUGH);
        List<Probe> probes = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            probes.add(enter(limit, probe()));
        }
        assertThat(probes.stream().filter(Probe::released)).hasSize(19);   // a second's worth at the pace
        List<Long> hints = probes.stream().filter(p -> !p.released()).map(p -> p.retryAfter).toList();
        assertThat(hints).hasSize(41).allMatch(h -> h >= 1);
        // a second's worth per two seconds: agents return on whole seconds, and one second's calls are still being
        // counted when the next second's arrive
        assertThat(hints.stream().filter(h -> h == 1)).hasSize(19);
        assertThat(hints.stream().filter(h -> h == 3)).hasSize(19);
        assertThat(hints.stream().filter(h -> h == 5)).hasSize(3);
        // everyone told "1 s" comes back after 1 s: all of them get in
        time.advanceMillis(1001);
        long back = 0;
        for (int i = 0; i < 19; i++) {
            back += enter(limit, probe()).released() ? 1 : 0;
        }
        assertThat(back).isEqualTo(19);
    }

    @Test
    void aCancelledWaiterLeavesTheQueueWithoutTakingAToken() {
        UpstreamLimit limit = limit(20, RateLimitPolicy.ABSORB);
        enter(limit, probe());
        Probe cancelled = enter(limit, probe());
        Probe next = enter(limit, probe());
        limit.cancel(cancelled);
        time.advance(60 * MS);
        assertThat(cancelled.released()).isFalse();
        assertThat(next.released()).as("the next call takes the freed turn").isTrue();
    }

    @Test
    void theFieldsOfAKeyNameItsPolicyQuotaRemainingAndReset() {
        UpstreamLimit limit = limit(20, RateLimitPolicy.ABSORB);
        RateLimitState idle = limit.state("acme");
        assertThat(idle.policy()).isEqualTo("databricks-unity-catalog");
        assertThat(idle.quota()).isEqualTo(19);
        assertThat(idle.windowSeconds()).isEqualTo(1);
        assertThat(idle.remaining()).isEqualTo(1);
        assertThat(idle.resetSeconds()).isZero();
        Probe first = enter(limit, probe());
        limit.onAnswer(429, 4L, first.releasedAt);
        RateLimitState paused = limit.state("acme");
        assertThat(paused.remaining()).isZero();
        assertThat(paused.resetSeconds()).isEqualTo(4);
        UpstreamLimit slow = limit(0.5, RateLimitPolicy.ABSORB);   // below 1/s: q per a longer window
        RateLimitState slowState = slow.state("acme");
        assertThat(slowState.windowSeconds()).isEqualTo(3);
        assertThat(slowState.quota()).isEqualTo(1);
    }

    @Test
    void answersCountedWhenTheyLandNeverExceedTheLimitInAnyWindowWhateverTheLatencies() {
        UpstreamLimit limit = limit(20, RateLimitPolicy.ABSORB);
        answering = null;
        List<Long> answerTimes = new ArrayList<>();
        List<Probe> probes = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            int n = i;
            probes.add(new Probe(time.getAsLong() + 30 * S, false) {
                @Override
                protected void proceed() {
                    releasedAt = time.getAsLong();
                    // a few slow answers, then fast ones: the fast ones land right after the slow ones
                    long latency = n % 40 < 10 ? 500 * MS : 2 * MS;
                    time.schedule(() -> {
                        answerTimes.add(time.getAsLong());
                        limit.onAnswer(200, null, releasedAt);
                    }, latency);
                }
            });
        }
        for (Probe p : probes) {
            if (limit.enter(p) == UpstreamLimit.Outcome.PROCEED) {
                p.proceed();
            }
        }
        time.advance(15 * S);
        assertThat(answerTimes).hasSize(150);
        for (long t : answerTimes) {
            long inWindow = answerTimes.stream().filter(o -> o >= t && o < t + S).count();
            assertThat(inWindow).as("answers in the second after %d", t).isLessThanOrEqualTo(20);
        }
    }
}
