package io.berth.agent.images;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ContentStoreTest
{
    private static final byte[] CONTENT = "hello blob".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path root;

    @Test
    void storesVerifiedContentUnderItsDigest()
            throws Exception
    {
        ContentStore store = new ContentStore(root);
        Digest digest = Digest.of(CONTENT);

        Path path = store.ingest(digest, OptionalLong.of(CONTENT.length), new ByteArrayInputStream(CONTENT));

        assertThat(path).isEqualTo(root.resolve("blobs/sha256").resolve(digest.hex()));
        assertThat(store.contains(digest)).isTrue();
        assertThat(store.read(digest)).isEqualTo(CONTENT);
    }

    @Test
    void ingestingTwiceIsHarmless()
            throws Exception
    {
        ContentStore store = new ContentStore(root);
        Digest digest = store.write(CONTENT);

        assertThat(store.write(CONTENT)).isEqualTo(digest);
        store.ingest(digest, OptionalLong.empty(), new ByteArrayInputStream(CONTENT));
        assertThat(store.read(digest)).isEqualTo(CONTENT);
        assertThat(Files.list(root.resolve("ingest"))).isEmpty();
    }

    @Test
    void refusesContentWithAnotherDigestAndLeavesNothingBehind()
            throws Exception
    {
        ContentStore store = new ContentStore(root);
        Digest expected = Digest.of("something else".getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> store.ingest(expected, OptionalLong.of(CONTENT.length), new ByteArrayInputStream(CONTENT)))
                .isInstanceOf(ContentVerificationException.class)
                .hasMessage("digest mismatch: expected %s, got %s".formatted(expected, Digest.of(CONTENT)));
        assertThat(store.contains(expected)).isFalse();
        assertThat(Files.list(root.resolve("ingest"))).isEmpty();
    }

    @Test
    void refusesContentOfAnotherSize()
            throws Exception
    {
        ContentStore store = new ContentStore(root);
        Digest digest = Digest.of(CONTENT);

        assertThatThrownBy(() -> store.ingest(digest, OptionalLong.of(3), new ByteArrayInputStream(CONTENT)))
                .isInstanceOf(ContentVerificationException.class)
                .hasMessageContaining("size mismatch");
        assertThat(store.contains(digest)).isFalse();
    }

    @Test
    void parsesDigestsStrictly()
    {
        assertThat(Digest.parse("sha256:" + "a".repeat(64)).hex()).isEqualTo("a".repeat(64));
        assertThatThrownBy(() -> Digest.parse("sha512:" + "a".repeat(128))).hasMessageContaining("only sha256 is supported");
        assertThatThrownBy(() -> Digest.parse("sha256:" + "A".repeat(64))).hasMessageContaining("lowercase hex");
        assertThatThrownBy(() -> Digest.parse("abc")).hasMessageContaining("expected sha256:");
    }
}
