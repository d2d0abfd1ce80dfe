package io.berth.agent.link;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.common.hostauth.HostCredential;
import io.berth.common.json.Json;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The host's credential and the control plane it belongs to (with the other replicas of that control plane the agent
 * learned), kept in the agent's data directory (readable by root only), so a restarted agent speaks as the same host
 * without a new join token, and finds a live control plane even when the one it joined is away.
 */
public final class CredentialFile
{
    public static final String NAME = "host-credential.json";

    private final Path file;

    public CredentialFile(Path agentDirectory)
    {
        this.file = requireNonNull(agentDirectory, "agentDirectory is null").resolve(NAME);
    }

    public Path path()
    {
        return file;
    }

    /** otherControlPlanes: the replicas of the control plane the agent learned (it tries them when controlPlane is away). */
    public record Stored(HostCredential credential, URI controlPlane, List<URI> otherControlPlanes)
    {
        public Stored
        {
            requireNonNull(credential, "credential is null");
            otherControlPlanes = List.copyOf(otherControlPlanes);
        }
    }

    public Optional<Stored> load()
            throws IOException
    {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            JsonNode stored = Json.mapper().readTree(file.toFile());
            HostCredential credential = new HostCredential(stored.path("hostId").asText(), stored.path("secret").asText());
            String controlPlane = stored.path("controlPlane").asText("");
            List<URI> others = new ArrayList<>();
            stored.path("otherControlPlanes").forEach(url -> others.add(URI.create(url.asText())));
            return Optional.of(new Stored(credential, controlPlane.isEmpty() ? null : URI.create(controlPlane), others));
        }
        catch (IOException | IllegalArgumentException e) {
            throw new IOException(file + " is damaged (" + e.getMessage() + "): remove it and join again with a new token from `berth host token`");
        }
    }

    public void save(HostCredential credential, URI controlPlane)
            throws IOException
    {
        save(credential, controlPlane, List.of());
    }

    public void save(HostCredential credential, URI controlPlane, List<URI> otherControlPlanes)
            throws IOException
    {
        ObjectNode stored = Json.mapper().createObjectNode();
        stored.put("hostId", credential.hostId());
        stored.put("secret", credential.secret());
        if (controlPlane != null) {
            stored.put("controlPlane", controlPlane.toString());
        }
        otherControlPlanes.forEach(url -> stored.withArray("otherControlPlanes").add(url.toString()));
        Files.createDirectories(file.getParent());
        Path temporary = file.resolveSibling(NAME + ".tmp");
        Files.deleteIfExists(temporary);
        // the secret lets anyone speak for this host: only root may read it
        Files.createFile(temporary, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(temporary, Json.mapper().writeValueAsString(stored));
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
