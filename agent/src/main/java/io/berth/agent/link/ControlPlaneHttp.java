package io.berth.agent.link;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.common.agentprotocol.AgentProtocolVersion;
import io.berth.common.json.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;

import static java.util.Objects.requireNonNull;

/**
 * JSON calls to the control plane's agent endpoints, with every failure turned into one line. With several control
 * planes (replicas on one store) a call that finds its control plane away (no connection, no answer in time, a 5xx)
 * goes to the next, and the first that answers becomes the one called from then on; a refusal (401, 403) is final.
 */
final class ControlPlaneHttp
{
    static final String PREFIX = "/berth/agent/v1/";
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    private final ControlPlaneEndpoints endpoints;
    private final HttpClient http;

    /** tls: whom to trust for an https:// control plane. */
    ControlPlaneHttp(URI controlPlane, SSLContext tls)
    {
        this(ControlPlaneEndpoints.of(controlPlane), tls);
    }

    /** tls: whom to trust for https:// control planes (replicas of one cluster share its CA). */
    ControlPlaneHttp(ControlPlaneEndpoints endpoints, SSLContext tls)
    {
        this.endpoints = requireNonNull(endpoints, "endpoints is null");
        this.http = HttpClient.newBuilder()
                .connectTimeout(CONNECT_TIMEOUT)
                .version(HttpClient.Version.HTTP_1_1)
                .sslContext(requireNonNull(tls, "tls is null"))
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

    /**
     * Sends the request to PREFIX + pathAndQuery of each control plane in turn, the current one first, and returns the
     * body of the first 200 answer; when none answers, the last failure says why.
     */
    byte[] call(String method, String pathAndQuery, Object body, String authorization, Duration timeout)
    {
        return exchange(method, pathAndQuery, body, authorization, timeout).body();
    }

    /** As {@link #call}, with the whole answer (its headers too). */
    HttpResponse<byte[]> exchange(String method, String pathAndQuery, Object body, String authorization, Duration timeout)
    {
        UncheckedIOException failure = null;
        for (URI controlPlane : endpoints.inOrder()) {
            try {
                HttpResponse<byte[]> answer = call(controlPlane, method, pathAndQuery, body, authorization, timeout);
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

    private HttpResponse<byte[]> call(URI controlPlane, String method, String pathAndQuery, Object body, String authorization, Duration timeout)
    {
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint(controlPlane, pathAndQuery)).timeout(timeout)
                // the control plane answers in this version, or refuses it (426) saying which side to upgrade
                .header(AgentProtocolVersion.HEADER, Integer.toString(AgentProtocolVersion.CURRENT));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        if (body != null) {
            try {
                request.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofByteArray(Json.mapper().writeValueAsBytes(body)));
            }
            catch (IOException e) {
                throw new UncheckedIOException("cannot encode the " + pathAndQuery + " request", e);
            }
        }
        else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<byte[]> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        }
        catch (ConnectException e) {
            throw new UncheckedIOException("cannot reach the control plane at " + controlPlane + " (connection refused): is `berth server` running there?", e);
        }
        catch (SSLHandshakeException e) {
            throw new UncheckedIOException("the control plane at " + controlPlane + " is not trusted (" + e.getMessage() + "): the agent trusts only the CA "
                    + "its join token pinned (DIR/" + ControlPlaneTrust.FILE_NAME + "); is --join the URL and name `berth server` printed?", e);
        }
        catch (HttpTimeoutException e) {
            throw new UncheckedIOException("the control plane at " + controlPlane + " did not answer within " + timeout.toSeconds() + " s", e);
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot reach the control plane at " + controlPlane + ": " + e, e);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new IOException("interrupted while calling the control plane"));
        }
        if (response.statusCode() == 200) {
            return response;
        }
        String message = message(response.body());
        if (response.statusCode() == 401 || response.statusCode() == 403) {
            throw new ControlPlaneRefusedException(response.statusCode(), "the control plane at " + controlPlane + " refused this host: " + message);
        }
        throw new UncheckedIOException(new IOException("the control plane at " + controlPlane + " answered " + response.statusCode() + ": " + message));
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
