package io.berth.cli;

import io.berth.agent.images.ImageImportException;
import io.berth.agent.images.ImageImporter;
import io.berth.agent.images.ImportedImage;
import io.berth.agent.images.RegistryAccessPolicy;
import io.berth.agent.images.RegistryClient;
import io.berth.agent.images.RegistryCredentials;
import io.berth.cli.commands.ImageImport;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * `berth image import` against the registry of the Berth named in the environment (BERTH_REGISTRY, which
 * berth.env sets), the one `berth up` runs.
 */
final class RegistryImageImport
        implements ImageImport
{
    private final Map<String, String> environment;

    RegistryImageImport(Map<String, String> environment)
    {
        this.environment = Map.copyOf(environment);
    }

    @Override
    public String importImage(Path archive, Optional<String> reference)
            throws IOException
    {
        String registry = environment.get("BERTH_REGISTRY");
        if (registry == null || registry.isBlank()) {
            throw new IOException("BERTH_REGISTRY is not set: source the berth.env that `berth up` wrote (. DATA_DIR/berth.env)");
        }
        try (RegistryClient client = new RegistryClient(new RegistryAccessPolicy(Set.of(registry)), RegistryCredentials.none())) {
            ImportedImage imported = new ImageImporter(client, registry).importImage(archive, reference);
            return imported.reference().toString();
        }
        catch (ImageImportException e) {
            throw new IOException(e.getMessage(), e);
        }
    }
}
