package io.berth.agent.network;

import io.berth.agent.userns.LinuxSyscalls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.util.Objects.requireNonNull;

/**
 * nftables in this process, through libnftables (the library the nft command is made of; Debian's libnftables1, which
 * the nftables package brings): one context, made once in the network namespace it serves and kept. Applying a
 * ruleset then costs its parse and the kernel's transaction; the nft command costs a process and a new context
 * besides, about 20 ms on this project's VMs before it reads a rule (docs/benchmarks.md), on every task start and
 * stop. The library is not thread-safe, and the context belongs to the namespace of the thread that made it, so every
 * call runs on the context's own thread, with a deadline: a call past it leaves the context to that thread and makes
 * this instance refuse every later call, so its caller goes back to the nft command.
 */
final class Nftables
        implements AutoCloseable
{
    private static final Logger log = LoggerFactory.getLogger(Nftables.class);
    private static final String LIBRARY = "libnftables.so.1";
    private static final int NFT_CTX_DEFAULT = 0;

    private final ExecutorService thread;
    private final Calls calls;
    private final MemorySegment context;
    private volatile boolean broken;

    private Nftables(ExecutorService thread, Calls calls, MemorySegment context)
    {
        this.thread = thread;
        this.calls = calls;
        this.context = context;
    }

    /**
     * A context in networkNamespace (a namespace file such as /run/netns/NAME), or in this process's own when empty;
     * empty when the library cannot be loaded or the context cannot be made (then the nft command serves).
     */
    static Optional<Nftables> open(Optional<Path> networkNamespace, Duration deadline)
    {
        Optional<Calls> calls = Calls.load();
        if (calls.isEmpty()) {
            return Optional.empty();
        }
        ExecutorService thread = Executors.newSingleThreadExecutor(task -> Thread.ofPlatform().daemon().name("nftables").unstarted(task));
        CompletableFuture<MemorySegment> made = CompletableFuture.supplyAsync(() -> {
            try {
                if (networkNamespace.isPresent()) {
                    // this thread serves only the context: it stays in the namespace for good
                    LinuxSyscalls.enterNetworkNamespace(networkNamespace.get());
                }
                MemorySegment context = (MemorySegment) calls.get().newContext.invokeExact(NFT_CTX_DEFAULT);
                if (context.equals(MemorySegment.NULL)) {
                    throw new IllegalStateException("nft_ctx_new returned no context");
                }
                // what the commands print and their errors go to buffers the caller reads, not to this process's stdio
                int ignoredOutput = (int) calls.get().bufferOutput.invokeExact(context);
                int ignoredError = (int) calls.get().bufferError.invokeExact(context);
                return context;
            }
            catch (Throwable e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        }, thread);
        try {
            return Optional.of(new Nftables(thread, calls.get(), made.get(deadline.toMillis(), TimeUnit.MILLISECONDS)));
        }
        catch (ExecutionException | TimeoutException e) {
            log.warn("cannot make an nftables context{}, the nft command serves: {}", networkNamespace.map(path -> " in " + path).orElse(""),
                    e.getCause() != null ? e.getCause().getMessage() : e.getMessage());
            thread.shutdownNow();
            return Optional.empty();
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            thread.shutdownNow();
            return Optional.empty();
        }
    }

    /** Whether a call may still be made: false once one passed its deadline. */
    boolean usable()
    {
        return !broken;
    }

    /**
     * Runs commands (nft's language, as `nft -f` reads them) as one transaction and returns what they printed; fails
     * with the purpose and nft's own error message, or when they do not finish within deadline.
     */
    String run(String purpose, String commands, Duration deadline)
            throws NetworkException
    {
        if (broken) {
            throw new NetworkException("cannot " + purpose + ": the nftables context is stuck in an earlier call");
        }
        CompletableFuture<String> result = CompletableFuture.supplyAsync(() -> runOnContextThread(purpose, commands), thread);
        try {
            return result.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
        }
        catch (ExecutionException e) {
            if (e.getCause() instanceof NetworkFailure failure) {
                throw new NetworkException(failure.getMessage());
            }
            throw new NetworkException("cannot " + purpose + ": " + e.getCause().getMessage(), e.getCause());
        }
        catch (TimeoutException e) {
            broken = true;
            throw new NetworkException("cannot " + purpose + ": nftables did not finish within " + deadline.toSeconds() + " s");
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NetworkException("interrupted while trying to " + purpose, e);
        }
    }

    private String runOnContextThread(String purpose, String commands)
    {
        try (Arena arena = Arena.ofConfined()) {
            int status = (int) calls.runFromBuffer.invokeExact(context, arena.allocateFrom(commands));
            // the buffers are the context's, valid until its next call on this thread
            String output = text((MemorySegment) calls.outputBuffer.invokeExact(context));
            if (status != 0) {
                String error = text((MemorySegment) calls.errorBuffer.invokeExact(context)).strip();
                throw new NetworkFailure("cannot " + purpose + ": " + (error.isEmpty() ? "nftables refused the commands" : error));
            }
            return output.strip();
        }
        catch (NetworkFailure e) {
            throw e;
        }
        catch (Throwable e) {
            throw new IllegalStateException("libnftables failed: " + e.getMessage(), e);
        }
    }

    private static String text(MemorySegment cString)
    {
        return cString.equals(MemorySegment.NULL) ? "" : cString.reinterpret(Long.MAX_VALUE).getString(0);
    }

    @Override
    public void close()
    {
        if (!broken) {
            thread.submit(() -> {
                try {
                    calls.freeContext.invokeExact(context);
                }
                catch (Throwable e) {
                    log.warn("cannot free the nftables context: {}", e.getMessage());
                }
            });
        }
        thread.shutdown();
    }

    /** A refusal by nftables, carried out of the context's thread with its message. */
    private static final class NetworkFailure
            extends RuntimeException
    {
        NetworkFailure(String message)
        {
            super(message, null, false, false);
        }
    }

    /** Loads the library once, when first asked. */
    private static final class Loaded
    {
        static final Optional<Calls> CALLS = Calls.lookUp();
    }

    /** The library's functions (libnftables.h). */
    private record Calls(MethodHandle newContext, MethodHandle bufferOutput, MethodHandle bufferError, MethodHandle outputBuffer,
                         MethodHandle errorBuffer, MethodHandle runFromBuffer, MethodHandle freeContext)
    {
        static Optional<Calls> load()
        {
            return Loaded.CALLS;
        }

        private static Optional<Calls> lookUp()
        {
            try {
                // the library stays loaded for the life of the process, as the contexts may
                SymbolLookup library = SymbolLookup.libraryLookup(LIBRARY, Arena.global());
                Linker linker = Linker.nativeLinker();
                return Optional.of(new Calls(
                        function(linker, library, "nft_ctx_new", FunctionDescriptor.of(ADDRESS, JAVA_INT)),
                        function(linker, library, "nft_ctx_buffer_output", FunctionDescriptor.of(JAVA_INT, ADDRESS)),
                        function(linker, library, "nft_ctx_buffer_error", FunctionDescriptor.of(JAVA_INT, ADDRESS)),
                        function(linker, library, "nft_ctx_get_output_buffer", FunctionDescriptor.of(ADDRESS, ADDRESS)),
                        function(linker, library, "nft_ctx_get_error_buffer", FunctionDescriptor.of(ADDRESS, ADDRESS)),
                        function(linker, library, "nft_run_cmd_from_buffer", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS)),
                        function(linker, library, "nft_ctx_free", FunctionDescriptor.ofVoid(ADDRESS))));
            }
            catch (IllegalArgumentException | UnsupportedOperationException e) {
                log.warn("cannot load {} ({}): the nft command applies the firewall", LIBRARY, e.getMessage());
                return Optional.empty();
            }
        }

        private static MethodHandle function(Linker linker, SymbolLookup library, String name, FunctionDescriptor descriptor)
        {
            return linker.downcallHandle(library.find(name).orElseThrow(() -> new UnsupportedOperationException(LIBRARY + " has no " + name)), descriptor);
        }
    }
}
