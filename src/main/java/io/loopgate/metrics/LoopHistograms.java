package io.loopgate.metrics;

import io.loopgate.loop.LoopStats;
import io.loopgate.loop.WaitKind;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.NamingConvention;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.Exemplars;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricMetadata;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link LoopMeters#EPOLL_WAIT} and {@link LoopMeters#EPOLL_READY} as classic Prometheus histograms with a few
 * explicit buckets, rendered exactly as Micrometer renders a timer or distribution summary with SLO boundaries
 * ({@code _bucket{le}}, {@code _count}, {@code _sum}, and a {@code _max} gauge), but from the loops' own bucket
 * counters: Micrometer's function meters cannot carry buckets, and feeding a Timer would mean one Micrometer
 * call per {@code epoll_wait}. Names and tag keys go through the registry's naming convention, and every series
 * carries the same tags (common tags included) as the loop's Micrometer meters.
 */
final class LoopHistograms implements MultiCollector {

    /** One instrumented loop and the tags of its meters. */
    record Loop(LoopStats stats, Tags tags) {
    }

    private record Labelled(LoopStats stats, Labels labels, Labels[] byKind) {
    }

    private static final double[] WAIT_BOUNDS_SECONDS;
    private static final double[] READY_BOUNDS;

    static {
        long[] nanos = LoopStats.waitBucketBoundsNanos();
        WAIT_BOUNDS_SECONDS = new double[nanos.length + 1];
        for (int i = 0; i < nanos.length; i++) {
            WAIT_BOUNDS_SECONDS[i] = nanos[i] / 1e9;
        }
        WAIT_BOUNDS_SECONDS[nanos.length] = Double.POSITIVE_INFINITY;
        int[] ready = LoopStats.readyBucketBounds();
        READY_BOUNDS = new double[ready.length + 1];
        for (int i = 0; i < ready.length; i++) {
            READY_BOUNDS[i] = ready[i];
        }
        READY_BOUNDS[ready.length] = Double.POSITIVE_INFINITY;
    }

    private final List<Labelled> loops = new ArrayList<>();
    private final String waitName;
    private final String readyName;

    LoopHistograms(PrometheusMeterRegistry registry, List<Loop> loops) {
        NamingConvention convention = registry.config().namingConvention();
        this.waitName = convention.name(LoopMeters.EPOLL_WAIT.meterName(), Meter.Type.TIMER,
                LoopMeters.EPOLL_WAIT.baseUnit());
        this.readyName = convention.name(LoopMeters.EPOLL_READY.meterName(), Meter.Type.DISTRIBUTION_SUMMARY,
                LoopMeters.EPOLL_READY.baseUnit());
        for (Loop loop : loops) {
            // The tags the registry gave the loop's own meters: the loop tags plus any common tags.
            Meter sibling = registry.find(LoopMeters.ITERATIONS.meterName()).tags(loop.tags()).meter();
            List<Tag> tags = sibling != null ? sibling.getId().getTags() : loop.tags().stream().toList();
            List<String> names = new ArrayList<>();
            List<String> values = new ArrayList<>();
            for (Tag tag : tags) {
                names.add(convention.tagKey(tag.getKey()));
                values.add(convention.tagValue(tag.getValue()));
            }
            Labels labels = Labels.of(names, values);
            Labels[] byKind = new Labels[WaitKind.values().length];
            for (WaitKind kind : WaitKind.values()) {
                byKind[kind.ordinal()] = labels.add(convention.tagKey("kind"), kind.tagValue());
            }
            this.loops.add(new Labelled(loop.stats(), labels, byKind));
        }
    }

    @Override
    public MetricSnapshots collect() {
        List<HistogramDataPointSnapshot> waits = new ArrayList<>();
        List<GaugeDataPointSnapshot> waitMax = new ArrayList<>();
        List<HistogramDataPointSnapshot> ready = new ArrayList<>();
        List<GaugeDataPointSnapshot> readyMax = new ArrayList<>();
        for (Labelled loop : loops) {
            LoopStats stats = loop.stats();
            for (WaitKind kind : WaitKind.values()) {
                Labels labels = loop.byKind()[kind.ordinal()];
                waits.add(new HistogramDataPointSnapshot(
                        ClassicHistogramBuckets.of(WAIT_BOUNDS_SECONDS, stats.waitBuckets(kind)),
                        stats.waitNanos(kind) / 1e9, labels, Exemplars.EMPTY, 0L));
                waitMax.add(new GaugeDataPointSnapshot(stats.waitMaxNanos(kind) / 1e9, labels, null));
            }
            ready.add(new HistogramDataPointSnapshot(ClassicHistogramBuckets.of(READY_BOUNDS, stats.readyBuckets()),
                    stats.readyEvents(), loop.labels(), Exemplars.EMPTY, 0L));
            readyMax.add(new GaugeDataPointSnapshot(stats.readyMax(), loop.labels(), null));
        }
        return MetricSnapshots.of(
                new HistogramSnapshot(new MetricMetadata(waitName, LoopMeters.EPOLL_WAIT.description()), waits),
                new GaugeSnapshot(new MetricMetadata(waitName + "_max", LoopMeters.EPOLL_WAIT.description()), waitMax),
                new HistogramSnapshot(new MetricMetadata(readyName, LoopMeters.EPOLL_READY.description()), ready),
                new GaugeSnapshot(new MetricMetadata(readyName + "_max", LoopMeters.EPOLL_READY.description()),
                        readyMax));
    }

    @Override
    public List<String> getPrometheusNames() {
        return List.of(waitName, waitName + "_max", readyName, readyName + "_max");
    }
}
