package io.berth.agent.upgrading;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

import javax.tools.ToolProvider;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.zip.GZIPOutputStream;

/** Small Berth builds for tests: tars of jars, one of them with an io.berth.cli.Main that says a version, compiled here. */
final class TestBuilds
{
    private TestBuilds() {}

    /** A build whose io.berth.cli.Main prints versionLine, as `berth --version` does, and a library beside it. */
    static Path build(Path directory, String versionLine, boolean gzip)
            throws IOException
    {
        Path sources = Files.createDirectories(directory.resolve("src/io/berth/cli"));
        Files.writeString(sources.resolve("Main.java"), "package io.berth.cli; public class Main { public static void main(String[] arguments) { System.out.println(\""
                + versionLine + "\"); } }");
        Path classes = Files.createDirectories(directory.resolve("classes"));
        int compiled = ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d", classes.toString(), sources.resolve("Main.java").toString());
        if (compiled != 0) {
            throw new IOException("javac failed: " + compiled);
        }
        byte[] cli = jar(Map.of("io/berth/cli/Main.class", Files.readAllBytes(classes.resolve("io/berth/cli/Main.class"))));
        return tar(directory, Map.of("./berth-cli-9.9.9-test.jar", cli, "lib/library.jar", jar(Map.of("library/Thing.class", new byte[] {1})), "README.md", new byte[] {1}), gzip);
    }

    static Path tar(Path directory, Map<String, byte[]> files, boolean gzip)
            throws IOException
    {
        Path archive = Files.createTempFile(directory, "build", gzip ? ".tar.gz" : ".tar");
        try (OutputStream file = Files.newOutputStream(archive);
                OutputStream out = gzip ? new GZIPOutputStream(file) : file;
                TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            for (Map.Entry<String, byte[]> entry : files.entrySet()) {
                TarArchiveEntry header = new TarArchiveEntry(entry.getKey());
                header.setSize(entry.getValue().length);
                tar.putArchiveEntry(header);
                tar.write(entry.getValue());
                tar.closeArchiveEntry();
            }
        }
        return archive;
    }

    static byte[] jar(Map<String, byte[]> entries)
            throws IOException
    {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarOutputStream jar = new JarOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
                jar.putNextEntry(new JarEntry(entry.getKey()));
                jar.write(entry.getValue());
                jar.closeEntry();
            }
        }
        return bytes.toByteArray();
    }
}
