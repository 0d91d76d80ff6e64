package io.loopgate.loop;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class LoopStatsTest {

    @ParameterizedTest
    @CsvSource({"0, 0", "10000, 0", "10001, 1", "50000, 1", "999999, 4", "1000000, 4", "1000001, 5",
        "1000000000, 10", "1000000001, 11", "9000000000, 11"})
    void waitNanosFallIntoInclusiveUpperBoundBuckets(long nanos, int bucket) {
        assertThat(LoopStats.waitBucket(nanos)).isEqualTo(bucket);
    }

    @ParameterizedTest
    @CsvSource({"0, 0", "1, 1", "2, 2", "3, 3", "4, 3", "5, 4", "512, 10", "513, 11", "1024, 11", "1025, 12",
        "100000, 12"})
    void readyEventsFallIntoPowerOfTwoBuckets(int ready, int bucket) {
        assertThat(LoopStats.readyBucket(ready)).isEqualTo(bucket);
    }

    @Test
    void recordsOneBlockingWaitIntoCountSumBucketsAndBlockedTime() {
        LoopStats stats = new LoopStats("g", false);
        stats.bind(Thread.currentThread());
        long t0 = System.nanoTime();
        stats.blockingWaitStarted(t0);
        assertThat(stats.blockedNow()).isTrue();
        while (System.nanoTime() - t0 < 2_000_000L) {
            Thread.onSpinWait(); // the wait must have ended before "now"
        }
        stats.blockingWaitEnded(t0, t0 + 2_000_000L, 3);

        assertThat(stats.blockedNow()).isFalse();
        assertThat(stats.waits(WaitKind.BLOCKING)).isEqualTo(1);
        assertThat(stats.waits(WaitKind.IMMEDIATE)).isZero();
        assertThat(stats.waitNanos(WaitKind.BLOCKING)).isEqualTo(2_000_000L);
        assertThat(stats.waitBuckets(WaitKind.BLOCKING)[5]).isEqualTo(1); // le 5 ms
        assertThat(stats.waitMaxNanos(WaitKind.BLOCKING)).isEqualTo(2_000_000L);
        assertThat(stats.readyEvents()).isEqualTo(3);
        assertThat(stats.readyBuckets()[3]).isEqualTo(1); // le 4
        assertThat(stats.readyMax()).isEqualTo(3);
        // blocked = elapsed - busy, exactly the recorded wait
        assertThat(stats.blockedNanos()).isEqualTo(2_000_000L);
    }

    @Test
    void waitInProgressCountsAsBlockedSoAnIdleLoopIsNotBusy() {
        LoopStats stats = new LoopStats("g", false);
        stats.bind(Thread.currentThread());
        stats.blockingWaitStarted(System.nanoTime());
        long busy = stats.busyNanos();
        for (int i = 0; i < 1000; i++) {
            Thread.onSpinWait();
        }
        assertThat(stats.busyNanos()).isEqualTo(busy);
        assertThat(stats.blockedNanos()).isPositive();
    }

    @Test
    void immediateAndBusyPollsAreCountedButNotBlocked() {
        LoopStats stats = new LoopStats("g", false);
        stats.bind(Thread.currentThread());
        long t0 = System.nanoTime();
        stats.waitEnded(WaitKind.IMMEDIATE.ordinal(), t0, t0 + 1_000, 0);
        stats.waitEnded(WaitKind.BUSY.ordinal(), t0, t0 + 2_000, 1500);
        assertThat(stats.waits()).isEqualTo(2);
        assertThat(stats.readyBuckets()[0]).isEqualTo(1);
        assertThat(stats.readyBuckets()[12]).isEqualTo(1); // +Inf
        assertThat(stats.blockedNanos()).isZero();
    }
}
