package io.berth.cli.client;

import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The HTTP clients the commands of one long-lived process (the CLI daemon) share, one per CA bundle (its path and what
 * it holds), so that a command finds its connection to Berth open from the command before it: no TLS handshake, no
 * new client and trust store per command. Requests are still signed per command with the caller's own keys. A bundle
 * rewritten with another CA (a new `berth up`) gets a client of its own; the oldest is closed past a few (a command
 * still using that one then fails and can be run again: it takes nine CAs in use at once).
 */
public final class SharedHttpClients
        implements AutoCloseable
{
    private static final int MAX_CLIENTS = 8;

    private final Map<String, HttpClient> clients = new LinkedHashMap<>();

    /** The client for a CA bundle (null: the system's CAs alone), made on first use. */
    synchronized HttpClient trusting(Path caBundle)
    {
        String key = key(caBundle);
        HttpClient client = clients.get(key);
        if (client == null) {
            client = BerthClient.newHttpClient(caBundle);
            if (clients.size() >= MAX_CLIENTS) {
                String oldest = clients.keySet().iterator().next();
                clients.remove(oldest).close();
            }
            clients.put(key, client);
        }
        return client;
    }

    private static String key(Path caBundle)
    {
        if (caBundle == null) {
            return "";
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(caBundle));
            return caBundle.toAbsolutePath() + " " + HexFormat.of().formatHex(digest);
        }
        catch (IOException e) {
            throw new BerthClientException("AWS_CA_BUNDLE: cannot read " + caBundle + ": " + e.getMessage()
                    + " (source the berth.env `berth server` or `berth up` wrote)");
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no SHA-256", e);
        }
    }

    @Override
    public synchronized void close()
    {
        clients.values().forEach(HttpClient::close);
        clients.clear();
    }
}
