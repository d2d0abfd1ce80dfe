package io.berth.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.common.files.FileTrees;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

import java.io.IOException;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Builds small real images from Debian's busybox-static: {@code /bin/busybox} plus applet symlinks, an
 * {@code /etc/passwd} with root, nobody (65534) and app (1000), written as an OCI image layout (one gzip layer,
 * deterministic bytes). Also pushes layouts to a {@link TestRegistry} and converts them to archives, with skopeo.
 */
public final class TestImages
{
    public static final Path BUSYBOX = Path.of("/bin/busybox");
    public static final List<String> APPLETS = List.of(
            "sh", "ash", "echo", "cat", "sleep", "env", "ls", "id", "yes", "head", "tail", "dd", "true", "false", "pwd",
            "wc", "grep", "printf", "test", "kill", "ps", "mkdir", "rm", "touch", "hostname", "whoami", "nc", "wget",
            "sed", "awk", "date", "uname", "stat", "chmod", "ln", "seq", "tr", "cut", "sort", "tee", "find", "xargs",
            "basename", "dirname", "readlink", "mount", "cp", "mv", "du", "df", "free", "top", "nslookup", "ping", "ip", "vi");
    public static final String REF_NAME_ANNOTATION = "org.opencontainers.image.ref.name";

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final long FIXED_MTIME_MILLIS = 1_700_000_000_000L;
    private static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    private static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    private static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
    private static final String OCI_LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";

    private TestImages() {}

    /** Writes a single-platform (linux/amd64) busybox image as an OCI layout in {@code layout}. */
    public static OciLayoutImage buildOciLayout(Path layout, String tag, TestImageConfig config)
            throws IOException
    {
        return buildOciLayout(layout, tag, config, List.of());
    }

    /** The busybox image with host files added, e.g. a static test program; their directories must exist in busybox's tree. */
    public static OciLayoutImage buildOciLayout(Path layout, String tag, TestImageConfig config, List<ImageFile> hostFiles)
            throws IOException
    {
        initLayout(layout);
        List<TarItem> rootfs = busyboxRootfs(config);
        hostFiles.forEach(file -> rootfs.add(TarItem.copy(file.path(), file.source(), file.mode())));
        PlatformImage image = writeImage(layout, "amd64", config, rootfs);
        writeIndexJson(layout, OCI_MANIFEST, image.manifestDigest, image.manifestSize, tag);
        return new OciLayoutImage(layout, tag, image.manifestDigest, image.configDigest, List.of(image.layerDigest), List.of(image.diffId));
    }

    /**
     * Writes a multi-platform image: an OCI index with the busybox image for linux/amd64 and a fake linux/arm64
     * image (one tiny layer, env {@code BERTH_TEST_ARCH=arm64}, listed first so a puller must choose).
     */
    public static OciLayoutImage buildMultiArchOciLayout(Path layout, String tag, TestImageConfig config)
            throws IOException
    {
        initLayout(layout);
        List<String> armEnv = new ArrayList<>(config.env());
        armEnv.add("BERTH_TEST_ARCH=arm64");
        TestImageConfig armConfig = new TestImageConfig(config.entrypoint(), config.cmd(), armEnv, config.workingDir(), config.user(), Map.of());
        PlatformImage arm = writeImage(layout, "arm64", armConfig, List.of(TarItem.file("arch.txt", "arm64\n", 0644)));
        PlatformImage amd = writeImage(layout, "amd64", config, busyboxRootfs(config));

        ObjectNode index = MAPPER.createObjectNode();
        index.put("schemaVersion", 2);
        index.put("mediaType", OCI_INDEX);
        ArrayNode manifests = index.putArray("manifests");
        for (PlatformImage image : List.of(arm, amd)) {
            ObjectNode entry = manifests.addObject();
            entry.put("mediaType", OCI_MANIFEST);
            entry.put("digest", image.manifestDigest);
            entry.put("size", image.manifestSize);
            ObjectNode platform = entry.putObject("platform");
            platform.put("architecture", image.architecture);
            platform.put("os", "linux");
            if (image.architecture.equals("arm64")) {
                platform.put("variant", "v8");
            }
        }
        byte[] indexBytes = MAPPER.writeValueAsBytes(index);
        String indexDigest = writeBlob(layout, indexBytes);
        writeIndexJson(layout, OCI_INDEX, indexDigest, indexBytes.length, tag);
        return new OciLayoutImage(layout, tag, indexDigest, amd.configDigest, List.of(amd.layerDigest), List.of(amd.diffId));
    }

