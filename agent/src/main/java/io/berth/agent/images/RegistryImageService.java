package io.berth.agent.images;

import io.berth.common.agentprotocol.RegistryLogin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/**
 * Pulls images from OCI Distribution registries into a {@link ContentStore} and a {@link LayerStore} under one
 * root: {@code <root>/blobs/sha256/...} and {@code <root>/layers/sha256/...}.
 *
 * <p>A tag is resolved against the registry (tags move), and what it resolved to serves the same account with the same
 * credential for a few seconds ({@link TagResolutionCache}), and pulls of a tag that come while it is being resolved wait
 * for that resolution: a burst of tasks of one image asks once; everything below
 * the manifest is addressed by digest and fetched only when missing, so a repeated pull downloads no blob. A digest reference whose content
 * is all here is served even when the registry is unreachable. Work on one blob or layer is serialized by a
 * per-digest lock, so concurrent pulls of one image share the work instead of corrupting it.
 *
 * <p>A task's pull may bring its account's own login to a registry: then every request to that registry is made
 * with it, with tokens of its own, and the manifest is fetched with it (or was, within the cache's few seconds, with
 * that very login by that account), even when every layer is already here, so a layer on the host serves only an
 * account the registry lets read the image.
 *
 * <p>Each pull records the image and its last use in an {@link ImageRecordStore}, for garbage collection. Pulls hold
 * the store's read lock and a collection its write lock, so a collection never removes content a pull is working on
 * (see {@link #collectGarbageAbove}).
 */
