package io.berth.agent.images;

import io.berth.testing.OciLayoutImage;
import io.berth.testing.TestImageConfig;
import io.berth.testing.TestImages;
import io.berth.testing.TestRegistry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The image limits on real pulls from a real docker-registry: busybox unpacks to about 2 MiB, about 1 MiB compressed. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ImageLimitsPullTest
{
    @RegisterExtension
    static final RegistryFixture fixture = new RegistryFixture("berth-image-limits-test-");

    private TestRegistry registry;
    private RegistryClient client;
    private OciLayoutImage busybox;

    @BeforeAll
    void pushImages()
            throws IOException
    {
        registry = fixture.registry();
        client = fixture.client();
        busybox = TestImages.buildOciLayout(fixture.images().resolve("busybox"), "v1", TestImageConfig.busybox());
        TestImages.push(busybox, registry, "test/busybox:v1");
    }

    @Test
    void aLayerPastTheLimitIsRefusedWhileUnpackingAndLeavesNoLayer(@TempDir Path root)
            throws Exception
    {
        RegistryImageService service = new RegistryImageService(root, client, ImageLimits.ofMaxImageBytes(1536L << 10));

        assertThatThrownBy(() -> service.pull(registry.hostPort() + "/test/busybox:v1"))
                .isInstanceOf(ImagePullException.class)
                .hasMessageContaining("failed to pull and unpack image")
                .hasMessageContaining("does not fit the limit of 1536 KiB per layer; raise it with --max-image-size on berth agent or berth up");
        assertThat(entries(root.resolve("layers/sha256"))).isZero();
        assertThat(entries(root.resolve("layers/unpacking"))).isZero();
    }

    @Test
    void aLayerTooLargeEvenCompressedIsNeverDownloaded(@TempDir Path root)
            throws Exception
    {
        try (RegistryProxy proxy = RegistryProxy.open(registry.hostPort())) {
            RegistryImageService service = new RegistryImageService(root, client, ImageLimits.ofMaxImageBytes(64L << 10));

            assertThatThrownBy(() -> service.pull(proxy.hostPort() + "/test/busybox:v1"))
                    .isInstanceOf(ImagePullException.class)
                    .hasMessageContaining("layer %s is".formatted(busybox.layerDigests().get(0)))
                    .hasMessageContaining("bytes compressed, more than the limit of 64 KiB per layer");
            assertThat(proxy.blobDownloads()).isEqualTo(1); // the config only
        }
    }

    @Test
    void aLayerAlreadyOnTheHostCountsTowardTheImage(@TempDir Path root)
            throws Exception
    {
        String reference = registry.hostPort() + "/test/busybox:v1";
        new RegistryImageService(root, client).pull(reference);

        assertThatThrownBy(() -> new RegistryImageService(root, client, ImageLimits.ofMaxImageBytes(1L << 20)).pull(reference))
                .isInstanceOf(ImagePullException.class)
                .hasMessageContaining("unpacks to more than the limit of 1 MiB per layer");
        assertThat(new RegistryImageService(root, client, ImageLimits.ofMaxImageBytes(4L << 20)).pull(reference).layers()).hasSize(1);
    }

    private static long entries(Path directory)
            throws IOException
    {
        try (Stream<Path> list = Files.list(directory)) {
            return list.count();
        }
    }
}
