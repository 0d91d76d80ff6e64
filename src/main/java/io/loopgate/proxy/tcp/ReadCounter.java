package io.loopgate.proxy.tcp;

import io.micrometer.core.instrument.Counter;
import io.netty.channel.ChannelConfig;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.util.UncheckedBooleanSupplier;

/**
 * The receive-buffer allocator of one channel, wrapping the real one to count the bytes read from the socket.
 * Netty reports every read to it — {@code recv} into a buffer and {@code splice} into a pipe alike — so the
 * count is exact for both forwarding paths. Counts are summed per read round and handed to the meter once per
 * round; the time of the last round that read anything is kept for the idle timeout.
 *
 * <p>Used on the channel's event loop only (one channel, one handle).
 */
final class ReadCounter implements RecvByteBufAllocator {

    private final RecvByteBufAllocator delegate;
    private final Counter meter;
    private long total;
    private long lastReadNanos;

    ReadCounter(RecvByteBufAllocator delegate, Counter meter) {
        this.delegate = delegate;
        this.meter = meter;
        this.lastReadNanos = System.nanoTime();
    }

    /** Bytes read from the socket so far. */
    long total() {
        return total;
    }

    /** {@link System#nanoTime()} of the last read round that read at least one byte (or of creation). */
    long lastReadNanos() {
        return lastReadNanos;
    }

    @Override
    public Handle newHandle() {
        return new CountingHandle((ExtendedHandle) delegate.newHandle());
    }

    private void roundRead(long bytes) {
        total += bytes;
        lastReadNanos = System.nanoTime();
        meter.increment(bytes);
    }

    private final class CountingHandle extends DelegatingHandle implements ExtendedHandle {

        private long round;

        CountingHandle(ExtendedHandle delegate) {
            super(delegate);
        }

        @Override
        public void reset(ChannelConfig config) {
            round = 0;
            super.reset(config);
        }

        @Override
        public void lastBytesRead(int bytes) {
            if (bytes > 0) {
                round += bytes;
            }
            super.lastBytesRead(bytes);
        }

        @Override
        public void readComplete() {
            super.readComplete();
            if (round > 0) {
                roundRead(round);
                round = 0;
            }
        }

        @Override
        public boolean continueReading(UncheckedBooleanSupplier maybeMoreDataSupplier) {
            return ((ExtendedHandle) delegate()).continueReading(maybeMoreDataSupplier);
        }
    }
}
