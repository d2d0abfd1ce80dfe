package io.berth.controlplane.agents.http;

import io.berth.common.agentprotocol.AgentProtocolVersion;
import io.berth.common.agentprotocol.HostInfo;
import io.berth.controlplane.agents.Host;
import io.berth.controlplane.agents.access.ControlPlaneIdentity;
import io.berth.controlplane.store.Store;
import io.berth.controlplane.tls.ClusterCertificateAuthority;

import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Every call the control plane makes to a host's agent endpoint goes through here: where it is (the address and
 * agentPort the host announced in its heartbeat), the control plane's signature on the call ({@link ControlPlaneIdentity}:
 * a key the store does not hold), and, when the API serves TLS, HTTPS to a certificate the cluster CA issued to that
 * very host.
 */
final class AgentEndpointCalls
{
    private final Store store;
    private final ControlPlaneIdentity identity;
    private final Duration connectTimeout;
    private volatile HttpClient http;
    private volatile boolean httpOverTls;

    AgentEndpointCalls(Store store, ControlPlaneIdentity identity, Duration connectTimeout)
    {
        this.store = requireNonNull(store, "store is null");
        this.identity = requireNonNull(identity, "identity is null");
        this.connectTimeout = requireNonNull(connectTimeout, "connectTimeout is null");
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

    /** The agent protocol version to call hostId's agent in: its own (as its last heartbeat said), or this build's when older. */
    private int protocolSpokenTo(String hostId)
    {
        int agent = store.inTransaction(transaction -> transaction.hosts().find(hostId)).map(host -> host.info().speaksAgentProtocol())
                .orElse(AgentProtocolVersion.UNVERSIONED);
        return AgentProtocolVersion.spokenTo(agent, AgentProtocolVersion.CURRENT);
    }

    /** Sends a signed call (body null for none); the answer, whatever its status; an UncheckedIOException when the host cannot be reached. */
    HttpResponse<byte[]> send(String hostId, String method, String rawPath, String rawQuery, byte[] body, Duration timeout)
    {
        String hostAndPort = endpointOf(hostId)
                .orElseThrow(() -> new UncheckedIOException(new IOException("host " + hostId + " has announced no agent endpoint")));
        boolean tls = identity.agentTls().isPresent();
        HttpRequest request = HttpRequest.newBuilder(URI.create((tls ? "https://" : "http://") + hostAndPort + rawPath + (rawQuery == null ? "" : "?" + rawQuery)))
                .timeout(timeout)
                .header("Authorization", identity.sign(hostId, method, rawPath, rawQuery, body))
                .header(AgentProtocolVersion.HEADER, Integer.toString(protocolSpokenTo(hostId)))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        HttpResponse<byte[]> response;
        try {
            response = client(tls).send(request, HttpResponse.BodyHandlers.ofByteArray());
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot reach the agent of host " + hostId + " at " + hostAndPort + ": " + e, e);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new IOException("interrupted while calling the agent of host " + hostId));
        }
        if (tls) {
            requireCertificateOf(hostId, hostAndPort, response.sslSession());
        }
        return response;
    }

    /**
     * The CA and the address were checked in the handshake; the name says which host the CA issued the certificate to,
     * so that a host that announces another's address cannot answer for it.
     */
    private static void requireCertificateOf(String hostId, String hostAndPort, Optional<SSLSession> session)
    {
        String expected = "CN=" + ClusterCertificateAuthority.agentCommonName(hostId);
        try {
            Certificate[] chain = session.orElseThrow(() -> new SSLPeerUnverifiedException("no TLS session")).getPeerCertificates();
            if (chain.length > 0 && chain[0] instanceof X509Certificate leaf && leaf.getSubjectX500Principal().getName().equals(expected)) {
                return;
            }
            String presented = chain.length > 0 && chain[0] instanceof X509Certificate leaf ? leaf.getSubjectX500Principal().getName() : "nothing";
            throw new UncheckedIOException(new IOException("the agent at " + hostAndPort + " presented the certificate of " + presented + ", not of host " + hostId));
        }
        catch (SSLPeerUnverifiedException e) {
            throw new UncheckedIOException(new IOException("the agent at " + hostAndPort + " presented no certificate", e));
        }
    }

    private HttpClient client(boolean tls)
    {
        HttpClient current = http;
        if (current != null && httpOverTls == tls) {
            return current;
        }
        synchronized (this) {
            if (http == null || httpOverTls != tls) {
                HttpClient.Builder builder = HttpClient.newBuilder()
                        .connectTimeout(connectTimeout)
                        .version(HttpClient.Version.HTTP_1_1);
                identity.agentTls().ifPresent(builder::sslContext);
                http = builder.build();
                httpOverTls = tls;
            }
            return http;
        }
    }

    /** The body of an answer as text, for an error message. */
    static String text(HttpResponse<byte[]> response)
    {
        return new String(response.body(), StandardCharsets.UTF_8).strip();
    }
}
