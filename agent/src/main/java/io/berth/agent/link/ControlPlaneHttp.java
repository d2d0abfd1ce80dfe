package io.berth.agent.link;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.common.agentprotocol.AgentProtocolVersion;
import io.berth.common.json.Json;

import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;

import static java.util.Objects.requireNonNull;

/**
 * JSON calls to the control plane's agent endpoints, with every failure turned into one line. With several control
 * planes (replicas on one store) a call that finds its control plane away (no connection, no answer in time, a 5xx)
 * goes to the next, and the first that answers becomes the one called from then on; a refusal (401, 403) is final.
 * <p>
 * The calls block on the calling thread over kept connections (Apache HttpClient's classic API): a sync or a wake-up
 * is handed between no threads, as the JDK's asynchronous HttpClient did for each request and each answer (a sync's
 * way to the control plane took 3.5 ms p50 of the 19 ms from a placement to the task's runner; see docs/benchmarks.md).
 * The deadline of a call bounds the wait for its answer to start and every stall in reading it (the JDK's client
 * bounded only the first). An interrupted virtual thread's call ends at once: its socket is closed.
 */
final class ControlPlaneHttp
        implements AutoCloseable
{
    static final String PREFIX = "/berth/agent/v1/";
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    // a connection idle for longer is checked before a request goes on it (a read that waits 1 ms): the control plane
    // closes connections idle for 30 s (the JDK server's default), and a host's syncs come every 2 s and its long poll
    // at once after the one before, so those never pay for the check
    private static final TimeValue CHECK_AFTER_IDLE = TimeValue.ofSeconds(10);
    // the long poll, a sync, a plan fetch, log shipping and a rotation may be under way at once
    private static final int CONNECTIONS = 8;

    private final ControlPlaneEndpoints endpoints;
    private final CloseableHttpClient http;

    /** tls: whom to trust for an https:// control plane. */
    ControlPlaneHttp(URI controlPlane, SSLContext tls)
    {
        this(ControlPlaneEndpoints.of(controlPlane), tls);
    }

    /** tls: whom to trust for https:// control planes (replicas of one cluster share its CA). */
    ControlPlaneHttp(ControlPlaneEndpoints endpoints, SSLContext tls)
    {
        this.endpoints = requireNonNull(endpoints, "endpoints is null");
        Timeout connectTimeout = Timeout.of(CONNECT_TIMEOUT);
        PoolingHttpClientConnectionManager connections = PoolingHttpClientConnectionManagerBuilder.create()
                // the host name is checked against the certificate, as the JDK's client did
                .setTlsSocketStrategy(new DefaultClientTlsStrategy(requireNonNull(tls, "tls is null")))
                .setDefaultConnectionConfig(ConnectionConfig.custom()
                        .setConnectTimeout(connectTimeout)
                        // until a request sets its own deadline: the TLS handshake's reads
                        .setSocketTimeout(connectTimeout)
                        .setValidateAfterInactivity(CHECK_AFTER_IDLE)
                        .build())
                .setDefaultSocketConfig(SocketConfig.custom().setTcpNoDelay(true).build())
                .setMaxConnTotal(CONNECTIONS)
                .setMaxConnPerRoute(CONNECTIONS)
                .build();
        this.http = HttpClients.custom()
                .setConnectionManager(connections)
                // a call that fails goes to the next control plane (or back to the agent's loop), never waits to retry
                .disableAutomaticRetries()
                .disableRedirectHandling()
                .disableCookieManagement()
                .disableContentCompression()
                .disableAuthCaching()
                .setUserAgent("berth-agent")
                .build();
    }

    URI controlPlane()
    {
        return endpoints.current();
    }

    ControlPlaneEndpoints endpoints()
    {
        return endpoints;
    }

    /** An answer's status, its body, and its headers by name (any case). */
    record Answer(int status, byte[] body, Map<String, String> headers)
    {
        Optional<String> header(String name)
        {
            return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
        }
    }

    /**
     * Sends the request to PREFIX + pathAndQuery of each control plane in turn, the current one first, and returns the
     * body of the first 200 answer; when none answers, the last failure says why.
     */
    byte[] call(String method, String pathAndQuery, Object body, String authorization, Duration timeout)
    {
        return exchange(method, pathAndQuery, body, authorization, timeout).body();
    }

    /** As {@link #call}, with the whole answer (its headers too). */
    Answer exchange(String method, String pathAndQuery, Object body, String authorization, Duration timeout)
    {
        UncheckedIOException failure = null;
        for (URI controlPlane : endpoints.inOrder()) {
            try {
                Answer answer = call(controlPlane, method, pathAndQuery, body, authorization, timeout);
                endpoints.answered(controlPlane);
                return answer;
            }
            catch (ControlPlaneRefusedException e) {
                throw e;
            }
            catch (UncheckedIOException e) {
                if (failure != null) {
                    e.addSuppressed(failure);
                }
                failure = e;
                if (Thread.currentThread().isInterrupted()) {
                    break;
                }
            }
        }
        throw failure;
    }

    /** Closes the kept connections; a call under way ends with an error. */
    @Override
    public void close()
    {
        http.close(CloseMode.IMMEDIATE);
    }

    private Answer call(URI controlPlane, String method, String pathAndQuery, Object body, String authorization, Duration timeout)
    {
        HttpUriRequestBase request = new HttpUriRequestBase(method, endpoint(controlPlane, pathAndQuery));
        // how long the answer may take to start, and any read of it to stall
        request.setConfig(RequestConfig.custom().setResponseTimeout(Timeout.of(timeout)).build());
        // the control plane answers in this version, or refuses it (426) saying which side to upgrade
        request.setHeader(AgentProtocolVersion.HEADER, Integer.toString(AgentProtocolVersion.CURRENT));
        if (authorization != null) {
            request.setHeader("Authorization", authorization);
        }
        if (body != null) {
            try {
                request.setEntity(new ByteArrayEntity(Json.mapper().writeValueAsBytes(body), ContentType.APPLICATION_JSON));
            }
            catch (IOException e) {
                throw new UncheckedIOException("cannot encode the " + pathAndQuery + " request", e);
            }
        }
        if (Thread.currentThread().isInterrupted()) {
            throw new UncheckedIOException(new IOException("interrupted while calling the control plane"));
        }
        Answer answer;
        try {
            answer = http.execute(request, response -> {
                Map<String, String> headers = new TreeMap<>();
                for (Header header : response.getHeaders()) {
                    headers.putIfAbsent(header.getName().toLowerCase(Locale.ROOT), header.getValue());
                }
                return new Answer(response.getCode(), response.getEntity() == null ? new byte[0] : EntityUtils.toByteArray(response.getEntity()), headers);
            });
        }
        catch (ConnectException e) {
            throw new UncheckedIOException("cannot reach the control plane at " + controlPlane + " (connection refused): is `berth server` running there?", e);
        }
        catch (ConnectTimeoutException e) {
            throw new UncheckedIOException("cannot reach the control plane at " + controlPlane + ": no connection within " + CONNECT_TIMEOUT.toSeconds() + " s", e);
        }
        catch (SSLException e) {
            throw new UncheckedIOException("the control plane at " + controlPlane + " is not trusted (" + e.getMessage() + "): the agent trusts only the CA "
                    + "its join token pinned (DIR/" + ControlPlaneTrust.FILE_NAME + "); is --join the URL and name `berth server` printed?", e);
        }
        catch (SocketTimeoutException e) {
            throw new UncheckedIOException("the control plane at " + controlPlane + " did not answer within " + timeout.toSeconds() + " s", e);
        }
        catch (InterruptedIOException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new IOException("interrupted while calling the control plane"));
        }
        catch (IOException e) {
            if (Thread.currentThread().isInterrupted()) {
                throw new UncheckedIOException(new IOException("interrupted while calling the control plane"));
            }
            throw new UncheckedIOException("cannot reach the control plane at " + controlPlane + ": " + e, e);
        }
        if (answer.status() == 200) {
            return answer;
        }
        String message = message(answer.body());
        if (answer.status() == 401 || answer.status() == 403) {
            throw new ControlPlaneRefusedException(answer.status(), "the control plane at " + controlPlane + " refused this host: " + message);
        }
        throw new UncheckedIOException(new IOException("the control plane at " + controlPlane + " answered " + answer.status() + ": " + message));
    }

    private static URI endpoint(URI controlPlane, String pathAndQuery)
    {
        String base = controlPlane.toString();
        if (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        return URI.create(base + PREFIX + pathAndQuery);
    }

    private static String message(byte[] body)
    {
        try {
            JsonNode error = Json.mapper().readTree(body);
            if (error != null && error.hasNonNull("message")) {
                return error.get("message").asText();
            }
        }
        catch (IOException e) {
            // not our error shape: show the text
        }
        String text = new String(body, StandardCharsets.UTF_8).strip();
        return text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }
}
