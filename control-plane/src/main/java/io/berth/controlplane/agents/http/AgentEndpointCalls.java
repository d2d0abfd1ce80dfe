package io.berth.controlplane.agents.http;

import io.berth.common.agentprotocol.HostInfo;
import io.berth.common.hostauth.HostRequestSignature;
import io.berth.controlplane.agents.Host;
import io.berth.controlplane.agents.access.HostAccess;
import io.berth.controlplane.store.Store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Calls to a host's agent endpoint: where it is (the address and agentPort the host announced in its heartbeat) and
 * the control plane's signature on each call ({@link HostRequestSignature}, keyed by the host's credential).
 */
final class AgentEndpointCalls
{
    private final Store store;
    private final HostAccess access;
    private final Clock clock;
    private final HttpClient http;

    AgentEndpointCalls(Store store, HostAccess access, Clock clock, Duration connectTimeout)
    {
        this.store = requireNonNull(store, "store is null");
        this.access = requireNonNull(access, "access is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.http = HttpClient.newBuilder()
                .connectTimeout(requireNonNull(connectTimeout, "connectTimeout is null"))
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    /** "address:port" (IPv6 in brackets) of the host's agent endpoint; empty when it announced none. */
    static Optional<String> hostAndPort(HostInfo info)
    {
        if (info.agentPort() == 0 || info.address() == null) {
            return Optional.empty();
        }
        String address = info.address();
        return Optional.of((address.contains(":") ? "[" + address + "]" : address) + ":" + info.agentPort());
    }

    /** Where the host's agent endpoint is; empty for an unknown host or one without an endpoint. */
    Optional<String> endpointOf(String hostId)
    {
        return store.inTransaction(transaction -> transaction.hosts().find(hostId)).map(Host::info).flatMap(AgentEndpointCalls::hostAndPort);
    }

    /** Sends a signed call (body null for none); the answer, whatever its status; an UncheckedIOException when the host cannot be reached. */
    HttpResponse<byte[]> send(String hostId, String method, String rawPath, String rawQuery, byte[] body, Duration timeout)
    {
        String hostAndPort = endpointOf(hostId)
                .orElseThrow(() -> new UncheckedIOException(new IOException("host " + hostId + " has announced no agent endpoint")));
        String secretHash = access.secretHash(hostId)
                .orElseThrow(() -> new UncheckedIOException(new IOException("host " + hostId + " has no credential")));
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + hostAndPort + rawPath + (rawQuery == null ? "" : "?" + rawQuery)))
                .timeout(timeout)
                .header("Authorization", HostRequestSignature.sign(hostId, secretHash, method, rawPath, rawQuery, clock.instant()))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot reach the agent of host " + hostId + " at " + hostAndPort + ": " + e, e);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new IOException("interrupted while calling the agent of host " + hostId));
        }
    }

    /** The body of an answer as text, for an error message. */
    static String text(HttpResponse<byte[]> response)
    {
        return new String(response.body(), StandardCharsets.UTF_8).strip();
    }
}
