package dev.sage.metrics;

import dev.sage.diagnosis.Finding;
import dev.sage.service.Report;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.time.Duration;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;

/**
 * What the bot does, for Prometheus to scrape at {@code /metrics}: requests by action and outcome, refusals by reason,
 * how long diagnoses and their judgement take, the queue, Slack API errors and retries, findings by id, whether the
 * Slack link is up, and the bot's own JVM (its heap, threads and collections). Tag values come from closed sets (Sage's
 * own words, Slack's error codes, playbook ids), never from what a person typed.
 *
 * <p>Thread-safe: Micrometer's meters are.
 */
public final class Metrics implements AutoCloseable {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    /** Listens to the JVM's collections until closed. */
    private final JvmGcMetrics gc = new JvmGcMetrics();

    /** A registry with the bot's JVM bound to it. */
    public Metrics() {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        gc.bindTo(registry);
    }

    /** Stops listening to the JVM's collections. */
    @Override
    public void close() {
        gc.close();
        registry.close();
    }

    /**
     * A request came to an end.
     *
     * @param action {@code diagnose}, {@code compare}, {@code watch}, {@code analyze}, {@code alert}
     * @param outcome {@code diagnosed}, {@code joined}, {@code failed}, {@code stopped}, {@code busy}, {@code refused},
     *     {@code rate_limited}, …
     */
    public void request(String action, String outcome) {
        Counter.builder("sage.requests").description("Requests by action and outcome")
                .tag("action", action).tag("outcome", outcome).register(registry).increment();
    }

    /** A request was refused: {@code access}, {@code rate_limit}, {@code audit}. */
    public void refused(String reason) {
        Counter.builder("sage.refusals").description("Requests refused, by reason")
                .tag("reason", reason).register(registry).increment();
    }

    /** A diagnosis of {@code kind} ({@code pod}, {@code ssh}, {@code local}, {@code files}) took {@code took}. */
    public void diagnosis(String kind, Duration took, boolean ok) {
        Timer.builder("sage.diagnosis").description("Time from the start of a collection to the judged report")
                .tag("kind", kind).tag("ok", Boolean.toString(ok)).publishPercentileHistogram()
                // a diagnosis takes from half a second (one round) to minutes (a watch): buckets over that range only
                .minimumExpectedValue(Duration.ofMillis(100)).maximumExpectedValue(Duration.ofMinutes(10))
                .register(registry).record(took);
    }

    /** What a report found, and how long its playbooks took to judge it. */
    public void judged(Report report) {
        Long ms = report.diagnosis().timings().get("playbooks");
        if (ms != null) {
            Timer.builder("sage.judgement").description("Time the playbooks took to judge one diagnosis")
                    .register(registry).record(Duration.ofMillis(ms));
        }
        for (Finding f : report.diagnosis().findings()) {
            Counter.builder("sage.findings").description("Findings reported, by playbook id and severity")
                    .tag("id", f.id()).tag("severity", f.severity().name().toLowerCase(Locale.ROOT))
                    .register(registry).increment();
        }
    }

    /** A Slack Web API call was given up: {@code error} is Slack's code, {@code http_NNN} or {@code io}. */
    public void slackError(String method, String error) {
        Counter.builder("sage.slack.api.errors").description("Slack Web API calls that failed, by method and error")
                .tag("method", method).tag("error", error).register(registry).increment();
    }

    /** A Slack Web API call is tried again ({@code why}: {@code ratelimited}, {@code http_5xx}, {@code io}). */
    public void slackRetry(String method, String why) {
        Counter.builder("sage.slack.api.retries").description("Slack Web API calls tried again, by method and why")
                .tag("method", method).tag("why", why).register(registry).increment();
    }

    /** The diagnoses running and waiting, read at each scrape. */
    public void pool(IntSupplier running, IntSupplier waiting) {
        Gauge.builder("sage.diagnoses.running", running::getAsInt).description("Diagnoses running now").register(registry);
        Gauge.builder("sage.queue.depth", waiting::getAsInt).description("Diagnoses waiting for a thread").register(registry);
    }

    /** Whether Sage can hear from Slack, read at each scrape (1 up, 0 down). */
    public void link(BooleanSupplier up) {
        Gauge.builder("sage.slack.link.up", () -> up.getAsBoolean() ? 1 : 0)
                .description("1 when Sage is connected to Slack").register(registry);
    }

    /** The Prometheus text exposition of everything above. */
    public String scrape() {
        return registry.scrape();
    }

    /** The content type of {@link #scrape()}. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
}
