package io.loopgate.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.loopgate.config.BackendAddress;
import io.loopgate.config.UpstreamProperties;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BalancerTest {

    static List<Backend> backends(int n) {
        List<Backend> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add(new Backend(new BackendAddress("10.0.0." + i, 80)));
        }
        return list;
    }

    @Test
    void roundRobinVisitsEachBackendInTurn() {
        List<Backend> backends = backends(3);
        Balancer balancer = Balancer.of(UpstreamProperties.Balancer.ROUND_ROBIN, backends);
        List<Backend> picks = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            picks.add(balancer.pick(0));
        }
        assertThat(picks).containsExactly(backends.get(0), backends.get(1), backends.get(2),
                backends.get(0), backends.get(1), backends.get(2));
    }

    @Test
    void leastRequestsAvoidsTheBusyBackend() {
        List<Backend> backends = backends(2);
        for (int i = 0; i < 10; i++) {
            backends.get(0).acquire();
        }
        Balancer balancer = Balancer.of(UpstreamProperties.Balancer.LEAST_REQUESTS, backends);
        long idle = 0;
        for (int i = 0; i < 1000; i++) {
            if (balancer.pick(0) == backends.get(1)) {
                idle++;
            }
        }
        assertThat(idle).isGreaterThan(600);
    }

    @Test
    void randomStaysWithinTheBackends() {
        List<Backend> backends = backends(4);
        Balancer balancer = Balancer.of(UpstreamProperties.Balancer.RANDOM, backends);
        for (int i = 0; i < 100; i++) {
            assertThat(backends).contains(balancer.pick(0));
        }
    }
}
