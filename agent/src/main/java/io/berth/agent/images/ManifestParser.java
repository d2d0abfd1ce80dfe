package io.berth.agent.images;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.berth.common.json.Json;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads manifests, indexes and image configs. Parsing goes through a tree rather than bound classes so that
 * the many optional fields registries add never break a pull; every required field is checked by name.
 */
public final class ManifestParser
{
    private static final ObjectMapper MAPPER = Json.mapper();

    private ManifestParser() {}

    /** The media type a manifest declares about itself, falling back to the HTTP Content-Type. */
    public static String mediaType(byte[] content, String contentType)
            throws IOException
    {
        JsonNode root = readTree(content, "manifest");
        if (root.path("schemaVersion").asInt() == 1) {
            throw new IOException("the registry only offers a Docker schema 1 manifest, which is not supported: push the image again with a current client");
        }
        String declared = root.path("mediaType").asText("");
        if (!declared.isEmpty()) {
            return declared;
        }
        if (contentType != null && !contentType.isBlank()) {
            return contentType.split(";")[0].strip();
        }
        return root.has("manifests") ? MediaTypes.OCI_INDEX : MediaTypes.OCI_MANIFEST;
    }

    public static ImageManifest parseImageManifest(byte[] content)
            throws IOException
    {
        JsonNode root = readTree(content, "manifest");
        Descriptor config = descriptor(root.path("config"), "manifest config");
        List<Descriptor> layers = new ArrayList<>();
        for (JsonNode layer : root.path("layers")) {
            layers.add(descriptor(layer, "manifest layer"));
        }
        return new ImageManifest(config, layers);
    }

    public static List<Descriptor> parseIndex(byte[] content)
            throws IOException
    {
        JsonNode root = readTree(content, "index");
        List<Descriptor> manifests = new ArrayList<>();
        for (JsonNode entry : root.path("manifests")) {
            manifests.add(descriptor(entry, "index entry"));
        }
        return manifests;
    }

    /** The runnable parts of an image config plus its rootfs diff ids (digests of the uncompressed layers). */
    public record ParsedConfig(ImageConfig config, List<Digest> diffIds)
    {
        public ParsedConfig
        {
            diffIds = List.copyOf(diffIds);
        }
    }

    public static ParsedConfig parseConfig(byte[] content)
            throws IOException
    {
        JsonNode root = readTree(content, "image config");
        JsonNode config = root.path("config");
        ImageConfig imageConfig = new ImageConfig(
                strings(config.path("Entrypoint")),
                strings(config.path("Cmd")),
                strings(config.path("Env")),
                config.path("WorkingDir").asText(""),
                config.path("User").asText(""));
        List<Digest> diffIds = new ArrayList<>();
        for (JsonNode diffId : root.path("rootfs").path("diff_ids")) {
            diffIds.add(parseDigest(diffId.asText(), "image config diff_id"));
        }
        return new ParsedConfig(imageConfig, diffIds);
    }

    private static Descriptor descriptor(JsonNode node, String what)
            throws IOException
    {
        if (!node.isObject() || !node.hasNonNull("digest")) {
            throw new IOException(what + " has no digest");
        }
        Optional<Descriptor.Platform> platform = Optional.empty();
        JsonNode platformNode = node.path("platform");
        if (platformNode.isObject()) {
            String variant = platformNode.path("variant").asText("");
            platform = Optional.of(new Descriptor.Platform(
                    platformNode.path("os").asText(""),
                    platformNode.path("architecture").asText(""),
                    variant.isEmpty() ? Optional.empty() : Optional.of(variant)));
        }
        long size = node.path("size").asLong(-1);
        if (size < 0) {
            throw new IOException(what + " has no valid size");
        }
        return new Descriptor(node.path("mediaType").asText(""), parseDigest(node.path("digest").asText(), what), size, platform);
    }

    private static Digest parseDigest(String value, String what)
            throws IOException
    {
        try {
            return Digest.parse(value);
        }
        catch (IllegalArgumentException e) {
            throw new IOException(what + ": " + e.getMessage());
        }
    }

    private static List<String> strings(JsonNode node)
    {
        List<String> values = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(value -> values.add(value.asText()));
        }
        return values;
    }

    private static JsonNode readTree(byte[] content, String what)
            throws IOException
    {
        try {
            JsonNode root = MAPPER.readTree(content);
            if (root == null || !root.isObject()) {
                throw new IOException(what + " is not a JSON object");
            }
            return root;
        }
        catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IOException(what + " is not valid JSON: " + e.getOriginalMessage());
        }
    }
}
