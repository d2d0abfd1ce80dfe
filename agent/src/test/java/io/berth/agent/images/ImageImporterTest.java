package io.berth.agent.images;

import io.berth.testing.OciLayoutImage;
import io.berth.testing.TestImageConfig;
import io.berth.testing.TestImages;
import io.berth.testing.TestRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Imports image files into a real docker-registry on loopback, then pulls them back. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ImageImporterTest
{
    private TestRegistry registry;
    private RegistryClient client;
    private ImageImporter importer;

    @TempDir
    Path work;

    @BeforeAll
    void startRegistry()
            throws IOException
    {
        registry = TestRegistry.start();
        client = new RegistryClient(RegistryAccessPolicy.loopbackOnly(), RegistryCredentials.none());
        importer = new ImageImporter(client, registry.hostPort());
    }

    @AfterAll
    void stopRegistry()
            throws IOException
    {
        client.close();
        registry.close();
    }

    @Test
    void importsAnOciLayoutDirectoryUnderAGivenName()
            throws Exception
    {
        OciLayoutImage image = TestImages.buildOciLayout(work.resolve("layout"), "v1", TestImageConfig.busybox().withCmd("echo", "layout"));

        ImportedImage imported = importer.importImage(image.layout(), Optional.of("imports/layout:v1"));

        assertThat(imported.reference().toString()).isEqualTo(registry.hostPort() + "/imports/layout:v1");
        assertThat(imported.manifestDigest().toString()).isEqualTo(image.manifestDigest());
        PulledImage pulled = new RegistryImageService(work.resolve("root"), client).pull(imported.reference().toString());
        assertThat(pulled.config().cmd()).containsExactly("echo", "layout");
        assertThat(pulled.layers().get(0).resolve("bin/busybox")).isRegularFile();
    }

    @Test
    void importsAnOciArchiveNamedByItsAnnotation()
            throws Exception
    {
        OciLayoutImage image = TestImages.buildOciLayout(work.resolve("annotated"), "imports/annotated:v2", TestImageConfig.busybox().withCmd("echo", "annotated"));
        Path archive = TestImages.toOciArchive(image, work.resolve("annotated.tar"));

        ImportedImage imported = importer.importImage(archive, Optional.empty());

        assertThat(imported.reference().toString()).isEqualTo(registry.hostPort() + "/imports/annotated:v2");
        PulledImage pulled = new RegistryImageService(work.resolve("root"), client).pull(imported.reference().toString());
        assertThat(pulled.config().cmd()).containsExactly("echo", "annotated");
    }

    @Test
    void importsADockerArchiveByItsRepoTag()
            throws Exception
    {
        OciLayoutImage image = TestImages.buildOciLayout(work.resolve("docker"), "d", TestImageConfig.busybox().withCmd("echo", "docker").withFile("opt/marker", "docker archive\n"));
        Path archive = TestImages.toDockerArchive(image, work.resolve("docker.tar"), "imports/docker:v3");

        ImportedImage imported = importer.importImage(archive, Optional.empty());

        assertThat(imported.reference().toString()).isEqualTo(registry.hostPort() + "/imports/docker:v3");
        PulledImage pulled = new RegistryImageService(work.resolve("root"), client).pull(imported.reference().toString());
        assertThat(pulled.config().cmd()).containsExactly("echo", "docker");
        assertThat(pulled.layers()).hasSize(1);
        assertThat(pulled.layers().get(0).resolve("opt/marker")).hasContent("docker archive");
    }

    @Test
    void importsAMultiPlatformLayoutWhole()
            throws Exception
    {
        OciLayoutImage image = TestImages.buildMultiArchOciLayout(work.resolve("multi"), "m", TestImageConfig.busybox());

        ImportedImage imported = importer.importImage(image.layout(), Optional.of(registry.hostPort() + "/imports/multi:m"));

        assertThat(imported.manifestDigest().toString()).isEqualTo(image.manifestDigest());
        PulledImage pulled = new RegistryImageService(work.resolve("root"), client).pull(imported.reference().toString());
        assertThat(pulled.layers()).extracting(path -> "sha256:" + path.getFileName()).isEqualTo(image.diffIds());
    }

    @Test
    void asksForANameWhenTheLayoutOnlyHasATag()
            throws Exception
    {
        OciLayoutImage image = TestImages.buildOciLayout(work.resolve("tagonly"), "latest", TestImageConfig.busybox());

        assertThatThrownBy(() -> importer.importImage(image.layout(), Optional.empty()))
                .isInstanceOf(ImageImportException.class)
                .hasMessage("%s does not name its repository (ref name \"latest\"); pass --name REPO:TAG".formatted(image.layout()));
    }

    @Test
    void rejectsFilesThatAreNoImage()
            throws Exception
    {
        Path notAnImage = Files.writeString(work.resolve("notes.txt"), "hello");
        Path emptyDirectory = Files.createDirectory(work.resolve("empty"));

        assertThatThrownBy(() -> importer.importImage(notAnImage, Optional.of("x:y")))
                .isInstanceOf(ImageImportException.class)
                .hasMessageStartingWith("cannot import " + notAnImage);
        assertThatThrownBy(() -> importer.importImage(emptyDirectory, Optional.of("x:y")))
                .hasMessage("%s is neither an OCI image layout (oci-layout, index.json) nor a docker-archive tar (manifest.json)".formatted(emptyDirectory));
        assertThatThrownBy(() -> importer.importImage(work.resolve("missing.tar"), Optional.empty()))
                .hasMessage("%s does not exist".formatted(work.resolve("missing.tar")));
    }

    @Test
    void unreachableRegistryFailsClearly()
            throws Exception
    {
        OciLayoutImage image = TestImages.buildOciLayout(work.resolve("unreachable"), "u", TestImageConfig.busybox());
        int closedPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        ImageImporter toNowhere = new ImageImporter(client, "127.0.0.1:" + closedPort);

        assertThatThrownBy(() -> toNowhere.importImage(image.layout(), Optional.of("x:y")))
                .isInstanceOf(ImageImportException.class)
                .hasMessage("cannot push %s: dial tcp 127.0.0.1:%d: connection refused".formatted(image.layout(), closedPort));
        assertThat(List.of(image.layout().toFile().list())).contains("index.json");
    }
}
