package io.berth.controlplane.agents.http;

import io.berth.common.agentprotocol.LogChunk;
import io.berth.common.agentprotocol.TaskLogSource;
import io.berth.common.hostauth.HostRequestSignature;
import io.berth.common.json.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Reads task logs from a host's agent endpoint ({@code GET /v1/tasks/{taskId}/logs?token=&max=}), signing each
 * call with the hash of the host's secret. A host that cannot be reached is an UncheckedIOException saying so.
 */
public final class RemoteTaskLogSource
        implements TaskLogSource
{
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(20);

    private final HttpClient http;
    private final String hostId;
    private final String hostAndPort;
    private final String secretHash;
    private final Clock clock;

    public RemoteTaskLogSource(HttpClient http, String hostId, String hostAndPort, String secretHash, Clock clock)
    {
        this.http = requireNonNull(http, "http is null");
        this.hostId = requireNonNull(hostId, "hostId is null");
        this.hostAndPort = requireNonNull(hostAndPort, "hostAndPort is null");
        this.secretHash = requireNonNull(secretHash, "secretHash is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    @Override
    public Optional<LogChunk> read(String taskId, String token, int maxLines)
    {
        String rawPath = "/v1/tasks/" + URLEncoder.encode(taskId, StandardCharsets.UTF_8) + "/logs";
        String rawQuery = "max=" + maxLines + (token == null ? "" : "&token=" + URLEncoder.encode(token, StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + hostAndPort + rawPath + "?" + rawQuery))
                .timeout(REQUEST_TIMEOUT)
                .header("Authorization", HostRequestSignature.sign(hostId, secretHash, "GET", rawPath, rawQuery, clock.instant()))
                .GET()
                .build();
        HttpResponse<byte[]> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot reach the agent of host " + hostId + " at " + hostAndPort + ": " + e, e);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new IOException("interrupted while reading logs from host " + hostId));
        }
        if (response.statusCode() == 404) {
            return Optional.empty();
        }
        if (response.statusCode() != 200) {
            throw new UncheckedIOException(new IOException("the agent of host " + hostId + " answered " + response.statusCode() + ": "
                    + new String(response.body(), StandardCharsets.UTF_8).strip()));
        }
        try {
            return Optional.of(Json.mapper().readValue(response.body(), LogChunk.class));
        }
        catch (IOException e) {
            throw new UncheckedIOException("the agent of host " + hostId + " sent logs that are not valid JSON", e);
        }
    }
}
