package io.berth.agent.network;

import io.berth.common.network.Ipv4Cidr;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

import static java.util.Objects.requireNonNull;

/**
 * The addresses of this host's slice handed to tasks, kept on disk as the CNI host-local IPAM plugin keeps them (a file
 * per address in the network's directory, holding the owner's id and interface; the last one handed out in
 * {@code last_reserved_ip.0}), so addresses the plugin gave (an agent from before, or one run under a command prefix)
 * and addresses given here are one pool, and either can give back what the other handed out. An address is taken by
 * creating its file exclusively, which no other process can win twice; the lock keeps this process's own callers
 * from walking the same addresses at once. The gateway (the slice's first host) and the network and broadcast
 * addresses are never handed out. Addresses go round the slice, as the plugin's do, so one given back is the last
 * to come again.
 */
final class HostLocalAddresses
{
    private static final String LAST_RESERVED = "last_reserved_ip.0";
    /** What separates the owner's id from its interface in an address's file, as the plugin writes it. */
    private static final String LINE_BREAK = "\r\n";

    private final Path directory;
    private final ReentrantLock lock = new ReentrantLock();

    /** @param directory the network's directory: the plugin's dataDir with the network's name below it */
    HostLocalAddresses(Path directory)
    {
        this.directory = requireNonNull(directory, "directory is null");
    }

    /** Takes the next free address of slice for owner's interface; fails when the slice has none left. */
    long take(Ipv4Cidr slice, String owner, String interfaceName)
            throws NetworkException
    {
        long gateway = Ipv4Cidr.parseAddress(slice.firstHost());
        long first = gateway + 1;
        long last = slice.lastAddress() - 1;
        if (last < first) {
            throw new NetworkException("the slice " + slice + " has no address for a task beside its gateway");
        }
        lock.lock();
        try {
            Files.createDirectories(directory);
            long start = lastReserved().filter(address -> address >= first && address <= last).map(address -> address + 1).orElse(first);
            for (long i = 0; i <= last - first; i++) {
                long candidate = first + Math.floorMod(start - first + i, last - first + 1);
                if (reserve(candidate, owner, interfaceName)) {
                    Files.writeString(directory.resolve(LAST_RESERVED), Ipv4Cidr.formatAddress(candidate), StandardCharsets.US_ASCII);
                    return candidate;
                }
            }
            throw new NetworkException("every address of this host's slice " + slice + " is taken: stop a task or give the host a larger slice");
        }
        catch (IOException e) {
            throw new NetworkException("could not take an address of " + slice + " in " + directory + ": " + e.getMessage(), e);
        }
        finally {
            lock.unlock();
        }
    }

    /**
     * Gives back address when owner holds it; with no address known (a set-up cut short before its result was kept),
     * whichever addresses owner holds. An address held by someone else stays.
     */
    void release(Optional<String> address, String owner)
            throws NetworkException
    {
        lock.lock();
        try {
            if (address.isPresent()) {
                releaseIfOwned(directory.resolve(address.get()), owner);
                return;
            }
            if (!Files.isDirectory(directory)) {
                return;
            }
            try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
                for (Path file : files) {
                    if (isAddressFile(file)) {
                        releaseIfOwned(file, owner);
                    }
                }
            }
        }
        catch (IOException e) {
            throw new NetworkException("could not give back the address of " + owner + " in " + directory + ": " + e.getMessage(), e);
        }
        finally {
            lock.unlock();
        }
    }

    private boolean reserve(long address, String owner, String interfaceName)
            throws IOException
    {
        try {
            Files.writeString(directory.resolve(Ipv4Cidr.formatAddress(address)), owner.strip() + LINE_BREAK + interfaceName, StandardCharsets.US_ASCII,
                    StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            return true;
        }
        catch (FileAlreadyExistsException e) {
            return false;
        }
    }

    private static void releaseIfOwned(Path file, String owner)
            throws IOException
    {
        try {
            // the plugin's files say "id\r\ninterface"; its older ones the id alone
            String held = Files.readString(file, StandardCharsets.US_ASCII).strip();
            int lineBreak = held.indexOf(LINE_BREAK);
            if ((lineBreak < 0 ? held : held.substring(0, lineBreak)).equals(owner.strip())) {
                Files.deleteIfExists(file);
            }
        }
        catch (NoSuchFileException e) {
            // given back already
        }
    }

    private Optional<Long> lastReserved()
            throws IOException
    {
        try {
            return Optional.of(Ipv4Cidr.parseAddress(Files.readString(directory.resolve(LAST_RESERVED), StandardCharsets.US_ASCII).strip()));
        }
        catch (NoSuchFileException e) {
            return Optional.empty();
        }
        catch (IllegalArgumentException e) {
            // a file cut short by a crash: start from the slice's beginning, as the plugin does
            return Optional.empty();
        }
    }

    private static boolean isAddressFile(Path file)
    {
        String name = file.getFileName().toString();
        return name.chars().allMatch(c -> c == '.' || Character.isDigit(c)) && name.chars().filter(c -> c == '.').count() == 3;
    }
}
