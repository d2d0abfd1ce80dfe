package io.berth.agent.images;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Lock;
import java.util.function.Function;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/**
 * Keeps the image store within its size by carrying out {@link ImageCollectionPlanner}'s plans. A collection holds
 * the store's write lock, which pulls hold for reading, so nothing a pull fetches, unpacks or has just found on the
 * host is removed under it; the images in use are read inside that lock, after every finished pull's task is
 * recorded. Each removal is an operator line; a removal that fails is logged and the rest go on.
 */
public final class ImageGarbageCollector
        implements AutoCloseable
{
    private static final Logger log = LoggerFactory.getLogger(ImageGarbageCollector.class);
    public static final long DEFAULT_MAX_STORE_BYTES = 50L << 30;
    /** How often a collection runs besides the one after each pull. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(5);

    private final ContentStore content;
    private final LayerStore layers;
    private final ImageRecordStore records;
    private final Lock storeWriteLock;
    private final Function<Digest, Optional<ImageRecord>> storedImage;
    private final long maxStoreBytes;
    private final Supplier<InUseImages> inUse;
    private final ScheduledExecutorService background = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("image-gc").daemon().factory());
    private final AtomicBoolean queued = new AtomicBoolean();
    /** The store's bytes at the last collection, -1 before the first (for the metrics). */
    private volatile long measuredStoreBytes = -1;

    ImageGarbageCollector(ContentStore content, LayerStore layers, ImageRecordStore records, Lock storeWriteLock,
            Function<Digest, Optional<ImageRecord>> storedImage, long maxStoreBytes, Supplier<InUseImages> inUse)
    {
        this.content = requireNonNull(content, "content is null");
        this.layers = requireNonNull(layers, "layers is null");
        this.records = requireNonNull(records, "records is null");
        this.storeWriteLock = requireNonNull(storeWriteLock, "storeWriteLock is null");
        this.storedImage = requireNonNull(storedImage, "storedImage is null");
        if (maxStoreBytes <= 0) {
            throw new IllegalArgumentException("the image store size must be positive");
        }
        this.maxStoreBytes = maxStoreBytes;
        this.inUse = requireNonNull(inUse, "inUse is null");
    }

    /**
     * The size an image store in this directory gets unless the operator sets one: 50 GiB, or half of the
     * directory's filesystem when that is smaller, so that images never fill a small disk the tasks also write to.
     */
    public static long defaultMaxStoreBytes(Path directory)
            throws IOException
    {
        long half = Files.getFileStore(directory).getTotalSpace() / 2;
        return half > 0 ? Math.min(DEFAULT_MAX_STORE_BYTES, half) : DEFAULT_MAX_STORE_BYTES;
    }

    /** The store's bytes as measured at the last collection (after each pull and periodically); empty before the first. */
    public java.util.OptionalLong measuredStoreBytes()
    {
        long bytes = measuredStoreBytes;
        return bytes < 0 ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(bytes);
    }

    public long maxStoreBytes()
    {
        return maxStoreBytes;
    }

    /** The outcome of one collection: the store's bytes before and after, and what could not be removed. */
    public record Result(long bytesBefore, long bytesAfter, long bytesFreed, int imagesRemoved, List<String> failures)
    {
        public Result
        {
            failures = List.copyOf(failures);
        }
    }

    /** Collects now, waiting for running pulls to finish first. */
    public Result collect()
    {
        storeWriteLock.lock();
        try {
            return collectHoldingTheStore();
        }
        finally {
            storeWriteLock.unlock();
        }
    }

    /** Collects unless a pull (or another collection) holds the store: that one's end collects instead. */
    public Optional<Result> collectUnlessBusy()
    {
        if (!storeWriteLock.tryLock()) {
            return Optional.empty();
        }
        try {
            return Optional.of(collectHoldingTheStore());
        }
        finally {
            storeWriteLock.unlock();
        }
    }

    /**
     * Asks for a collection on the collector's own thread, so that the pull that asks (and the task start behind it)
     * does not wait for it; a request while one is queued joins it.
     */
    public void collectSoon()
    {
        if (!queued.compareAndSet(false, true)) {
            return;
        }
        try {
            background.execute(() -> {
                queued.set(false);
                collectLogged();
            });
        }
        catch (RejectedExecutionException e) {
            // closed: the agent is stopping
            queued.set(false);
        }
    }

    /** Also collects every interval, for stores that grew while the size was larger, or images that fell out of use. */
    public void startPeriodic(Duration interval)
    {
        background.scheduleWithFixedDelay(this::collectLogged, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close()
    {
        background.shutdownNow();
    }

    private void collectLogged()
    {
        try {
            collectUnlessBusy();
        }
        catch (RuntimeException e) {
            log.warn("image store: garbage collection failed, trying again after the next pull: {}", e.toString());
        }
    }

    private Result collectHoldingTheStore()
    {
        Map<Digest, Long> blobSizes;
        Map<Digest, Long> layerSizes;
        List<ImageRecord> images;
        InUseImages used;
        try {
            blobSizes = content.sizes();
            layerSizes = layers.sizes();
            long total = blobSizes.values().stream().mapToLong(Long::longValue).sum() + layerSizes.values().stream().mapToLong(Long::longValue).sum();
            measuredStoreBytes = total;
            if (total <= maxStoreBytes) {
                return new Result(total, total, 0, 0, List.of());
            }
            used = inUse.get();
            Optional<String> unknown = adoptImagesInUse(used);
            if (unknown.isPresent()) {
                log.warn("image store: {} bytes, more than the {} it may hold, but nothing is removed: {}", total, ByteSizes.format(maxStoreBytes), unknown.get());
                return new Result(total, total, 0, 0, List.of(unknown.get()));
            }
            images = records.all();
        }
        catch (IOException e) {
            log.warn("image store: cannot read what the store holds, nothing removed: {}", e.getMessage());
            return new Result(0, 0, 0, 0, List.of("cannot read the store: " + e.getMessage()));
        }
        ImageCollectionPlan plan = ImageCollectionPlanner.plan(images, blobSizes, layerSizes, used, maxStoreBytes);
        List<String> failures = new ArrayList<>();
        long freed = 0;
        int imagesRemoved = 0;
        for (ImageCollectionPlan.Removal removal : plan.removals()) {
            List<String> failed = remove(removal);
            failures.addAll(failed);
            String what = removal.image().map(image -> "image %s (%s, last used %s)".formatted(image.name(), image.manifestDigest(), image.lastUsed()))
                    .orElse("content no image references");
            if (failed.isEmpty()) {
                freed += removal.bytes();
                log.info("image store: removed {}: {} bytes freed ({} layers, {} blobs)", what, removal.bytes(), removal.layers().size(), removal.blobs().size());
            }
            else {
                log.warn("image store: removed {} in part; could not remove: {}", what, String.join("; ", failed));
            }
            if (removal.image().isPresent()) {
                imagesRemoved++;
            }
        }
        long after = plan.bytesBefore() - freed;
        measuredStoreBytes = after;
        if (after > maxStoreBytes) {
            log.warn("image store: {} bytes after garbage collection, still more than the {} it may hold: the rest is used by tasks on this host{}",
                    after, ByteSizes.format(maxStoreBytes), failures.isEmpty() ? "" : " or could not be removed");
        }
        else {
            log.info("image store: {} bytes after garbage collection ({} before, {} at most)", after, plan.bytesBefore(), ByteSizes.format(maxStoreBytes));
        }
        return new Result(plan.bytesBefore(), after, freed, imagesRemoved, failures);
    }

    /**
     * Gives each image in use without a record (pulled by an agent that kept none) one made from its stored
     * manifest, so its layers are known to be in use; a description of the first that cannot be made, if any.
     */
    private Optional<String> adoptImagesInUse(InUseImages used)
            throws IOException
    {
        for (Digest digest : used.manifestDigests()) {
            if (records.get(digest).isPresent()) {
                continue;
            }
            Optional<ImageRecord> described = storedImage.apply(digest);
            if (described.isEmpty()) {
                return Optional.of("a task on this host uses image %s, whose manifest or config is not in the store, so the layers it uses are unknown".formatted(digest));
            }
            records.adopt(described.get());
        }
        return Optional.empty();
    }

    /** Record first, so an image half removed is no image: what is left of it is unreferenced content, removed next time. */
    private List<String> remove(ImageCollectionPlan.Removal removal)
    {
        List<String> failures = new ArrayList<>();
        if (removal.image().isPresent()) {
            Digest digest = removal.image().get().manifestDigest();
            try {
                records.delete(digest);
            }
            catch (IOException e) {
                failures.add("the record of image %s: %s".formatted(digest, e.getMessage()));
                return failures;
            }
        }
        for (Digest layer : removal.layers()) {
            try {
                layers.remove(layer);
            }
            catch (IOException e) {
                failures.add("layer %s: %s".formatted(layer, e.getMessage()));
            }
        }
        for (Digest blob : removal.blobs()) {
            try {
                content.remove(blob);
            }
            catch (IOException e) {
                failures.add("blob %s: %s".formatted(blob, e.getMessage()));
            }
        }
        return failures;
    }
}
