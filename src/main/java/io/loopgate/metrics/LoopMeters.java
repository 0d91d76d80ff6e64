package io.loopgate.metrics;

import io.micrometer.core.instrument.Meter;
import java.util.List;

/**
 * The per-loop meters: the single source of their names, types, units, tags and descriptions for the code,
 * {@code docs/metrics.md} (checked by a test) and the dashboard. Every series carries {@link #LOOP_TAGS} (the
 * group-level {@link #INSTRUMENTED} carries {@link #GROUP_TAGS}), plus the meter's own {@link #extraTags()}.
 */
public enum LoopMeters {

    EPOLL_WAIT("loopgate.loop.epoll.wait", Meter.Type.TIMER, "seconds", List.of("kind"), Source.INSTRUMENTED,
            "Every epoll_wait call of the event loop and the time spent in it, measured at the call; kind: "
                    + "blocking (may sleep), immediate (tasks pending, timeout 0), busy (busy-poll)",
            "sum by (loop) (rate(loopgate_loop_epoll_wait_seconds_count[1m])) — epoll_wait calls per second"),

    EPOLL_READY("loopgate.loop.epoll.ready", Meter.Type.DISTRIBUTION_SUMMARY, "events", List.of(),
            Source.INSTRUMENTED,
            "Ready events returned by each epoll_wait call of the event loop (the le=\"0.0\" bucket counts empty returns)",
            "rate(loopgate_loop_epoll_ready_events_sum[1m]) / rate(loopgate_loop_epoll_ready_events_count[1m])"
                    + " — ready events per wait"),

    WAKEUPS("loopgate.loop.wakeups", Meter.Type.COUNTER, null, List.of(), Source.INSTRUMENTED,
            "Eventfd writes by other threads that woke the event loop (cross-thread task submissions)",
            "sum(rate(loopgate_loop_wakeups_total[1m])) / sum(rate(loopgate_http_requests_seconds_count[1m]))"
                    + " — wakeups per request (near 0 while colocation works)"),

    ITERATIONS("loopgate.loop.iterations", Meter.Type.COUNTER, null, List.of(), Source.ALWAYS,
            "Iterations of the event loop (one select-strategy decision each)",
            "rate(loopgate_loop_iterations_total[1m])"),

    TASKS("loopgate.loop.tasks", Meter.Type.COUNTER, null, List.of(), Source.AGENT,
            "Tasks run on the event loop",
            "rate(loopgate_loop_tasks_total[1m])"),

    TASKS_PENDING("loopgate.loop.tasks.pending", Meter.Type.GAUGE, null, List.of(), Source.ALWAYS,
            "Tasks queued on the event loop, waiting to run",
            "max_over_time(loopgate_loop_tasks_pending[5m])"),

    BUSY("loopgate.loop.busy", Meter.Type.COUNTER, "seconds", List.of(), Source.INSTRUMENTED,
            "Time the event loop was not blocked in epoll_wait; its rate is the loop's utilization (0..1)",
            "rate(loopgate_loop_busy_seconds_total[1m]) — utilization of each loop"),

    CHANNELS("loopgate.loop.channels", Meter.Type.GAUGE, null, List.of(), Source.ALWAYS,
            "Channels (sockets) registered on the event loop",
            "loopgate_loop_channels"),

    CONTEXT_SWITCHES("loopgate.loop.context.switches", Meter.Type.COUNTER, null, List.of("kind"), Source.PROC,
            "Kernel context switches of the event-loop thread from /proc/self/task/<tid>/status; kind: "
                    + "voluntary (slept, e.g. in epoll_wait), involuntary (preempted)",
            "rate(loopgate_loop_context_switches_total{kind=\"involuntary\"}[1m]) — preemptions per second"),

    INSTRUMENTED("loopgate.loop.instrumented", Meter.Type.GAUGE, null, List.of(), Source.GROUP,
            "1 where the exact epoll_wait, wakeup and busy-time meters of the loop group are live, 0 where they "
                    + "could not be installed (no agent, nio transport)",
            "loopgate_loop_instrumented == 0");

    /** Tags of every per-loop series. */
    public static final List<String> LOOP_TAGS = List.of("group", "loop", "transport", "trigger_mode");

    /** Tags of the per-group series. */
    public static final List<String> GROUP_TAGS = List.of("group", "transport", "trigger_mode");

    /** When a meter is published. */
    public enum Source {
        /** Always: counted without the agent, on epoll and nio. */
        ALWAYS("always"),
        /** Only where the agent is installed and the group is on epoll. */
        INSTRUMENTED("instrumented epoll groups"),
        /** Only where the agent is installed (epoll or nio). */
        AGENT("agent installed"),
        /** Where {@code /proc/self/task/<tid>/status} is readable (Linux). */
        PROC("Linux /proc"),
        /** Always, one series per loop group. */
        GROUP("always, per group");

        private final String text;

        Source(String text) {
            this.text = text;
        }

        /** How {@code docs/metrics.md} says it. */
        public String text() {
            return text;
        }
    }

    private final String meterName;
    private final Meter.Type type;
    private final String baseUnit;
    private final List<String> extraTags;
    private final Source source;
    private final String description;
    private final String promql;

    LoopMeters(String meterName, Meter.Type type, String baseUnit, List<String> extraTags, Source source,
            String description, String promql) {
        this.meterName = meterName;
        this.type = type;
        this.baseUnit = baseUnit;
        this.extraTags = extraTags;
        this.source = source;
        this.description = description;
        this.promql = promql;
    }

    /** The Micrometer name. */
    public String meterName() {
        return meterName;
    }

    public Meter.Type type() {
        return type;
    }

    /** Base unit, or null for counts. */
    public String baseUnit() {
        return baseUnit;
    }

    /** Tags beyond {@link #LOOP_TAGS} / {@link #GROUP_TAGS}. */
    public List<String> extraTags() {
        return extraTags;
    }

    /** All tag keys of the meter's series. */
    public List<String> tagKeys() {
        List<String> keys = new java.util.ArrayList<>(source == Source.GROUP ? GROUP_TAGS : LOOP_TAGS);
        keys.addAll(extraTags);
        return keys;
    }

    public Source source() {
        return source;
    }

    /** The description (Prometheus HELP). */
    public String description() {
        return description;
    }

    /** An example query, with what it shows. */
    public String promql() {
        return promql;
    }
}
