package io.loopgate.config;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * One named event-loop group ({@code loopgate.loop-groups.<name>}).
 *
 * @param transport the Netty transport: {@code epoll} (Linux native, the default) or {@code nio} (only where
 *     epoll is unavailable; per-loop epoll metrics are then absent)
 * @param threads number of I/O event loops; 0 means the number of available processors
 * @param acceptorThreads number of separate accept loops; 0 means connections are accepted on the I/O loops
 * @param triggerMode epoll trigger mode applied to every socket of the group: {@code edge} (EPOLLET, the
 *     default) or {@code level}; epoll only
 * @param maxEventsPerWait {@code maxevents} of each {@code epoll_wait}; 0 (the default) means Netty's growing
 *     array; epoll only
 * @param ioRatio share of loop time, 1..100, given to I/O rather than to tasks
 * @param waitStrategy how an idle loop waits: {@code block} in {@code epoll_wait} or {@code busy-poll}
 *     (spins on a non-blocking {@code epoll_wait}, burning a core); busy-poll needs epoll
 */
public record LoopGroupProperties(
        @DefaultValue("epoll") Transport transport,
        @DefaultValue("0") @Min(0) int threads,
        @DefaultValue("0") @Min(0) int acceptorThreads,
        TriggerMode triggerMode,
        @Min(0) Integer maxEventsPerWait,
        @DefaultValue("50") @Min(1) @Max(100) int ioRatio,
        @DefaultValue("block") WaitStrategy waitStrategy) {

    static LoopGroupProperties defaults() {
        return new LoopGroupProperties(Transport.EPOLL, 0, 0, null, null, 50, WaitStrategy.BLOCK);
    }

    /** The trigger mode in force: the configured one, or edge when none is configured. */
    public TriggerMode effectiveTriggerMode() {
        return triggerMode == null ? TriggerMode.EDGE : triggerMode;
    }

    /** The configured {@code max-events-per-wait}, 0 when not configured. */
    public int effectiveMaxEventsPerWait() {
        return maxEventsPerWait == null ? 0 : maxEventsPerWait;
    }

    /** Loop threads in force: {@code threads}, or the number of available processors when 0. */
    public int effectiveThreads() {
        return threads == 0 ? Runtime.getRuntime().availableProcessors() : threads;
    }

    /** The Netty transport of a loop group. */
    public enum Transport { EPOLL, NIO }

    /** Epoll trigger mode: edge (EPOLLET) or level. */
    public enum TriggerMode { EDGE, LEVEL }

    /** How an idle loop waits for events. */
    public enum WaitStrategy { BLOCK, BUSY_POLL }
}
