package io.berth.e2e;

import io.berth.testing.BerthJvm;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Berth builds for upgrade tests, made without a second Maven build: the Berth this test runs (the class path of
 * {@link BerthJvm#forTests()}) packed as the tar `berth host upgrade` takes, its CLI jar (the one with io.berth.cli.Main)
 * at the top with another Implementation-Version, which is what `berth --version` and the agent announce, and its runtime
 * libraries in lib/. A directory on the class path (target/classes) is packed as a jar.
 */
final class BerthBuilds
{
    private static final String MAIN_CLASS = "io/berth/cli/Main.class";

    private BerthBuilds() {}

    /** Writes the build of version to file, with the libraries whose jar name keep accepts. */
    static Path write(Path file, String version, Predicate<String> keep)
            throws IOException
    {
        List<String> classPath = List.of(BerthJvm.forTests().classPath().split(":"));
        Set<String> runtimeLibraries = runtimeLibraries(classPath);
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(Files.newOutputStream(file))) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            int index = 0;
            for (String element : classPath) {
                Path path = Path.of(element);
                if (!Files.exists(path)) {
                    continue;
                }
                String name = jarName(path);
                if (holdsMainClass(path)) {
                    add(tar, "berth-cli-" + version + ".jar", jar(path, version));
                }
                else if (keep.test(name) && (runtimeLibraries == null || runtimeLibraries.contains(name))) {
                    String entry = "lib/%03d-%s".formatted(index++, name);
                    if (Files.isDirectory(path)) {
                        add(tar, entry, jar(path, null));
                    }
                    else {
                        TarArchiveEntry header = new TarArchiveEntry(path, entry);
                        tar.putArchiveEntry(header);
                        Files.copy(path, tar);
                        tar.closeArchiveEntry();
                    }
                }
            }
        }
        return file;
    }

    /**
     * The file names of the CLI's runtime libraries, which Maven copies beside its jar (cli/target/lib): the test's own
     * libraries (the AWS SDK, JUnit) are left out of the build. Null when there is no such directory: then all go in.
     */
    private static Set<String> runtimeLibraries(List<String> classPath)
            throws IOException
    {
        for (String element : classPath) {
            Path path = Path.of(element);
            if (Files.exists(path) && holdsMainClass(path)) {
                Path libraries = path.toAbsolutePath().getParent().resolve("lib");
                if (!Files.isDirectory(libraries)) {
                    return null;
                }
                try (Stream<Path> files = Files.list(libraries)) {
                    return files.map(file -> file.getFileName().toString()).collect(Collectors.toSet());
                }
            }
        }
        return null;
    }

    /** A jar's file name; for a directory (MODULE/target/classes) MODULE-classes.jar. */
    private static String jarName(Path path)
    {
        if (Files.isDirectory(path)) {
            Path module = path.getParent() != null && path.getParent().getParent() != null ? path.getParent().getParent().getFileName() : path.getFileName();
            return module + "-" + path.getFileName() + ".jar";
        }
        return path.getFileName().toString();
    }

    private static boolean holdsMainClass(Path path)
            throws IOException
    {
        if (Files.isDirectory(path)) {
            return Files.exists(path.resolve(MAIN_CLASS));
        }
        try (JarFile jar = new JarFile(path.toFile())) {
            return jar.getEntry(MAIN_CLASS) != null;
        }
    }

    /** The classes of a directory or jar as a jar, with a manifest naming version (none when null). */
    private static byte[] jar(Path path, String version)
            throws IOException
    {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (version != null) {
            manifest.getMainAttributes().put(Attributes.Name.IMPLEMENTATION_VERSION, version);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarOutputStream out = new JarOutputStream(bytes, manifest)) {
            if (Files.isDirectory(path)) {
                try (Stream<Path> files = Files.walk(path)) {
                    for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                        String name = path.relativize(file).toString();
                        if (!name.equals("META-INF/MANIFEST.MF")) {
                            out.putNextEntry(new JarEntry(name));
                            Files.copy(file, out);
                            out.closeEntry();
                        }
                    }
                }
            }
            else {
                try (JarFile jar = new JarFile(path.toFile())) {
                    for (JarEntry entry : jar.stream().filter(entry -> !entry.isDirectory() && !entry.getName().equals("META-INF/MANIFEST.MF")).toList()) {
                        out.putNextEntry(new JarEntry(entry.getName()));
                        try (InputStream in = jar.getInputStream(entry)) {
                            in.transferTo(out);
                        }
                        out.closeEntry();
                    }
                }
            }
        }
        return bytes.toByteArray();
    }

    private static void add(TarArchiveOutputStream tar, String name, byte[] content)
            throws IOException
    {
        TarArchiveEntry entry = new TarArchiveEntry(name);
        entry.setSize(content.length);
        tar.putArchiveEntry(entry);
        tar.write(content);
        tar.closeArchiveEntry();
    }
}
