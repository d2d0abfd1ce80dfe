package io.berth.agent.images;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The LRU selection as a pure function of images, sizes, last uses and the images tasks use. */
class ImageCollectionPlannerTest
{
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private final Map<Digest, Long> blobs = new HashMap<>();
    private final Map<Digest, Long> layers = new HashMap<>();

    @Test
    void nothingIsRemovedWithinTheSize()
    {
        ImageRecord old = image("old", 0, "old-layer");
        ImageCollectionPlan plan = plan(List.of(old), InUseImages.NONE, total());

        assertThat(plan.isEmpty()).isTrue();
        assertThat(plan.bytesAfter()).isEqualTo(plan.bytesBefore()).isEqualTo(total());
    }

    @Test
    void leastRecentlyUsedGoFirstUntilTheStoreFits()
    {
        ImageRecord oldest = image("oldest", 0, "a");
        ImageRecord middle = image("middle", 10, "b");
        ImageRecord newest = image("newest", 20, "c");
        long each = total() / 3;

        ImageCollectionPlan plan = plan(List.of(newest, oldest, middle), InUseImages.NONE, total() - each);

        assertThat(removedImages(plan)).containsExactly("oldest");
        assertThat(plan.removals().getFirst().layers()).containsExactly(digest("a"));
        assertThat(plan.removals().getFirst().blobs()).containsExactlyInAnyOrder(digest("oldest"), digest("oldest-config"), digest("a-blob"));
        assertThat(plan.bytesAfter()).isEqualTo(total() - each).isLessThanOrEqualTo(plan.maxBytes());

        ImageCollectionPlan tighter = plan(List.of(newest, oldest, middle), InUseImages.NONE, each);
        assertThat(removedImages(tighter)).containsExactly("oldest", "middle");
    }

    @Test
    void imagesInUseStayWhateverTheirAgeByDigestOrByReference()
    {
        ImageRecord runningOld = image("running-old", 0, "a");
        ImageRecord waitingOld = image("waiting-old", 1, "b");
        ImageRecord unused = image("unused", 50, "c");
        InUseImages inUse = new InUseImages(Set.of("registry.test/waiting-old:1"), Set.of(digest("running-old")));

        ImageCollectionPlan plan = plan(List.of(runningOld, waitingOld, unused), inUse, 1);

        assertThat(removedImages(plan)).containsExactly("unused");
        assertThat(plan.bytesAfter()).isGreaterThan(plan.maxBytes());
    }

    @Test
    void aLayerSharedWithAKeptImageStaysAndFreesNothing()
    {
        ImageRecord old = image("old", 0, "base", "old-top");
        ImageRecord running = image("running", 5, "base", "running-top");
        InUseImages inUse = new InUseImages(Set.of(), Set.of(digest("running")));

        ImageCollectionPlan plan = plan(List.of(old, running), inUse, 1);

        ImageCollectionPlan.Removal removal = plan.removals().getFirst();
        assertThat(removal.image().map(ImageRecord::manifestDigest)).contains(digest("old"));
        assertThat(removal.layers()).containsExactly(digest("old-top"));
        assertThat(removal.blobs()).doesNotContain(digest("base-blob"));
        assertThat(removal.bytes()).isEqualTo(layers.get(digest("old-top")) + blobs.get(digest("old-top-blob")) + blobs.get(digest("old")) + blobs.get(digest("old-config")));
    }

    @Test
    void aLayerSharedByTwoUnusedImagesGoesWithTheSecond()
    {
        ImageRecord first = image("first", 0, "shared");
        ImageRecord second = image("second", 1, "shared");

        ImageCollectionPlan plan = plan(List.of(first, second), InUseImages.NONE, 1);

        assertThat(plan.removals()).hasSize(2);
        assertThat(plan.removals().get(0).layers()).isEmpty();
        assertThat(plan.removals().get(1).layers()).containsExactly(digest("shared"));
        assertThat(plan.bytesAfter()).isZero();
    }

