package io.berth.controlplane.agents.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.berth.common.agentprotocol.AgentProtocolVersion;
import io.berth.common.agentprotocol.AgentSyncDelta;
import io.berth.common.agentprotocol.HostChange;
import io.berth.common.agentprotocol.LogBatch;
import io.berth.common.agentprotocol.LogBatchRefusedException;
import io.berth.common.agentprotocol.NetworkAnswer;
import io.berth.common.agentprotocol.NetworkPlan;
import io.berth.common.agentprotocol.SyncRequest;
import io.berth.common.agentprotocol.SyncResponse;
import io.berth.common.hostauth.AgentCallKeys;
import io.berth.common.hostauth.HostCredential;
import io.berth.common.json.Json;
import io.berth.controlplane.agents.AgentGateway;
import io.berth.common.tls.PemCertificates;
import io.berth.controlplane.agents.access.ControlPlaneIdentity;
import io.berth.controlplane.agents.access.HostAccess;
import io.berth.controlplane.agents.access.HostAccessDeniedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/**
 * The agent protocol over HTTP, under {@value #PREFIX}:
 * <ul>
 * <li>{@code POST join} {"token"} answers {"hostId", "secret"}: the host's identity, for a valid join token;</li>
 * <li>{@code POST sync} a SyncRequest, answers the SyncResponse (the heartbeat), with the URLs of every control-plane
 * replica and the version of each part; the parts the request says the agent holds at their current version are left
 * out (a delta sync: see {@link io.berth.common.agentprotocol.HeldState});</li>
 * <li>{@code GET changes?timeout=SECONDS} returns {"changed": true} as soon as the host's desired state may have
 * changed, or {"changed": false} after the timeout (a long poll); with {@code &network=1} (an agent that can fetch its
 * network plan alone) a change of the host's network alone answers {"changed": true, "networkOnly": true};</li>
 * <li>{@code GET network?held=VERSION} answers a {@link NetworkAnswer}: the host's network plan and its version (the
 * plan left out when the agent holds that version), read without the writes of a sync; with {@code &endpoints=VERSION}
 * (the version of the endpoints list the agent holds, when it is one of the last lists written here) the plan comes
 * without its endpoints and with how they changed from that list;</li>
 * <li>{@code POST logs} a LogBatch of the host's own tasks' awslogs containers, answers {} once stored; 403 for a
 * task that is not on this host;</li>
 * <li>{@code POST certificate} {"publicKey", "address"} answers {"certificateChain"} (PEM): a certificate the cluster CA
 * issues to this host's agent endpoint for the key the agent made and the address it listens on; 400 when the
 * control plane serves no TLS (its agents then serve plain HTTP);</li>
 * <li>{@code POST rotate} answers {"hostId", "secret"}: a new secret for this host; the one it called with stays good
 * for the rotation's grace.</li>
 * </ul>
 * The join answer carries "agentCallKey" too, and each sync answer the header {@value AgentCallKeys#SYNC_HEADER}: the
 * public key the control plane signs its calls to agents with (see {@link io.berth.common.hostauth.AgentCallSignature}),
 * which the agent pins; a sync answer to a host that is to take a new secret carries {@value HostCredential#ROTATE_HEADER}: true.
 * Every call but join needs {@code Authorization: Bearer <hostId>.<secret>}. Refusals are 401 (no valid credential)
 * or 403 (a valid credential used for another host), with {"__type", "message"} bodies.
 */
