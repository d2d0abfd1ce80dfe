package io.berth.cli.server;

import io.berth.controlplane.accounts.AccessKey;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/** DIR/berth.env: the variables that point the AWS CLI, the AWS SDKs and berth at this Berth, as the operator. */
final class EnvironmentFile
{
    private EnvironmentFile() {}

    /** caBundle: the CA the API's certificate chains to, for AWS_CA_BUNDLE; null when the API serves plain HTTP. */
    static void write(Path file, AccessKey operatorKey, String region, URI endpoint, String registryAddress, Path caBundle)
            throws IOException
    {
        String content = """
                # Written by `berth up` / `berth server`: source it to point the AWS CLI, the AWS SDKs and berth at this Berth.
                export AWS_ACCESS_KEY_ID=%s
                export AWS_SECRET_ACCESS_KEY=%s
                export AWS_DEFAULT_REGION=%s
                export AWS_ENDPOINT_URL=%s
                export BERTH_ENDPOINT=%s
                """.formatted(operatorKey.accessKeyId(), operatorKey.secretAccessKey(), region, endpoint, endpoint);
        if (caBundle != null) {
            // the AWS CLI and SDKs read AWS_CA_BUNDLE; berth reads it too
            content += "export AWS_CA_BUNDLE=" + caBundle + "\n";
        }
        if (registryAddress != null) {
            content += "export BERTH_REGISTRY=" + registryAddress + "\n";
        }
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(temporary);
        // the file holds the operator's secret: only its owner may read it
        Files.createFile(temporary, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(temporary, content);
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
