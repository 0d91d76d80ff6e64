package io.loopgate.proxy.tcp;

import io.netty.channel.Channel;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes a forwarded connection after no byte was read from either side for the idle timeout. It watches the
 * read counters rather than pipeline events because spliced bytes never pass through the pipeline. Runs on the
 * accepted channel's loop: one timer per connection, re-armed only when it fires.
 */
final class IdleTimeout implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(IdleTimeout.class);

    private final Channel channel;
    private final ReadCounter client;
    private final long timeoutNanos;
    private ReadCounter backend;
    private ScheduledFuture<?> next;

    IdleTimeout(Channel channel, ReadCounter client, long timeoutNanos) {
        this.channel = channel;
        this.client = client;
        this.timeoutNanos = timeoutNanos;
    }

    void start() {
        next = channel.eventLoop().schedule(this, timeoutNanos, TimeUnit.NANOSECONDS);
        channel.closeFuture().addListener(f -> next.cancel(false));
    }

    /** Also watches the backend side once connected. */
    void upstream(ReadCounter backend) {
        this.backend = backend;
    }

    @Override
    public void run() {
        if (!channel.isOpen()) {
            return;
        }
        long last = client.lastReadNanos();
        if (backend != null && backend.lastReadNanos() - last > 0) {
            last = backend.lastReadNanos();
        }
        long idle = System.nanoTime() - last;
        if (idle >= timeoutNanos) {
            log.debug("Closing idle connection {} after {} ms without traffic", channel,
                    TimeUnit.NANOSECONDS.toMillis(idle));
            channel.close();
        }
        else {
            next = channel.eventLoop().schedule(this, timeoutNanos - idle, TimeUnit.NANOSECONDS);
        }
    }
}