public final class RegistryImageService
        implements ImageService
{
    private static final Logger log = LoggerFactory.getLogger(RegistryImageService.class);
    // An image config is JSON of a few KiB (history included); it is read into memory, so it is bounded.
    private static final long MAX_CONFIG_BYTES = 16L << 20;
    // as Docker's and containerd's default of concurrent downloads
    private static final int PARALLEL_LAYERS = 3;
    private static final Duration LAYER_STOP_TIMEOUT = Duration.ofSeconds(60);

    private final RegistryClient client;
    private final ContentStore content;
    private final LayerStore layers;
    private final Descriptor.Platform platform;
    private final ImageLimits limits;
    private final ImageRecordStore records;
    private final Clock clock;
    private final TagResolutionCache tagResolutions;
    /** The tag resolutions under way, by whose they are: a pull of the same tag by the same account and credential waits for it. */
    private final ConcurrentMap<TagResolutionCache.Key, CompletableFuture<FetchedManifest>> resolutionsUnderWay = new ConcurrentHashMap<>();
    /** Counts what pulls wrote to the store (manifests, blobs, unpacked layers): a pull that wrote nothing cannot have grown it. */
    private final AtomicLong storeWrites = new AtomicLong();
    private final ConcurrentMap<Digest, ReentrantLock> locks = new ConcurrentHashMap<>();
    private final ReentrantReadWriteLock storeLock = new ReentrantReadWriteLock();
    private volatile ImageGarbageCollector collector;

    public RegistryImageService(Path root, RegistryClient client)
            throws IOException
    {
        this(root, client, new LayerUnpacker(), Descriptor.Platform.LINUX_AMD64, ImageLimits.DEFAULTS);
    }

    public RegistryImageService(Path root, RegistryClient client, ImageLimits limits)
            throws IOException
    {
        this(root, client, new LayerUnpacker(), Descriptor.Platform.LINUX_AMD64, limits);
    }

    public RegistryImageService(Path root, RegistryClient client, LayerUnpacker unpacker, Descriptor.Platform platform)
            throws IOException
    {
        this(root, client, unpacker, platform, ImageLimits.DEFAULTS);
    }

    public RegistryImageService(Path root, RegistryClient client, LayerUnpacker unpacker, Descriptor.Platform platform, ImageLimits limits)
            throws IOException
    {
        this(root, client, unpacker, platform, limits, Clock.systemUTC());
    }

    /** clock: the time each pull records as the image's last use. */
    public RegistryImageService(Path root, RegistryClient client, LayerUnpacker unpacker, Descriptor.Platform platform, ImageLimits limits, Clock clock)
            throws IOException
    {
        this.limits = requireNonNull(limits, "limits is null");
        this.clock = requireNonNull(clock, "clock is null");
        requireNonNull(root, "root is null");
        this.client = requireNonNull(client, "client is null");
        this.platform = requireNonNull(platform, "platform is null");
        this.content = new ContentStore(root);
        this.layers = new LayerStore(root, requireNonNull(unpacker, "unpacker is null"));
        this.records = new ImageRecordStore(root);
        this.tagResolutions = new TagResolutionCache(clock, TagResolutionCache.DEFAULT_LIFETIME);
    }

    /**
     * Keeps the store (blobs and unpacked layers) within maxStoreBytes from now on: after each pull (on the
     * collector's thread), and whenever the returned collector runs, least recently used images that no task in
     * {@code inUse} uses are removed until the store fits. A collection runs only while no pull does; it never waits
     * for one (the end of the last pull of a burst asks again). Close the collector when the service is done.
     */
    public ImageGarbageCollector collectGarbageAbove(long maxStoreBytes, Supplier<InUseImages> inUse)
    {
        ImageGarbageCollector created = new ImageGarbageCollector(content, layers, records, storeLock.writeLock(), this::storedImage, maxStoreBytes, inUse);
        collector = created;
        return created;
    }

    /**
     * Deletes partial downloads and unpacks a crash left behind. Call once when the agent starts, before any
     * pull; never while another service instance on the same root is pulling.
     */
    public void removeInterruptedWork()
            throws IOException
    {
        content.removeInterruptedWork();
        layers.removeInterruptedWork();
    }

    @Override
    public PulledImage pull(String reference)
            throws ImagePullException
    {
        return pull(reference, null);
    }

    @Override
    public PulledImage pull(String reference, RegistryLogin login)
            throws ImagePullException
    {
        return pull(reference, login, null);
    }

    @Override
    public PulledImage pull(String reference, RegistryLogin login, String accountId)
            throws ImagePullException
    {
        PulledImage pulled;
        long writesBefore = storeWrites.get();
        storeLock.readLock().lock();
        try {
            pulled = pullHoldingTheStore(reference, login, accountId);
        }
        finally {
            storeLock.readLock().unlock();
        }
        ImageGarbageCollector current = collector;
        // a pull of what the store held already (each task start of a cached image) cannot have taken it past its
        // limit: it asks for no collection, whose hold of the store would make the next starts' pulls wait
        if (current != null && storeWrites.get() != writesBefore) {
            current.collectSoon();
        }
        return pulled;
    }

    private PulledImage pullHoldingTheStore(String reference, RegistryLogin login, String accountId)
            throws ImagePullException
    {
        ImageReference parsed;
        try {
            parsed = ImageReference.parse(reference);
        }
        catch (IllegalArgumentException e) {
            throw new ImagePullException(e.getMessage());
        }
        // a digest names its content for good: only a tag's resolution is kept, per account and credential
        TagResolutionCache.Key cacheKey = parsed.digest().isPresent() ? null : TagResolutionCache.Key.of(accountId, login, parsed);
        if (login == null) {
            return pull(reference, parsed, client, true, cacheKey);
        }
        // the task's own login, and no token another pull was granted; its manifest is fetched with it (or was, moments ago)
        try (RegistryClient taskClient = client.withCredential(login.registry(), new RegistryCredentials.Credential(login.username(), login.password()))) {
            boolean ownRegistry = RegistryCredentials.normalizeHost(login.registry()).equals(RegistryCredentials.normalizeHost(parsed.registry()));
            return pull(reference, parsed, taskClient, !ownRegistry, cacheKey);
        }
    }

    /**
     * offlineFallback: whether a digest reference whose content is here may be served when the registry is unreachable;
     * cacheKey: whose tag resolution this is (null: a digest reference, nothing to resolve).
     */
    private PulledImage pull(String reference, ImageReference parsed, RegistryClient client, boolean offlineFallback, TagResolutionCache.Key cacheKey)
            throws ImagePullException
    {
        FetchedManifest top = recentlyResolved(cacheKey).orElse(null);
        if (top == null) {
            top = cacheKey == null ? resolve(client, parsed, offlineFallback) : resolveTag(client, parsed, offlineFallback, cacheKey);
        }
        String failure = "failed to pull and unpack image \"%s\"".formatted(parsed);
        try {
            FetchedManifest imageManifest = selectPlatform(client, parsed, top);
            ImageManifest manifest = ManifestParser.parseImageManifest(imageManifest.content());
            if (manifest.config().size() > MAX_CONFIG_BYTES) {
                throw new ImagePullException("%s: the image config is %d bytes, more than the %s an image config may have".formatted(failure, manifest.config().size(), ByteSizes.format(MAX_CONFIG_BYTES)));
            }
            byte[] configBytes = java.nio.file.Files.readAllBytes(ensureBlob(client, parsed, manifest.config()));
            ManifestParser.ParsedConfig config = ManifestParser.parseConfig(configBytes);
            if (config.diffIds().size() != manifest.layers().size()) {
                throw new ImagePullException("%s: the manifest lists %d layers but the image config %d diff ids".formatted(failure, manifest.layers().size(), config.diffIds().size()));
            }
            refuseDownloadsPastTheLimit(failure, manifest.layers(), config.diffIds());
            // Counts every layer of the image: those this pull unpacks while they unpack, those already here by their recorded size.
            UnpackBudget budget = new UnpackBudget(limits);
            AtomicInteger unpacked = new AtomicInteger();
            List<Path> layerPaths = forEachLayer(failure, manifest.layers().size(), index -> {
                Digest diffId = config.diffIds().get(index);
                Descriptor layer = manifest.layers().get(index);
                ReentrantLock lock = lockFor(diffId);
                lock.lock();
                try {
                    if (layers.contains(diffId)) {
                        // a layer on the host is part of the image all the same: the limit is on the image, not on this pull's work
                        try {
                            budget.layer().chargeBytes(layers.unpackedSize(diffId));
                        }
                        catch (ImageLimitExceededException e) {
                            throw new ImagePullException("%s: %s".formatted(failure, e.getMessage()), e);
                        }
                    }
                    else {
                        Path blob = ensureBlob(client, parsed, layer);
                        try {
                            storeWrites.incrementAndGet();
                            layers.unpack(diffId, blob, budget);
                        }
                        catch (ImageLimitExceededException e) {
                            log.warn("image {}: layer {} refused: {}", parsed, diffId, e.getMessage());
                            throw new ImagePullException("%s: layer %s refused: %s".formatted(failure, diffId, e.getMessage()), e);
                        }
                        catch (IOException e) {
                            throw new ImagePullException("%s: failed to extract layer %s: %s".formatted(failure, diffId, e.getMessage()), e);
                        }
                        unpacked.incrementAndGet();
                    }
                    return layers.layerPath(diffId);
                }
                finally {
                    lock.unlock();
                }
            });
            Set<Digest> blobs = new HashSet<>();
            blobs.add(top.digest());
            blobs.add(imageManifest.digest());
            blobs.add(manifest.config().digest());
            manifest.layers().forEach(layer -> blobs.add(layer.digest()));
            records.recordUse(parsed.toString(), top.digest(), blobs, Set.copyOf(config.diffIds()), clock.instant());
            log.info("image {} ready: manifest {}, {} layers, {} newly unpacked", parsed, top.digest(), layerPaths.size(), unpacked.get());
            return new PulledImage(reference, top.digest().toString(), config.config(), layerPaths);
        }
        catch (RegistryException e) {
            throw new ImagePullException(failure + ": " + e.getMessage(), e);
        }
        catch (IOException e) {
            throw new ImagePullException(failure + ": " + e.getMessage(), e);
        }
    }

    /** One layer's work in a pull: fetch and unpack it, or find it here; returns its directory. */
    private interface LayerStep
    {
        Path run(int index)
                throws ImagePullException, RegistryException, IOException;
    }

    /**
     * Runs the step for each layer, up to {@link #PARALLEL_LAYERS} at a time, so that one layer's download overlaps
     * another's unpack; returns the layer directories in the manifest's order. The first failure ends the pull: the
     * other layers' work is interrupted (an unpack cut short removes its partial directory) and awaited.
     */
    private static List<Path> forEachLayer(String failure, int count, LayerStep step)
            throws ImagePullException
    {
        if (count <= 1) {
            List<Path> paths = new ArrayList<>();
            for (int index = 0; index < count; index++) {
                paths.add(runStep(failure, step, index));
            }
            return paths;
        }
        ExecutorService workers = Executors.newFixedThreadPool(Math.min(count, PARALLEL_LAYERS), Thread.ofPlatform().name("layer-", 0).daemon().factory());
        CompletionService<Path> completion = new ExecutorCompletionService<>(workers);
        List<Future<Path>> futures = new ArrayList<>();
        try {
            for (int index = 0; index < count; index++) {
                int layer = index;
                futures.add(completion.submit(() -> runStep(failure, step, layer)));
            }
            for (int done = 0; done < count; done++) {
                try {
                    completion.take().get();
                }
                catch (ExecutionException e) {
                    if (e.getCause() instanceof ImagePullException pullFailure) {
                        throw pullFailure;
                    }
                    if (e.getCause() instanceof RuntimeException unexpected) {
                        throw unexpected;
                    }
                    throw new ImagePullException(failure + ": " + e.getCause(), e.getCause());
                }
            }
            return futures.stream().map(Future::resultNow).toList();
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ImagePullException(failure + ": interrupted", e);
        }
        finally {
            workers.shutdownNow();
            awaitLayers(workers);
        }
    }

    private static Path runStep(String failure, LayerStep step, int index)
            throws ImagePullException
    {
        try {
            return step.run(index);
        }
        catch (RegistryException | IOException e) {
            throw new ImagePullException(failure + ": " + e.getMessage(), e);
        }
    }

    private static void awaitLayers(ExecutorService workers)
    {
        try {
            if (!workers.awaitTermination(LAYER_STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                log.warn("layer work of a failed pull still runs after {}; it removes what it leaves when it ends", LAYER_STOP_TIMEOUT);
            }
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Refuses before any download an image whose layers still to fetch are, compressed, already past the limit:
     * a layer seldom unpacks to less than its compressed size, and the store checks each blob against its size.
     */
    private void refuseDownloadsPastTheLimit(String failure, List<Descriptor> layerDescriptors, List<Digest> diffIds)
            throws ImagePullException
    {
        long toDownload = 0;
        for (int index = 0; index < layerDescriptors.size(); index++) {
            Descriptor layer = layerDescriptors.get(index);
            if (layers.contains(diffIds.get(index)) || content.contains(layer.digest())) {
                continue;
            }
            if (layer.size() > limits.maxLayerBytes()) {
                throw new ImagePullException("%s: layer %s is %d bytes compressed, more than the limit of %s per layer; raise it with --max-image-size on berth agent or berth up"
                        .formatted(failure, layer.digest(), layer.size(), ByteSizes.format(limits.maxLayerBytes())));
            }
            toDownload += layer.size();
        }
        if (toDownload > limits.maxImageBytes()) {
            throw new ImagePullException("%s: the image's layers are %d bytes compressed, more than the limit of %s per image; raise it with --max-image-size on berth agent or berth up"
                    .formatted(failure, toDownload, ByteSizes.format(limits.maxImageBytes())));
        }
    }

    /**
     * Resolves the key's tag, or waits for the resolution of it under way and takes its outcome: the tasks of a burst
     * start at once, and each asking the registry would make the cache of what a tag resolved to moments ago serve none
     * of them. The outcome is the same for every pull of the key (same account, credential and tag), a refusal too.
     */
    private FetchedManifest resolveTag(RegistryClient client, ImageReference parsed, boolean offlineFallback, TagResolutionCache.Key cacheKey)
            throws ImagePullException
    {
        CompletableFuture<FetchedManifest> own = new CompletableFuture<>();
        CompletableFuture<FetchedManifest> underWay = resolutionsUnderWay.putIfAbsent(cacheKey, own);
        if (underWay != null) {
            return awaitResolution(parsed, underWay);
        }
        try {
            FetchedManifest top = resolve(client, parsed, offlineFallback);
            tagResolutions.put(cacheKey, top.digest());
            own.complete(top);
            return top;
        }
        catch (ImagePullException | RuntimeException e) {
            own.completeExceptionally(e);
            throw e;
        }
        finally {
            resolutionsUnderWay.remove(cacheKey, own);
        }
    }

    /** The outcome of another pull's resolution of the same tag, its refusal as this pull's own. */
    private static FetchedManifest awaitResolution(ImageReference parsed, CompletableFuture<FetchedManifest> underWay)
            throws ImagePullException
    {
        try {
            // bounded: the resolution under way has the registry's deadlines
            return underWay.get();
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ImagePullException("failed to resolve reference \"%s\": interrupted while another pull resolved it".formatted(parsed));
        }
        catch (ExecutionException e) {
            if (e.getCause() instanceof ImagePullException refused) {
                throw new ImagePullException(refused.getMessage(), refused);
            }
            throw new ImagePullException("failed to resolve reference \"%s\": %s".formatted(parsed, e.getCause()), e.getCause());
        }
    }

    /** The manifest the key's tag resolved to moments ago, from the store; empty when none or no longer stored. */
    private Optional<FetchedManifest> recentlyResolved(TagResolutionCache.Key cacheKey)
    {
        if (cacheKey == null) {
            return Optional.empty();
        }
        Optional<Digest> digest = tagResolutions.get(cacheKey);
        if (digest.isEmpty()) {
            return Optional.empty();
        }
        try {
            if (content.contains(digest.get())) {
                return Optional.of(stored(digest.get()));
            }
        }
        catch (IOException e) {
            log.info("image {}: the manifest {} it resolved to is not readable from the store, resolving again: {}", cacheKey.reference(), digest.get(), e.getMessage());
        }
        tagResolutions.forget(cacheKey);
        return Optional.empty();
    }

    /**
     * The manifest (or index) the reference names, from the registry, or from the store for a known digest offline
     * (when offlineFallback: never for a task's own login, which must prove it may read the image).
     */
    private FetchedManifest resolve(RegistryClient client, ImageReference reference, boolean offlineFallback)
            throws ImagePullException
    {
        String failure = "failed to resolve reference \"%s\"".formatted(reference);
        try {
            FetchedManifest fetched = client.fetchManifest(reference);
            storeManifest(fetched);
            return fetched;
        }
        catch (RegistryException e) {
            if (offlineFallback && e.kind() == RegistryException.Kind.UNREACHABLE && reference.digest().isPresent() && content.contains(reference.digest().get())) {
                log.info("registry for {} unreachable ({}); using the stored manifest", reference, e.getMessage());
                try {
                    return stored(reference.digest().get());
                }
                catch (IOException stored) {
                    throw new ImagePullException(failure + ": " + e.getMessage(), e);
                }
            }
            throw new ImagePullException(failure + ": " + e.getMessage(), e);
        }
        catch (IOException e) {
            throw new ImagePullException(failure + ": cannot store the manifest: " + e.getMessage(), e);
        }
    }

    private FetchedManifest selectPlatform(RegistryClient client, ImageReference reference, FetchedManifest top)
            throws RegistryException, IOException, ImagePullException
    {
        if (MediaTypes.isImageManifest(top.mediaType())) {
            return top;
        }
        if (!MediaTypes.isIndex(top.mediaType())) {
            throw new ImagePullException("failed to pull and unpack image \"%s\": unsupported manifest media type %s".formatted(reference, top.mediaType()));
        }
        List<Descriptor> entries = ManifestParser.parseIndex(top.content());
        Optional<Descriptor> match = entries.stream()
                .filter(entry -> entry.platform().map(candidate -> candidate.runsOn(platform)).orElse(false))
                .findFirst();
        if (match.isEmpty()) {
            List<String> available = entries.stream().map(entry -> entry.platform().map(Object::toString).orElse("unknown")).toList();
            throw new ImagePullException("no matching manifest for %s in the manifest list entries of \"%s\" (available: %s)".formatted(platform, reference, String.join(", ", available)));
        }
        Digest digest = match.get().digest();
        if (content.contains(digest)) {
            return stored(digest);
        }
        FetchedManifest child = client.fetchManifest(reference, digest.toString());
        storeManifest(child);
        if (!MediaTypes.isImageManifest(child.mediaType())) {
            throw new ImagePullException("failed to pull and unpack image \"%s\": the %s entry is a %s, not an image manifest".formatted(reference, platform, child.mediaType()));
        }
        return child;
    }

    /**
     * What an image whose manifest is in the store references, read from the stored manifests and config alone: for an
     * image a task runs that was pulled before image records were kept. Empty when a part is not in the store.
     */
    private Optional<ImageRecord> storedImage(Digest manifestDigest)
    {
        try {
            if (!content.contains(manifestDigest)) {
                return Optional.empty();
            }
            Set<Digest> blobs = new HashSet<>();
            blobs.add(manifestDigest);
            FetchedManifest top = stored(manifestDigest);
            FetchedManifest imageManifest = top;
            if (MediaTypes.isIndex(top.mediaType())) {
                Optional<Digest> child = ManifestParser.parseIndex(top.content()).stream()
                        .filter(entry -> entry.platform().map(candidate -> candidate.runsOn(platform)).orElse(false))
                        .map(Descriptor::digest)
                        .filter(content::contains)
                        .findFirst();
                if (child.isEmpty()) {
                    return Optional.empty();
                }
                imageManifest = stored(child.get());
                blobs.add(child.get());
            }
            ImageManifest manifest = ManifestParser.parseImageManifest(imageManifest.content());
            if (!content.contains(manifest.config().digest())) {
                return Optional.empty();
            }
            blobs.add(manifest.config().digest());
            manifest.layers().forEach(layer -> blobs.add(layer.digest()));
            ManifestParser.ParsedConfig config = ManifestParser.parseConfig(content.read(manifest.config().digest()));
            return Optional.of(new ImageRecord(manifestDigest, Set.of(), blobs, Set.copyOf(config.diffIds()), clock.instant()));
        }
        catch (IOException | RuntimeException e) {
            log.warn("image store: cannot read what image {} references from the store: {}", manifestDigest, e.getMessage());
            return Optional.empty();
        }
    }

    private FetchedManifest stored(Digest digest)
            throws IOException
    {
        byte[] bytes = content.read(digest);
        return new FetchedManifest(ManifestParser.mediaType(bytes, null), digest, bytes);
    }

    /** A tag resolved again (past its cached resolution) fetches a manifest the store may hold already: only a new one counts as a write. */
    private void storeManifest(FetchedManifest manifest)
            throws IOException
    {
        if (!content.contains(manifest.digest())) {
            storeWrites.incrementAndGet();
            content.write(manifest.content());
        }
    }

    private Path ensureBlob(RegistryClient client, ImageReference reference, Descriptor descriptor)
            throws RegistryException
    {
        ReentrantLock lock = lockFor(descriptor.digest());
        lock.lock();
        try {
            if (content.contains(descriptor.digest())) {
                return content.blobPath(descriptor.digest());
            }
            log.info("fetching blob {} of {} ({} bytes)", descriptor.digest(), reference, descriptor.size());
            storeWrites.incrementAndGet();
            return client.fetchBlob(reference, descriptor, content);
        }
        finally {
            lock.unlock();
        }
    }

    private ReentrantLock lockFor(Digest digest)
    {
        return locks.computeIfAbsent(digest, ignored -> new ReentrantLock());
    }
}