    /** Copies the layout's image (all platforms) to {@code registry} as {@code repoTag}; returns the full reference. */
    public static String push(OciLayoutImage image, TestRegistry registry, String repoTag)
            throws IOException
    {
        return push(image, registry.hostPort(), repoTag);
    }

    /** Copies the layout's image (all platforms) to the plain-HTTP registry at hostPort as {@code repoTag}. */
    public static String push(OciLayoutImage image, String registryHostPort, String repoTag)
            throws IOException
    {
        String reference = registryHostPort + "/" + repoTag;
        ProcessRunner.run(List.of("skopeo", "--insecure-policy", "copy", "--all", "--preserve-digests", "--quiet",
                "--dest-tls-verify=false", "oci:" + image.layout() + ":" + image.tag(), "docker://" + reference));
        return reference;
    }

    /** Builds the busybox test image in a temporary directory and pushes it as {@code repoTag}; returns its reference. */
    public static String pushBusybox(String registryHostPort, String repoTag)
            throws IOException
    {
        Path layout = Files.createTempDirectory("berth-busybox-image");
        try {
            return push(buildOciLayout(layout.resolve("layout"), "latest", TestImageConfig.busybox()), registryHostPort, repoTag);
        }
        finally {
            FileTrees.deleteRecursively(layout);
        }
    }

    /** Writes a {@code docker save}-format tar (manifest.json with RepoTags) of a single-platform layout. */
    public static Path toDockerArchive(OciLayoutImage image, Path tarFile, String repoTag)
            throws IOException
    {
        Files.deleteIfExists(tarFile);
        ProcessRunner.run(List.of("skopeo", "--insecure-policy", "copy", "--quiet",
                "oci:" + image.layout() + ":" + image.tag(), "docker-archive:" + tarFile + ":" + repoTag));
        return tarFile;
    }

