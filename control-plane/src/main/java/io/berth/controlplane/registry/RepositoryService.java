package io.berth.controlplane.registry;

import io.berth.controlplane.resources.Page;
import io.berth.controlplane.store.Store;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The repositories of each account and the images in them. Every method takes the calling account and sees only
 * its repositories: another account's repository is not found, exactly as one that does not exist. Images are
 * the registry's; this service reads and removes them through {@link RegistryContents}.
 */
public final class RepositoryService
{
    private static final Logger log = LoggerFactory.getLogger(RepositoryService.class);

    private final Store store;
    private final RegistryContents contents;
    private final Clock clock;

    public RepositoryService(Store store, RegistryContents contents, Clock clock)
    {
        this.store = requireNonNull(store, "store is null");
        this.contents = requireNonNull(contents, "contents is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    public Repository create(String accountId, String name)
    {
        RepositoryNames.check(name);
        Repository repository = new Repository(accountId, name, clock.instant(), false);
        if (!store.inTransaction(transaction -> transaction.repositories().insertIfAbsent(repository))) {
            throw RepositoryException.alreadyExists(accountId, name);
        }
        log.info("account {} created repository {}", accountId, name);
        return repository;
    }

    /** The named repositories of the account, in the order named; the first missing one fails the call, as in ECR. */
    public List<Repository> describe(String accountId, List<String> names)
    {
        List<Repository> found = new ArrayList<>();
        for (String name : names) {
            found.add(find(accountId, RepositoryNames.check(name)));
        }
        return found;
    }

    public Page<Repository> list(String accountId, int offset, int maxResults)
    {
        List<Repository> rows = store.inTransaction(transaction -> transaction.repositories().list(accountId, offset, maxResults + 1));
        return Page.of(rows, offset, maxResults);
    }

    public Repository find(String accountId, String name)
    {
        return store.inTransaction(transaction -> transaction.repositories().find(accountId, name))
                .orElseThrow(() -> RepositoryException.notFound(accountId, name));
    }

    /** Deletes the repository; one that still holds images only with force, which deletes them first. */
    public Repository delete(String accountId, String name, boolean force)
    {
        Repository repository = find(accountId, RepositoryNames.check(name));
        List<RegistryImage> images = contents.images(repository.path());
        if (!images.isEmpty() && !force) {
            throw RepositoryException.notEmpty(accountId, name);
        }
        for (RegistryImage image : images) {
            contents.deleteManifest(repository.path(), image.digest());
        }
        store.useTransaction(transaction -> transaction.repositories().delete(accountId, name));
        log.info("account {} deleted repository {} ({} images)", accountId, name, images.size());
        return repository;
    }

    public List<RegistryImage> images(String accountId, String name)
    {
        Repository repository = find(accountId, RepositoryNames.check(name));
        return contents.images(repository.path());
    }

    /** Removes the images named; each that cannot be removed comes back as a failure with ECR's code. */
    public ImageDeletion deleteImages(String accountId, String name, List<ImageId> imageIds)
    {
        Repository repository = find(accountId, RepositoryNames.check(name));
        List<RegistryImage> images = contents.images(repository.path());
        List<ImageId> deleted = new ArrayList<>();
        List<ImageDeletion.Failure> failures = new ArrayList<>();
        for (ImageId imageId : imageIds) {
            if (imageId.digest() == null && imageId.tag() == null) {
                failures.add(new ImageDeletion.Failure(imageId, "MissingDigestAndTag", "Invalid request parameters: both tag and digest cannot be null"));
                continue;
            }
            Optional<RegistryImage> byDigest = images.stream().filter(image -> image.digest().equals(imageId.digest())).findFirst();
            Optional<RegistryImage> byTag = images.stream().filter(image -> image.tags().contains(imageId.tag())).findFirst();
            Optional<RegistryImage> target = imageId.digest() != null ? byDigest : byTag;
            if (target.isEmpty() || (imageId.tag() != null && byTag.isEmpty())) {
                failures.add(new ImageDeletion.Failure(imageId, "ImageNotFound", "Requested image not found"));
                continue;
            }
            if (imageId.tag() != null && imageId.digest() != null && !byTag.get().digest().equals(imageId.digest())) {
                failures.add(new ImageDeletion.Failure(imageId, "ImageTagDoesNotMatchDigest", "Invalid request parameters: image tag digest did not match image digest"));
                continue;
            }
            RegistryImage image = target.get();
            if (imageId.digest() == null && image.tags().size() > 1) {
                // the registry removes manifests, not single tags: removing this one would take the others too
                failures.add(new ImageDeletion.Failure(imageId, "InvalidImageTag",
                        "The image also has the tags %s; Berth's registry removes whole images: delete it by imageDigest %s".formatted(
                                image.tags().stream().filter(tag -> !tag.equals(imageId.tag())).toList(), image.digest())));
                continue;
            }
            if (contents.deleteManifest(repository.path(), image.digest())) {
                deleted.add(new ImageId(image.digest(), imageId.tag()));
                images = images.stream().filter(other -> !other.digest().equals(image.digest())).toList();
            }
            else {
                failures.add(new ImageDeletion.Failure(imageId, "ImageNotFound", "Requested image not found"));
            }
        }
        return new ImageDeletion(deleted, failures);
    }

    /** The operator opens (or closes) an account's repository to every account, for pulls only. */
    public Repository setPublic(String accountId, String name, boolean publicRead)
    {
        RepositoryNames.check(name);
        if (!store.inTransaction(transaction -> transaction.repositories().setPublicRead(accountId, name, publicRead))) {
            throw RepositoryException.notFound(accountId, name);
        }
        log.info("repository {}/{} is now {}", accountId, name, publicRead ? "public (every account may pull)" : "private");
        return find(accountId, name);
    }

    /** The repository of the path ACCOUNT_ID/NAME, of any account; empty when there is none. */
    Optional<Repository> atPath(String path)
    {
        int slash = path.indexOf('/');
        if (slash <= 0 || !RepositoryNames.isValid(path.substring(slash + 1))) {
            return Optional.empty();
        }
        return store.inTransaction(transaction -> transaction.repositories().find(path.substring(0, slash), path.substring(slash + 1)));
    }

    /** The caller's repository at name, made on its first push as ECR's create-on-push does. */
    Repository ownForPush(String accountId, String name)
    {
        Repository repository = new Repository(accountId, name, clock.instant(), false);
        if (store.inTransaction(transaction -> transaction.repositories().insertIfAbsent(repository))) {
            log.info("account {} created repository {} by pushing to it", accountId, name);
        }
        return find(accountId, name);
    }
}
