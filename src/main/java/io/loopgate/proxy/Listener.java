package io.loopgate.proxy;

import java.time.Duration;

/** A socket Loopgate binds and serves, HTTP or TCP. */
public interface Listener {

    /** Its configured name. */
    String name();

    /** Binds the socket; fails when it cannot. */
    void start();

    /** The bound port, or -1 when not started. */
    int port();

    /**
     * Stops accepting, lets in-flight work finish for at most {@code gracePeriod}, then closes what is left.
     * Blocks until done.
     */
    void stop(Duration gracePeriod);
}
