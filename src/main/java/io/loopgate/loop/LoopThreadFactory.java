package io.loopgate.loop;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Names loop threads {@code loopgate-<group>-<n>} (accept loops {@code loopgate-<group>-accept-<n>}). */
final class LoopThreadFactory implements ThreadFactory {

    private final LoopGroup group;
    private final boolean acceptor;
    private final AtomicInteger next = new AtomicInteger();

    LoopThreadFactory(LoopGroup group, boolean acceptor) {
        this.group = group;
        this.acceptor = acceptor;
    }

    @Override
    public Thread newThread(Runnable task) {
        int index = next.getAndIncrement();
        String name = "loopgate-" + group.name() + (acceptor ? "-accept-" : "-") + index;
        return new LoopThread(task, name, group, index, acceptor);
    }
}