public final class AgentProtocolHandler
        implements HttpHandler
{
    public static final String PREFIX = "/berth/agent/v1/";
    private static final int MAX_ADDRESS_LENGTH = 253;
    static final Duration MAX_WAIT = Duration.ofSeconds(60);
    private static final int MAX_BODY_BYTES = 16 * 1024 * 1024;

    private static final Logger log = LoggerFactory.getLogger(AgentProtocolHandler.class);

    private final SharedEndpointsJson endpointsJson = new SharedEndpointsJson(Json.mapper());
    /** Writes a sync answer's endpoints from endpointsJson: the plans of one network epoch share them. */
    private final ObjectMapper mapper = endpointsJson.install(Json.mapper());
    private final SyncAnswerParts answerParts = new SyncAnswerParts(Json.mapper(), endpointsJson);
    private final AgentGateway gateway;
    private final HostAccess access;
    private final ControlPlaneIdentity identity;
    private final Supplier<List<URI>> controlPlanes;
    private final AgentCallObserver observer;

    public AgentProtocolHandler(AgentGateway gateway, HostAccess access, ControlPlaneIdentity identity)
    {
        this(gateway, access, identity, List::of, AgentCallObserver.NONE);
    }

    /**
     * controlPlanes: the URLs of every control-plane replica, handed to agents in each sync answer; observer: told of
     * every call answered.
     */
    public AgentProtocolHandler(AgentGateway gateway, HostAccess access, ControlPlaneIdentity identity, Supplier<List<URI>> controlPlanes,
            AgentCallObserver observer)
    {
        this.observer = requireNonNull(observer, "observer is null");
        this.gateway = requireNonNull(gateway, "gateway is null");
        this.access = requireNonNull(access, "access is null");
        this.identity = requireNonNull(identity, "identity is null");
        this.controlPlanes = requireNonNull(controlPlanes, "controlPlanes is null");
    }

    @Override
    public void handle(HttpExchange exchange)
    {
        String path = exchange.getRequestURI().getRawPath();
        String method = exchange.getRequestMethod();
        try (exchange) {
            try {
                String operation = path.startsWith(PREFIX) ? path.substring(PREFIX.length()) : "";
                int spoken = negotiate(exchange);
                Object response = switch (operation) {
                    case "join" -> join(exchange, method);
                    case "sync" -> sync(exchange, method, spoken);
                    case "changes" -> changes(exchange, method);
                    case "network" -> network(exchange, method);
                    case "logs" -> logs(exchange, method);
                    case "certificate" -> certificate(exchange, method);
                    case "rotate" -> rotate(exchange, method);
                    default -> throw new ProtocolError(404, "NotFound", "No agent endpoint at " + method + " " + path);
                };
                send(exchange, 200, response);
            }
            catch (HostAccessDeniedException e) {
                log.warn("agent call {} {} from {} refused: {}", method, path, exchange.getRemoteAddress(), e.getMessage());
                send(exchange, e.unauthenticated() ? 401 : 403, error(e.unauthenticated() ? "UnrecognizedHost" : "AccessDenied", e.getMessage()));
            }
            catch (LogBatchRefusedException e) {
                log.warn("agent call {} {} refused: {}", method, path, e.getMessage());
                send(exchange, 403, error("AccessDenied", e.getMessage()));
            }
            catch (ProtocolError e) {
                send(exchange, e.status, error(e.type, e.getMessage()));
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            catch (RuntimeException e) {
                log.warn("agent call {} {} failed", method, path, e);
                send(exchange, 500, error("ServerException", "The control plane failed to handle the agent call; see its log: " + e));
            }
        }
        catch (IOException e) {
            log.debug("agent call {} {}: could not write the response: {}", method, path, e.toString());
        }
    }

    /**
     * The agent protocol version to answer this agent in ({@link AgentProtocolVersion}): its own when this control plane
     * serves it, said in the answer's header. A ProtocolError (426, saying which side to upgrade) when it does not.
     */
    private static int negotiate(HttpExchange exchange)
    {
        int agent;
        try {
            agent = AgentProtocolVersion.parse(exchange.getRequestHeaders().getFirst(AgentProtocolVersion.HEADER));
        }
        catch (IllegalArgumentException e) {
            throw new ProtocolError(400, "InvalidParameterException", e.getMessage());
        }
        AgentProtocolVersion.controlPlaneRefusal(agent, AgentProtocolVersion.CURRENT).ifPresent(refusal -> {
            log.warn("agent call {} from {} refused: {}", exchange.getRequestURI().getRawPath(), exchange.getRemoteAddress(), refusal);
            throw new ProtocolError(426, "UnsupportedAgentProtocol", refusal);
        });
        int spoken = AgentProtocolVersion.spokenTo(agent, AgentProtocolVersion.CURRENT);
        exchange.getResponseHeaders().set(AgentProtocolVersion.HEADER, Integer.toString(spoken));
        return spoken;
    }

    private Object join(HttpExchange exchange, String method)
            throws IOException
    {
        requireMethod(method, "POST");
        JsonNode body = readJson(exchange, JsonNode.class);
        String token = body.path("token").asText("");
        HostCredential credential = access.join(token);
        ObjectNode response = mapper.createObjectNode();
        response.put("hostId", credential.hostId());
        response.put("secret", credential.secret());
        response.put("agentCallKey", identity.publicKeyText());
        return response;
    }

    private Object rotate(HttpExchange exchange, String method)
    {
        requireMethod(method, "POST");
        HostCredential credential = access.rotate(exchange.getRequestHeaders().getFirst("Authorization"));
        ObjectNode response = mapper.createObjectNode();
        response.put("hostId", credential.hostId());
        response.put("secret", credential.secret());
        return response;
    }

    private Object certificate(HttpExchange exchange, String method)
            throws IOException
    {
        requireMethod(method, "POST");
        String hostId = authenticate(exchange);
        JsonNode body = readJson(exchange, JsonNode.class);
        String address = body.path("address").asText("");
        if (address.isEmpty() || address.length() > MAX_ADDRESS_LENGTH || !address.matches("[A-Za-z0-9.:-]+")) {
            throw new ProtocolError(400, "InvalidParameterException", "address must be the IP address or DNS name the agent endpoint listens on, got '" + address + "'");
        }
        PublicKey key;
        try {
            key = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(body.path("publicKey").asText(""))));
        }
        catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new ProtocolError(400, "InvalidParameterException", "publicKey must be the base64 of an EC public key's SubjectPublicKeyInfo: " + e.getMessage());
        }
        List<X509Certificate> chain = identity.issueAgentCertificate(hostId, address, key)
                .orElseThrow(() -> new ProtocolError(400, "InvalidParameterException", "this control plane serves no TLS (--tls off): agents serve plain HTTP"));
        log.info("host {}: certificate issued for its agent endpoint at {}", hostId, address);
        return Map.of("certificateChain", PemCertificates.encode(chain));
    }

    private Object sync(HttpExchange exchange, String method, int spoken)
            throws IOException
    {
        requireMethod(method, "POST");
        HostAccess.AuthenticatedHost host = access.authenticateHost(exchange.getRequestHeaders().getFirst("Authorization"));
        String hostId = host.hostId();
        // the version its header says is the one this control plane speaks to it, in its calls to the agent too
        SyncRequest request = readJson(exchange, SyncRequest.class);
        request = request.withHost(request.host().withAgentProtocol(AgentProtocolVersion.parse(exchange.getRequestHeaders().getFirst(AgentProtocolVersion.HEADER))));
        if (!request.host().hostId().equals(hostId)) {
            throw new HostAccessDeniedException("this credential belongs to host " + hostId + ", not to host " + request.host().hostId(), false);
        }
        // the parts of the answer the agent already holds are left out (see SyncAnswerParts)
        SyncResponse response = answerParts.answer(hostId, gateway.sync(request), request.held())
                .withControlPlanes(controlPlanes.get().stream().map(URI::toString).toList());
        // the key from this replica's data directory, never from the store: whoever writes the store cannot hand agents a key
        exchange.getResponseHeaders().set(AgentCallKeys.SYNC_HEADER, identity.publicKeyText());
        // for a grace after a rotation, the key rotated away from: calls signed by it (by a replica that has not yet read
        // the new key) still work until then, by the agent's own clock too
        if (spoken >= AgentProtocolVersion.PREVIOUS_CALL_KEY) {
            identity.previousKey().ifPresent(previous -> exchange.getResponseHeaders().set(AgentCallKeys.PREVIOUS_SYNC_HEADER, previous.headerValue()));
        }
        if (host.rotationDue()) {
            exchange.getResponseHeaders().set(HostCredential.ROTATE_HEADER, "true");
        }
        return response;
    }

    private Object logs(HttpExchange exchange, String method)
            throws IOException
    {
        requireMethod(method, "POST");
        String hostId = authenticate(exchange);
        LogBatch batch = readJson(exchange, LogBatch.class);
        if (!batch.hostId().equals(hostId)) {
            throw new HostAccessDeniedException("this credential belongs to host " + hostId + ", not to host " + batch.hostId(), false);
        }
        gateway.shipLogs(batch);
        return Map.of();
    }

    private Object changes(HttpExchange exchange, String method)
            throws InterruptedException
    {
        requireMethod(method, "GET");
        String hostId = authenticate(exchange);
        String query = exchange.getRequestURI().getRawQuery();
        Duration timeout = timeout(query);
        // the gateway wakes us the moment the host's desired state changes
        String network = parameter(query, "network");
        if (!network.isEmpty() && !network.equals("0") && !network.equals("1")) {
            throw new ProtocolError(400, "InvalidParameterException", "network must be 1 (tell a change of the host's network alone as such) or 0, got '" + network + "'");
        }
        String plan = parameter(query, "plan");
        if (!plan.isEmpty() && !plan.equals("0") && !plan.equals("1")) {
            throw new ProtocolError(400, "InvalidParameterException", "plan must be 1 (send the network plan with a wake-up for it) or 0, got '" + plan + "'");
        }
        boolean restTaken = takesRestAsHeld(query);
        // each asks for more of what the one before brings: none is taken without it
        if (plan.equals("1") && !network.equals("1")) {
            throw new ProtocolError(400, "InvalidParameterException", "plan=1 needs network=1: the plan comes with a wake-up for a change of the network alone");
        }
        if (restTaken && !plan.equals("1")) {
            throw new ProtocolError(400, "InvalidParameterException", "rest=1 on a long poll needs plan=1: it says how the plan that comes with a wake-up may come");
        }
        if (!network.equals("1")) {
            return Map.of("changed", gateway.waitForChange(hostId, timeout));
        }
        HostChange change = gateway.awaitChanges(hostId, timeout);
        if (change != HostChange.NETWORK) {
            return Map.of("changed", change == HostChange.ANY);
        }
        if (!plan.equals("1")) {
            return Map.of("changed", true, "networkOnly", true);
        }
        // the plan comes with the wake-up, no round trip more: made for what the agent holds once it took the last plan
        // answered to it here (what the poll named is often older: syncs go on while it waits); the agent takes it only
        // when that is what it holds, and fetches otherwise
        String madeFor = answerParts.networkGiven(hostId).orElse(query);
        NetworkAnswer answer = networkAnswer(hostId, madeFor, restTaken);
        observer.networkPlanSent("wake-up");
        return Map.of("changed", true, "networkOnly", true, "network", answer, "madeFor", heldNetworkQuery(madeFor));
    }

    private NetworkAnswer network(HttpExchange exchange, String method)
    {
        requireMethod(method, "GET");
        String query = exchange.getRequestURI().getRawQuery();
        NetworkAnswer answer = networkAnswer(authenticate(exchange), query, takesRestAsHeld(query));
        observer.networkPlanSent("fetch");
        return answer;
    }

    /**
     * The host's network plan for an agent that holds the plan at held= and the endpoint list at endpoints= of query; when
     * restTaken, only the endpoints' changes if the rest of the plan (peers, egress) is what it holds.
     */
    private NetworkAnswer networkAnswer(String hostId, String query, boolean restTaken)
    {
        NetworkPlan plan = gateway.network(hostId).orElse(null);
        String version = answerParts.networkVersion(hostId, plan);
        answerParts.networkGiven(hostId, version, plan);
        if (plan != null && version.equals(parameter(query, "held"))) {
            return new NetworkAnswer(null, version, true);
        }
        // a woken host's peers rarely moved with the task that woke it: then only the endpoints' changes travel
        return answerParts.endpointChanges(hostId, plan, parameter(query, "held"), parameter(query, "endpoints"), restTaken)
                .map(delta -> delta.restHeld()
                        ? NetworkAnswer.endpointsOnly(version, delta.changes())
                        : new NetworkAnswer(plan.withEndpoints(List.of()), version, false, delta.changes()))
                .orElseGet(() -> new NetworkAnswer(plan, version, false));
    }

    /** Whether the agent takes a plan left out as held save its endpoints' changes (rest=1; 0 or none: it does not). */
    private static boolean takesRestAsHeld(String query)
    {
        String rest = parameter(query, "rest");
        if (!rest.isEmpty() && !rest.equals("0") && !rest.equals("1")) {
            throw new ProtocolError(400, "InvalidParameterException", "rest must be 1 (leave the plan out as held save its endpoints' changes) or 0, got '" + rest + "'");
        }
        return rest.equals("1");
    }

    /** The held= and endpoints= of a query, as an agent names what it holds of its network; empty when it names none. */
    private static String heldNetworkQuery(String query)
    {
        String held = parameter(query, "held");
        return held.isEmpty() ? "" : AgentSyncDelta.heldNetworkQuery(held, parameter(query, "endpoints"));
    }

    /** The operation a path names, as the metrics label it: one of the protocol's, or "other" (never what a caller wrote). */
    static String operation(String path)
    {
        String operation = path.startsWith(PREFIX) ? path.substring(PREFIX.length()) : "";
        return switch (operation) {
            case "join", "sync", "changes", "network", "logs", "certificate", "rotate" -> operation;
            default -> "other";
        };
    }

    /** The raw value of a query parameter; empty when absent. */
    private static String parameter(String rawQuery, String name)
    {
        if (rawQuery != null) {
            for (String parameter : rawQuery.split("&")) {
                if (parameter.startsWith(name + "=")) {
                    return parameter.substring(name.length() + 1);
                }
            }
        }
        return "";
    }

    private String authenticate(HttpExchange exchange)
    {
        return access.authenticate(exchange.getRequestHeaders().getFirst("Authorization"));
    }

    private static Duration timeout(String rawQuery)
    {
        if (rawQuery != null) {
            for (String parameter : rawQuery.split("&")) {
                if (parameter.startsWith("timeout=")) {
                    try {
                        long seconds = Long.parseLong(parameter.substring("timeout=".length()));
                        if (seconds >= 0) {
                            return Duration.ofSeconds(Math.min(seconds, MAX_WAIT.toSeconds()));
                        }
                    }
                    catch (NumberFormatException e) {
                        // reported below
                    }
                    throw new ProtocolError(400, "InvalidParameterException", "timeout must be a number of seconds, got '" + parameter.substring(8) + "'");
                }
            }
        }
        return Duration.ofSeconds(30);
    }

    private static void requireMethod(String actual, String expected)
    {
        if (!actual.equalsIgnoreCase(expected)) {
            throw new ProtocolError(405, "MethodNotAllowed", "Use " + expected + ", not " + actual);
        }
    }

    private <T> T readJson(HttpExchange exchange, Class<T> type)
            throws IOException
    {
        byte[] body;
        try (InputStream input = exchange.getRequestBody()) {
            body = input.readNBytes(MAX_BODY_BYTES + 1);
        }
        if (body.length > MAX_BODY_BYTES) {
            throw new ProtocolError(413, "RequestEntityTooLargeException", "Request body is larger than " + MAX_BODY_BYTES + " bytes");
        }
        try {
            T value = mapper.readValue(body, type);
            if (value == null) {
                throw new ProtocolError(400, "SerializationException", "The request body is empty");
            }
            return value;
        }
        catch (IOException | IllegalArgumentException | NullPointerException e) {
            throw new ProtocolError(400, "SerializationException", "The request body is not a valid " + type.getSimpleName() + ": " + e.getMessage());
        }
    }

    private ObjectNode error(String type, String message)
    {
        ObjectNode error = mapper.createObjectNode();
        error.put("__type", type);
        error.put("message", message);
        return error;
    }

    private void send(HttpExchange exchange, int status, Object body)
            throws IOException
    {
        byte[] bytes = mapper.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        observer.answered(operation(exchange.getRequestURI().getRawPath()), status);
        try (OutputStream output = exchange.getResponseBody()) {
            output.write(bytes);
        }
    }

    private static final class ProtocolError
            extends RuntimeException
    {
        private final int status;
        private final String type;

        ProtocolError(int status, String type, String message)
        {
            super(message);
            this.status = status;
            this.type = type;
        }
    }
}
