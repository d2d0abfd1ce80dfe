package io.berth.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static java.util.Objects.requireNonNull;

/**
 * Sends probes from inside a network namespace (a task's, or a test host's) with the machine's static busybox,
 * entered with nsenter --net: what a process of that task sees of the network, with root's capabilities there
 * (raw sockets for ping, forged ARP and spoofed source addresses), as a hostile container would have them.
 * Every probe has a short deadline of its own and a hard one for the process.
 */
record TaskNamespaceProbe(Path namespace)
{
    private static final String BUSYBOX = "/bin/busybox";
    private static final long PROCESS_DEADLINE_SECONDS = 20;

    TaskNamespaceProbe
    {
        requireNonNull(namespace, "namespace is null");
    }

    static TaskNamespaceProbe of(String namespaceName)
    {
        return new TaskNamespaceProbe(Path.of("/run/netns", namespaceName));
    }

    /** The body of http://ADDRESS:PORT/PATH, or null when no HTTP answer came within 3 s (refused, dropped, error status). */
    String httpGet(String address, int port, String path)
            throws IOException, InterruptedException
    {
        Result result = wget("http://" + address + ":" + port + path);
        return result.exitCode() == 0 ? result.output() : null;
    }

    /** Whether anything answered HTTP at ADDRESS:PORT at all, an error status included (wget names the status then). */
    boolean answersHttp(String address, int port)
            throws IOException, InterruptedException
    {
        Result result = wget("http://" + address + ":" + port + "/");
        return result.exitCode() == 0 || result.output().contains("server returned error");
    }

    /** Whether one ICMP echo to address is answered within 2 s. */
    boolean pings(String address)
            throws IOException, InterruptedException
    {
        return busybox("ping", "-c", "1", "-W", "2", address).exitCode() == 0;
    }

    /** As {@link #pings}, sending from source (an address this namespace was given, maybe another's). */
    boolean pingsFrom(String source, String address)
            throws IOException, InterruptedException
    {
        return busybox("ping", "-c", "1", "-W", "2", "-I", source, address).exitCode() == 0;
    }

    /**
     * Whether a UDP datagram reaches address: traceroute sends UDP probes to an unused port, and the target answers
     * with ICMP port unreachable, which traceroute prints as a hop with the target's address. A datagram that is
     * dropped on the way gets no answer ("*").
     */
    boolean udpReaches(String address)
            throws IOException, InterruptedException
    {
        Result result = busybox("traceroute", "-n", "-q", "1", "-w", "2", "-m", "4", address);
        return result.output().lines().skip(1).anyMatch(line -> line.contains(" " + address + " "));
    }

    /** Sends forged ARP answers that say claimedAddress is at this namespace's eth0, to target (or broadcast). */
    void forgeArpReplies(String claimedAddress, String target)
            throws IOException, InterruptedException
    {
        // arping binds to the address it claims; a hostile process with a raw socket needs no such thing
        busybox("sysctl", "-w", "net.ipv4.ip_nonlocal_bind=1");
        // answers and unsolicited requests at once: each arping spends its seconds waiting between packets
        new ConcurrentChecks()
                .add("forged ARP answers", () -> busybox("arping", "-A", "-c", "3", "-w", "3", "-I", "eth0", "-s", claimedAddress, target))
                .add("forged unsolicited ARP requests", () -> busybox("arping", "-U", "-c", "3", "-w", "3", "-I", "eth0", "-s", claimedAddress, target))
                .runAll(2, Duration.ofSeconds(PROCESS_DEADLINE_SECONDS + 5));
    }

    /** Runs ip with arguments in this namespace and returns what it printed (for neighbours, addresses). */
    String ip(String... arguments)
            throws IOException, InterruptedException
    {
        List<String> command = new ArrayList<>(List.of("ip"));
        command.addAll(List.of(arguments));
        return run(command).output();
    }

    /** Runs nft with arguments in this namespace and returns what it printed. */
    String nft(String... arguments)
            throws IOException, InterruptedException
    {
        List<String> command = new ArrayList<>(List.of("nft"));
        command.addAll(List.of(arguments));
        return run(command).output();
    }

    /** The TCP connections of this namespace, as netstat -tn prints them (TIME_WAIT ones included). */
    String netstat()
            throws IOException, InterruptedException
    {
        return busybox("netstat", "-tn").output();
    }

    /** The ICMP counter of this namespace named field (e.g. InEchos), from /proc/net/snmp. */
    long icmpCounter(String field)
            throws IOException, InterruptedException
    {
        List<String> lines = busybox("cat", "/proc/net/snmp").output().lines().filter(line -> line.startsWith("Icmp:")).toList();
        List<String> names = List.of(lines.get(0).split("\\s+"));
        List<String> values = List.of(lines.get(1).split("\\s+"));
        return Long.parseLong(values.get(names.indexOf(field)));
    }

    /** A listener on address:port in this namespace serving a page with text; the caller stops it. */
    Process startHttpServer(String address, int port, Path directory, String text)
            throws IOException
    {
        java.nio.file.Files.createDirectories(directory);
        java.nio.file.Files.writeString(directory.resolve("index.html"), text);
        return cleanEnvironment(new ProcessBuilder(List.of("nsenter", "--net=" + namespace, "--", BUSYBOX, "httpd", "-f", "-p", address + ":" + port, "-h", directory.toString())))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
    }

    /** busybox 1.35's static wget crashes with -T, so coreutils' timeout gives it its deadline. */
    private Result wget(String url)
            throws IOException, InterruptedException
    {
        return run(List.of("timeout", "3", BUSYBOX, "wget", "-q", "-O", "-", url));
    }

    private Result busybox(String... arguments)
            throws IOException, InterruptedException
    {
        List<String> command = new ArrayList<>(List.of(BUSYBOX));
        command.addAll(List.of(arguments));
        return run(command);
    }

    private Result run(List<String> command)
            throws IOException, InterruptedException
    {
        List<String> wrapped = new ArrayList<>(List.of("nsenter", "--net=" + namespace, "--"));
        wrapped.addAll(command);
        Process process = cleanEnvironment(new ProcessBuilder(wrapped)).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        // the output is small; read it on another thread so a hung probe still meets the deadline
        var output = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            }
            catch (IOException e) {
                return "";
            }
        }, Thread::startVirtualThread);
        if (!process.waitFor(PROCESS_DEADLINE_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException(String.join(" ", wrapped) + " did not finish within " + PROCESS_DEADLINE_SECONDS + " s");
        }
        return new Result(process.exitValue(), output.join());
    }

    /** busybox's static wget crashes (SIGSEGV) with some environments a test JVM inherits; a task's would be small too. */
    private static ProcessBuilder cleanEnvironment(ProcessBuilder builder)
    {
        builder.environment().clear();
        builder.environment().put("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        return builder;
    }

    private record Result(int exitCode, String output) {}
}
