package io.berth.agent.images;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.common.files.FileTrees;
import io.berth.common.json.Json;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Imports an image from a file into a registry, for {@code berth image import PATH [--name REPO:TAG]}: an OCI
 * image layout directory, an OCI layout packed as a tar, or a {@code docker save} tar (manifest.json with
 * Config/RepoTags/Layers). Everything is pushed with {@link RegistryClient}; a multi-platform index is pushed
 * whole. The name defaults to the archive's own (RepoTags, or the {@code org.opencontainers.image.ref.name}
 * annotation when it names a repository); a name without a registry host goes to the default registry.
 */
public final class ImageImporter
{
    private static final Logger log = LoggerFactory.getLogger(ImageImporter.class);
    private static final String REF_NAME = "org.opencontainers.image.ref.name";

    private final RegistryClient client;
    private final String defaultRegistry;

    /** {@code defaultRegistry}: {@code HOST:PORT} that names without a registry host are pushed to, e.g. {@code 127.0.0.1:5000}. */
    public ImageImporter(RegistryClient client, String defaultRegistry)
    {
        this.client = requireNonNull(client, "client is null");
        this.defaultRegistry = requireNonNull(defaultRegistry, "defaultRegistry is null");
    }

    public ImportedImage importImage(Path source, Optional<String> name)
            throws ImageImportException
    {
        requireNonNull(source, "source is null");
        requireNonNull(name, "name is null");
        if (!Files.exists(source)) {
            throw new ImageImportException("%s does not exist".formatted(source));
        }
        try {
            if (Files.isDirectory(source)) {
                return importDirectory(source, source, name);
            }
            Path extracted = Files.createTempDirectory("berth-import-");
            try {
                extractArchive(source, extracted);
                return importDirectory(source, extracted, name);
            }
            finally {
                FileTrees.deleteRecursively(extracted);
            }
        }
        catch (RegistryException e) {
            throw new ImageImportException("cannot push %s: %s".formatted(source, e.getMessage()), e);
        }
        catch (IOException e) {
            throw new ImageImportException("cannot import %s: %s".formatted(source, e.getMessage()), e);
        }
    }

    private ImportedImage importDirectory(Path source, Path directory, Optional<String> name)
            throws IOException, RegistryException, ImageImportException
    {
        if (Files.isRegularFile(directory.resolve("index.json")) && Files.isRegularFile(directory.resolve("oci-layout"))) {
            return importOciLayout(source, directory, name);
        }
        if (Files.isRegularFile(directory.resolve("manifest.json"))) {
            return importDockerArchive(source, directory, name);
        }
        throw new ImageImportException("%s is neither an OCI image layout (oci-layout, index.json) nor a docker-archive tar (manifest.json)".formatted(source));
    }

    private ImportedImage importOciLayout(Path source, Path layout, Optional<String> name)
            throws IOException, RegistryException, ImageImportException
    {
        JsonNode index = Json.mapper().readTree(layout.resolve("index.json").toFile());
        List<JsonNode> entries = new ArrayList<>();
        index.path("manifests").forEach(entries::add);
        if (entries.isEmpty()) {
            throw new ImageImportException("%s: index.json lists no image".formatted(source));
        }
        Optional<ImageReference> requested = name.map(this::target);
        JsonNode chosen;
        if (entries.size() == 1) {
            chosen = entries.get(0);
        }
        else {
            List<String> refNames = entries.stream().map(entry -> entry.path("annotations").path(REF_NAME).asText("")).toList();
            Optional<String> wantedTag = requested.flatMap(ImageReference::tag);
            chosen = entries.stream()
                    .filter(entry -> wantedTag.isPresent() && refNameMatches(entry.path("annotations").path(REF_NAME).asText(""), wantedTag.get()))
                    .findFirst()
                    .orElseThrow(() -> new ImageImportException("%s holds %d images (%s); pass --name REPO:TAG whose tag names one of them".formatted(source, entries.size(), String.join(", ", refNames))));
        }
        String refName = chosen.path("annotations").path(REF_NAME).asText("");
        ImageReference target = requested.orElseGet(() -> refName.contains(":") || refName.contains("/") ? target(archiveName(refName)) : null);
        if (target == null) {
            throw new ImageImportException("%s does not name its repository (ref name \"%s\"); pass --name REPO:TAG".formatted(source, refName));
        }
        Descriptor top = descriptor(chosen);
        Digest pushed = pushTree(layout, target, top, target.tag().orElse(top.digest().toString()));
        log.info("imported {} as {} ({})", source, target, pushed);
        return new ImportedImage(target, pushed);
    }

