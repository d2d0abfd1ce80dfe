package io.berth.agent.images;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The image records on disk: a use moments after the last recorded one leaves the file as it is (one write per image
 * and half-minute, not per task start), a later use, another reference or other content is written at once, and a
 * reference that moves leaves the image it named.
 */
class ImageRecordStoreTest
{
    private static final Instant START = Instant.parse("2026-12-04T17:00:00Z");
    private static final Digest IMAGE = Digest.of("image".getBytes());
    private static final Digest OTHER_IMAGE = Digest.of("other image".getBytes());
    private static final Set<Digest> BLOBS = Set.of(Digest.of("blob".getBytes()));
    private static final Set<Digest> LAYERS = Set.of(Digest.of("layer".getBytes()));

    @TempDir
    Path root;

    @Test
    void aUseMomentsAfterTheLastLeavesTheRecordAsItIsAndALaterOneIsWritten()
            throws Exception
    {
        ImageRecordStore store = new ImageRecordStore(root);
        store.recordUse("registry/app:1", IMAGE, BLOBS, LAYERS, START);
        Object written = fileKey();

        store.recordUse("registry/app:1", IMAGE, BLOBS, LAYERS, START.plusSeconds(29));

        assertThat(fileKey()).isEqualTo(written);
        assertThat(new ImageRecordStore(root).get(IMAGE).orElseThrow().lastUsed()).isEqualTo(START);

        store.recordUse("registry/app:1", IMAGE, BLOBS, LAYERS, START.plusSeconds(30));

        assertThat(fileKey()).isNotEqualTo(written);
        assertThat(new ImageRecordStore(root).get(IMAGE).orElseThrow().lastUsed()).isEqualTo(START.plusSeconds(30));
    }

    @Test
    void anotherReferenceOrOtherContentIsWrittenAtOnce()
            throws Exception
    {
        ImageRecordStore store = new ImageRecordStore(root);
        store.recordUse("registry/app:1", IMAGE, BLOBS, LAYERS, START);

        store.recordUse("registry/app:latest", IMAGE, BLOBS, LAYERS, START.plusSeconds(1));
        assertThat(new ImageRecordStore(root).get(IMAGE).orElseThrow().references()).containsExactlyInAnyOrder("registry/app:1", "registry/app:latest");

        Set<Digest> moreBlobs = Set.of(Digest.of("blob".getBytes()), Digest.of("index".getBytes()));
        store.recordUse("registry/app:1", IMAGE, moreBlobs, LAYERS, START.plusSeconds(2));
        assertThat(new ImageRecordStore(root).get(IMAGE).orElseThrow().blobs()).isEqualTo(moreBlobs);
    }

    @Test
    void aReferenceThatMovesLeavesTheImageItNamed()
            throws Exception
    {
        ImageRecordStore store = new ImageRecordStore(root);
        store.recordUse("registry/app:latest", IMAGE, BLOBS, LAYERS, START);

        store.recordUse("registry/app:latest", OTHER_IMAGE, BLOBS, LAYERS, START.plusSeconds(1));

        ImageRecordStore read = new ImageRecordStore(root);
        assertThat(read.get(IMAGE).orElseThrow().references()).isEmpty();
        assertThat(read.get(OTHER_IMAGE).orElseThrow().references()).containsExactly("registry/app:latest");
    }

    /** The record file's identity on disk: a write (a new file renamed over the old) gives it a new one. */
    private Object fileKey()
            throws Exception
    {
        Path file = root.resolve("records").resolve("sha256").resolve(IMAGE.hex() + ".json");
        return Files.readAttributes(file, BasicFileAttributes.class).fileKey();
    }
}
