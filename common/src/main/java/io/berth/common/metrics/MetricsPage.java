package io.berth.common.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

import static java.util.Objects.requireNonNull;

/**
 * {@code GET /metrics}: the registry in the Prometheus text format (0.0.4), for a reader with the metrics token;
 * 401 without it, 405 for another method. Collecting happens on each scrape, so callback gauges read fresh values.
 */
public final class MetricsPage
        implements HttpHandler
{
    public static final String PATH = "/metrics";

    private final PrometheusRegistry registry;
    private final MetricsToken token;
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

    public MetricsPage(PrometheusRegistry registry, MetricsToken token)
    {
        this.registry = requireNonNull(registry, "registry is null");
        this.token = requireNonNull(token, "token is null");
    }

    @Override
    public void handle(HttpExchange exchange)
            throws IOException
    {
        try (exchange) {
            // the server hands every path starting with /metrics here
            if (!exchange.getRequestURI().getRawPath().equals(PATH)) {
                sendText(exchange, 404, "no such page: metrics are at " + PATH + "\n");
                return;
            }
            if (!token.authorizes(exchange.getRequestHeaders().getFirst("Authorization"))) {
                exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"berth-metrics\"");
                sendText(exchange, 401, "/metrics needs the metrics token: send Authorization: Bearer <the contents of " + MetricsToken.FILE_NAME
                        + " in the data directory>\n");
                return;
            }
            if (!exchange.getRequestMethod().equals("GET") && !exchange.getRequestMethod().equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                sendText(exchange, 405, "use GET /metrics\n");
                return;
            }
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            writer.write(body, registry.scrape());
            exchange.getResponseHeaders().set("Content-Type", writer.getContentType());
            if (exchange.getRequestMethod().equals("HEAD")) {
                exchange.sendResponseHeaders(200, -1);
                return;
            }
            exchange.sendResponseHeaders(200, body.size());
            try (OutputStream output = exchange.getResponseBody()) {
                body.writeTo(output);
            }
        }
    }

    private static void sendText(HttpExchange exchange, int status, String text)
            throws IOException
    {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream output = exchange.getResponseBody()) {
            output.write(bytes);
        }
    }
}
