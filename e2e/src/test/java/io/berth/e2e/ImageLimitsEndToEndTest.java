package io.berth.e2e;

import io.berth.common.files.FileTrees;
import io.berth.testing.OciLayoutImage;
import io.berth.testing.TestImageConfig;
import io.berth.testing.TestImages;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Task;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * `berth up --max-image-size`: a task whose image unpacks past the limit stops with CannotPullContainerError
 * naming the limit, leaves no partial layer behind, and the host runs the next task as usual.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ImageLimitsEndToEndTest
{
    private static final String CLUSTER = "image-limits";
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private Path work;
    private BerthEnvironment berth;
    private EcsClient ecs;

    @BeforeAll
    void start()
            throws IOException
    {
        work = BerthEnvironment.scratchDirectory("berth-e2e-image-limits-");
        // busybox unpacks to about 2 MiB: it fits; the large image's one layer (busybox and 12 MiB of zeros) does not
        berth = BerthEnvironment.startConfigured(work.resolve("data"), config -> config.withMaxImageBytes(8L << 20));
        ecs = berth.operatorClient();
        ecs.createCluster(request -> request.clusterName(CLUSTER));
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
    void anImagePastTheLimitStopsItsTaskAndTheHostRunsTheNextOne()
            throws IOException
    {
        OciLayoutImage large = TestImages.buildOciLayout(work.resolve("large"), "1",
                TestImageConfig.busybox().withFile("/data/zeros", "0".repeat(12 << 20)));
        String largeImage = berth.pushAs(berth.berth().operatorKey().account().accountId(), large, "e2e/large:1");

        Task refused = runAndAwaitStop(register("too-large", largeImage, List.of("echo", "never")));

        assertThat(refused.stopCodeAsString()).isEqualTo("TaskFailedToStart");
        assertThat(refused.stoppedReason())
                .startsWith("CannotPullContainerError: ")
                .contains("limit of 8 MiB per")
                .contains("--max-image-size");
        assertThat(refused.containers()).singleElement().satisfies(container -> assertThat(container.exitCode()).isNull());
        Path images = berth.dataDirectory().resolve("agent/images");
        try (Stream<Path> unpacking = Files.list(images.resolve("layers/unpacking"))) {
            assertThat(unpacking).isEmpty();
        }
        try (Stream<Path> layers = Files.list(images.resolve("layers/sha256"))) {
            assertThat(layers.map(path -> "sha256:" + path.getFileName())).doesNotContainAnyElementsOf(large.diffIds());
        }

        Task normal = runAndAwaitStop(register("fits", berth.image(), List.of("sh", "-c", "echo fits; exit 7")));

        assertThat(normal.containers()).singleElement().satisfies(container -> assertThat(container.exitCode()).isEqualTo(7));
        assertThat(normal.stopCodeAsString()).isEqualTo("EssentialContainerExited");
    }

    private String register(String family, String image, List<String> command)
    {
        return BerthEnvironment.registerSingleContainer(ecs, family, image, command);
    }

    private Task runAndAwaitStop(String taskDefinition)
    {
        return BerthEnvironment.runToStop(ecs, CLUSTER, taskDefinition, TIMEOUT);
    }
}
