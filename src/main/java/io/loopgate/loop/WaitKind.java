package io.loopgate.loop;

import java.util.Locale;

/** How an {@code epoll_wait} call waited: the {@code kind} tag of {@code loopgate.loop.epoll.wait}. */
public enum WaitKind {

    /** May sleep: no task was pending ({@code epollWait(deadline)}, {@code epollWaitNoTimerChange}, {@code epollWaitTimeboxed}). */
    BLOCKING,

    /** Timeout 0 because tasks were pending ({@code epollWaitNow}). */
    IMMEDIATE,

    /** Timeout 0 under {@code wait-strategy: busy-poll} ({@code epollBusyWait}). */
    BUSY;

    /** The tag value: {@code blocking}, {@code immediate} or {@code busy}. */
    public String tagValue() {
        return name().toLowerCase(Locale.ROOT);
    }
}
