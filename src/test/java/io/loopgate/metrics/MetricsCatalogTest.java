package io.loopgate.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Meter;
import io.micrometer.prometheusmetrics.PrometheusNamingConvention;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code docs/metrics.md} is generated from {@link LoopMeters}: the table between the markers must be what the
 * enum renders ({@code -Dloopgate.docs.write=true} rewrites it), and the names must be DESIGN.md's.
 */
class MetricsCatalogTest {

    static final Path DOC = Path.of("docs/metrics.md");
    static final String BEGIN = "<!-- BEGIN GENERATED: LoopMeters (MetricsCatalogTest) -->";
    static final String END = "<!-- END GENERATED -->";

    /** DESIGN.md's per-loop table: Micrometer name, type, Prometheus series. */
    private static final Map<LoopMeters, String> DESIGN = Map.of(
            LoopMeters.EPOLL_WAIT, "loopgate_loop_epoll_wait_seconds_{count,sum,max,bucket}",
            LoopMeters.EPOLL_READY, "loopgate_loop_epoll_ready_events_{count,sum,max,bucket}",
            LoopMeters.WAKEUPS, "loopgate_loop_wakeups_total",
            LoopMeters.ITERATIONS, "loopgate_loop_iterations_total",
            LoopMeters.TASKS, "loopgate_loop_tasks_total",
            LoopMeters.TASKS_PENDING, "loopgate_loop_tasks_pending",
            LoopMeters.BUSY, "loopgate_loop_busy_seconds_total",
            LoopMeters.CHANNELS, "loopgate_loop_channels",
            LoopMeters.CONTEXT_SWITCHES, "loopgate_loop_context_switches_total",
            LoopMeters.INSTRUMENTED, "loopgate_loop_instrumented");

    @ParameterizedTest
    @EnumSource(LoopMeters.class)
    void prometheusSeriesAreTheDesignNames(LoopMeters meter) {
        assertThat(series(meter)).isEqualTo(DESIGN.get(meter));
        assertThat(meter.description()).isNotBlank();
        assertThat(meter.meterName()).startsWith("loopgate.loop.");
    }

    @Test
    void docsCatalogIsGeneratedFromTheEnum() throws Exception {
        String doc = Files.readString(DOC, StandardCharsets.UTF_8);
        int begin = doc.indexOf(BEGIN);
        int end = doc.indexOf(END);
        assertThat(begin).as("marker in " + DOC).isNotNegative();
        assertThat(end).isGreaterThan(begin);
        String expected = doc.substring(0, begin + BEGIN.length()) + "\n" + table() + doc.substring(end);
        if (Boolean.getBoolean("loopgate.docs.write")) {
            Files.writeString(DOC, expected, StandardCharsets.UTF_8);
            doc = expected;
        }
        assertThat(doc).as("docs/metrics.md is stale: run ./mvnw test -Dtest=MetricsCatalogTest -Dloopgate.docs.write=true")
                .isEqualTo(expected);
    }

    static String series(LoopMeters meter) {
        String name = new PrometheusNamingConvention().name(meter.meterName(), meter.type(), meter.baseUnit());
        return switch (meter.type()) {
            case TIMER, DISTRIBUTION_SUMMARY -> name + "_{count,sum,max,bucket}";
            case COUNTER -> name + "_total";
            default -> name;
        };
    }

    static String table() {
        StringBuilder md = new StringBuilder();
        md.append("| Micrometer name | type | unit | tags | Prometheus series | published | meaning | PromQL |\n");
        md.append("| --- | --- | --- | --- | --- | --- | --- | --- |\n");
        for (LoopMeters meter : LoopMeters.values()) {
            md.append("| `").append(meter.meterName()).append("` | ")
                    .append(type(meter.type())).append(" | ")
                    .append(meter.baseUnit() == null ? "—" : meter.baseUnit()).append(" | ")
                    .append(meter.tagKeys().stream().map(t -> "`" + t + "`").collect(Collectors.joining(", "))).append(" | ")
                    .append("`").append(series(meter)).append("` | ")
                    .append(meter.source().text()).append(" | ")
                    .append(meter.description().replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;"))
                    .append(" | ")
                    .append("`").append(meter.promql().replace(" — ", "` — ").replace("|", "\\|"))
                    .append(meter.promql().contains(" — ") ? "" : "`").append(" |\n");
        }
        return md.toString();
    }

    private static String type(Meter.Type type) {
        return switch (type) {
            case TIMER -> "histogram (timer)";
            case DISTRIBUTION_SUMMARY -> "histogram (distribution summary)";
            case COUNTER -> "function counter";
            case GAUGE -> "gauge";
            default -> type.name().toLowerCase();
        };
    }
}
