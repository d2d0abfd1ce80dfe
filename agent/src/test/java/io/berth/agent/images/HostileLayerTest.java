package io.berth.agent.images;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import io.berth.agent.images.LayerTars.Item;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static io.berth.agent.images.LayerTars.file;
import static io.berth.agent.images.LayerTars.gzip;
import static io.berth.agent.images.LayerTars.hardlink;
import static io.berth.agent.images.LayerTars.symlink;
import static io.berth.agent.images.LayerTars.tar;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Layers that try to hurt the host, unpacked through a real {@link LayerStore} on real files (needs root, as
 * whiteouts do). Each is refused with a reason that names the problem; its partial unpack is gone; and the
 * bystanders survive: another image's unpack in flight under {@code layers/unpacking/}, a file next to it,
 * and a file next to the store.
 */
class HostileLayerTest
{
    private static final long MiB = 1L << 20;

    @TempDir
    Path work;

    private Path root;
    private LayerStore store;
    private Path otherUnpack;
    private Path nextToIt;
    private Path outsideStore;

    @BeforeEach
    void createStoreWithBystanders()
            throws IOException
    {
        root = work.resolve("images");
        store = new LayerStore(root, new LayerUnpacker());
        otherUnpack = Files.createDirectories(root.resolve("layers/unpacking/0123456789ab-in-flight/bin"));
        Files.writeString(otherUnpack.resolve("sh"), "another image's layer");
        nextToIt = Files.writeString(root.resolve("layers/unpacking/next-to-it"), "next to it");
        outsideStore = Files.writeString(work.resolve("outside"), "outside the store");
    }

