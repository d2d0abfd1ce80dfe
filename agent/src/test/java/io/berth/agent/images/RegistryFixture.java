package io.berth.agent.images;

import io.berth.common.files.FileTrees;
import io.berth.testing.TestRegistry;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static java.util.Objects.requireNonNull;

/**
 * A real docker-registry on loopback for the whole test class, a scratch directory to build the images pushed to
 * it, and a client that pulls them back: register it as a static {@code @RegisterExtension} field. It starts before
 * the class's {@code @BeforeAll} methods (which push the images) and is stopped and removed after its tests.
 */
final class RegistryFixture
        implements BeforeAllCallback, AfterAllCallback
{
    private final String imagesPrefix;
    private TestRegistry registry;
    private Path images;
    private RegistryClient client;

    /** {@code imagesPrefix} names the scratch directory, so a leftover one says which test left it. */
    RegistryFixture(String imagesPrefix)
    {
        this.imagesPrefix = requireNonNull(imagesPrefix, "imagesPrefix is null");
    }

    @Override
    public void beforeAll(ExtensionContext context)
            throws IOException
    {
        client = new RegistryClient(RegistryAccessPolicy.loopbackOnly(), RegistryCredentials.none());
        registry = TestRegistry.start();
        images = Files.createTempDirectory(imagesPrefix);
    }

    @Override
    public void afterAll(ExtensionContext context)
            throws IOException
    {
        if (client != null) {
            client.close();
            client = null;
        }
        if (registry != null) {
            registry.close();
            registry = null;
        }
        if (images != null) {
            FileTrees.deleteRecursively(images);
            images = null;
        }
    }

    TestRegistry registry()
    {
        return started(registry);
    }

    Path images()
    {
        return started(images);
    }

    RegistryClient client()
    {
        return started(client);
    }

    private static <T> T started(T value)
    {
        if (value == null) {
            throw new IllegalStateException("no registry: register RegistryFixture as a static @RegisterExtension field");
        }
        return value;
    }
}
