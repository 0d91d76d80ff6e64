package io.loopgate.upstream;

import io.loopgate.config.UpstreamProperties;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/** Picks a backend for each request or connection. Pure: no I/O, no Spring. */
public interface Balancer {

    /** The backend for the next exchange; {@code attempt} > 0 asks for another backend after a failure. */
    Backend pick(int attempt);

    /** The balancer of the given policy over {@code backends} (non-empty). */
    static Balancer of(UpstreamProperties.Balancer policy, List<Backend> backends) {
        return switch (policy) {
            case ROUND_ROBIN -> new RoundRobin(backends);
            case RANDOM -> attempt -> backends.get(ThreadLocalRandom.current().nextInt(backends.size()));
            case LEAST_REQUESTS -> new LeastRequests(backends);
        };
    }

    /** Each backend in turn. */
    final class RoundRobin implements Balancer {
        private final List<Backend> backends;
        private final AtomicInteger next = new AtomicInteger();

        RoundRobin(List<Backend> backends) {
            this.backends = List.copyOf(backends);
        }

        @Override
        public Backend pick(int attempt) {
            return backends.get(Math.floorMod(next.getAndIncrement(), backends.size()));
        }
    }

    /** The backend with the fewest exchanges in progress; of two random candidates (power of two choices). */
    final class LeastRequests implements Balancer {
        private final List<Backend> backends;

        LeastRequests(List<Backend> backends) {
            this.backends = List.copyOf(backends);
        }

        @Override
        public Backend pick(int attempt) {
            if (backends.size() == 1) {
                return backends.get(0);
            }
            ThreadLocalRandom random = ThreadLocalRandom.current();
            Backend a = backends.get(random.nextInt(backends.size()));
            Backend b = backends.get(random.nextInt(backends.size()));
            return a.inFlight() <= b.inFlight() ? a : b;
        }
    }
}
