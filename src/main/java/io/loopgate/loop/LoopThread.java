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
}
