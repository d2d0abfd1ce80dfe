package io.berth.controlplane.api.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.berth.common.json.Json;
import io.berth.controlplane.registry.LoginToken;
import io.berth.controlplane.registry.RegistryAccess;
import io.berth.controlplane.registry.RegistrySettings;
import io.berth.controlplane.registry.RegistryTokens;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * {@code GET /berth/registry/token?service=berth-registry&scope=repository:ACCOUNT/NAME:pull,push}, the realm of
 * the registry's token auth (the Docker token protocol). The client logs in with HTTP Basic: user AWS and the
 * password GetAuthorizationToken gave (or the control plane minted for a task); the answer is a registry token
 * holding only what that account may do of the scopes asked for. Passwords and tokens are never logged.
 */
public final class RegistryTokenEndpoint
        implements HttpHandler
{
    public static final String PREFIX = "/berth/registry/";

    private static final Logger log = LoggerFactory.getLogger(RegistryTokenEndpoint.class);

    private final RegistryAccess access;
    private final Clock clock;

    public RegistryTokenEndpoint(RegistryAccess access, Clock clock)
    {
        this.access = requireNonNull(access, "access is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    @Override
    public void handle(HttpExchange exchange)
            throws IOException
    {
        try (exchange) {
            if (!exchange.getRequestURI().getRawPath().equals(RegistrySettings.TOKEN_PATH)) {
                send(exchange, 404, error("NOT_FOUND", "no such endpoint: the registry's token endpoint is " + RegistrySettings.TOKEN_PATH));
                return;
            }
            if (!exchange.getRequestMethod().equals("GET")) {
                send(exchange, 405, error("UNSUPPORTED", "the token endpoint answers GET"));
                return;
            }
            List<String> scopes = new ArrayList<>();
            String service = null;
            String query = exchange.getRequestURI().getRawQuery();
            if (query != null) {
                for (String pair : query.split("&")) {
                    int equals = pair.indexOf('=');
                    String name = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
                    String value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
                    if (name.equals("scope")) {
                        // one scope parameter may hold several, space-separated
                        for (String single : value.split(" ")) {
                            if (!single.isBlank()) {
                                scopes.add(single);
                            }
                        }
                    }
                    else if (name.equals("service")) {
                        service = value;
                    }
                }
            }
            if (service != null && !service.equals(RegistrySettings.SERVICE)) {
                send(exchange, 400, error("UNSUPPORTED", "this endpoint issues tokens for the service " + RegistrySettings.SERVICE + ", not " + service));
                return;
            }
            Optional<String> accountId = password(exchange.getRequestHeaders().getFirst("Authorization")).flatMap(access::login);
            if (accountId.isEmpty()) {
                exchange.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"" + RegistrySettings.SERVICE + "\"");
                send(exchange, 401, error("UNAUTHORIZED", "log in as user " + LoginToken.USERNAME
                        + " with the password of `aws ecr get-login-password` (GetAuthorizationToken); it is valid for 12 hours"));
                return;
            }
            String token = access.token(accountId.get(), scopes);
            log.debug("registry token for account {}: {}", accountId.get(), scopes);
            ObjectNode body = Json.mapper().createObjectNode();
            body.put("token", token);
            body.put("access_token", token);
            body.put("expires_in", RegistryTokens.ACCESS_LIFETIME.toSeconds());
            body.put("issued_at", clock.instant().toString());
            send(exchange, 200, body);
        }
        catch (RuntimeException e) {
            log.warn("registry token request failed", e);
            send(exchange, 500, error("UNKNOWN", "the token endpoint failed; see the control plane log"));
        }
    }

    /** The password of an HTTP Basic authorization for user AWS. */
    private static Optional<String> password(String authorization)
    {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return Optional.empty();
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(authorization.substring(6).strip()), StandardCharsets.UTF_8);
        }
        catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        int colon = decoded.indexOf(':');
        if (colon < 0 || !decoded.substring(0, colon).equals(LoginToken.USERNAME)) {
            return Optional.empty();
        }
        return Optional.of(decoded.substring(colon + 1));
    }

    private static ObjectNode error(String code, String message)
    {
        ObjectNode body = Json.mapper().createObjectNode();
        ObjectNode error = body.putArray("errors").addObject();
        error.put("code", code);
        error.put("message", message);
        return body;
    }

    private static void send(HttpExchange exchange, int status, ObjectNode body)
            throws IOException
    {
        byte[] bytes = Json.mapper().writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream output = exchange.getResponseBody()) {
            output.write(bytes);
        }
    }
}
