package io.berth.controlplane.registry;

import javax.net.ssl.SSLContext;

import static java.util.Objects.requireNonNull;

/**
 * Berth's registry: where clients reach it (HOST:PORT, the first part of every repository URI) and the key its
 * tokens are signed with. The registry must be configured with {@link #ISSUER}, {@link #SERVICE}, the key's
 * certificate and the token endpoint as its realm (see {@link #tokenRealm}).
 *
 * @param tls how the control plane reaches the registry over HTTPS (trusting the cluster CA that issued its
 *         certificate); null when the registry serves plain HTTP (the API serves no TLS)
 */
public record RegistrySettings(String address, RegistrySigningKey signingKey, SSLContext tls)
{
    public static final String ISSUER = "berth";
    public static final String SERVICE = "berth-registry";
    /** Where, under the API's address, the registry sends clients for a token. */
    public static final String TOKEN_PATH = "/berth/registry/token";

    public RegistrySettings
    {
        requireNonNull(address, "address is null");
        requireNonNull(signingKey, "signingKey is null");
        if (address.contains("/") || !address.contains(":")) {
            throw new IllegalArgumentException("the registry address is HOST:PORT, got " + address);
        }
    }

    /** A registry serving plain HTTP. */
    public RegistrySettings(String address, RegistrySigningKey signingKey)
    {
        this(address, signingKey, null);
    }

    /** http or https: how clients, agents and the control plane reach the registry. */
    public String scheme()
    {
        return tls == null ? "http" : "https";
    }

    /** The realm of the registry's token auth, for an API served at apiEndpoint (e.g. http://127.0.0.1:8686). */
    public static String tokenRealm(String apiEndpoint)
    {
        return apiEndpoint + TOKEN_PATH;
    }
}
