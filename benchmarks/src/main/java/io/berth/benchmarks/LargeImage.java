package io.berth.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.testing.OciLayoutImage;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;

/**
 * A large multi-layer image written as an OCI image layout, for the pull benchmark: layers of random
 * (incompressible) files and of text-like (compressible) files, with many small files and a few large ones, about
 * 500 MB unpacked in all. Seeded, so every run builds the same bytes.
 */
final class LargeImage
{
    private static final String[] WORDS = ("the quick brown fox jumps over lazy dog container layer image registry digest manifest config "
            + "overlay unpack berth agent task host network cluster service account region zone runtime monitor log metric value "
            + "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et dolore magna aliqua")
            .split(" ");

    /** One layer: how many files of how many bytes each, random or text-like. */
    record LayerPlan(String name, int files, int fileBytes, boolean random)
    {
        long bytes()
        {
            return (long) files * fileBytes;
        }
    }

    /** The layers of the ~500 MB image: small and large files, random and compressible. */
    static final List<LayerPlan> DEFAULT_LAYERS = List.of(
            new LayerPlan("small-text", 2000, 36 << 10, false),
            new LayerPlan("large-random", 8, 8 << 20, true),
            new LayerPlan("medium-text", 20, 4 << 20, false),
            new LayerPlan("small-random", 100, 512 << 10, true),
            new LayerPlan("large-text", 10, 10 << 20, false),
            new LayerPlan("huge-random", 4, 32 << 20, true));

    /** The layout as pushed, and the image's sizes: compressed (what is downloaded) and unpacked (the layers' files). */
    record Built(OciLayoutImage image, long compressedBytes, long fileBytes, int files) {}

    private LargeImage() {}

    static Built build(Path layout, List<LayerPlan> plans)
            throws IOException
    {
        Path blobs = Files.createDirectories(layout.resolve("blobs/sha256"));
        Files.writeString(layout.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        ObjectMapper json = new ObjectMapper();
        ArrayNode layerDescriptors = json.createArrayNode();
        ArrayNode diffIds = json.createArrayNode();
        List<String> layerDigests = new ArrayList<>();
        List<String> diffIdList = new ArrayList<>();
        long compressed = 0;
        long fileBytes = 0;
        int files = 0;
        SplittableRandom random = new SplittableRandom(20261201);
        for (LayerPlan plan : plans) {
            Path temporary = Files.createTempFile(blobs, "layer-", ".partial");
            MessageDigest compressedDigest = sha256();
            MessageDigest uncompressedDigest = sha256();
            try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(temporary), 1 << 20);
                    DigestOutputStream compressedOut = new DigestOutputStream(file, compressedDigest);
                    GZIPOutputStream gzip = new GZIPOutputStream(compressedOut, 1 << 16);
                    DigestOutputStream uncompressedOut = new DigestOutputStream(gzip, uncompressedDigest);
                    TarArchiveOutputStream tar = new TarArchiveOutputStream(uncompressedOut)) {
                tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
                TarArchiveEntry directory = new TarArchiveEntry(plan.name() + "/");
                directory.setMode(040755);
                tar.putArchiveEntry(directory);
                tar.closeArchiveEntry();
                byte[] content = new byte[plan.fileBytes()];
                for (int index = 0; index < plan.files(); index++) {
                    fill(content, plan.random(), random);
                    TarArchiveEntry entry = new TarArchiveEntry(plan.name() + "/file-" + index + (plan.random() ? ".bin" : ".txt"));
                    entry.setMode(0100644);
                    entry.setSize(content.length);
                    tar.putArchiveEntry(entry);
                    tar.write(content);
                    tar.closeArchiveEntry();
                }
                tar.finish();
            }
            String digest = "sha256:" + HexFormat.of().formatHex(compressedDigest.digest());
            String diffId = "sha256:" + HexFormat.of().formatHex(uncompressedDigest.digest());
            Files.move(temporary, blobs.resolve(digest.substring(7)), StandardCopyOption.REPLACE_EXISTING);
            long size = Files.size(blobs.resolve(digest.substring(7)));
            layerDescriptors.addObject().put("mediaType", "application/vnd.oci.image.layer.v1.tar+gzip").put("digest", digest).put("size", size);
            diffIds.add(diffId);
            layerDigests.add(digest);
            diffIdList.add(diffId);
            compressed += size;
            fileBytes += plan.bytes();
            files += plan.files();
        }
        ObjectNode config = json.createObjectNode();
        config.put("architecture", "amd64").put("os", "linux");
        config.putObject("config").putArray("Cmd").add("/bin/true");
        ObjectNode rootfs = config.putObject("rootfs");
        rootfs.put("type", "layers");
        rootfs.set("diff_ids", diffIds);
        Descriptor configBlob = writeBlob(blobs, json.writeValueAsBytes(config));
        ObjectNode manifest = json.createObjectNode();
        manifest.put("schemaVersion", 2).put("mediaType", "application/vnd.oci.image.manifest.v1+json");
        manifest.putObject("config").put("mediaType", "application/vnd.oci.image.config.v1+json").put("digest", configBlob.digest()).put("size", configBlob.size());
        manifest.set("layers", layerDescriptors);
        Descriptor manifestBlob = writeBlob(blobs, json.writeValueAsBytes(manifest));
        ObjectNode index = json.createObjectNode();
        index.put("schemaVersion", 2);
        ObjectNode entry = index.putArray("manifests").addObject();
        entry.put("mediaType", "application/vnd.oci.image.manifest.v1+json").put("digest", manifestBlob.digest()).put("size", manifestBlob.size());
        entry.putObject("annotations").put("org.opencontainers.image.ref.name", "1");
        Files.write(layout.resolve("index.json"), json.writeValueAsBytes(index));
        return new Built(new OciLayoutImage(layout, "1", manifestBlob.digest(), configBlob.digest(), layerDigests, diffIdList), compressed, fileBytes, files);
    }

    private record Descriptor(String digest, long size) {}

    private static Descriptor writeBlob(Path blobs, byte[] content)
            throws IOException
    {
        String hex = HexFormat.of().formatHex(sha256().digest(content));
        Files.write(blobs.resolve(hex), content);
        return new Descriptor("sha256:" + hex, content.length);
    }

    /** Random bytes, or lines of words chosen at random (gzip shrinks those about fourfold, as source code or logs). */
    private static void fill(byte[] content, boolean randomBytes, SplittableRandom random)
    {
        if (randomBytes) {
            random.nextBytes(content);
            return;
        }
        int position = 0;
        while (position < content.length) {
            byte[] word = WORDS[random.nextInt(WORDS.length)].getBytes(StandardCharsets.US_ASCII);
            for (int index = 0; index < word.length && position < content.length; index++) {
                content[position++] = word[index];
            }
            if (position < content.length) {
                content[position++] = (byte) (random.nextInt(12) == 0 ? '\n' : ' ');
            }
        }
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
