package io.berth.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.cli.client.BerthClient;
import io.berth.cli.client.BerthClientConfig;
import io.berth.cli.client.BerthClientFactory;
import io.berth.common.json.Json;
import io.berth.common.sigv4.SigV4Credentials;
import io.berth.controlplane.accounts.AccessKey;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A berth command run in this JVM against a real API server, signed with one account's key: what the commands' tests
 * share. root makes the test's own top-level command, which names only the subcommands under test.
 */
record CommandAgainstServer(Supplier<Object> root, URI endpoint, AccessKey key)
{
    CommandAgainstServer
    {
        requireNonNull(root, "root is null");
        requireNonNull(endpoint, "endpoint is null");
        requireNonNull(key, "key is null");
    }

    /** What the command printed; fails the test, with what it printed on stderr, when it exits with another code than 0. */
    String run(String... args)
    {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exitCode = commandLine(out, err).execute(args);
        assertThat(exitCode).as(err.toString()).isZero();
        return out.toString();
    }

    CommandLine commandLine(StringWriter out, StringWriter err)
    {
        CommandLine commandLine = new CommandLine(root.get(), new BerthCommandFactory(clients(), Optional.empty(), Clock.systemUTC()));
        BerthCommands.configure(commandLine);
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine;
    }

    BerthClientFactory clients()
    {
        return (ignoredEndpoint, region) -> new BerthClient(
                new BerthClientConfig(endpoint, new SigV4Credentials(key.accessKeyId(), key.secretAccessKey()), region.orElse("us-east-1")),
                Clock.systemUTC());
    }

    static JsonNode parse(String json)
    {
        try {
            return Json.mapper().readTree(json);
        }
        catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
