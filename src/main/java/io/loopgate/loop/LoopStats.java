package io.loopgate.loop;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.SingleThreadEventExecutor;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The live figures of one event loop. Written only by the loop's own thread (single writer: plain
 * read-modify-write published with opaque or release stores, no allocation, no lock), read by anyone at scrape
 * time. Wakeups are the exception: they are counted by the waking thread in {@link WakeupTable}.
 *
 * <p>The {@code epoll_wait} figures (waits, wait time, ready events, busy time, wakeups) are only recorded while
 * the loop is {@link #instrumented() instrumented}; iterations, channels, pending tasks and context switches
 * are always exact.
 */
public final class LoopStats {

    /** Upper bounds (inclusive, nanoseconds) of the wait-time histogram buckets: 10 µs … 1 s, then +Inf. */
    static final long[] WAIT_BOUNDS_NANOS = {10_000L, 50_000L, 100_000L, 500_000L, 1_000_000L, 5_000_000L,
        10_000_000L, 50_000_000L, 100_000_000L, 500_000_000L, 1_000_000_000L};

    /** Upper bounds (inclusive) of the ready-events histogram buckets: 0 (empty return), 1, 2, 4 … 1024, then +Inf. */
    static final int[] READY_BOUNDS = {0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024};

    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);

    // One flat array per loop, padded on both ends so two loops' arrays never share a cache line.
    private static final int PAD = 16;
    private static final int KINDS = WaitKind.values().length;
    private static final int WAIT_BUCKETS = WAIT_BOUNDS_NANOS.length + 1;
    private static final int READY_BUCKETS = READY_BOUNDS.length + 1;
    private static final int WAIT_COUNT = PAD;
    private static final int WAIT_NANOS = WAIT_COUNT + KINDS;
    private static final int WAIT_HIST = WAIT_NANOS + KINDS;
    private static final int WAIT_MAX = WAIT_HIST + KINDS * WAIT_BUCKETS;
    private static final int WAIT_MAX_PREV = WAIT_MAX + KINDS;
    private static final int READY_SUM = WAIT_MAX_PREV + KINDS;
    private static final int READY_HIST = READY_SUM + 1;
    private static final int READY_MAX = READY_HIST + READY_BUCKETS;
    private static final int READY_MAX_PREV = READY_MAX + 1;
    private static final int MAX_EPOCH = READY_MAX_PREV + 1;
    private static final int ITERATIONS = MAX_EPOCH + 1;
    private static final int TASKS = ITERATIONS + 1;
    private static final int BLOCKED_NANOS = TASKS + 1;
    private static final int WAIT_SINCE = BLOCKED_NANOS + 1;
    private static final int SEQ = WAIT_SINCE + 1;
    private static final int LENGTH = SEQ + 1 + PAD;

    /** Maxima are kept per window of 2^36 ns (about 69 s), reported over the current and the previous window. */
    private static final int MAX_EPOCH_SHIFT = 36;

    private final long[] v = new long[LENGTH];
    private final String group;
    private final boolean acceptor;
    private final AtomicLong lastBusyNanos = new AtomicLong();

    // Set once before the loop thread starts.
    private volatile EventExecutor loop;
    private volatile int eventFd = -1;
    private volatile int wakeupSlot = -1;
    private volatile boolean instrumented;

    // Set once on the loop thread by bind(), published by the volatile write of 'name'.
    private volatile long tid = -1;
    private volatile long startNanos;
    private volatile String name;
    private volatile long endNanos;
    private final ThreadStatus threadStatus = new ThreadStatus();

    LoopStats(String group, boolean acceptor) {
        this.group = group;
        this.acceptor = acceptor;
    }

    // ---- set-up (LoopGroup, before the thread starts) ----

    void attach(EventExecutor loop, int eventFd, boolean instrumented) {
        this.loop = loop;
        this.eventFd = eventFd;
        this.instrumented = instrumented;
        this.wakeupSlot = instrumented && eventFd >= 0 ? WakeupTable.register(eventFd) : -1;
    }

    /** Called once, on the loop thread, at its first iteration. */
    void bind(Thread thread) {
        startNanos = System.nanoTime();
        tid = ThreadStatus.currentTid();
        if (thread instanceof LoopThread loopThread) {
            loopThread.stats(this);
        }
        name = thread.getName();
    }

    boolean bound() {
        return name != null;
    }

    void threadEnded() {
        endNanos = System.nanoTime();
    }

    void close() {
        if (wakeupSlot >= 0) {
            WakeupTable.unregister(wakeupSlot);
        }
    }

    // ---- writers: the loop thread only ----

    void iteration() {
        LONGS.setOpaque(v, ITERATIONS, v[ITERATIONS] + 1);
    }

    void taskRun() {
        LONGS.setOpaque(v, TASKS, v[TASKS] + 1);
    }

    /** A blocking wait starts: published so that an idle loop's in-progress wait counts as blocked time. */
    void blockingWaitStarted(long t0) {
        long seq = v[SEQ];
        LONGS.setOpaque(v, SEQ, seq + 1);
        VarHandle.storeStoreFence();
        LONGS.setOpaque(v, WAIT_SINCE, t0);
        LONGS.setRelease(v, SEQ, seq + 2);
    }

    void blockingWaitEnded(long t0, long t1, int ready) {
        long seq = v[SEQ];
        LONGS.setOpaque(v, SEQ, seq + 1);
        VarHandle.storeStoreFence();
        LONGS.setOpaque(v, BLOCKED_NANOS, v[BLOCKED_NANOS] + (t1 - t0));
        LONGS.setOpaque(v, WAIT_SINCE, 0L);
        LONGS.setRelease(v, SEQ, seq + 2);
        waitEnded(WaitKind.BLOCKING.ordinal(), t0, t1, ready);
    }

    void waitEnded(int kind, long t0, long t1, int ready) {
        long nanos = t1 - t0;
        rotateMaxima(t1 >>> MAX_EPOCH_SHIFT);
        LONGS.setOpaque(v, WAIT_COUNT + kind, v[WAIT_COUNT + kind] + 1);
        LONGS.setOpaque(v, WAIT_NANOS + kind, v[WAIT_NANOS + kind] + nanos);
        int b = WAIT_HIST + kind * WAIT_BUCKETS + waitBucket(nanos);
        LONGS.setOpaque(v, b, v[b] + 1);
        if (nanos > v[WAIT_MAX + kind]) {
            LONGS.setOpaque(v, WAIT_MAX + kind, nanos);
        }
        LONGS.setOpaque(v, READY_SUM, v[READY_SUM] + ready);
        int r = READY_HIST + readyBucket(ready);
        LONGS.setOpaque(v, r, v[r] + 1);
        if (ready > v[READY_MAX]) {
            LONGS.setOpaque(v, READY_MAX, (long) ready);
        }
    }

    private void rotateMaxima(long epoch) {
        long current = v[MAX_EPOCH];
        if (epoch != current) {
            boolean adjacent = epoch == current + 1;
            for (int k = 0; k < KINDS; k++) {
                LONGS.setOpaque(v, WAIT_MAX_PREV + k, adjacent ? v[WAIT_MAX + k] : 0L);
                LONGS.setOpaque(v, WAIT_MAX + k, 0L);
            }
            LONGS.setOpaque(v, READY_MAX_PREV, adjacent ? v[READY_MAX] : 0L);
            LONGS.setOpaque(v, READY_MAX, 0L);
            LONGS.setRelease(v, MAX_EPOCH, epoch);
        }
    }

    static int waitBucket(long nanos) {
        long[] bounds = WAIT_BOUNDS_NANOS;
        for (int i = 0; i < bounds.length; i++) {
            if (nanos <= bounds[i]) {
                return i;
            }
        }
        return bounds.length;
    }

    static int readyBucket(int ready) {
        if (ready <= 0) {
            return 0;
        }
        int log2Ceil = 32 - Integer.numberOfLeadingZeros(ready - 1);
        return Math.min(1 + log2Ceil, READY_BOUNDS.length);
    }

    // ---- readers: any thread ----

    private long get(int index) {
        return (long) LONGS.getOpaque(v, index);
    }

    /** Name of the loop group. */
    public String group() {
        return group;
    }

    /** Thread name ({@code loopgate-<group>-<n>}), the {@code loop} tag; null until the thread has started. */
    public String name() {
        return name;
    }

    /** Whether this is an accept loop. */
    public boolean acceptor() {
        return acceptor;
    }

    /** Whether the exact {@code epoll_wait} and wakeup figures are recorded for this loop. */
    public boolean instrumented() {
        return instrumented;
    }

    /** Linux thread id of the loop thread, -1 when unknown. */
    public long tid() {
        return tid;
    }

    /** The loop's eventfd (target of wakeup writes), -1 when not epoll. */
    public int eventFd() {
        return eventFd;
    }

    /** {@code epoll_wait} calls of {@code kind}. */
    public long waits(WaitKind kind) {
        long count = 0;
        int base = WAIT_HIST + kind.ordinal() * WAIT_BUCKETS;
        for (int i = 0; i < WAIT_BUCKETS; i++) {
            count += get(base + i);
        }
        return count;
    }

    /** Time spent inside completed {@code epoll_wait} calls of {@code kind}, in nanoseconds. */
    public long waitNanos(WaitKind kind) {
        return get(WAIT_NANOS + kind.ordinal());
    }

    /** Per-bucket (not cumulative) counts of {@code kind} waits; bounds are {@link #waitBucketBoundsNanos()} then +Inf. */
    public long[] waitBuckets(WaitKind kind) {
        long[] counts = new long[WAIT_BUCKETS];
        int base = WAIT_HIST + kind.ordinal() * WAIT_BUCKETS;
        for (int i = 0; i < WAIT_BUCKETS; i++) {
            counts[i] = get(base + i);
        }
        return counts;
    }

    /** Longest {@code kind} wait in the last one to two minutes, in nanoseconds. */
    public long waitMaxNanos(WaitKind kind) {
        return windowMax(get(WAIT_MAX + kind.ordinal()), get(WAIT_MAX_PREV + kind.ordinal()));
    }

    /** Ready events returned by all waits. */
    public long readyEvents() {
        return get(READY_SUM);
    }

    /** Per-bucket (not cumulative) counts of waits by ready events; bounds are {@link #readyBucketBounds()} then +Inf. */
    public long[] readyBuckets() {
        long[] counts = new long[READY_BUCKETS];
        for (int i = 0; i < READY_BUCKETS; i++) {
            counts[i] = get(READY_HIST + i);
        }
        return counts;
    }

    /** Most ready events returned by one wait in the last one to two minutes. */
    public long readyMax() {
        return windowMax(get(READY_MAX), get(READY_MAX_PREV));
    }

    private long windowMax(long current, long previous) {
        long now = System.nanoTime() >>> MAX_EPOCH_SHIFT;
        long epoch = get(MAX_EPOCH);
        if (epoch == now) {
            return Math.max(current, previous);
        }
        return epoch == now - 1 ? current : 0;
    }

    /** All {@code epoll_wait} calls. */
    public long waits() {
        long count = 0;
        for (WaitKind kind : WaitKind.values()) {
            count += waits(kind);
        }
        return count;
    }

    /** Loop iterations (select-strategy decisions). */
    public long iterations() {
        return get(ITERATIONS);
    }

    /** Tasks run on the loop (counted by the agent; 0 without it). */
    public long tasks() {
        return get(TASKS);
    }

    /** Time blocked in {@code epoll_wait}, including the wait in progress, in nanoseconds. */
    public long blockedNanos() {
        long now = System.nanoTime();
        return Math.max(0, elapsedNanos(now) - busyNanos(now));
    }

    /** Time not blocked in {@code epoll_wait} since the loop started, in nanoseconds; never decreases. */
    public long busyNanos() {
        return busyNanos(System.nanoTime());
    }

    private long busyNanos(long now) {
        if (name == null) {
            return 0;
        }
        long end = endNanos;
        long at = end != 0 ? Math.min(now, end) : now;
        long blocked;
        long since;
        for (;;) {
            long seq = (long) LONGS.getAcquire(v, SEQ);
            blocked = get(BLOCKED_NANOS);
            since = get(WAIT_SINCE);
            VarHandle.loadLoadFence();
            if ((seq & 1) == 0 && seq == get(SEQ)) {
                break;
            }
            Thread.onSpinWait();
        }
        long inWait = since != 0 && end == 0 ? Math.max(0, at - since) : 0;
        long busy = Math.max(0, (at - startNanos) - blocked - inWait);
        return lastBusyNanos.accumulateAndGet(busy, Math::max);
    }

    /** Whether the loop is blocked in {@code epoll_wait} right now (always false when not instrumented). */
    public boolean blockedNow() {
        return get(WAIT_SINCE) != 0 && endNanos == 0;
    }

    /** Wall time since the loop thread started, in nanoseconds. */
    public long elapsedNanos() {
        return elapsedNanos(System.nanoTime());
    }

    private long elapsedNanos(long now) {
        if (name == null) {
            return 0;
        }
        long end = endNanos;
        return (end != 0 ? Math.min(now, end) : now) - startNanos;
    }

    /** Eventfd writes by other threads that woke this loop. */
    public long wakeups() {
        int slot = wakeupSlot;
        return slot < 0 ? 0 : WakeupTable.count(slot);
    }

    /** Tasks queued on the loop. */
    public int pendingTasks() {
        EventExecutor l = loop;
        return l instanceof SingleThreadEventExecutor executor ? executor.pendingTasks() : 0;
    }

    /** Channels registered on the loop. */
    public int channels() {
        EventExecutor l = loop;
        return l instanceof io.netty.channel.SingleThreadEventLoop eventLoop ? Math.max(0, eventLoop.registeredChannels()) : 0;
    }

    /** Whether the loop thread's {@code /proc/self/task/<tid>/status} can be read. */
    public boolean hasContextSwitches() {
        return tid >= 0 && threadStatus.readable(tid);
    }

    /** Voluntary context switches of the loop thread (kernel), from {@code /proc}. */
    public long voluntaryContextSwitches() {
        return threadStatus.voluntary(tid);
    }

    /** Involuntary context switches (preemptions) of the loop thread, from {@code /proc}. */
    public long involuntaryContextSwitches() {
        return threadStatus.involuntary(tid);
    }

    /** Bucket upper bounds of {@link #waitBuckets}, in nanoseconds (+Inf not included). */
    public static long[] waitBucketBoundsNanos() {
        return WAIT_BOUNDS_NANOS.clone();
    }

    /** Bucket upper bounds of {@link #readyBuckets} (+Inf not included). */
    public static int[] readyBucketBounds() {
        return READY_BOUNDS.clone();
    }
}
