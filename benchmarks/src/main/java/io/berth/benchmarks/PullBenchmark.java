package io.berth.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.berth.agent.images.PulledImage;
import io.berth.agent.images.RegistryAccessPolicy;
import io.berth.agent.images.RegistryClient;
import io.berth.agent.images.RegistryCredentials;
import io.berth.agent.images.RegistryImageService;
import io.berth.common.files.FileTrees;
import io.berth.testing.TestRegistry;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Pull and unpack throughput of a large multi-layer image ({@link LargeImage}, about 500 MB of random and
 * compressible files) from a local docker-registry into a cold store, next to the same image fetched with
 * {@code skopeo copy docker://... oci:DIR} and its layers unpacked with {@code tar -xzf}, one after the other, in the
 * same run. Berth is measured through the agent's own image service (download, digest check, gunzip, untar, diff id
 * check). Rounds alternate which side goes first; the median round is reported. Throughput counts the image's
 * unpacked file bytes (MB = 10^6 bytes) per second of wall time; CPU is the processes' own user and system time
 * (this JVM for Berth; skopeo, tar and gzip for the baseline), the registry's being left out of both.
 */
public final class PullBenchmark
{
    /** Berth must be at least as fast as the baseline. */
    static final double TARGET_RATIO = 1.0;
    private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(10);
    private static final double TICKS_PER_SECOND = 100.0;

    private PullBenchmark() {}

    public static void main(String[] arguments)
    {
        BenchmarkMain.run(arguments, PullBenchmark::run);
    }

    /** One measured pull: wall seconds and CPU seconds. */
    record Sample(double wallSeconds, double cpuSeconds)
    {
        double megabytesPerSecond(long bytes)
        {
            return bytes / 1e6 / wallSeconds;
        }

        double cores()
        {
            return cpuSeconds / wallSeconds;
        }
    }

    private static void run(BenchmarkOptions options, CleanupStack cleanup, PrintStream out)
            throws IOException, InterruptedException
    {
        Path scratch = Files.createTempDirectory("berth-pullbench-");
        cleanup.push("benchmark scratch directory", () -> FileTrees.deleteRecursively(scratch));
        for (String tool : List.of("skopeo", "tar", "gzip")) {
            HostCommands.runOrThrow(List.of("sh", "-c", "command -v " + tool), scratch.resolve("which.out"), Duration.ofSeconds(10));
        }
        out.println("Berth pull benchmark: pull and unpack of a large multi-layer image from a local registry, next to skopeo copy + tar -x");
        out.println("machine: " + String.join("; ", MachineDescription.describe(options.runcBinary(), options.conmonBinary(), scratch)));
        out.println("skopeo: " + HostCommands.runOrThrow(List.of("skopeo", "--version"), scratch.resolve("version.out"), Duration.ofSeconds(10)).strip()
                + "; tar: " + HostCommands.runOrThrow(List.of("tar", "--version"), scratch.resolve("version.out"), Duration.ofSeconds(10)).lines().findFirst().orElse("?"));

        long buildStart = System.nanoTime();
        LargeImage.Built image = LargeImage.build(scratch.resolve("layout"), LargeImage.DEFAULT_LAYERS);
        out.printf(Locale.ROOT, "image: %d layers, %d files, %.1f MB unpacked, %.1f MB compressed (built in %.1f s)%n",
                image.image().layerDigests().size(), image.files(), image.fileBytes() / 1e6, image.compressedBytes() / 1e6, (System.nanoTime() - buildStart) / 1e9);

        TestRegistry registry = TestRegistry.start();
        cleanup.push("registry", registry::close);
        String reference = registry.hostPort() + "/bench/large:1";
        HostCommands.runOrThrow(List.of("skopeo", "--insecure-policy", "copy", "--preserve-digests", "--quiet", "--dest-tls-verify=false",
                "oci:" + image.image().layout() + ":1", "docker://" + reference), scratch.resolve("push.out"), COMMAND_TIMEOUT);
        FileTrees.deleteRecursively(image.image().layout());
        out.println("pushed to " + reference);

        RegistryClient client = new RegistryClient(RegistryAccessPolicy.loopbackOnly(), RegistryCredentials.none());
        cleanup.push("registry client", client::close);
        int rounds = Math.max(1, Math.min(options.iterations(), 5));
        List<Sample> baseline = new ArrayList<>();
        List<Sample> berth = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            out.println("round " + (round + 1) + " of " + rounds + " (load average " + BenchmarkMain.loadAverage() + ") ...");
            Path work = Files.createDirectories(scratch.resolve("round-" + round));
            if (round % 2 == 0) {
                baseline.add(baselinePull(reference, work, image.image().layerDigests().size()));
                berth.add(berthPull(client, reference, work));
            }
            else {
                berth.add(berthPull(client, reference, work));
                baseline.add(baselinePull(reference, work, image.image().layerDigests().size()));
            }
            out.printf(Locale.ROOT, "  skopeo + tar: %.2f s (%.0f MB/s, %.2f cores); berth: %.2f s (%.0f MB/s, %.2f cores)%n",
                    baseline.getLast().wallSeconds(), baseline.getLast().megabytesPerSecond(image.fileBytes()), baseline.getLast().cores(),
                    berth.getLast().wallSeconds(), berth.getLast().megabytesPerSecond(image.fileBytes()), berth.getLast().cores());
        }

