package io.berth.agent.images;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.common.json.Json;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/** Username and password per registry host, as {@code docker login} stores them. */
public final class RegistryCredentials
{
    private static final String DOCKER_HUB_CONFIG_KEY = "https://index.docker.io/v1/";

    private final Map<String, Credential> byHost;

    public record Credential(String username, String password)
    {
        public Credential
        {
            requireNonNull(username, "username is null");
            requireNonNull(password, "password is null");
        }

        /**
         * Names the credential without its secret: the user and a hash of the password, which tells two logins of
         * one user apart all the same. What was granted to a credential is kept under this.
         */
        public String fingerprint()
        {
            try {
                return "login " + username + " " + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(password.getBytes(StandardCharsets.UTF_8)));
            }
            catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 is part of every Java platform", e);
            }
        }

        public String basicAuthorization()
        {
            return "Basic " + Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String toString()
        {
            return "Credential[username=" + username + ", password=<hidden>]";
        }
    }

    public RegistryCredentials(Map<String, Credential> byHost)
    {
        Map<String, Credential> normalized = new HashMap<>();
        byHost.forEach((host, credential) -> normalized.put(normalizeHost(host), requireNonNull(credential, "credential is null")));
        this.byHost = Map.copyOf(normalized);
    }

    public static RegistryCredentials none()
    {
        return new RegistryCredentials(Map.of());
    }

    /**
     * Reads a Docker-style {@code config.json}: {@code {"auths": {"host:port": {"auth": base64(user:pass)}}}}
     * or with {@code username}/{@code password} fields. A missing file means no credentials.
     */
    public static RegistryCredentials fromDockerConfig(Path configJson)
            throws IOException
    {
        if (!Files.exists(configJson)) {
            return none();
        }
        JsonNode root = Json.mapper().readTree(configJson.toFile());
        Map<String, Credential> credentials = new HashMap<>();
        var auths = root.path("auths").fields();
        while (auths.hasNext()) {
            var entry = auths.next();
            JsonNode node = entry.getValue();
            String auth = node.path("auth").asText("");
            if (!auth.isEmpty()) {
                String decoded;
                try {
                    decoded = new String(Base64.getDecoder().decode(auth), StandardCharsets.UTF_8);
                }
                catch (IllegalArgumentException e) {
                    throw new IOException("%s: the \"auth\" of %s is not valid base64".formatted(configJson, entry.getKey()));
                }
                int colon = decoded.indexOf(':');
                if (colon < 0) {
                    throw new IOException("%s: the \"auth\" of %s must encode user:password".formatted(configJson, entry.getKey()));
                }
                credentials.put(entry.getKey(), new Credential(decoded.substring(0, colon), decoded.substring(colon + 1)));
            }
            else if (node.hasNonNull("username")) {
                credentials.put(entry.getKey(), new Credential(node.path("username").asText(), node.path("password").asText("")));
            }
        }
        return new RegistryCredentials(credentials);
    }

    /** These credentials with host's replaced by credential (a task's own login to Berth's registry). */
    public RegistryCredentials with(String host, Credential credential)
    {
        Map<String, Credential> merged = new HashMap<>(byHost);
        merged.put(normalizeHost(host), requireNonNull(credential, "credential is null"));
        return new RegistryCredentials(merged);
    }

    /** Looks up by registry name ({@code docker.io}) or API host ({@code registry-1.docker.io}). */
    public Optional<Credential> lookup(String host)
    {
        return Optional.ofNullable(byHost.get(normalizeHost(host)));
    }

    /** Docker writes keys as bare hosts or as URLs; Docker Hub appears under its legacy v1 URL. */
    static String normalizeHost(String key)
    {
        String host = key.strip();
        if (host.equals(DOCKER_HUB_CONFIG_KEY) || host.equals("index.docker.io") || host.equals("registry-1.docker.io")) {
            return ImageReference.DOCKER_HUB;
        }
        if (host.contains("://")) {
            URI uri = URI.create(host);
            host = uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
            if (host.equals("index.docker.io")) {
                return ImageReference.DOCKER_HUB;
            }
        }
        int slash = host.indexOf('/');
        if (slash >= 0) {
            host = host.substring(0, slash);
        }
        return host.toLowerCase(Locale.ROOT);
    }
}
