package io.loopgate.metrics;

import io.loopgate.loop.LoopGroup;
import io.loopgate.loop.LoopGroups;
import io.loopgate.loop.LoopInstrumentation;
import io.loopgate.loop.LoopStats;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds the {@link LoopMeters} of every loop group. All meters are function meters reading {@link LoopStats} at
 * scrape time; nothing is recorded from an event loop. The two histograms ({@link LoopMeters#EPOLL_WAIT},
 * {@link LoopMeters#EPOLL_READY}) are exposed by {@link LoopHistograms} on the Prometheus registry, because
 * Micrometer has no function meter with buckets. A meter that would not be exact is not published at all.
 */
public final class LoopMetrics implements MeterBinder, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LoopMetrics.class);

    private final LoopGroups groups;
    private final List<Runnable> closers = new ArrayList<>();

    public LoopMetrics(LoopGroups groups) {
        this.groups = groups;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        List<LoopHistograms.Loop> histogramLoops = new ArrayList<>();
        for (LoopGroup group : groups.all()) {
            Tags groupTags = Tags.of("group", group.name(), "transport", group.transportName(),
                    "trigger_mode", group.triggerModeName());
            gauge(registry, LoopMeters.INSTRUMENTED, groupTags, group, g -> g.instrumented() ? 1 : 0);
            if (!group.instrumented() && LoopInstrumentation.active()) {
                log.warn("Loop group '{}' runs on the {} transport: its epoll_wait, wakeup and busy-time meters are "
                        + "not published and loopgate.loop.instrumented is 0", group.name(), group.transportName());
            }
            for (LoopStats loop : group.loopStats()) {
                Tags tags = groupTags.and("loop", loop.name());
                counter(registry, LoopMeters.ITERATIONS, tags, loop, LoopStats::iterations);
                gauge(registry, LoopMeters.TASKS_PENDING, tags, loop, LoopStats::pendingTasks);
                gauge(registry, LoopMeters.CHANNELS, tags, loop, LoopStats::channels);
                if (LoopInstrumentation.active()) {
                    counter(registry, LoopMeters.TASKS, tags, loop, LoopStats::tasks);
                }
                if (loop.hasContextSwitches()) {
                    counter(registry, LoopMeters.CONTEXT_SWITCHES, tags.and("kind", "voluntary"), loop,
                            LoopStats::voluntaryContextSwitches);
                    counter(registry, LoopMeters.CONTEXT_SWITCHES, tags.and("kind", "involuntary"), loop,
                            LoopStats::involuntaryContextSwitches);
                }
                if (loop.instrumented()) {
                    counter(registry, LoopMeters.WAKEUPS, tags, loop, LoopStats::wakeups);
                    counter(registry, LoopMeters.BUSY, tags, loop, s -> s.busyNanos() / 1e9);
                    histogramLoops.add(new LoopHistograms.Loop(loop, tags));
                }
            }
        }
        PrometheusMeterRegistry prometheus = prometheus(registry);
        if (prometheus != null && !histogramLoops.isEmpty()) {
            LoopHistograms histograms = new LoopHistograms(prometheus, histogramLoops);
            prometheus.getPrometheusRegistry().register(histograms);
            closers.add(() -> prometheus.getPrometheusRegistry().unregister(histograms));
        }
    }

    private static PrometheusMeterRegistry prometheus(MeterRegistry registry) {
        if (registry instanceof PrometheusMeterRegistry p) {
            return p;
        }
        if (registry instanceof CompositeMeterRegistry composite) {
            for (MeterRegistry member : composite.getRegistries()) {
                PrometheusMeterRegistry p = prometheus(member);
                if (p != null) {
                    return p;
                }
            }
        }
        return null;
    }

    private static <T> void counter(MeterRegistry registry, LoopMeters meter, Tags tags, T source,
            ToDoubleFunction<T> value) {
        require(meter, Meter.Type.COUNTER, tags);
        FunctionCounter.builder(meter.meterName(), source, value)
                .description(meter.description())
                .baseUnit(meter.baseUnit())
                .tags(tags)
                .register(registry);
    }

    private static <T> void gauge(MeterRegistry registry, LoopMeters meter, Tags tags, T source,
            ToDoubleFunction<T> value) {
        require(meter, Meter.Type.GAUGE, tags);
        Gauge.builder(meter.meterName(), source, value)
                .description(meter.description())
                .baseUnit(meter.baseUnit())
                .tags(tags)
                .strongReference(true)
                .register(registry);
    }

    /** The catalog is the contract: registering anything else is a programming error caught by the tests. */
    private static void require(LoopMeters meter, Meter.Type type, Tags tags) {
        List<String> keys = tags.stream().map(io.micrometer.core.instrument.Tag::getKey).sorted().toList();
        if (meter.type() != type || !keys.equals(meter.tagKeys().stream().sorted().toList())) {
            throw new IllegalStateException(meter + " registered as " + type + " with " + keys);
        }
    }

    @Override
    public void close() {
        closers.forEach(Runnable::run);
    }
}
