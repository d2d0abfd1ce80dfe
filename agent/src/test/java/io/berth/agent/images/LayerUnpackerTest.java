package io.berth.agent.images;

import io.berth.agent.images.LayerTars.Item;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.berth.agent.images.LayerTars.directory;
import static io.berth.agent.images.LayerTars.file;
import static io.berth.agent.images.LayerTars.gzip;
import static io.berth.agent.images.LayerTars.hardlink;
import static io.berth.agent.images.LayerTars.symlink;
import static io.berth.agent.images.LayerTars.tar;
import static java.nio.file.LinkOption.NOFOLLOW_LINKS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Unpacks hand-made tars, benign and malicious, into a temporary directory (needs root for whiteouts and owners). */
class LayerUnpackerTest
{
    private static final int S_IFMT = 0170000;
    private static final int S_IFCHR = 0020000;

    @TempDir
    Path work;

    private final LayerUnpacker unpacker = new LayerUnpacker();

    @Test
    void unpacksFilesDirectoriesLinksModesAndOwners()
            throws IOException
    {
        Path layer = layerDirectory();
        byte[] tar = tar(List.of(
                directory("app/", 0750, 1000),
                file("app/run.sh", "#!/bin/sh\necho hi\n", 04755, 1000),
                file("./app/data.txt", "data", 0640, 0),
                symlink("app/link", "run.sh"),
                symlink("app/absolute", "/etc/passwd"),
                hardlink("app/hard", "app/data.txt")));

        Digest diffId = unpacker.unpack(new ByteArrayInputStream(tar), layer);

        assertThat(diffId).isEqualTo(Digest.of(tar));
        assertThat(layer.resolve("app/run.sh")).hasContent("#!/bin/sh\necho hi");
        assertThat(mode(layer.resolve("app/run.sh"))).isEqualTo(04755);
        assertThat(mode(layer.resolve("app"))).isEqualTo(0750);
        assertThat(Files.getAttribute(layer.resolve("app/run.sh"), "unix:uid")).isEqualTo(1000);
        assertThat(Files.readSymbolicLink(layer.resolve("app/link"))).isEqualTo(Path.of("run.sh"));
        assertThat(Files.readSymbolicLink(layer.resolve("app/absolute"))).isEqualTo(Path.of("/etc/passwd"));
        assertThat(Files.getAttribute(layer.resolve("app/hard"), "unix:ino")).isEqualTo(Files.getAttribute(layer.resolve("app/data.txt"), "unix:ino"));
    }

    @Test
    void gzipZstdAndPlainTarsGiveTheSameLayerAndDiffId()
            throws IOException
    {
        byte[] tar = tar(List.of(file("hello.txt", "hello", 0644, 0)));
        ByteArrayOutputStream zstd = new ByteArrayOutputStream();
        try (OutputStream out = new ZstdCompressorOutputStream(zstd)) {
            out.write(tar);
        }
        for (byte[] blob : List.of(tar, gzip(tar), zstd.toByteArray())) {
            Path layer = layerDirectory();
            assertThat(unpacker.unpack(new ByteArrayInputStream(blob), layer)).isEqualTo(Digest.of(tar));
            assertThat(layer.resolve("hello.txt")).hasContent("hello");
        }
    }

    @Test
    void refusesUnsupportedCompression()
    {
        byte[] xz = {(byte) 0xfd, '7', 'z', 'X', 'Z', 0, 0, 0};
        assertThatThrownBy(() -> unpacker.unpack(new ByteArrayInputStream(xz), layerDirectory()))
                .isInstanceOf(LayerRejectedException.class)
                .hasMessageContaining("unsupported compression");
    }

    @Test
    void refusesParentTraversal()
            throws IOException
    {
        Path layer = layerDirectory();
        assertThatThrownBy(() -> unpacker.unpack(new ByteArrayInputStream(tar(List.of(file("a/../../x", "evil", 0644, 0)))), layer))
                .isInstanceOf(LayerRejectedException.class)
                .hasMessage("layer entry \"a/../../x\" climbs out with \"..\"");
        assertThat(work.resolve("x")).doesNotExist();
    }

    @Test
    void refusesAbsolutePaths()
    {
        assertThatThrownBy(() -> unpacker.unpack(new ByteArrayInputStream(tar(List.of(file("/abs", "evil", 0644, 0)))), layerDirectory()))
                .isInstanceOf(LayerRejectedException.class)
                .hasMessage("layer entry \"/abs\" is an absolute path");
    }

    @Test
    void neverWritesThroughASymlinkedDirectory()
            throws IOException
    {
        Path outside = Files.createDirectory(work.resolve("outside"));
        Path layer = layerDirectory();
        byte[] tar = tar(List.of(
                symlink("escape", outside.toString()),
                file("escape/owned", "evil", 0644, 0)));

        assertThatThrownBy(() -> unpacker.unpack(new ByteArrayInputStream(tar), layer))
                .isInstanceOf(LayerRejectedException.class)
                .hasMessage("layer entry \"escape/owned\" would be written through the symbolic link \"escape\"");
        assertThat(outside.resolve("owned")).doesNotExist();
    }

