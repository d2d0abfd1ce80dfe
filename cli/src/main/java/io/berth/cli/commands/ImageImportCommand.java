package io.berth.cli.commands;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;

import static java.util.Objects.requireNonNull;

/** berth image import: puts a local image archive into Berth's registry and prints the reference to run it by. */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = "Import an image archive (OCI layout or `docker save` tarball) so tasks can run it.")
public final class ImageImportCommand
        implements Callable<Integer>
{
    private final Optional<ImageImport> importer;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "Image archive (.tar) or OCI layout directory")
    Path archive;

    @Option(names = {"-t", "--tag", "--name"}, paramLabel = "NAME[:TAG]", description = "Name to give the image (default: the archive's own)")
    String tag;

    /** Without an importer (see {@link BerthCommandFactory}), the command explains that it is unavailable. */
    public ImageImportCommand()
    {
        this.importer = Optional.empty();
    }

    public ImageImportCommand(ImageImport importer)
    {
        this.importer = Optional.of(requireNonNull(importer, "importer is null"));
    }

    @Override
    public Integer call()
    {
        ImageImport imageImport = importer.orElseThrow(() -> new CommandFailedException("image import is not available in this build of berth"));
        if (!Files.exists(archive)) {
            throw new CommandFailedException("no such file: " + archive);
        }
        String reference;
        try {
            reference = imageImport.importImage(archive, Optional.ofNullable(tag));
        }
        catch (IOException e) {
            throw new CommandFailedException("cannot import " + archive + ": " + e.getMessage());
        }
        spec.commandLine().getOut().println(reference);
        spec.commandLine().getOut().flush();
        return 0;
    }
}
