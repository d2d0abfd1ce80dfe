package io.berth.agent.images;

import io.berth.testing.DiskUsage;
import io.berth.testing.ManualClock;
import io.berth.testing.OciLayoutImage;
import io.berth.testing.TestImageConfig;
import io.berth.testing.TestImages;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Garbage collection of a real image store, filled from a real docker-registry on loopback. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ImageGarbageCollectorTest
{
    @RegisterExtension
    static final RegistryFixture fixture = new RegistryFixture("berth-image-gc-test-");

    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
    private final ManualClock clock = new ManualClock(START);
    private OciLayoutImage a;
    private OciLayoutImage b;
    private OciLayoutImage c;
    private String aReference;
    private String bReference;
    private String cReference;

    @BeforeAll
    void pushImages()
            throws IOException
    {
        a = TestImages.buildOciLayout(fixture.images().resolve("a"), "1", TestImageConfig.busybox().withFile("/data/a", "a".repeat(300_000)));
        b = TestImages.buildOciLayout(fixture.images().resolve("b"), "1", TestImageConfig.busybox().withFile("/data/b", "b".repeat(200_000)));
        c = TestImages.buildOciLayout(fixture.images().resolve("c"), "1", TestImageConfig.busybox().withFile("/data/c", "c".repeat(100_000)));
        aReference = TestImages.push(a, fixture.registry(), "gc/a:1");
        bReference = TestImages.push(b, fixture.registry(), "gc/b:1");
        cReference = TestImages.push(c, fixture.registry(), "gc/c:1");
    }

    @Test
    void removesTheLeastRecentlyUsedUnusedImagesUntilTheStoreFitsAndARemovedImageIsPulledAnew(@TempDir Path root)
            throws Exception
    {
        RegistryImageService service = service(root);
        pullAt(service, aReference, 0);
        pullAt(service, bReference, 60);
        pullAt(service, cReference, 120);
        long total = storeBytes(service);

        ImageGarbageCollector collector = service.collectGarbageAbove(total - 1, () -> usedByReference(aReference));
        ImageGarbageCollector.Result result = collector.collect();

        // a is the oldest but a task uses it; b is the oldest unused
        assertThat(result.imagesRemoved()).isEqualTo(1);
        assertThat(result.failures()).isEmpty();
        assertPresent(root, a, true);
        assertPresent(root, b, false);
        assertPresent(root, c, true);
        assertThat(result.bytesAfter()).isLessThanOrEqualTo(total - 1).isEqualTo(total - result.bytesFreed());
        assertThat(bytesOnDisk(root)).isLessThanOrEqualTo(total - 1);

        // pulled anew; the collection after that pull removes c, now the least recently used image no task uses
        pullAt(service, bReference, 180);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertPresent(root, c, false));
        assertPresent(root, b, true);
        assertPresent(root, a, true);
        assertThat(bytesOnDisk(root)).isLessThanOrEqualTo(total - 1);
        collector.close();
    }

    @Test
    void theLastUseOfEachImageSurvivesARestartOfTheAgent(@TempDir Path root)
            throws Exception
    {
        RegistryImageService before = service(root);
        pullAt(before, aReference, 0);
        pullAt(before, bReference, 60);
        pullAt(before, aReference, 120);
        long total = storeBytes(before);

        RegistryImageService after = new RegistryImageService(root, fixture.client());
        after.removeInterruptedWork();
        ImageGarbageCollector.Result result;
        try (ImageGarbageCollector collector = after.collectGarbageAbove(total - 1, () -> InUseImages.NONE)) {
            result = collector.collect();
        }

        assertThat(result.imagesRemoved()).isEqualTo(1);
        assertPresent(root, a, true);
        assertPresent(root, b, false);
    }

    @Test
    void aCollectionWaitsForAPullInProgressAndKeepsTheImageItsTaskWaitsFor(@TempDir Path root)
            throws Exception
    {
        RegistryImageService service = service(root);
        pullAt(service, aReference, 0);
        pullAt(service, bReference, 60);
        long before = storeBytes(service);
        ExecutorService threads = Executors.newCachedThreadPool();
        try (RegistryProxy proxy = RegistryProxy.open(fixture.registry().hostPort());
                ImageGarbageCollector collector = service.collectGarbageAbove(1, () -> usedByReference(proxy.hostPort() + "/gc/c:1"))) {
            // the task is recorded (waiting for its image) before its pull begins
            String slowReference = proxy.hostPort() + "/gc/c:1";
            CountDownLatch release = proxy.holdBlobs();
            clock.set(START.plusSeconds(120));
            Future<PulledImage> pull = threads.submit(() -> service.pull(slowReference));
            assertThat(proxy.awaitBlobRequest(Duration.ofSeconds(30))).isTrue();

            assertThat(collector.collectUnlessBusy()).isEmpty();
            Future<ImageGarbageCollector.Result> waiting = threads.submit(collector::collect);
            assertThatThrownBy(() -> waiting.get(300, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
            assertPresent(root, a, true);

            release.countDown();
            PulledImage pulled = pull.get(60, TimeUnit.SECONDS);
            waiting.get(60, TimeUnit.SECONDS);

            assertThat(pulled.layers()).allSatisfy(layer -> assertThat(layer).isDirectory());
            assertPresent(root, c, true);
            assertPresent(root, a, false);
            assertPresent(root, b, false);
            assertThat(bytesOnDisk(root)).isLessThan(before);
        }
        finally {
            threads.shutdownNow();
        }
    }

    @Test
    void removalGoesOnPastAFailureSaysWhatItCouldNotRemoveAndFinishesNextTime(@TempDir Path root)
            throws Exception
    {
        RegistryImageService service = service(root);
        pullAt(service, aReference, 0);
        pullAt(service, bReference, 60);
        // a layer is moved aside before it is deleted: with nowhere to move it, its removal fails
        Path removing = root.resolve("layers/removing");
        Files.delete(removing);
        Files.writeString(removing, "in the way");
        ImageGarbageCollector collector = service.collectGarbageAbove(1, () -> InUseImages.NONE);
        collector.close();

        ImageGarbageCollector.Result failed = collector.collect();

        assertThat(failed.imagesRemoved()).isEqualTo(2);
        assertThat(failed.failures()).hasSize(2).allSatisfy(failure -> assertThat(failure).startsWith("layer sha256:"));
        assertThat(layerDirectory(root, a)).isDirectory();
        assertThat(layerDirectory(root, b)).isDirectory();
        assertThat(root.resolve("blobs/sha256").resolve(hex(a.manifestDigest()))).doesNotExist();

        Files.delete(removing);
        Files.createDirectory(removing);
        ImageGarbageCollector.Result retried = collector.collect();

        assertThat(retried.failures()).isEmpty();
        assertPresent(root, a, false);
        assertPresent(root, b, false);
        assertThat(bytesOnDisk(root)).isZero();
    }

    @Test
    void anImageATaskRunsThatHasNoRecordKeepsItsLayers(@TempDir Path root)
            throws Exception
    {
        RegistryImageService pulledBeforeRecords = service(root);
        pullAt(pulledBeforeRecords, aReference, 0);
        pullAt(pulledBeforeRecords, bReference, 60);
        try (Stream<Path> records = Files.list(root.resolve("records/sha256"))) {
            for (Path record : records.toList()) {
                Files.delete(record);
            }
        }
        RegistryImageService upgraded = service(root);

        ImageGarbageCollector.Result result;
        try (ImageGarbageCollector collector = upgraded.collectGarbageAbove(1, () -> new InUseImages(Set.of(), Set.of(Digest.parse(a.manifestDigest()))))) {
            result = collector.collect();
        }

        assertThat(result.failures()).isEmpty();
        assertPresent(root, a, true);
        assertPresent(root, b, false);
        assertThat(root.resolve("records/sha256").resolve(hex(a.manifestDigest()) + ".json")).isRegularFile();
    }

    @Test
    void aPullOfWhatTheStoreHoldsAsksForNoCollectionAndAPullThatFetchedDoes(@TempDir Path root)
            throws Exception
    {
        RegistryImageService service = service(root);
        pullAt(service, aReference, 0);
        pullAt(service, bReference, 60);
        long total = storeBytes(service);
        try (ImageGarbageCollector collector = service.collectGarbageAbove(total - 1, () -> InUseImages.NONE)) {
            // b again, a task start of an image the store holds: a collection now would remove a, the least recently used
            pullAt(service, bReference, 61);
            pullAt(service, bReference, 120);
            Thread.sleep(1_000);
            assertPresent(root, a, true);

            // c is fetched: the store grew, and the collection its pull asks for brings the store within its limit
            pullAt(service, cReference, 180);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertPresent(root, a, false));
            assertPresent(root, b, true);
            assertPresent(root, c, true);
        }
    }

    private RegistryImageService service(Path root)
            throws IOException
    {
        return new RegistryImageService(root, fixture.client(), new LayerUnpacker(), Descriptor.Platform.LINUX_AMD64, ImageLimits.DEFAULTS, clock);
    }

    private void pullAt(RegistryImageService service, String reference, int second)
            throws ImagePullException
    {
        clock.set(START.plusSeconds(second));
        service.pull(reference);
    }

    /** What the store counts: blobs and the unpacked size of each layer (a collection within the size only measures). */
    private static long storeBytes(RegistryImageService service)
    {
        try (ImageGarbageCollector measuring = service.collectGarbageAbove(Long.MAX_VALUE, () -> InUseImages.NONE)) {
            return measuring.collect().bytesBefore();
        }
    }

    private static InUseImages usedByReference(String reference)
    {
        return new InUseImages(Set.of(ImageReference.parse(reference).toString()), Set.of());
    }

    private static void assertPresent(Path root, OciLayoutImage image, boolean present)
    {
        Path layer = layerDirectory(root, image);
        Path manifest = root.resolve("blobs/sha256").resolve(hex(image.manifestDigest()));
        Path layerBlob = root.resolve("blobs/sha256").resolve(hex(image.layerDigests().getFirst()));
        Path record = root.resolve("records/sha256").resolve(hex(image.manifestDigest()) + ".json");
        for (Path path : List.of(layer, manifest, layerBlob, record)) {
            assertThat(Files.exists(path)).as("%s exists", path).isEqualTo(present);
        }
    }

    private static Path layerDirectory(Path root, OciLayoutImage image)
    {
        return root.resolve("layers/sha256").resolve(hex(image.diffIds().getFirst()));
    }

    private static String hex(String digest)
    {
        return Digest.parse(digest).hex();
    }

    /** Bytes of the store's blobs and unpacked layers on disk. */
    private static long bytesOnDisk(Path root)
            throws IOException
    {
        return DiskUsage.regularFileBytes(List.of(root.resolve("blobs"), root.resolve("layers/sha256")));
    }
}
