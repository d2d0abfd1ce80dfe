package io.berth.agent.images;

import io.berth.common.agentprotocol.RegistryLogin;
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
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Pulls real images from a real docker-registry on loopback. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RegistryImageServiceTest
{
    @RegisterExtension
    static final RegistryFixture fixture = new RegistryFixture("berth-images-test-");

    private TestRegistry registry;
    private RegistryClient client;
    private OciLayoutImage busybox;
    private OciLayoutImage multiArch;
    private String busyboxReference;
    private String multiArchReference;

    @BeforeAll
    void pushImages()
            throws IOException
    {
        registry = fixture.registry();
        client = fixture.client();
        TestImageConfig config = TestImageConfig.busybox()
                .withEntrypoint("/bin/sh", "-c")
                .withCmd("echo hello")
                .withEnv(TestImageConfig.DEFAULT_PATH, "GREETING=hi")
                .withWorkingDir("/home/app")
                .withUser("1000:1000");
        busybox = TestImages.buildOciLayout(fixture.images().resolve("busybox"), "v1", config);
        busyboxReference = TestImages.push(busybox, registry, "test/busybox:v1");
        multiArch = TestImages.buildMultiArchOciLayout(fixture.images().resolve("multi"), "multi", TestImageConfig.busybox());
        multiArchReference = TestImages.push(multiArch, registry, "test/multi:v1");
    }

    @Test
    void pullsAndUnpacksAnImage(@TempDir Path root)
            throws Exception
    {
        PulledImage image = new RegistryImageService(root, client).pull(busyboxReference);

        assertThat(image.reference()).isEqualTo(busyboxReference);
        assertThat(image.manifestDigest()).isEqualTo(busybox.manifestDigest());
        assertThat(image.config()).isEqualTo(new ImageConfig(List.of("/bin/sh", "-c"), List.of("echo hello"),
                List.of(TestImageConfig.DEFAULT_PATH, "GREETING=hi"), "/home/app", "1000:1000"));
        assertThat(image.layers()).containsExactly(root.resolve("layers/sha256").resolve(busybox.diffIds().get(0).substring(7)));
        Path layer = image.layers().get(0);
        assertThat(Files.mismatch(layer.resolve("bin/busybox"), TestImages.BUSYBOX)).isEqualTo(-1);
        assertThat(Files.isExecutable(layer.resolve("bin/busybox"))).isTrue();
        assertThat(Files.readSymbolicLink(layer.resolve("bin/sh"))).isEqualTo(Path.of("busybox"));
        assertThat(Files.getAttribute(layer.resolve("home/app"), "unix:uid")).isEqualTo(1000);
        assertThat((int) Files.getAttribute(layer.resolve("tmp"), "unix:mode") & 07777).isEqualTo(01777);
        assertThat((int) Files.getAttribute(layer, "unix:mode") & 0777).isEqualTo(0755);
        assertThat(Files.list(root.resolve("layers/unpacking"))).isEmpty();
        assertThat(Files.list(root.resolve("ingest"))).isEmpty();
    }

    @Test
    void aSecondPullDownloadsNoBlob(@TempDir Path root)
            throws Exception
    {
        try (RegistryProxy proxy = RegistryProxy.open(registry.hostPort())) {
            String reference = proxy.hostPort() + "/test/busybox:v1";
            PulledImage first = new RegistryImageService(root, client).pull(reference);
            assertThat(proxy.blobDownloads()).isEqualTo(2); // config and the one layer

            PulledImage again = new RegistryImageService(root, client).pull(reference);

            assertThat(proxy.blobDownloads()).isEqualTo(2);
            assertThat(again).isEqualTo(first);
        }
    }

    @Test
    void concurrentPullsOfOneImageDownloadEachBlobOnce(@TempDir Path root)
            throws Exception
    {
        try (RegistryProxy proxy = RegistryProxy.open(registry.hostPort());
                ExecutorService executor = Executors.newFixedThreadPool(4)) {
            RegistryImageService service = new RegistryImageService(root, client);
            String reference = proxy.hostPort() + "/test/busybox:v1";
            List<Future<PulledImage>> pulls = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                pulls.add(executor.submit(() -> service.pull(reference)));
            }
            List<PulledImage> results = new ArrayList<>();
            for (Future<PulledImage> pull : pulls) {
                results.add(pull.get());
            }
            assertThat(results).allSatisfy(result -> assertThat(result).isEqualTo(results.get(0)));
            assertThat(proxy.blobDownloads()).isEqualTo(2);
            assertThat(Files.isExecutable(results.get(0).layers().get(0).resolve("bin/busybox"))).isTrue();
        }
    }

    @Test
    void resolvesAnIndexToLinuxAmd64(@TempDir Path root)
            throws Exception
    {
        PulledImage image = new RegistryImageService(root, client).pull(multiArchReference);

        assertThat(image.manifestDigest()).isEqualTo(multiArch.manifestDigest());
        assertThat(image.config().env()).doesNotContain("BERTH_TEST_ARCH=arm64");
        assertThat(image.layers()).hasSize(1);
        assertThat(image.layers().get(0).getFileName().toString()).isEqualTo(multiArch.diffIds().get(0).substring(7));
        assertThat(image.layers().get(0).resolve("bin/busybox")).isRegularFile();
    }

    @Test
    void pullsByDigestAndServesAStoredDigestOffline(@TempDir Path root)
            throws Exception
    {
        String byDigest;
        try (RegistryProxy proxy = RegistryProxy.open(registry.hostPort())) {
            byDigest = proxy.hostPort() + "/test/busybox@" + busybox.manifestDigest();
            PulledImage online = new RegistryImageService(root, client).pull(byDigest);
            assertThat(online.manifestDigest()).isEqualTo(busybox.manifestDigest());
        }
        // The proxy is gone: its port refuses connections, as an unreachable registry would.
        PulledImage offline = new RegistryImageService(root, client).pull(byDigest);

        assertThat(offline.manifestDigest()).isEqualTo(busybox.manifestDigest());
        assertThat(offline.layers().get(0).resolve("bin/busybox")).isRegularFile();
    }

    @Test
    void removesWorkThatACrashLeftBehind(@TempDir Path root)
            throws Exception
    {
        RegistryImageService service = new RegistryImageService(root, client);
        Path halfUnpacked = Files.createDirectories(root.resolve("layers/unpacking/abc-123/usr/bin"));
        Files.writeString(halfUnpacked.resolve("partial"), "x");
        Path partialBlob = Files.writeString(root.resolve("ingest/abc.partial"), "x");

        service.removeInterruptedWork();

        assertThat(root.resolve("layers/unpacking")).isEmptyDirectory();
        assertThat(partialBlob).doesNotExist();
        assertThat(service.pull(busyboxReference).layers().get(0).resolve("bin/busybox")).isRegularFile();
    }

    @Test
    void unknownImageFailsClearly(@TempDir Path root)
            throws Exception
    {
        RegistryImageService service = new RegistryImageService(root, client);

        assertThatThrownBy(() -> service.pull(registry.hostPort() + "/nope"))
                .isInstanceOf(ImagePullException.class)
                .hasMessageStartingWith("failed to resolve reference \"%s/nope:latest\": not found".formatted(registry.hostPort()));
        assertThatThrownBy(() -> service.pull(registry.hostPort() + "/test/busybox:missing-tag"))
                .hasMessageStartingWith("failed to resolve reference \"%s/test/busybox:missing-tag\": not found".formatted(registry.hostPort()));
    }

    @Test
    void unreachableRegistryFailsClearly(@TempDir Path root)
            throws Exception
    {
        String closedPort;
        try (RegistryProxy proxy = RegistryProxy.open(registry.hostPort())) {
            closedPort = proxy.hostPort();
        }
        RegistryImageService service = new RegistryImageService(root, client);

        assertThatThrownBy(() -> service.pull(closedPort + "/test/busybox:v1"))
                .isInstanceOf(ImagePullException.class)
                .hasMessage("failed to resolve reference \"%s/test/busybox:v1\": dial tcp %s: connection refused".formatted(closedPort, closedPort));
    }

    @Test
    void invalidReferenceFailsClearly(@TempDir Path root)
            throws Exception
    {
        assertThatThrownBy(() -> new RegistryImageService(root, client).pull("Bad/Name"))
                .isInstanceOf(ImagePullException.class)
                .hasMessage("invalid image reference \"Bad/Name\": repository name must be lowercase");
    }

    @Test
    void tamperedBlobIsRefused(@TempDir Path root)
            throws Exception
    {
        OciLayoutImage image = TestImages.buildOciLayout(fixture.images().resolve("tampered"), "t", TestImageConfig.busybox().withFile("marker", "tampered image\n"));
        String reference = TestImages.push(image, registry, "test/tampered:v1");
        String layerDigest = image.layerDigests().get(0);
        Path stored = registry.blobDataPath(layerDigest);
        byte[] bytes = Files.readAllBytes(stored);
        bytes[bytes.length / 2] ^= 0x55;
        Files.write(stored, bytes);

        assertThatThrownBy(() -> new RegistryImageService(root, client).pull(reference))
                .isInstanceOf(ImagePullException.class)
                .hasMessageContaining("failed to pull and unpack image \"%s\"".formatted(reference))
                .hasMessageContaining("blob " + layerDigest + ": digest mismatch: expected " + layerDigest);
        assertThat(root.resolve("blobs/sha256").resolve(layerDigest.substring(7))).doesNotExist();
        assertThat(root.resolve("layers/sha256").resolve(image.diffIds().get(0).substring(7))).doesNotExist();
        assertThat(Files.list(root.resolve("ingest"))).isEmpty();
    }

    @Test
    void pullsThroughBearerTokenAuthWithCredentials(@TempDir Path root)
            throws Exception
    {
        try (RegistryProxy proxy = new RegistryProxy(registry.hostPort(), RegistryProxy.Auth.BEARER, "alice", "s3cret")) {
            RegistryCredentials credentials = new RegistryCredentials(Map.of(proxy.hostPort(), new RegistryCredentials.Credential("alice", "s3cret")));
            try (RegistryClient authenticated = new RegistryClient(RegistryAccessPolicy.loopbackOnly(), credentials)) {
                PulledImage image = new RegistryImageService(root, authenticated).pull(proxy.hostPort() + "/test/busybox:v1");
                assertThat(image.manifestDigest()).isEqualTo(busybox.manifestDigest());
            }
            assertThat(proxy.requests()).anyMatch(request -> request.startsWith("TOKEN /token?service=test-registry&scope=repository%3Atest%2Fbusybox%3Apull"));
        }
    }

    @Test
    void pullsThroughAnonymousBearerTokenAuth(@TempDir Path root)
            throws Exception
    {
        try (RegistryProxy proxy = new RegistryProxy(registry.hostPort(), RegistryProxy.Auth.BEARER, null, null)) {
            PulledImage image = new RegistryImageService(root, client).pull(proxy.hostPort() + "/test/busybox:v1");
            assertThat(image.manifestDigest()).isEqualTo(busybox.manifestDigest());
        }
    }

    @Test
    void pullsThroughBasicAuth(@TempDir Path root)
            throws Exception
    {
        try (RegistryProxy proxy = new RegistryProxy(registry.hostPort(), RegistryProxy.Auth.BASIC, "bob", "pw")) {
            RegistryCredentials credentials = new RegistryCredentials(Map.of(proxy.hostPort(), new RegistryCredentials.Credential("bob", "pw")));
            try (RegistryClient authenticated = new RegistryClient(RegistryAccessPolicy.loopbackOnly(), credentials)) {
                PulledImage image = new RegistryImageService(root, authenticated).pull(proxy.hostPort() + "/test/busybox:v1");
                assertThat(image.layers()).hasSize(1);
            }
        }
    }

    @Test
    void wrongOrMissingCredentialsFailAsUnauthorized(@TempDir Path root)
            throws Exception
    {
        try (RegistryProxy bearer = new RegistryProxy(registry.hostPort(), RegistryProxy.Auth.BEARER, "alice", "s3cret");
                RegistryProxy basic = new RegistryProxy(registry.hostPort(), RegistryProxy.Auth.BASIC, "bob", "pw")) {
            RegistryCredentials wrong = new RegistryCredentials(Map.of(bearer.hostPort(), new RegistryCredentials.Credential("alice", "wrong")));
            try (RegistryClient wrongClient = new RegistryClient(RegistryAccessPolicy.loopbackOnly(), wrong)) {
                assertThatThrownBy(() -> new RegistryImageService(root, wrongClient).pull(bearer.hostPort() + "/test/busybox:v1"))
                        .isInstanceOf(ImagePullException.class)
                        .hasMessage("failed to resolve reference \"%s/test/busybox:v1\": unauthorized: the token service of %s rejected user alice".formatted(bearer.hostPort(), bearer.hostPort()));
            }
            assertThatThrownBy(() -> new RegistryImageService(root, client).pull(basic.hostPort() + "/test/busybox:v1"))
                    .hasMessageContaining("unauthorized: %s requires a username and password".formatted(basic.hostPort()));
        }
    }

    @Test
    void aTagResolvedMomentsAgoServesOnlyTheSameAccountWithTheSameLogin(@TempDir Path root)
            throws Exception
    {
        try (RegistryProxy proxy = new RegistryProxy(registry.hostPort(), RegistryProxy.Auth.BASIC, "bob", "pw")) {
            String reference = proxy.hostPort() + "/test/busybox:v1";
            RegistryLogin bob = new RegistryLogin(proxy.hostPort(), "bob", "pw");
            RegistryImageService images = new RegistryImageService(root, client);

            PulledImage first = images.pull(reference, bob, "111111111111");
            long asked = manifestRequests(proxy);
            PulledImage again = images.pull(reference, bob, "111111111111");

            // a burst of one account's tasks asks the registry once
            assertThat(again).isEqualTo(first);
            assertThat(manifestRequests(proxy)).isEqualTo(asked);
            // another account, even with the same login, asks for itself
            images.pull(reference, bob, "222222222222");
            assertThat(manifestRequests(proxy)).isGreaterThan(asked);
            // a login that cannot read the image, or none, never gets what another login resolved
            assertThatThrownBy(() -> images.pull(reference, new RegistryLogin(proxy.hostPort(), "bob", "wrong"), "111111111111"))
                    .isInstanceOf(ImagePullException.class)
                    .hasMessageContaining("unauthorized");
            assertThatThrownBy(() -> images.pull(reference, null, "111111111111"))
                    .isInstanceOf(ImagePullException.class)
                    .hasMessageContaining("unauthorized");
        }
    }

    @Test
    void pullsOfOneTagAtOnceAskTheRegistryOnceAndShareItsRefusal(@TempDir Path root)
            throws Exception
    {
        try (RegistryProxy proxy = new RegistryProxy(registry.hostPort(), RegistryProxy.Auth.BASIC, "bob", "pw");
                ExecutorService tasks = Executors.newFixedThreadPool(BURST)) {
            String reference = proxy.hostPort() + "/test/busybox:v1";
            RegistryImageService images = new RegistryImageService(root, client);
            // the layers are here already, as on a host that ran the image before: the burst's pulls only resolve the tag
            PulledImage first = images.pull(reference, new RegistryLogin(proxy.hostPort(), "bob", "pw"), "111111111111");
            long asked = manifestRequests(proxy);

            List<Future<PulledImage>> burst = atOnce(tasks, () -> images.pull(reference, new RegistryLogin(proxy.hostPort(), "bob", "pw"), "222222222222"));
            for (Future<PulledImage> pull : burst) {
                assertThat(pull.get().manifestDigest()).isEqualTo(first.manifestDigest());
            }
            // one resolution of the tag (a manifest request, and one more for the platform's when it is an index)
            assertThat(manifestRequests(proxy) - asked).isBetween(1L, 2L);

            // pulls that are refused at once are refused together, each with the registry's reason
            long beforeRefusals = manifestRequests(proxy);
            List<Future<PulledImage>> refused = atOnce(tasks, () -> images.pull(reference, new RegistryLogin(proxy.hostPort(), "bob", "wrong"), "333333333333"));
            for (Future<PulledImage> pull : refused) {
                assertThatThrownBy(pull::get).hasCauseInstanceOf(ImagePullException.class).hasMessageContaining("unauthorized");
            }
            assertThat(manifestRequests(proxy) - beforeRefusals).isLessThan(BURST);
        }
    }

    private static final int BURST = 20;

    /** BURST calls of the pull, released together. */
    private static List<Future<PulledImage>> atOnce(ExecutorService tasks, Callable<PulledImage> pull)
    {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<PulledImage>> pulls = new ArrayList<>();
        for (int index = 0; index < BURST; index++) {
            pulls.add(tasks.submit(() -> {
                start.await();
                return pull.call();
            }));
        }
        start.countDown();
        return pulls;
    }

    @Test
    void aTokenWonByALoginServesItsLaterPullsAndNoOtherLogin(@TempDir Path root)
            throws Exception
    {
        try (RegistryProxy proxy = new RegistryProxy(registry.hostPort(), RegistryProxy.Auth.BEARER, "alice", "s3cret")) {
            String reference = proxy.hostPort() + "/test/busybox:v1";
            RegistryLogin alice = new RegistryLogin(proxy.hostPort(), "alice", "s3cret");
            RegistryImageService images = new RegistryImageService(root, client);

            images.pull(reference, alice, "111111111111");
            assertThat(tokenRequests(proxy)).isEqualTo(1);
            long challenged = proxy.challenges();
            // another account's task with the same login resolves the tag again (the tag's resolution is per
            // account), with the token the login won: no challenge, no token request
            long asked = manifestRequests(proxy);
            images.pull(reference, new RegistryLogin(proxy.hostPort(), "alice", "s3cret"), "222222222222");
            assertThat(manifestRequests(proxy)).isEqualTo(asked + 1);
            assertThat(tokenRequests(proxy)).isEqualTo(1);
            assertThat(proxy.challenges()).isEqualTo(challenged);

            // another login, or none, never sends what alice won: each is challenged and asks the token service itself
            assertThatThrownBy(() -> images.pull(reference, new RegistryLogin(proxy.hostPort(), "alice", "wrong"), "111111111111"))
                    .isInstanceOf(ImagePullException.class)
                    .hasMessageContaining("unauthorized");
            assertThat(tokenRequests(proxy)).isEqualTo(2);
            assertThatThrownBy(() -> images.pull(reference, null, "333333333333"))
                    .isInstanceOf(ImagePullException.class)
                    .hasMessageContaining("unauthorized");
            assertThat(tokenRequests(proxy)).isEqualTo(3);
        }
    }

    private static long tokenRequests(RegistryProxy proxy)
    {
        return proxy.requests().stream().filter(request -> request.startsWith("TOKEN ")).count();
    }

    private static long manifestRequests(RegistryProxy proxy)
    {
        return proxy.requests().stream().filter(request -> request.contains("/manifests/")).count();
    }

    @Test
    void anIndexWithoutTheHostPlatformFailsClearly(@TempDir Path root)
            throws Exception
    {
        RegistryImageService arm = new RegistryImageService(root, client, new LayerUnpacker(),
                new Descriptor.Platform("linux", "s390x", java.util.Optional.empty()));

        assertThatThrownBy(() -> arm.pull(multiArchReference))
                .isInstanceOf(ImagePullException.class)
                .hasMessageContaining("no matching manifest for linux/s390x")
                .hasMessageContaining("linux/arm64/v8, linux/amd64");
        assertThat(Files.exists(root.resolve("layers/sha256"), LinkOption.NOFOLLOW_LINKS)).isTrue();
    }
}
