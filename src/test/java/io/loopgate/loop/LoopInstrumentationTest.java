package io.loopgate.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.loopgate.config.LoopGroupProperties;
import io.loopgate.config.LoopGroupProperties.Transport;
import io.loopgate.config.LoopGroupProperties.TriggerMode;
import io.loopgate.config.LoopGroupProperties.WaitStrategy;
import io.netty.util.concurrent.EventExecutor;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LoopInstrumentationTest {

    private LoopGroup group;

    @AfterEach
    void shutdown() {
        if (group != null) {
            group.shutdown(Duration.ofSeconds(5));
        }
    }

    private static LoopGroupProperties settings(Transport transport, WaitStrategy wait) {
        return new LoopGroupProperties(transport, 1, 0, transport == Transport.EPOLL ? TriggerMode.EDGE : null,
                null, 50, wait);
    }

    @Test
    void transformsExactlyTheEventLoopAndTaskExecutionOfThisNetty() {
        // A Netty upgrade that renames a private wait wrapper, the wakeup write or the eventFd field fails here
        // instead of silently zeroing the meters.
        assertThat(LoopInstrumentation.missingMembers()).isEmpty();
        LoopInstrumentation.Status status = LoopInstrumentation.install();
        assertThat(status.active()).as(status.reason()).isTrue();
        assertThat(status.transformed()).isEqualTo(Set.of(LoopInstrumentation.EPOLL_EVENT_LOOP,
                LoopInstrumentation.EVENT_EXECUTOR));
        assertThat(status.errors()).isEmpty();
    }

    @Test
    void countsOneWakeupAndOneBlockingWaitPerTaskSubmittedToASleepingLoop() {
        group = new LoopGroup("probe", settings(Transport.EPOLL, WaitStrategy.BLOCK));
        LoopStats stats = group.loopStats().get(0);
        EventExecutor loop = group.workerLoops().get(0);
        assertThat(stats.instrumented()).isTrue();
        assertThat(stats.name()).isEqualTo("loopgate-probe-0");
        assertThat(stats.tid()).isPositive();
        awaitSleeping(stats);

        long wakeups = stats.wakeups();
        long blocking = stats.waits(WaitKind.BLOCKING);
        long tasks = stats.tasks();
        int rounds = 50;
        for (int i = 0; i < rounds; i++) {
            loop.submit(() -> { }).syncUninterruptibly();
            awaitSleeping(stats);
        }
        // Each submission to a sleeping loop writes its eventfd once and ends exactly one blocking wait.
        assertThat(stats.wakeups() - wakeups).isEqualTo(rounds);
        assertThat(stats.waits(WaitKind.BLOCKING) - blocking).isEqualTo(rounds);
        assertThat(stats.tasks() - tasks).isEqualTo(rounds);
        assertThat(stats.readyEvents()).isGreaterThanOrEqualTo(rounds);
        assertThat(stats.iterations()).isGreaterThanOrEqualTo(rounds);
    }

    @Test
    void busyPollCountsBusyWaitsAndAFullyBusyLoop() {
        group = new LoopGroup("spin", settings(Transport.EPOLL, WaitStrategy.BUSY_POLL));
        LoopStats stats = group.loopStats().get(0);
        await().atMost(Duration.ofSeconds(10)).until(() -> stats.waits(WaitKind.BUSY) > 10_000);
        assertThat(stats.waits(WaitKind.BLOCKING)).isZero();
        assertThat(stats.busyNanos()).isGreaterThan(stats.elapsedNanos() * 9 / 10);
    }

    @Test
    void nioGroupIsNotInstrumentedButCountsIterations() {
        group = new LoopGroup("plain", settings(Transport.NIO, WaitStrategy.BLOCK));
        LoopStats stats = group.loopStats().get(0);
        assertThat(group.instrumented()).isFalse();
        long iterations = stats.iterations();
        group.workerLoops().get(0).submit(() -> { }).syncUninterruptibly();
        await().atMost(Duration.ofSeconds(5)).until(() -> stats.iterations() > iterations);
        assertThat(stats.waits()).isZero();
        assertThat(stats.wakeups()).isZero();
        assertThat(stats.hasContextSwitches()).isTrue();
    }

    /** The loop has gone back to sleep: a blocking wait is in progress with nothing queued. */
    static void awaitSleeping(LoopStats stats) {
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(1))
                .until(() -> stats.pendingTasks() == 0 && stats.blockedNow());
    }
}
