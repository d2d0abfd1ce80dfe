package io.berth.testing;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * How to run the berth command as a separate JVM: the java binary, the class path holding Berth, and the JVM's
 * options. The class path is this JVM's own (under surefire, the forked test JVM's real one), so a test or a
 * benchmark runs the Berth it was built with.
 */
public record BerthJvm(Path javaBinary, String classPath, List<String> jvmOptions)
{
    /**
     * The options the `berth` launcher runs a host's servers with (`berth up|agent`, scripts/jvm.sh): the full JIT and
     * a heap that starts small. What a benchmark of a server's throughput runs it with.
     */
    public static final List<String> SERVER_OPTIONS = List.of("--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC", "-Xms16m", "-XX:MinHeapFreeRatio=10",
            "-XX:MaxHeapFreeRatio=30", "-XX:TrimNativeHeapInterval=5000");
    /** The options the launcher runs the fleet's control plane with (`berth server`, scripts/jvm.sh): the server's, with G1. */
    public static final List<String> CONTROL_PLANE_OPTIONS = List.of("--enable-native-access=ALL-UNNAMED", "-XX:+UseG1GC", "-Xms16m", "-XX:MinHeapFreeRatio=10",
            "-XX:MaxHeapFreeRatio=30", "-XX:TrimNativeHeapInterval=5000");
    /** The options of the `berth` launcher script for a short-lived command: a fast start matters more than peak throughput. */
    public static final List<String> BERTH_SCRIPT_OPTIONS = List.of("--enable-native-access=ALL-UNNAMED", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto");
    /** For tests: the launcher's options with a small heap, since many such JVMs share the test machine. */
    public static final List<String> TEST_OPTIONS = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m");

    public BerthJvm
    {
        requireNonNull(javaBinary, "javaBinary is null");
        requireNonNull(classPath, "classPath is null");
        jvmOptions = List.copyOf(jvmOptions);
    }

    /** This JVM's java binary and class path, with jvmOptions. */
    public static BerthJvm current(List<String> jvmOptions)
    {
        // surefire's forked JVM sees a manifest-only jar as its class path; this property holds the real one
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        return new BerthJvm(Path.of(System.getProperty("java.home"), "bin", "java"), classPath, jvmOptions);
    }

    public static BerthJvm forTests()
    {
        return current(TEST_OPTIONS);
    }

    /** The command line of `berth ARGUMENTS`, optionally inside a test host's network namespace. */
    public List<String> command(java.util.Optional<NetnsHost> host, List<String> arguments)
    {
        List<String> java = new ArrayList<>();
        java.add(javaBinary.toString());
        java.addAll(jvmOptions);
        java.addAll(List.of("-cp", classPath, "io.berth.cli.Main"));
        java.addAll(arguments);
        return host.map(netns -> netns.command(java)).orElse(java);
    }
}
