package io.loopgate.loop;

import io.netty.channel.epoll.Native;

/**
 * Entry points of the bytecode that {@link LoopInstrumentation} weaves into Netty's {@code EpollEventLoop} and
 * {@code AbstractEventExecutor}. Public only because woven code runs inside Netty's classes; not an API to
 * call. Each method records into the calling loop thread's {@link LoopStats} and returns at once on any other
 * thread: no allocation, no lock, no Micrometer call.
 */
public final class LoopProbe {

    /** Returned by the enter probes on threads that are not Loopgate loops. */
    public static final long NOT_A_LOOP = Long.MIN_VALUE;

    private LoopProbe() {
    }

    private static LoopStats stats() {
        return Thread.currentThread() instanceof LoopThread thread ? thread.stats() : null;
    }

    /** Before a blocking {@code epoll_wait}: the start time, published as "blocked since". */
    public static long blockingEnter() {
        LoopStats stats = stats();
        if (stats == null) {
            return NOT_A_LOOP;
        }
        long t0 = System.nanoTime();
        stats.blockingWaitStarted(t0);
        return t0;
    }

    /** After a blocking {@code epoll_wait} returned (or threw) with {@code ready} events. */
    public static void blockingExit(long t0, int ready) {
        if (t0 != NOT_A_LOOP) {
            LoopStats stats = stats();
            if (stats != null) {
                stats.blockingWaitEnded(t0, System.nanoTime(), ready);
            }
        }
    }

    /** Before a non-blocking {@code epoll_wait}. */
    public static long enter() {
        return stats() == null ? NOT_A_LOOP : System.nanoTime();
    }

    /** After an immediate ({@code epollWaitNow}) {@code epoll_wait}. */
    public static void immediateExit(long t0, int ready) {
        exit(WaitKind.IMMEDIATE, t0, ready);
    }

    /** After a busy-poll ({@code epollBusyWait}) {@code epoll_wait}. */
    public static void busyExit(long t0, int ready) {
        exit(WaitKind.BUSY, t0, ready);
    }

    private static void exit(WaitKind kind, long t0, int ready) {
        if (t0 != NOT_A_LOOP) {
            LoopStats stats = stats();
            if (stats != null) {
                stats.waitEnded(kind.ordinal(), t0, System.nanoTime(), ready);
            }
        }
    }

    /** A task is about to run on the calling thread. */
    public static void taskRun() {
        LoopStats stats = stats();
        if (stats != null) {
            stats.taskRun();
        }
    }

    /** Replaces {@code Native.eventFdWrite} inside {@code EpollEventLoop.wakeup}: writes, then counts the wakeup. */
    public static void eventFdWrite(int fd, long value) {
        Native.eventFdWrite(fd, value);
        WakeupTable.written(fd);
    }
}
