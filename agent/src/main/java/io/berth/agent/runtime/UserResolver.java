package io.berth.agent.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Turns a Docker-style user (empty, name, uid, uid:gid, name:group) into numbers using the image's own
 * /etc/passwd and /etc/group, as Docker does. Files that resolve outside the rootfs (a symlink planted by an
 * image) are treated as missing.
 */
final class UserResolver
{
    private UserResolver() {}

    static ResolvedUser resolve(Path rootfs, String user)
            throws ContainerStartException
    {
        List<PasswdEntry> passwd = readEntries(rootfs, "etc/passwd").stream()
                .map(PasswdEntry::parse).flatMap(Optional::stream).toList();
        List<GroupEntry> groups = readEntries(rootfs, "etc/group").stream()
                .map(GroupEntry::parse).flatMap(Optional::stream).toList();

        String spec = user == null ? "" : user.strip();
        String userPart = spec;
        String groupPart = null;
        int colon = spec.indexOf(':');
        if (colon >= 0) {
            userPart = spec.substring(0, colon);
            groupPart = spec.substring(colon + 1);
        }
        if (userPart.isEmpty()) {
            userPart = "0";
        }

        Optional<PasswdEntry> entry;
        int uid;
        if (isNumber(userPart)) {
            uid = parseId(userPart, "user");
            entry = passwd.stream().filter(candidate -> candidate.uid() == uid).findFirst();
        }
        else {
            String name = userPart;
            entry = passwd.stream().filter(candidate -> candidate.name().equals(name)).findFirst();
            if (entry.isEmpty()) {
                throw new ContainerStartException("user " + name + " is not in the image's /etc/passwd: use a user the image defines or a numeric uid");
            }
            uid = entry.get().uid();
        }

        int gid;
        if (groupPart == null || groupPart.isEmpty()) {
            gid = entry.map(PasswdEntry::gid).orElse(0);
        }
        else if (isNumber(groupPart)) {
            gid = parseId(groupPart, "group");
        }
        else {
            String name = groupPart;
            gid = groups.stream().filter(group -> group.name().equals(name)).findFirst()
                    .orElseThrow(() -> new ContainerStartException("group " + name + " is not in the image's /etc/group: use a group the image defines or a numeric gid"))
                    .gid();
        }

        TreeSet<Integer> additional = new TreeSet<>();
        entry.ifPresent(found -> groups.stream()
                .filter(group -> group.members().contains(found.name()))
                .forEach(group -> additional.add(group.gid())));
        additional.remove(gid);
        String home = entry.map(PasswdEntry::home).filter(value -> !value.isEmpty()).orElse("/");
        return new ResolvedUser(uid, gid, List.copyOf(additional), home);
    }

    private static List<String> readEntries(Path rootfs, String relativePath)
            throws ContainerStartException
    {
        try {
            Path file = rootfs.resolve(relativePath);
            if (!Files.exists(file)) {
                return List.of();
            }
            Path real = file.toRealPath();
            if (!real.startsWith(rootfs.toRealPath()) || !Files.isRegularFile(real)) {
                return List.of();
            }
            return Files.readAllLines(real, StandardCharsets.UTF_8);
        }
        catch (IOException e) {
            throw new ContainerStartException("cannot read /" + relativePath + " of the image: " + e.getMessage(), e);
        }
    }

    private static boolean isNumber(String value)
    {
        return !value.isEmpty() && value.chars().allMatch(Character::isDigit);
    }

    private static int parseId(String value, String kind)
            throws ContainerStartException
    {
        try {
            return Integer.parseInt(value);
        }
        catch (NumberFormatException e) {
            throw new ContainerStartException(kind + " id " + value + " is out of range");
        }
    }

    private record PasswdEntry(String name, int uid, int gid, String home)
    {
        static Optional<PasswdEntry> parse(String line)
        {
            String[] fields = line.split(":", -1);
            if (line.startsWith("#") || fields.length < 7) {
                return Optional.empty();
            }
            try {
                return Optional.of(new PasswdEntry(fields[0], Integer.parseInt(fields[2]), Integer.parseInt(fields[3]), fields[5]));
            }
            catch (NumberFormatException e) {
                return Optional.empty();
            }
        }
    }

    private record GroupEntry(String name, int gid, List<String> members)
    {
        static Optional<GroupEntry> parse(String line)
        {
            String[] fields = line.split(":", -1);
            if (line.startsWith("#") || fields.length < 4) {
                return Optional.empty();
            }
            try {
                List<String> members = fields[3].isBlank() ? List.of() : List.of(fields[3].strip().split(","));
                return Optional.of(new GroupEntry(fields[0], Integer.parseInt(fields[2]), members));
            }
            catch (NumberFormatException e) {
                return Optional.empty();
            }
        }
    }
}