    /** Packs the layout directory as a tar (an "OCI archive"). */
    public static Path toOciArchive(OciLayoutImage image, Path tarFile)
            throws IOException
    {
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(Files.newOutputStream(tarFile));
                Stream<Path> files = Files.walk(image.layout())) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (Path file : files.sorted().toList()) {
                String name = image.layout().relativize(file).toString();
                if (name.isEmpty()) {
                    continue;
                }
                TarArchiveEntry entry = new TarArchiveEntry(file.toFile(), Files.isDirectory(file) ? name + "/" : name);
                tar.putArchiveEntry(entry);
                if (Files.isRegularFile(file)) {
                    Files.copy(file, tar);
                }
                tar.closeArchiveEntry();
            }
        }
        return tarFile;
    }

    private record PlatformImage(String architecture, String manifestDigest, long manifestSize, String configDigest, String layerDigest, String diffId) {}

    private static PlatformImage writeImage(Path layout, String architecture, TestImageConfig config, List<TarItem> rootfs)
            throws IOException
    {
        LayerBlob layer = writeLayer(layout, rootfs);

        ObjectNode imageConfig = MAPPER.createObjectNode();
        imageConfig.put("created", "2023-11-14T22:13:20Z");
        imageConfig.put("architecture", architecture);
        imageConfig.put("os", "linux");
        ObjectNode runConfig = imageConfig.putObject("config");
        if (!config.entrypoint().isEmpty()) {
            runConfig.set("Entrypoint", MAPPER.valueToTree(config.entrypoint()));
        }
        if (!config.cmd().isEmpty()) {
            runConfig.set("Cmd", MAPPER.valueToTree(config.cmd()));
        }
        runConfig.set("Env", MAPPER.valueToTree(config.env()));
        if (!config.workingDir().isEmpty()) {
            runConfig.put("WorkingDir", config.workingDir());
        }
        if (!config.user().isEmpty()) {
            runConfig.put("User", config.user());
        }
        ObjectNode rootfsNode = imageConfig.putObject("rootfs");
        rootfsNode.put("type", "layers");
        rootfsNode.putArray("diff_ids").add(layer.diffId);
        imageConfig.putArray("history").addObject().put("created_by", "berth TestImages");
        byte[] configBytes = MAPPER.writeValueAsBytes(imageConfig);
        String configDigest = writeBlob(layout, configBytes);

        ObjectNode manifest = MAPPER.createObjectNode();
        manifest.put("schemaVersion", 2);
        manifest.put("mediaType", OCI_MANIFEST);
        ObjectNode configDescriptor = manifest.putObject("config");
        configDescriptor.put("mediaType", OCI_CONFIG);
        configDescriptor.put("digest", configDigest);
        configDescriptor.put("size", configBytes.length);
        ObjectNode layerDescriptor = manifest.putArray("layers").addObject();
        layerDescriptor.put("mediaType", OCI_LAYER_GZIP);
        layerDescriptor.put("digest", layer.digest);
        layerDescriptor.put("size", layer.size);
        byte[] manifestBytes = MAPPER.writeValueAsBytes(manifest);
        String manifestDigest = writeBlob(layout, manifestBytes);
        return new PlatformImage(architecture, manifestDigest, manifestBytes.length, configDigest, layer.digest, layer.diffId);
    }

    /** One entry of a test layer. */
    private record TarItem(String name, byte type, String linkTarget, byte[] content, Path source, int mode, int uid)
    {
        static TarItem directory(String name, int mode, int uid)
        {
            return new TarItem(name, TarConstants.LF_DIR, null, null, null, mode, uid);
        }

        static TarItem file(String name, String content, int mode)
        {
            return new TarItem(name, TarConstants.LF_NORMAL, null, content.getBytes(StandardCharsets.UTF_8), null, mode, 0);
        }

        static TarItem copy(String name, Path source, int mode)
        {
            return new TarItem(name, TarConstants.LF_NORMAL, null, null, source, mode, 0);
        }

        static TarItem symlink(String name, String target)
        {
            return new TarItem(name, TarConstants.LF_SYMLINK, target, null, null, 0777, 0);
        }
    }

    private static List<TarItem> busyboxRootfs(TestImageConfig config)
    {
        List<TarItem> items = new ArrayList<>();
        items.add(TarItem.directory("bin", 0755, 0));
        items.add(TarItem.copy("bin/busybox", BUSYBOX, 0755));
        for (String applet : APPLETS) {
            items.add(TarItem.symlink("bin/" + applet, "busybox"));
        }
        items.add(TarItem.directory("usr", 0755, 0));
        items.add(TarItem.directory("usr/bin", 0755, 0));
        items.add(TarItem.symlink("usr/bin/env", "/bin/busybox"));
        items.add(TarItem.directory("etc", 0755, 0));
        items.add(TarItem.file("etc/passwd", """
                root:x:0:0:root:/root:/bin/sh
                app:x:1000:1000:app:/home/app:/bin/sh
                nobody:x:65534:65534:nobody:/nonexistent:/bin/false
                """, 0644));
        items.add(TarItem.file("etc/group", """
                root:x:0:
                app:x:1000:
                nogroup:x:65534:
                """, 0644));
        items.add(TarItem.directory("tmp", 01777, 0));
        items.add(TarItem.directory("root", 0700, 0));
        items.add(TarItem.directory("home", 0755, 0));
        items.add(TarItem.directory("home/app", 0755, 1000));
        items.add(TarItem.directory("proc", 0755, 0));
        items.add(TarItem.directory("sys", 0755, 0));
        items.add(TarItem.directory("dev", 0755, 0));
        List<String> madeDirectories = new ArrayList<>(List.of("bin", "usr", "usr/bin", "etc", "tmp", "root", "home", "home/app", "proc", "sys", "dev"));
        config.extraFiles().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(file -> {
            String name = file.getKey().replaceFirst("^/+", "");
            String[] parts = name.split("/");
            StringBuilder parent = new StringBuilder();
            for (int i = 0; i < parts.length - 1; i++) {
                parent.append(i == 0 ? "" : "/").append(parts[i]);
                if (!madeDirectories.contains(parent.toString())) {
                    madeDirectories.add(parent.toString());
                    items.add(TarItem.directory(parent.toString(), 0755, 0));
                }
            }
            items.add(TarItem.file(name, file.getValue(), 0755));
        });
        return items;
    }

    private record LayerBlob(String digest, long size, String diffId) {}

    private static LayerBlob writeLayer(Path layout, List<TarItem> items)
            throws IOException
    {
        Path temporary = Files.createTempFile(layout, "layer-", ".partial");
        MessageDigest compressedDigest = sha256();
        MessageDigest uncompressedDigest = sha256();
        try (OutputStream file = Files.newOutputStream(temporary);
                DigestOutputStream compressed = new DigestOutputStream(file, compressedDigest);
                GzipCompressorOutputStream gzip = new GzipCompressorOutputStream(compressed);
                DigestOutputStream uncompressed = new DigestOutputStream(gzip, uncompressedDigest);
                TarArchiveOutputStream tar = new TarArchiveOutputStream(uncompressed)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            for (TarItem item : items) {
                TarArchiveEntry entry = new TarArchiveEntry(item.type() == TarConstants.LF_DIR ? item.name() + "/" : item.name(), item.type());
                entry.setMode(item.mode() | (item.type() == TarConstants.LF_DIR ? 040000 : item.type() == TarConstants.LF_SYMLINK ? 0120000 : 0100000));
                entry.setModTime(FIXED_MTIME_MILLIS);
                entry.setUserId(item.uid());
                entry.setGroupId(item.uid());
                if (item.linkTarget() != null) {
                    entry.setLinkName(item.linkTarget());
                }
                byte[] content = item.content();
                if (item.source() != null) {
                    content = Files.readAllBytes(item.source());
                }
                if (content != null) {
                    entry.setSize(content.length);
                }
                tar.putArchiveEntry(entry);
                if (content != null) {
                    tar.write(content);
                }
                tar.closeArchiveEntry();
            }
            tar.finish();
        }
        long size = Files.size(temporary);
        String digest = "sha256:" + HexFormat.of().formatHex(compressedDigest.digest());
        Files.move(temporary, blobPath(layout, digest), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return new LayerBlob(digest, size, "sha256:" + HexFormat.of().formatHex(uncompressedDigest.digest()));
    }

    private static void initLayout(Path layout)
            throws IOException
    {
        Files.createDirectories(layout.resolve("blobs/sha256"));
        Files.writeString(layout.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
    }

    private static void writeIndexJson(Path layout, String mediaType, String digest, long size, String tag)
            throws IOException
    {
        ObjectNode index = MAPPER.createObjectNode();
        index.put("schemaVersion", 2);
        index.put("mediaType", OCI_INDEX);
        ObjectNode entry = index.putArray("manifests").addObject();
        entry.put("mediaType", mediaType);
        entry.put("digest", digest);
        entry.put("size", size);
        entry.putObject("annotations").put(REF_NAME_ANNOTATION, tag);
        Files.write(layout.resolve("index.json"), MAPPER.writeValueAsBytes(index));
    }

    private static String writeBlob(Path layout, byte[] content)
            throws IOException
    {
        String digest = "sha256:" + HexFormat.of().formatHex(sha256().digest(content));
        Files.write(blobPath(layout, digest), content);
        return digest;
    }

    private static Path blobPath(Path layout, String digest)
    {
        return layout.resolve("blobs/sha256").resolve(digest.substring("sha256:".length()));
    }

    private static MessageDigest sha256()
    {
        try {
            return MessageDigest.getInstance("SHA-256");
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

}
