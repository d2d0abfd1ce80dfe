package io.berth.agent.images;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Hand-made layer tars for the unpacker tests: entries are written as given, so hostile names reach the unpacker unchanged. */
final class LayerTars
{
    private LayerTars() {}

    /** One tar entry and its content ({@code null} for entries that carry none: directories, links, devices). */
    record Item(TarArchiveEntry entry, byte[] content) {}

    static Item directory(String name, int mode, int owner)
    {
        TarArchiveEntry entry = new TarArchiveEntry(name, TarConstants.LF_DIR);
        entry.setMode(040000 | mode);
        entry.setUserId(owner);
        entry.setGroupId(owner);
        return new Item(entry, null);
    }

    /** A regular file of mode 0644 owned by root. */
    static Item file(String name, String content)
    {
        return file(name, content, 0644, 0);
    }

    static Item file(String name, String content, int mode, int owner)
    {
        TarArchiveEntry entry = new TarArchiveEntry(name, TarConstants.LF_NORMAL, true);
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        entry.setMode(0100000 | mode);
        entry.setSize(bytes.length);
        entry.setUserId(owner);
        entry.setGroupId(owner);
        return new Item(entry, bytes);
    }

    static Item symlink(String name, String target)
    {
        TarArchiveEntry entry = new TarArchiveEntry(name, TarConstants.LF_SYMLINK, true);
        entry.setLinkName(target);
        return new Item(entry, null);
    }

    static Item hardlink(String name, String target)
    {
        TarArchiveEntry entry = new TarArchiveEntry(name, TarConstants.LF_LINK, true);
        entry.setLinkName(target);
        return new Item(entry, null);
    }

    /** Writes entries verbatim (preserveAbsolutePath), so hostile names reach the unpacker unchanged. */
    static byte[] tar(List<Item> items)
            throws IOException
    {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (Item item : items) {
                tar.putArchiveEntry(item.entry());
                if (item.content() != null) {
                    tar.write(item.content());
                }
                tar.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }

    static byte[] gzip(byte[] content)
            throws IOException
    {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = new GzipCompressorOutputStream(bytes)) {
            out.write(content);
        }
        return bytes.toByteArray();
    }
}
