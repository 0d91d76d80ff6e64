package io.loopgate.loop;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The kernel's view of one thread: {@code voluntary_ctxt_switches} and {@code nonvoluntary_ctxt_switches} of
 * {@code /proc/self/task/<tid>/status}. Read at scrape time (never on the loop), at most every 100 ms; after the
 * thread has exited the last values stay.
 */
final class ThreadStatus {

    private static final long REFRESH_NANOS = 100_000_000L;

    private long readAt;
    private long voluntary;
    private long involuntary;
    private boolean readable = true;

    /** Linux thread id of the calling thread, from {@code /proc/thread-self}; -1 when unavailable. */
    static long currentTid() {
        try {
            // "<pid>/task/<tid>": the native thread name is truncated, so the tid must be found on the thread itself.
            Path link = Files.readSymbolicLink(Path.of("/proc/thread-self"));
            return Long.parseLong(link.getFileName().toString());
        }
        catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    synchronized boolean readable(long tid) {
        refresh(tid);
        return readable;
    }

    synchronized long voluntary(long tid) {
        refresh(tid);
        return voluntary;
    }

    synchronized long involuntary(long tid) {
        refresh(tid);
        return involuntary;
    }

    private void refresh(long tid) {
        long now = System.nanoTime();
        if (tid < 0 || (readAt != 0 && now - readAt < REFRESH_NANOS)) {
            readable &= tid >= 0;
            return;
        }
        readAt = now;
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/self/task/" + tid + "/status"));
            for (String line : lines) {
                if (line.startsWith("voluntary_ctxt_switches:")) {
                    voluntary = Math.max(voluntary, value(line));
                }
                else if (line.startsWith("nonvoluntary_ctxt_switches:")) {
                    involuntary = Math.max(involuntary, value(line));
                }
            }
        }
        catch (IOException | RuntimeException e) {
            // The thread has exited (keep the last values) or /proc is not mounted.
            readable &= voluntary > 0 || involuntary > 0;
        }
    }

    private static long value(String line) {
        return Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
    }
}
