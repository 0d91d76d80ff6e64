package io.loopgate.upstream;

import io.loopgate.config.BackendAddress;
import java.util.concurrent.atomic.AtomicInteger;

/** One {@code host:port} of an upstream, with the number of requests or connections it is serving now. */
public final class Backend {

    private final BackendAddress address;
    private final AtomicInteger inFlight = new AtomicInteger();

    Backend(BackendAddress address) {
        this.address = address;
    }

    /** Host and port. */
    public BackendAddress address() {
        return address;
    }

    /** Requests (HTTP) or connections (TCP) in progress on this backend. */
    public int inFlight() {
        return inFlight.get();
    }

    /** Marks one more exchange in progress; pair with {@link #release()}. */
    public void acquire() {
        inFlight.incrementAndGet();
    }

    /** Marks an exchange finished. */
    public void release() {
        inFlight.decrementAndGet();
    }

    @Override
    public String toString() {
        return address.authority();
    }
}
