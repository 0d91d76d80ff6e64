package io.loopgate.proxy;

import java.util.List;

/** Contributes listeners of one protocol to the {@link ListenerLifecycle}. */
public interface ListenerSource {

    /** The listeners, not yet started. */
    List<Listener> listeners();
}