    @Test
    void unreferencedContentGoesBeforeAnyImage()
    {
        ImageRecord old = image("old", 0, "a");
        layers.put(digest("orphan-layer"), 1000L);
        blobs.put(digest("orphan-blob"), 500L);

        ImageCollectionPlan plan = plan(List.of(old), InUseImages.NONE, total() - 1500);

        assertThat(plan.removals()).singleElement().satisfies(removal -> {
            assertThat(removal.image()).isEmpty();
            assertThat(removal.layers()).containsExactly(digest("orphan-layer"));
            assertThat(removal.blobs()).containsExactly(digest("orphan-blob"));
            assertThat(removal.bytes()).isEqualTo(1500);
        });
    }

    @Test
    void theManifestOfAnImageInUseIsKeptEvenWithoutARecord()
    {
        blobs.put(digest("unrecorded"), 700L);
        layers.put(digest("orphan-layer"), 1000L);

        ImageCollectionPlan plan = plan(List.of(), new InUseImages(Set.of(), Set.of(digest("unrecorded"))), 1);

        assertThat(plan.removals()).singleElement().satisfies(removal -> assertThat(removal.blobs()).isEmpty());
        assertThat(plan.bytesAfter()).isEqualTo(700);
    }

    @Test
    void contentAnImageListsButTheStoreLacksCountsForNothing()
    {
        ImageRecord old = image("old", 0, "a");
        blobs.remove(digest("a-blob"));

        ImageCollectionPlan plan = plan(List.of(old), InUseImages.NONE, 1);

        assertThat(plan.removals().getFirst().blobs()).doesNotContain(digest("a-blob"));
        assertThat(plan.bytesAfter()).isZero();
    }

    @Test
    void equalLastUsesAreOrderedByDigestSoPlansAreRepeatable()
    {
        ImageRecord one = image("one", 0, "x");
        ImageRecord two = image("two", 0, "y");
        long half = total() / 2;

        List<String> first = removedImages(plan(List.of(one, two), InUseImages.NONE, half));
        List<String> second = removedImages(plan(List.of(two, one), InUseImages.NONE, half));

        assertThat(first).hasSize(1).isEqualTo(second);
    }

    @Test
    void refusesASizeThatIsNotPositive()
    {
        assertThatThrownBy(() -> plan(List.of(), InUseImages.NONE, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    /** An image named "registry.test/NAME:1" with a manifest, a config, and one compressed blob per layer. */
    private ImageRecord image(String name, int minute, String... layerNames)
    {
        blobs.put(digest(name), 300L + name.length());
        blobs.put(digest(name + "-config"), 200L);
        Set<Digest> imageBlobs = new java.util.HashSet<>(Set.of(digest(name), digest(name + "-config")));
        Set<Digest> imageLayers = new java.util.HashSet<>();
        for (String layer : layerNames) {
            layers.put(digest(layer), 10_000L + layer.length());
            blobs.put(digest(layer + "-blob"), 4_000L);
            imageLayers.add(digest(layer));
            imageBlobs.add(digest(layer + "-blob"));
        }
        return new ImageRecord(digest(name), Set.of("registry.test/" + name + ":1"), imageBlobs, imageLayers, T0.plusSeconds(60L * minute));
    }

    private ImageCollectionPlan plan(List<ImageRecord> images, InUseImages inUse, long maxBytes)
    {
        return ImageCollectionPlanner.plan(images, blobs, layers, inUse, maxBytes);
    }

    private long total()
    {
        return blobs.values().stream().mapToLong(Long::longValue).sum() + layers.values().stream().mapToLong(Long::longValue).sum();
    }

    private static List<String> removedImages(ImageCollectionPlan plan)
    {
        return plan.removals().stream()
                .map(ImageCollectionPlan.Removal::image)
                .flatMap(Optional::stream)
                .map(image -> image.references().iterator().next().replaceAll("registry.test/|:1", ""))
                .toList();
    }

    private static Digest digest(String name)
    {
        return Digest.of(name.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
