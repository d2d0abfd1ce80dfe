package io.berth.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.agent.images.ImageImportException;
import io.berth.agent.images.ImageImporter;
import io.berth.agent.images.ImportedImage;
import io.berth.agent.images.RegistryAccessPolicy;
import io.berth.agent.images.RegistryClient;
import io.berth.agent.images.RegistryCredentials;
import io.berth.cli.client.BerthClient;
import io.berth.cli.client.BerthClientException;
import io.berth.cli.client.BerthClientFactory;
import io.berth.cli.commands.ImageImport;
import io.berth.common.json.Json;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.net.http.HttpClient;
import java.nio.file.Path;
import io.berth.agent.images.RegistryDeadlines;
import io.berth.common.tls.TrustedCertificates;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * `berth image import` into the caller's own repositories in the registry of the Berth named in the environment
 * (BERTH_REGISTRY, which berth.env sets): it logs in as `aws ecr get-login-password` does (GetAuthorizationToken
 * with the caller's keys) and pushes to REGISTRY/ACCOUNT_ID/NAME, the account's path; the first push makes the
 * repository.
 */
final class RegistryImageImport
        implements ImageImport
{
    private final Map<String, String> environment;
    private final BerthClientFactory clients;

    RegistryImageImport(Map<String, String> environment, BerthClientFactory clients)
    {
        this.environment = Map.copyOf(environment);
        this.clients = requireNonNull(clients, "clients is null");
    }

    @Override
    public String importImage(Path archive, Optional<String> reference)
            throws IOException
    {
        String registry = environment.get("BERTH_REGISTRY");
        if (registry == null || registry.isBlank()) {
            throw new IOException("BERTH_REGISTRY is not set: source the berth.env that `berth up` wrote (. DATA_DIR/berth.env)");
        }
        Login login = login();
        RegistryCredentials credentials = new RegistryCredentials(Map.of(registry, new RegistryCredentials.Credential(login.username(), login.password())));
        // the registry's token endpoint is Berth's API: trust its CA (AWS_CA_BUNDLE) beside the system's
        String caBundle = environment.get("AWS_CA_BUNDLE");
        HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(RegistryDeadlines.DEFAULTS.connect())
                .followRedirects(HttpClient.Redirect.NEVER)
                .sslContext(TrustedCertificates.withSystem(caBundle == null || caBundle.isBlank() ? null : Path.of(caBundle)))
                .build();
        // a Berth whose API serves TLS (berth.env names its CA) serves a registry off loopback over TLS, with a
        // certificate of that CA: plain HTTP is then allowed on loopback only
        RegistryAccessPolicy access = caBundle == null || caBundle.isBlank()
                ? new RegistryAccessPolicy(Set.of(registry))
                : RegistryAccessPolicy.loopbackOnly();
        try (RegistryClient client = new RegistryClient(access, credentials, http, RegistryDeadlines.DEFAULTS)) {
            ImportedImage imported = new ImageImporter(client, registry + "/" + login.accountId()).importImage(archive, reference);
            return imported.reference().toString();
        }
        catch (ImageImportException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    private record Login(String username, String password, String accountId) {}

    /** The caller's registry login, from GetAuthorizationToken, and the account it is for. */
    private Login login()
            throws IOException
    {
        JsonNode data;
        try (BerthClient client = clients.connect(Optional.empty(), Optional.empty())) {
            data = client.ecr("GetAuthorizationToken", Json.mapper().createObjectNode()).path("authorizationData").path(0);
        }
        catch (BerthClientException e) {
            throw new IOException("cannot log in to the registry: " + e.getMessage(), e);
        }
        String decoded = new String(Base64.getDecoder().decode(data.path("authorizationToken").asText("")), StandardCharsets.UTF_8);
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            throw new IOException("cannot log in to the registry: GetAuthorizationToken answered no user:password");
        }
        String password = decoded.substring(colon + 1);
        return new Login(decoded.substring(0, colon), password, accountOf(password));
    }

    /** Berth's registry password is a JWT whose subject is the account it logs in: its repositories' path. */
    private static String accountOf(String password)
            throws IOException
    {
        String[] parts = password.split("\\.");
        if (parts.length != 3) {
            throw new IOException("cannot log in to the registry: the password is not one of Berth's registry logins");
        }
        String accountId = Json.mapper().readTree(Base64.getUrlDecoder().decode(parts[1])).path("sub").asText("");
        if (!accountId.matches("[0-9]{12}")) {
            throw new IOException("cannot log in to the registry: the login names no account");
        }
        return accountId;
    }
}
