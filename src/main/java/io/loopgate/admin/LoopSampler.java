package io.loopgate.admin;

import io.loopgate.loop.LoopGroup;
import io.loopgate.loop.LoopGroups;
import io.loopgate.loop.LoopStats;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Samples every loop's busy time once a second on its own thread (never on a loop) and keeps the last minute,
 * so that the {@code loops} endpoint can show utilization over the last 10 s and 1 min.
 */
final class LoopSampler implements AutoCloseable {

    static final int SAMPLES = 61;

    private final Map<LoopStats, Ring> rings = new IdentityHashMap<>();
    private final ScheduledExecutorService scheduler;

    LoopSampler(LoopGroups groups) {
        for (LoopGroup group : groups.all()) {
            for (LoopStats loop : group.loopStats()) {
                rings.put(loop, new Ring());
            }
        }
        sample();
        scheduler = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "loopgate-loops-sampler");
            thread.setDaemon(true);
            return thread;
        });
        scheduler.scheduleAtFixedRate(this::sample, 1, 1, TimeUnit.SECONDS);
    }

    private void sample() {
        rings.forEach((loop, ring) -> ring.add(System.nanoTime(), loop.busyNanos()));
    }

    /**
     * Share of the last {@code windowNanos} (or of the sampled history, if shorter) the loop was not blocked in
     * {@code epoll_wait}, from 0 to 1; NaN before the first sample interval has passed.
     */
    double utilization(LoopStats loop, long windowNanos) {
        Ring ring = rings.get(loop);
        long now = System.nanoTime();
        long busy = loop.busyNanos();
        long[] then = ring == null ? null : ring.atOrBefore(now - windowNanos);
        if (then == null || now - then[0] <= 0) {
            return Double.NaN;
        }
        return Math.min(1.0, Math.max(0.0, (double) (busy - then[1]) / (now - then[0])));
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }

    /** (time, busy) pairs, oldest overwritten. */
    private static final class Ring {
        private final long[] times = new long[SAMPLES];
        private final long[] busy = new long[SAMPLES];
        private int size;
        private int next;

        synchronized void add(long time, long busyNanos) {
            times[next] = time;
            busy[next] = busyNanos;
            next = (next + 1) % SAMPLES;
            size = Math.min(size + 1, SAMPLES);
        }

        /** The newest sample taken at or before {@code time}, else the oldest one; null when empty. */
        synchronized long[] atOrBefore(long time) {
            if (size == 0) {
                return null;
            }
            int oldest = (next - size + SAMPLES) % SAMPLES;
            long[] found = {times[oldest], busy[oldest]};
            for (int i = 0; i < size; i++) {
                int index = (oldest + i) % SAMPLES;
                if (times[index] - time <= 0) {
                    found = new long[] {times[index], busy[index]};
                }
            }
            return found;
        }
    }
}
