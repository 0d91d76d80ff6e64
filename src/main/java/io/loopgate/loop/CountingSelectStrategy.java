package io.loopgate.loop;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.SelectStrategy;
import io.netty.channel.SelectStrategyFactory;
import io.netty.channel.epoll.EpollEventLoop;
import io.netty.util.IntSupplier;
import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayList;
import java.util.List;

/**
 * Counts loop iterations: Netty asks the select strategy exactly once per iteration, on the loop thread. The
 * first call also binds the loop thread to its {@link LoopStats} (thread name, Linux tid). Works without the
 * agent and on nio.
 */
final class CountingSelectStrategy implements SelectStrategy {

    private final SelectStrategy delegate;
    private final LoopStats stats;
    private boolean bound;

    CountingSelectStrategy(SelectStrategy delegate, LoopStats stats) {
        this.delegate = delegate;
        this.stats = stats;
    }

    @Override
    public int calculateStrategy(IntSupplier selectSupplier, boolean hasTasks) throws Exception {
        if (!bound) {
            bound = true;
            stats.bind(Thread.currentThread());
        }
        stats.iteration();
        return delegate.calculateStrategy(selectSupplier, hasTasks);
    }

    /**
     * Hands each loop of a group its counting strategy. Netty creates one strategy per loop, in the order of
     * the group's loops, so the n-th strategy belongs to the n-th loop.
     */
    static final class Factory implements SelectStrategyFactory {

        private final SelectStrategyFactory delegate;
        private final String group;
        private final boolean acceptor;
        private final List<LoopStats> created = new ArrayList<>();

        Factory(SelectStrategyFactory delegate, String group, boolean acceptor) {
            this.delegate = delegate;
            this.group = group;
            this.acceptor = acceptor;
        }

        @Override
        public synchronized SelectStrategy newSelectStrategy() {
            LoopStats stats = new LoopStats(group, acceptor);
            created.add(stats);
            return new CountingSelectStrategy(delegate.newSelectStrategy(), stats);
        }

        /**
         * Pairs the stats with the group's loops, registers their eventfds, then starts every loop and waits
         * for its first iteration, so that thread names and tids are known before meters are registered.
         */
        synchronized List<LoopStats> attach(EventLoopGroup loops) {
            List<EventExecutor> executors = new ArrayList<>();
            loops.forEach(executors::add);
            if (executors.size() != created.size()) {
                throw new IllegalStateException("Expected one select strategy per loop: " + executors.size()
                        + " loops, " + created.size() + " strategies");
            }
            for (int i = 0; i < executors.size(); i++) {
                EventExecutor loop = executors.get(i);
                boolean epoll = loop instanceof EpollEventLoop;
                created.get(i).attach(loop, epoll ? LoopInstrumentation.eventFd(loop) : -1,
                        epoll && LoopInstrumentation.active());
            }
            for (EventExecutor loop : executors) {
                loop.submit(() -> { }).syncUninterruptibly();
            }
            return List.copyOf(created);
        }
    }
}