    static Stream<Arguments> hostileLayers()
    {
        return Stream.of(
                Arguments.of("parent traversal", List.of(file("a/../../outside", "evil")), "climbs out with \"..\""),
                Arguments.of("absolute path", List.of(file("/tmp/evil", "evil")), "is an absolute path"),
                Arguments.of("relative symlink that escapes", List.of(symlink("a/up", "../../outside")), "which escapes the layer"),
                Arguments.of("write through a symlink", List.of(symlink("escape", "/tmp"), file("escape/owned", "evil")), "would be written through the symbolic link \"escape\""),
                Arguments.of("hard link that climbs", List.of(hardlink("h", "../../outside")), "climbs out with \"..\""),
                Arguments.of("hard link to an absolute path", List.of(hardlink("h", "/etc/passwd")), "is an absolute path"),
                Arguments.of("hard link through a symlink", List.of(symlink("dir", "/etc"), hardlink("h", "dir/passwd")), "is a hard link through \"dir\""),
                Arguments.of("whiteout of the parent: .wh...", List.of(file(".wh...", "")), "is a whiteout of \"..\", which is not a name inside the layer"),
                Arguments.of("whiteout of the parent in a subdirectory", List.of(file("a/.wh...", "")), "is a whiteout of \"..\""),
                Arguments.of("whiteout of the layer root: .wh..", List.of(file(".wh..", "")), "is a whiteout of \".\""),
                Arguments.of("whiteout that names nothing: .wh.", List.of(file("a/.wh.", "")), "is a whiteout that names nothing"),
                Arguments.of("opaque whiteout of the layer root", List.of(file(".wh..wh..opq", "")), "is an opaque whiteout of the layer root itself"),
                Arguments.of("whiteout that climbs", List.of(file("a/../.wh.outside", "")), "climbs out with \"..\""),
                Arguments.of("whiteout through a symlink", List.of(symlink("d", "/tmp"), file("d/.wh.x", "")), "would be written through the symbolic link \"d\""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileLayers")
    void refusesAndTouchesNothingOutsideTheLayer(String description, List<Item> items, String reason)
            throws IOException
    {
        byte[] tar = tar(items);

        assertThatThrownBy(() -> store.unpack(Digest.of(tar), blob(tar), new UnpackBudget(ImageLimits.DEFAULTS)))
                .isInstanceOf(LayerRejectedException.class)
                .hasMessageContaining(reason);

        assertBystandersSurviveAndNothingIsLeft();
    }

    @Test
    void anotherUnpackInFlightIsUnaffectedByAHostileWhiteout()
            throws Exception
    {
        // The benign layer pauses inside its first whiteout, its directory half-filled under layers/unpacking/.
        CountDownLatch paused = new CountDownLatch(1);
        CountDownLatch resume = new CountDownLatch(1);
        OverlayWhiteouts pausing = new OverlayWhiteouts()
        {
            @Override
            public void createWhiteout(Path path)
                    throws IOException
            {
                paused.countDown();
                try {
                    resume.await(30, TimeUnit.SECONDS);
                }
                catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                super.createWhiteout(path);
            }
        };
        LayerStore benignStore = new LayerStore(root, new LayerUnpacker(pausing, true));
        byte[] benign = tar(List.of(file("app/data", "data"), file("app/.wh.old", ""), file("app/more", "more")));
        byte[] hostile = tar(List.of(file(".wh...", "")));
        try (ExecutorService executor = Executors.newSingleThreadExecutor()) {
            Future<Path> inFlight = executor.submit(() -> benignStore.unpack(Digest.of(benign), blob(benign), new UnpackBudget(ImageLimits.DEFAULTS)));
            assertThat(paused.await(30, TimeUnit.SECONDS)).isTrue();

            assertThatThrownBy(() -> store.unpack(Digest.of(hostile), blob(hostile), new UnpackBudget(ImageLimits.DEFAULTS)))
                    .isInstanceOf(LayerRejectedException.class)
                    .hasMessageContaining("is a whiteout of \"..\"");
            resume.countDown();

            Path layer = inFlight.get(30, TimeUnit.SECONDS);
            assertThat(layer.resolve("app/data")).hasContent("data");
            assertThat(layer.resolve("app/more")).hasContent("more");
        }
        assertBystandersSurvive();
    }

    @Test
    void deviceNodesAreNeverCreated()
            throws IOException
    {
        TarArchiveEntry device = new TarArchiveEntry("dev/sda", TarConstants.LF_BLK);
        device.setDevMajor(8);
        TarArchiveEntry character = new TarArchiveEntry("dev/mem", TarConstants.LF_CHR);
        character.setDevMajor(1);
        character.setDevMinor(1);
        byte[] tar = tar(List.of(new Item(device, null), new Item(character, null), file("ok", "ok")));

        Path layer = store.unpack(Digest.of(tar), blob(tar), new UnpackBudget(ImageLimits.DEFAULTS));

        assertThat(layer.resolve("dev/sda")).doesNotExist();
        assertThat(layer.resolve("dev/mem")).doesNotExist();
        assertThat(layer.resolve("ok")).hasContent("ok");
        assertBystandersSurvive();
    }

    @Test
    void aGzipBombOfOneHugeFileIsRefusedFromItsHeader()
            throws IOException
    {
        // 6 GiB of zeros declared in one entry: refused before a byte is written.
        Path bomb = work.resolve("bomb-one-file.tar.gz");
        try (OutputStream out = new GzipCompressorOutputStream(Files.newOutputStream(bomb))) {
            out.write(header("zeros", 6L << 30));
            out.write(new byte[(int) MiB]); // the rest is never there: the unpacker must stop before it needs it
        }

        assertThatThrownBy(() -> store.unpack(Digest.of(new byte[0]), bomb, new UnpackBudget(ImageLimits.ofMaxImageBytes(64 * MiB))))
                .isInstanceOf(ImageLimitExceededException.class)
                .hasMessageContaining("layer entry \"zeros\" of 6442450944 bytes does not fit the limit of 64 MiB per layer")
                .hasMessageContaining("--max-image-size");
        assertBystandersSurviveAndNothingIsLeft();
    }

    @Test
    void aGzipBombOfManyFilesStopsAtTheLimitQuickly()
            throws IOException
    {
        // 6 GiB of zeros in 384 files of 16 MiB; the gzip is a few MB (concatenated members share one zero member).
        Path bomb = gzipBomb(384, 16 * MiB);
        assertThat(Files.size(bomb)).isLessThan(8 * MiB);

        assertTimeoutPreemptively(Duration.ofSeconds(30), () ->
                assertThatThrownBy(() -> store.unpack(Digest.of(new byte[0]), bomb, new UnpackBudget(ImageLimits.ofMaxImageBytes(100 * MiB))))
                        .isInstanceOf(ImageLimitExceededException.class)
                        .hasMessageContaining("limit of 100 MiB per layer"));
        assertBystandersSurviveAndNothingIsLeft();
    }

    @Test
    void aHugeLongNameIsRefusedBeforeItFillsTheHeap()
            throws IOException
    {
        // A GNU long-name entry of 256 MiB: the tar reader would hold it all in memory for the next entry's name.
        Path bomb = work.resolve("long-name.tar.gz");
        TarArchiveEntry longName = new TarArchiveEntry(TarConstants.GNU_LONGLINK, TarConstants.LF_GNUTYPE_LONGNAME);
        longName.setSize(256 * MiB);
        byte[] block = new byte[512];
        longName.writeEntryHeader(block, org.apache.commons.compress.archivers.zip.ZipEncodingHelper.getZipEncoding(StandardCharsets.UTF_8), false);
        byte[] names = gzip("a".repeat((int) (16 * MiB)).getBytes(StandardCharsets.US_ASCII));
        try (OutputStream out = Files.newOutputStream(bomb)) {
            out.write(gzip(block));
            for (int i = 0; i < 16; i++) {
                out.write(names);
            }
        }

        assertThatThrownBy(() -> store.unpack(Digest.of(new byte[0]), bomb, new UnpackBudget(ImageLimits.DEFAULTS)))
                .isInstanceOf(LayerRejectedException.class)
                .hasMessage("layer has an entry with more than 1 MiB of tar headers (a long name or extended header that large is not a file system)");
        assertBystandersSurviveAndNothingIsLeft();
    }

    @Test
    void aSparseFileCountsWithItsHoles()
            throws Exception
    {
        // GNU tar stores a 1 GiB sparse file as its map and a few bytes; unpacked, the holes are written out in full.
        // (commons-compress refuses sparse maps past 2 GiB outright, which refuses the layer too.)
        Path sparse = Files.createDirectory(work.resolve("sparse-source")).resolve("holes");
        try (var file = java.nio.channels.FileChannel.open(sparse, java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE)) {
            file.write(java.nio.ByteBuffer.wrap("end".getBytes(StandardCharsets.UTF_8)), 1L << 30);
        }
        Path bomb = work.resolve("sparse.tar.gz");
        Process tar = new ProcessBuilder("tar", "--sparse", "--format=pax", "-czf", bomb.toString(), "-C", sparse.getParent().toString(), "holes")
                .redirectErrorStream(true).start();
        assertThat(tar.waitFor()).as(new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
        assertThat(Files.size(bomb)).isLessThan(MiB);

        assertThatThrownBy(() -> store.unpack(Digest.of(new byte[0]), bomb, new UnpackBudget(ImageLimits.ofMaxImageBytes(100 * MiB))))
                .isInstanceOf(ImageLimitExceededException.class)
                .hasMessageContaining("layer entry \"holes\" of 1073741827 bytes does not fit the limit of 100 MiB per layer");
        assertBystandersSurviveAndNothingIsLeft();
    }

    @Test
    void zerosAfterTheEndOfTheArchiveCountToo()
            throws IOException
    {
        // A valid one-file tar, then 6 GiB of zeros the tar reader never looks at but the diff id reads.
        Path bomb = work.resolve("trailing-zeros.tar.gz");
        byte[] zeros = gzip(new byte[(int) (16 * MiB)]);
        try (OutputStream out = Files.newOutputStream(bomb)) {
            out.write(gzip(tar(List.of(file("hello", "hello")))));
            for (int i = 0; i < 384; i++) {
                out.write(zeros);
            }
        }

        assertThatThrownBy(() -> store.unpack(Digest.of(new byte[0]), bomb, new UnpackBudget(ImageLimits.ofMaxImageBytes(100 * MiB))))
                .isInstanceOf(ImageLimitExceededException.class)
                .hasMessageContaining("limit of 100 MiB per layer");
        assertBystandersSurviveAndNothingIsLeft();
    }

    @Test
    void theImageLimitCountsAllLayersOfOnePull()
            throws IOException
    {
        byte[] first = tar(List.of(file("first", "x".repeat((int) (40 * MiB)))));
        byte[] second = tar(List.of(file("second", "y".repeat((int) (40 * MiB)))));
        UnpackBudget pull = new UnpackBudget(new ImageLimits(64 * MiB, 64 * MiB, 1000));

        store.unpack(Digest.of(first), blob(first), pull);

        assertThatThrownBy(() -> store.unpack(Digest.of(second), blob(second), pull))
                .isInstanceOf(ImageLimitExceededException.class)
                .hasMessageContaining("limit of 64 MiB per image");
        assertThat(store.contains(Digest.of(first))).isTrue();
        assertThat(store.contains(Digest.of(second))).isFalse();
        assertBystandersSurvive();
        assertThat(Files.list(root.resolve("layers/unpacking")).map(path -> path.getFileName().toString()))
                .containsExactlyInAnyOrder("0123456789ab-in-flight", "next-to-it");
    }

    @Test
    void tooManyEntriesAreRefused()
            throws IOException
    {
        List<Item> items = Stream.iterate(0, i -> i + 1).limit(1001).map(i -> file("f" + i, "")).toList();
        byte[] tar = tar(items);

        assertThatThrownBy(() -> store.unpack(Digest.of(tar), blob(tar), new UnpackBudget(new ImageLimits(64 * MiB, 64 * MiB, 1000))))
                .isInstanceOf(ImageLimitExceededException.class)
                .hasMessageContaining("more than the limit of 1000 entries per layer");
        assertBystandersSurviveAndNothingIsLeft();
    }

    @Test
    void aWrongDiffIdIsRefused()
            throws IOException
    {
        byte[] tar = tar(List.of(file("hello", "hello")));
        Digest promised = Digest.of("something else".getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> store.unpack(promised, blob(tar), new UnpackBudget(ImageLimits.DEFAULTS)))
                .isInstanceOf(ContentVerificationException.class)
                .hasMessageContaining("layer diff id mismatch");
        assertBystandersSurviveAndNothingIsLeft();
    }

    @Test
    void aBenignLayerStillUnpacksWithWhiteouts()
            throws IOException
    {
        // a whiteout with content (some tools write one): the content is read past, not taken for headers
        byte[] tar = tar(List.of(file("etc/.wh.hosts", "ignored content"), file("var/cache/.wh..wh..opq", ""), file("etc/hostname", "box"),
                file("long/" + "n".repeat(200) + "/" + "m".repeat(200), "long name")));

        Path layer = store.unpack(Digest.of(tar), blob(tar), new UnpackBudget(ImageLimits.DEFAULTS));

        assertThat(layer.resolve("etc/hostname")).hasContent("box");
        assertThat(layer.resolve("long/" + "n".repeat(200) + "/" + "m".repeat(200))).hasContent("long name");
        assertThat(Files.exists(layer.resolve("etc/hosts"), java.nio.file.LinkOption.NOFOLLOW_LINKS)).isTrue();
        assertBystandersSurvive();
    }

    private void assertBystandersSurviveAndNothingIsLeft()
            throws IOException
    {
        assertBystandersSurvive();
        try (Stream<Path> unpacking = Files.list(root.resolve("layers/unpacking"));
                Stream<Path> layers = Files.list(root.resolve("layers/sha256"))) {
            assertThat(unpacking.map(path -> path.getFileName().toString())).containsExactlyInAnyOrder("0123456789ab-in-flight", "next-to-it");
            assertThat(layers).isEmpty();
        }
        assertThat(Path.of("/tmp/evil")).doesNotExist();
        assertThat(Path.of("/tmp/owned")).doesNotExist();
    }

    private void assertBystandersSurvive()
    {
        assertThat(otherUnpack.resolve("sh")).hasContent("another image's layer");
        assertThat(nextToIt).hasContent("next to it");
        assertThat(outsideStore).hasContent("outside the store");
        assertThat(work.resolve("images")).isDirectory();
    }

    private Path blob(byte[] content)
            throws IOException
    {
        return Files.write(Files.createTempFile(work, "blob-", ".tar"), content);
    }

    /** A gzip of {@code files} files of {@code fileSize} zeros each: each file's header its own gzip member, the zeros one member repeated. */
    private Path gzipBomb(int files, long fileSize)
            throws IOException
    {
        Path bomb = work.resolve("bomb.tar.gz");
        byte[] zeros = gzip(new byte[(int) fileSize]);
        try (OutputStream out = Files.newOutputStream(bomb)) {
            for (int i = 0; i < files; i++) {
                out.write(gzip(header("zeros-" + i, fileSize)));
                out.write(zeros);
            }
        }
        return bomb;
    }

    /** One tar header block (POSIX big numbers, so sizes past 8 GiB fit too). */
    private static byte[] header(String name, long size)
            throws IOException
    {
        TarArchiveEntry entry = new TarArchiveEntry(name);
        entry.setMode(0100644);
        entry.setSize(size);
        byte[] block = new byte[512];
        entry.writeEntryHeader(block, org.apache.commons.compress.archivers.zip.ZipEncodingHelper.getZipEncoding(StandardCharsets.UTF_8), true);
        return block;
    }
}
