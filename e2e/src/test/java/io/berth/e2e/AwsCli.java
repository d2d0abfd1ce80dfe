package io.berth.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs the AWS CLI v2 (Debian's awscli at /usr/bin/aws: `aws logs tail` is a v2 command; an `aws` earlier on PATH
 * may be v1) as an account, pointed at Berth by AWS_ENDPOINT_URL as berth.env does and by --endpoint-url, under coreutils' timeout so a
 * command that never ends by itself (`aws logs tail --follow`) runs for a bounded time.
 */
final class AwsCli
{
    /** The exit code of a command that timeout(1) ended. */
    static final int TIMED_OUT = 124;
    private static final Path CLI = Path.of("/usr/bin/aws");

    private AwsCli() {}

    static HostCommand run(BerthEnvironment environment, AccountKeys account, List<String> arguments, Duration limit)
            throws IOException, InterruptedException
    {
        if (!Files.isExecutable(CLI)) {
            throw new IllegalStateException("the AWS CLI v2 is not at " + CLI + "; install Debian's awscli package (scripts/lib.sh does)");
        }
        List<String> command = new ArrayList<>(List.of("timeout", Long.toString(limit.toSeconds()), CLI.toString()));
        command.addAll(arguments);
        // Debian's CLI (2.9) predates AWS_ENDPOINT_URL (2.13): name the endpoint on the command line too
        command.addAll(List.of("--endpoint-url", environment.berth().endpoint().toString()));
        return HostCommand.run(command,
                Map.of("AWS_ACCESS_KEY_ID", account.accessKeyId(), "AWS_SECRET_ACCESS_KEY", account.secretAccessKey(), "AWS_DEFAULT_REGION", "us-east-1",
                        "AWS_ENDPOINT_URL", environment.berth().endpoint().toString(), "AWS_CONFIG_FILE", "/dev/null", "AWS_SHARED_CREDENTIALS_FILE", "/dev/null",
                        "AWS_PAGER", ""),
                null, limit.plusSeconds(15));
    }
}