    private static boolean refNameMatches(String refName, String tag)
    {
        return refName.equals(tag) || refName.endsWith(":" + tag);
    }

    /** Pushes a manifest or index and everything below it, children by digest, the top under {@code reference}. */
    private Digest pushTree(Path layout, ImageReference target, Descriptor descriptor, String reference)
            throws IOException, RegistryException
    {
        Path manifestFile = layoutBlob(layout, descriptor.digest());
        byte[] manifestBytes = Files.readAllBytes(manifestFile);
        if (!Digest.of(manifestBytes).equals(descriptor.digest())) {
            throw new ContentVerificationException("blob %s in the layout does not match its digest".formatted(descriptor.digest()));
        }
        String mediaType = descriptor.mediaType().isEmpty() ? ManifestParser.mediaType(manifestBytes, null) : descriptor.mediaType();
        if (MediaTypes.isIndex(mediaType)) {
            for (Descriptor child : ManifestParser.parseIndex(manifestBytes)) {
                pushTree(layout, target, child, child.digest().toString());
            }
        }
        else {
            ImageManifest manifest = ManifestParser.parseImageManifest(manifestBytes);
            pushBlob(target, manifest.config().digest(), layoutBlob(layout, manifest.config().digest()));
            for (Descriptor layer : manifest.layers()) {
                pushBlob(target, layer.digest(), layoutBlob(layout, layer.digest()));
            }
        }
        return client.pushManifest(target, reference, mediaType, manifestBytes);
    }

    private ImportedImage importDockerArchive(Path source, Path archive, Optional<String> name)
            throws IOException, RegistryException, ImageImportException
    {
        JsonNode manifests = Json.mapper().readTree(archive.resolve("manifest.json").toFile());
        if (!manifests.isArray() || manifests.isEmpty()) {
            throw new ImageImportException("%s: manifest.json lists no image".formatted(source));
        }
        JsonNode image = manifests.get(0);
        if (manifests.size() > 1) {
            throw new ImageImportException("%s holds %d images; save one image per archive".formatted(source, manifests.size()));
        }
        String repoTag = image.path("RepoTags").path(0).asText("");
        ImageReference target = name.or(() -> repoTag.isEmpty() ? Optional.empty() : Optional.of(archiveName(repoTag)))
                .map(this::target)
                .orElseThrow(() -> new ImageImportException("%s has no RepoTags; pass --name REPO:TAG".formatted(source)));

        Path configFile = archiveMember(archive, image.path("Config").asText(""), source);
        byte[] configBytes = Files.readAllBytes(configFile);
        Digest configDigest = Digest.of(configBytes);
        pushBlob(target, configDigest, configFile);

        ObjectNode manifest = Json.mapper().createObjectNode();
        manifest.put("schemaVersion", 2);
        manifest.put("mediaType", MediaTypes.OCI_MANIFEST);
        ObjectNode config = manifest.putObject("config");
        config.put("mediaType", MediaTypes.OCI_CONFIG);
        config.put("digest", configDigest.toString());
        config.put("size", configBytes.length);
        var layers = manifest.putArray("layers");
        for (JsonNode layerName : image.path("Layers")) {
            Path layerFile = archiveMember(archive, layerName.asText(), source);
            Digest layerDigest = digestOf(layerFile);
            pushBlob(target, layerDigest, layerFile);
            ObjectNode layer = layers.addObject();
            layer.put("mediaType", isGzip(layerFile) ? MediaTypes.OCI_LAYER_GZIP : MediaTypes.OCI_LAYER);
            layer.put("digest", layerDigest.toString());
            layer.put("size", Files.size(layerFile));
        }
        byte[] manifestBytes = Json.mapper().writeValueAsBytes(manifest);
        Digest pushed = client.pushManifest(target, target.tag().orElse(Digest.of(manifestBytes).toString()), MediaTypes.OCI_MANIFEST, manifestBytes);
        log.info("imported docker archive {} as {} ({})", source, target, pushed);
        return new ImportedImage(target, pushed);
    }

