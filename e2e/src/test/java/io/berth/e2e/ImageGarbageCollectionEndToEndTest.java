package io.berth.e2e;

import io.berth.common.files.FileTrees;
import io.berth.testing.DiskUsage;
import io.berth.testing.OciLayoutImage;
import io.berth.testing.TestImageConfig;
import io.berth.testing.TestImages;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.LaunchType;
import software.amazon.awssdk.services.ecs.model.Task;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * `berth up --image-store-size`: with a store that holds the image of a running task and one more, tasks of
 * several images run one after another; the running task's image stays, older unused images are removed and the
 * store's bytes on disk fall below the size, and a task of a removed image starts again (its image pulled anew).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ImageGarbageCollectionEndToEndTest
{
    private static final String CLUSTER = "image-gc";
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    // each image: busybox (about 2 MB unpacked, 1 MB compressed) and a 6 MiB file; the keeper's image and one more fit, not two
    private static final long STORE_BYTES = 16L << 20;
    private static final int FILE_BYTES = 6 << 20;

    private Path work;
    private BerthEnvironment berth;
    private EcsClient ecs;
    private Path store;

    @BeforeAll
    void start()
            throws IOException
    {
        work = BerthEnvironment.scratchDirectory("berth-e2e-image-gc-");
        berth = BerthEnvironment.startConfigured(work.resolve("data"), config -> config.withImageStoreBytes(STORE_BYTES));
        ecs = berth.operatorClient();
        ecs.createCluster(request -> request.clusterName(CLUSTER));
        store = berth.dataDirectory().resolve("agent/images");
    }

    @AfterAll
    void stop()
            throws IOException
    {
        if (ecs != null) {
            ecs.close();
        }
        if (berth != null) {
            berth.close();
        }
        if (work != null) {
            FileTrees.deleteRecursively(work);
        }
    }

    @Test
    void unusedImagesAreRemovedLeastRecentlyUsedFirstAndARunningTasksImageStays()
            throws IOException
    {
        OciLayoutImage keeper = image("keeper", 'k', 64 << 10);
        OciLayoutImage a = image("a", 'a', FILE_BYTES);
        OciLayoutImage b = image("b", 'b', FILE_BYTES);
        OciLayoutImage c = image("c", 'c', FILE_BYTES);

        String keeperTask = run(register("keeper", push(keeper, "keeper"), List.of("sleep", "600")));
        BerthEnvironment.awaitStatus(ecs, CLUSTER, keeperTask, "RUNNING", TIMEOUT);
        String aDefinition = register("a", push(a, "a"), List.of("sh", "-c", "test -f /data/file && exit 3"));
        assertExitCode(runToStop(aDefinition), 3);
        assertExitCode(runToStop(register("b", push(b, "b"), List.of("true"))), 0);

        // b's pull took the store past its size: a, the least recently used image no task holds, went (the collection runs beside the task's start)
        await().atMost(TIMEOUT).untilAsserted(() -> assertPresent(a, false));
        assertPresent(b, true);
        assertPresent(keeper, true);

        assertExitCode(runToStop(register("c", push(c, "c"), List.of("true"))), 0);

        await().atMost(TIMEOUT).untilAsserted(() -> assertPresent(b, false));
        assertPresent(c, true);
        assertPresent(keeper, true);
        assertThat(bytesOnDisk()).isLessThanOrEqualTo(STORE_BYTES);

        // a task of a removed image starts again: its image is pulled anew (and c, now the oldest unused, goes)
        assertExitCode(runToStop(aDefinition), 3);

        assertPresent(a, true);
        await().atMost(TIMEOUT).untilAsserted(() -> assertPresent(c, false));
        assertPresent(keeper, true);
        assertThat(bytesOnDisk()).isLessThanOrEqualTo(STORE_BYTES);
        assertThat(BerthEnvironment.describe(ecs, CLUSTER, keeperTask).lastStatus()).isEqualTo("RUNNING");
    }

    private OciLayoutImage image(String name, char filler, int fileBytes)
            throws IOException
    {
        return TestImages.buildOciLayout(work.resolve(name), "1", TestImageConfig.busybox().withFile("/data/file", String.valueOf(filler).repeat(fileBytes)));
    }

    private String push(OciLayoutImage image, String name)
            throws IOException
    {
        // the operator's own repository: the test's tasks are the operator's, and pull as that account
        return berth.pushAs(berth.berth().operatorKey().account().accountId(), image, "e2e-gc/" + name + ":1");
    }

    /** The image's unpacked layer, its compressed layer blob, its manifest and its record: all there, or all gone. */
    private void assertPresent(OciLayoutImage image, boolean present)
    {
        List<Path> parts = List.of(
                store.resolve("layers/sha256").resolve(hex(image.diffIds().getFirst())),
                store.resolve("blobs/sha256").resolve(hex(image.layerDigests().getFirst())),
                store.resolve("blobs/sha256").resolve(hex(image.manifestDigest())),
                store.resolve("records/sha256").resolve(hex(image.manifestDigest()) + ".json"));
        for (Path part : parts) {
            assertThat(Files.exists(part)).as("%s exists", part).isEqualTo(present);
        }
    }

    private static String hex(String digest)
    {
        return digest.substring("sha256:".length());
    }

    /** Bytes of the store's blobs and unpacked layers on disk. */
    private long bytesOnDisk()
            throws IOException
    {
        return DiskUsage.regularFileBytes(List.of(store.resolve("blobs"), store.resolve("layers/sha256")));
    }

    private static void assertExitCode(Task task, int exitCode)
    {
        assertThat(task.stoppedReason()).doesNotContain("CannotPullContainerError");
        assertThat(task.containers()).singleElement().satisfies(container -> assertThat(container.exitCode()).isEqualTo(exitCode));
    }

    private String register(String family, String image, List<String> command)
    {
        return BerthEnvironment.registerSingleContainer(ecs, "gc-" + family, image, command);
    }

    private String run(String taskDefinition)
    {
        return ecs.runTask(request -> request.networkConfiguration(BerthEnvironment.awsvpc()).cluster(CLUSTER).taskDefinition(taskDefinition).launchType(LaunchType.FARGATE)).tasks().get(0).taskArn();
    }

    private Task runToStop(String taskDefinition)
    {
        return BerthEnvironment.runToStop(ecs, CLUSTER, taskDefinition, TIMEOUT);
    }
}