        Sample base = median(baseline);
        Sample ours = median(berth);
        double ratio = ours.megabytesPerSecond(image.fileBytes()) / base.megabytesPerSecond(image.fileBytes());
        out.println();
        out.printf(Locale.ROOT, "%-44s %8s %8s %7s %12s%n", "pull + unpack (median of " + rounds + ")", "wall s", "MB/s", "cores", "MB/s / core");
        for (var row : List.of(java.util.Map.entry("skopeo copy + tar -xzf (baseline)", base), java.util.Map.entry("berth agent image service", ours))) {
            Sample sample = row.getValue();
            out.printf(Locale.ROOT, "%-44s %8.2f %8.0f %7.2f %12.0f%n", row.getKey(), sample.wallSeconds(), sample.megabytesPerSecond(image.fileBytes()),
                    sample.cores(), sample.megabytesPerSecond(image.fileBytes()) / sample.cores());
        }
        out.printf(Locale.ROOT, "berth / baseline throughput: %.2fx (target >= %.1fx): %s%n", ratio, TARGET_RATIO, ratio >= TARGET_RATIO ? "MET" : "NOT MET");
    }

    /** skopeo copy into an OCI directory, then tar -xzf of each layer into its own directory, as a cold store. */
    private static Sample baselinePull(String reference, Path work, int layers)
            throws IOException, InterruptedException
    {
        Path oci = work.resolve("skopeo-oci");
        Path unpacked = work.resolve("skopeo-layers");
        settle(work);
        ProcessCpu before = ProcessCpu.now(List.of());
        long start = System.nanoTime();
        HostCommands.runOrThrow(List.of("skopeo", "--insecure-policy", "copy", "--quiet", "--src-tls-verify=false", "docker://" + reference, "oci:" + oci + ":1"),
                work.resolve("skopeo.out"), COMMAND_TIMEOUT);
        List<Path> layerBlobs = ociLayers(oci);
        for (int index = 0; index < layerBlobs.size(); index++) {
            Path target = Files.createDirectories(unpacked.resolve(Integer.toString(index)));
            HostCommands.runOrThrow(List.of("tar", "-xzf", layerBlobs.get(index).toString(), "-C", target.toString()), work.resolve("tar.out"), COMMAND_TIMEOUT);
        }
        long nanos = System.nanoTime() - start;
        ProcessCpu after = ProcessCpu.now(List.of());
        if (layerBlobs.size() != layers) {
            throw new IOException("skopeo's copy has " + layerBlobs.size() + " layers, the image " + layers);
        }
        FileTrees.deleteRecursively(oci);
        FileTrees.deleteRecursively(unpacked);
        return new Sample(nanos / 1e9, (after.childrenTicks() - before.childrenTicks()) / TICKS_PER_SECOND);
    }

    /** The agent's own image service into an empty store: fetch, verify, unpack every layer. */
    private static Sample berthPull(RegistryClient client, String reference, Path work)
            throws IOException, InterruptedException
    {
        Path store = work.resolve("berth-store");
        settle(work);
        ProcessCpu before = ProcessCpu.now(List.of());
        long start = System.nanoTime();
        PulledImage pulled;
        try {
            pulled = new RegistryImageService(store, client).pull(reference);
        }
        catch (io.berth.agent.images.ImagePullException e) {
            throw new IOException("berth's pull failed: " + e.getMessage(), e);
        }
        long nanos = System.nanoTime() - start;
        ProcessCpu after = ProcessCpu.now(List.of());
        for (Path layer : pulled.layers()) {
            if (!Files.isDirectory(layer)) {
                throw new IOException("berth's pull left no layer at " + layer);
            }
        }
        FileTrees.deleteRecursively(store);
        return new Sample(nanos / 1e9, (after.ownTicks() - before.ownTicks()) / TICKS_PER_SECOND);
    }

    /** Writes the last round's files out, so each side starts with no dirty pages of the other's to flush. */
    private static void settle(Path work)
            throws IOException, InterruptedException
    {
        HostCommands.runOrThrow(List.of("sync"), work.resolve("sync.out"), COMMAND_TIMEOUT);
    }

    private static List<Path> ociLayers(Path oci)
            throws IOException
    {
        ObjectMapper json = new ObjectMapper();
        JsonNode index = json.readTree(oci.resolve("index.json").toFile());
        String manifestDigest = index.path("manifests").path(0).path("digest").asText();
        JsonNode manifest = json.readTree(blob(oci, manifestDigest).toFile());
        List<Path> layers = new ArrayList<>();
        manifest.path("layers").forEach(layer -> layers.add(blob(oci, layer.path("digest").asText())));
        return layers;
    }

    private static Path blob(Path oci, String digest)
    {
        return oci.resolve("blobs/sha256").resolve(digest.substring("sha256:".length()));
    }

    private static Sample median(List<Sample> samples)
    {
        List<Sample> sorted = samples.stream().sorted(Comparator.comparingDouble(Sample::wallSeconds)).toList();
        return sorted.get(sorted.size() / 2);
    }
}
