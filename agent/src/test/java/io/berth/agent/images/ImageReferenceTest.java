package io.berth.agent.images;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ImageReferenceTest
{
    private static final String HEX = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    @ParameterizedTest
    @CsvSource(nullValues = "-", value = {
            "busybox, docker.io, library/busybox, latest, -",
            "busybox:1.36, docker.io, library/busybox, 1.36, -",
            "library/busybox, docker.io, library/busybox, latest, -",
            "docker.io/busybox, docker.io, library/busybox, latest, -",
            "index.docker.io/busybox, docker.io, library/busybox, latest, -",
            "docker.io/library/busybox:latest, docker.io, library/busybox, latest, -",
            "myuser/app, docker.io, myuser/app, latest, -",
            "myuser/app:v2, docker.io, myuser/app, v2, -",
            "127.0.0.1:5000/app, 127.0.0.1:5000, app, latest, -",
            "127.0.0.1:5000/team/app:v1.2-rc_3, 127.0.0.1:5000, team/app, v1.2-rc_3, -",
            "localhost/app, localhost, app, latest, -",
            "localhost:5000/app:dev, localhost:5000, app, dev, -",
            "registry.example.com/a/b/c:1, registry.example.com, a/b/c, 1, -",
            "[::1]:5000/app:x, [::1]:5000, app, x, -",
            "my-registry.local:443/ns/app, my-registry.local:443, ns/app, latest, -",
            "app.with.dots/x, app.with.dots, x, latest, -",
            "a__b/c--d, docker.io, a__b/c--d, latest, -",
    })
    void parsesLikeDocker(String input, String registry, String repository, String tag, String digest)
    {
        ImageReference reference = ImageReference.parse(input);
        assertThat(reference.registry()).isEqualTo(registry);
        assertThat(reference.repository()).isEqualTo(repository);
        assertThat(reference.tag()).isEqualTo(Optional.ofNullable(tag));
        assertThat(reference.digest()).isEmpty();
    }

    @Test
    void digestReferencesHaveNoDefaultTag()
    {
        ImageReference reference = ImageReference.parse("busybox@sha256:" + HEX);
        assertThat(reference.tag()).isEmpty();
        assertThat(reference.digest()).contains(new Digest(HEX));
        assertThat(reference.manifestReference()).isEqualTo("sha256:" + HEX);
        assertThat(reference.toString()).isEqualTo("docker.io/library/busybox@sha256:" + HEX);
    }

    @Test
    void tagAndDigestKeepBothAndPullByDigest()
    {
        ImageReference reference = ImageReference.parse("127.0.0.1:5000/app:v1@sha256:" + HEX);
        assertThat(reference.registry()).isEqualTo("127.0.0.1:5000");
        assertThat(reference.repository()).isEqualTo("app");
        assertThat(reference.tag()).contains("v1");
        assertThat(reference.manifestReference()).isEqualTo("sha256:" + HEX);
    }

    @Test
    void dockerHubUsesItsApiHost()
    {
        assertThat(ImageReference.parse("busybox").apiHost()).isEqualTo("registry-1.docker.io");
        assertThat(ImageReference.parse("localhost:5000/busybox").apiHost()).isEqualTo("localhost:5000");
    }

    @Test
    void canonicalFormRoundTrips()
    {
        for (String input : new String[] {"busybox", "127.0.0.1:5000/a/b:c", "localhost/x@sha256:" + HEX}) {
            ImageReference reference = ImageReference.parse(input);
            assertThat(ImageReference.parse(reference.toString())).isEqualTo(reference);
        }
        assertThat(ImageReference.parse("busybox").toString()).isEqualTo("docker.io/library/busybox:latest");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "''| it is empty",
            "' busybox'| whitespace",
            "BusyBox| must be lowercase",
            "127.0.0.1:5000/App| must be lowercase",
            "busybox:| tag \"\"",
            "busybox:-bad| tag \"-bad\"",
            "busybox@sha256:abc| invalid digest",
            "busybox@md5:" + HEX + "| unsupported digest algorithm \"md5\"",
            "http://127.0.0.1:5000/app| leave out the scheme",
            "127.0.0.1:5000/| repository name is missing",
            "a//b| empty path component",
            "foo/-bar| repository path component \"-bar\"",
            ":tag| repository name is missing",
            "bad_host:5000:1/app| is not a valid host",
    })
    void rejectsInvalidReferencesWithAClearReason(String input, String reason)
    {
        assertThatThrownBy(() -> ImageReference.parse(input))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("invalid image reference \"" + input + "\"")
                .hasMessageContaining(reason);
    }

    @Test
    void rejectsOverlongNames()
    {
        assertThatThrownBy(() -> ImageReference.parse("a/" + "b".repeat(300)))
                .hasMessageContaining("longer than 255");
    }
}
