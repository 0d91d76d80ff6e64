package io.loopgate.loop;

import io.netty.channel.SelectStrategy;
import io.netty.util.IntSupplier;

/**
 * {@code wait-strategy: busy-poll}: never block; poll with {@code epoll_wait(0)} (Netty's BUSY_WAIT) when no
 * task is queued. Written by hand because Netty ships no busy-wait strategy, only the constant.
 */
final class BusyPollSelectStrategy implements SelectStrategy {

    static final BusyPollSelectStrategy INSTANCE = new BusyPollSelectStrategy();

    private BusyPollSelectStrategy() {
    }

    @Override
    public int calculateStrategy(IntSupplier selectSupplier, boolean hasTasks) throws Exception {
        return hasTasks ? selectSupplier.get() : SelectStrategy.BUSY_WAIT;
    }
}
