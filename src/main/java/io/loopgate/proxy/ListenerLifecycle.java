package io.loopgate.proxy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Starts every listener after the management server is up and stops them first on shutdown, all in parallel,
 * each draining within the grace period.
 */
public final class ListenerLifecycle implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ListenerLifecycle.class);

    /** After Boot's web server (DEFAULT_PHASE - 2048) and its graceful shutdown (DEFAULT_PHASE - 1024). */
    static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 512;

    private final List<Listener> listeners;
    private final Duration gracePeriod;
    private volatile boolean running;

    public ListenerLifecycle(List<Listener> listeners, Duration gracePeriod) {
        this.listeners = List.copyOf(listeners);
        this.gracePeriod = gracePeriod;
    }

    @Override
    public void start() {
        List<Listener> started = new ArrayList<>();
        try {
            for (Listener listener : listeners) {
                listener.start();
                started.add(listener);
                log.info("Listener '{}' started on port {}", listener.name(), listener.port());
            }
        }
        catch (RuntimeException e) {
            started.forEach(l -> l.stop(Duration.ZERO));
            throw e;
        }
        running = true;
    }

    @Override
    public void stop() {
        if (!running) {
            return;
        }
        running = false;
        log.info("Stopping {} listener(s), grace period {}", listeners.size(), gracePeriod);
        CompletableFuture.allOf(listeners.stream()
                .map(l -> CompletableFuture.runAsync(() -> l.stop(gracePeriod)))
                .toArray(CompletableFuture[]::new)).join();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }

    /** The listeners, in configuration order. */
    public List<Listener> listeners() {
        return listeners;
    }

    /** The listener named {@code name}. */
    public Listener listener(String name) {
        return listeners.stream().filter(l -> l.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("No listener '" + name + "'"));
    }
}
