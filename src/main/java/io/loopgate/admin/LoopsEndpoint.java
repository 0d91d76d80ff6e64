package io.loopgate.admin;

import io.loopgate.config.LoopGroupProperties;
import io.loopgate.loop.LoopGroup;
import io.loopgate.loop.LoopGroups;
import io.loopgate.loop.LoopInstrumentation;
import io.loopgate.loop.LoopStats;
import io.loopgate.loop.WaitKind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * {@code /actuator/loops}: per loop group its settings, and per event loop its live figures — waits, blocked
 * time, ready events per wait, wakeups, utilization over the last 10 s and 1 min, channels, pending tasks.
 * Figures that need the agent are left out (not zeroed) where the group is not instrumented.
 */
@Endpoint(id = "loops")
public final class LoopsEndpoint {

    private static final long TEN_SECONDS = TimeUnit.SECONDS.toNanos(10);
    private static final long ONE_MINUTE = TimeUnit.MINUTES.toNanos(1);

    private final LoopGroups groups;
    private final LoopSampler sampler;

    LoopsEndpoint(LoopGroups groups, LoopSampler sampler) {
        this.groups = groups;
        this.sampler = sampler;
    }

    @ReadOperation
    public Map<String, Object> loops() {
        LoopInstrumentation.Status status = LoopInstrumentation.install();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("instrumentation", Map.of("active", status.active(), "reason", status.reason()));
        List<Object> list = new ArrayList<>();
        for (LoopGroup group : groups.all()) {
            Map<String, Object> g = new LinkedHashMap<>();
            g.put("name", group.name());
            g.put("settings", settings(group));
            g.put("instrumented", group.instrumented());
            List<Object> loops = new ArrayList<>();
            group.loopStats().forEach(loop -> loops.add(loop(loop)));
            g.put("loops", loops);
            list.add(g);
        }
        body.put("groups", list);
        return body;
    }

    private static Map<String, Object> settings(LoopGroup group) {
        LoopGroupProperties s = group.settings();
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("transport", group.transportName());
        map.put("threads", group.threads());
        map.put("acceptorThreads", s.acceptorThreads());
        map.put("triggerMode", group.triggerModeName());
        map.put("maxEventsPerWait", s.effectiveMaxEventsPerWait());
        map.put("ioRatio", s.ioRatio());
        map.put("waitStrategy", s.waitStrategy().name().toLowerCase(Locale.ROOT).replace('_', '-'));
        return map;
    }

    private Map<String, Object> loop(LoopStats loop) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("name", loop.name());
        map.put("acceptor", loop.acceptor());
        map.put("tid", loop.tid());
        map.put("iterations", loop.iterations());
        if (loop.instrumented()) {
            map.put("eventFd", loop.eventFd());
            Map<String, Object> waits = new LinkedHashMap<>();
            for (WaitKind kind : WaitKind.values()) {
                waits.put(kind.tagValue(), loop.waits(kind));
            }
            long total = loop.waits();
            waits.put("total", total);
            map.put("waits", waits);
            map.put("blockedNow", loop.blockedNow());
            map.put("blockedSeconds", loop.blockedNanos() / 1e9);
            map.put("busySeconds", loop.busyNanos() / 1e9);
            map.put("readyEventsPerWait", total == 0 ? 0.0 : (double) loop.readyEvents() / total);
            map.put("wakeups", loop.wakeups());
            Map<String, Object> utilization = new LinkedHashMap<>();
            utilization.put("last10s", finite(sampler.utilization(loop, TEN_SECONDS)));
            utilization.put("last1m", finite(sampler.utilization(loop, ONE_MINUTE)));
            map.put("utilization", utilization);
        }
        if (LoopInstrumentation.active()) {
            map.put("tasks", loop.tasks());
        }
        map.put("channels", loop.channels());
        map.put("pendingTasks", loop.pendingTasks());
        if (loop.hasContextSwitches()) {
            map.put("contextSwitches", Map.of("voluntary", loop.voluntaryContextSwitches(),
                    "involuntary", loop.involuntaryContextSwitches()));
        }
        return map;
    }

    private static Object finite(double value) {
        return Double.isFinite(value) ? value : null;
    }
}