    private void pushBlob(ImageReference target, Digest digest, Path file)
            throws RegistryException
    {
        client.pushBlob(target, digest, file);
    }

    /**
     * Tools write names qualified with Docker Hub ({@code docker.io/library/busybox:1}) where {@code docker save}
     * writes {@code busybox:1}; an import keeps the short name, so it lands in the default registry.
     */
    private static String archiveName(String name)
    {
        String shortName = name.startsWith("docker.io/") ? name.substring("docker.io/".length()) : name;
        return shortName.startsWith("library/") ? shortName.substring("library/".length()) : shortName;
    }

    /** A name without a registry host goes to the default registry (not Docker Hub: import means "make it local"). */
    private ImageReference target(String name)
    {
        int slash = name.indexOf('/');
        String first = slash < 0 ? "" : name.substring(0, slash);
        boolean hasHost = first.contains(".") || first.contains(":") || first.equals("localhost");
        return ImageReference.parse(hasHost ? name : defaultRegistry + "/" + name);
    }

    private static Descriptor descriptor(JsonNode entry)
            throws IOException
    {
        return new Descriptor(entry.path("mediaType").asText(""), parseDigest(entry.path("digest").asText("")), entry.path("size").asLong(0));
    }

    private static Digest parseDigest(String value)
            throws IOException
    {
        try {
            return Digest.parse(value);
        }
        catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage());
        }
    }

    private static Path layoutBlob(Path layout, Digest digest)
            throws IOException
    {
        Path blob = layout.resolve("blobs").resolve("sha256").resolve(digest.hex());
        if (!Files.isRegularFile(blob)) {
            throw new IOException("the layout lacks blob " + digest);
        }
        return blob;
    }

    private static Path archiveMember(Path archive, String member, Path source)
            throws IOException
    {
        if (member.isEmpty() || member.startsWith("/") || List.of(member.split("/")).contains("..")) {
            throw new IOException("%s: manifest.json names an invalid file \"%s\"".formatted(source, member));
        }
        Path file = archive.resolve(member);
        if (!Files.isRegularFile(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException("%s: manifest.json names \"%s\", which the archive lacks".formatted(source, member));
        }
        return file;
    }

    private static Digest digestOf(Path file)
            throws IOException
    {
        MessageDigest sha256 = Digest.newSha256();
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), sha256)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return Digest.fromMessageDigest(sha256.digest());
    }

    private static boolean isGzip(Path file)
            throws IOException
    {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes(2);
            return head.length == 2 && head[0] == 0x1f && head[1] == (byte) 0x8b;
        }
    }

    /** Extracts only regular files and directories, refusing names that would leave the directory. */
    private static void extractArchive(Path tarFile, Path target)
            throws IOException
    {
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new java.io.BufferedInputStream(Files.newInputStream(tarFile)))) {
            TarArchiveEntry entry;
            boolean any = false;
            while ((entry = tar.getNextEntry()) != null) {
                any = true;
                String name = entry.getName();
                if (name.startsWith("/") || List.of(name.split("/")).contains("..")) {
                    throw new IOException("archive entry \"%s\" would leave the extraction directory".formatted(name));
                }
                Path path = target.resolve(name).normalize();
                if (entry.isDirectory()) {
                    Files.createDirectories(path);
                }
                else if (entry.isFile()) {
                    Files.createDirectories(path.getParent());
                    Files.copy(tar, path, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
            if (!any) {
                throw new IOException("it is not a tar archive (or an empty one)");
            }
        }
    }
}
