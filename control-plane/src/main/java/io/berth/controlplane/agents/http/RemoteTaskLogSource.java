package io.berth.controlplane.agents.http;

import io.berth.common.agentprotocol.LogChunk;
import io.berth.common.agentprotocol.TaskLogSource;
import io.berth.common.json.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Reads task logs from a host's agent endpoint ({@code GET /v1/tasks/{taskId}/logs?token=&max=&wait=}), a call signed as
 * every call to agents ({@link AgentEndpointCalls}). A host that cannot be reached is an UncheckedIOException saying so.
 */
final class RemoteTaskLogSource
        implements TaskLogSource
{
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(20);

    private final AgentEndpointCalls calls;
    private final String hostId;

    RemoteTaskLogSource(AgentEndpointCalls calls, String hostId)
    {
        this.calls = requireNonNull(calls, "calls is null");
        this.hostId = requireNonNull(hostId, "hostId is null");
    }

    @Override
    public Optional<LogChunk> read(String taskId, String token, int maxLines)
    {
        return read(taskId, token, maxLines, Duration.ZERO);
    }

    /** An agent from before waiting reads ignores the wait and answers at once, as the interface allows. */
    @Override
    public Optional<LogChunk> read(String taskId, String token, int maxLines, Duration wait)
    {
        String rawPath = "/v1/tasks/" + URLEncoder.encode(taskId, StandardCharsets.UTF_8) + "/logs";
        String rawQuery = "max=" + maxLines + (token == null ? "" : "&token=" + URLEncoder.encode(token, StandardCharsets.UTF_8))
                + (wait.isZero() ? "" : "&wait=" + wait.toMillis());
        HttpResponse<byte[]> response = calls.send(hostId, "GET", rawPath, rawQuery, null, REQUEST_TIMEOUT.plus(wait));
        if (response.statusCode() == 404) {
            return Optional.empty();
        }
        if (response.statusCode() != 200) {
            throw new UncheckedIOException(new IOException("the agent of host " + hostId + " answered " + response.statusCode() + ": " + AgentEndpointCalls.text(response)));
        }
        try {
            return Optional.of(Json.mapper().readValue(response.body(), LogChunk.class));
        }
        catch (IOException e) {
            throw new UncheckedIOException("the agent of host " + hostId + " sent logs that are not valid JSON", e);
        }
    }
}
