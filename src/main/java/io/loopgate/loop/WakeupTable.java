package io.loopgate.loop;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Eventfd writes counted by the waking thread, per target loop. A wakeup is written by whichever thread
 * submits a task to a sleeping loop, so this is the one multi-writer counter: one atomic add per eventfd write
 * (which is itself a syscall). The loops' eventfds are registered before their threads start; writes to any
 * other eventfd (loops that are not Loopgate's) are not counted.
 */
final class WakeupTable {

    private static final int SLOTS = 1024;
    private static final int STRIDE = 8; // one cache line per slot

    private static final AtomicLongArray COUNTS = new AtomicLongArray(SLOTS * STRIDE);
    private static volatile int[] fds = new int[0];

    private WakeupTable() {
    }

    /** Starts counting writes to {@code eventFd}; returns its slot, or -1 when the table is full. */
    static synchronized int register(int eventFd) {
        int[] current = fds;
        for (int i = 0; i < current.length; i++) {
            if (current[i] == -1) {
                COUNTS.set(i * STRIDE, 0);
                int[] next = current.clone();
                next[i] = eventFd;
                fds = next;
                return i;
            }
        }
        if (current.length == SLOTS) {
            return -1;
        }
        int[] next = java.util.Arrays.copyOf(current, current.length + 1);
        next[current.length] = eventFd;
        COUNTS.set(current.length * STRIDE, 0);
        fds = next;
        return current.length;
    }

    /** Stops counting for {@code slot} (its eventfd is closed and its number may be reused). */
    static synchronized void unregister(int slot) {
        int[] next = fds.clone();
        next[slot] = -1;
        fds = next;
    }

    /** Counts one write to {@code eventFd} if it belongs to a registered loop. */
    static void written(int eventFd) {
        int[] current = fds;
        for (int i = 0; i < current.length; i++) {
            if (current[i] == eventFd) {
                COUNTS.getAndIncrement(i * STRIDE);
                return;
            }
        }
    }

    static long count(int slot) {
        return COUNTS.get(slot * STRIDE);
    }
}
