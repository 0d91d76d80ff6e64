package io.loopgate.loop;

import io.netty.util.concurrent.FastThreadLocalThread;
import reactor.core.scheduler.NonBlocking;

/**
 * The thread of one event loop, named {@code loopgate-<group>-<n>} or {@code loopgate-<group>-accept-<n>}.
 * {@link NonBlocking} makes Reactor refuse {@code block()} on it.
 */
final class LoopThread extends FastThreadLocalThread implements NonBlocking {

    private final LoopGroup group;
    private final int index;
    private final boolean acceptor;
    private LoopStats stats; // written and read by this thread (the woven probes); set at its first iteration

    LoopThread(Runnable task, String name, LoopGroup group, int index, boolean acceptor) {
        super(null, task, name);
        this.group = group;
        this.index = index;
        this.acceptor = acceptor;
        setDaemon(true);
    }

    LoopGroup group() {
        return group;
    }

    int index() {
        return index;
    }

    boolean acceptor() {
        return acceptor;
    }

    LoopStats stats() {
        return stats;
    }

    void stats(LoopStats stats) {
        this.stats = stats;
    }

    @Override
    public void run() {
        try {
            super.run();
        }
        finally {
            LoopStats s = stats;
            if (s != null) {
                s.threadEnded();
            }
        }
    }
}
