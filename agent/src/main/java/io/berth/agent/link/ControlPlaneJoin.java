package io.berth.agent.link;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.common.hostauth.HostCredential;
import io.berth.common.hostauth.JoinTokenText;
import io.berth.common.json.Json;
import io.berth.common.tls.CertificatePin;
import io.berth.common.tls.TrustedCertificates;

import javax.net.ssl.SSLContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Joins a control plane with a bootstrap token: {@code POST /berth/agent/v1/join}, answered with this host's credential.
 * A token that pins the control plane's CA has it checked first ({@link ControlPlaneDiscovery}); the CA is saved in the
 * agent's directory ({@link ControlPlaneTrust}) and the join, as every later call, trusts that CA alone. The join's
 * answer carries the key the control plane signs its calls to agents with: pinned in {@link ControlPlaneKeys}.
 */
public final class ControlPlaneJoin
{
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Duration DISCOVERY_TIMEOUT = Duration.ofSeconds(10);

    private ControlPlaneJoin() {}

    /**
     * This host's new identity; ControlPlaneRefusedException when the token is not valid, UntrustedControlPlaneException
     * when the server is not the control plane the token pins (then nothing was sent to it).
     */
    public static HostCredential join(URI controlPlane, String token, Path agentDirectory)
            throws IOException
    {
        return join(ControlPlaneEndpoints.of(controlPlane), token, agentDirectory);
    }

    /**
     * Joins through the first of the control planes (replicas of one cluster, sharing one CA) that answers. A pinned
     * token has the CA checked at the first that completes a TLS handshake.
     */
    public static HostCredential join(ControlPlaneEndpoints controlPlanes, String token, Path agentDirectory)
            throws IOException
    {
        JoinTokenText text;
        try {
            text = JoinTokenText.parse(token);
        }
        catch (IllegalArgumentException e) {
            throw new UntrustedControlPlaneException("the join token is damaged (" + e.getMessage() + "): copy it again from `berth host token`");
        }
        if (text.pin().isPresent()) {
            ControlPlaneTrust.save(agentDirectory, List.of(pinnedAuthority(controlPlanes, text.pin().get())));
        }
        else {
            // a CA pinned by an earlier join is not this control plane's
            ControlPlaneTrust.forget(agentDirectory);
        }
        URI controlPlane = controlPlanes.current();
        SSLContext trust = text.pin().isPresent() ? ControlPlaneTrust.sslContext(agentDirectory) : TrustedCertificates.withSystem(List.of());
        byte[] body;
        try (ControlPlaneHttp http = new ControlPlaneHttp(controlPlanes, trust)) {
            body = http.call("POST", "join", Map.of("token", text.credential()), null, TIMEOUT);
        }
        HostCredential credential;
        String agentCallKey;
        try {
            JsonNode answer = Json.mapper().readTree(body);
            credential = new HostCredential(answer.path("hostId").asText(), answer.path("secret").asText());
            agentCallKey = answer.path("agentCallKey").asText(null);
        }
        catch (IOException | IllegalArgumentException e) {
            throw new UncheckedIOException(new IOException("the control plane at " + controlPlane + " answered the join with something else than a host credential"));
        }
        // pinned now: the agent endpoint takes calls signed by this key alone
        ControlPlaneKeys.save(agentDirectory, agentCallKey);
        return credential;
    }

    /** The pinned CA, from the first control plane that completes a handshake; a CA with another pin ends the join at once. */
    private static X509Certificate pinnedAuthority(ControlPlaneEndpoints controlPlanes, CertificatePin pin)
    {
        UncheckedIOException unreachable = null;
        for (URI controlPlane : controlPlanes.inOrder()) {
            try {
                return ControlPlaneDiscovery.pinnedCertificate(controlPlane, pin, DISCOVERY_TIMEOUT);
            }
            catch (UncheckedIOException e) {
                unreachable = e;
            }
        }
        throw unreachable;
    }
}