    @Test
    void replacesAnExistingSymlinkInsteadOfWritingThroughIt()
            throws IOException
    {
        Path victim = Files.writeString(work.resolve("victim"), "original");
        Path layer = layerDirectory();
        byte[] tar = tar(List.of(
                symlink("target", victim.toString()),
                file("target", "overwritten?", 0644, 0)));

        unpacker.unpack(new ByteArrayInputStream(tar), layer);

        assertThat(victim).hasContent("original");
        assertThat(Files.isSymbolicLink(layer.resolve("target"))).isFalse();
        assertThat(layer.resolve("target")).hasContent("overwritten?");
    }

    @Test
    void refusesRelativeSymlinksThatEscape()
    {
        assertThatThrownBy(() -> unpacker.unpack(new ByteArrayInputStream(tar(List.of(symlink("a/b/up", "../../../etc")))), layerDirectory()))
                .isInstanceOf(LayerRejectedException.class)
                .hasMessage("layer entry \"a/b/up\" is a symbolic link to \"../../../etc\", which escapes the layer");
    }

    @Test
    void refusesHardlinksThatEscape()
            throws IOException
    {
        Files.writeString(work.resolve("secret"), "secret");
        assertThatThrownBy(() -> unpacker.unpack(new ByteArrayInputStream(tar(List.of(hardlink("h", "../secret")))), layerDirectory()))
                .isInstanceOf(LayerRejectedException.class)
                .hasMessageContaining("climbs out with \"..\"");
        assertThatThrownBy(() -> unpacker.unpack(new ByteArrayInputStream(tar(List.of(hardlink("h", work.resolve("secret").toString())))), layerDirectory()))
                .isInstanceOf(LayerRejectedException.class)
                .hasMessageContaining("is an absolute path");
    }

    @Test
    void refusesHardlinksThroughSymlinks()
            throws IOException
    {
        Path outside = Files.createDirectory(work.resolve("outside-dir"));
        Files.writeString(outside.resolve("secret"), "secret");
        byte[] tar = tar(List.of(symlink("dir", outside.toString()), hardlink("h", "dir/secret")));

        assertThatThrownBy(() -> unpacker.unpack(new ByteArrayInputStream(tar), layerDirectory()))
                .isInstanceOf(LayerRejectedException.class)
                .hasMessage("layer entry \"h\" is a hard link through \"dir\", which is not a directory in the layer");
    }

    @Test
    void whiteoutsBecomeOverlayCharacterDevices()
            throws Exception
    {
        Path layer = layerDirectory();
        unpacker.unpack(new ByteArrayInputStream(tar(List.of(directory("etc/", 0755, 0), file("etc/.wh.hosts", "", 0644, 0)))), layer);

        Path whiteout = layer.resolve("etc/hosts");
        assertThat((int) Files.getAttribute(whiteout, "unix:mode", NOFOLLOW_LINKS) & S_IFMT).isEqualTo(S_IFCHR);
        assertThat(Files.getAttribute(whiteout, "unix:rdev", NOFOLLOW_LINKS)).isEqualTo(0L);
        assertThat(layer.resolve("etc/.wh.hosts")).doesNotExist();
    }

    @Test
    void opaqueMarkersSetTheOverlayXattr()
            throws Exception
    {
        Path layer = layerDirectory();
        unpacker.unpack(new ByteArrayInputStream(tar(List.of(file("var/cache/.wh..wh..opq", "", 0644, 0), file("var/cache/new", "n", 0644, 0)))), layer);

        assertThat(run("getfattr", "--absolute-names", "--only-values", "-n", "trusted.overlay.opaque", layer.resolve("var/cache").toString())).isEqualTo("y");
        assertThat(layer.resolve("var/cache/.wh..wh..opq")).doesNotExist();
        assertThat(layer.resolve("var/cache/new")).hasContent("n");
    }

    @Test
    void skipsDeviceNodesAndFifos()
            throws IOException
    {
        TarArchiveEntry device = new TarArchiveEntry("dev/sda", TarConstants.LF_BLK);
        device.setDevMajor(8);
        TarArchiveEntry fifo = new TarArchiveEntry("pipe", TarConstants.LF_FIFO);
        Path layer = layerDirectory();

        unpacker.unpack(new ByteArrayInputStream(tar(List.of(new Item(device, null), new Item(fifo, null), file("after", "ok", 0644, 0)))), layer);

        assertThat(layer.resolve("dev/sda")).doesNotExist();
        assertThat(layer.resolve("pipe")).doesNotExist();
        assertThat(layer.resolve("after")).hasContent("ok");
    }

    private Path layerDirectory()
            throws IOException
    {
        return Files.createTempDirectory(work, "layer-");
    }

    private static int mode(Path path)
            throws IOException
    {
        return (int) Files.getAttribute(path, "unix:mode", NOFOLLOW_LINKS) & 07777;
    }

    private static String run(String... command)
            throws Exception
    {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as(output).isZero();
        return output;
    }
}
