package dev.sage.slack;

import com.slack.api.bolt.App;
import com.slack.api.bolt.request.Request;
import com.slack.api.bolt.request.RequestHeaders;
import com.slack.api.bolt.response.Response;
import com.slack.api.bolt.util.SlackRequestParser;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.sage.alerts.AlertIntake;
import dev.sage.metrics.Metrics;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

/**
 * Serves a Bolt app over HTTP on the JDK's own server: Slack POSTs events, slash commands and button clicks to
 * {@code /slack/events}; Bolt checks each request's signature (a bad or stale one gets 401) and runs the handler,
 * which acknowledges at once. {@code /alerts} takes Alertmanager's webhook when the bot has one. {@code /metrics} is
 * for Prometheus. {@code /healthz} answers 200 when the bot is ready (linked to Slack, not stopping) and 503 when not;
 * {@code /healthz/live} answers 200 while the process serves at all. Bodies past {@link #MAX_BODY} are refused.
 * Thread-safe; {@link #close()} stops it.
 */
public final class SlackHttp implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SlackHttp.class);
    /** Slack's payloads are a few KiB; a megabyte is not one. */
    static final int MAX_BODY = 1 << 20;
    /** Connections the kernel holds while the threads are busy: a burst of events must not wait out a SYN retry. */
    private static final int BACKLOG = 1024;

    private final HttpServer server;
    private final ExecutorService threads;

    private SlackHttp(HttpServer server, ExecutorService threads) {
        this.server = server;
        this.threads = threads;
    }

    /**
     * Starts serving {@code app} (none: the bot talks to Slack over Socket Mode), {@code alerts} when present, the
     * metrics and the health checks on {@code address} (port 0 picks a free one).
     */
    public static SlackHttp start(App app, Optional<AlertIntake> alerts, Metrics metrics, BooleanSupplier ready,
                                  InetSocketAddress address) throws IOException {
        HttpServer server = HttpServer.create(address, BACKLOG);
        if (app != null) {
            SlackRequestParser parser = new SlackRequestParser(app.config());
            server.createContext("/slack/events", exchange -> {
                try (exchange) {
                    handle(app, parser, exchange);
                } catch (RuntimeException e) {
                    LOG.error("a Slack request failed", e);
                }
            });
        }
        alerts.ifPresent(intake -> server.createContext("/alerts", exchange -> {
            try (exchange) {
                byte[] body = post(exchange);
                if (body == null) {
                    return;
                }
                int status = intake.handle(exchange.getRequestHeaders().getFirst("Authorization"), body);
                send(exchange, status, "text/plain", status == 200 ? "ok\n" : status == 401 ? "a bearer token is needed\n"
                        : "not an Alertmanager webhook payload\n");
            } catch (RuntimeException e) {
                LOG.error("an alert request failed", e);
            }
        }));
        server.createContext("/healthz", exchange -> {
            try (exchange) {
                if (exchange.getRequestURI().getPath().equals("/healthz/live")) {
                    send(exchange, 200, "text/plain", "ok\n");
                } else if (ready.getAsBoolean()) {
                    send(exchange, 200, "text/plain", "ok\n");
                } else {
                    send(exchange, 503, "text/plain", "not ready: the link to Slack is down, or Sage is stopping\n");
                }
            }
        });
        server.createContext("/metrics", exchange -> {
            try (exchange) {
                send(exchange, 200, Metrics.CONTENT_TYPE, metrics.scrape());
            } catch (RuntimeException e) {
                LOG.error("a metrics scrape failed", e);
            }
        });
        ExecutorService threads = Executors.newFixedThreadPool(8, r -> {
            Thread t = new Thread(r, "sage-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(threads);
        server.start();
        return new SlackHttp(server, threads);
    }

    /** The port it listens on. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** A POST's body, or null when it was answered already (405 for another method, 413 past {@link #MAX_BODY}). */
    private static byte[] post(HttpExchange exchange) throws IOException {
        if (!exchange.getRequestMethod().equals("POST")) {
            send(exchange, 405, "text/plain", "POST only\n");
            return null;
        }
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readNBytes(MAX_BODY + 1);
        }
        if (body.length > MAX_BODY) {
            send(exchange, 413, "text/plain", "too large\n");
            return null;
        }
        return body;
    }

    private static void handle(App app, SlackRequestParser parser, HttpExchange exchange) throws IOException {
        byte[] body = post(exchange);
        if (body == null) {
            return;
        }
        Map<String, List<String>> headers = new LinkedHashMap<>();
        exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), new ArrayList<>(v)));
        Request<?> request = parser.parse(SlackRequestParser.HttpRequest.builder()
                .requestUri(exchange.getRequestURI().getPath())
                .queryString(query(exchange.getRequestURI().getRawQuery()))
                .headers(new RequestHeaders(headers))
                .requestBody(new String(body, StandardCharsets.UTF_8))
                .remoteAddress(exchange.getRemoteAddress().getAddress().getHostAddress())
                .build());
        Response response;
        try {
            response = app.run(request);
        } catch (Exception e) {
            LOG.error("Bolt failed on a request", e);
            send(exchange, 500, "text/plain", "error\n");
            return;
        }
        if (response.getHeaders() != null) {
            response.getHeaders().forEach((k, v) -> v.forEach(x -> exchange.getResponseHeaders().add(k, x)));
        }
        send(exchange, response.getStatusCode(), response.getContentType() == null ? "text/plain" : response.getContentType(),
                response.getBody() == null ? "" : response.getBody());
    }

    private static Map<String, List<String>> query(String raw) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
        }
        return out;
    }

    private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        server.stop(1);
        threads.shutdownNow();
    }
}
